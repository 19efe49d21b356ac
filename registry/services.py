"""Registry import (SPEC §9): estates, firms and service contracts from one spreadsheet.

Two file shapes are accepted, told apart by their header:
- the registry (one row per estate, with its current firm and the contract start), and
- a contract history (one row per past or present contract), for estates already registered.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from pypinyin import lazy_pinyin

from django.db import transaction
from django.utils import timezone

from wagtail.log_actions import LogContext, log
from wagtail.search.backends import get_search_backends

from core import pagecache
from core.errors import RowProblem
from core.importing import (
    ImportReport,
    RowCollector,
    clean_text,
    parse_date,
    parse_decimal,
    parse_int,
    required_text,
    row_preview,
)
from core.tabular import Table, check_header
from registry.credit_code import credit_code_error, normalize
from registry.models import (
    Community,
    Estate,
    EstateIndexPage,
    EstatePage,
    Firm,
    FirmIndexPage,
    FirmPage,
    Group,
    ServiceContract,
    Street,
)

SLUG_MAX = 60

# The registry file's columns (SPEC §9), in the order of the downloadable template.
REGISTRY_COLUMN_ORDER = (
    "estate_code",
    "estate_name",
    "street",
    "community",
    "group",
    "households",
    "floor_area",
    "build_year",
    "firm_name",
    "firm_credit_code",
    "contract_start",
)
REGISTRY_COLUMNS = set(REGISTRY_COLUMN_ORDER)
REGISTRY_TEXT_COLUMNS = ("estate_code", "firm_credit_code", "contract_start")
CONTRACT_COLUMNS = {"estate_code", "firm_credit_code", "contract_start"}
CONTRACT_OPTIONAL = {"contract_end", "note"}
ESTATE_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,29}")
ESTATE_FIELDS = ("name", "street_id", "community_id", "group_id", "households", "floor_area", "build_year")


@dataclass
class RegistryRow:
    row: int
    estate_code: str
    estate_name: str
    street: str
    community: str
    group: Group
    households: int
    floor_area: Decimal
    build_year: int | None
    firm_name: str
    firm_credit_code: str
    contract_start: dt.date


def registry_import(*, table: Table, user=None, dry_run: bool = False) -> ImportReport:
    """Import a registry or contract-history table: all rows valid or nothing written.

    With dry_run the same code runs inside a transaction that is rolled back, so the preview
    reports exactly what a real import would change.
    """
    registry_header_check(table.header)
    if _is_registry(table.header):
        rows = _validate_registry(table)
        apply = _apply_registry
        kind = "registry"
    else:
        rows = _validate_contracts(table)
        apply = _apply_contracts
        kind = "contracts"
    report = ImportReport(kind=kind, rows=len(table.rows), dry_run=dry_run)
    report.columns = REGISTRY_PREVIEW_COLUMNS if kind == "registry" else CONTRACT_PREVIEW_COLUMNS
    with transaction.atomic(), LogContext(user=user):
        apply(rows, report, user)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _is_registry(header) -> bool:
    return bool(set(header) & (REGISTRY_COLUMNS - CONTRACT_COLUMNS))


def registry_header_check(header) -> None:
    """Refuse unknown and missing columns of either shape, as soon as the header is read."""
    if _is_registry(header):
        check_header(header, required=REGISTRY_COLUMNS)
    else:
        check_header(header, required=CONTRACT_COLUMNS, optional=CONTRACT_OPTIONAL)


# --- the registry shape -----------------------------------------------------------------------


def _validate_registry(table: Table) -> list[RegistryRow]:
    problems = RowCollector()
    groups = {g.name: g for g in Group.objects.all()}
    latest = _latest_contracts()
    firm_names: dict[str, tuple[str, int]] = {}
    seen: dict[str, int] = {}
    this_year = timezone.localdate().year
    rows = []
    for number, cells in table.rows:
        if "__extra__" in cells:
            problems.add(number, cells["__extra__"])
            continue
        errors = []

        def take(fn, *args, _errors=errors, **kwargs):
            try:
                return fn(*args, **kwargs)
            except RowProblem as exc:
                _errors.append(str(exc))
                return None

        code = cells["estate_code"].strip()
        if not code:
            errors.append("小区编码不能为空")
        elif not ESTATE_CODE_RE.fullmatch(code):
            errors.append(f"小区编码“{code}”只能由字母、数字和 - _ . 组成，最长 30 位")
        elif code in seen:
            errors.append(f"小区编码 {code} 与第 {seen[code]} 行重复")
        else:
            seen[code] = number
        name = take(
            required_text, cells["estate_name"], label="小区名称", max_length=80, column="estate_name"
        )
        street = take(required_text, cells["street"], label="街道", max_length=60, column="street")
        community = take(required_text, cells["community"], label="社区", max_length=60, column="community")
        group_name = take(clean_text, cells["group"], label="分组", column="group")
        group = groups.get(group_name)
        if group_name == "":
            errors.append("分组不能为空")
        elif group_name and group is None:
            errors.append(f"分组“{group_name}”不存在（现有分组：{'、'.join(groups)}）")
        households = take(parse_int, cells["households"], label="户数", minimum=0, maximum=1_000_000)
        floor_area = take(
            parse_decimal, cells["floor_area"], label="建筑面积", places=2, maximum=Decimal("100000000")
        )
        build_year = None
        if cells["build_year"].strip():
            build_year = take(
                parse_int, cells["build_year"], label="建成年份", minimum=1900, maximum=this_year + 5
            )
        firm_name = take(
            required_text, cells["firm_name"], label="企业名称", max_length=120, column="firm_name"
        )
        credit = normalize(cells["firm_credit_code"])
        if not credit:
            errors.append("统一社会信用代码不能为空")
        elif error := credit_code_error(credit):
            errors.append(f"{error}（{credit}）")
        elif firm_name:
            first = firm_names.setdefault(credit, (firm_name, number))
            if first[0] != firm_name:
                errors.append(f"统一社会信用代码 {credit} 在第 {first[1]} 行对应的企业名称是“{first[0]}”")
        start = take(parse_date, cells["contract_start"], label="合同开始日期")
        if start and code in latest and not errors:
            current = latest[code]
            if current.firm.credit_code != credit and start <= current.start:
                errors.append(
                    f"更换物业企业的合同开始日期（{start}）必须晚于现有合同的开始日期（{current.start}）"
                )
        for error in errors:
            problems.add(number, error)
        if not errors:
            rows.append(
                RegistryRow(
                    number, code, name, street, community, group, households, floor_area, build_year,
                    firm_name, credit, start,
                )
            )  # fmt: skip
    problems.raise_if_any()
    return rows


def _latest_contracts() -> dict[str, ServiceContract]:
    latest: dict[str, ServiceContract] = {}
    for contract in ServiceContract.objects.select_related("estate", "firm").order_by("start"):
        latest[contract.estate.code] = contract
    return latest


def _apply_registry(rows: list[RegistryRow], report: ImportReport, user) -> None:
    streets = {s.name: s for s in Street.objects.all()}
    communities = {(c.street_id, c.name): c for c in Community.objects.all()}
    firms = {f.credit_code: f for f in Firm.objects.all()}
    estates = {e.code: e for e in Estate.objects.all()}
    latest = _latest_contracts()
    touched_estates, touched_firms = [], []
    names = {
        "street": {s.pk: s.name for s in streets.values()},
        "community": {c.pk: c.name for c in communities.values()},
        "group": dict(Group.objects.values_list("pk", "name")),
    }

    for row in rows:
        known = estates.get(row.estate_code)
        report.previews.append(
            row_preview(
                code=row.estate_code,
                name=row.estate_name,
                new=[
                    row.estate_name, row.street, row.community, row.group.name, row.households,
                    row.floor_area, row.build_year, row.firm_name, row.contract_start,
                ],
                old=_registry_stored(known, names, latest.get(row.estate_code)) if known else None,
            )
        )  # fmt: skip
        street = streets.get(row.street)
        if street is None:
            street = streets[row.street] = Street.objects.create(name=row.street)
            _created(report, street, f"新增街道 {street.name}")
        community = communities.get((street.pk, row.community))
        if community is None:
            community = communities[(street.pk, row.community)] = Community.objects.create(
                street=street, name=row.community
            )
            _created(report, community, f"新增社区 {street.name} · {community.name}")

        firm = firms.get(row.firm_credit_code)
        if firm is None:
            firm = firms[row.firm_credit_code] = Firm.objects.create(
                name=row.firm_name, credit_code=row.firm_credit_code
            )
            _created(report, firm, f"新增物业企业 {firm.name}（{firm.credit_code}）")
        elif firm.name != row.firm_name:
            _updated(
                report, firm, {"name": [firm.name, row.firm_name]}, f"企业更名 {firm.name} → {row.firm_name}"
            )
            firm.name = row.firm_name
            firm.save(update_fields=["name"])
        touched_firms.append(firm)

        values = {
            "name": row.estate_name,
            "street_id": street.pk,
            "community_id": community.pk,
            "group_id": row.group.pk,
            "households": row.households,
            "floor_area": row.floor_area,
            "build_year": row.build_year,
        }
        estate = estates.get(row.estate_code)
        if estate is None:
            estate = Estate.objects.create(code=row.estate_code, **values)
            estates[estate.code] = estate
            _created(report, estate, f"新增小区 {estate.code} {estate.name}")
        else:
            diff = {
                f: [_plain(getattr(estate, f)), _plain(v)]
                for f, v in values.items()
                if getattr(estate, f) != v
            }
            if diff:
                for f, v in values.items():
                    setattr(estate, f, v)
                estate.full_clean()
                estate.save()
                _updated(
                    report,
                    estate,
                    diff,
                    f"更新小区 {estate.code}：{'、'.join(_label(Estate, f) for f in diff)}",
                )
            else:
                report.unchanged += 1
        touched_estates.append(estate)
        _apply_registry_contract(estate, firm, row.contract_start, latest.get(estate.code), report)

    directory_pages_sync(estates=touched_estates, firms=touched_firms, user=user)
    # What an estate or a firm is found by includes the other's name (core.search): both change
    # with a handover or a rename, so every estate and firm the import named is indexed again.
    records_changed(estate_ids={e.pk for e in touched_estates}, firm_ids={f.pk for f in touched_firms})


REGISTRY_PREVIEW_COLUMNS = [
    "小区名称", "街道", "社区", "分组", "户数", "建筑面积（㎡）", "建成年份", "物业企业", "合同开始日期",
]  # fmt: skip


CONTRACT_PREVIEW_COLUMNS = ["物业企业", "合同开始日期", "合同结束日期", "备注"]


def _registry_stored(estate, names, contract) -> list:
    """An estate's registry row as stored, in the order of REGISTRY_PREVIEW_COLUMNS."""
    return [
        estate.name,
        names["street"].get(estate.street_id),
        names["community"].get(estate.community_id),
        names["group"].get(estate.group_id),
        estate.households,
        estate.floor_area,
        estate.build_year,
        contract.firm.name if contract else None,
        contract.start if contract else None,
    ]


