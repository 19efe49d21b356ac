from .pages import QuarterPage, RatingIndexPage
from .publication import (
    Appeal,
    AppealEvidence,
    AppendOnlyError,
    Correction,
    Release,
    ReleaseRow,
    ReleaseSummary,
)
from .scheme import Scheme, SchemeBand, SchemeCriterion
from .scores import HotlineMonth, ImportBatch, MonthlyScore, QuarterComputation, QuarterGrade

__all__ = [
    "Appeal",
    "AppealEvidence",
    "AppendOnlyError",
    "Correction",
    "Release",
    "ReleaseRow",
    "ReleaseSummary",
    "HotlineMonth",
    "ImportBatch",
    "MonthlyScore",
    "QuarterPage",
    "RatingIndexPage",
    "QuarterComputation",
    "QuarterGrade",
    "Scheme",
    "SchemeBand",
    "SchemeCriterion",
]
