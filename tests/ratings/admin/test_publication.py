"""Publication in the admin (SPEC §4): firms file appeals, editors decide them, quarters go to the
committee and are corrected — all through the admin forms, with the services' refusals shown."""

import datetime as dt

import pytest

from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

from portal.roles import firm_account_group_ensure, roles_ensure
from ratings.models import Appeal, Correction, MonthlyScore, QuarterComputation, QuarterPage, Release
from ratings.services import appeals, publication

pytestmark = pytest.mark.django_db

Q = "2025Q1"
REASON = "业主评价抽样只调查了 3 户，请复核"


@pytest.fixture
def people(street, django_user_model):
    roles = roles_ensure()
    # The firm of each month, as the import stores it: E1–E3 are A's, E4 ends the quarter with B.
    MonthlyScore.objects.filter(estate__code__in=["E1", "E2", "E3"]).update(firm=street["firm_a"])
    MonthlyScore.objects.filter(estate__code="E4").update(firm=street["firm_b"])

    def user(name, *groups):
        account = django_user_model.objects.create_user(name, password="x")
        account.groups.add(*groups)
        return account

    return {
        "firm_a": user("firm_a", roles["firms"], firm_account_group_ensure(firm=street["firm_a"])),
        "firm_b": user("firm_b", roles["firms"], firm_account_group_ensure(firm=street["firm_b"])),
        "editor": user("editor", roles["editors"]),
        "committee": user("committee", roles["committee"]),
    }


def score(code="E1", month="2025-01"):
    return MonthlyScore.objects.get(estate__code=code, month=month)


def login(client, user):
    client.force_login(user)
    return client


def page_text(response) -> str:
    return response.content.decode()


