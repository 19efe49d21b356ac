"""The registry's public pages as a resident meets them (SPEC §7, §12): the estate directory with
its filters and paging, an estate's page with its facts and handovers, the firm directory and a
firm's page, each within a fixed number of queries."""

import re
from datetime import timedelta

import pytest

from registry.models.pages import DIRECTORY_PAGE_SIZE
from tests.helpers import html
from tests.registry.helpers import add_firm

pytestmark = pytest.mark.django_db

MAX_QUERIES = 20


def directory_names(body: str) -> list[str]:
    """Estate names in the directory table, in order."""
    return re.findall(r'<th scope="row" class="data-table__title"><a href="[^"]+">([^<]+)</a></th>', body)


# ---------- estate directory ----------


def test_estate_directory_lists_every_estate_with_its_current_firm(client, registry):
    body = html(client.get("/estates/"))

    assert "<title>小区 · 阳光物业</title>" in body
    assert directory_names(body) == ["枫林雅园", "翠湖花园", "松柏新村"]  # by estate code
    assert "全部小区：共 3 个" in body
    assert '<a href="/estates/df-001/">枫林雅园</a>' in body
    assert '<a href="/firms/firm-1/">晨曦物业服务有限公司</a>' in body
    assert 'data-label="户数" class="num">1,280</td>' in body
    assert "DF-001" in body and "晨光社区" in body


def test_estate_directory_filters_by_group(client, registry):
    body = html(client.get("/estates/", {"group": registry.garden.group_id}))

    assert directory_names(body) == ["翠湖花园"]
    assert "符合条件的小区：共 1 个" in body
    assert f'<option value="{registry.garden.group_id}" selected>老旧小区</option>' in body


def test_estate_directory_filters_by_street_and_name(client, registry):
    assert directory_names(html(client.get("/estates/", {"street": registry.west.pk}))) == ["松柏新村"]
    assert directory_names(html(client.get("/estates/", {"q": "花园"}))) == ["翠湖花园"]
    assert directory_names(html(client.get("/estates/", {"street": registry.west.pk, "q": "花园"}))) == []


def test_estate_directory_empty_result_says_so(client, registry):
    body = html(client.get("/estates/", {"q": "不存在的名字"}))

    assert "符合条件的小区：共 0 个" in body
    assert "没有符合条件的小区。" in body
    assert "<table" not in body


def test_estate_directory_second_page_keeps_the_filters(client, many_estates):
    many_estates(DIRECTORY_PAGE_SIZE + 5)

    first = html(client.get("/estates/", {"q": "南湖"}))
    assert len(directory_names(first)) == DIRECTORY_PAGE_SIZE
    assert 'href="?q=%E5%8D%97%E6%B9%96&amp;page=2" rel="next">下一页</a>' in first

    second = html(client.get("/estates/", {"q": "南湖", "page": 2}))
    assert directory_names(second) == [f"南湖{n:03d}号院" for n in range(21, 26)]
    assert "第 2 页，共 2 页" in second
    assert 'rel="prev">上一页</a>' in second


@pytest.mark.parametrize("number", ["3", "0", "-1"])
def test_estate_directory_page_out_of_range_is_404(client, many_estates, number):
    many_estates(DIRECTORY_PAGE_SIZE + 5)

    response = client.get("/estates/", {"page": number})

    assert response.status_code == 404
    assert "没有找到这个页面" in response.content.decode()


@pytest.mark.parametrize("count", [5, 60])
def test_estate_directory_query_count_does_not_grow(
    client, many_estates, django_assert_max_num_queries, count
):
    many_estates(count)
    client.get("/estates/")  # the first request of a site fills its caches (settings, site roots, nav)
    with django_assert_max_num_queries(MAX_QUERIES):
        body = html(client.get("/estates/"))
    assert len(directory_names(body)) == min(count, DIRECTORY_PAGE_SIZE)


# ---------- estate page ----------


