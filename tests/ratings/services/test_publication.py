"""Publication (SPEC §4): committee approval, append-only chained releases, corrections, appeals."""

import datetime as dt
import io

import pytest

from django.core.management import CommandError, call_command
from django.db import connection

from wagtail.models import ModelLogEntry

from core.errors import ActionRefused, ImportRefused
from core.tabular import Table
from portal.roles import COMMITTEE
from ratings.models import Appeal, AppendOnlyError, MonthlyScore, QuarterPage, Release
from ratings.services import appeals, publication
from ratings.services.quarters import quarter_compute, quarter_freeze
from ratings.services.scores import scores_import
from tests.helpers import needs_concurrent_writers, run_at_once
from tests.ratings.helpers import FULL, Q, publish, uphold

pytestmark = pytest.mark.django_db


def test_committee_approval_publishes_the_page_and_freezes_release_v1(quarter_data, people):
    release = publish(people=people)
    page = QuarterPage.objects.get(quarter=Q)
    assert page.live
    assert (release.version, release.sequence, release.previous_digest) == (1, 1, None)
    assert release.approved_by == people["committee"] and release.approved_by_name == COMMITTEE
    doc = release.document
    assert (doc["release"], doc["approved_by"], doc["digest"]) == (1, COMMITTEE, release.digest)
    assert doc["published_at"].endswith("+08:00")
    assert release.rows.count() == 4
    assert ModelLogEntry.objects.filter(action="ratings.release").exists()


def test_a_submitted_quarter_is_invisible_until_approved(quarter_data, people, client):
    publication.quarter_submit(quarter=Q, user=people["editor"])
    page = QuarterPage.objects.get(quarter=Q)
    assert not page.live and not Release.objects.exists()
    assert client.get("/ratings/2025-q1/").status_code == 404


def test_an_editor_cannot_approve_a_quarter(quarter_data, people):
    publication.quarter_submit(quarter=Q, user=people["editor"])
    with pytest.raises(ActionRefused, match="考评委员会"):
        publication.quarter_approve(quarter=Q, user=people["editor"])
    assert not Release.objects.exists()


def test_verify_releases_accepts_an_honest_chain(quarter_data):
    publish()
    out = io.StringIO()
    call_command("verify_releases", stdout=out)
    assert "全部 1 个发布版本" in out.getvalue()
    assert Release.objects.get().digest in out.getvalue()  # the head digest, to publish elsewhere


