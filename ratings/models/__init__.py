from .registry import Community, Estate, Firm, Group, ServiceContract, Street
from .scheme import Scheme, SchemeBand, SchemeCriterion
from .scores import HotlineMonth, ImportBatch, MonthlyScore, QuarterComputation, QuarterGrade

__all__ = [
    "Community",
    "Estate",
    "Firm",
    "Group",
    "HotlineMonth",
    "ImportBatch",
    "MonthlyScore",
    "QuarterComputation",
    "QuarterGrade",
    "Scheme",
    "SchemeBand",
    "SchemeCriterion",
    "ServiceContract",
    "Street",
]
