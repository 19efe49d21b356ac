"""The disclosure sections of the estate page (registry.sections): the contacts and complaint
channels beside the plate, and below, the approved disclosure in brief with the fee comparison."""

from disclosures.public import estate_disclosure
from registry.sections import ESTATE, section_register


def sections_register() -> None:
    section_register(
        ESTATE,
        name="disclosures",
        context=estate_disclosure,
        templates={
            "plate": "disclosures/includes/estate_contacts.html",
            "main": "disclosures/includes/estate_disclosure.html",
        },
        order=200,  # after the ratings
    )
