"""Computing a quarter (SPEC §3, §9): data in, engine, provisional grades stored."""

from django.db import transaction
from django.utils import timezone

from wagtail.log_actions import log

from core.bulk import insert_rows
from core.errors import ImportRefused
from ratings import engine, opendata, selectors
from ratings.models import QuarterComputation, QuarterGrade, Scheme
from registry.models import Estate, Firm


def _quarter_inputs(quarter: str):
    """Everything a quarter is graded from, and the digest of it all: the scheme in force, the
    estates' months and contracts, and the previous quarter's grades (for the two-quarter rules)."""
    scheme_model = Scheme.objects.prefetch_related("criteria", "bands").for_quarter(quarter)
    if scheme_model is None:
        raise ImportRefused(message=f"{quarter} 没有适用的考核方案")
    scheme = scheme_model.to_engine()
    inputs, estates, firms = selectors.quarter_inputs(quarter)
    previous = selectors.previous_grades(quarter)
    if previous is None:
        # The previous quarter was never computed: grade it in memory for the two-quarter rules.
        prev_q = engine.previous_quarter(quarter)
        prev_inputs, _, _ = selectors.quarter_inputs(prev_q)
        prev_result = engine.grade_quarter(scheme, quarter=prev_q, estates=prev_inputs)
        previous = {g.code: engine.PreviousGrade(g.band, g.firm) for g in prev_result.grades}
    digest = opendata.inputs_digest(
        scheme=scheme, estates=inputs, info=estates, firms=firms, previous=dict(sorted(previous.items()))
    )
    return scheme, inputs, estates, firms, previous, digest


def quarter_result(*, quarter: str) -> tuple[engine.Scheme, engine.QuarterResult, dict, dict, str]:
    """Grade a quarter from the stored data without writing anything; also the digest of the inputs."""
    scheme, inputs, estates, firms, previous, digest = _quarter_inputs(quarter)
    names = {code: info["estate_name"] for code, info in estates.items()}
    result = engine.grade_quarter(scheme, quarter=quarter, estates=inputs, previous=previous, names=names)
    return scheme, result, estates, firms, digest


COMPUTE_STEPS = 3


def quarter_compute(*, quarter: str, user=None, progress=None) -> QuarterComputation:
    """Store the provisional grades of a quarter, replacing an earlier computation of it.

    Refused while the quarter is in review, and for a released quarter unless a correction is
    open (SPEC §4, §9). The inputs are read and graded first, then written in one transaction that
    checks the lock again, so a quarter locked meanwhile is never overwritten. The stored inputs
    digest is the digest of exactly what was graded: data imported during the computation make it
    differ, and submission computes again (`quarter_freeze`).

    `progress(done, total, message)`, if given, hears each of the `COMPUTE_STEPS` steps (a
    background job shows them); it is called outside the write transaction, so a job's progress is
    seen while the quarter is being written.
    """
    report = progress or _silent
    if reason := selectors.quarter_lock_reason(quarter):
        raise ImportRefused(message=reason)
    report(0, COMPUTE_STEPS, f"正在读取 {quarter} 的考核数据")
    scheme, result, estates, firms, inputs_digest = quarter_result(quarter=quarter)
    report(1, COMPUTE_STEPS, f"已按评分办法评定 {len(result.grades)} 个小区，正在生成结果文档")
    document = opendata.quarter_document(scheme=scheme, result=result, estates=estates, firms=firms)
    report(2, COMPUTE_STEPS, f"正在保存 {len(document['estates'])} 个小区的暂定结果")
    with transaction.atomic():
        if reason := selectors.quarter_lock_reason(quarter):
            raise ImportRefused(message=reason)
        computation = _store(
            quarter=quarter, user=user, scheme=scheme, document=document, inputs_digest=inputs_digest
        )
    report(
        COMPUTE_STEPS,
        COMPUTE_STEPS,
        f"已计算 {quarter} 的暂定结果：{len(document['estates'])} 个小区（尚未公开）",
    )
    return computation


