"""Running jobs. The embedded default runs them on a small thread pool inside the web process (no
server to install); DANGJIAN_JOBS=celery sends them to Celery workers on the Redis broker named by
CELERY_BROKER_URL, as many as there are machines; DANGJIAN_JOBS=sync runs them inline (commands).

A job kind is registered with `register(kind, run=...)`; a kind that can be split registers
`split` (the parts' parameters) and `combine` (the parts' results → the job's result): on Celery
each part is its own task, so more workers finish sooner.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F
from django.utils import timezone

from dangjian.core.dbrouter import replica_reads
from dangjian.jobs.models import Job, JobStatus

log = logging.getLogger(__name__)


class Cancelled(Exception):
    pass


class JobError(Exception):
    """A failure whose message is user-facing Chinese (kept with the job)."""


Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class JobKind:
    run: Callable[[Job, Progress], dict[str, Any]] | None = None
    split: Callable[[Job], list[dict[str, Any]]] | None = None
    part: Callable[[Job, dict[str, Any]], Any] | None = None
    combine: Callable[[Job, list[Any]], dict[str, Any]] | None = None


KINDS: dict[str, JobKind] = {}


def register(kind: str, **functions: Any) -> None:
    KINDS[kind] = JobKind(**functions)


def backend() -> str:
    return getattr(settings, "JOBS_BACKEND", "thread")


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _thread_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=settings.JOBS_THREADS, thread_name_prefix="dangjian-job")
        return _pool


def enqueue(
    kind: str, *, user: Any, organization: Any, title: str, params: dict[str, Any] | None = None
) -> Job:
    if kind not in KINDS:
        raise KeyError(kind)
    job = Job.objects.create(
        kind=kind,
        title=title,
        user=user if getattr(user, "pk", None) else None,
        organization=organization,
        params=params or {},
    )
    transaction.on_commit(lambda: dispatch(job.pk))
    return job


def dispatch(job_id: int) -> None:
    mode = backend()
    if mode == "celery":
        from dangjian.jobs.tasks import run_job_task

        run_job_task.delay(job_id)
    elif mode == "sync":
        run_job(job_id)
    else:
        _thread_pool().submit(_in_thread, job_id)


def _in_thread(job_id: int) -> None:
    close_old_connections()
    try:
        run_job(job_id)
    finally:
        close_old_connections()


def _progress(job: Job) -> Progress:
    def report(percent: int, message: str) -> None:
        Job.objects.filter(pk=job.pk).update(progress=max(0, min(100, percent)), message=message[:200])
        if Job.objects.filter(pk=job.pk, cancel_requested=True).exists():
            raise Cancelled

    return report


def _claim(job_id: int) -> Job | None:
    """Compare-and-set QUEUED → RUNNING, so a job never runs twice."""
    if (
        Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now()
        )
        != 1
    ):
        return None
    return Job.objects.get(pk=job_id)


def _finish(job: Job, status: str, **fields: Any) -> None:
    Job.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(), **fields)


def on_replica(kind: str) -> bool:
    """Report jobs read on the read replica when there is one (settings.REPLICA_READ_JOBS)."""
    return kind.startswith(tuple(getattr(settings, "REPLICA_READ_JOBS", ())))


def run_job(job_id: int) -> None:
    job = _claim(job_id)
    if job is None:
        return
    with replica_reads(on_replica(job.kind)):
        _run_claimed(job)


def _run_claimed(job: Job) -> None:
    kind = KINDS[job.kind]
    try:
        if job.cancel_requested:
            raise Cancelled
        if kind.split is not None:
            parts = kind.split(job)
            Job.objects.filter(pk=job.pk).update(parts_total=len(parts), message=f"共{len(parts)}个部分")
            if backend() == "celery" and len(parts) > 1:
                from dangjian.jobs.tasks import fan_out

                fan_out(job, parts)
                return  # the chord's callback finishes the job
            results = []
            report = _progress(job)
            for i, params in enumerate(parts, start=1):
                results.append(kind.part(job, params))  # type: ignore[misc]
                report(int(95 * i / max(1, len(parts))), f"已完成{i}/{len(parts)}部分")
            result = kind.combine(job, results)  # type: ignore[misc]
        else:
            result = kind.run(job, _progress(job))  # type: ignore[misc]
        _finish(job, JobStatus.DONE, progress=100, message="已完成", result=result or {})
    except Cancelled:
        _finish(job, JobStatus.CANCELLED, message="已取消")
    except JobError as exc:
        _finish(job, JobStatus.FAILED, error=str(exc), message="失败")
    except Exception:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(
            job,
            JobStatus.FAILED,
            error="任务运行出错，已记录日志，请稍后重试或联系系统管理员",
            message="失败",
        )


def part_done(job_id: int) -> None:
    Job.objects.filter(pk=job_id).update(parts_done=F("parts_done") + 1)
    job = Job.objects.get(pk=job_id)
    if job.parts_total:
        Job.objects.filter(pk=job_id).update(
            progress=int(95 * job.parts_done / job.parts_total),
            message=f"已完成{job.parts_done}/{job.parts_total}部分",
        )


def cancel(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.CANCELLED, finished_at=timezone.now(), message="已取消"
    )