def _apply_registry_contract(estate, firm, start, current, report) -> None:
    """A changed firm closes the old contract the day before and opens a new one (SPEC §2)."""
    if current is None:
        contract = ServiceContract.objects.create(estate=estate, firm=firm, start=start)
        _created(report, contract, f"{estate.code} 新增服务合同：{firm.name}，{start} 起")
        return
    if current.firm_id == firm.pk and (current.end is None or start <= current.end):
        if current.start != start:
            old = current.start
            current.start = start
            current.full_clean()
            current.save(update_fields=["start"])
            _updated(
                report,
                current,
                {"start": [str(old), str(start)]},
                f"{estate.code} 合同开始日期 {old} → {start}",
            )
        return
    if current.end is None or current.end >= start:
        old_end = current.end
        current.end = start - dt.timedelta(days=1)
        current.full_clean()
        current.save(update_fields=["end"])
        _updated(
            report,
            current,
            {"end": [_plain(old_end), str(current.end)]},
            f"{estate.code} 原合同（{current.firm.name}）于 {current.end} 结束",
        )
    contract = ServiceContract(estate=estate, firm=firm, start=start)
    contract.full_clean()
    contract.save()
    _created(report, contract, f"{estate.code} 更换物业企业：{firm.name}，{start} 起")


# --- the contract-history shape ---------------------------------------------------------------


