"""The editor's panels on the admin home (SPEC §1): what is due this month, the quarters to compute,
submit or waiting for the committee, the appeals to decide and the recent imports
(ratings.selectors.editor). Shown to editors and superusers only."""

from django.utils import timezone

from ratings.selectors.editor import editor_workplace
from registry.workplace import EditorPanel


class EditorRatingsPanel(EditorPanel):
    name = "editor_ratings"
    template_name = "ratings/admin/home/editor_ratings.html"
    order = 40  # above Wagtail's own panels and the reviews (disclosures, cases)

    def read(self, user) -> dict:
        return {
            **editor_workplace(today=timezone.localdate(), now=timezone.now()),
            "user": user,
            "can_submit": user.has_perm("ratings.submit_quarter"),
            "can_import": user.has_perm("ratings.import_scores"),
        }


editor_home_panels = EditorRatingsPanel.homepage_hook
