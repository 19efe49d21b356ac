"""Helpers the cases tests share: two firms with their estates and users, an editor, and cases
made with the plain page API (published or as drafts) — invented names only."""

import datetime as dt
from dataclasses import dataclass

from wagtail.test.utils.form_data import nested_form_data, streamfield

from cases.models import CaseIndexPage, CaseIssueEntry, CaseIssueIndexPage, CaseIssuePage, CasePage
from portal.roles import firm_account_group_ensure, roles_ensure
from registry.models import Estate, Firm
from tests.factories import FirmFactory, estates_with_pages
from tests.helpers import make_user

CASE_DAY = dt.date(2025, 2, 10)


@dataclass
class CaseWorld:
    firm_a: Firm
    firm_b: Firm
    estate_a: Estate
    estate_b: Estate
    user_a: object
    user_a2: object  # a second user of firm A
    user_b: object
    editor: object


def case_world() -> CaseWorld:
    roles = roles_ensure()
    firm_a, firm_b = FirmFactory(name="甲方物业服务有限公司"), FirmFactory(name="乙方物业服务有限公司")
    (estate_a,) = estates_with_pages(1, firm=firm_a)
    (estate_b,) = estates_with_pages(1, firm=firm_b)
    group_a = firm_account_group_ensure(firm=firm_a)
    return CaseWorld(
        firm_a=firm_a,
        firm_b=firm_b,
        estate_a=estate_a,
        estate_b=estate_b,
        user_a=make_user("firm_a", roles["firms"], group_a),
        user_a2=make_user("firm_a2", roles["firms"], group_a),
        user_b=make_user("firm_b", roles["firms"], firm_account_group_ensure(firm=firm_b)),
        editor=make_user("editor", roles["editors"]),
    )


def make_case(
    *,
    firm,
    estate=None,
    title="楼道加装扶手",
    slug=None,
    category="service",
    tags=(),
    case_date=CASE_DAY,
    criterion="",
    live=True,
    owner=None,
    summary="在无电梯老楼加装扶手。",
    revision=True,
):
    page = CasePage(
        title=title,
        slug=slug or f"case-{CasePage.objects.count() + 1}",
        live=live,
        owner=owner,
        category=category,
        firm=firm,
        estate=estate,
        case_date=case_date,
        summary=summary,
        problem="老人上下楼不便。",
        evidence_criterion=criterion,
    )
    page.tags.add(*tags)
    CaseIndexPage.objects.get().add_child(instance=page)
    if live and revision:
        page.save_revision().publish()
    elif live:
        pass  # saved live by add_child, without a revision: fast, for the size tests
    else:
        page.save_revision(user=owner)
    return page


def make_issue(number, cases, *, title=None):
    issue = CaseIssuePage(title=title or f"第{number}期 微服务 紧扣民生", number=number, live=False)
    issue.entries = [CaseIssueEntry(case=case, sort_order=i) for i, case in enumerate(cases)]
    CaseIssueIndexPage.objects.get().add_child(instance=issue)
    issue.save_revision().publish()
    return issue


def case_form_data(*, firm, estate=None, slug="chongdianzhuang", tags="", **fields) -> dict:
    """What the admin's case editor posts (without an action button)."""
    values = {
        "title": "车棚加装充电桩",
        "slug": slug,
        "category": "practical",
        "firm": firm.pk,
        "estate": estate.pk if estate else "",
        "case_date": "2025-03-01",
        "summary": "新装 60 个充电口。",
        "problem": "飞线充电。",
        "body": streamfield([]),
        "tags": tags,
        "evidence_criterion": "",
        "call": "",
    }
    values.update(fields)
    return nested_form_data(values)
