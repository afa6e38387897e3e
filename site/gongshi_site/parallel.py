"""Run a build's independent jobs (the search index, each share of the pages and feeds)
at once, one forked process each, and fail the build if any of them fails.

Forked after the model is assembled, every process starts with the whole model without
pickling it; gc.freeze() keeps the collector from touching (and so copying) the objects
the processes share. A job that raises or is killed stops the build with a Chinese
message naming it; the others are stopped, and nothing is made live (cms/publishing/
atomic.py swaps `live` only after a build that exited 0).
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    name: str  # what it makes, in Chinese: named when it fails
    run: Callable[[], object]


class JobFailed(Exception):
    """A job failed; the message names it, in Chinese."""

    exitcode = 1


def run_jobs(
    jobs: list[Job], parallel: bool, while_waiting: Callable[[], None] | None = None
) -> dict[str, float]:
    """Run every job, forked when `parallel`, else one after the other in this process;
    `while_waiting` runs in this process meanwhile. Raises JobFailed for the first job
    that failed, after every job has ended. Returns the CPU seconds each job took."""
    cpu: dict[str, float] = {}
    if not parallel or not hasattr(os, "fork"):
        if while_waiting:
            while_waiting()
        for job in jobs:
            started = time.process_time()
            try:
                job.run()
            except Exception as error:
                raise JobFailed(f"{job.name}失败：{type(error).__name__}：{error}") from error
            cpu[job.name] = time.process_time() - started
        return cpu
    gc.collect()
    gc.freeze()
    sys.stdout.flush()
    sys.stderr.flush()
    running: dict[int, Job] = {}
    try:
        for job in jobs:
            running[_fork(job)] = job
        if while_waiting:
            while_waiting()
        failure = None
        while running:
            pid, status, usage = os.wait4(-1, 0)
            job = running.pop(pid, None)
            if job is None:
                continue
            cpu[job.name] = usage.ru_utime + usage.ru_stime
            reason = _failure(status)
            if reason and failure is None:
                failure = f"{job.name}失败：{reason}"
                _stop(running)
        if failure:
            raise JobFailed(failure)
        return cpu
    finally:
        _stop(running)
        gc.unfreeze()


def _fork(job: Job) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        job.run()
    except BaseException as error:  # whatever it is, the child must exit
        traceback.print_exc()
        print(f"{job.name}失败：{type(error).__name__}：{error}", file=sys.stderr)
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _failure(status: int) -> str | None:
    if os.WIFSIGNALED(status):
        return f"进程被信号 {os.WTERMSIG(status)} 终止"
    code = os.WEXITSTATUS(status)
    return f"进程退出码 {code}（原因见上方输出）" if code else None


def _stop(running: dict[int, Job]) -> None:
    """Stop the jobs still running (ours, by pid) and reap them."""
    for pid in list(running):
        try:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        running.pop(pid, None)
