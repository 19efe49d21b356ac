"""Issue 8, publication integrity (SPEC §4): what the public sees is exactly what the committee
reviewed, frozen; approval is single and idempotent; releases and their pages cannot be removed;
`verify_releases` notices any change to anything a public page shows."""

import io

import pytest

from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from core.errors import ActionRefused, ImportRefused, PageProtected
from core.tabular import Table
from portal.security import login_failure_record, login_locked
from ratings import selectors
from ratings.models import Appeal, MonthlyScore, QuarterComputation, QuarterPage, Release
from ratings.services import appeals, publication
from ratings.services.quarters import quarter_compute
from ratings.services.scores import scores_import
from tests.helpers import needs_concurrent_writers, run_at_once
from tests.ratings.helpers import SCORE_HEADER, Q, publish, uphold

pytestmark = pytest.mark.django_db

HEADER = tuple(SCORE_HEADER)


def month_table(*rows) -> Table:
    return Table(
        header=HEADER, rows=tuple((n + 2, dict(zip(HEADER, row, strict=True))) for n, row in enumerate(rows))
    )


VETO_E1 = ("E1", "20", "15", "10", "10", "10", "5", "1", "重大安全事故（测试）")
FULL_E4 = ("E4", "20", "15", "10", "10", "10", "5", "", "")


def submit(people):
    return publication.quarter_submit(quarter=Q, user=people["editor"])


def review(people, action="approve", comment="同意"):
    return publication.quarter_review(quarter=Q, user=people["committee"], action=action, comment=comment)


# --- 1. the release is what was reviewed ---------------------------------------------------------


def test_submitting_freezes_the_computation_with_digests_of_inputs_and_document(quarter_data, people):
    submit(people)
    computation = QuarterComputation.objects.get(quarter=Q)
    assert computation.frozen_at and computation.frozen_by == people["editor"]
    assert len(computation.inputs_digest) == 64 and len(computation.document_digest) == 64
    assert selectors.quarter_in_review(Q)


def test_imports_recomputation_and_appeal_decisions_are_refused_in_review_naming_the_quarter(
    quarter_data,
    people,
    firm_users,
):
    appeal = appeals.appeal_submit(
        user=firm_users["firm_a"], score=MonthlyScore.objects.get(estate__code="E2", month="2025-01"),
        reason="业主评价抽样有误，请复核",
    )  # fmt: skip
    submit(people)
    frozen = QuarterComputation.objects.get(quarter=Q).document
    with pytest.raises(ImportRefused, match=f"{Q} 正在考评委员会审批中"):
        scores_import(table=month_table(VETO_E1, FULL_E4), month="2025-03")
    with pytest.raises(ImportRefused, match=f"{Q} 正在考评委员会审批中"):
        quarter_compute(quarter=Q)
    with pytest.raises(ActionRefused, match=f"{Q} 正在考评委员会审批中"):
        appeals.appeal_decide(
            appeal=appeal, user=people["editor"], upheld=False, reason="维持原得分，理由充分"
        )
    with pytest.raises(ActionRefused, match=f"{Q} 正在考评委员会审批中"):
        uphold(appeal, people["editor"], owner="20.0", reason="申诉成立，更正得分")
    assert Appeal.objects.get(pk=appeal.pk).status == Appeal.OPEN
    assert QuarterComputation.objects.get(quarter=Q).document == frozen
    with pytest.raises(CommandError, match=f"{Q} 正在考评委员会审批中"):
        call_command("compute_quarter", Q, stdout=io.StringIO(), stderr=io.StringIO())


def test_request_changes_unlocks_and_resubmission_freezes_the_new_data(quarter_data, people):
    submit(people)
    assert review(people, "reject", "请核对三月数据") == publication.REJECTED
    assert not selectors.quarter_in_review(Q)
    scores_import(table=month_table(VETO_E1, FULL_E4), month="2025-03")
    submit(people)  # resumes the workflow: the task starts again and freezes afresh
    assert selectors.quarter_in_review(Q)
    rows = {r["estate_code"]: r for r in QuarterComputation.objects.get(quarter=Q).document["estates"]}
    assert rows["E1"]["band"] == "red" and rows["E1"]["vetoed"]
    release = publication.quarter_approve(quarter=Q, user=people["committee"])
    assert {r["estate_code"]: r["band"] for r in release.document["estates"]}["E1"] == "red"


