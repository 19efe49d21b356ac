"""Appeals (SPEC §4): a firm challenges an estate-month score within the window; an editor decides.

Upholding changes the score through `monthly_score_change`, the one service that edits a stored
score, so the lock on released quarters and the audit trail apply to appeals too.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from wagtail.log_actions import log

from core.errors import ActionRefused, RowProblem
from core.importing import parse_decimal
from core.uploads import pdf_validate
from ratings import engine, selectors
from ratings.models import Appeal, AppealEvidence, MonthlyScore, Scheme
from registry.models import Firm


def firms_of_user(user) -> set[int]:
    """The firms whose account group the user belongs to (a firm's users reach only their firm)."""
    if not user.is_authenticated:
        return set()
    return set(Firm.objects.filter(account_group__user=user).values_list("pk", flat=True))


def appeal_deadline(score: MonthlyScore):
    return score.imported_at + timedelta(days=settings.PORTAL_APPEAL_WINDOW_DAYS)


# A firm may attach up to this many PDFs to an appeal (SPEC §4, issue 10: evidence under the rules
# of documents: PDF by content, size-capped).
APPEAL_EVIDENCE_MAX_FILES = 5


def appeal_evidence_check(files) -> None:
    """Refuse the evidence unless it is at most APPEAL_EVIDENCE_MAX_FILES PDFs, each one a PDF by its
    content and within the size cap (core.uploads.pdf_validate); the message names the file."""
    if len(files) > APPEAL_EVIDENCE_MAX_FILES:
        raise ActionRefused(f"最多上传 {APPEAL_EVIDENCE_MAX_FILES} 个证据文件（收到 {len(files)} 个）")
    for file in files:
        try:
            pdf_validate(file)
        except ValidationError as exc:
            raise ActionRefused(f"证据文件“{file.name}”未能上传：{' '.join(exc.messages)}") from None


@transaction.atomic
def appeal_submit(
    *, user, score: MonthlyScore, reason: str, criterion: str = "", evidence=(), now=None
) -> Appeal:
    """A firm's user appeals one estate-month score of its own estates, within the window, with up
    to five PDFs of evidence. A refusal writes nothing: no appeal, no evidence row, no file."""
    now = now or timezone.now()
    evidence = list(evidence)
    firms = firms_of_user(user)
    if score.firm_id is None or score.firm_id not in firms:
        raise ActionRefused("只能对本企业当月服务的小区得分提出申诉")
    if lock := selectors.quarter_lock_reason(engine.quarter_of_month(score.month)):
        raise ActionRefused(f"{score.month} 的得分现在不能申诉：{lock}")
    if now > appeal_deadline(score):
        raise ActionRefused(
            f"已超过申诉期限：得分于 {timezone.localtime(score.imported_at):%Y-%m-%d %H:%M} 导入，"
            f"须在 {settings.PORTAL_APPEAL_WINDOW_DAYS} 天内提出申诉"
        )
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ActionRefused("请写明申诉理由（至少 5 个字）")
    if criterion and criterion not in score.scores:
        raise ActionRefused(f"考核项目“{criterion}”不存在")
    if Appeal.objects.filter(score=score, status=Appeal.OPEN).exists():
        raise ActionRefused("该月得分已有一项待处理的申诉")
    appeal_evidence_check(evidence)
    appeal = Appeal.objects.create(
        score=score,
        firm_id=score.firm_id,
        criterion=criterion,
        reason=reason,
        submitted_by=user,
        submitted_at=now,
    )
    log(
        instance=appeal,
        action="ratings.appeal.submit",
        user=user,
        data={
            "estate": score.estate.code,
            "month": score.month,
            "criterion": criterion,
            "reason": reason,
            "evidence": [file.name for file in evidence],
        },
    )
    _evidence_store(appeal=appeal, files=evidence, now=now)  # last: nothing after it can fail
    return appeal


def _evidence_store(*, appeal: Appeal, files, now) -> None:
    """Store the checked files; if any step fails, remove the files already stored (the transaction
    takes the rows back), so a refused appeal leaves nothing on disk."""
    stored = []
    try:
        for file in files:
            item = AppealEvidence(
                appeal=appeal, original_name=file.name[:200], size=file.size, uploaded_at=now
            )
            item.file.save("evidence.pdf", file, save=False)
            stored.append(item.file.name)
            item.save()
    except BaseException:
        storage = AppealEvidence._meta.get_field("file").storage
        for name in stored:
            storage.delete(name)
        raise


@transaction.atomic
def monthly_score_change(*, score: MonthlyScore, scores: dict[str, str], user, reason: str) -> MonthlyScore:
    """Change a stored month's criterion scores (refused for a locked quarter), logged old → new."""
    if lock := selectors.quarter_lock_reason(engine.quarter_of_month(score.month)):
        raise ActionRefused(lock)
    scheme = Scheme.objects.prefetch_related("criteria", "bands").for_quarter(
        engine.quarter_of_month(score.month)
    )
    # Only scored criteria are edited by hand: the scheme's hotline criterion is computed.
    scored = scheme.to_engine().scored_set if scheme else frozenset()
    maxima = {c.code: c.max for c in scheme.criteria.all() if c.code in scored} if scheme else {}
    new = dict(score.scores)
    for code, text in scores.items():
        if code not in maxima:
            raise ActionRefused(f"考核项目“{code}”不能在这里修改")
        try:
            new[code] = str(parse_decimal(str(text), label=code, places=1, maximum=maxima[code]))
        except RowProblem as exc:
            raise ActionRefused(str(exc)) from None
    old = dict(score.scores)
    if new == old:
        return score
    score.scores = new
    score.save(update_fields=["scores", "updated_at"])
    log(
        instance=score,
        action="ratings.score.change",
        user=user,
        data={"changes": {"scores": [old, new]}, "reason": reason},
    )
    return score


@transaction.atomic
def appeal_decide(
    *, appeal: Appeal, user, upheld: bool, reason: str, scores: dict[str, str] | None = None
) -> Appeal:
    """An editor upholds (the score changes) or rejects an open appeal, always with a written reason."""
    appeal = Appeal.objects.select_for_update().select_related("score__estate").get(pk=appeal.pk)
    if appeal.status != Appeal.OPEN:
        raise ActionRefused("该申诉已处理")
    quarter = engine.quarter_of_month(appeal.score.month)
    if selectors.quarter_in_review(quarter):
        # The committee reviews a frozen result: a decision now would change what it sees.
        raise ActionRefused(selectors.quarter_lock_reason(quarter))
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ActionRefused("请写明处理理由（至少 5 个字），企业和公众都能看到")
    score = appeal.score
    if upheld:
        if not scores:
            raise ActionRefused("申诉成立时请填写更正后的得分")
        appeal.old_scores = dict(score.scores)
        monthly_score_change(score=score, scores=scores, user=user, reason=f"申诉成立：{reason}")
        appeal.new_scores = dict(score.scores)
    appeal.status = Appeal.UPHELD if upheld else Appeal.REJECTED
    appeal.decided_by = user
    appeal.decided_at = timezone.now()
    appeal.decision_reason = reason
    appeal.save()
    log(
        instance=appeal,
        action="ratings.appeal.decide",
        user=user,
        data={
            "status": appeal.status,
            "reason": reason,
            "old": appeal.old_scores,
            "new": appeal.new_scores,
        },
    )
    return appeal
