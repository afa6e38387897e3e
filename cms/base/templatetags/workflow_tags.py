"""What a workflow's history shows of its steps: the second approval (撤销复核) only for the
items that take two approvers (revocations). The others skip it automatically
(SecondApprovalTask.start), and their history does not mention it."""

from django import template

from cms.base.models import SecondApprovalTask

register = template.Library()


def _shown(task, item) -> bool:
    task = getattr(task, "specific", task)
    if not isinstance(task, SecondApprovalTask):
        return True
    model = getattr(item, "specific_class", None) or type(item)  # pages load as Page
    return bool(getattr(model, "requires_two_approvals", False))


@register.simple_tag
def shown_tasks(tasks, item) -> list:
    return [task for task in tasks if _shown(task, item)]


@register.simple_tag
def shown_task_states(task_states, tasks, item) -> list:
    """A revision's row of task states (one per task of `tasks`, None where not started),
    without the columns `shown_tasks` leaves out."""
    return [state for state, task in zip(task_states, tasks, strict=True) if _shown(task, item)]


@register.filter
def shown_for(task_state, item) -> bool:
    return task_state is None or _shown(task_state.task, item)