def _silent(done, total=None, message=""):
    return None


@transaction.atomic
def quarter_freeze(*, quarter: str, user=None) -> QuarterComputation:
    """Submitting to the committee freezes the computation (SPEC §4), with the digests of its inputs
    and of its document. A quarter is computed once on its way to release: the stored computation
    is frozen as it is when the data it was made from are unchanged (same inputs digest), and
    computed afresh only when they changed since. From then on the quarter's data are locked
    (`quarter_lock_reason`) until the committee asks for changes, and approval copies exactly
    this document into the release.
    """
    if reason := selectors.quarter_release_lock_reason(quarter):
        raise ImportRefused(message=reason)
    computation = QuarterComputation.objects.filter(quarter=quarter).first()
    if computation is None or computation.inputs_digest != _quarter_inputs(quarter)[-1]:
        computation = _compute(quarter=quarter, user=user)
    computation.frozen_at = timezone.now()
    computation.frozen_by = user
    computation.save(update_fields=["frozen_at", "frozen_by"])
    log(
        instance=computation,
        action="ratings.freeze",
        user=user,
        data={
            "quarter": quarter,
            "inputs_digest": computation.inputs_digest,
            "document_digest": computation.document_digest,
        },
    )
    return computation


def _compute(*, quarter: str, user) -> QuarterComputation:
    scheme, result, estates, firms, inputs_digest = quarter_result(quarter=quarter)
    document = opendata.quarter_document(scheme=scheme, result=result, estates=estates, firms=firms)
    return _store(quarter=quarter, user=user, scheme=scheme, document=document, inputs_digest=inputs_digest)


def _store(*, quarter: str, user, scheme, document: dict, inputs_digest: str) -> QuarterComputation:
    scheme_model = Scheme.objects.get(code=scheme.code, version=scheme.version)
    computation, _ = QuarterComputation.objects.update_or_create(
        quarter=quarter,
        defaults={
            "scheme": scheme_model,
            "computed_at": timezone.now(),
            "computed_by": user,
            "document": document,
            "inputs_digest": inputs_digest,
            "document_digest": opendata.digest_of(document),
            "frozen_at": None,
            "frozen_by": None,
        },
    )
    QuarterGrade.objects.filter(quarter=quarter).delete()
    insert_rows(
        QuarterGrade,
        (
            QuarterGrade(
                computation=computation,
                quarter=quarter,
                months_assessed=row["months_assessed"],
                vetoed=row["vetoed"],
                # The flat columns only: the months stay in the computation's document.
                row={key: value for key, value in row.items() if key != "months"},
                **columns,
            )
            for row, columns in grade_rows(document)
        ),
    )
    bands = {}
    for row in document["estates"]:
        bands[row["band"]] = bands.get(row["band"], 0) + 1
    log(instance=computation, action="ratings.compute", user=user, data={"quarter": quarter, "bands": bands})
    return computation


def grade_rows(document: dict) -> list[tuple[dict, dict]]:
    """Each estate row of a quarter document with the columns that the provisional grades
    (`QuarterGrade`) and a release's rows (`ReleaseRow`) both store for filtering and sorting:
    one builder for both, so a release's columns are the frozen grades' columns. Two queries."""
    codes = [row["estate_code"] for row in document["estates"]]
    estate_ids = dict(Estate.objects.filter(code__in=codes).values_list("code", "pk"))
    firm_ids = dict(Firm.objects.values_list("credit_code", "pk"))
    return [
        (
            row,
            {
                "estate_id": estate_ids[row["estate_code"]],
                "firm_id": firm_ids.get(row["firm_credit_code"]),
                "band": row["band"],
                "score": row["score"],
                "rank_in_group": row["rank_in_group"],
                "rank_overall": row["rank_overall"],
            },
        )
        for row in document["estates"]
    ]
