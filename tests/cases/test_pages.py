"""The public cases column (SPEC §6, §7): /cases/ with combinable filters, case pages, issues,
the Atom feed, the sections of the estate, firm and home pages, and the page tree."""

import datetime as dt

import feedparser
import pytest

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cases.models import CaseIndexPage, CaseIssueIndexPage, CaseIssuePage, CasePage
from portal.models import HomePage, StandardPage
from tests.cases.helpers import case_world, make_case, make_issue

pytestmark = pytest.mark.django_db


def titles(response) -> set[str]:
    return {c.title for c in response.context["cases"]}


@pytest.fixture
def column(world):
    a1 = make_case(
        firm=world.firm_a, estate=world.estate_a, title="甲一 微服务 适老", slug="a1", tags=("适老化",)
    )
    a2 = make_case(
        firm=world.firm_a, estate=world.estate_a, title="甲二 微创新 适老", slug="a2", category="innovation",
        tags=("适老化", "智慧物业"),
    )  # fmt: skip
    b1 = make_case(
        firm=world.firm_b, estate=world.estate_b, title="乙一 微服务 充电", slug="b1", tags=("电动车充电",)
    )
    b2 = make_case(firm=world.firm_b, title="乙二 微实事", slug="b2", category="practical")
    draft = make_case(firm=world.firm_a, title="甲方草稿", slug="draft", live=False, owner=world.user_a)
    make_issue(1, [b1, a1])
    return {"a1": a1, "a2": a2, "b1": b1, "b2": b2, "draft": draft}


def test_the_column_lists_published_cases_only_with_category_firm_estate_and_date(client, column, world):
    response = client.get("/cases/")
    assert response.status_code == 200
    assert titles(response) == {"甲一 微服务 适老", "甲二 微创新 适老", "乙一 微服务 充电", "乙二 微实事"}
    body = response.content.decode()
    for text in (
        "微服务",
        "微创新",
        "微实事",
        world.firm_a.name,
        world.estate_a.name,
        "2025年2月10日",
        "未指定小区",
    ):
        assert text in body


def test_filters_combine(client, column, world):
    tag = column["a2"].tags.get(name="适老化").slug
    assert titles(client.get("/cases/", {"category": "service"})) == {"甲一 微服务 适老", "乙一 微服务 充电"}
    assert titles(client.get("/cases/", {"tag": tag})) == {"甲一 微服务 适老", "甲二 微创新 适老"}
    assert titles(client.get("/cases/", {"tag": tag, "category": "innovation"})) == {"甲二 微创新 适老"}
    assert titles(client.get("/cases/", {"firm": world.firm_b.pk})) == {"乙一 微服务 充电", "乙二 微实事"}
    assert titles(client.get("/cases/", {"firm": world.firm_b.pk, "estate": world.estate_b.pk})) == {
        "乙一 微服务 充电"
    }
    assert titles(client.get("/cases/", {"issue": 1})) == {"甲一 微服务 适老", "乙一 微服务 充电"}
    assert titles(client.get("/cases/", {"issue": 1, "firm": world.firm_a.pk, "category": "service"})) == {
        "甲一 微服务 适老"
    }
    assert titles(client.get("/cases/", {"issue": 1, "category": "practical"})) == set()


def test_the_list_is_paginated(client, world):
    for n in range(14):
        make_case(firm=world.firm_a, title=f"案例{n:02d}", slug=f"c{n}", case_date=dt.date(2025, 1, 1 + n))
    first, second = client.get("/cases/"), client.get("/cases/", {"page": 2})
    assert len(first.context["cases"]) == 12 and len(second.context["cases"]) == 2
    assert "案例13" in titles(first) and "案例00" in titles(second)  # newest first


def test_a_case_page_shows_its_facts_tags_and_issues(client, column, world):
    response = client.get("/cases/a1/")
    body = response.content.decode()
    assert response.status_code == 200
    for text in (
        "甲一 微服务 适老",
        world.firm_a.name,
        world.estate_a.name,
        "适老化",
        "第1期 微服务 紧扣民生",
        "解决的问题",
    ):
        assert text in body
    assert client.get("/cases/draft/").status_code == 404


def test_an_issue_lists_its_cases_in_the_editors_order(client, column):
    response = client.get("/cases/issues/1/")
    assert response.status_code == 200
    assert [c.title for c in response.context["issue_cases"]] == ["乙一 微服务 充电", "甲一 微服务 适老"]
    assert "第1期 微服务 紧扣民生" in client.get("/cases/issues/").content.decode()


