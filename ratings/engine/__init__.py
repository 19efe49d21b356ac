"""The rating rules of SPEC §3 as a pure engine: typed values in, typed values out.

No Django, no database, no floats. Every number comes from a :class:`Scheme`; all rounding is
``ROUND_HALF_UP`` on exact rationals, so a figure that is exactly ``x.x5`` always rounds up
(binary floats would sometimes round it down). The Django services build the inputs from models and
store the outputs; the public open data (SPEC §8) is a rendering of :class:`QuarterResult`.

Modules: `scheme` (criteria, bands, consequences, exact rounding), `hotline` (12345 figures and
the hotline criterion), `grading` (months, estates, ranks, the quarter, firms of a period) and
`calendar` (months and quarters). Callers use the names re-exported here.
"""

from ratings.engine.calendar import (
    MONTH_PATTERN,
    QUARTER_PATTERN,
    QUARTER_SLUG_PATTERN,
    is_month,
    is_quarter,
    month_bounds,
    month_label,
    month_parts,
    next_quarter,
    previous_quarter,
    quarter_bounds,
    quarter_label,
    quarter_months,
    quarter_of_month,
    quarter_slug,
)
from ratings.engine.grading import (
    Contract,
    EstateGrade,
    EstateInput,
    ExitWarning,
    FirmSummary,
    ListEntry,
    MonthInput,
    MonthResult,
    PreviousGrade,
    QuarterResult,
    competition_ranks,
    estate_reference,
    firm_for_period,
    grade_estate,
    grade_quarter,
    month_evaluate,
    month_firm,
    quarter_firm,
)
from ratings.engine.hotline import (
    HotlineFigures,
    complaints_per_1000,
    hotline_errors,
    hotline_score,
    score_errors,
)
from ratings.engine.scheme import (
    DEFAULT_HOTLINE_WEIGHTS,
    PENDING_BAND,
    PENDING_LABEL,
    Band,
    Consequence,
    Criterion,
    Scheme,
    band_for,
    demo_scheme,
)

__all__ = [
    "Band",
    "Consequence",
    "Contract",
    "Criterion",
    "DEFAULT_HOTLINE_WEIGHTS",
    "EstateGrade",
    "EstateInput",
    "ExitWarning",
    "FirmSummary",
    "HotlineFigures",
    "ListEntry",
    "MONTH_PATTERN",
    "MonthInput",
    "MonthResult",
    "PENDING_BAND",
    "PENDING_LABEL",
    "PreviousGrade",
    "QUARTER_PATTERN",
    "QUARTER_SLUG_PATTERN",
    "QuarterResult",
    "Scheme",
    "band_for",
    "competition_ranks",
    "complaints_per_1000",
    "estate_reference",
    "demo_scheme",
    "firm_for_period",
    "grade_estate",
    "grade_quarter",
    "hotline_errors",
    "hotline_score",
    "is_month",
    "is_quarter",
    "month_bounds",
    "month_evaluate",
    "month_firm",
    "month_label",
    "month_parts",
    "next_quarter",
    "previous_quarter",
    "quarter_bounds",
    "quarter_firm",
    "quarter_label",
    "quarter_months",
    "quarter_of_month",
    "quarter_slug",
    "score_errors",
]
