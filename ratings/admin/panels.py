"""The committee's review panel on a QuarterPage: what approval would publish (SPEC §4)."""

from wagtail.admin.panels import Panel

from ratings import selectors


class QuarterReviewPanel(Panel):
    """Shows the frozen result, the open appeals of the quarter and the rows that change against
    the last release (`selectors.quarter_review_context`)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "ratings/admin/quarter_review_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            quarter = getattr(self.instance, "quarter", "")
            context.update(selectors.quarter_review_context(quarter=quarter) if quarter else {"quarter": ""})
            return context
