"""Requesting, running and scheduling builds of the public site from the CMS.

An editor's publish only records a request (`request_build`); a worker of the task queue
runs the build. Requests made before a build starts join it, so a burst of publishes
costs one build; a request made while a build runs gets the next one, which exports
what was published meanwhile.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongshi_site import atomic

from . import export, locks, push, retries
from .models import ScheduledBuild, SiteBuild

logger = logging.getLogger(__name__)
INTERRUPTED = "构建进程中断（进程被终止或服务器重启），已重新排队。"


def site_dir() -> Path:
    return Path(settings.GONGSHI_SITE_DIR)


def request_build(trigger: str, page_id: int | None = None) -> SiteBuild:
    """Ask for a build; returns the queued build this request joined or created.

    `page_id` names the page whose publishing (or unpublishing) this is: a build whose
    every trigger names one can be incremental. Without it the build is a full one."""
    from .tasks import run_site_build

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
            if queued.changed_pages is not None:
                queued.changed_pages = (
                    sorted({*queued.changed_pages, page_id}) if page_id is not None else None
                )
            queued.save(update_fields=["triggers", "changed_pages"])
            return queued
        build = SiteBuild.objects.create(
            triggers=trigger, changed_pages=[page_id] if page_id is not None else None
        )
        transaction.on_commit(lambda: run_site_build.enqueue(build.pk))
    return build


def run_build(build_id: int) -> SiteBuild | None:
    """Run a queued build; None when another worker has taken it already.

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
            return _claim_and_run(build_id)
    except atomic.BuildBusy:
        from .tasks import run_site_build

        # Still queued: try again later rather than hold a queue worker for longer.
        run_site_build.enqueue(build_id)
        return None


