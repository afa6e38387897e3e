"""Deadline reminders run every morning from the task queue, one daily chain however often
the worker restarts."""

from datetime import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import default_task_backend

from cms.supervision import tasks
from cms.supervision.models import ReminderRun

pytestmark = pytest.mark.django_db


def queued_reminders():
    return [
        result
        for result in default_task_backend.results
        if result.task.func == tasks.send_deadline_reminders.func
    ]


@pytest.fixture(autouse=True)
def empty_queue():
    default_task_backend.clear()


def china(*args):
    return timezone.make_aware(datetime(*args))


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (china(2026, 11, 23, 7, 0), china(2026, 11, 23, 8, 30)),  # this morning, still ahead
        (china(2026, 11, 23, 8, 30), china(2026, 11, 24, 8, 30)),  # due now: tomorrow's
        (china(2026, 11, 23, 22, 0), china(2026, 11, 24, 8, 30)),
    ],
)
def test_the_next_run_is_the_next_morning(now, due, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.schedule_reminders(now) == due
    (result,) = queued_reminders()
    assert result.task.run_after == due


def test_a_restarted_worker_does_not_start_a_second_chain(django_capture_on_commit_callbacks):
    now = china(2026, 11, 23, 22, 0)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.schedule_reminders(now)
        tasks.schedule_reminders(now)
    assert len(queued_reminders()) == 1
    assert ReminderRun.objects.count() == 1


def test_each_run_queues_the_next(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_deadline_reminders.call()
    (result,) = queued_reminders()
    assert result.task.run_after > timezone.now()


@pytest.mark.django_db(transaction=True)
def test_the_worker_queues_the_reminders_when_it_starts(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("site_worker", "--batch", verbosity=0)  # nothing is due: it starts and stops
    (run,) = ReminderRun.objects.all()
    (queued,) = DBTaskResult.objects.filter(task_path__endswith="send_deadline_reminders")
    assert queued.run_after == run.due_at
