"""What a task worker does before it takes its first task, whichever queue runs the tasks
(`manage.py site_worker` on the database queue, `manage.py gongshi_worker` on Redis)."""

from django.core.management import call_command

from cms.supervision.tasks import schedule_reminders

from . import tasks


def start_up() -> int:
    """Catch up on what fell due while no worker ran and put interrupted or waiting builds
    back on the queue; returns how many builds had been interrupted."""
    call_command("publish_scheduled")  # what fell due while no worker ran
    schedule_reminders()  # the supervision group's daily deadline reminders
    return tasks.recover_interrupted_builds()
