"""Invented disclosures for the demo (SPEC §10): one for every demo estate, kept by the firm's demo
user and approved by the demo editor through the review workflow — fees spread realistically within
each group, parking and advertising income statements that balance. One disclosure is overdue
(approved more than PORTAL_DISCLOSURE_OVERDUE_MONTHS ago), one awaits review, one was sent back
with a comment. Loading twice changes nothing: a disclosure that was ever submitted is left alone.
"""

import datetime as dt
import zlib
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from wagtail.models import PageLogEntry, Revision, TaskState, WorkflowState

from disclosures.models import (
    GOVERNMENT_GUIDED,
    MARKET,
    PER_SQM_MONTH,
    ComplaintChannel,
    DisclosurePage,
    FeeItem,
    MaintenanceFundUse,
    RevenueStatement,
)
from disclosures.services import disclosure_pages_ensure, firm_collection_ensure
from registry.models import Firm
from registry.selectors import current_contracts_by_estate

CENT = Decimal("0.01")
# Property service fee per ㎡·月 by group: (lowest, highest) in the demo.
FEE_RANGES = {
    "商品房": (Decimal("1.80"), Decimal("3.50")),
    "老旧小区": (Decimal("0.30"), Decimal("0.90")),
    "房改房": (Decimal("0.50"), Decimal("1.20")),
    "保障房": (Decimal("0.60"), Decimal("1.40")),
    "回迁房": (Decimal("0.80"), Decimal("1.60")),
}
GOVERNMENT_PRICED = {"老旧小区", "房改房", "保障房"}
MANAGERS = ["林晓东", "周建华", "陈立群", "吴海燕", "郑国平", "孙丽娟", "赵明远", "黄文静"]
RESPONSIBILITIES = [
    "公共区域每日清扫，生活垃圾日产日清",
    "电梯、消防设施按期维保并公示记录",
    "24 小时门岗与巡逻，车辆有序停放",
    "绿化养护，枯死苗木及时补植",
    "报修 30 分钟内响应，急修 24 小时内完成",
]
OVERDUE, IN_REVIEW, SENT_BACK = "QR009", "QR002", "QR014"
SENT_BACK_COMMENT = "停车收入与车位租赁合同数量不符，请核对后重新提交（演示）。"
OVERDUE_MONTHS_AGO = 8


def _h(code: str, salt: str = "") -> int:
    return zlib.crc32(f"{code}{salt}".encode())


def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def property_fee(code: str, group: str) -> Decimal:
    low, high = FEE_RANGES.get(group, (Decimal("1.00"), Decimal("2.00")))
    share = Decimal(_h(code, "fee") % 1000) / Decimal(999)
    return _money(low + (high - low) * share)


def _phone(code: str, salt: str) -> str:
    return f"010-6{_h(code, salt) % 10_000_000:07d}"


def disclosure_content(page: DisclosurePage, *, firm: Firm, edition: int = 1) -> DisclosurePage:
    """Fill the page (in memory) with the demo disclosure of its estate; `edition` varies it."""
    estate = page.estate
    code, group = estate.code, estate.group.name
    page.service_level = "一级" if group == "商品房" else "二级" if group in ("保障房", "回迁房") else "三级"
    page.service_standards = (
        f"{estate.name}由{firm.name}提供物业服务。公共区域每日清扫两次，电梯每半月维保一次，"
        "绿地每月修剪一次，秩序维护 24 小时在岗（演示）。"
    )
    page.responsibilities = [("item", text) for text in RESPONSIBILITIES]
    page.project_manager = MANAGERS[_h(code, "pm") % len(MANAGERS)] + "（演示）"
    page.manager_phone = f"139{_h(code, 'mobile') % 100_000_000:08d}"
    page.hotline = _phone(code, "hotline")
    effective = dt.date(2025, 1, 1)
    fee = property_fee(code, group)
    basis = GOVERNMENT_GUIDED if group in GOVERNMENT_PRICED else MARKET
    page.fee_items = [
        FeeItem(
            name="物业服务费",
            price=fee,
            unit=PER_SQM_MONTH,
            pricing_basis=basis,
            effective_date=effective,
            is_property_fee=True,
        ),
        FeeItem(
            name="地上停车费",
            price=_money(60 + _h(code, "park") % 90),
            unit="元/车位·月",
            pricing_basis=MARKET,
            effective_date=effective,
        ),
        FeeItem(
            name="装修垃圾清运费",
            price=_money(200 + _h(code, "waste") % 5 * 50),
            unit="元/次",
            pricing_basis=MARKET,
            effective_date=effective,
        ),
    ]
    page.revenue_statements = [_statement(estate, edition=edition)]
    page.fund_uses = (
        [
            MaintenanceFundUse(
                period_start=dt.date(2026, 1, 1),
                period_end=dt.date(2026, 6, 30),
                item="2号楼屋面防水翻修",
                amount=_money(80_000 + _h(code, "fund") % 120_000),
            )
        ]
        if _h(code, "fund") % 3 == 0
        else []
    )
    page.complaint_channels = [
        ComplaintChannel(name="物业服务中心", phone=page.hotline),
        ComplaintChannel(name="社区居委会", phone=_phone(code, "community")),
        ComplaintChannel(name="12345 市民服务热线", phone="12345"),
    ]
    return page


