"""Writes of the cases column (SPEC §6): a firm submits a case into the review workflow
三微案例审核 (cases 0002); an editor approves it (it is published) or asks for changes with a
comment the firm reads in its editor. Wagtail's workflow does the work and keeps the history."""

from django.db import transaction

from wagtail.models import Collection, TaskState, WorkflowState

from cases.models import CasePage
from core.errors import ActionRefused
from registry.collections import firm_collection_ensure
from registry.models import Firm
from registry.permissions import user_firm_ids

APPROVE, REJECT = "approve", "reject"
IMAGE_COLLECTION = "三微案例图片"
FIRM_IMAGE_PERMISSIONS = ["add_image", "change_image", "choose_image"]


@transaction.atomic
def case_submit(*, page, user):
    """Save the case as a revision by `user` and send it to the editors' review (or back to it
    after changes were asked for). Only a user who may edit the case may submit it: a firm's user,
    only a case of their own firm."""
    page = CasePage.objects.select_for_update().get(pk=page.pk)
    if not page.permissions_for_user(user).can_edit():
        raise ActionRefused("只能提交本企业的案例")
    state = page.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        raise ActionRefused("该案例已在审核中")
    workflow = page.get_workflow()
    if workflow is None:
        raise ActionRefused("三微案例栏目没有配置审核流程")
    page.save_revision(user=user, log_action=True)
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
    else:
        workflow.start(page, user)
    return page


@transaction.atomic
def case_review(*, page, user, action: str, comment: str = "") -> None:
    """An editor's decision on a case in review: APPROVE publishes it, REJECT asks the firm for
    changes with `comment` (required: the firm must know why)."""
    page = CasePage.objects.select_for_update().get(pk=page.pk)
    state = page.current_workflow_state
    task_state = state.current_task_state if state and state.status == state.STATUS_IN_PROGRESS else None
    if task_state is None or task_state.status != TaskState.STATUS_IN_PROGRESS:
        raise ActionRefused("该案例没有待审核的任务")
    if action == REJECT and not comment.strip():
        raise ActionRefused("退回修改时请写明原因，企业会看到这条意见")
    task = task_state.task.specific
    if action not in [name for name, _label, _modal in task.get_actions(page, user)]:
        raise ActionRefused("只有编辑可以审核案例")
    task.on_action(task_state, user, action, comment=comment)


def firm_image_collection_ensure(*, firm) -> Collection:
    """The collection of one firm's case images under 三微案例图片 (registry.collections). Uploads
    follow Wagtail's image rules (no SVG)."""
    return firm_collection_ensure(
        firm=firm, section=IMAGE_COLLECTION, app_label="wagtailimages", codenames=FIRM_IMAGE_PERMISSIONS
    )


def firm_image_collections_ensure(*, user) -> None:
    """The image collection of each firm the user works for (made on first need)."""
    for firm in Firm.objects.filter(pk__in=user_firm_ids(user)):
        firm_image_collection_ensure(firm=firm)
