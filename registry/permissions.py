"""Firm membership (SPEC §1): a firm's users are the members of its account group, and such a user
reaches only that firm's records in the admin, whatever else they hold."""

from registry.models import Firm


def user_firm_ids(user) -> frozenset[int]:
    """The firms whose account group the user belongs to (cached on the user for the request)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_ratings_firm_ids", None)
    if cached is None:
        cached = frozenset(Firm.objects.filter(account_group__user=user).values_list("pk", flat=True))
        user._ratings_firm_ids = cached
    return cached


def user_is_firm_scoped(user) -> bool:
    """A member of any firm's account group sees only that firm's records, whatever else they hold.

    Least privilege: a user who is both in a firm group and in, say, the committee still sees only
    their firm's rows; superusers are never scoped.
    """
    return not user.is_superuser and bool(user_firm_ids(user))