@dataclass
class ContractRow:
    row: int
    estate: Estate
    firm: Firm
    start: dt.date
    end: dt.date | None
    note: str


def _validate_contracts(table: Table) -> list[ContractRow]:
    problems = RowCollector()
    estates = {e.code: e for e in Estate.objects.all()}
    firms = {f.credit_code: f for f in Firm.objects.all()}
    existing: dict[int, list[ServiceContract]] = {}
    for contract in ServiceContract.objects.all():
        existing.setdefault(contract.estate_id, []).append(contract)
    rows: list[ContractRow] = []
    for number, cells in table.rows:
        if "__extra__" in cells:
            problems.add(number, cells["__extra__"])
            continue
        errors = []
        code = cells["estate_code"].strip()
        estate = estates.get(code)
        if estate is None:
            errors.append(f"小区编码 {code} 不在登记册中" if code else "小区编码不能为空")
        credit = normalize(cells["firm_credit_code"])
        firm = firms.get(credit)
        if firm is None:
            error = credit_code_error(credit) if credit else "统一社会信用代码不能为空"
            errors.append(error or f"统一社会信用代码 {credit} 对应的企业不在登记册中")
        start = end = None
        try:
            start = parse_date(cells["contract_start"], label="合同开始日期")
            if cells.get("contract_end", "").strip():
                end = parse_date(cells["contract_end"], label="合同结束日期")
                if end < start:
                    errors.append("合同结束日期不能早于开始日期")
        except RowProblem as exc:
            errors.append(str(exc))
        try:
            note = clean_text(cells.get("note", ""), label="备注", column="note")[:200]
        except RowProblem as exc:
            errors.append(str(exc))
        if not errors:
            new = ContractRow(number, estate, firm, start, end, note)
            clash = _overlap(new, existing.get(estate.pk, []), [r for r in rows if r.estate == estate])
            if clash:
                errors.append(clash)
            else:
                rows.append(new)
        for error in errors:
            problems.add(number, error)
    problems.raise_if_any()
    return rows


