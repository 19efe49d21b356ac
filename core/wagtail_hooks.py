"""What core adds to the admin: the pages of background jobs (后台任务); a page editor's decision
on a review already over changes nothing (core.review)."""

from wagtail import hooks

from core.job_views import JobViewSet
from core.review import refuse_decision_on_finished_review

# After the domain apps' own guards (a quarter page's decisions go through the committee services).
hooks.register("before_edit_page", refuse_decision_on_finished_review, order=100)


@hooks.register("register_admin_viewset")
def register_job_viewset():
    return JobViewSet()


@hooks.register("register_permissions")
def register_job_permissions():
    # Offered in Wagtail's group editor: see every job; start maintenance jobs (search index).
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        content_type__app_label="core", codename__in=["view_backgroundjob", "run_maintenance"]
    )
