"""The production worker: the start-up steps, then RQ's worker with django-tasks' job
class and the scheduler."""

from unittest import mock

import pytest
from django.core.management import CommandError, call_command

RQ = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


def test_it_runs_the_start_up_steps_then_the_rq_worker(settings):
    settings.TASKS = RQ
    calls = []
    with (
        mock.patch("cms.publishing.worker.start_up", side_effect=lambda: calls.append("start")),
        mock.patch(
            "cms.publishing.management.commands.gongshi_worker.call_command",
            side_effect=lambda *args, **kwargs: calls.append(args),
        ),
    ):
        call_command("gongshi_worker", "--burst")
    assert calls == [
        "start",
        (
            "rqworker",
            "--job-class",
            "django_tasks_rq.Job",
            "--with-scheduler",
            "--worker-class",
            "rq.worker.SimpleWorker",
            "--burst",
            "default",
        ),
    ]


def test_without_redis_it_says_which_command_to_use(settings):
    with pytest.raises(CommandError, match="site_worker"):
        call_command("gongshi_worker")


@pytest.mark.django_db
def test_the_start_up_steps_are_those_of_site_worker(settings):
    from cms.publishing import worker

    with (
        mock.patch("cms.publishing.worker.call_command") as command,
        mock.patch("cms.publishing.worker.schedule_reminders") as reminders,
        mock.patch("cms.publishing.tasks.recover_interrupted_builds", return_value=2),
    ):
        assert worker.start_up() == 2
    command.assert_called_once_with("publish_scheduled")
    reminders.assert_called_once_with()
