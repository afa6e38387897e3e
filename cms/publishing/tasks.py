"""Background tasks of the public site's builds, run by the task queue's worker."""

from django.core.management import call_command
from django_tasks import task

from . import builds
from .models import ScheduledBuild, SiteBuild


@task()
def run_site_build(build_id: int) -> str:
    build = builds.run_build(build_id)
    return build.status if build else "skipped"


@task()
def retry_site_build(failed_id: int) -> str:
    """Ask again for a build that failed for a passing reason, unless one has worked since."""
    if SiteBuild.objects.filter(pk__gt=failed_id, status=SiteBuild.Status.SUCCEEDED).exists():
        return "not needed"
    builds.request_build(f"自动重试：构建 #{failed_id} 失败")
    return "requested"


@task()
def run_scheduled_build(scheduled_id: int) -> str:
    scheduled = ScheduledBuild.objects.filter(pk=scheduled_id).first()
    if scheduled is None:
        return "skipped"
    builds.request_build(scheduled.reason)
    scheduled.delete()
    return "requested"


@task()
def publish_scheduled_pages() -> str:
    """The scheduled publishing (this app's publish_scheduled, which obeys no expiry), run
    by the queue when a version falls due instead of by a cron job; each page it
    publishes asks for a build as usual."""
    call_command("publish_scheduled")
    return "done"
