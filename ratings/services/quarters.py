"""Computing a quarter (SPEC §3, §9): data in, engine, provisional grades stored."""

from django.db import transaction
from django.utils import timezone

from wagtail.log_actions import log

from ratings import documents, engine, selectors
from ratings.importing import ImportRefused
from ratings.models import Estate, Firm, QuarterComputation, QuarterGrade, Scheme


def quarter_result(*, quarter: str) -> tuple[engine.Scheme, engine.QuarterResult, dict, dict]:
    """Grade a quarter from the stored data without writing anything."""
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
    result = engine.grade_quarter(scheme, quarter=quarter, estates=inputs, previous=previous)
    return scheme, result, estates, firms


@transaction.atomic
def quarter_compute(*, quarter: str, user=None) -> QuarterComputation:
    """Store the provisional grades of a quarter, replacing an earlier computation of it.

    Refused for a released quarter unless a correction is open (SPEC §9).
    """
    if reason := selectors.quarter_lock_reason(quarter):
        raise ImportRefused(message=reason)
    scheme, result, estates, firms = quarter_result(quarter=quarter)
    document = documents.quarter_document(scheme=scheme, result=result, estates=estates, firms=firms)
    scheme_model = Scheme.objects.get(code=scheme.code, version=scheme.version)
    computation, _ = QuarterComputation.objects.update_or_create(
        quarter=quarter,
        defaults={
            "scheme": scheme_model,
            "computed_at": timezone.now(),
            "computed_by": user,
            "document": document,
        },
    )
    QuarterGrade.objects.filter(quarter=quarter).delete()
    estate_ids = dict(Estate.objects.values_list("code", "pk"))
    firm_ids = dict(Firm.objects.values_list("credit_code", "pk"))
    QuarterGrade.objects.bulk_create(
        [
            QuarterGrade(
                computation=computation,
                quarter=quarter,
                estate_id=estate_ids[row["estate_code"]],
                firm_id=firm_ids.get(row["firm_credit_code"]),
                band=row["band"],
                score=row["score"],
                months_assessed=row["months_assessed"],
                vetoed=row["vetoed"],
                rank_in_group=row["rank_in_group"],
                rank_overall=row["rank_overall"],
                # The flat columns only: the months stay in the computation's document.
                row={key: value for key, value in row.items() if key != "months"},
            )
            for row in document["estates"]
        ],
        batch_size=1000,
    )
    bands = {}
    for row in document["estates"]:
        bands[row["band"]] = bands.get(row["band"], 0) + 1
    log(instance=computation, action="ratings.compute", user=user, data={"quarter": quarter, "bands": bands})
    return computation