def _claim_and_run(build_id: int) -> SiteBuild | None:
    claimed = SiteBuild.objects.filter(pk=build_id, status=SiteBuild.Status.QUEUED).update(
        status=SiteBuild.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    build = SiteBuild.objects.get(pk=build_id)
    transient = False
    try:
        published = _incremental_build(build)
        if published is not None:
            build.incremental = True
            build.status, build.output = SiteBuild.Status.SUCCEEDED, published.name
            build.item_count = len(build.changed_pages)
        else:
            result = atomic.build_site(
                site_dir(),
                export_with_record,
                settings_file=Path(settings.GONGSHI_PELICAN_SETTINGS),
                timeout=settings.GONGSHI_BUILD_TIMEOUT,
                environment=_pelican_environment(),
            )
            build.status = SiteBuild.Status.SUCCEEDED
            build.item_count, build.output = result.item_count, result.name
            remember_for_incremental_builds()
    except atomic.BuildFailed as failure:
        transient = retries.is_transient(failure)
        build.status, build.error = SiteBuild.Status.FAILED, retries.explain(failure)
        logger.warning("构建 #%s 失败，公开站点保持不变：%s", build.pk, failure)
    except Exception as error:  # a permission, a missing directory, a bug: never "构建中"
        transient = True  # what the machine lacks may be back (or put right) by the retry
        build.status, build.error = SiteBuild.Status.FAILED, retries.explain_unexpected(error)
        logger.exception("构建 #%s 意外出错，公开站点保持不变", build.pk)
    except BaseException:  # the worker stopped in the middle: recorded, and asked again
        build.status, build.error = SiteBuild.Status.FAILED, INTERRUPTED
        build.finished_at = timezone.now()
        retries.save_when_database_answers(build)
        request_build(f"重试：构建 #{build.pk} 被中断")
        raise
    else:
        if failure := push.push_configured_build(build.pk, published or result):
            build.status, build.error = SiteBuild.Status.FAILED, failure
            transient = True  # object storage out of reach; the site here is built
            logger.warning("构建 #%s 推送失败：%s", build.pk, failure)
    build.finished_at = timezone.now()
    retries.save_when_database_answers(build)
    if build.status == SiteBuild.Status.SUCCEEDED:
        schedule_date_driven_builds()
    elif transient:
        retries.schedule_retry(build)
    else:
        retries.note_no_retry(build)
    return build


def export_with_record(directory: Path) -> int:
    """Write the export and the publication log into a build's content/ `directory`; the
    log must verify, and extend the live build's, or the build fails (ADR 0031)."""
    from cms.recordlog import export as record_export
    from gongshi.record.heads import RecordInvalid

    count = export.write(export.collect(), directory)
    live = atomic.live_output(site_dir())
    try:
        previous = record_export.previous_head(live.parent / "content" if live else None)
        record_export.write(directory, previous)
    except RecordInvalid as invalid:
        raise atomic.BuildFailed(f"公开记录校验失败，站点未发布：{invalid}") from invalid
    return count


def _incremental_build(build: SiteBuild):
    """Publish the build's changed pages incrementally; None when it needs a full build."""
    if not settings.GONGSHI_INCREMENTAL_BUILDS or not build.changed_pages:
        return None
    # Only on top of the last build made anywhere: with workers on several machines the
    # build this worker remembers may not be the newest (docs/scaling.md).
    latest = SiteBuild.objects.filter(status=SiteBuild.Status.SUCCEEDED).order_by("-pk").first()
    live = atomic.live_output(site_dir())
    if latest is None or live is None or latest.output != live.parent.name:
        return None
    from . import incremental

    try:
        changes = changed_files(build.changed_pages)
        return incremental.publish(
            site_dir(),
            changes,
            settings_file=Path(settings.GONGSHI_PELICAN_SETTINGS),
            environment=_pelican_environment(),
        )
    except (incremental.NeedsFullBuild, export.NeedsFullExport) as reason:
        logger.info("构建 #%s 改为完整构建：%s", build.pk, reason)
        return None
    except atomic.BuildFailed as failure:
        # `live` and the old build are as they were and the state is dropped: the full
        # build that follows says whether the fault was the incremental path's.
        logger.warning("构建 #%s 的增量构建失败，改为完整构建：%s", build.pk, failure)
        return None


def changed_files(page_ids: list[int]) -> dict[str, bytes | None]:
    """{path under content/: bytes or None} for the pages `page_ids` as the full export
    would write them now, and for the pages whose export depends on them (pages linking
    to them, revocations of a decision's awards). Raises NeedsFullBuild for changes only
    a full export follows (programmes, editions, the home page, attachments)."""
    from cms.recordlog import export as record_export

    from . import incremental

    files: dict[str, bytes | None] = dict(export.partial_export(page_ids))
    live = atomic.live_output(site_dir())
    previous = record_export.previous_head(live.parent / "content" if live else None)
    if previous is None:
        raise incremental.NeedsFullBuild("线上站点没有公开记录")
    files.update(record_export.files(previous, incremental=True))
    return files


def remember_for_incremental_builds() -> None:
    """Load the new live build's state, so the next publish can be incremental."""
    if not settings.GONGSHI_INCREMENTAL_BUILDS:
        return
    from . import incremental

    try:
        incremental.load_state(
            site_dir(),
            settings_file=Path(settings.GONGSHI_PELICAN_SETTINGS),
            environment=_pelican_environment(),
        )
    except Exception:  # the site is built; the next publish is a full build instead
        incremental.forget_state()
        logger.exception("无法载入增量构建所需的状态，下次发布将完整构建")


def recover_interrupted_builds() -> int:
    """Mark builds left running by a killed process as failed and queue a new one.

    Holding the build lock (every machine's, on PostgreSQL) and the site lock proves no
    build is running, so a build still marked running was cut off.
    """
    try:
        with locks.build_lock(wait=0), atomic.site_lock(site_dir(), wait=False):
            stale = list(SiteBuild.objects.filter(status=SiteBuild.Status.RUNNING))
            for build in stale:
                build.status, build.error = SiteBuild.Status.FAILED, INTERRUPTED
                build.finished_at = timezone.now()
                build.save(update_fields=["status", "error", "finished_at"])
    except atomic.BuildBusy:
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
    from .tasks import run_site_build

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

    from .tasks import run_scheduled_build

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
    from .tasks import publish_scheduled_pages

    transaction.on_commit(lambda: publish_scheduled_pages.using(run_after=when).enqueue())


def _pelican_environment() -> dict:
    environment = {"GONGSHI_SITE_URL": settings.GONGSHI_SITE_URL}
    return {key: value for key, value in environment.items() if value}
