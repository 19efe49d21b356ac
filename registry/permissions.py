"""Firm membership (SPEC §1): a firm's users are the members of its account group, and such a user
reaches only that firm's records in the admin, whatever else they hold."""

from registry.models import Firm

# The street office's staff (SPEC §1): the group portal.roles grants the editors' rights to.
EDITORS_GROUP = "编辑"


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


def user_is_editor(user) -> bool:
    """A member of the editors' group, or a superuser (cached on the user for the request)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_portal_is_editor", None)
    if cached is None:
        cached = user.groups.filter(name=EDITORS_GROUP).exists()
        user._portal_is_editor = cached
    return cached
