"""Background work of the supervision group's inbox, run by the task queue's worker."""

from django_tasks import task

from . import cases


@task()
def send_deadline_reminders() -> int:
    return cases.send_deadline_reminders()
