"""Celery tasks: thin wrappers around the runner (enqueued on commit)."""

from __future__ import annotations

from typing import Any

from celery import chord, shared_task

from dangjian.jobs.models import Job, JobStatus


@shared_task(name="dangjian.run_job")
def run_job_task(job_id: int) -> None:
    from dangjian.jobs.runner import run_job

    run_job(job_id)


@shared_task(name="dangjian.run_part")
def run_part_task(job_id: int, params: dict[str, Any]) -> Any:
    from dangjian.jobs.runner import KINDS, part_done

    job = Job.objects.get(pk=job_id)
    if job.cancel_requested:
        return None
    result = KINDS[job.kind].part(job, params)  # type: ignore[misc]
    part_done(job_id)
    return result


@shared_task(name="dangjian.combine_parts")
def combine_task(results: list[Any], job_id: int) -> None:
    from dangjian.jobs.runner import KINDS, _finish

    job = Job.objects.get(pk=job_id)
    if job.cancel_requested:
        _finish(job, JobStatus.CANCELLED, message="已取消")
        return
    try:
        result = KINDS[job.kind].combine(job, results)  # type: ignore[misc]
    except Exception:  # noqa: BLE001 - any failure is kept with the job
        _finish(job, JobStatus.FAILED, error="任务运行出错，已记录日志", message="失败")
        raise
    _finish(job, JobStatus.DONE, progress=100, message="已完成", result=result or {})


def fan_out(job: Job, parts: list[dict[str, Any]]) -> None:
    chord(run_part_task.s(job.pk, p) for p in parts)(combine_task.s(job.pk))