def _overlap(new: ContractRow, stored: list[ServiceContract], earlier: list[ContractRow]) -> str | None:
    def overlaps(start, end):
        return start <= (new.end or dt.date.max) and new.start <= (end or dt.date.max)

    for contract in stored:
        if contract.start == new.start:
            if contract.firm_id != new.firm.pk:
                return f"该小区 {new.start} 起已登记为其他企业的合同"
            continue  # the same contract: the row may set its end
        if overlaps(contract.start, contract.end):
            return f"与已登记的合同（{contract.start} 至 {contract.end or '今'}）期限重叠"
    for other in earlier:
        if overlaps(other.start, other.end):
            return f"与第 {other.row} 行的合同期限重叠"
    return None


def _apply_contracts(rows: list[ContractRow], report: ImportReport, user) -> None:
    stored = {(c.estate_id, c.start): c for c in ServiceContract.objects.select_related("firm")}
    changed: list[ServiceContract] = []
    for row in rows:
        contract = stored.get((row.estate.pk, row.start))
        report.previews.append(
            row_preview(
                code=row.estate.code,
                name=row.estate.name,
                new=[row.firm.name, row.start, row.end, row.note],
                old=[contract.firm.name, contract.start, contract.end, contract.note] if contract else None,
            )
        )
        if contract is None:
            contract = ServiceContract.objects.create(
                estate=row.estate, firm=row.firm, start=row.start, end=row.end, note=row.note
            )
            _created(report, contract, f"{row.estate.code} 新增服务合同：{row.firm.name}，{row.start} 起")
            changed.append(contract)
        elif contract.end != row.end or contract.note != row.note:
            diff = {"end": [_plain(contract.end), _plain(row.end)], "note": [contract.note, row.note]}
            contract.end, contract.note = row.end, row.note
            contract.save(update_fields=["end", "note"])
            _updated(report, contract, diff, f"{row.estate.code} 更新合同（{row.start} 起）")
            changed.append(contract)
        else:
            report.unchanged += 1
    records_changed(estate_ids={c.estate_id for c in changed}, firm_ids={c.firm_id for c in changed})


# --- helpers ---------------------------------------------------------------------------------


def _created(report: ImportReport, instance, description: str) -> None:
    report.created += 1
    report.changes.append(description)
    log(instance=instance, action="wagtail.create")


def _updated(report: ImportReport, instance, diff: dict, description: str) -> None:
    report.updated += 1
    report.changes.append(description)
    log(instance=instance, action="wagtail.edit", data={"changes": diff})


def _plain(value):
    if value is None:
        return None
    if isinstance(value, Decimal | dt.date):
        return str(value)
    return value


def _label(model, field: str) -> str:
    return str(model._meta.get_field(field.removesuffix("_id")).verbose_name)


# --- the pages of estates and firms, kept in step with the records ------------------------------


# Pages indexed again per bulk write: a place renamed may touch thousands of estates.
INDEX_CHUNK = 200


