"""Each stored month's result per SPEC §3 (criteria including the 12345 one, and the total), for the
listings that show months: a fixed number of queries for a page of rows."""

from decimal import Decimal

from ratings import engine
from ratings.models.scheme import Scheme
from ratings.models.scores import HotlineMonth, MonthlyScore


def _schemes_by_quarter(quarters) -> dict[str, engine.Scheme | None]:
    """The scheme in force in each quarter (the newest effective from it or earlier), in one go."""
    schemes = list(
        Scheme.objects.prefetch_related("criteria", "bands").order_by("-effective_from", "-version")
    )
    result = {}
    for quarter in quarters:
        scheme = next((s for s in schemes if s.effective_from <= quarter), None)
        try:
            result[quarter] = scheme.to_engine() if scheme else None
        except ValueError:  # an inconsistent scheme: show the raw scores, no total
            result[quarter] = None
    return result


def month_results_attach(scores: list[MonthlyScore]) -> None:
    """Give each score its month result per SPEC §3 (criteria incl. the 12345 one, total).

    A fixed number of queries for a page of rows: the 12345 figures, then the schemes.
    """
    hotline = {
        (h.estate_id, h.month): engine.HotlineFigures(
            h.received, h.responded, h.resolved, h.surveyed, h.satisfied
        )
        for h in HotlineMonth.objects.filter(
            estate_id__in={s.estate_id for s in scores}, month__in={s.month for s in scores}
        )
    }
    schemes = _schemes_by_quarter({engine.quarter_of_month(s.month) for s in scores})
    for score in scores:
        score.month_result = None
        scheme = schemes[engine.quarter_of_month(score.month)]
        if scheme is None:
            continue
        try:
            score.month_result = engine.month_evaluate(
                scheme,
                engine.MonthInput(
                    month=score.month,
                    scores={code: Decimal(value) for code, value in score.scores.items()},
                    hotline=hotline.get((score.estate_id, score.month)),
                    veto=score.veto,
                    veto_reason=score.veto_reason,
                ),
            )
        except (ValueError, ArithmeticError):
            score.month_result = None