def test_the_atom_feed_parses_and_lists_published_cases(client, column):
    response = client.get("/feeds/cases/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "阳光物业 · 三微案例"
    entry_titles = {e.title for e in feed.entries}
    assert "【微服务】甲一 微服务 适老" in entry_titles and len(entry_titles) == 4
    assert all(e.link.startswith("http://testserver/cases/") for e in feed.entries)
    assert "甲方草稿" not in response.content.decode()


def test_cases_appear_on_their_estate_firm_and_home_pages(client, column, world):
    estate_page = client.get(world.estate_a.page.url).content.decode()
    assert "甲一 微服务 适老" in estate_page and "乙一 微服务 充电" not in estate_page
    firm_page = client.get(world.firm_b.page.url).content.decode()
    assert "乙二 微实事" in firm_page and "甲一 微服务 适老" not in firm_page
    home = client.get("/").content.decode()
    assert "新发布的三微案例" in home and "乙二 微实事" in home and "甲方草稿" not in home


class CasePageTreeTests(WagtailPageTestCase):
    def test_the_column_sits_under_the_home_page_once(self):
        self.assertAllowedParentPageTypes(CaseIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(CaseIndexPage, {CasePage, CaseIssueIndexPage})
        self.assertCanCreateAt(HomePage, CaseIndexPage)
        for parent in (Page, StandardPage, CaseIndexPage):
            self.assertCanNotCreateAt(parent, CaseIndexPage)
        self.assertEqual(CaseIndexPage.objects.get().url_path, "/home/cases/")

    def test_cases_sit_in_the_column_and_issues_under_issues(self):
        self.assertAllowedParentPageTypes(CasePage, {CaseIndexPage})
        self.assertAllowedSubpageTypes(CasePage, set())
        self.assertCanCreateAt(CaseIndexPage, CasePage)
        for parent in (HomePage, StandardPage, CaseIssueIndexPage, CasePage):
            self.assertCanNotCreateAt(parent, CasePage)
        self.assertAllowedParentPageTypes(CaseIssueIndexPage, {CaseIndexPage})
        self.assertAllowedSubpageTypes(CaseIssueIndexPage, {CaseIssuePage})
        self.assertEqual(CaseIssueIndexPage.objects.get().url_path, "/home/cases/issues/")
        self.assertAllowedParentPageTypes(CaseIssuePage, {CaseIssueIndexPage})
        self.assertCanCreateAt(CaseIssueIndexPage, CaseIssuePage)
        self.assertCanNotCreateAt(CaseIndexPage, CaseIssuePage)

    def test_an_issue_lives_at_its_number(self):
        world = case_world()
        case = make_case(firm=world.firm_a)
        issue = make_issue(12, [case], title="第12期 微服务 紧扣民生")
        self.assertEqual(issue.url_path, "/home/cases/issues/12/")

    def test_the_review_workflow_applies_to_cases_not_to_issues(self):
        world = case_world()
        case = make_case(firm=world.firm_a, live=False)
        self.assertEqual(case.get_workflow().name, "三微案例审核")
        task = case.get_workflow().tasks.get().specific
        self.assertEqual(list(task.groups.values_list("name", flat=True)), ["编辑"])
        self.assertIsNone(make_issue(3, [case]).get_workflow())


def test_the_site_search_finds_a_case_by_part_of_a_chinese_word(world):
    from search.selectors import site_search

    make_case(
        firm=world.firm_a, title="车棚电动车充电桩不足的解决办法", slug="zhuang", summary="新装充电口。"
    )

    def found(query):
        groups = {g["key"]: g["items"] for g in site_search(query)["groups"]}
        return [page.slug for page in groups.get("cases", [])]

    assert found("充电桩") == ["zhuang"]
    assert found("桩") == ["zhuang"]
    assert found(world.firm_a.name[:3]) == ["zhuang"]  # by its firm
    assert found("雅苑") == []


def test_a_citys_estates_and_firms_are_no_select_but_still_filter_the_list(client, world, monkeypatch):
    """A city has thousands of estates with cases: a select of them made /cases/ half a megabyte
    and 0.7 s. Above core.choices.SELECT_MAX the filter is kept in the address (the estate and firm pages
    link to their cases) and shown as a choice the reader can remove."""
    from core import choices

    make_case(firm=world.firm_a, estate=world.estate_a, title="甲小区的案例", slug="ja")
    make_case(firm=world.firm_b, estate=world.estate_b, title="乙小区的案例", slug="yi")
    few = client.get("/cases/").content.decode()
    assert '<select name="estate"' in few and f'<option value="{world.estate_a.pk}">' in few
    assert '<select name="firm"' in few
    chosen = client.get("/cases/", {"estate": world.estate_a.pk}).content.decode()
    assert f'<option value="{world.estate_a.pk}" selected>' in chosen

    monkeypatch.setattr(choices, "SELECT_MAX", 1)
    many = client.get("/cases/").content.decode()
    assert '<select name="estate"' not in many and '<select name="firm"' not in many
    assert 'name="estate"' not in many  # no empty hidden field either
    assert '<select name="category"' in many

    response = client.get("/cases/", {"estate": world.estate_a.pk, "category": "service", "page": 1})
    assert titles(response) == {"甲小区的案例"}
    body = response.content.decode()
    assert f'<input type="hidden" name="estate" value="{world.estate_a.pk}"' in body  # kept on 筛选
    assert f"小区：<strong>{world.estate_a.name}</strong>" in body
    assert '<a href="/cases/?category=service">取消此条件' in body
    assert titles(client.get("/cases/", {"firm": world.firm_b.pk})) == {"乙小区的案例"}


def test_the_record_filters_cost_the_same_queries_with_few_or_many_choices(client, world, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core import choices

    make_case(firm=world.firm_a, estate=world.estate_a, title="甲小区的案例", slug="ja")
    make_case(firm=world.firm_b, estate=world.estate_b, title="乙小区的案例", slug="yi")
    counts = []
    for most in (100, 1):
        monkeypatch.setattr(choices, "SELECT_MAX", most)
        client.get("/cases/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/cases/", {"estate": world.estate_a.pk}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
