"""Self-check runs started from the page are jobs of the project's runner (dangjian.jobs.runner): with
the embedded default they run on the web process's thread pool, with DANGJIAN_JOBS=celery on the
Celery workers, as many as there are machines; the web servers then run none themselves. The command
and the tests run them synchronously.

The Run row holds what the page polls (progress, message, heartbeat); the Job row carries a cancel
request to the run, which stops at the next rule.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from dangjian.jobs.models import Job
from dangjian.jobs.runner import Progress, enqueue, register
from dangjian.selfcheck.models import Run

KIND = "selfcheck.run"


def runs_inline() -> bool:
    """Synchronous in tests, or when DOMAIN_RULES["selfcheck"]["inline"] is set."""
    selfcheck = getattr(settings, "DOMAIN_RULES", {}).get("selfcheck", {}) or {}
    return bool(getattr(settings, "TESTING", False) or selfcheck.get("inline", False))


def start_run(run: Run, *, inline: bool | None = None) -> None:
    """Execute `run`: now (inline), or as a job dispatched once the current transaction commits."""
    from dangjian.selfcheck.services import run_execute

    if inline if inline is not None else runs_inline():
        run_execute(run.pk)
        return
    with transaction.atomic():  # the job is dispatched on commit, once the run knows it (for a cancel)
        job = enqueue(
            KIND,
            user=run.created_by,
            organization=run.organization,
            title=f"{run.organization.name}自查体检",
            params={"run": run.pk},
        )
        Run.objects.filter(pk=run.pk).update(job=job)


def _execute(job: Job, progress: Progress) -> dict[str, Any]:
    from dangjian.selfcheck.services import run_execute

    # The runner's progress also raises Cancelled once the job's cancel was asked for.
    run = run_execute(job.params["run"], checkpoint=progress)
    return {"run": run.pk, "status": run.status, "total": run.total}


register(KIND, run=_execute)
