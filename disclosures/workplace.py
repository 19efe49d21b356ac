"""The firm's panel on the admin home (SPEC §1, §5): the disclosure of every estate it manages
today — never approved, overdue, with the editors, or sent back with the editor's comment."""

from django.conf import settings
from django.utils import timezone

from core.review import IN_REVIEW, SENT_BACK, pages_in_review, review_states
from disclosures.models import DisclosurePage
from disclosures.selectors import disclosure_overdue
from registry.workplace import EditorPanel, FirmPanel

ORDER = {SENT_BACK: 0, "never": 1, "overdue": 2, IN_REVIEW: 3, "current": 4}


def firm_disclosures(*, firm_ids, today) -> list[dict]:
    """One row per disclosure the firms keep today, what needs doing first: three queries."""
    pages = list(
        DisclosurePage.firm_owned_pages(firm_ids, on=today).select_related("estate").order_by("estate__code")
    )
    reviews = review_states(pages)
    rows = []
    for page in pages:
        review = reviews.get(page.pk)
        if review:
            state = review["state"]
        elif not page.live:
            state = "never"
        elif disclosure_overdue(last_published_at=page.last_published_at, on=today):
            state = "overdue"
        else:
            state = "current"
        rows.append({"page": page, "estate": page.estate, "state": state, "review": review})
    rows.sort(key=lambda r: (ORDER[r["state"]], r["estate"].code))
    return rows


class FirmDisclosuresPanel(FirmPanel):
    name = "firm_disclosures"
    template_name = "disclosures/admin/home_panel.html"
    order = 60

    def read(self, firm_ids) -> dict:
        return {
            "rows": firm_disclosures(firm_ids=firm_ids, today=timezone.localdate()),
            "overdue_months": settings.PORTAL_DISCLOSURE_OVERDUE_MONTHS,
        }


firm_home_panels = FirmDisclosuresPanel.homepage_hook


class EditorDisclosuresPanel(EditorPanel):
    """The editor's side (SPEC §5): disclosures submitted for review (信息公开审核), longest waiting
    first, each linking to the page where the editor approves or sends it back."""

    name = "editor_disclosures"
    template_name = "includes/admin/review_queue.html"
    order = 46

    def read(self, user) -> dict:
        rows = pages_in_review(DisclosurePage, related=["estate"])
        for row in rows:
            row["label"], row["detail"] = row["page"].estate.name, row["page"].estate.code
        return {
            "panel_id": "editor-disclosures",
            "heading": "待审核的信息公开",
            "empty": "没有等待审核的信息公开。",
            "rows": rows,
        }


editor_home_panels = EditorDisclosuresPanel.homepage_hook
