"""The firm's panel on the admin home page: its estates and plates, what it may still appeal and by
when, its appeals (ratings.selectors.workplace). Shown to firm users only."""

from django.utils import timezone

from ratings.selectors.workplace import firm_workplace
from registry.workplace import FirmPanel


class FirmRatingsPanel(FirmPanel):
    name = "firm_ratings"
    template_name = "ratings/admin/home/firm_ratings.html"
    order = 50  # above Wagtail's own panels: this is what a firm came for

    def read(self, firm_ids) -> dict:
        return firm_workplace(firm_ids=firm_ids, now=timezone.now())


firm_home_panels = FirmRatingsPanel.homepage_hook
