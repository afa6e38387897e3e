"""Background work of the supervision group's inbox, run by the task queue's worker."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import cases

REMINDERS_AT = time(8, 30)  # before the office opens: a deadline due today is still news


@task()
def send_deadline_reminders() -> int:
    sent = cases.send_deadline_reminders()
    schedule_reminders()
    return sent


def schedule_reminders(now: datetime | None = None):
    """Queue the next daily reminder run, unless it is queued already; returns its time."""
    from .models import ReminderRun

    now = timezone.localtime(now or timezone.now())
    due = timezone.make_aware(datetime.combine(now.date(), REMINDERS_AT))
    if due <= now:
        due = timezone.make_aware(datetime.combine(now.date() + timedelta(days=1), REMINDERS_AT))
    run, new = ReminderRun.objects.get_or_create(due_at=due)
    if new:
        transaction.on_commit(lambda: send_deadline_reminders.using(run_after=due).enqueue())
    return run.due_at
