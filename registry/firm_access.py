"""Which firm may act on a page today (SPEC §1, §5, §12): the per-firm object permission of the
page types that firms keep (a disclosure follows the estate's service contracts; a case belongs to
one firm).

The authority is computed when a request asks, from the records (contracts, a case's firm), never
from stored grants: a handover takes effect on the contract date with no job running, and the old
firm keeps access to nothing. A firm's users hold no GroupPagePermission at all; what they may do
comes only from here.

API (small on purpose):

- `FirmOwnedPage` — mix into a page model and implement two methods:
  - `owner_firm_ids(self, *, on: date) -> frozenset[int]`: the firms that may act on this page on
    that day (Asia/Shanghai date);
  - `firm_owned_pages(cls, firm_ids, *, on: date) -> QuerySet` (classmethod): the pages of this
    model those firms may act on that day — the same rule as a query, for listings.
- `firm_page_ids(user, *, on=None) -> frozenset[int]`: the pages of every firm-owned type that the
  user's firms may act on (today by default); cached on the user for the request.
- `user_may_act_on(user, page, *, on=None) -> bool`: whether a firm user may edit this page.

What a firm's user may do on a firm-owned page it owns today: edit, preview, see its history,
revisions and comparisons, and submit it into the workflow. Never publish, unpublish, delete,
move, copy, lock, set privacy, schedule or add children; on every other firm-owned page, nothing.
Everyone else (editors, the committee, superusers) keeps Wagtail's ordinary page permissions.
Firm-scoped (registry.permissions.user_is_firm_scoped) means least privilege: a user in a firm's
group acts on firm-owned pages only as that firm, whatever else they hold.

`install()` (called by RegistryConfig.ready) puts `FirmAwarePagePermissionPolicy` in place of
Wagtail's page policy, so the explorer, the page listings and search, the dashboard and the admin
API list exactly these pages for a firm's user, and scopes the page chooser the same way.
`FirmScopedAdminMiddleware` closes what no Wagtail hook reaches: the explorer would open any page
below the user's explorable root (showing its draft title and status), and the page types report
names the last edited page of every type.
"""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet

from wagtail import hooks
from wagtail.models import AbstractPage, Page, PagePermissionTester, get_page_models
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import register_permission_policy

from registry.permissions import user_firm_ids, user_is_firm_scoped
from registry.selectors import today

# What a firm's user may do on its own firm-owned page, in Wagtail's action names: editing and
# submitting (the edit view submits). Publishing is the editors' approval (SPEC §5).
FIRM_ACTIONS = frozenset({"change"})
_CACHE = "_firm_page_ids"


class FirmOwnedPage:
    """Mixin for page models that a firm keeps; see the module docstring."""

    def owner_firm_ids(self, *, on: date) -> frozenset[int]:
        raise NotImplementedError

    @classmethod
    def firm_owned_pages(cls, firm_ids, *, on: date) -> QuerySet:
        raise NotImplementedError

    def permissions_for_user(self, user):
        return FirmPagePermissionTester(user, self)


def firm_owned_page_models() -> list[type]:
    return [model for model in get_page_models() if issubclass(model, FirmOwnedPage)]


def firm_page_ids(user, *, on: date | None = None) -> frozenset[int]:
    """Pages of any firm-owned type that the user's firms may act on that day (today by default)."""
    day = on or today()
    cache = getattr(user, _CACHE, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE, cache)
    if day not in cache:
        firms = user_firm_ids(user)
        ids: set[int] = set()
        if firms and user.is_active:
            for model in firm_owned_page_models():
                ids.update(model.firm_owned_pages(firms, on=day).values_list("pk", flat=True))
        cache[day] = frozenset(ids)
    return cache[day]


def user_may_act_on(user, page, *, on: date | None = None) -> bool:
    """Whether a firm's user may edit (and submit) this firm-owned page on that day."""
    return page.pk in firm_page_ids(user, on=on)


def _is_firm_owned(page) -> bool:
    specific_class = page.specific_class if isinstance(page, Page) else type(page)
    return specific_class is not None and issubclass(specific_class, FirmOwnedPage)


def _firm_owned_content_types():
    from django.contrib.contenttypes.models import ContentType

    models = firm_owned_page_models()
    return list(ContentType.objects.get_for_models(*models).values()) if models else []


def _refused_to_firms(name: str):
    """A PagePermissionTester check that is always False for a firm's user."""

    def check(self, *args, **kwargs):
        if self.firm_scoped:
            return False
        return getattr(PagePermissionTester, name)(self, *args, **kwargs)

    check.__name__ = name
    return check


class FirmPagePermissionTester(PagePermissionTester):
    """`Page.permissions_for_user` of a firm-owned page: a firm's user edits and submits its own
    page of today, and does nothing else; other users get Wagtail's ordinary answers."""

    def __init__(self, user, page):
        super().__init__(user, page)
        self.firm_scoped = user.is_active and user_is_firm_scoped(user)
        self.owns = self.firm_scoped and user_may_act_on(user, page)
        if self.firm_scoped:
            # Any GroupPagePermission the user holds through another group does not count here.
            self.permissions = set(FIRM_ACTIONS) if self.owns else set()

    def can_edit(self):
        return self.owns if self.firm_scoped else super().can_edit()

    def can_view_revisions(self):
        return self.owns if self.firm_scoped else super().can_view_revisions()

    def can_submit_for_moderation(self):
        if self.firm_scoped and not self.owns:
            return False
        return super().can_submit_for_moderation()

    def can_unlock(self):
        if self.firm_scoped:
            return self.owns and self.user_has_lock()
        return super().can_unlock()

    can_add_subpage = _refused_to_firms("can_add_subpage")
    can_delete = _refused_to_firms("can_delete")
    can_unpublish = _refused_to_firms("can_unpublish")
    can_publish = _refused_to_firms("can_publish")
    can_set_view_restrictions = _refused_to_firms("can_set_view_restrictions")
    can_unschedule = _refused_to_firms("can_unschedule")
    can_lock = _refused_to_firms("can_lock")
    can_publish_subpage = _refused_to_firms("can_publish_subpage")
    can_reorder_children = _refused_to_firms("can_reorder_children")
    can_move = _refused_to_firms("can_move")
    can_copy = _refused_to_firms("can_copy")
    can_move_to = _refused_to_firms("can_move_to")
    can_copy_to = _refused_to_firms("can_copy_to")


class FirmAwarePagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page policy, with firm-owned pages decided by `firm_page_ids` for a firm's users:
    they list and reach their own pages of today and no other firm-owned page."""

    def user_has_any_permission(self, user, actions):
        if (
            user_is_firm_scoped(user)
            and user.is_active
            and set(actions) & FIRM_ACTIONS
            and firm_page_ids(user)
        ):
            return True
        return super().user_has_any_permission(user, actions)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if user.is_active and user_is_firm_scoped(user) and _is_firm_owned(instance):
            return bool(set(actions) & FIRM_ACTIONS) and user_may_act_on(user, instance)
        return super().user_has_any_permission_for_instance(user, actions, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        pages = super().instances_user_has_any_permission_for(user, actions)
        if not (user.is_active and user_is_firm_scoped(user)):
            return pages
        pages = pages.exclude(content_type__in=_firm_owned_content_types())
        if set(actions) & FIRM_ACTIONS:
            pages = pages | self.model._default_manager.filter(pk__in=firm_page_ids(user))
        return pages

    def instances_with_direct_explore_permission(self, user):
        pages = super().instances_with_direct_explore_permission(user)
        if user.is_superuser or not user_is_firm_scoped(user):
            return pages
        firm_owned = {ct.pk for ct in _firm_owned_content_types()}
        own = list(self.model.base_page_model.objects.filter(pk__in=firm_page_ids(user)))
        return [p for p in pages if p.content_type_id not in firm_owned] + own

    def explorable_instances(self, user):
        if not (user.is_active and user_is_firm_scoped(user)):
            return super().explorable_instances(user)
        if self.get_cached_permissions_for_user(user):
            pages = super().explorable_instances(user).exclude(content_type__in=_firm_owned_content_types())
        else:
            pages = self.model._default_manager.none()
        own = firm_page_ids(user)
        if not own:
            return pages
        # Each own page and the pages above it (but not the tree's root), so the explorer reaches it.
        paths = self.model._default_manager.filter(pk__in=own).values_list("path", flat=True)
        steplen = self.model.steplen
        ancestors = {path[:end] for path in paths for end in range(2 * steplen, len(path) + 1, steplen)}
        return pages | self.model._default_manager.filter(Q(pk__in=own) | Q(path__in=ancestors))


def _scope_page_chooser(pages, request):
    """construct_page_chooser_queryset: a firm's user chooses no other firm's firm-owned page, and
    sees no page's unpublished title but its own pages': only live pages whose draft title is their
    public one (Wagtail shows the draft title)."""
    user = request.user
    if not user_is_firm_scoped(user):
        return pages
    own = Q(pk__in=firm_page_ids(user))
    # A subquery on the id: the chooser's search can filter on the id, not on draft_title.
    public_as_shown = Q(pk__in=Page.objects.filter(live=True, draft_title=F("title")).values("pk"))
    return pages.filter(~Q(content_type__in=_firm_owned_content_types()) | own).filter(own | public_as_shown)


def install() -> None:
    """Put the firm-aware page policy in place and scope the page chooser (RegistryConfig.ready)."""
    register_permission_policy(AbstractPage, FirmAwarePagePermissionPolicy())
    hooks.register("construct_page_chooser_queryset", _scope_page_chooser)


# Admin views that would show a firm's user pages outside its own: the explorer of a page (refused
# unless the page is one it may explore) and reports over every page (refused outright).
EXPLORER_VIEWS = {"wagtailadmin_explore", "wagtailadmin_explore_results"}
# The page chooser opened at a page shows that page's (draft) title: only at a page it may choose.
CHOOSER_VIEWS = {"wagtailadmin_choose_page_child"}
ALL_PAGES_VIEWS = {"wagtailadmin_reports:page_types_usage", "wagtailadmin_reports:page_types_usage_results"}


class FirmScopedAdminMiddleware:
    """For a firm's user: the explorer opens only pages in `explorable_instances`, and the reports
    over every page are refused (settings.MIDDLEWARE, after authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = match.view_name if match else ""
        if name not in EXPLORER_VIEWS and name not in ALL_PAGES_VIEWS and name not in CHOOSER_VIEWS:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user_is_firm_scoped(user):
            return None
        if name in ALL_PAGES_VIEWS:
            raise PermissionDenied
        parent_id = view_kwargs.get("parent_page_id")
        if name in CHOOSER_VIEWS:
            choosable = _scope_page_chooser(Page.objects.all(), request)
            if parent_id is not None and not (
                choosable.filter(pk=parent_id).exists() or Page.objects.filter(pk=parent_id, depth=1).exists()
            ):
                raise PermissionDenied
            return None
        policy = FirmAwarePagePermissionPolicy()
        if parent_id is not None and not policy.explorable_instances(user).filter(pk=parent_id).exists():
            raise PermissionDenied
        return None
