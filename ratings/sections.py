"""The rating sections of the registry's estate and firm pages (registry.sections): the plate and
why it has its colour under the estate's name, the scores, plate history and hotline trend below,
a firm's bands and list entries, the latest quarter's plates and lists on the home page, and each estate's plate in the directory
(a column and a filter by band)."""

from ratings.selectors import (
    current_plates,
    estate_feed_plates,
    estate_pages_with_plate,
    estate_ratings,
    firm_ratings,
    home_ratings,
    plate_choices,
)
from ratings.selectors.directory import UNKNOWN
from registry.sections import (
    ESTATE,
    FIRM,
    HOME,
    DirectoryFacet,
    FeedEntry,
    directory_facet_register,
    estate_feed_register,
    section_register,
)


def sections_register() -> None:
    section_register(
        ESTATE,
        name="ratings",
        context=lambda estate: {
            "ratings": estate_ratings(
                estate_id=estate.pk, current_contract=getattr(estate, "current_contract", UNKNOWN)
            )
        },
        templates={
            "plate": "ratings/includes/estate_plate.html",
            "main": "ratings/includes/estate_ratings.html",
        },
    )
    section_register(
        FIRM,
        name="ratings",
        context=lambda firm: {"ratings": firm_ratings(firm_id=firm.pk, credit_code=firm.credit_code)},
        templates={"main": "ratings/includes/firm_ratings.html"},
    )
    section_register(
        HOME,
        name="ratings",
        context=lambda _: {"home_ratings": home_ratings()},
        templates={"main": "ratings/includes/home_ratings.html"},
    )
    directory_facet_register(
        DirectoryFacet(
            name="band",
            label="挂牌",
            values=lambda estate_ids: current_plates(estate_ids=estate_ids),
            template="ratings/includes/directory_plate.html",
            choices=plate_choices,
            filter=estate_pages_with_plate,
        )
    )
    estate_feed_register(
        "ratings",
        lambda estate: [
            FeedEntry(
                title=entry["title"],
                url=entry["url"],
                published_at=entry["published_at"],
                summary=entry["summary"],
                guid=entry["guid"],
            )
            for entry in estate_feed_plates(estate_id=estate.pk)
        ],
    )
