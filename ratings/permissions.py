"""Per-firm object permissions in the admin (SPEC §1, §12 Security).

A firm's users are the members of its `Firm.account_group`. Such a user sees an estate-month record
(a monthly score, a month of 12345 figures) only when that estate was managed by their firm in that
month: a service contract of the firm overlaps the month, or, for a score, the score was stored with
the firm as the firm of that month. Editors, the committee and superusers see every row.

Imported data is read-only in the admin for everyone: changes arrive through imports (and, later,
corrections and appeals), which write the audit log, so the policy grants no add/change/delete.

Firm users get "view" from being a firm's user, not from the Django permission `view_<model>`:
Wagtail reads that permission as "may see every row" in places this policy does not reach (the
site-history report lists the audit entries of every model the user has any permission on, old
and new values included). So the 物业企业 group holds no score permission, and must not be given one.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from wagtail.permission_policies import ModelPermissionPolicy

from registry.models import ServiceContract
from registry.permissions import user_firm_ids, user_is_firm_scoped

READ_ONLY_ACTIONS = {"view"}


def _month_text(day) -> str:
    return day.isoformat()[:7]


def firm_estate_months_q(firm_ids) -> Q:
    """A filter on (estate, month) rows: the estate was under contract with one of the firms that month.

    Months are stored as 'YYYY-MM' text, which sorts like the months, so a contract from 2021-01-01
    to 2025-08-15 covers the months '2021-01' … '2025-08' on every database. A firm has few
    contracts, so one clause per contract stays small.
    """
    clauses = Q(pk__in=[])
    for estate_id, start, end in ServiceContract.objects.filter(firm_id__in=firm_ids).values_list(
        "estate_id", "start", "end"
    ):
        clause = Q(estate_id=estate_id, month__gte=_month_text(start))
        if end is not None:
            clause &= Q(month__lte=_month_text(end))
        clauses |= clause
    return clauses


class FirmScopedEstateMonthPolicy(ModelPermissionPolicy):
    """Model permissions for estate-month records, narrowed to a firm's own rows for firm users.

    `by_firm_field` names a field holding the firm of that month (MonthlyScore.firm); rows carrying
    one of the user's firms there are theirs too, even if the contract history is later corrected.
    """

    def __init__(self, model, *, by_firm_field: str | None = None):
        super().__init__(model)
        self.by_firm_field = by_firm_field

    # Model-level checks -----------------------------------------------------------------------

    def user_has_permission(self, user, action):
        if action not in READ_ONLY_ACTIONS:
            return False
        return super().user_has_permission(user, action) or user_is_firm_scoped(user)

    def users_with_any_permission(self, actions):
        actions = [a for a in actions if a in READ_ONLY_ACTIONS]
        User = get_user_model()
        if not actions:
            return User.objects.none()
        users = super().users_with_any_permission(actions)
        firm_users = User.objects.filter(is_active=True, groups__firm__isnull=False)
        return User.objects.filter(Q(pk__in=users.values("pk")) | Q(pk__in=firm_users.values("pk")))

    # Instance-level checks --------------------------------------------------------------------

    def _scope_q(self, user) -> Q:
        # Built once per request user: the index, its filters and its counts all narrow by it.
        cache = getattr(user, "_ratings_scope_q", None)
        if cache is None:
            cache = user._ratings_scope_q = {}
        if self.model not in cache:
            firm_ids = user_firm_ids(user)
            q = firm_estate_months_q(firm_ids)
            if self.by_firm_field:
                q |= Q(**{f"{self.by_firm_field}__in": firm_ids})
            cache[self.model] = q
        return cache[self.model]

    def scope_queryset(self, user, queryset: QuerySet) -> QuerySet:
        """Narrow any queryset of the model to the rows this user may see."""
        if not user_is_firm_scoped(user):
            return queryset
        return queryset.filter(self._scope_q(user))

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return self.scope_queryset(user, self.model._default_manager.all())

    def firms_of_instance(self, instance) -> set[int]:
        """The firms whose users may see this row: those managing the estate in its month."""
        firms = {
            firm_id
            for firm_id, start, end in ServiceContract.objects.filter(
                estate_id=instance.estate_id
            ).values_list("firm_id", "start", "end")
            if _month_text(start) <= instance.month and (end is None or instance.month <= _month_text(end))
        }
        if self.by_firm_field and (firm_id := getattr(instance, f"{self.by_firm_field}_id")):
            firms.add(firm_id)
        return firms

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if not user_is_firm_scoped(user):
            return True
        return bool(user_firm_ids(user) & self.firms_of_instance(instance))

    def users_with_any_permission_for_instance(self, actions, instance):
        # Everyone with the permission who is not a firm user, plus the users of this row's firms.
        users = self.users_with_any_permission(actions)
        firm_users = users.filter(is_superuser=False, groups__firm__isnull=False)
        own_firm_users = firm_users.filter(groups__firm__in=self.firms_of_instance(instance))
        return users.exclude(pk__in=firm_users.exclude(pk__in=own_firm_users))


class AppealPermissionPolicy(ModelPermissionPolicy):
    """Appeals (SPEC §4): a firm's users see and file their firm's appeals; editors decide.

    - "view": editors and the committee by `ratings.view_appeal` (every appeal); a firm's users by
      being its users, and then only appeals filed by their firm (another firm's appeal is a 404).
    - "add": a firm's users only; filing is the firm's act, and `appeal_submit` checks the score.
    - "decide": `ratings.decide_appeal` (editors, superusers); never a firm-scoped user.
    - Nobody changes or deletes an appeal in the admin: the record is the public register.
    """

    ACTIONS = {"view", "add", "decide"}

    def user_has_permission(self, user, action):
        if action not in self.ACTIONS or not user.is_active:
            return False
        if user_is_firm_scoped(user):
            return action in {"view", "add"}
        if action == "add":
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        User = get_user_model()
        actions = [a for a in actions if a in self.ACTIONS]
        users = super().users_with_any_permission([a for a in actions if a != "add"])
        users = users.exclude(groups__firm__isnull=False, is_superuser=False)
        if {"view", "add"} & set(actions):
            firm_users = User.objects.filter(is_active=True, is_superuser=False, groups__firm__isnull=False)
            return User.objects.filter(Q(pk__in=users.values("pk")) | Q(pk__in=firm_users.values("pk")))
        return users

    def scope_queryset(self, user, queryset: QuerySet) -> QuerySet:
        if not user_is_firm_scoped(user):
            return queryset
        return queryset.filter(firm_id__in=user_firm_ids(user))

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return self.scope_queryset(user, self.model._default_manager.all())

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if not user_is_firm_scoped(user):
            return True
        return action == "view" and instance.firm_id in user_firm_ids(user)

    def users_with_any_permission_for_instance(self, actions, instance):
        users = self.users_with_any_permission([a for a in actions if a != "add"])
        other_firms = users.filter(is_superuser=False, groups__firm__isnull=False).exclude(
            groups__firm=instance.firm_id
        )
        return users.exclude(pk__in=other_firms.values("pk"))
