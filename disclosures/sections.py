"""The disclosure sections of the estate page (registry.sections): the contacts and complaint
channels beside the plate, and below, the approved disclosure in brief with the fee comparison;
and each approved version in the estate's Atom feed."""

from disclosures.public import estate_disclosure, estate_feed_versions
from registry.sections import ESTATE, FeedEntry, estate_feed_register, section_register


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
    estate_feed_register(
        "disclosures",
        lambda estate: [
            FeedEntry(
                title=f"信息公开（第 {v['number']} 版）审核通过",
                url=v["url"],
                published_at=v["published_at"],
                summary="物业企业公开的收费项目、公共收益收支、维修资金使用与投诉渠道，经街道审核通过。",
                guid=f"urn:sunshine:disclosure:{v['page_id']}:v{v['number']}",
            )
            for v in estate_feed_versions(estate_id=estate.pk)
        ],
    )
