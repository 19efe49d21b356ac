"""Publication (SPEC §4): quarter pages through the committee workflow, append-only releases
chained by digest, corrections, and the lock on released quarters."""

import contextvars
import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from wagtail.log_actions import log
from wagtail.models import TaskState

from ratings import documents
from ratings.errors import ActionRefused
from ratings.models import Correction, Estate, Firm, QuarterPage, RatingIndexPage, Release, ReleaseRow
from ratings.services.quarters import quarter_compute

COMMITTEE_NAME = "考评委员会"
# Lets the demo loader date its releases in the past; real publishing always uses the clock.
publication_time: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "publication_time", default=None
)


def quarter_title(quarter: str) -> str:
    return f"{quarter[:4]}年第{quarter[-1]}季度物业服务评级"


def quarter_slug(quarter: str) -> str:
    return f"{quarter[:4]}-q{quarter[-1]}"


@transaction.atomic
def quarter_page_ensure(*, quarter: str, user=None) -> QuarterPage:
    """The quarter's page under /ratings/, created as a draft (invisible) when missing."""
    page = QuarterPage.objects.filter(quarter=quarter).first()
    if page:
        return page
    index = RatingIndexPage.objects.first()
    if index is None:
        raise ActionRefused("评级栏目页面不存在：请先运行 migrate")
    page = QuarterPage(title=quarter_title(quarter), slug=quarter_slug(quarter), quarter=quarter, live=False)
    index.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    return page


@transaction.atomic
def quarter_submit(*, quarter: str, user) -> QuarterPage:
    """Compute the quarter and send its page to the committee (the page's approval workflow)."""
    quarter_compute(quarter=quarter, user=user)
    page = quarter_page_ensure(quarter=quarter, user=user)
    if page.workflow_in_progress:
        raise ActionRefused(f"{quarter} 已在考评委员会审批中")
    workflow = page.get_workflow()
    if workflow is None:
        raise ActionRefused("评级栏目没有配置审批流程")
    page.save_revision(user=user)
    workflow.start(page, user)
    return page


@transaction.atomic
def quarter_approve(*, quarter: str, user, comment: str = "") -> Release:
    """The committee's approval: finishes the workflow, which publishes the page (and so a release)."""
    page = QuarterPage.objects.get(quarter=quarter)
    state = page.current_workflow_state
    if state is None or state.current_task_state is None:
        raise ActionRefused(f"{quarter} 没有待审批的任务")
    task_state = state.current_task_state
    task = task_state.task.specific
    if not task.get_actions(page, user):
        raise ActionRefused("只有考评委员会成员可以审批")
    task.on_action(task_state, user, "approve", comment=comment)
    return Release.objects.defer("document").filter(quarter=quarter).latest("version")


DIRECT_PUBLICATION_NAME = "系统管理员直接发布（未经考评委员会审批）"


def publication_approver(page, revision=None) -> tuple[object, str]:
    """Who approved the revision being published: the committee member who approved it in the
    workflow, or — when an administrator published without the workflow — nobody, said plainly."""
    approvals = TaskState.objects.filter(
        workflow_state__object_id=str(page.pk), status=TaskState.STATUS_APPROVED
    )
    if revision is not None:
        approvals = approvals.filter(revision=revision)
    latest = approvals.select_related("finished_by").order_by("-finished_at").first()
    if latest and latest.finished_by:
        return latest.finished_by, COMMITTEE_NAME
    return None, DIRECT_PUBLICATION_NAME


def open_correction(quarter: str) -> Correction | None:
    return Correction.objects.filter(quarter=quarter, release__isnull=True).first()


