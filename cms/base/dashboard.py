"""The dashboard per role (编辑, 审核; the supervision group's panel lives in
cms/supervision): what each person has to do today, in their words.

- 编辑: my drafts; what was sent back to me, with the reviewer's comment; the notices
  in publicity now with their end dates; how many objections and reports concern my
  notices, as counts by state (never their content or who sent them: ADR 0007).
- 审核: what waits for me, with what approving today would do (the publicity period,
  a late publication, a refusal: cms.base.publication); for an item whose first
  approval is given and that needs a second (a revocation), who can give it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import Page, TaskState, WorkflowState

from . import roles


class _Panel(Component):
    template_name = ""

    def __init__(self, **context):
        self.context = context

    def render_html(self, parent_context):
        return render_to_string(self.template_name, self.context)


class EditorPanel(_Panel):
    name = "gongshi_editor"
    order = 10
    template_name = "base/dashboard/editor_panel.html"


class ApproverPanel(_Panel):
    name = "gongshi_approver"
    order = 10
    template_name = "base/dashboard/approver_panel.html"


# --- 编辑 ------------------------------------------------------------------------------------


def my_drafts(user):
    """Pages whose latest version is mine and not live, and not waiting in review."""
    in_review = WorkflowState.objects.active().values_list("object_id", flat=True)
    return (
        Page.objects.filter(latest_revision__user=user, has_unpublished_changes=True)
        .exclude(pk__in=[int(pk) for pk in in_review])
        .specific()
        .order_by("-latest_revision_created_at")[:20]
    )


def sent_back(user):
    """Items I submitted that a reviewer sent back, with who and why."""
    rows = []
    states = WorkflowState.objects.filter(
        requested_by=user, status=WorkflowState.STATUS_NEEDS_CHANGES
    ).order_by("-created_at")
    for state in states[:20]:
        rejected = (
            TaskState.objects.filter(workflow_state=state, status=TaskState.STATUS_REJECTED)
            .select_related("finished_by")
            .order_by("-finished_at")
            .first()
        )
        rows.append(
            {
                "item": state.content_object,
                "by": rejected.finished_by if rejected else None,
                "at": rejected.finished_at if rejected else None,
                "comment": rejected.get_comment() if rejected else "",
            }
        )
    return rows


# The apps built on the kernel add their part of an editor's work (notices in publicity,
# cases about them) through this hook: fn(user, today) -> dict for the panel's template.
EDITOR_DASHBOARD_HOOK = "gongshi_editor_dashboard"


def editor_context(user) -> dict:
    today = timezone.localdate()
    context = {"drafts": my_drafts(user), "sent_back": sent_back(user), "today": today}
    for contribute in hooks.get_hooks(EDITOR_DASHBOARD_HOOK):
        context.update(contribute(user, today))
    return context


# --- 审核 ------------------------------------------------------------------------------------


def awaiting(user):
    """Tasks in progress that `user` may act on (their group, not their own item), and
    items whose first approval is given and wait for a second approver."""
    from .models import IndependentApprovalTask, SecondApprovalTask

    mine, second = [], []
    states = (
        TaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS)
        .select_related("workflow_state__requested_by", "task")
        .order_by("started_at")
    )
    for task_state in states:
        task = task_state.task.specific
        if not isinstance(task, IndependentApprovalTask):
            continue
        obj = task_state.workflow_state.content_object
        obj = getattr(obj, "specific", obj)
        row = {
            "item": obj,
            "task_state": task_state,
            "submitted_by": task_state.workflow_state.requested_by,
        }
        if isinstance(task, SecondApprovalTask):
            row["first"] = (
                TaskState.objects.filter(
                    workflow_state=task_state.workflow_state, status=TaskState.STATUS_APPROVED
                )
                .exclude(task=task)
                .select_related("finished_by")
                .order_by("-finished_at")
                .first()
            )
            row["who_can"] = who_can_approve(task, obj)
            second.append(row)
        in_groups = user.groups.filter(pk__in=task.groups.values("pk")).exists()
        if in_groups and not task.refusal_reason(obj, user):
            mine.append(row)
    return mine, second


def who_can_approve(task, obj) -> list:
    users = get_user_model().objects.filter(groups__in=task.groups.all(), is_active=True).distinct()
    return [user for user in users.order_by("username") if not task.refusal_reason(obj, user)]


def approver_context(user) -> dict:
    mine, second = awaiting(user)
    return {"awaiting": mine, "second": second}


def add_panels(request, panels):
    user = request.user
    if roles.in_group(user, roles.EDITORS):
        panels.append(EditorPanel(**editor_context(user)))
    if roles.in_group(user, roles.APPROVERS):
        panels.append(ApproverPanel(**approver_context(user)))
