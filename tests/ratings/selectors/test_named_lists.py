"""Reasons in names, not codes (issue 12): black-list reasons and exit warnings name the estate in
data.json (schema version 2), data.csv and the quarter page; releases made under version 1 stay
exactly as stored, still verify, and read with names everywhere but in their own data.json."""

import copy
import csv
import io
import json

import jsonschema
import pytest

from ratings import opendata
from ratings.models import MonthlyScore
from ratings.opendata import CSV_FIELDS
from ratings.services.publication import releases_verify
from tests.ratings.helpers import MONTHS, QUARTER_SCHEMAS, body_of, publish, street_scores, text_of

pytestmark = pytest.mark.django_db

Q4_MONTHS = ("2024-10", "2024-11", "2024-12")


def as_schema_1(document: dict) -> dict:
    """A version-2 document as the code before names wrote it: codes only in the lists."""
    doc = copy.deepcopy(document)
    doc["schema"] = opendata.SCHEMA_V1
    for entry in doc["black_list"]:
        estates = entry.pop("reason_estates")
        entry["reasons"] = [
            reason.replace(f"{e['estate_name']}（{e['estate_code']}）", f"小区 {e['estate_code']} ")
            for reason, e in zip(entry["reasons"], estates, strict=True)
        ]
    doc["exit_warnings"] = [
        {"estate_code": w["estate_code"], "firm_credit_code": w["firm_credit_code"]}
        for w in doc["exit_warnings"]
    ]
    return doc


@pytest.fixture
def two_red_quarters(db):
    """Six estates over 2024Q4 and 2025Q1; the first is vetoed in both quarters (red twice under the
    same firm: a black-list reason and an exit warning in 2025Q1)."""
    data = street_scores(6, months=(*Q4_MONTHS, *MONTHS))
    red = data["estates"][0]
    MonthlyScore.objects.filter(estate=red, month="2024-12").update(
        veto=True, veto_reason="消防通道堵塞（测试）"
    )
    data["red"] = red
    return data


def test_new_releases_name_the_estate_of_every_reason_and_exit_warning(client, two_red_quarters):
    publish("2024Q4")
    release = publish("2025Q1")
    red = two_red_quarters["red"]
    document = json.loads(client.get("/ratings/2025-q1/data.json").content)
    assert document["schema"] == "sunshine-property/quarter/2" == opendata.SCHEMA
    jsonschema.validate(document, QUARTER_SCHEMAS[document["schema"]])
    entry = next(
        e for e in document["black_list"] if any(r["estate_code"] == red.code for r in e["reason_estates"])
    )
    assert entry["reason_estates"][0] == {"estate_code": red.code, "estate_name": red.name}
    assert entry["reasons"][0] == f"{red.name}（{red.code}）一票否决：重大安全事故（测试）"
    assert len(entry["reasons"]) == len(entry["reason_estates"])
    assert document["exit_warnings"] == [
        {
            "estate_code": red.code,
            "estate_name": red.name,
            "firm_credit_code": two_red_quarters["firms"][0].credit_code,
            "firm_name": two_red_quarters["firms"][0].name,
        }
    ]
    assert release.digest == opendata.digest_of(document)

    rows = list(
        csv.DictReader(io.StringIO(client.get("/ratings/2025-q1/data.csv").content.decode("utf-8-sig")))
    )
    assert list(rows[0]) == list(CSV_FIELDS)
    by_code = {r["estate_code"]: r for r in rows}
    assert (
        by_code[red.code]["black_list_reasons"] == f"{red.name}（{red.code}）一票否决：重大安全事故（测试）"
    )
    assert by_code[red.code]["exit_warning"] == "true"
    assert {r["exit_warning"] for c, r in by_code.items() if c != red.code} == {"false"}

    text = text_of(body_of(client.get("/ratings/2025-q1/")))
    lists = text[text.index("红榜与黑榜") :]
    assert f"{red.name}（{red.code}）一票否决" in lists
    assert f"小区 {red.code}" not in lists


def test_a_release_made_under_schema_1_stays_as_stored_verifies_and_reads_with_names(
    client, two_red_quarters, monkeypatch
):
    """Releases are frozen: one published before names were added keeps its version-1 document
    byte for byte (digest and chain verify); pages, data.csv and data.xlsx name its estates."""
    make = opendata.quarter_document
    monkeypatch.setattr(opendata, "quarter_document", lambda **kw: as_schema_1(make(**kw)))
    publish("2024Q4")
    old = publish("2025Q1")  # made by "the old code"
    monkeypatch.undo()
    red = two_red_quarters["red"]
    stored = old.document
    assert stored["schema"] == opendata.SCHEMA_V1
    firm = two_red_quarters["firms"][0]
    assert stored["exit_warnings"] == [{"estate_code": red.code, "firm_credit_code": firm.credit_code}]
    assert any(r.startswith(f"小区 {red.code} ") for e in stored["black_list"] for r in e["reasons"])

    served = json.loads(client.get("/ratings/2025-q1/data.json").content)
    assert served == stored  # exactly as stored: nothing rewrites a release
    jsonschema.validate(served, QUARTER_SCHEMAS[served["schema"]])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(served, QUARTER_SCHEMAS[opendata.SCHEMA])
    assert releases_verify() == []

    text = text_of(body_of(client.get("/ratings/2025-q1/")))
    lists = text[text.index("红榜与黑榜") :]
    assert f"{red.name}（{red.code}）一票否决" in lists and f"小区 {red.code}" not in lists
    exits = lists[lists.index("清退预警") :]
    assert red.name in exits and firm.name in exits

    rows = list(
        csv.DictReader(io.StringIO(client.get("/ratings/2025-q1/data.csv").content.decode("utf-8-sig")))
    )
    red_row = next(r for r in rows if r["estate_code"] == red.code)
    assert (
        red_row["black_list_reasons"].startswith(f"{red.name}（{red.code}）")
        and red_row["exit_warning"] == "true"
    )


def test_the_readers_take_both_versions_of_the_lists():
    names = {"E1": "杏坛东里"}
    v1 = opendata.named_lists(
        [{"firm_credit_code": "C", "firm_name": "甲物业", "reasons": ["小区 E1 本季度红牌", "另有原因"]}],
        [{"estate_code": "E1", "firm_credit_code": "C"}],
        names,
        {"C": "甲物业"},
    )
    assert v1["black_list"][0]["reasons"] == ["杏坛东里（E1）本季度红牌", "另有原因"]
    assert v1["black_list"][0]["reason_estates"] == [{"estate_code": "E1", "estate_name": "杏坛东里"}, None]
    assert v1["exit_warnings"] == [
        {"estate_code": "E1", "firm_credit_code": "C", "estate_name": "杏坛东里", "firm_name": "甲物业"}
    ]
    v2_entry = {
        "firm_credit_code": "C",
        "firm_name": "甲物业",
        "reasons": ["杏坛东里（E1）本季度红牌"],
        "reason_estates": [{"estate_code": "E1", "estate_name": "杏坛东里"}],
    }
    assert opendata.named_lists([v2_entry], [], {}, {})["black_list"] == [v2_entry]
    # An unknown code stays as written rather than guessing.
    assert opendata.named_reason("小区 E9 本季度红牌", names) == "小区 E9 本季度红牌"