def test_approval_publishes_the_frozen_document_not_a_recomputation(quarter_data, people):
    submit(people)
    frozen = QuarterComputation.objects.get(quarter=Q).document
    # Data changed behind the services' back (a shell, a raw SQL fix) must not reach the release.
    MonthlyScore.objects.filter(month="2025-03", estate__code="E1").update(
        veto=True, veto_reason="绕过锁定的修改"
    )
    release = publication.quarter_approve(quarter=Q, user=people["committee"])
    published = {
        k: v
        for k, v in release.document.items()
        if k not in ("release", "published_at", "approved_by", "correction_note", "digest", "previous_digest")
    }
    assert published == {k: v for k, v in frozen.items() if k in published}
    assert published["estates"] == frozen["estates"]
    assert not {r["estate_code"]: r for r in release.document["estates"]}["E1"]["vetoed"]


def test_the_committee_preview_shows_the_frozen_result(quarter_data, people, client):
    submit(people)
    page = QuarterPage.objects.get(quarter=Q)
    client.force_login(people["committee"])
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
    assert response.status_code == 200
    frozen = QuarterComputation.objects.get(quarter=Q).document
    for row in frozen["estates"]:
        if row["score"]:
            assert row["score"] in response.content.decode()


def test_a_quarter_never_submitted_cannot_be_published(quarter_data):
    page = publication.quarter_page_ensure(quarter=Q)
    with pytest.raises(ActionRefused, match="冻结"):
        page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live and not Release.objects.exists()  # the page and its release: both or neither


# --- 2. approval is single and idempotent --------------------------------------------------------


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def approve_post(page, comment="同意发布"):
    return {
        "title": page.title,
        "slug": page.slug,
        "intro": "",
        "action-workflow-action": "true",
        "workflow-action-name": "approve",
        "workflow-action-extra-data": f'{{"comment": "{comment}"}}',
    }


def review_url():
    return reverse("ratings_quarters:review", args=[Q])


def review_post(page, comment="同意发布"):
    task_state = QuarterPage.objects.get(pk=page.pk).current_workflow_state.current_task_state
    return {"decision": "approve", "comment": comment, "task_state": task_state.pk}


@pytest.mark.parametrize("who", ["committee", "administrator"])
def test_two_approve_posts_make_one_release_no_error_and_no_revision_after_it(
    quarter_data, people, client, django_user_model, who
):
    """The committee decides on its review screen; an administrator may still approve from
    Wagtail's page editor. Either way, the same post twice approves once."""
    submit(people)
    page = QuarterPage.objects.get(quarter=Q)
    if who == "committee":
        client.force_login(people["committee"])
        url, data = review_url(), review_post(page)
    else:
        client.force_login(django_user_model.objects.create_superuser("root", password="x"))
        url, data = edit_url(page), approve_post(page)
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302 and second.status_code == 302
    page.refresh_from_db()
    assert page.live and Release.objects.filter(quarter=Q).count() == 1
    assert page.latest_revision_id == page.live_revision_id  # no stray revision after the publication
    assert not page.has_unpublished_changes
    messages = [str(m) for m in client.get(url).context["messages"]]
    assert any("已经完成" in m for m in messages)


