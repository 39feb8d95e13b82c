"""Celery tasks: thin wrappers around the runner (enqueued on commit)."""

from __future__ import annotations

import logging
from typing import Any

from celery import chord, shared_task
from django.utils import timezone

from dangjian.jobs.models import Job, JobStatus

log = logging.getLogger(__name__)


@shared_task(name="dangjian.run_job")
def run_job_task(job_id: int) -> None:
    from dangjian.jobs.runner import run_job

    run_job(job_id)


@shared_task(name="dangjian.run_part")
def run_part_task(job_id: int, params: dict[str, Any]) -> Any:
    from dangjian.core.dbrouter import replica_reads
    from dangjian.jobs.runner import KINDS, JobError, on_replica, part_done

    job = Job.objects.get(pk=job_id)
    if job.cancel_requested or job.finished:
        return None
    try:
        with replica_reads(on_replica(job.kind)):
            result = KINDS[job.kind].part(job, params)  # type: ignore[misc]
    except Exception as exc:
        # A failed part fails the chord (its callback never runs): finish the job here, not "running" forever.
        log.exception("job %s (%s) part %s failed", job.pk, job.kind, params)
        error = (
            str(exc) if isinstance(exc, JobError) else "任务运行出错，已记录日志，请稍后重试或联系系统管理员"
        )
        Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), error=error, message="失败"
        )
        raise
    part_done(job_id)
    return result


@shared_task(name="dangjian.combine_parts")
def combine_task(results: list[Any], job_id: int) -> None:
    from dangjian.core.dbrouter import replica_reads
    from dangjian.jobs.runner import KINDS, _finish, on_replica

    job = Job.objects.get(pk=job_id)
    if job.finished:
        return
    if job.cancel_requested:
        _finish(job, JobStatus.CANCELLED, message="已取消")
        return
    try:
        with replica_reads(on_replica(job.kind)):
            result = KINDS[job.kind].combine(job, results)  # type: ignore[misc]
    except Exception:  # noqa: BLE001 - any failure is kept with the job
        _finish(job, JobStatus.FAILED, error="任务运行出错，已记录日志", message="失败")
        raise
    _finish(job, JobStatus.DONE, progress=100, message="已完成", result=result or {})


def fan_out(job: Job, parts: list[dict[str, Any]]) -> None:
    chord(run_part_task.s(job.pk, p) for p in parts)(combine_task.s(job.pk))
