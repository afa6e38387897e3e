"""Builds that failed for a passing reason (a full disk, a database restart, a killed
process, an error nobody foresaw: a permission, a missing directory) are tried again by
themselves, with growing pauses and a cap, so the public site never silently stops
updating; each failed build says in the admin what happened and when the next try is
due, or why there is none (content the site refuses fails the same way every time)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone

from gongshi_site import atomic

from .models import SiteBuild

logger = logging.getLogger(__name__)
DATABASE_DOWN = "数据库暂时不可用（连接中断或数据库重启），构建未完成，公开站点保持不变。"


def is_transient(failure: atomic.BuildFailed) -> bool:
    return failure.transient or isinstance(failure.__cause__, DatabaseError)


def explain(failure: atomic.BuildFailed) -> str:
    if isinstance(failure.__cause__, DatabaseError):
        return f"{DATABASE_DOWN}\n{failure.__cause__}".strip()
    return str(failure)


# What an unexpected error most likely means on the machine, by its type (the first match).
UNEXPECTED = [
    (
        PermissionError,
        "没有权限读写站点目录或其中的文件：请检查目录的所有者和权限（运行工作进程的用户须可写）。",
    ),
    (
        FileNotFoundError | NotADirectoryError,
        "站点目录或构建所需的目录、文件不存在或不是目录（可能被删除、移动或挂载失败）。",
    ),
    (OSError, "读写站点目录时出错。"),
]


def explain_unexpected(error: Exception) -> str:
    """What went wrong, for a build that failed otherwise than as a build can (BuildFailed):
    the likely cause in words, then the error as Python gave it."""
    if isinstance(error, DatabaseError):
        return f"{DATABASE_DOWN}\n{error}".strip()
    cause = next((text for kind, text in UNEXPECTED if isinstance(error, kind)), "程序出错。")
    return f"构建意外中止，公开站点保持不变。{cause}\n{type(error).__name__}: {error}"


def note_no_retry(failed: SiteBuild) -> None:
    """Say in a failed build's error that it is not tried again, and what to do: the same
    content would fail the same way."""
    failed.error = (
        f"{failed.error}\n\n此类失败重试无益，不再自动进行：请查看上面的错误并修正，"
        "然后再次发布任一内容，或由管理员运行 manage.py build_site。"
    ).strip()
    failed.save(update_fields=["error"])


def delay_before(attempt: int) -> int:
    """Seconds before retry number `attempt` (1, 2, ...): doubling from the base, capped."""
    base = settings.GONGSHI_BUILD_RETRY_DELAY
    return min(base * 2 ** (attempt - 1), settings.GONGSHI_BUILD_RETRY_MAX_DELAY)


def consecutive_failures(build: SiteBuild) -> int:
    """Failed builds up to this one since the last that succeeded."""
    last_good = (
        SiteBuild.objects.filter(status=SiteBuild.Status.SUCCEEDED, pk__lt=build.pk)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return SiteBuild.objects.filter(
        status=SiteBuild.Status.FAILED, pk__lte=build.pk, pk__gt=last_good or 0
    ).count()


def schedule_retry(failed: SiteBuild, enqueue: Callable[[datetime], object]) -> int | None:
    """Queue a retry of a failed build after a pause, by calling `enqueue` with the time
    it is due (tasks.schedule_retry passes the retry task's); the pause in seconds, or None
    when the cap is reached (the build's error then asks for a person)."""
    attempt = consecutive_failures(failed)
    limit = settings.GONGSHI_BUILD_RETRIES
    if attempt > limit:
        note = (
            f"已连续失败 {attempt} 次，不再自动重试：请管理员排除故障后运行 "
            "manage.py build_site，或再次发布任一内容触发构建。"
        )
        delay = None
    else:
        delay = delay_before(attempt)
        enqueue(timezone.now() + timedelta(seconds=delay))
        note = f"将在 {delay} 秒后自动重试（第 {attempt} 次，最多 {limit} 次）。"
    failed.error = f"{failed.error}\n\n{note}".strip()
    failed.save(update_fields=["error"])
    return delay


def save_when_database_answers(build: SiteBuild) -> None:
    """Record a finished build even across a database restart: the site was built (or
    not) whatever the database did meanwhile, and a build left marked running would
    only be noticed when the worker restarts."""
    deadline = time.monotonic() + settings.GONGSHI_BUILD_DATABASE_WAIT
    pause = 0.5
    while True:
        try:
            build.save()
            return
        except DatabaseError:
            if time.monotonic() > deadline:
                raise
            logger.warning("数据库暂时不可用，%.1f 秒后重试记录构建 #%s 的结果", pause, build.pk)
            _drop_broken_connections()
            time.sleep(pause)
            pause = min(pause * 2, 5)


def _drop_broken_connections() -> None:
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()
    close_old_connections()