def test_an_autosave_carrying_the_approve_fields_approves_nothing(quarter_data, people, client):
    submit(people)
    page = QuarterPage.objects.get(quarter=Q)
    revisions = page.revisions.count()
    client.force_login(people["committee"])
    response = client.post(edit_url(page), approve_post(page), HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and response.json()["success"] is False
    assert not Release.objects.exists() and selectors.quarter_in_review(Q)
    assert page.revisions.count() == revisions


def test_publish_button_on_a_quarter_page_is_the_committee_approval_never_a_bypass(
    quarter_data, people, client, django_user_model
):
    """An administrator's 发布 in the page editor approves the quarter in review, through the same
    service; before submission it publishes nothing. The committee has no 发布 at all."""
    page = publication.quarter_page_ensure(quarter=Q)
    data = {"title": page.title, "slug": page.slug, "intro": "", "action-publish": "true"}
    admin = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(admin)
    client.post(edit_url(page), data)
    assert not Release.objects.exists()  # not submitted: nothing to approve, nothing published
    submit(people)
    client.force_login(people["committee"])
    client.post(edit_url(page), data)
    assert not Release.objects.exists() and selectors.quarter_in_review(Q)
    client.force_login(admin)
    client.post(edit_url(page), data)
    assert Release.objects.filter(quarter=Q).count() == 1
    assert Release.objects.get().approved_by == admin


def test_a_stale_copy_of_the_page_cannot_unpublish_a_released_quarter(quarter_data, people):
    submit(people)
    stale = QuarterPage.objects.get(quarter=Q)  # loaded before the approval, live=False
    publication.quarter_approve(quarter=Q, user=people["committee"])
    with pytest.raises(PageProtected):
        stale.save()
    assert QuarterPage.objects.get(quarter=Q).live


@needs_concurrent_writers
def test_two_concurrent_approvals_make_one_release(quarter_data, people):
    submit(people)
    outcomes = run_at_once(lambda: review(people))
    assert sorted(outcomes) == sorted([publication.APPROVED, publication.ALREADY_DECIDED])
    assert Release.objects.filter(quarter=Q).count() == 1 and QuarterPage.objects.get(quarter=Q).live


# --- 3. verify_releases checks every column and row a page shows ----------------------------------


def raw(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # an attacker with superuser rights
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def json_sql(expr):
    return expr + ("::jsonb" if connection.vendor == "postgresql" else "")


# Each: (SQL with named parameters, which of release/row/page/other_estate it needs).
TAMPERS = {
    "release.approved_by_name": "UPDATE ratings_release SET approved_by_name = '某人' WHERE id = {release}",
    "release.published_at": "UPDATE ratings_release SET published_at = '2020-01-01 00:00:00+00:00' WHERE id = {release}",
    "release.correction_note": "UPDATE ratings_release SET correction_note = '悄悄改的' WHERE id = {release}",
    "row.band": "UPDATE ratings_releaserow SET band = 'green' WHERE id = {row}",
    "row.score": "UPDATE ratings_releaserow SET score = 99.99 WHERE id = {row}",
    "row.rank_in_group": "UPDATE ratings_releaserow SET rank_in_group = 1 WHERE id = {row}",
    "row.rank_overall": "UPDATE ratings_releaserow SET rank_overall = 1 WHERE id = {row}",
    "row.group_name": "UPDATE ratings_releaserow SET group_name = '别的分组' WHERE id = {row}",
    "row.street_name": "UPDATE ratings_releaserow SET street_name = '别的街道' WHERE id = {row}",
    "row.estate_code": "UPDATE ratings_releaserow SET estate_code = 'X9' WHERE id = {row}",
    "row.estate": "UPDATE ratings_releaserow SET estate_id = {other_estate} WHERE id = {row}",
    "row.firm": "UPDATE ratings_releaserow SET firm_id = NULL WHERE id = {row}",
    "row.quarter": "UPDATE ratings_releaserow SET quarter = '2030Q1' WHERE id = {row}",
    "row.position": "UPDATE ratings_releaserow SET position = 99 WHERE id = {row}",
    "row.row": "UPDATE ratings_releaserow SET row = {row_json} WHERE id = {row}",
    "row deleted": "DELETE FROM ratings_releaserow WHERE id = {row}",
    "page unpublished": "UPDATE wagtailcore_page SET live = FALSE WHERE id = {page}",
}


@pytest.mark.parametrize("tamper", list(TAMPERS))
def test_verify_releases_names_the_release_whatever_shown_value_is_changed(quarter_data, people, tamper):
    release = publish(people=people)
    row = release.rows.get(estate_code="E2")  # blue, rank 2
    other = release.rows.exclude(pk=row.pk).first()
    call_command("verify_releases", stdout=io.StringIO())  # honest first
    if tamper == "row.estate":
        raw(f"DELETE FROM ratings_releaserow WHERE id = {other.pk}", [])  # free the unique (release, estate)
    sql = TAMPERS[tamper].format(
        release=release.pk,
        row=row.pk,
        page=QuarterPage.objects.get(quarter=Q).pk,
        other_estate=other.estate_id,
        row_json=json_sql("REPLACE(CAST(row AS TEXT), 'blue', 'green')"),
    )
    raw(sql, [])
    with pytest.raises(CommandError, match="2025Q1 v1"):
        call_command("verify_releases", stdout=io.StringIO(), stderr=io.StringIO())


# --- 4. released things cannot be removed --------------------------------------------------------


def test_a_quarter_page_in_review_cannot_be_deleted_by_an_editor(quarter_data, people, client):
    submit(people)
    page = QuarterPage.objects.get(quarter=Q)
    client.force_login(people["editor"])
    response = client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]))
    assert response.status_code == 302
    assert QuarterPage.objects.filter(pk=page.pk).exists()
    with pytest.raises(PageProtected, match="审批中"):
        page.delete()


