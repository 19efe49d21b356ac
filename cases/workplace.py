"""The firm's panel on the admin home (SPEC §6): open calls for cases, and its cases that are with
the editors or were sent back with the editor's comment."""

from django.urls import reverse
from django.utils import timezone

from cases.models import CaseIndexPage, CasePage
from cases.selectors import open_calls
from core.review import IN_REVIEW, SENT_BACK, pages_in_review, review_states
from registry.workplace import EditorPanel, FirmPanel


def firm_cases_work(*, firm_ids, today) -> dict:
    """Open calls and the firm's cases under review or sent back: four queries."""
    drafts = list(
        CasePage.firm_owned_pages(firm_ids, on=today).order_by("-latest_revision_created_at", "-pk")
    )
    reviews = review_states(drafts)
    return {
        "calls": open_calls(on=today),
        "sent_back": [
            {"page": page, "review": reviews[page.pk]}
            for page in drafts
            if reviews.get(page.pk, {}).get("state") == SENT_BACK
        ],
        "in_review": [
            {"page": page, "review": reviews[page.pk]}
            for page in drafts
            if reviews.get(page.pk, {}).get("state") == IN_REVIEW
        ],
    }


class FirmCasesPanel(FirmPanel):
    name = "firm_cases"
    template_name = "cases/admin/home_panel.html"
    order = 70

    def read(self, firm_ids) -> dict:
        index = CaseIndexPage.objects.only("pk").first()
        add_url = reverse("wagtailadmin_pages:add", args=["cases", "casepage", index.pk]) if index else None
        return {**firm_cases_work(firm_ids=firm_ids, today=timezone.localdate()), "add_url": add_url}


firm_home_panels = FirmCasesPanel.homepage_hook


class EditorCasesPanel(EditorPanel):
    """The editor's side (SPEC §6): cases submitted for review (三微案例审核), longest waiting first,
    each linking to the page where the editor approves or sends it back."""

    name = "editor_cases"
    template_name = "includes/admin/review_queue.html"
    order = 47

    def read(self, user) -> dict:
        rows = pages_in_review(CasePage, related=["firm", "estate"])
        for row in rows:
            page = row["page"]
            row["label"] = page.title
            row["detail"] = " · ".join(x.name for x in (page.firm, page.estate) if x)
        return {
            "panel_id": "editor-cases",
            "heading": "待审核的三微案例",
            "empty": "没有等待审核的三微案例。",
            "rows": rows,
        }


editor_home_panels = EditorCasesPanel.homepage_hook