def _statement(estate, *, edition: int) -> RevenueStatement:
    code = estate.code
    parking = _money(estate.households * (18 + _h(code, "p") % 20) * 6 / 10)
    advertising = _money(3000 + _h(code, "a") % 9000 + (edition - 1) * 1200)
    venue = _money(_h(code, "v") % 4 * 1500)
    income = parking + advertising + venue
    spent = [
        ("公共设施维修", _money(income * Decimal("0.35"))),
        ("绿化补植", _money(income * Decimal("0.12"))),
        ("业主活动", _money(income * Decimal("0.05"))),
    ]
    return RevenueStatement(
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 6, 30),
        income_advertising=advertising,
        income_parking=parking,
        income_venue=venue,
        income_other=Decimal("0"),
        expenditures=[("expenditure", {"item": item, "amount": amount}) for item, amount in spent],
        stated_balance=income - sum(amount for _, amount in spent),
    )


def _submit(page, *, firm_user, firm, edition=1):
    draft = disclosure_content(page.get_latest_revision_as_object(), firm=firm, edition=edition)
    draft.full_clean()
    for statement in draft.revenue_statements.all():
        statement.clean()
    revision = draft.save_revision(user=firm_user)
    page.refresh_from_db()
    page.get_workflow().start(page, firm_user)
    page.refresh_from_db()
    return revision


def _decide(page, *, editor, action, comment=""):
    task_state = page.current_workflow_task_state
    task_state.task.specific.on_action(task_state, editor, action, comment=comment)
    page.refresh_from_db()


def _backdate(page, moment) -> None:
    """Move a disclosure's whole history to `moment` (the overdue one was approved long ago)."""
    Revision.page_revisions.filter(object_id=str(page.pk)).update(created_at=moment)
    PageLogEntry.objects.filter(page=page).update(timestamp=moment)
    states = WorkflowState.objects.for_instance(page)
    TaskState.objects.filter(workflow_state__in=states).update(started_at=moment, finished_at=moment)
    states.update(created_at=moment)
    DisclosurePage.objects.filter(pk=page.pk).update(
        first_published_at=moment, last_published_at=moment, latest_revision_created_at=moment
    )


def demo_disclosures_load() -> None:
    """Every demo estate's disclosure, kept by its firm's demo user and reviewed by the editor."""
    disclosure_pages_ensure()
    editor = get_user_model().objects.get(username="editor")
    pages = list(DisclosurePage.objects.select_related("estate__group").order_by("estate__code"))
    contracts = current_contracts_by_estate([p.estate_id for p in pages])
    for page in pages:
        contract = contracts.get(page.estate_id)
        if contract is None or page.live or WorkflowState.objects.for_instance(page).exists():
            continue
        firm = contract.firm
        firm_collection_ensure(firm=firm)
        firm_user = get_user_model().objects.filter(groups=firm.account_group_id).order_by("pk").first()
        if firm_user is None:
            continue
        _submit(page, firm_user=firm_user, firm=firm)
        _decide(page, editor=editor, action="approve")
        code = page.estate.code
        if code == OVERDUE:
            _backdate(page, timezone.now() - dt.timedelta(days=OVERDUE_MONTHS_AGO * 31))
        elif code in (IN_REVIEW, SENT_BACK):
            _submit(page, firm_user=firm_user, firm=firm, edition=2)
            if code == SENT_BACK:
                _decide(page, editor=editor, action="reject", comment=SENT_BACK_COMMENT)
