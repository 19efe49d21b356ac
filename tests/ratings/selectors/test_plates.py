"""Printable plates (SPEC §7): band in words and colour, facts, last quarters, serial, validity,
a QR code to the estate page's full URL, and a plain notice when a newer release supersedes it."""

import re

import pytest
import segno

from tests.ratings.helpers import (
    ROOT,
    correct,
    publish,
    queries_with,
    street_scores,
    text_of,
)

pytestmark = pytest.mark.django_db

YEAR = ("2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06")


@pytest.fixture
def plates(db):
    data = street_scores(5)
    data["release"] = publish()
    return data


def plate_url(estate, quarter_slug="2025-q1", version=None):
    prefix = f"/ratings/{quarter_slug}/" + (f"v{version}/" if version else "")
    return f"{prefix}plates/{estate.page.slug}/"


def test_the_plate_qr_code_encodes_the_estate_page_full_url(client, plates):
    estate = plates["estates"][2]
    body = client.get(plate_url(estate)).content.decode("utf-8")
    expected_url = f"http://testserver/estates/{estate.page.slug}/"
    assert expected_url in body
    svg = re.search(r'<div class="plate__qr-code"[^>]*>(<svg.*?</svg>)</div>', body, re.S).group(1)
    assert svg == segno.make(expected_url, error="m").svg_inline(scale=4, omitsize=False)
    # and not the URL of anything else
    assert svg != segno.make(
        f"http://testserver/estates/{plates['estates'][3].page.slug}/", error="m"
    ).svg_inline(scale=4, omitsize=False)


def test_the_plate_names_band_estate_firm_quarter_score_ranks_serial_and_validity(client, plates):
    estate = plates["estates"][2]
    row = next(r for r in plates["release"].document["estates"] if r["estate_code"] == estate.code)
    response = client.get(plate_url(estate))
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    text = text_of(body)
    assert "绿牌·精品" in text and 'class="plate plate--green"' in body
    assert estate.name in text and row["firm_name"] in text and "2025年第1季度" in text
    assert row["score"] in text
    assert f"第 {row['rank_in_group']} 名" in text and f"第 {row['rank_overall']} 名" in text
    assert f"QRP-2025Q1-v1-{estate.code}" in text
    assert "2025年6月30日" in text  # valid until the end of the next quarter
    css = (ROOT / "static/css/portal.css").read_text(encoding="utf-8")
    assert "@page plate" in css and "size: A4 portrait" in css  # the print stylesheet: one A4 sheet


def test_a_pending_estate_plate_says_pending_in_words(client, plates):
    text = text_of(client.get(plate_url(plates["estates"][1])).content.decode("utf-8"))
    assert "待评" in text and "数据不足" in text


def test_the_plate_shows_the_last_four_quarters_as_labelled_marks(client, db):
    months = ("2024-07", "2024-08", "2024-09", *YEAR)
    data = street_scores(3, months=months)
    for quarter in ("2024Q3", "2024Q4", "2025Q1", "2025Q2"):
        publish(quarter)
    body = client.get(plate_url(data["estates"][2], "2025-q2")).content.decode("utf-8")
    marks = re.findall(r'<span class="plate-mark__quarter">([^<]+)</span>', body)
    assert marks == ["2024年第3季度", "2024年第4季度", "2025年第1季度", "2025年第2季度"]
    assert body.count('<span class="plate-mark__band">绿牌·精品</span>') == 4


def test_a_superseded_plate_says_so_plainly(client, db):
    data = street_scores(5, months=YEAR[3:])
    publish("2025Q1")
    estate = data["estates"][2]
    assert "已被" not in text_of(client.get(plate_url(estate)).content.decode("utf-8"))
    correct(estate=estate, month="2025-01")
    old = text_of(client.get(plate_url(estate, version=1)).content.decode("utf-8")).replace(" ", "")
    assert "本挂牌已被2025年第1季度物业服务评级（第2版）取代" in old
    assert "QRP-2025Q1-v1-" in old
    publish("2025Q2")
    text = text_of(client.get(plate_url(estate)).content.decode("utf-8")).replace(" ", "")
    assert "本挂牌已被2025年第2季度物业服务评级（第1版）取代" in text
    assert client.get(plate_url(estate, version=3)).status_code == 404


def test_a_plate_of_an_unknown_estate_is_404(client, plates):
    assert client.get("/ratings/2025-q1/plates/no-such-estate/").status_code == 404


def test_the_plate_runs_the_same_few_queries_for_5_or_60_estates(client, db):
    def url(data):
        return plate_url(data["estates"][3])

    small, large = queries_with(5, client, url), queries_with(60, client, url)
    assert small == large <= 20
