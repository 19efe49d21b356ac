from .registry import Community, Estate, Firm, Group, ServiceContract, Street

__all__ = ["Community", "Estate", "Firm", "Group", "ServiceContract", "Street"]
