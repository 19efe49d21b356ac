"""The registry's long operation as a background job (core.jobs): after a street, community or
group is renamed, or a firm's record changed, the pages of its estates (and of the firms managing
them) are retired from the page cache and indexed again. A group may hold thousands of estates, a
firm hundreds: too many to index inside the editor's save request."""

from django_tasks import task

from django.urls import reverse

from core.jobs import JOB_PRIORITY, JobOutcome, job_run, job_start
from registry.models import Community, Firm, Group, Street
from registry.selectors import place_estate_ids
from registry.services import records_changed

PLACE_PAGES = "registry.place_pages"
PLACE_MODELS = {"street": Street, "community": Community, "group": Group, "firm": Firm}
PLURAL = {"street": "streets", "community": "communities", "group": "groups", "firm": "firms"}


def place_kind(place) -> str:
    return next(kind for kind, model in PLACE_MODELS.items() if isinstance(place, model))


def place_estates(place) -> list[int]:
    """The estates whose pages name this place (or firm)."""
    return place_estate_ids(**{PLURAL[place_kind(place)]: [place.pk]})


@task(priority=JOB_PRIORITY)
def place_pages_task(*, job_id: int, place_kind: str, pk: int) -> dict:
    def work(report):
        estate_ids = place_estate_ids(**{PLURAL[place_kind]: [pk]})
        report(0, None, f"正在更新 {len(estate_ids)} 个小区的公开页面与搜索索引")
        pages = records_changed(estate_ids=estate_ids, progress=report)
        return JobOutcome(
            message=f"已更新 {len(estate_ids)} 个小区及其物业企业的 {pages} 个公开页面与搜索索引",
            result_url=reverse("estates:index"),
            result_label="返回小区登记",
        )

    return job_run(job_id=job_id, work=work)


def place_pages_start(*, place, user, edit: str):
    """Start the job for a place (or firm) just saved. `edit` names the saved values (a digest of
    the form's data), so a second click on the same save lands on the job under way, and another
    edit, which the running job may have missed, starts its own."""
    kind = place_kind(place)
    return job_start(
        task=place_pages_task,
        kind=PLACE_PAGES,
        subject=f"{kind}:{place.pk}:{edit}"[:100],
        label=f"更新{place._meta.verbose_name}“{place.name}”的小区页面"[:200],
        user=user,
        place_kind=kind,
        pk=place.pk,
    )
