from .pages import EstateIndexPage, EstatePage, FirmIndexPage, FirmPage
from .records import Community, Estate, Firm, Group, ServiceContract, Street

__all__ = [
    "Community",
    "Estate",
    "EstateIndexPage",
    "EstatePage",
    "Firm",
    "FirmIndexPage",
    "FirmPage",
    "Group",
    "ServiceContract",
    "Street",
]
