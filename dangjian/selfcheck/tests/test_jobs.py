"""A self-check started from the page is a job of the project's runner: on the in-process thread pool
by default and, in the Celery pass of ./dev test, on two Celery workers through a real Redis, with the
same findings as a run executed inline. It can be cancelled, queued or under way; a run whose process
died is shown as interrupted instead of being polled for ever."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dangjian.jobs.models import JobStatus
from dangjian.jobs.testing import wait
from dangjian.selfcheck import jobs as selfcheck_jobs
from dangjian.selfcheck import services
from dangjian.selfcheck.models import Run, RunFinding, RunStatus
from dangjian.selfcheck.tests.conftest import HELD

START, END = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
PERIOD = {"period_start": START.isoformat(), "period_end": END.isoformat()}


def wait_finished(run: Run, seconds: float = 90) -> Run:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if not run.is_active:
            return run
        time.sleep(0.2)
    raise AssertionError(f"run still {run.status} after {seconds}s: {run.message}")


def fingerprints(run: Run) -> set[tuple[str, int, str]]:
    return set(RunFinding.objects.filter(run=run).values_list("fingerprint", "organization_id", "message"))


@pytest.mark.django_db(transaction=True)
def test_a_run_started_from_the_page_is_a_job_with_the_findings_of_an_inline_run(
    world, client_for, background_runs, job_workers
):
    """GIVEN the street's staff and runs sent to the job runner (two Celery workers in the Celery pass)
    WHEN they start a self-check of the street through the page
    THEN the run is done by its job, with exactly the findings of the same run executed inline."""
    client = client_for(world.user("street_staff"))
    response = client.post(reverse("selfcheck:start"), PERIOD)
    run = Run.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("selfcheck:run", args=[run.pk])
    assert run.job is not None and run.job.kind == selfcheck_jobs.KIND

    run = wait_finished(run)
    assert run.status == RunStatus.DONE, run.message
    wait(run.job)  # the job ends just after its run
    assert run.job.status == JobStatus.DONE and run.job.result == {
        "run": run.pk,
        "status": "done",
        "total": run.total,
    }
    if job_workers:  # it really ran on a worker, not in this process
        logs = "".join(w.log_path.read_text(encoding="utf-8") for w in job_workers)
        assert "dangjian.run_job[" in logs and "succeeded" in logs

    inline = services.run_create(
        actor=world.user("street_staff"), organization=world.street, period_start=START, period_end=END
    )
    inline = services.run_execute(inline.pk)
    assert run.total > 0 and fingerprints(run) == fingerprints(inline)
    assert f"<b>{run.total}</b>问题" in client.get(reverse("selfcheck:run", args=[run.pk])).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_queued_run_cancelled_never_starts(world, background_runs, settings):
    """GIVEN a run whose job is queued but not yet dispatched (its transaction has not committed)
    WHEN it is cancelled
    THEN it ends as cancelled at once, its job never runs it, and it has no findings."""
    settings.JOBS_BACKEND = "thread"
    actor = world.user("street_staff")
    with transaction.atomic():
        run = services.run_create(actor=actor, organization=world.street, period_start=START, period_end=END)
        selfcheck_jobs.start_run(run)
        run.refresh_from_db()
        services.run_cancel(actor=actor, run=run)
    run.refresh_from_db()
    assert (run.status, run.message) == (RunStatus.CANCELLED, "检查已取消")
    time.sleep(1)  # time for the pool to have picked the job up, had it not been cancelled
    run.refresh_from_db()
    run.job.refresh_from_db()
    assert run.status == RunStatus.CANCELLED and run.started_at is None
    assert run.job.status == JobStatus.CANCELLED and not RunFinding.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_run_under_way_cancelled_from_its_page_stops_without_findings(
    world, client_for, background_runs, held_rule, settings
):
    """GIVEN a run of ORG-001 and a held rule, under way on the thread pool
    WHEN its page's cancel button is pressed, and the held rule then finishes
    THEN the page says it is stopping, and the run ends cancelled with no findings stored; a branch
    secretary, whose scope is one branch, cannot cancel it (404)."""
    settings.JOBS_BACKEND = "thread"
    client = client_for(world.user("street_staff"))
    client.post(reverse("selfcheck:start"), {**PERIOD, "rules": ["ORG-001", HELD]})
    run = Run.objects.get()
    deadline = time.monotonic() + 30
    while HELD not in Run.objects.get(pk=run.pk).message:
        assert time.monotonic() < deadline, "the run never reached the held rule"
        time.sleep(0.1)
    page = client.get(reverse("selfcheck:run", args=[run.pk])).content.decode()
    assert "取消检查" in page

    other = client_for(world.user("branch_secretary"))
    assert other.post(reverse("selfcheck:cancel", args=[run.pk])).status_code == 404
    client = client_for(world.user("street_staff"))
    response = client.post(reverse("selfcheck:cancel", args=[run.pk]), follow=True)
    assert "正在取消，当前规则完成后停止" in response.content.decode()

    held_rule.set()
    run = wait_finished(run)
    wait(run.job)  # the job ends just after its run
    assert (run.status, run.message, run.job.status) == (
        RunStatus.CANCELLED,
        "检查已取消",
        JobStatus.CANCELLED,
    )
    assert not RunFinding.objects.filter(run=run).exists()
    page = client.get(reverse("selfcheck:run", args=[run.pk])).content.decode()
    assert "检查已取消" in page and "重新发起检查" in page and "hx-get" not in page


@pytest.mark.django_db
def test_a_run_without_a_sign_of_life_is_shown_interrupted_not_polled_for_ever(world, client_for):
    """GIVEN two runs under way, one whose heartbeat is older than the stale limit (15 minutes)
    WHEN their pages are opened
    THEN the silent one is ended as interrupted, with a way to start it again; the other still polls."""
    actor = world.user("street_staff")
    now = timezone.now()
    runs = []
    for minutes in (16, 14):
        run = services.run_create(actor=actor, organization=world.street, period_start=START, period_end=END)
        Run.objects.filter(pk=run.pk).update(
            status=RunStatus.RUNNING,
            message="正在检查：TEXT-001",
            heartbeat_at=now - dt.timedelta(minutes=minutes),
        )
        runs.append(run)
    client = client_for(actor)
    silent = client.get(reverse("selfcheck:run", args=[runs[0].pk])).content.decode()
    alive = client.get(reverse("selfcheck:progress", args=[runs[1].pk]), HTTP_HX_REQUEST="true")
    assert "检查中断：超过15分钟没有进展" in silent and "hx-get" not in silent and "重新发起检查" in silent
    assert Run.objects.get(pk=runs[0].pk).status == RunStatus.FAILED
    assert "hx-get" in alive.content.decode() and "HX-Refresh" not in alive
    assert Run.objects.get(pk=runs[1].pk).status == RunStatus.RUNNING
