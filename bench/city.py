"""A generated city for the benchmark: registry, contracts and months of scores, written in bulk.

Everything comes from one `random.Random(seed)`, so a seed gives the same city on every database.
The registry is written with `bulk_create`, the monthly rows with `executemany` (no per-row
saves, no signals, no Wagtail pages): the point is to time the engine and the imports, not the
generator. The spread is meant to look like a real
city: estates differ in quality (and by group), months drift, a few vetoes, a few months with a
criterion missing (not assessed), some firms much larger than others, and one estate in twenty
changes firm during the period.
"""

import csv
import datetime as dt
import functools
import io
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connections, router, transaction
from django.utils import timezone

from ratings import engine
from ratings.models import HotlineMonth, MonthlyScore, Scheme
from registry.credit_code import ALPHABET, make_code
from registry.models import Community, Estate, Firm, Group, ServiceContract, Street

# The five groups of migration 0002, with how each group's quality differs from the city's.
GROUP_SHIFT = {"商品房": 0.03, "老旧小区": -0.05, "房改房": -0.02, "保障房": 0.0, "回迁房": -0.01}
GROUP_WEIGHT = {"商品房": 45, "老旧小区": 20, "房改房": 15, "保障房": 10, "回迁房": 10}
ESTATES_PER_COMMUNITY = 25
COMMUNITIES_PER_STREET = 12
HANDOVER_EVERY = 20  # estate 3, 23, 43, … changes firm during the period
VETO_RATE = 0.001  # per estate-month
MISSING_RATE = 0.003  # per estate-month: one criterion not yet scored, so the month is not assessed
VETO_REASONS = ["发生较大安全生产事故", "小区党支部一票否决", "发生消防责任事故", "拒不整改重大安全隐患"]
SYLLABLES = "枫林雅园翠湖锦绣华庭金桂阳光绿城和平幸福康乐东方明珠春晓秋实溪山海棠紫薇".replace(" ", "")
BATCH = 2000
HOTLINE_FIELDS = ("received", "responded", "resolved", "surveyed", "satisfied")


@dataclass
class CitySize:
    estates: int = 10_000
    firms: int = 2_000
    months: int = 36
    first_month: str = "2023-01"
    seed: int = 20250101


@dataclass
class City:
    """What was generated, for the timed steps that follow."""

    size: CitySize
    months: list[str]
    estate_ids: list[int]
    estate_codes: list[str]
    quality: dict[int, float]  # estate id -> latent quality in [0.4, 1]
    households: dict[int, int]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def month_range(first: str, count: int) -> list[str]:
    year, month = engine.month_parts(first)
    result = []
    for _ in range(count):
        result.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def next_month(month: str) -> str:
    return month_range(month, 2)[1]


def last_full_quarter(months: list[str]) -> str:
    """The latest quarter whose three months were all generated (else the last month's quarter)."""
    present = set(months)
    for month in reversed(months):
        quarter = engine.quarter_of_month(month)
        if all(m in present for m in engine.quarter_months(quarter)):
            return quarter
    return engine.quarter_of_month(months[-1])


def _clamp(x: float, low: float = 0.0, high: float = 1.0) -> float:
    return low if x < low else high if x > high else x


def _name(rng: random.Random, suffix: str) -> str:
    return rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + suffix


def credit_code(n: int) -> str:
    """A valid, distinct credit code for firm n: 91 (enterprise) + a region + a 9-character body."""
    body = ""
    for _ in range(7):
        n, digit = divmod(n, len(ALPHABET))
        body = ALPHABET[digit] + body
    return make_code(f"91320100BC{body}")


def scheme_for(month: str) -> engine.Scheme:
    scheme = Scheme.objects.prefetch_related("criteria", "bands").for_quarter(engine.quarter_of_month(month))
    if scheme is None:
        raise SystemExit(f"no scheme covers {month}: run the migrations (0004 creates the demo scheme)")
    return scheme.to_engine()


def month_scores(rng: random.Random, scheme: engine.Scheme, quality: float, drift: float) -> dict[str, str]:
    """One month's criterion scores, as the import stores them: {code: "18.0"}."""
    scores = {}
    for criterion in scheme.criteria:
        if criterion.code == scheme.hotline_code:
            continue
        share = _clamp(quality + drift + rng.gauss(0, 0.06))
        value = (criterion.max * Decimal(str(round(share, 3)))).quantize(Decimal("0.1"))
        scores[criterion.code] = str(min(value, criterion.max))
    return scores


def hotline_figures(rng: random.Random, quality: float, households: int) -> dict[str, int]:
    """Complaints grow with size and shrink with quality; rates follow quality. Always valid."""
    mean = households / 400 * (1.6 - quality)
    received = int(rng.expovariate(1 / mean)) if mean > 0 else 0
    responded = round(received * _clamp(quality + 0.12 + rng.gauss(0, 0.05)))
    resolved = round(received * _clamp(quality + rng.gauss(0, 0.08)))
    surveyed = round(resolved * rng.uniform(0.6, 1.0))
    satisfied = round(surveyed * _clamp(quality + rng.gauss(0, 0.08)))
    return {
        "received": received,
        "responded": responded,
        "resolved": resolved,
        "surveyed": surveyed,
        "satisfied": satisfied,
    }