def denied(response) -> bool:
    """Wagtail refuses with a 403, or a redirect to the dashboard with a message."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    )


def decide_data(appeal, decision, reason, **scores):
    data = {"decision": decision, "reason": reason}
    data.update({f"score_{code}": value for code, value in appeal.score.scores.items()})
    data.update({f"score_{code}": value for code, value in scores.items()})
    return data


# --- firms file appeals --------------------------------------------------------------------------


def test_a_firm_files_an_appeal_for_its_own_score_through_the_form_and_sees_it_listed(client, people):
    login(client, people["firm_a"])
    form = page_text(client.get(reverse("appeals:add")))
    own, other = score("E1"), score("E4")
    assert f'value="{own.pk}"' in form and "申诉截止" in form
    assert f'value="{other.pk}"' not in form  # firm B's estate is not offered

    response = client.post(reverse("appeals:add"), {"score": own.pk, "criterion": "owner", "reason": REASON})
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "appeals:inspect", args=[appeal.pk]
    )
    assert (appeal.score, appeal.firm, appeal.criterion, appeal.status) == (
        own,
        own.firm,
        "owner",
        Appeal.OPEN,
    )
    assert ModelLogEntry.objects.filter(action="ratings.appeal.submit", user=people["firm_a"]).exists()

    listing = page_text(client.get(reverse("appeals:index")))
    assert reverse("appeals:inspect", args=[appeal.pk]) in listing and "待处理" in listing
    detail = page_text(client.get(reverse("appeals:inspect", args=[appeal.pk])))
    assert REASON in detail and "业主评价" in detail


def test_a_firm_cannot_file_an_appeal_for_another_firms_score(client, people):
    login(client, people["firm_a"])
    response = client.post(reverse("appeals:add"), {"score": score("E4").pk, "reason": REASON})
    assert response.status_code == 200
    assert "选择一个有效的选项" in page_text(response)  # not among the firm's own scores
    assert not Appeal.objects.exists()


def test_a_firm_cannot_see_another_firms_appeal(client, people):
    theirs = appeals.appeal_submit(user=people["firm_b"], score=score("E4"), reason=REASON)
    login(client, people["firm_a"])
    assert client.get(reverse("appeals:inspect", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("appeals:decide", args=[theirs.pk]), {}).status_code == 404
    listing = page_text(client.get(reverse("appeals:index")))
    assert reverse("appeals:inspect", args=[theirs.pk]) not in listing


def test_another_firms_appeal_stays_out_of_the_site_history_report(client, people):
    appeals.appeal_submit(user=people["firm_b"], score=score("E4"), reason="乙物业的申诉理由不应外泄")
    login(client, people["firm_a"])
    report = page_text(client.get(reverse("wagtailadmin_reports:site_history")))
    assert "乙物业的申诉理由不应外泄" not in report


def test_an_appeal_past_the_window_is_refused_with_the_services_message(client, people, settings):
    settings.PORTAL_APPEAL_WINDOW_DAYS = 7
    late = score("E1")
    late.imported_at = timezone.now() - dt.timedelta(days=7, minutes=1)
    late.save()
    login(client, people["firm_a"])
    assert f'value="{late.pk}"' not in page_text(client.get(reverse("appeals:add")))  # no longer offered
    response = client.post(reverse("appeals:add"), {"score": late.pk, "reason": REASON})
    assert response.status_code == 200 and "已超过申诉期限" in page_text(response)
    assert not Appeal.objects.exists()


def test_a_too_short_reason_is_refused_with_the_services_message(client, people):
    login(client, people["firm_a"])
    response = client.post(reverse("appeals:add"), {"score": score("E1").pk, "reason": "不对"})
    assert response.status_code == 200 and "至少 5 个字" in page_text(response)
    assert not Appeal.objects.exists()


def test_the_score_detail_links_its_firm_to_the_appeal_form_while_the_window_is_open(
    client, people, settings
):
    own = score("E1")
    login(client, people["firm_a"])
    link = f"{reverse('appeals:add')}?score={own.pk}"
    assert link in page_text(client.get(reverse("monthly_scores:inspect", args=[own.pk])))
    form = page_text(client.get(link))
    assert f'<option value="{own.pk}" selected' in form
    login(client, people["editor"])  # editors decide appeals, they do not file them
    assert link not in page_text(client.get(reverse("monthly_scores:inspect", args=[own.pk])))
    settings.PORTAL_APPEAL_WINDOW_DAYS = 0
    login(client, people["firm_a"])
    assert link not in page_text(client.get(reverse("monthly_scores:inspect", args=[own.pk])))


# --- editors decide -----------------------------------------------------------------------------


def test_an_editor_upholds_an_appeal_with_new_values_and_the_firm_sees_the_decision(client, people):
    appeal = appeals.appeal_submit(user=people["firm_a"], score=score("E2"), criterion="owner", reason=REASON)
    login(client, people["editor"])
    form = page_text(client.get(reverse("appeals:decide", args=[appeal.pk])))
    assert 'name="score_owner"' in form and 'value="5.0"' in form  # pre-filled with the current value
    assert "csrfmiddlewaretoken" in form

    response = client.post(
        reverse("appeals:decide", args=[appeal.pk]),
        decide_data(appeal, "upheld", "复核问卷后确认抽样不足，更正为 18.0", owner="18.0"),
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Appeal.UPHELD and appeal.decided_by == people["editor"]
    assert (appeal.old_scores["owner"], appeal.new_scores["owner"]) == ("5.0", "18.0")
    assert score("E2").scores["owner"] == "18.0"
    entry = ModelLogEntry.objects.get(action="ratings.score.change")
    assert entry.data["changes"]["scores"][0] == {**entry.data["changes"]["scores"][1], "owner": "5.0"}

    login(client, people["firm_a"])
    detail = page_text(client.get(reverse("appeals:inspect", args=[appeal.pk])))
    assert "申诉成立" in detail and "复核问卷后确认抽样不足" in detail and "5.0 → 18.0" in detail
    assert "复核问卷后确认抽样不足" in page_text(client.get(reverse("appeals:index")))


def test_an_editor_rejects_an_appeal_with_a_reason_and_the_score_stays(client, people):
    appeal = appeals.appeal_submit(user=people["firm_a"], score=score("E2"), reason=REASON)
    login(client, people["editor"])
    response = client.post(
        reverse("appeals:decide", args=[appeal.pk]),
        decide_data(appeal, "rejected", "问卷原件齐全，抽样符合方案", owner="19.0"),
        follow=True,
    )
    assert "申诉不成立" in page_text(response)
    appeal.refresh_from_db()
    assert appeal.status == Appeal.REJECTED and appeal.decision_reason == "问卷原件齐全，抽样符合方案"
    assert score("E2").scores["owner"] == "5.0"  # the values typed are ignored when rejecting
    # Decided once: the form is gone and a second POST changes nothing.
    assert 'name="decision"' not in page_text(client.get(reverse("appeals:decide", args=[appeal.pk])))
    client.post(
        reverse("appeals:decide", args=[appeal.pk]), decide_data(appeal, "upheld", "再处理一次的理由")
    )
    assert Appeal.objects.get(pk=appeal.pk).status == Appeal.REJECTED


def test_deciding_without_a_reason_re_renders_the_form_with_an_error(client, people):
    appeal = appeals.appeal_submit(user=people["firm_a"], score=score("E2"), reason=REASON)
    login(client, people["editor"])
    response = client.post(reverse("appeals:decide", args=[appeal.pk]), decide_data(appeal, "rejected", ""))
    assert response.status_code == 200 and 'name="reason"' in page_text(response)
    assert "error" in page_text(response)
    response = client.post(
        reverse("appeals:decide", args=[appeal.pk]), decide_data(appeal, "rejected", "不对")
    )
    assert (
        response.status_code == 200
        and "处理理由" in page_text(response)
        and "至少 5 个字" in page_text(response)
    )
    assert Appeal.objects.get(pk=appeal.pk).status == Appeal.OPEN


def test_upholding_without_changing_a_value_is_refused_by_the_service(client, people):
    appeal = appeals.appeal_submit(user=people["firm_a"], score=score("E2"), reason=REASON)
    login(client, people["editor"])
    response = client.post(
        reverse("appeals:decide", args=[appeal.pk]), decide_data(appeal, "upheld", "复核属实，需要更正")
    )
    assert response.status_code == 200 and "更正后的得分" in page_text(response)
    assert Appeal.objects.get(pk=appeal.pk).status == Appeal.OPEN


def test_upholding_in_a_released_quarter_shows_the_lock_and_links_to_the_correction_form(client, people):
    appeal = appeals.appeal_submit(user=people["firm_a"], score=score("E2"), reason=REASON)
    publication.quarter_submit(quarter=Q, user=people["editor"])
    publication.quarter_approve(quarter=Q, user=people["committee"])
    login(client, people["editor"])
    response = client.post(
        reverse("appeals:decide", args=[appeal.pk]),
        decide_data(appeal, "upheld", "复核属实，需要更正", owner="18.0"),
    )
    html = page_text(response)
    assert response.status_code == 200 and "数据已锁定" in html
    assert reverse("ratings_quarters:correction", args=[Q]) in html
    assert Appeal.objects.get(pk=appeal.pk).status == Appeal.OPEN and score("E2").scores["owner"] == "5.0"


def test_the_committee_reads_appeals_but_cannot_decide_them(client, people):
    appeal = appeals.appeal_submit(user=people["firm_a"], score=score("E2"), reason=REASON)
    login(client, people["committee"])
    listing = page_text(client.get(reverse("appeals:index"), {"status": "open", "quarter": Q}))
    assert reverse("appeals:inspect", args=[appeal.pk]) in listing
    detail = page_text(client.get(reverse("appeals:inspect", args=[appeal.pk])))
    assert REASON in detail and reverse("appeals:decide", args=[appeal.pk]) not in detail
    assert denied(client.get(reverse("appeals:decide", args=[appeal.pk])))
    assert denied(
        client.post(
            reverse("appeals:decide", args=[appeal.pk]), decide_data(appeal, "rejected", "委员会想驳回")
        )
    )
    assert Appeal.objects.get(pk=appeal.pk).status == Appeal.OPEN


def test_the_appeal_list_filters_by_status_and_quarter(client, people):
    first = appeals.appeal_submit(user=people["firm_a"], score=score("E1"), reason=REASON)
    second = appeals.appeal_submit(user=people["firm_a"], score=score("E2"), reason=REASON)
    appeals.appeal_decide(appeal=second, user=people["editor"], upheld=False, reason="经核查原评分无误")
    login(client, people["editor"])
    html = page_text(client.get(reverse("appeals:index"), {"status": "rejected"}))
    assert reverse("appeals:inspect", args=[second.pk]) in html
    assert reverse("appeals:inspect", args=[first.pk]) not in html
    april = MonthlyScore.objects.create(
        estate=first.score.estate,
        month="2025-04",
        scores=first.score.scores,
        firm=first.firm,
        imported_at=timezone.now(),
    )
    later = appeals.appeal_submit(user=people["firm_a"], score=april, reason=REASON)
    html = page_text(client.get(reverse("appeals:index"), {"quarter": "2025Q2"}))
    assert reverse("appeals:inspect", args=[later.pk]) in html
    assert reverse("appeals:inspect", args=[first.pk]) not in html


# --- quarter actions ----------------------------------------------------------------------------


def test_an_editor_computes_submits_and_after_release_opens_a_correction(client, people):
    login(client, people["editor"])
    index = page_text(client.get(reverse("ratings_quarters:index")))
    assert Q in index and "未计算" in index and reverse("ratings_quarters:compute", args=[Q]) in index

    response = client.post(reverse("ratings_quarters:compute", args=[Q]), follow=True)
    assert QuarterComputation.objects.filter(quarter=Q, computed_by=people["editor"]).exists()
    assert "已计算 2025Q1" in page_text(response)

    response = client.post(reverse("ratings_quarters:submit", args=[Q]), follow=True)
    page = QuarterPage.objects.get(quarter=Q)
    assert page.workflow_in_progress and not page.live
    html = page_text(response)
    assert "审批中" in html and reverse("ratings_quarters:review", args=[Q]) in html
    again = client.post(reverse("ratings_quarters:submit", args=[Q]), follow=True)
    assert "已在考评委员会审批中" in page_text(again)

    publication.quarter_approve(quarter=Q, user=people["committee"])
    html = page_text(client.get(reverse("ratings_quarters:index")))
    assert "第 1 版" in html and "已锁定" in html and reverse("ratings_quarters:correction", args=[Q]) in html
    refused = client.post(reverse("ratings_quarters:compute", args=[Q]), follow=True)
    assert "数据已锁定" in page_text(refused)

    response = client.post(reverse("ratings_quarters:correction", args=[Q]), {"reason": ""})
    assert response.status_code == 200 and not Correction.objects.exists()
    response = client.post(reverse("ratings_quarters:correction", args=[Q]), {"reason": "改"})
    assert (
        response.status_code == 200 and "更正理由" in page_text(response) and not Correction.objects.exists()
    )
    response = client.post(
        reverse("ratings_quarters:correction", args=[Q]), {"reason": "E2 一月业主评价录入有误"}, follow=True
    )
    correction = Correction.objects.get(quarter=Q)
    assert correction.opened_by == people["editor"] and correction.is_open
    assert "更正中" in page_text(response)

    client.post(reverse("ratings_quarters:submit", args=[Q]))
    publication.quarter_approve(quarter=Q, user=people["committee"])
    assert Release.objects.filter(quarter=Q).count() == 2


def test_firm_users_and_the_committee_cannot_use_quarter_actions(client, people):
    for role in ("firm_a", "committee"):
        login(client, people[role])
        for name in ("compute", "submit", "correction"):
            assert denied(
                client.post(reverse(f"ratings_quarters:{name}", args=[Q]), {"reason": "委员会想更正一下"})
            )
    assert not QuarterComputation.objects.exists() and not QuarterPage.objects.filter(quarter=Q).exists()
    assert not Correction.objects.exists()
    login(client, people["firm_a"])
    assert denied(client.get(reverse("ratings_quarters:index")))
    login(client, people["committee"])
    index = page_text(client.get(reverse("ratings_quarters:index")))
    assert Q in index and reverse("ratings_quarters:compute", args=[Q]) not in index


def test_the_menu_offers_appeals_to_firms_and_quarters_to_editors(client, people):
    login(client, people["firm_a"])
    home = client.get(reverse("wagtailadmin_home")).content.decode("unicode_escape")
    assert reverse("appeals:index") in home and reverse("ratings_quarters:index") not in home
    login(client, people["editor"])
    home = client.get(reverse("wagtailadmin_home")).content.decode("unicode_escape")
    assert reverse("appeals:index") in home and reverse("ratings_quarters:index") in home
