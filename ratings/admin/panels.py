"""The committee's review panel on a QuarterPage: what approval would publish (SPEC §4)."""

from wagtail.admin.panels import Panel

from ratings import engine, opendata
from ratings.models.publication import Appeal, Release
from ratings.models.scores import QuarterComputation
from ratings.selectors import quarter_lock_reason


class QuarterReviewPanel(Panel):
    """Shows open appeals of the quarter and the rows that change against the last release."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "ratings/admin/quarter_review_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            quarter = getattr(self.instance, "quarter", "")
            computation = QuarterComputation.objects.filter(quarter=quarter).first()
            last = Release.objects.filter(quarter=quarter).order_by("-version").first()
            months = list(engine.quarter_months(quarter)) if quarter else []
            context.update(
                quarter=quarter,
                computation=computation,
                last_release=last,
                changes=opendata.row_changes(last.document if last else None, computation.document)
                if computation and last
                else [],
                open_appeals=list(
                    Appeal.objects.filter(status=Appeal.OPEN, score__month__in=months).select_related(
                        "score__estate", "firm"
                    )
                ),
                lock_reason=quarter_lock_reason(quarter) if quarter else None,
            )
            return context
