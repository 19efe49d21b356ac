"""Publication (SPEC §4): quarter pages through the committee workflow, append-only releases
chained by digest, corrections, and the lock on released quarters."""

import contextvars
import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from wagtail.log_actions import log
from wagtail.models import TaskState, WorkflowState

from core.errors import ActionRefused
from ratings import engine, opendata, selectors
from ratings.models import Correction, QuarterPage, RatingIndexPage, Release, ReleaseRow, ReleaseSummary
from ratings.services.quarters import grade_rows

COMMITTEE_NAME = "考评委员会"
# Lets the demo loader date its releases in the past; real publishing always uses the clock.
publication_time: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "publication_time", default=None
)
# True while `quarter_review` decides a quarter's task: the one way a quarter is approved or sent back.
deciding: contextvars.ContextVar[bool] = contextvars.ContextVar("quarter_deciding", default=False)


def quarter_title(quarter: str) -> str:
    return f"{engine.quarter_label(quarter)}物业服务评级"


@transaction.atomic
def quarter_page_ensure(*, quarter: str, user=None) -> QuarterPage:
    """The quarter's page under /ratings/, created as a draft (invisible) when missing."""
    page = QuarterPage.objects.filter(quarter=quarter).first()
    if page:
        return page
    index = RatingIndexPage.objects.first()
    if index is None:
        raise ActionRefused("评级栏目页面不存在：请先运行 migrate")
    page = QuarterPage(
        title=quarter_title(quarter), slug=engine.quarter_slug(quarter), quarter=quarter, live=False
    )
    index.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    return page


@transaction.atomic
def quarter_submit(*, quarter: str, user) -> QuarterPage:
    """Send the quarter to the committee (SPEC §4): the page's approval workflow starts (or resumes
    after 退回修改), and starting its task freezes the computation (`quarter_freeze`, through the
    task_submitted signal), so every way of submitting freezes the same way."""
    page = quarter_page_ensure(quarter=quarter, user=user)
    page = QuarterPage.objects.select_for_update().get(pk=page.pk)
    if reason := selectors.quarter_release_lock_reason(quarter):
        raise ActionRefused(reason)
    state = page.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        raise ActionRefused(f"{quarter} 已在考评委员会审批中")
    workflow = page.get_workflow()
    if workflow is None:
        raise ActionRefused("评级栏目没有配置审批流程")
    page.save_revision(user=user)
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
    else:
        workflow.start(page, user)
    return page


APPROVED, REJECTED, ALREADY_DECIDED = "approved", "rejected", "already_decided"


@transaction.atomic
def quarter_review(*, quarter: str, user, action: str, comment: str = "", task_state_id=None) -> str:
    """The committee's decision on a quarter in review: "approve" (the workflow finishes and the page
    is published with its frozen release) or "reject" (退回修改: the months unlock).

    Single and idempotent (SPEC §4): the page row is locked, and a decision that arrives when the
    task is no longer in progress (a repeated or concurrent POST, an autosave) changes nothing and
    returns ALREADY_DECIDED; it never saves a revision.
    """
    page = QuarterPage.objects.select_for_update().filter(quarter=quarter).first()
    if page is None:
        raise ActionRefused(f"{quarter} 没有评级页面")
    state = page.current_workflow_state  # read afresh: the page row was just locked and loaded
    task_state = state.current_task_state if state and state.status == state.STATUS_IN_PROGRESS else None
    if (
        task_state is None
        or task_state.status != TaskState.STATUS_IN_PROGRESS
        or (task_state_id is not None and str(task_state.pk) != str(task_state_id))
    ):
        return ALREADY_DECIDED
    task = task_state.task.specific
    if action not in [name for name, _label, _modal in task.get_actions(page, user)]:
        raise ActionRefused("只有考评委员会成员可以审批")
    token = deciding.set(True)
    try:
        task.on_action(task_state, user, action, comment=comment)
    finally:
        deciding.reset(token)
    return APPROVED if action == "approve" else REJECTED


def quarter_decision_refusal(task_state: TaskState) -> str | None:
    """Why this approval or rejection of a task may not be saved, or None: a quarter's task is
    decided only inside `quarter_review` (locked, idempotent), never by another path such as
    Wagtail's workflow-action view or the dashboard's buttons (SPEC §4). The receiver in
    `ratings.signals` asks before every task state is saved."""
    if deciding.get() or task_state.status not in (TaskState.STATUS_APPROVED, TaskState.STATUS_REJECTED):
        return None
    content_type = ContentType.objects.get_for_model(QuarterPage)
    if task_state.workflow_state.content_type_id != content_type.pk:
        return None
    return "季度评级只能在考评委员会的审批页面批准并发布或退回修改。"