def records_changed(*, estate_ids=(), firm_ids=(), progress=None) -> int:
    """The records of these estates or firms changed (an import, an editor's save, a contract made,
    changed or deleted, a street, community or group renamed): the cached pages that show them are
    retired (core.pagecache), each page with its tree, the directory that lists it, home and search,
    and their search entries made again (SPEC §11: saving or importing a record updates its entry).
    A firm's page lists the estates it manages and an estate's names its firm, so a contract touches
    both sides: every firm that ever had a contract with these estates goes with them.

    The pages render from the records, so they are retired first and show the change at once;
    search, which answers from the entries, is retired again once they are all written.
    `progress(done, total)` hears of each chunk. Returns the number of pages."""
    estate_ids, firm_ids = set(estate_ids), set(firm_ids)
    if estate_ids:
        firm_ids |= set(
            ServiceContract.objects.filter(estate_id__in=estate_ids).values_list("firm_id", flat=True)
        )
    sides = [
        (EstatePage, list(EstatePage.objects.filter(estate_id__in=estate_ids).values_list("pk", "url_path"))),
        (FirmPage, list(FirmPage.objects.filter(firm_id__in=firm_ids).values_list("pk", "url_path"))),
    ]
    pagecache.purge_pages([url_path for _, rows in sides for _, url_path in rows])
    total, done = sum(len(rows) for _, rows in sides), 0
    for model, rows in sides:
        ids = [pk for pk, _ in rows]
        for start in range(0, len(ids), INDEX_CHUNK):
            chunk_ids = ids[start : start + INDEX_CHUNK]
            chunk = list(model.get_indexed_objects().filter(pk__in=chunk_ids))
            for backend in get_search_backends(with_auto_update=True):
                backend.add_bulk(model, chunk)
            done += len(chunk_ids)
            if progress is not None:
                progress(done, total)
    if total:
        pagecache.purge(trees=["/search/"])
    return total


def directory_purge() -> None:
    """Retire the estate directory (with every filter) and home: they list the streets, communities
    and groups."""
    directory = EstateIndexPage.objects.values_list("url_path", flat=True).first()
    pagecache.purge(exact=["/", *filter(None, [pagecache.public_path(directory)])])


def slug_for(name: str, *, fallback: str, taken: set[str]) -> str:
    """A readable, stable ASCII slug: the pinyin of the name (枫林雅园 → fenglinyayuan)."""
    base = re.sub(r"[^a-z0-9]+", "-", "".join(lazy_pinyin(name)).lower()).strip("-")[:SLUG_MAX].strip("-")
    if not base:
        base = re.sub(r"[^a-z0-9]+", "-", fallback.lower()).strip("-") or "item"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


@transaction.atomic
def directory_pages_sync(*, estates=(), firms=(), user=None) -> int:
    """Create missing pages and keep titles in step with the registry. Slugs never change once
    made, so printed plates and QR codes keep working after a rename. Returns pages touched."""
    touched = 0
    touched += _sync(EstateIndexPage, EstatePage, "estate", estates, lambda e: e.code, user)
    touched += _sync(FirmIndexPage, FirmPage, "firm", firms, lambda f: f.credit_code, user)
    return touched


def _sync(index_model, page_model, attr, objects, fallback, user) -> int:
    objects = list({obj.pk: obj for obj in objects}.values())
    if not objects:
        return 0
    index = index_model.objects.first()
    if index is None:
        raise RuntimeError(f"{index_model._meta.verbose_name} 页面不存在：请先运行 migrate")
    existing = {
        getattr(p, f"{attr}_id"): p
        for p in page_model.objects.filter(**{f"{attr}__in": [o.pk for o in objects]})
    }
    taken = set(index.get_children().values_list("slug", flat=True))
    touched = 0
    changed: list[str] = []
    for obj in objects:
        page = existing.get(obj.pk)
        if page is None:
            page = page_model(title=obj.name, slug=slug_for(obj.name, fallback=fallback(obj), taken=taken))
            setattr(page, attr, obj)
            index.add_child(instance=page)
            index.numchild += 1  # add_child updates the database row, keep our copy in step
            log(instance=page, action="wagtail.create", user=user)
            touched += 1
        elif page.title != obj.name:
            old = page.title
            page.title = page.draft_title = obj.name
            page.save(update_fields=["title", "draft_title"])
            log(instance=page, action="wagtail.edit", user=user, data={"title": [old, obj.name]})
            touched += 1
        else:
            continue
        changed.append(page.url_path)
    # Made or renamed without a publication signal: retire the cached pages that list them (the
    # directory, search, home) and their own, as a publication would (core.pagecache).
    pagecache.purge_pages(changed)
    return touched
