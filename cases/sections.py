"""The cases sections of the registry's estate and firm pages and of the home page
(registry.sections): a record's latest cases with a link to all of them, and the newest cases;
and an estate's cases in its Atom feed."""

from cases.selectors import estate_cases, estate_feed_cases, firm_cases, home_cases
from registry.sections import ESTATE, FIRM, HOME, FeedEntry, estate_feed_register, section_register


def sections_register() -> None:
    section_register(
        ESTATE,
        name="cases",
        context=lambda estate: {
            "record_cases": estate_cases(estate_id=estate.pk),
            "record_name": estate.name,
        },
        templates={"main": "cases/includes/record_cases.html"},
        order=200,
    )
    section_register(
        FIRM,
        name="cases",
        context=lambda firm: {"record_cases": firm_cases(firm_id=firm.pk), "record_name": firm.name},
        templates={"main": "cases/includes/record_cases.html"},
        order=200,
    )
    section_register(
        HOME,
        name="cases",
        context=lambda _: {"home_cases": home_cases()},
        templates={"main": "cases/includes/home_cases.html"},
        order=200,
    )
    estate_feed_register(
        "cases",
        lambda estate: [
            FeedEntry(
                title=f"三微案例：{row['title']}",
                url=row["url"],
                published_at=row["first_published_at"],
                summary=row["summary"],
                guid=f"urn:sunshine:case:{row['pk']}",
            )
            for row in estate_feed_cases(estate_id=estate.pk)
        ],
    )
