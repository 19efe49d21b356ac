"""What residents see of a disclosure outside its own page (SPEC §5, §7): the contacts beside the
plate and the fee comparison on the estate page, and the printable noticeboard sheet — approved
versions only, in a fixed number of queries."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from disclosures.models import ComplaintChannel, DisclosurePage, FeeItem, RevenueStatement
from disclosures.public import group_fee_summary_forget
from tests.factories import FirmFactory, GroupFactory, estates_with_pages
from tests.helpers import html
from tests.ratings.helpers import text_of

pytestmark = pytest.mark.django_db


def approve(estate, fee, *, hotline="010-62012345", when=None):
    """The estate's disclosure, approved as an editor would leave it: fee, contacts, a statement."""
    page = DisclosurePage.objects.get(estate=estate)
    page.project_manager = "王经理"
    page.manager_phone = "13800138000"
    page.hotline = hotline
    page.fee_items.add(
        FeeItem(
            name="物业服务费", price=Decimal(fee), unit="元/㎡·月", pricing_basis="market",
            effective_date=dt.date(2025, 1, 1), is_property_fee=True,
        ),
        FeeItem(name="地上停车费", price=Decimal("150"), unit="元/车位·月", pricing_basis="government",
                effective_date=dt.date(2025, 1, 1)),
    )  # fmt: skip
    page.complaint_channels.add(ComplaintChannel(name="街道物业办", phone="010-62015678"))
    page.revenue_statements.add(
        RevenueStatement(
            period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 6, 30),
            income_advertising=Decimal("12000.00"), income_parking=Decimal("30000.00"),
            stated_balance=Decimal("42000.00"),
        )
    )  # fmt: skip
    revision = page.save_revision()
    revision.publish()
    if when:
        DisclosurePage.objects.filter(pk=page.pk).update(last_published_at=when)
    return page


@pytest.fixture
def group_of_estates(db):
    group = GroupFactory(name="商品房")
    firm = FirmFactory(name="枫林物业服务有限公司")
    estates = estates_with_pages(5, firm=firm, group=group)
    for estate, fee in zip(estates[:4], ("1.80", "2.50", "3.20", "2.00"), strict=True):
        approve(estate, fee)
    return estates


def test_the_estate_page_shows_contacts_beside_the_plate_and_the_fee_beside_its_group(
    client, group_of_estates
):
    estate = group_of_estates[1]  # 2.50 in 1.80, 2.00, 2.50, 3.20
    body = html(client.get(estate.page.url))
    text = text_of(body)
    strip = text[text.index("服务与投诉电话") :]
    assert "24 小时服务 010-62012345" in strip and "街道物业办 010-62015678" in strip
    assert 'href="tel:+861062012345"' in body
    section = text[text.index("信息公开：收费与公共收益") :]
    assert "物业服务费 2.50 元/㎡·月" in section and "高于同组中位数" in section
    assert "全组 4 1.80 2.25 3.20" in section  # count, lowest, median, highest
    assert '<svg class="chart fee-chart"' in body and 'id="fee-chart-desc"' in body
    assert "收入合计 42000.00 元" in section and "已超期" not in section


def test_an_estate_without_an_approved_disclosure_says_so(client, group_of_estates):
    text = text_of(html(client.get(group_of_estates[4].page.url)))
    assert "物业企业尚未公开本小区的收费与公共收益情况" in text and "服务与投诉电话" not in text


def test_a_draft_change_is_not_shown_until_approved(client, group_of_estates):
    page = DisclosurePage.objects.get(estate=group_of_estates[1])
    page.hotline = "010-69999999"
    page.save_revision()  # a draft, not approved
    body = html(client.get(group_of_estates[1].page.url))
    assert "010-62012345" in body and "010-69999999" not in body


def test_an_old_approval_is_marked_overdue(client, group_of_estates):
    estate = group_of_estates[0]
    DisclosurePage.objects.filter(estate=estate).update(
        last_published_at=timezone.now() - dt.timedelta(days=200)
    )
    assert "已超期" in text_of(html(client.get(estate.page.url)))


def test_the_noticeboard_sheet_has_what_the_board_needs(client, group_of_estates):
    estate = group_of_estates[1]
    response = client.get(f"{estate.page.url}noticeboard/")
    assert response.status_code == 200
    body = response.content.decode()
    text = text_of(body)
    assert estate.name in text and "物业服务信息公开栏" in text and "暂无挂牌" in text
    for fact in ("物业服务费 2.50 元/㎡·月", "地上停车费 150.00 元/车位·月", "收入合计 42000.00", "王经理 13800138000",
                 "24 小时服务电话 010-62012345", "街道物业办 010-62015678", "打印日期"):  # fmt: skip
        assert fact in text, fact
    assert re.search(r"<svg[^>]*>", body)  # the QR code
    assert client.get("/estates/no-such-estate/noticeboard/").status_code == 404


def queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("kind", ["estate page", "noticeboard"])
def test_a_constant_number_of_queries_for_5_or_200_estates(client, db, kind):
    group = GroupFactory(name="老旧小区")
    firm = FirmFactory(name="松柏物业管理有限公司")
    estates = estates_with_pages(5, firm=firm, group=group)
    for i, estate in enumerate(estates):
        approve(estate, f"{1 + i / 10:.2f}")
    url = estates[0].page.url + ("noticeboard/" if kind == "noticeboard" else "")
    few = queries(client, url)
    more = estates_with_pages(195, firm=firm, group=group)
    FeeItem.objects.bulk_create(
        FeeItem(page=DisclosurePage.objects.get(estate=e), name="物业服务费", price=Decimal("1.50"), unit="元/㎡·月",
                effective_date=dt.date(2025, 1, 1), is_property_fee=True, sort_order=0)
        for e in more
    )  # fmt: skip
    DisclosurePage.objects.filter(estate__in=more).update(live=True)
    group_fee_summary_forget(group_id=group.pk)  # as the approvals these writes stand for would
    many = queries(client, url)
    assert few == many <= 20
    if kind == "estate page":
        assert "全组 200" in text_of(html(client.get(url)))


def test_an_approval_renews_the_groups_fee_summary_on_every_estate_page_of_the_group(client, db):
    group = GroupFactory(name="老旧小区")
    firm = FirmFactory(name="松柏物业管理有限公司")
    first, second = estates_with_pages(2, firm=firm, group=group)
    approve(first, "2.00")
    assert "全组 1" in text_of(html(client.get(first.page.url)))
    approve(second, "3.00")  # the editor's approval of another estate of the group
    assert "全组 2" in text_of(html(client.get(first.page.url)))
