"""Evidence (SPEC §6): a case that names a criterion and an estate shows that estate's score on
the criterion in the released quarters around the case date — the releases' own figures."""

import datetime as dt
from decimal import Decimal

import pytest

from ratings.models import Release
from tests.cases.helpers import make_case
from tests.ratings.helpers import month_data, publish, street_scores

pytestmark = pytest.mark.django_db

QUARTERS = {"2024Q4": ("2024-10", "2024-11", "2024-12"), "2025Q1": ("2025-01", "2025-02", "2025-03")}


@pytest.fixture
def released():
    """Three estates released for 2024Q4, 2025Q1 and 2025Q2; the third one's 业主评价 (13.5 a
    month until March) is full marks from April on."""
    data = street_scores(3, months=("2025-04", "2025-05", "2025-06"), first_code=10)
    estates = data["estates"]
    for quarter, months in QUARTERS.items():
        for i, estate in enumerate(estates):
            for month in months:
                month_data(estate, month, minus="6.5" if i == 2 else "1.0", figures=(4, 4, 3, 2, 2))
        publish(quarter)
    publish("2025Q2")
    return {"estate": estates[2], "firm": data["firms"][2]}


def release_score(quarter: str, estate_code: str, criterion: str) -> str:
    document = Release.objects.filter(quarter=quarter).latest("version").document
    row = next(r for r in document["estates"] if r["estate_code"] == estate_code)
    maximum = next(c["max"] for c in document["scheme"]["criteria"] if c["code"] == criterion)
    return str(Decimal(maximum) - Decimal(row["points_lost"][criterion]))


def test_the_case_page_shows_the_release_figures_before_and_after_the_case(client, released):
    estate = released["estate"]
    make_case(
        firm=released["firm"],
        estate=estate,
        slug="owner-care",
        case_date=dt.date(2025, 2, 14),
        criterion="owner",
    )
    response = client.get("/cases/owner-care/")
    evidence = response.context["evidence"]
    assert [(q["quarter"], q["when"]) for q in evidence["quarters"]] == [
        ("2024Q4", "before"),
        ("2025Q1", "during"),
        ("2025Q2", "after"),
    ]
    for q in evidence["quarters"]:
        assert q["score"] == release_score(q["quarter"], estate.code, "owner")
    assert evidence["criterion_name"] == "业主评价" and evidence["max"] == "20.0"
    body = response.content.decode()
    assert "<svg" in body and 'aria-labelledby="evidence-title evidence-desc"' in body
    for q in evidence["quarters"]:
        assert q["score"] in body  # the text alternative (table) carries every figure
    assert "案例前" in body and "案例后" in body


def test_the_figure_is_the_mean_of_the_released_months(released):
    estate = released["estate"]
    document = Release.objects.get(quarter="2024Q4").document
    row = next(r for r in document["estates"] if r["estate_code"] == estate.code)
    months = [Decimal(m["criteria"]["owner"]) for m in row["months"] if m["assessed"]]
    assert release_score("2024Q4", estate.code, "owner") == str(
        (sum(months) / len(months)).quantize(Decimal("0.01"))
    )


def test_no_criterion_or_no_estate_means_no_evidence(client, released):
    make_case(firm=released["firm"], estate=released["estate"], slug="plain")
    assert client.get("/cases/plain/").context["evidence"] is None
