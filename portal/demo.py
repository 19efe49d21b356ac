"""Invented demo data (SPEC §10). No name here belongs to a real firm, estate or person.

Everything is loaded through the same services the editors use, so the demo exercises the real
code paths; loading twice changes nothing.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from cases.demo import demo_cases_load
from core.tabular import Table
from disclosures.demo import demo_disclosures_load
from portal.demo_pages import demo_standard_pages_load
from portal.models import PortalSettings
from portal.roles import COMMITTEE, EDITORS, FIRMS, firm_account_group_ensure, roles_ensure
from portal.services import site_address_sync
from ratings.demo import demo_publication_load, demo_scores_load
from registry.credit_code import make_code
from registry.models import Firm
from registry.services import registry_import

DEMO_PASSWORD = "demo"
STREET = "青榕街道"

FIRMS_DEMO = [
    # (credit-code body, name)
    ("91110106MA01QR001", "青榕宜居物业服务有限公司"),
    ("91110106MA01QR002", "北辰安泰物业管理有限公司"),
    ("91110106MA01QR003", "和悦邻里物业服务有限公司"),
    ("91110106MA01QR004", "嘉禾城市服务有限公司"),
    ("91110106MA01QR005", "松柏园物业管理有限公司"),
    ("91110106MA01QR006", "金桥恒安物业服务有限公司"),
    ("91110106MA01QR007", "晨曦社区服务有限公司"),
    ("91110106MA01QR008", "朗润物业管理有限公司"),
]

# (code, name, community, group, households, floor area ㎡, build year, firm index)
ESTATES_DEMO = [
    ("QR001", "枫林雅园", "枫林社区", "商品房", 1260, "128400.00", 2008, 0),
    ("QR002", "明湖花园", "明湖社区", "商品房", 980, "102350.50", 2011, 1),
    ("QR003", "松涛苑", "松涛社区", "商品房", 640, "71200.00", 2015, 0),
    ("QR004", "翠竹嘉园", "翠竹社区", "商品房", 1530, "160800.00", 2013, 3),
    ("QR005", "桂香名邸", "桂香社区", "商品房", 720, "86500.00", 2016, 5),
    ("QR006", "春晖公寓", "春晖社区", "商品房", 410, "38900.00", 2018, 7),
    ("QR007", "柳荫小区", "柳荫社区", "老旧小区", 860, "52300.00", 1986, 2),
    ("QR008", "荷塘里", "荷塘社区", "老旧小区", 540, "31800.00", 1982, 2),
    ("QR009", "杏坛东里", "杏坛社区", "老旧小区", 1120, "66700.00", 1979, 4),
    ("QR010", "长乐西里", "长乐社区", "老旧小区", 930, "55100.00", 1984, 4),
    ("QR011", "安和北里", "安和社区", "老旧小区", 700, "41200.00", 1988, 6),
    ("QR012", "青榕东里一区", "青榕东里社区", "老旧小区", 1340, "78900.00", 1981, 6),
    ("QR013", "电机厂宿舍", "青榕西里社区", "房改房", 480, "27600.00", 1992, 1),
    ("QR014", "纺织新村", "青榕西里社区", "房改房", 1050, "60300.00", 1995, 3),
    ("QR015", "邮电小区", "明湖社区", "房改房", 390, "23400.00", 1994, 7),
    ("QR016", "农机所家属院", "松涛社区", "房改房", 260, "15800.00", 1990, 4),
    ("QR017", "康宁家园", "康宁社区", "保障房", 1680, "112000.00", 2012, 1),
    ("QR018", "福润家园", "福润社区", "保障房", 1420, "95300.00", 2014, 5),
    ("QR019", "安居苑", "康宁社区", "保障房", 880, "58600.00", 2017, 3),
    ("QR020", "惠民佳苑", "福润社区", "保障房", 1210, "80100.00", 2019, 6),
    ("QR021", "新城回迁一区", "长乐社区", "回迁房", 1760, "121500.00", 2010, 0),
    ("QR022", "新城回迁二区", "长乐社区", "回迁房", 1490, "104200.00", 2012, 7),
    ("QR023", "荷塘安置小区", "荷塘社区", "回迁房", 970, "68800.00", 2009, 2),
]
CONTRACT_START = "2021-01-01"
# One firm change during the demo period (SPEC §10): 桂香名邸 moved from 和悦邻里 to 金桥恒安.
FIRM_CHANGE = ("QR005", 2, "2021-01-01", "2025-08-15", 5, "2025-08-16")

REGISTRY_HEADER = (
    "estate_code", "estate_name", "street", "community", "group", "households", "floor_area",
    "build_year", "firm_name", "firm_credit_code", "contract_start",
)  # fmt: skip


def firm_codes() -> list[str]:
    return [make_code(body) for body, _ in FIRMS_DEMO]


def registry_table() -> Table:
    codes = firm_codes()
    rows = []
    for number, (code, name, community, group, households, area, year, firm) in enumerate(ESTATES_DEMO, 2):
        start = FIRM_CHANGE[5] if code == FIRM_CHANGE[0] else CONTRACT_START
        values = (code, name, STREET, community, group, str(households), area, str(year),
                  FIRMS_DEMO[firm][1], codes[firm], start)  # fmt: skip
        rows.append((number, dict(zip(REGISTRY_HEADER, values, strict=True))))
    return Table(header=REGISTRY_HEADER, rows=tuple(rows))


def contract_history_table() -> Table:
    code, firm, start, end, _, _ = FIRM_CHANGE
    header = ("estate_code", "firm_credit_code", "contract_start", "contract_end", "note")
    row = dict(
        zip(header, (code, firm_codes()[firm], start, end, "合同期满，业主大会选聘新物业"), strict=True)
    )
    return Table(header=header, rows=((2, row),))


@transaction.atomic
def demo_load(*, stdout=None) -> None:
    """Load (or refresh) the whole demo; running it twice changes nothing."""
    roles = roles_ensure()
    registry_import(table=registry_table())
    registry_import(table=contract_history_table())
    _accounts(roles)
    demo_scores_load()
    demo_publication_load()
    demo_disclosures_load()
    demo_cases_load()
    demo_standard_pages_load()
    site = site_address_sync(base_url=settings.PORTAL_BASE_URL)
    portal_settings = PortalSettings.for_site(site)
    portal_settings.organiser = portal_settings.organiser or "青榕街道办事处（演示）"
    portal_settings.contact_phone = portal_settings.contact_phone or "010-0000 0000（演示）"
    portal_settings.contact_address = portal_settings.contact_address or "青榕路 1 号（演示地址）"
    portal_settings.icp_number = portal_settings.icp_number or "演示ICP备00000000号"
    portal_settings.police_number = portal_settings.police_number or "演示公网安备00000000000000号"
    portal_settings.site_code = portal_settings.site_code or "0000000000"
    portal_settings.demo_data = True
    portal_settings.save()


def _accounts(roles) -> None:
    User = get_user_model()

    def user(username, *, superuser=False, groups=(), name=""):
        account, created = User.objects.get_or_create(
            username=username, defaults={"first_name": name, "is_staff": superuser, "is_superuser": superuser}
        )
        if created:
            account.set_password(DEMO_PASSWORD)
            account.save()
        account.groups.add(*groups)
        return account

    user("admin", superuser=True, name="系统管理员（演示）")
    user("editor", groups=[roles["editors"]], name="街道编辑（演示）")
    user("committee", groups=[roles["committee"]], name="考评委员（演示）")
    for number, firm in enumerate(
        Firm.objects.filter(credit_code__in=firm_codes()).order_by("credit_code"), 1
    ):
        user(f"firm{number}", groups=[roles["firms"], firm_account_group_ensure(firm=firm)], name=firm.name)


DEMO_LOGINS = [
    ("admin", "超级管理员"),
    ("editor", EDITORS),
    ("committee", COMMITTEE),
    ("firm1 … firm8", f"{FIRMS}（按统一社会信用代码排序，每个账号对应一家企业）"),
]
