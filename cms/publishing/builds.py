"""One build of the public site from the CMS: the export and the publication log into
content/, Pelican over the whole site or only a publish's changed pages, the atomic swap,
the push.

This module knows nothing of the task queue. tasks.py asks for builds, runs them on the
queue's worker under the build lock and queues what follows one (a retry, the next day the
site changes by itself): the queue calls the build, never the other way (ADR 0039).

The publication log (cms.recordlog) registers itself here (`register_publication_log`),
so that the log depends on the build and not the build on the log; a build with no log
registered fails and publishes nothing (ADR 0031).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core import checks
from django.utils import timezone

from gongshi_site import atomic

from . import export, locks, push, retries
from .models import SiteBuild

logger = logging.getLogger(__name__)
INTERRUPTED = "构建进程中断（进程被终止或服务器重启），已重新排队。"
NO_PUBLICATION_LOG = (
    "公开记录未接入构建（cms.recordlog 未安装或未注册），站点未发布：请检查 INSTALLED_APPS。"
)


def site_dir() -> Path:
    return Path(settings.GONGSHI_SITE_DIR)


class PublicationLog(Protocol):
    """What a build needs of the publication log: cms.recordlog.export is one."""

    def previous_head(self, content: Path | None) -> dict | None:
        """The signed head in a build's content/ (the live one's), if it has one."""

    def write(self, directory: Path, previous_head: dict | None = None) -> int:
        """Write the whole log into content/ `directory`, checked against
        `previous_head`; raises gongshi.record.heads.RecordInvalid if it does not verify."""

    def files(self, previous_head: dict | None = None, *, incremental: bool = False) -> dict:
        """{path under content/: bytes} of the log's pages changed since `previous_head`."""


_publication_log: PublicationLog | None = None


def register_publication_log(log: PublicationLog) -> None:
    """Called by cms.recordlog's AppConfig.ready."""
    global _publication_log
    _publication_log = log


def publication_log() -> PublicationLog:
    """The registered log; a build without one fails rather than publish a site whose log
    is missing or unchecked."""
    if _publication_log is None:
        raise atomic.BuildFailed(NO_PUBLICATION_LOG)
    return _publication_log


def check_publication_log(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`manage.py check` (CI; also run by migrate and runserver) says so when no log is
    registered, before the first build fails on it."""
    if _publication_log is None:
        return [checks.Error(NO_PUBLICATION_LOG, id="publishing.E001")]
    return []


def claim(build_id: int) -> SiteBuild | None:
    """Mark a queued build running, for the caller holding the build lock; None when
    another worker has claimed it already."""
    claimed = SiteBuild.objects.filter(pk=build_id, status=SiteBuild.Status.QUEUED).update(
        status=SiteBuild.Status.RUNNING, started_at=timezone.now()
    )
    return SiteBuild.objects.get(pk=build_id) if claimed else None


def run(build: SiteBuild) -> bool:
    """Run a claimed build and record how it ended (`build.status`, `error`); returns
    whether a failure may pass by itself (worth a retry). The public site changes only if
    the build succeeded. A worker stopped in the middle records the build as interrupted
    and lets the exception through."""
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
    except BaseException:  # the worker stopped in the middle: recorded; the caller asks again
        build.status, build.error = SiteBuild.Status.FAILED, INTERRUPTED
        build.finished_at = timezone.now()
        retries.save_when_database_answers(build)
        raise
    else:
        if failure := push.push_configured_build(build.pk, published or result):
            build.status, build.error = SiteBuild.Status.FAILED, failure
            transient = True  # object storage out of reach; the site here is built
            logger.warning("构建 #%s 推送失败：%s", build.pk, failure)
    build.finished_at = timezone.now()
    retries.save_when_database_answers(build)
    return transient


def export_with_record(directory: Path) -> int:
    """Write the export and the publication log into a build's content/ `directory`; the
    log must verify, and extend the live build's, or the build fails (ADR 0031)."""
    from gongshi.record.heads import RecordInvalid

    log = publication_log()  # before anything is written: no log, no build
    count = export.write(export.collect(), directory)
    live = atomic.live_output(site_dir())
    try:
        previous = log.previous_head(live.parent / "content" if live else None)
        log.write(directory, previous)
    except RecordInvalid as invalid:
        raise atomic.BuildFailed(f"公开记录校验失败，站点未发布：{invalid}") from invalid
    return count


def _incremental_build(build: SiteBuild):
    """Publish the build's changed pages incrementally; None when it needs a full build."""
    # No pages changed: the date-driven build (tasks.request_build), the new day alone.
    if not settings.GONGSHI_INCREMENTAL_BUILDS or build.changed_pages is None:
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
    from . import incremental

    log = publication_log()
    files: dict[str, bytes | None] = dict(export.partial_export(page_ids))
    live = atomic.live_output(site_dir())
    previous = log.previous_head(live.parent / "content" if live else None)
    if previous is None:
        raise incremental.NeedsFullBuild("线上站点没有公开记录")
    files.update(log.files(previous, incremental=True))
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


def fail_interrupted_builds() -> list[SiteBuild] | None:
    """Mark builds left running by a killed process as failed; returns them, or None when
    a build is running now (the locks are taken).

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
        return None
    return stale


def _pelican_environment() -> dict:
    environment = {"GONGSHI_SITE_URL": settings.GONGSHI_SITE_URL}
    return {key: value for key, value in environment.items() if value}
