"""The firm's panel on the admin home page: its estates and plates, what it may still appeal and by
when, its appeals (ratings.selectors.workplace). Shown to firm users only."""

from django.utils import timezone

from wagtail.admin.ui.components import Component

from ratings.selectors.workplace import firm_workplace
from registry.permissions import user_firm_ids, user_is_firm_scoped


class FirmRatingsPanel(Component):
    name = "firm_ratings"
    template_name = "ratings/admin/home/firm_ratings.html"
    order = 50  # above Wagtail's own panels: this is what a firm came for

    def __init__(self, firm_ids):
        self.firm_ids = firm_ids

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context.update(firm_workplace(firm_ids=self.firm_ids, now=timezone.now()))
        return context


def firm_home_panels(request, panels):
    """construct_homepage_panels: the firm's panel first, for a firm's users only."""
    if user_is_firm_scoped(request.user):
        panels.append(FirmRatingsPanel(sorted(user_firm_ids(request.user))))