def test_the_committee_cannot_unpublish_a_released_quarter(quarter_data, people, client):
    publish(people=people)
    page = QuarterPage.objects.get(quarter=Q)
    client.force_login(people["committee"])
    response = client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live
    assert client.get(page.url + "data.json").status_code == 200
    with pytest.raises(PageProtected, match="已发布"):
        page.unpublish()
    assert QuarterPage.objects.get(pk=page.pk).live


def test_an_estate_page_with_a_released_plate_cannot_be_deleted_or_unpublished(
    quarter_data, people, django_user_model
):
    from django.test import Client

    from wagtail.models import Page

    from registry.models import Estate
    from registry.services import directory_pages_sync

    directory_pages_sync(estates=Estate.objects.all())
    publish(people=people)
    estate_page = Estate.objects.get(code="E1").page
    admin = django_user_model.objects.create_superuser("root", password="x")

    client = Client()
    client.force_login(admin)
    client.post(reverse("wagtailadmin_pages:delete", args=[estate_page.pk]))
    client.post(reverse("wagtailadmin_pages:unpublish", args=[estate_page.pk]))
    estate_page.refresh_from_db()
    assert estate_page.live
    # Nor through its section: deleting the directory would take the estate pages with it.
    client.post(reverse("wagtailadmin_pages:delete", args=[estate_page.get_parent().pk]))
    assert Page.objects.filter(pk=estate_page.pk).exists()
    with pytest.raises(PageProtected):
        estate_page.get_parent().delete()


# --- 5. appeals only on open months ---------------------------------------------------------------


def test_months_of_a_released_or_reviewed_quarter_cannot_be_appealed_until_a_correction(
    quarter_data,
    people,
    firm_users,
):
    from django.utils import timezone

    firm_ids = [quarter_data["firm_a"].pk]
    score = MonthlyScore.objects.get(estate__code="E1", month="2025-01")
    assert score in selectors.appealable_scores(firm_ids=firm_ids, now=timezone.now())
    submit(people)
    assert not selectors.appealable_scores(firm_ids=firm_ids, now=timezone.now()).exists()
    with pytest.raises(ActionRefused, match="审批中"):
        appeals.appeal_submit(user=firm_users["firm_a"], score=score, reason="审批中仍想申诉的理由")
    publication.quarter_approve(quarter=Q, user=people["committee"])
    with pytest.raises(ActionRefused, match="已发布"):
        appeals.appeal_submit(user=firm_users["firm_a"], score=score, reason="发布后仍想申诉的理由")
    assert not selectors.appealable_scores(firm_ids=firm_ids, now=timezone.now()).exists()
    publication.correction_open(quarter=Q, reason="复核后发现一月得分有误", user=people["editor"])
    assert score in selectors.appealable_scores(firm_ids=firm_ids, now=timezone.now())
    assert appeals.appeal_submit(user=firm_users["firm_a"], score=score, reason="更正期间的申诉理由")