@transaction.atomic
def release_publish(
    *, quarter: str, user=None, approved_by=None, approved_by_name: str = COMMITTEE_NAME
) -> Release:
    """Freeze the quarter into a new release, unless it is released already and no correction is open.

    The digest is SHA-256 of the canonical document without its digest key, and the release links
    to the one published just before it (any quarter), so all releases form one chain (SPEC §4).
    Safe against concurrent publishing: the page row is locked, and the (quarter, version) and
    sequence constraints settle any race.
    """
    QuarterPage.objects.select_for_update().filter(quarter=quarter).first()
    latest = Release.objects.defer("document").filter(quarter=quarter).order_by("-version").first()
    correction = Correction.objects.select_for_update().filter(quarter=quarter, release__isnull=True).first()
    if latest and not correction:
        return latest
    computation = quarter_compute(quarter=quarter, user=user)
    version = latest.version + 1 if latest else 1
    published_at = timezone.localtime(publication_time.get() or timezone.now())
    for _attempt in range(5):
        previous = Release.objects.defer("document").order_by("-sequence").first()
        document = dict(computation.document)
        document.update(
            release=version,
            published_at=published_at.isoformat(timespec="seconds"),
            approved_by=approved_by_name,
            correction_note=correction.reason if correction else None,
            previous_digest=previous.digest if previous else None,
            digest=None,
        )
        document["digest"] = documents.digest_of(document)
        try:
            with transaction.atomic():
                release = Release.objects.create(
                    sequence=previous.sequence + 1 if previous else 1,
                    quarter=quarter,
                    version=version,
                    document=document,
                    digest=document["digest"],
                    previous_digest=document["previous_digest"],
                    published_at=published_at,
                    approved_by=approved_by,
                    approved_by_name=approved_by_name,
                    correction_note=document["correction_note"] or "",
                )
                _release_rows(release, document)
            break
        except IntegrityError:
            won = Release.objects.defer("document").filter(quarter=quarter, version=version).first()
            if won:
                return won
    else:  # pragma: no cover - five lost races in a row
        raise ActionRefused("发布冲突，请稍后重试")
    if correction:
        correction.release = release
        correction.save(update_fields=["release"])
    log(
        instance=release,
        action="ratings.release",
        user=user or approved_by,
        data={
            "quarter": quarter,
            "version": version,
            "digest": release.digest,
            "correction": bool(correction),
        },
    )
    _public_cache_clear()
    return release


def _release_rows(release: Release, document: dict) -> None:
    codes = [row["estate_code"] for row in document["estates"]]
    estate_ids = dict(Estate.objects.filter(code__in=codes).values_list("code", "pk"))
    firm_ids = dict(Firm.objects.values_list("credit_code", "pk"))
    ReleaseRow.objects.bulk_create(
        [
            ReleaseRow(
                release=release,
                quarter=release.quarter,
                estate_id=estate_ids[row["estate_code"]],
                estate_code=row["estate_code"],
                firm_id=firm_ids.get(row["firm_credit_code"]),
                group_name=row["group"],
                street_name=row["street"],
                band=row["band"],
                score=row["score"],
                rank_in_group=row["rank_in_group"],
                rank_overall=row["rank_overall"],
                position=position,
                row=row,
            )
            for position, row in enumerate(document["estates"])
        ],
        batch_size=1000,
    )


def _public_cache_clear() -> None:
    from django.core.cache import cache

    cache.clear()


@transaction.atomic
def correction_open(*, quarter: str, reason: str, user) -> Correction:
    """Reopen a released quarter for correction; the reason becomes the public correction note."""
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ActionRefused("请写明更正理由（至少 5 个字），它会随更正版本公开")
    if not Release.objects.filter(quarter=quarter).exists():
        raise ActionRefused(f"{quarter} 尚未发布，无需更正：直接修改数据并重新计算即可")
    if open_correction(quarter):
        raise ActionRefused(f"{quarter} 已有一项进行中的更正")
    correction = Correction.objects.create(quarter=quarter, reason=reason, opened_by=user)
    log(
        instance=correction,
        action="ratings.correction",
        user=user,
        data={"quarter": quarter, "reason": reason},
    )
    return correction


def releases_verify() -> list[str]:
    """Every digest recomputed and every link checked, oldest first; the problems found (SPEC §4)."""
    problems = []
    previous = None
    for release in Release.objects.order_by("sequence").iterator(chunk_size=20):
        name = f"{release.quarter} v{release.version} (#{release.sequence})"
        document = release.document
        if documents.digest_of(document) != release.digest or document.get("digest") != release.digest:
            problems.append(f"{name}: 摘要不符，发布内容已被改动 (digest mismatch)")
        expected_previous = previous.digest if previous else None
        if (
            release.previous_digest != expected_previous
            or document.get("previous_digest") != expected_previous
        ):
            problems.append(f"{name}: 与上一版本的链接断开 (previous_digest mismatch)")
        if previous and release.sequence != previous.sequence + 1:
            problems.append(f"{name}: 发布序号不连续 (sequence gap after #{previous.sequence})")
        if (document.get("quarter"), document.get("release")) != (release.quarter, release.version):
            problems.append(f"{name}: 文档中的季度或版本号与记录不符")
        previous = release
    return problems


@transaction.atomic
def publication_permissions_ensure() -> None:
    """The committee publishes quarter pages (by approving them); nobody else may (SPEC §4).

    Wagtail publishes an approved page as the approving user, so the committee group holds the
    publish permission on the /ratings/ section; editors hold none there and can only submit.
    """
    from django.contrib.auth.models import Group, Permission

    from wagtail.models import GroupPagePermission

    index = RatingIndexPage.objects.first()
    committee = Group.objects.filter(name=COMMITTEE_NAME).first()
    if index is None or committee is None:
        return
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=["change_page", "publish_page"]
    ):
        GroupPagePermission.objects.get_or_create(group=committee, page=index, permission=permission)
