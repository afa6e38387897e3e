"""The build queue: asking for builds of the public site, the background tasks that run
them on the task queue's worker, and the builds queued for later (a retry, the days the
site changes by itself, a version due to go live).

An editor's publish only records a request (`request_build`); a worker runs the build
(`run_build`, the build itself being builds.py's). Requests made before a build starts
join it, so a burst of publishes costs one build; a request made while a build runs gets
the next one, which exports what was published meanwhile.

The queue calls the build and never the other way: the tasks and everything that
enqueues them live here, so builds.py and retries.py import no task (ADR 0039). Queued
jobs name their task by its dotted path (`cms.publishing.tasks.run_site_build`): the
tasks keep their module and names, or jobs already queued would fail.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from gongshi_site import atomic

from . import builds, locks, retries
from .models import ScheduledBuild, SiteBuild


@task()
def run_site_build(build_id: int) -> str:
    build = run_build(build_id)
    return build.status if build else "skipped"


@task()
def retry_site_build(failed_id: int) -> str:
    """Ask again for a build that failed for a passing reason, unless one has worked since."""
    if SiteBuild.objects.filter(pk__gt=failed_id, status=SiteBuild.Status.SUCCEEDED).exists():
        return "not needed"
    request_build(f"自动重试：构建 #{failed_id} 失败")
    return "requested"


@task()
def run_scheduled_build(scheduled_id: int) -> str:
    scheduled = ScheduledBuild.objects.filter(pk=scheduled_id).first()
    if scheduled is None:
        return "skipped"
    request_build(scheduled.reason, new_day=True)
    scheduled.delete()
    return "requested"


@task()
def publish_scheduled_pages() -> str:
    """The scheduled publishing (this app's publish_scheduled, which obeys no expiry), run
    by the queue when a version falls due instead of by a cron job; each page it
    publishes asks for a build as usual."""
    call_command("publish_scheduled")
    return "done"


def request_build(trigger: str, page_id: int | None = None, *, new_day: bool = False) -> SiteBuild:
    """Ask for a build; returns the queued build this request joined or created.

    `page_id` names the page whose publishing (or unpublishing) this is: a build whose
    every trigger names one can be incremental. Without it the build is a full one,
    unless it is `new_day`, the date-driven build: the build date is all it changes,
    which an incremental build follows (gongshi_site/incremental_day.py)."""
    with transaction.atomic():
        locks.serialise_build_requests()  # so that only one build is ever queued
        queued = (
            SiteBuild.objects.select_for_update()
            .filter(status=SiteBuild.Status.QUEUED)
            .order_by("pk")
            .first()
        )
        if queued is not None:
            if trigger not in queued.trigger_list:
                queued.triggers = "\n".join([*queued.trigger_list, trigger])
            if page_id is not None and queued.changed_pages is not None:
                queued.changed_pages = sorted({*queued.changed_pages, page_id})
            elif page_id is None and not new_day:  # only a full build follows it
                queued.changed_pages = None
            queued.save(update_fields=["triggers", "changed_pages"])
            return queued
        changed_pages = [page_id] if page_id is not None else ([] if new_day else None)
        build = SiteBuild.objects.create(triggers=trigger, changed_pages=changed_pages)
        transaction.on_commit(lambda: run_site_build.enqueue(build.pk))
    return build


def run_build(build_id: int) -> SiteBuild | None:
    """Run a queued build and queue what follows it; None when another worker has taken
    it already.

    The build is claimed only once this worker holds the build lock (across machines on
    PostgreSQL, see locks.py), and exports, builds and pushes under it: builds run one at
    a time in the order they were claimed, each exports what was published before it
    started, and a build's number orders what it pushes (push.py never lets an older
    build replace a newer one). Requests made while it waits for the lock join it.
    """
    if not SiteBuild.objects.filter(pk=build_id, status=SiteBuild.Status.QUEUED).exists():
        return None  # a duplicate task: no need to wait for the lock to find out
    try:
        with locks.build_lock(wait=settings.GONGSHI_BUILD_TIMEOUT):
            build = builds.claim(build_id)
            if build is None:
                return None
            try:
                transient = builds.run(build)
            except BaseException:  # the worker stopped in the middle: asked again
                request_build(f"重试：构建 #{build.pk} 被中断")
                raise
            if build.status == SiteBuild.Status.SUCCEEDED:
                schedule_date_driven_builds()
            elif transient:
                schedule_retry(build)
            else:
                retries.note_no_retry(build)
            return build
    except atomic.BuildBusy:
        # Still queued: try again later rather than hold a queue worker for longer.
        run_site_build.enqueue(build_id)
        return None


def schedule_retry(failed: SiteBuild) -> int | None:
    """Queue the retry task for a build that failed for a passing reason (retries.py says
    when, and when to stop); the pause in seconds, or None once the cap is reached."""
    return retries.schedule_retry(
        failed,
        lambda due: retry_site_build.using(run_after=due).enqueue(failed.pk),
    )


def recover_interrupted_builds() -> int:
    """Mark builds left running by a killed process as failed and queue a new one, then
    put waiting builds back on the queue; returns how many had been interrupted (0 while
    a build is running)."""
    stale = builds.fail_interrupted_builds()
    if stale is None:
        return 0
    if stale:
        request_build(f"重试：构建 #{stale[-1].pk} 被中断")
    requeue_waiting_builds()
    return len(stale)


def requeue_waiting_builds() -> int:
    """Enqueue again every queued build: its task may never have reached this queue (an
    enqueue that failed, a changed backend, a restored database), and later requests join
    it, so without this the site would silently stop updating. A build is claimed
    atomically, so a duplicate task only skips."""
    waiting = list(
        SiteBuild.objects.filter(status=SiteBuild.Status.QUEUED).values_list("pk", flat=True)
    )
    for build_id in waiting:
        run_site_build.enqueue(build_id)
    return len(waiting)


def schedule_date_driven_builds(today: date | None = None) -> list[ScheduledBuild]:
    """Queue builds for the next days the public site changes by itself: a publicity
    period opening or closing, an award expiring."""
    from cms.decisions.models import Award
    from cms.notices.models import PublicityNoticePage

    today = today or timezone.localdate()
    moments: dict[date, str] = {}
    upcoming_or_open = Q(end_date__gte=today) | Q(end_date__isnull=True, start_date__gt=today)
    for notice in PublicityNoticePage.objects.live().filter(upcoming_or_open):
        if notice.start_date > today:
            moments.setdefault(notice.start_date, f"公示期开始：{notice.title}")
        if notice.end_date is not None:  # none where the regulation states no length
            moments.setdefault(notice.end_date + timedelta(days=1), f"公示期结束：{notice.title}")
    expiring = (
        Award.objects.filter(decision__live=True, valid_until__gte=today)
        .order_by("valid_until")
        .first()
    )
    if expiring:
        moments.setdefault(
            expiring.valid_until + timedelta(days=1), f"奖项到期：{expiring.recipient}"
        )
    created = []
    for day in sorted(moments)[: settings.GONGSHI_SCHEDULED_BUILDS_AHEAD]:
        due = timezone.make_aware(datetime.combine(day, time(0, 1)))
        scheduled, new = ScheduledBuild.objects.get_or_create(
            due_at=due, defaults={"reason": moments[day]}
        )
        if new:
            transaction.on_commit(
                lambda scheduled=scheduled: run_scheduled_build.using(
                    run_after=scheduled.due_at
                ).enqueue(scheduled.pk)
            )
            created.append(scheduled)
    return created


def schedule_publishing_run(when: datetime) -> None:
    """Run the scheduled publishing (publish_scheduled) when a version is due to go live."""
    transaction.on_commit(lambda: publish_scheduled_pages.using(run_after=when).enqueue())
