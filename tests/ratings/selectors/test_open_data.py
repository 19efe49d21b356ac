"""Open data (SPEC §4, §8): data.json and data.csv of releases, the field description page, and
the Atom feed of releases."""

import csv
import hashlib
import io
import json
from decimal import ROUND_HALF_UP, Decimal

import feedparser
import jsonschema
import pytest

from ratings.opendata import CSV_FIELDS, FLAT_FIELDS
from tests.ratings.helpers import QUARTER_SCHEMA, correct, publish, street_scores

pytestmark = pytest.mark.django_db

FORMULA_FIRM = '=HYPERLINK("http://example.invalid")物业有限公司'


@pytest.fixture
def released(db):
    data = street_scores(6, firm_names=[FORMULA_FIRM, "乙物业有限公司", "+丙物业有限公司"])
    data["release"] = publish()
    return data


def recompute(document: dict) -> dict[str, dict]:
    """SPEC §3 written out again, from nothing but the document's own `months` and scheme."""
    bands = [
        (b["code"], Decimal(b["min"]) if b["min"] is not None else None) for b in document["scheme"]["bands"]
    ]
    hotline_max = next(Decimal(c["max"]) for c in document["scheme"]["criteria"] if c["code"] == "hotline")

    def rate(part, whole):
        return Decimal(1) if whole == 0 else Decimal(part) / Decimal(whole)

    expected = {}
    for row in document["estates"]:
        totals = []
        for m in row["months"]:
            if m["hotline"] is not None:
                h = m["hotline"]
                hotline = hotline_max * (
                    Decimal("0.1") * rate(h["responded"], h["received"])
                    + Decimal("0.45") * rate(h["resolved"], h["received"])
                    + Decimal("0.45") * rate(h["satisfied"], h["surveyed"])
                )
                assert Decimal(m["criteria"]["hotline"]) == hotline.quantize(
                    Decimal("0.1"), rounding=ROUND_HALF_UP
                )
            if m["assessed"]:
                month_total = sum((Decimal(v) for v in m["criteria"].values()), Decimal("0"))
                assert Decimal(m["total"]) == month_total, (row["estate_code"], m["month"])
                totals.append(month_total)
        vetoed = any(m["veto"] for m in row["months"])
        score = (
            (sum(totals) / len(totals)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if totals else None
        )
        if vetoed:
            band = bands[-1][0]
        elif len(totals) < 2:
            band, score = "pending", None
        else:
            band = next(code for code, minimum in bands if minimum is None or score >= minimum)
        expected[row["estate_code"]] = {
            "score": score,
            "band": band,
            "vetoed": vetoed,
            "months_assessed": len(totals),
        }
    # Overall ranks: rated estates, non-vetoed by score descending, then vetoed; ties share a rank.
    rated = [(code, e) for code, e in expected.items() if e["band"] != "pending"]
    keys = sorted(((e["vetoed"], -(e["score"] or Decimal("-1"))), code) for code, e in rated)
    previous, rank = None, 0
    for position, (key, code) in enumerate(keys, start=1):
        if key != previous:
            rank, previous = position, key
        expected[code]["rank_overall"] = rank
    return expected


def test_data_json_validates_against_the_schema_and_agrees_with_a_recomputation(client, released):
    response = client.get("/ratings/2025-q1/data.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = json.loads(response.content.decode("utf-8"))
    assert "测试家园" in response.content.decode("utf-8")  # Chinese as UTF-8, not \\u escapes
    assert document == released["release"].document
    jsonschema.validate(document, QUARTER_SCHEMA)
    expected = recompute(document)
    for row in document["estates"]:
        e = expected[row["estate_code"]]
        assert row["score"] == (str(e["score"]) if e["score"] is not None else None), row["estate_code"]
        assert (row["band"], row["vetoed"], row["months_assessed"]) == (
            e["band"],
            e["vetoed"],
            e["months_assessed"],
        )
        assert row["rank_overall"] == e.get("rank_overall")
    assert {r["band"] for r in document["estates"]} >= {"red", "pending", "green"}


def test_data_json_digest_is_the_sha256_of_its_canonical_json_without_the_digest(client, released):
    document = json.loads(client.get("/ratings/2025-q1/data.json").content)
    body = {key: value for key, value in document.items() if key != "digest"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert document["digest"] == hashlib.sha256(canonical).hexdigest() == released["release"].digest
    assert document["previous_digest"] is None and document["release"] == 1


def test_data_csv_has_a_bom_the_same_rows_and_escapes_formula_text(client, released):
    response = client.get("/ratings/2025-q1/data.csv")
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert 'filename="sunshine-2025Q1-v1.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_FIELDS and CSV_FIELDS[: len(FLAT_FIELDS)] == FLAT_FIELDS
    document = released["release"].document
    assert [r[0] for r in rows[1:]] == [e["estate_code"] for e in document["estates"]]
    by_code = {r[0]: dict(zip(CSV_FIELDS, r, strict=True)) for r in rows[1:]}
    firm_names = {by_code[e["estate_code"]]["firm_name"] for e in document["estates"]}
    assert "'" + FORMULA_FIRM in firm_names and FORMULA_FIRM not in firm_names
    assert "'+丙物业有限公司" in firm_names
    for e in document["estates"]:
        row = by_code[e["estate_code"]]
        assert row["score"] == (e["score"] or "") and row["band"] == e["band"]
        assert row["veto_reasons"] == "；".join(e["veto_reasons"])
        assert row["vetoed"] == ("true" if e["vetoed"] else "false")


def test_each_version_keeps_its_own_data_and_an_unknown_version_is_404(client, released):
    v2 = correct(estate=released["estates"][2], month="2025-01")
    latest = json.loads(client.get("/ratings/2025-q1/data.json").content)
    first = json.loads(client.get("/ratings/2025-q1/v1/data.json").content)
    assert latest["release"] == 2 and latest["digest"] == v2.digest
    assert latest["previous_digest"] == first["digest"] == released["release"].digest
    assert latest["correction_note"].startswith("测试：")
    assert (
        'filename="sunshine-2025Q1-v1.csv"'
        in client.get("/ratings/2025-q1/v1/data.csv")["Content-Disposition"]
    )
    assert (
        'filename="sunshine-2025Q1-v2.csv"' in client.get("/ratings/2025-q1/data.csv")["Content-Disposition"]
    )
    assert client.get("/ratings/2025-q1/v3/data.json").status_code == 404
    assert client.get("/ratings/2025-q1/v3/data.csv").status_code == 404
    assert client.get("/ratings/2024-q4/data.json").status_code == 404


def test_the_field_page_describes_every_open_data_field_in_chinese(client, released):
    response = client.get("/ratings/data/")
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    document = released["release"].document
    assert document["black_list"], "the fixture has a black list"
    list_keys = {key for name in ("red_list", "black_list") for entry in document[name] for key in entry}
    list_keys |= {"estate_code", "estate_name", "firm_credit_code", "firm_name"}  # exit warnings
    for code in [
        *document,
        *document["estates"][0],
        *document["estates"][0]["months"][0],
        *list_keys,
        *CSV_FIELDS,
    ]:
        assert f'<code lang="en">{code}</code>' in body, code
    assert (
        "data.xlsx" in body
        and "sunshine-property/quarter/2" in body
        and "sunshine-property/quarter/1" in body
    )


def test_the_atom_feed_parses_and_has_one_entry_per_release_with_corrections_marked(client, released):
    v2 = correct(estate=released["estates"][2], month="2025-01")
    response = client.get("/feeds/ratings/")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert len(feed.entries) == 2
    newest, oldest = feed.entries
    assert newest.title == "【更正】2025年第1季度物业服务评级（第2版）"
    assert oldest.title == "2025年第1季度物业服务评级（第1版）"
    assert newest.link.endswith("/ratings/2025-q1/") and oldest.link.endswith("/ratings/2025-q1/v1/")
    assert newest.id != oldest.id
    assert v2.digest in newest.summary and released["release"].digest in oldest.summary
    assert "更正说明" in newest.summary and "绿牌·精品" in newest.summary
