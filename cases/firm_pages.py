"""Firm-owned case pages (SPEC §6, §12): a firm's users write, edit, copy, delete and submit the
cases of their own firm, never another firm's, and never publish.

Interim home: the generic mechanism for firm-owned page types (`registry/firm_access.py`) was not
there when cases were built. Everything case-specific about it is here, in two pieces that can be
swapped for that module's without touching the rest of the app: the page permission tester that
`CasePage.permissions_for_user` returns, and `hidden_case_pages`, which the admin hooks use to
keep other firms' cases out of a firm user's listings and choosers.

Wagtail asks the *specific* page for its tester in the editor, preview, draft view, delete and
history views; the copy view and the listings ask a plain `Page`, whose stock tester gives a firm
group holding only `add_page` on /cases/ no more than the pages its user created. The
`before_copy_page` hook asks the specific page again, so the rule is the same everywhere.
"""

from django.apps import apps
from django.db.models import QuerySet

from wagtail.models import PagePermissionTester

from registry.permissions import user_firm_ids, user_is_firm_scoped


class FirmCasePermissionTester(PagePermissionTester):
    """Wagtail's page permissions, narrowed for a firm's users to the cases of their own firm."""

    def _scoped(self) -> bool:
        return self.user.is_active and user_is_firm_scoped(self.user)

    def _own_firm(self) -> bool:
        return bool(self.page.owner_firm_ids() & user_firm_ids(self.user))

    def _may_write(self) -> bool:
        return self._own_firm() and bool({"add", "change"} & self.permissions)

    def can_edit(self):
        if not self._scoped():
            return super().can_edit()
        return self._may_write()

    def can_delete(self, ignore_bulk=False):
        if not self._scoped():
            return super().can_delete(ignore_bulk=ignore_bulk)
        # A firm withdraws its own unpublished case; a published one is the editors' to take down.
        return self._may_write() and not self.page.live

    def can_publish(self):
        if not self._scoped():
            return super().can_publish()
        return False  # a firm's case becomes public only through the editors' review

    def can_unpublish(self):
        if not self._scoped():
            return super().can_unpublish()
        return False

    def can_submit_for_moderation(self):
        if not self._scoped():
            return super().can_submit_for_moderation()
        return self._may_write() and super().can_submit_for_moderation()

    def can_lock(self):
        if not self._scoped():
            return super().can_lock()
        return False

    def can_unlock(self):
        if not self._scoped():
            return super().can_unlock()
        return self.user_has_lock()

    def can_view_revisions(self):
        if not self._scoped():
            return super().can_view_revisions()
        return self._may_write()


def hidden_case_pages(user) -> QuerySet | None:
    """The ids of the case pages a firm's user must not see in the admin (every other firm's,
    live or not: a live case may carry another firm's unpublished draft title), or None when the
    user is not firm-scoped."""
    if not user_is_firm_scoped(user):
        return None
    case_page = apps.get_model("cases", "CasePage")
    return case_page.objects.exclude(firm_id__in=user_firm_ids(user)).values("pk")