def quarter_approve(*, quarter: str, user, comment: str = "") -> Release:
    """Approve a quarter in review; the release it published (or had published already)."""
    outcome = quarter_review(quarter=quarter, user=user, action="approve", comment=comment)
    release = Release.objects.defer("document").filter(quarter=quarter).order_by("-version").first()
    if release is None:
        raise ActionRefused(f"{quarter} 没有待审批的任务")
    if outcome == ALREADY_DECIDED and not QuarterPage.objects.filter(quarter=quarter, live=True).exists():
        raise ActionRefused(f"{quarter} 没有待审批的任务")
    return release


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
    The rows are exactly the computation frozen when the quarter was submitted to the committee:
    nothing is recomputed here (SPEC §4). Safe against concurrent publishing: the page row is
    locked, and the (quarter, version) and sequence constraints settle any race.
    """
    QuarterPage.objects.select_for_update().filter(quarter=quarter).first()
    latest = Release.objects.defer("document").filter(quarter=quarter).order_by("-version").first()
    correction = Correction.objects.select_for_update().filter(quarter=quarter, release__isnull=True).first()
    if latest and not correction:
        return latest
    computation = selectors.frozen_computation(quarter)
    if computation is None or (correction and computation.frozen_at < correction.opened_at):
        raise ActionRefused(f"{quarter} 没有提交审批时冻结的结果：请先提交考评委员会审批")
    if opendata.digest_of(computation.document) != computation.document_digest:
        raise ActionRefused(f"{quarter} 冻结的结果与提交时的摘要不符，不能发布")
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
        document["digest"] = opendata.digest_of(document)
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
                ReleaseSummary.objects.create(release=release, **ReleaseSummary.parts_of(document))
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
    return release


def _release_rows(release: Release, document: dict) -> None:
    ReleaseRow.objects.bulk_create(
        [
            ReleaseRow(
                release=release,
                quarter=release.quarter,
                estate_code=row["estate_code"],
                group_name=row["group"],
                street_name=row["street"],
                position=position,
                row=row,
                **columns,
            )
            for position, (row, columns) in enumerate(grade_rows(document))
        ],
        batch_size=1000,
    )


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
    """Every release checked against its own digest, oldest first; the problems found (SPEC §4).

    The digest covers the document; everything any public page shows besides the document is
    checked against it here: the release's columns (approval, time, correction note) and every
    `ReleaseRow` (its columns and its row), their number and order, and that each released
    quarter's page is live. Pages render from these verified rows.
    """
    problems = []
    previous = None
    live_quarters = set(QuarterPage.objects.filter(live=True).values_list("quarter", flat=True))
    for release in Release.objects.order_by("sequence").iterator(chunk_size=20):
        name = f"{release.quarter} v{release.version} (#{release.sequence})"
        document = release.document
        if opendata.digest_of(document) != release.digest or document.get("digest") != release.digest:
            problems.append(f"{name}: 摘要不符，发布内容已被改动 (digest mismatch)")
        expected_previous = previous.digest if previous else None
        if (
            release.previous_digest != expected_previous
            or document.get("previous_digest") != expected_previous
        ):
            problems.append(f"{name}: 与上一版本的链接断开 (previous_digest mismatch)")
        if previous and release.sequence != previous.sequence + 1:
            problems.append(f"{name}: 发布序号不连续 (sequence gap after #{previous.sequence})")
        if previous is None and release.sequence != 1:
            problems.append(f"{name}: 发布链不是从第 1 号开始 (releases before #{release.sequence} missing)")
        if (document.get("quarter"), document.get("release")) != (release.quarter, release.version):
            problems.append(f"{name}: 文档中的季度或版本号与记录不符")
        problems.extend(f"{name}: {problem}" for problem in _release_columns_problems(release, document))
        problems.extend(f"{name}: {problem}" for problem in _release_rows_problems(release, document))
        if release.quarter not in live_quarters:
            problems.append(f"{name}: 该季度的公开页面不在线 (quarter page not live)")
        previous = release
    released = set(Release.objects.values_list("quarter", flat=True).distinct())
    for quarter in sorted(live_quarters - released):
        problems.append(f"{quarter}: 页面在线但没有发布版本 (live quarter page without a release)")
    return problems


def releases_head() -> Release | None:
    """The newest release: its digest, published elsewhere too, makes truncation of the chain visible."""
    return Release.objects.defer("document").order_by("-sequence").first()


def _release_columns_problems(release: Release, document: dict) -> list[str]:
    problems = []
    published = timezone.localtime(release.published_at).isoformat(timespec="seconds")
    if document.get("published_at") != published:
        problems.append("发布时间与文档不符 (published_at)")
    if document.get("approved_by") != release.approved_by_name:
        problems.append("批准方与文档不符 (approved_by_name)")
    if (document.get("correction_note") or "") != release.correction_note:
        problems.append("更正说明与文档不符 (correction_note)")
    return problems


ROW_COLUMNS = ("estate_code", "group_name", "street_name", "band", "rank_in_group", "rank_overall")


def _release_rows_problems(release: Release, document: dict) -> list[str]:
    """Each stored row equals the document's row at its position, column by column."""
    expected = document.get("estates") or []
    rows = list(
        ReleaseRow.objects.filter(release=release)
        .order_by("position")
        .values_list("position", "quarter", "estate__code", "firm__credit_code", "score", "row", *ROW_COLUMNS)
    )
    problems = []
    if len(rows) != len(expected):
        problems.append(f"数据行数 {len(rows)} 与文档的 {len(expected)} 行不符 (rows missing or added)")
    for index, (position, quarter, estate_code, firm_code, score, row, *columns) in enumerate(rows):
        doc_row = expected[index] if index < len(expected) else None
        if doc_row is None or position != index:
            problems.append(f"第 {index + 1} 行的位置与文档不符 (row position)")
            continue
        wanted = (
            doc_row["estate_code"],
            doc_row["group"],
            doc_row["street"],
            doc_row["band"],
            doc_row["rank_in_group"],
            doc_row["rank_overall"],
        )
        score_matches = (score is None and doc_row["score"] is None) or (
            score is not None and doc_row["score"] is not None and score == Decimal(doc_row["score"])
        )
        if (
            tuple(columns) != wanted
            or quarter != release.quarter
            or estate_code != doc_row["estate_code"]
            or firm_code != doc_row["firm_credit_code"]
            or not score_matches
            or row != doc_row
        ):
            problems.append(f"小区 {doc_row['estate_code']} 的数据行与文档不符 (release row changed)")
    return problems