def test_the_appeal_form_offers_only_open_months_with_their_deadlines(
    quarter_data, people, firm_users, client
):
    client.force_login(firm_users["firm_a"])
    url = reverse("appeals:add")
    before = client.get(url).content.decode()
    assert "2025-01" in before and "申诉截止" in before
    submit(people)
    after = client.get(url).content.decode()
    assert "2025-01 · 申诉截止" not in after


# --- 7. publishing never wipes the shared cache ---------------------------------------------------


def test_a_login_lockout_survives_a_publication(quarter_data, people, settings):
    cache.clear()
    for _ in range(settings.PORTAL_LOGIN_MAX_FAILURES_PER_ACCOUNT):
        login_failure_record(username="committee", address="10.0.0.1")
    assert login_locked(username="committee", address="10.0.0.9")
    publish(people=people)
    assert login_locked(username="committee", address="10.0.0.9")


def test_an_estate_leaving_the_registry_is_marked_inactive_and_its_pages_and_plates_stay(
    quarter_data, people, client, django_user_model
):
    from registry.models import Estate
    from registry.services import directory_pages_sync

    directory_pages_sync(estates=Estate.objects.all())
    publish(people=people)
    estate = Estate.objects.get(code="E1")
    admin = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(admin)
    # Deletion is refused even for an administrator: the estate has released plates and a page.
    client.post(reverse("estates:delete", args=[estate.pk]))
    assert Estate.objects.filter(pk=estate.pk).exists()
    Estate.objects.filter(pk=estate.pk).update(active=False)
    client.logout()
    page = client.get(estate.page.url)
    assert page.status_code == 200 and "该小区已退出登记" in page.content.decode()
    plate = QuarterPage.objects.get(quarter=Q).url + f"plates/{estate.page.slug}/"
    assert client.get(plate).status_code == 200


def test_verify_releases_names_a_live_quarter_page_without_a_release(quarter_data):
    page = publication.quarter_page_ensure(quarter=Q)
    raw(f"UPDATE wagtailcore_page SET live = TRUE WHERE id = {page.pk}", [])
    with pytest.raises(CommandError, match=f"{Q}: 页面在线但没有发布版本"):
        call_command("verify_releases", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_committee_panel_the_preview_and_the_public_correction_show_the_same_changed_rows(
    quarter_data, people
):
    """One rule for "what changed" (opendata.row_changes): the review panel's, the committee's
    preview's and the published correction's changed estates agree."""
    from ratings import opendata
    from ratings.selectors import quarter_preview_context, quarter_release_context

    v1 = publish(people=people)
    publication.correction_open(quarter=Q, reason="复核后发现一月得分有误，予以更正", user=people["editor"])
    MonthlyScore.objects.filter(estate__code="E2").update(
        scores=dict(MonthlyScore.objects.get(estate__code="E1", month="2025-01").scores)
    )
    MonthlyScore.objects.filter(estate__code="E4").update(veto=True, veto_reason="更正：安全事故")
    submit(people)
    frozen = QuarterComputation.objects.get(quarter=Q).document
    panel = {c["estate_code"] for c in opendata.row_changes(Release.objects.get(pk=v1.pk).document, frozen)}
    preview = quarter_preview_context(quarter=Q, params={}, url_path=None)["changes"]
    assert panel and {i["code"] for i in preview["items"]} == panel and preview["count"] == len(panel)
    publication.quarter_approve(quarter=Q, user=people["committee"])
    public = quarter_release_context(quarter=Q, version=None, params={}, url_path=None)["changes"]
    assert {i["code"] for i in public["items"]} == panel


def test_a_quarter_is_computed_once_on_its_way_to_release(quarter_data, people):
    computed = quarter_compute(quarter=Q)
    submit(people)  # the data are as computed: the computation is frozen as it is
    frozen = QuarterComputation.objects.get(quarter=Q)
    assert frozen.computed_at == computed.computed_at and frozen.frozen_at
    release = publication.quarter_approve(quarter=Q, user=people["committee"])
    assert release.document["estates"] == frozen.document["estates"]  # publishing copies