PREPARED = {"JSONField", "DateTimeField", "DateField", "DecimalField"}


def _preparer(field, connection):
    def prepare(value):
        return field.get_db_prep_save(value, connection)

    # A JSON value is a dict (unhashable, different per row); the others repeat: prepare once.
    return prepare if field.get_internal_type() == "JSONField" else functools.lru_cache(maxsize=64)(prepare)


def _insert_rows(model, fields: list[str], rows: list[tuple]) -> int:
    """INSERT rows (values in the order of `fields`) with one executemany per batch.

    `bulk_create` costs ~0.2 ms a row in model instances and per-value preparation: 2½ minutes
    for the 720,000 monthly rows. Here only the values that need it are prepared (JSON,
    datetimes), once per distinct datetime, so the generator takes seconds on SQLite and
    PostgreSQL alike. The rows are exactly what `bulk_create` would write.
    """
    connection = connections[router.db_for_write(model)]
    qn = connection.ops.quote_name
    concrete = [model._meta.get_field(name) for name in fields]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(model._meta.db_table), ", ".join(qn(f.column) for f in concrete), ", ".join(["%s"] * len(concrete))
    )
    prepare = {
        i: _preparer(f, connection) for i, f in enumerate(concrete) if f.get_internal_type() in PREPARED
    }
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH * 5):
            batch = rows[start : start + BATCH * 5]
            if prepare:
                batch = [
                    tuple(prepare[i](v) if i in prepare else v for i, v in enumerate(row)) for row in batch
                ]
            cursor.executemany(sql, batch)
    return len(rows)