def test_estate_page_shows_registry_facts(client, registry, django_assert_max_num_queries):
    client.get("/")  # the first request of a site fills its caches (settings, site roots, nav)
    with django_assert_max_num_queries(MAX_QUERIES):
        body = html(client.get("/estates/df-001/"))

    assert "<title>枫林雅园 · 阳光物业</title>" in body
    assert '<h1 id="record-title">枫林雅园</h1>' in body
    facts = re.search(r'<section class="card" id="facts".*?</section>', body, re.S).group(0)
    for label, value in [
        ("小区编码", "DF-001"),
        ("街道", "东风街道"),
        ("社区", "晨光社区"),
        ("户数", "1,280 户"),
        ("建筑面积", "45,210.5 ㎡"),
        ("建成年份", "2003 年"),
    ]:
        assert f"<dt>{label}</dt><dd>{value}</dd>" in facts, label
    assert ">商品房</a></dd>" in facts


def test_estate_page_shows_current_firm_and_handover_history(client, registry):
    body = html(client.get("/estates/df-001/"))

    firm = re.search(r'<section class="card" id="firm".*?</section>', body, re.S).group(0)
    assert '<a href="/firms/firm-1/">晨曦物业服务有限公司</a>' in firm
    handover = registry.handover_day
    assert f"<dt>服务开始</dt><dd>{handover.year}年{handover.month}月{handover.day}日</dd>" in firm

    history = re.search(r'<section class="section" id="handovers".*?</section>', body, re.S).group(0)
    rows = re.findall(r"<tr.*?</tr>", history, re.S)[1:]
    assert "晨曦物业服务有限公司" in rows[0] and "至今" in rows[0] and "在管" in rows[0]
    assert "青柳物业管理有限公司" in rows[1] and "2018年1月1日" in rows[1] and "至今" not in rows[1]


def test_estate_page_without_a_firm_says_so(client, registry):
    registry.pine.contracts.all().delete()

    body = html(client.get("/estates/xs-001/"))

    assert "目前没有登记在管的物业服务企业。" in body
    assert "暂无服务合同记录。" in body


def test_estate_page_names_a_firm_without_a_page_without_linking_it(client, registry):
    from registry.models import ServiceContract

    quiet = add_firm("无页面物业有限公司", 3, page=False)
    ServiceContract.objects.filter(estate=registry.pine).delete()
    ServiceContract.objects.create(estate=registry.pine, firm=quiet, start="2020-01-01")

    body = html(client.get("/estates/xs-001/"))

    assert '<p class="record__firm">无页面物业有限公司</p>' in body


# ---------- firms ----------


def test_firm_directory_lists_credit_codes_and_estates_managed_now(
    client, registry, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_QUERIES):
        body = html(client.get("/firms/"))

    assert "全部物业企业：共 2 家" in body
    assert registry.sunrise.credit_code in body and registry.willow.credit_code in body
    rows = dict(re.findall(r'<a href="/firms/[^"]+/">([^<]+)</a>.*?class="num">(\d+) 个</td>', body, re.S))
    assert rows == {
        "晨曦物业服务有限公司": "2",
        "青柳物业管理有限公司": "1",
    }  # willow's 枫林雅园 contract has ended


def test_firm_directory_finds_a_firm_by_part_of_its_name(client, registry):
    body = html(client.get("/firms/", {"q": "青柳"}))

    assert "青柳物业管理有限公司" in body and "晨曦物业服务有限公司" not in body
    assert "名称含“青柳”的企业：共 1 家" in body
    assert "没有找到名称含“海棠”的物业企业。" in html(client.get("/firms/", {"q": "海棠"}))


def test_firm_page_shows_current_and_past_estates(client, registry, django_assert_max_num_queries):
    client.get("/")  # the first request of a site fills its caches (settings, site roots, nav)
    with django_assert_max_num_queries(MAX_QUERIES):
        body = html(client.get("/firms/firm-2/"))

    assert "<title>青柳物业管理有限公司 · 阳光物业</title>" in body
    assert f'<dd class="code">{registry.willow.credit_code}</dd>' in body
    current = re.search(r'<section class="section" id="current".*?</section>', body, re.S).group(0)
    past = re.search(r'<section class="section" id="past".*?</section>', body, re.S).group(0)
    assert '<a href="/estates/xs-001/">松柏新村</a>' in current and "枫林雅园" not in current
    assert '<a href="/estates/df-001/">枫林雅园</a>' in past and "2018年1月1日" in past
    end = registry.handover_day - timedelta(days=1)
    assert f"{end.year}年{end.month}月{end.day}日" in past