def test_verify_releases_names_a_release_tampered_with_raw_sql(quarter_data):
    release = publish()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # an attacker with superuser rights
        cursor.execute(
            "UPDATE ratings_release SET document = REPLACE(CAST(document AS TEXT), '100.00', '99.00')"
            + ("::jsonb" if connection.vendor == "postgresql" else "")
            + " WHERE id = %s",
            [release.pk],
        )
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")
    with pytest.raises(CommandError, match="2025Q1 v1"):
        call_command("verify_releases", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_model_refuses_to_update_or_delete_a_release(quarter_data):
    release = publish()
    release.correction_note = "改一下"
    with pytest.raises(AppendOnlyError):
        release.save()
    with pytest.raises(AppendOnlyError):
        release.delete()
    with pytest.raises(AppendOnlyError):
        Release.objects.filter(pk=release.pk).update(correction_note="x")
    with pytest.raises(AppendOnlyError):
        Release.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_a_raw_update_of_a_release(quarter_data):
    from django.db import DatabaseError, transaction

    release = publish()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE ratings_release SET correction_note = 'x' WHERE id = %s", [release.pk])
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM ratings_releaserow")


def test_publishing_again_without_a_correction_makes_no_new_release(quarter_data):
    first = publish()
    again = publication.release_publish(quarter=Q)
    assert again.pk == first.pk and Release.objects.count() == 1


def test_a_correction_makes_v2_with_the_right_rows_and_leaves_v1_unchanged(quarter_data, people):
    v1 = publish(people=people)
    v1_document = Release.objects.get(pk=v1.pk).document
    with pytest.raises(ImportRefused, match="已发布"):
        quarter_compute(quarter=Q)
    publication.correction_open(quarter=Q, reason="2025年1月E2业主评价录入有误，更正", user=people["editor"])
    MonthlyScore.objects.filter(estate__code="E2").update(scores=FULL)
    v2 = publish(people=people)
    assert (v2.version, v2.previous_digest) == (2, v1.digest)
    assert v2.document["correction_note"] == "2025年1月E2业主评价录入有误，更正"
    from ratings.opendata import row_changes

    changes = row_changes(v1.document, v2.document)
    assert [c["estate_code"] for c in changes] == ["E2"]  # E2 now ties E1, whose row stays the same
    e2 = {f["field"]: (f["old"], f["new"]) for f in changes[0]["fields"]}
    assert e2["score"] == ("85.00", "100.00") and e2["band"] == ("blue", "green")
    assert e2["rank_overall"] == (2, 1)
    assert Release.objects.get(pk=v1.pk).document == v1_document
    with pytest.raises(ImportRefused, match="第 2 版"):
        quarter_compute(quarter=Q)  # locked again once v2 is out


def test_a_correction_needs_a_reason_and_a_released_quarter(quarter_data, people):
    with pytest.raises(ActionRefused, match="尚未发布"):
        publication.correction_open(quarter=Q, reason="理由写得很清楚", user=people["editor"])
    publish()
    with pytest.raises(ActionRefused, match="更正理由"):
        publication.correction_open(quarter=Q, reason="改", user=people["editor"])


def test_imports_into_a_released_quarter_are_refused_until_a_correction_is_opened(quarter_data, people):
    publish()
    header = ("estate_code", "owner", "environment", "civility", "sanitation", "safety", "standards")
    table = Table(
        header=header, rows=((2, dict(zip(header, ("E1", "19", "15", "10", "10", "10", "5"), strict=True))),)
    )
    with pytest.raises(ImportRefused, match="数据已锁定"):
        scores_import(table=table, month="2025-02")
    publication.correction_open(quarter=Q, reason="复核后发现二月得分有误", user=people["editor"])
    assert scores_import(table=table, month="2025-02").updated == 1


def test_two_publishes_one_after_the_other_share_one_chain(quarter_data):
    a = publish("2025Q1")
    b = publish("2025Q2")
    assert b.previous_digest == a.digest and b.sequence == a.sequence + 1


@needs_concurrent_writers
def test_two_concurrent_publishes_of_one_quarter_make_one_release(quarter_data):

    publication.quarter_page_ensure(quarter=Q)
    quarter_freeze(quarter=Q)  # what submission does; publishing copies the frozen result
    results = run_at_once(lambda: publication.release_publish(quarter=Q).pk)
    assert Release.objects.filter(quarter=Q).count() == 1
    assert len(set(results)) == 1


# --- appeals -----------------------------------------------------------------------------------


def a_score(code="E1", month="2025-01"):
    return MonthlyScore.objects.get(estate__code=code, month=month)


def test_a_firm_appeals_its_own_estate_within_the_window(quarter_data, firm_users):
    appeal = appeals.appeal_submit(
        user=firm_users["firm_a"], score=a_score(), reason="业主评价抽样有误，请复核"
    )
    assert appeal.status == Appeal.OPEN and appeal.firm == quarter_data["firm_a"]
    assert ModelLogEntry.objects.filter(action="ratings.appeal.submit").exists()


def test_firm_a_cannot_appeal_firm_b_estate(quarter_data, firm_users):
    with pytest.raises(ActionRefused, match="本企业"):
        appeals.appeal_submit(user=firm_users["firm_b"], score=a_score(), reason="不是我们的小区也想申诉")
    assert not Appeal.objects.exists()


def test_an_appeal_outside_the_window_is_refused(quarter_data, firm_users, settings):
    settings.PORTAL_APPEAL_WINDOW_DAYS = 7
    later = a_score().imported_at + dt.timedelta(days=7, minutes=1)
    with pytest.raises(ActionRefused, match="已超过申诉期限"):
        appeals.appeal_submit(user=firm_users["firm_a"], score=a_score(), reason="过期的申诉理由", now=later)
    just_in_time = a_score().imported_at + dt.timedelta(days=6, hours=23)
    assert appeals.appeal_submit(
        user=firm_users["firm_a"], score=a_score(), reason="及时的申诉理由", now=just_in_time
    )


def test_an_upheld_appeal_changes_the_score_and_logs_old_and_new(quarter_data, firm_users, people):
    appeal = appeals.appeal_submit(
        user=firm_users["firm_a"], score=a_score("E2"), reason="业主评价抽样有误，请复核"
    )
    uphold(appeal, people["editor"], owner="18.0", reason="复核属实，更正得分")
    appeal.refresh_from_db()
    assert (
        appeal.status == Appeal.UPHELD
        and appeal.old_scores["owner"] == "5.0"
        and appeal.new_scores["owner"] == "18.0"
    )
    assert a_score("E2").scores["owner"] == "18.0"
    entry = ModelLogEntry.objects.get(action="ratings.score.change")
    assert entry.user == people["editor"] and entry.data["changes"]["scores"][1]["owner"] == "18.0"


def test_a_rejected_appeal_needs_a_reason_and_cannot_be_decided_twice(quarter_data, firm_users, people):
    appeal = appeals.appeal_submit(
        user=firm_users["firm_a"], score=a_score(), reason="业主评价抽样有误，请复核"
    )
    with pytest.raises(ActionRefused, match="处理理由"):
        appeals.appeal_decide(appeal=appeal, user=people["editor"], upheld=False, reason="")
    appeals.appeal_decide(appeal=appeal, user=people["editor"], upheld=False, reason="经核查原评分无误")
    with pytest.raises(ActionRefused, match="已处理"):
        appeals.appeal_decide(appeal=appeal, user=people["editor"], upheld=False, reason="经核查原评分无误")
    assert a_score().scores == FULL


def test_upholding_an_appeal_in_a_released_quarter_needs_a_correction(quarter_data, firm_users, people):
    appeal = appeals.appeal_submit(
        user=firm_users["firm_a"], score=a_score("E2"), reason="业主评价抽样有误，请复核"
    )
    publish()
    with pytest.raises(ActionRefused, match="数据已锁定"):
        uphold(appeal, people["editor"], owner="18.0", reason="复核属实，更正得分")
    assert Appeal.objects.get(pk=appeal.pk).status == Appeal.OPEN


def test_only_one_open_appeal_per_score(quarter_data, firm_users):
    appeals.appeal_submit(user=firm_users["firm_a"], score=a_score(), reason="业主评价抽样有误，请复核")
    with pytest.raises(ActionRefused, match="待处理"):
        appeals.appeal_submit(user=firm_users["firm_a"], score=a_score(), reason="再来一次的申诉理由")


def test_editors_can_publish_directory_pages_but_not_a_quarter_page(quarter_data, people):
    from registry.models import EstateIndexPage

    page = publication.quarter_page_ensure(quarter=Q, user=people["editor"])
    assert page.permissions_for_user(people["editor"]).can_edit()
    assert not page.permissions_for_user(people["editor"]).can_publish()
    assert page.permissions_for_user(people["committee"]).can_publish()
    assert EstateIndexPage.objects.get().permissions_for_user(people["editor"]).can_publish()


def test_a_release_published_without_the_committee_says_so(quarter_data):
    release = publish()  # an administrator publishing the page directly, outside the workflow
    assert release.approved_by is None
    assert release.document["approved_by"] == publication.DIRECT_PUBLICATION_NAME


def test_a_later_direct_publication_is_not_credited_to_an_earlier_approval(quarter_data, people):
    publish(people=people)
    publication.correction_open(quarter=Q, reason="复核后发现一月得分有误", user=people["editor"])
    v2 = publish()
    assert v2.version == 2 and v2.approved_by is None