@transaction.atomic
def build(size: CitySize) -> City:
    """Write the whole city; returns what the timed steps need. Expects an empty registry."""
    rng = random.Random(size.seed)
    months = month_range(size.first_month, size.months)
    first_day = engine.month_bounds(months[0])[0]
    last_day = engine.month_bounds(months[-1])[1]
    now = timezone.now()
    counts: dict[str, int] = {}

    groups = {}
    for order, name in enumerate(GROUP_SHIFT):
        groups[name], _ = Group.objects.get_or_create(name=name, defaults={"sort_order": order})

    # Streets and communities: enough communities for ~25 estates each.
    n_communities = max(1, -(-size.estates // ESTATES_PER_COMMUNITY))
    n_streets = max(1, -(-n_communities // COMMUNITIES_PER_STREET))
    Street.objects.bulk_create([Street(name=f"基准第{i + 1}街道") for i in range(n_streets)])
    streets = list(Street.objects.filter(name__startswith="基准第").order_by("pk"))
    Community.objects.bulk_create(
        [Community(street=streets[i % n_streets], name=f"基准第{i + 1}社区") for i in range(n_communities)],
        batch_size=BATCH,
    )
    communities = list(Community.objects.filter(name__startswith="基准第").order_by("pk"))
    counts["streets"], counts["communities"] = len(streets), len(communities)

    # Firms: distinct valid credit codes.
    Firm.objects.bulk_create(
        [
            Firm(
                name=_name(rng, f"物业服务有限公司（基准{i + 1}）"),
                credit_code=credit_code(i),
                phone="0000-0000000",
            )
            for i in range(size.firms)
        ],
        batch_size=BATCH,
    )
    firm_ids = list(
        Firm.objects.filter(credit_code__startswith="91320100BC").order_by("pk").values_list("pk", flat=True)
    )
    counts["firms"] = len(firm_ids)
    # A few large firms and a long tail, as in a real city.
    firm_weights = [1 / (i + 1) ** 0.7 for i in range(len(firm_ids))]

    # Estates.
    group_names = list(GROUP_WEIGHT)
    group_weights = [GROUP_WEIGHT[g] for g in group_names]
    estates, group_of = [], {}
    for i in range(size.estates):
        code = f"E{i + 1:05d}"
        community = communities[i // ESTATES_PER_COMMUNITY % len(communities)]
        group = rng.choices(group_names, group_weights)[0]
        households = int(_clamp(rng.lognormvariate(6.4, 0.6), 60, 6000))
        group_of[code] = group
        estates.append(
            Estate(
                code=code,
                name=_name(rng, f"{'苑园庭府城'[i % 5]}{i + 1}号"),
                street_id=community.street_id,
                community=community,
                group=groups[group],
                households=households,
                floor_area=Decimal(households * rng.randint(70, 130)).quantize(Decimal("0.01")),
                build_year=rng.randint(1980, 1999)
                if group in {"老旧小区", "房改房"}
                else rng.randint(1995, 2023),
            )
        )
    Estate.objects.bulk_create(estates, batch_size=BATCH)
    estate_rows = list(
        Estate.objects.filter(code__startswith="E").order_by("code").values_list("pk", "code", "households")
    )
    estate_ids = [pk for pk, _, _ in estate_rows]
    households = {pk: h for pk, _, h in estate_rows}
    quality = {
        pk: _clamp(rng.gauss(0.86, 0.065) + GROUP_SHIFT[group_of[code]], 0.4, 1.0)
        for pk, code, _ in estate_rows
    }
    counts["estates"] = len(estate_ids)

    # Contracts: one per estate; every HANDOVER_EVERY-th estate changes firm during the period.
    contracts, by_estate = [], {}
    for index, pk in enumerate(estate_ids):
        firm = rng.choices(firm_ids, firm_weights)[0]
        start = dt.date(rng.randint(2015, 2022), rng.randint(1, 12), 1)
        if index % HANDOVER_EVERY == 3 and len(firm_ids) > 1:
            span = (last_day - first_day).days
            handover = first_day + dt.timedelta(days=rng.randint(span // 4, 3 * span // 4))
            successor = firm_ids[(firm_ids.index(firm) + rng.randint(1, len(firm_ids) - 1)) % len(firm_ids)]
            pair = [
                ServiceContract(estate_id=pk, firm_id=firm, start=start, end=handover - dt.timedelta(days=1)),
                ServiceContract(estate_id=pk, firm_id=successor, start=handover, note="基准：期中更换物业"),
            ]
        else:
            pair = [ServiceContract(estate_id=pk, firm_id=firm, start=start)]
        contracts += pair
        by_estate[pk] = [engine.Contract(str(c.firm_id), c.start, c.end) for c in pair]
    ServiceContract.objects.bulk_create(contracts, batch_size=BATCH)
    counts["contracts"] = len(contracts)

    # Months: scores and 12345 figures for every estate, one month at a time (bounded memory).
    # These two tables are 97% of the rows: they go in with executemany (see _insert_rows).
    counts["monthly scores"] = counts["hotline months"] = 0
    for month in months:
        scheme = scheme_for(month)
        city_drift = rng.gauss(0, 0.015)
        scores, hotline = [], []
        for pk in estate_ids:
            q = quality[pk]
            drift = city_drift + rng.gauss(0, 0.03)
            values = month_scores(rng, scheme, q, drift)
            if rng.random() < MISSING_RATE:
                values.pop(rng.choice(sorted(values)))
            veto = rng.random() < VETO_RATE * (2.2 - 2 * q) / 0.5
            contracts_of = by_estate[pk]
            firm = contracts_of[0].firm if len(contracts_of) == 1 else engine.month_firm(contracts_of, month)
            reason = rng.choice(VETO_REASONS) if veto else ""
            scores.append((pk, month, values, veto, reason, int(firm) if firm else None, now, now))
            figures = hotline_figures(rng, q, households[pk])
            hotline.append((pk, month, *(figures[f] for f in HOTLINE_FIELDS), now))
        counts["monthly scores"] += _insert_rows(
            MonthlyScore,
            ["estate", "month", "scores", "veto", "veto_reason", "firm", "imported_at", "updated_at"],
            scores,
        )
        counts["hotline months"] += _insert_rows(
            HotlineMonth, ["estate", "month", *HOTLINE_FIELDS, "imported_at"], hotline
        )

    return City(
        size=size,
        months=months,
        estate_ids=estate_ids,
        estate_codes=[code for _, code, _ in estate_rows],
        quality=quality,
        households=households,
        counts=counts,
    )


# --- import files ---------------------------------------------------------------------------


def scores_csv(city: City, month: str, *, seed: int, shift: float = 0.0) -> bytes:
    """A whole month's scores file for every estate, as an editor would upload it (UTF-8 with BOM).

    `shift` moves every estate's quality, so that a second file for the same month changes rows.
    """
    rng = random.Random(seed)
    scheme = scheme_for(month)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["estate_code", *scheme.scored_codes, "veto", "veto_reason"])
    for pk, code in zip(city.estate_ids, city.estate_codes, strict=True):
        q = _clamp(city.quality[pk] + shift, 0.4, 1.0)
        values = month_scores(rng, scheme, q, rng.gauss(0, 0.03))
        veto = rng.random() < VETO_RATE * 3
        writer.writerow(
            [
                code,
                *(values[c] for c in scheme.scored_codes),
                "1" if veto else "",
                rng.choice(VETO_REASONS) if veto else "",
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def hotline_csv(city: City, month: str, *, seed: int) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["estate_code", *HOTLINE_FIELDS])
    for pk, code in zip(city.estate_ids, city.estate_codes, strict=True):
        figures = hotline_figures(rng, city.quality[pk], city.households[pk])
        writer.writerow([code, *(figures[f] for f in HOTLINE_FIELDS)])
    return out.getvalue().encode("utf-8-sig")
