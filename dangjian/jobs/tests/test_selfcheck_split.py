"""The self-check of every community, split per community by the job runner: on two Celery workers it
gives exactly the findings of the same parts run in-process (the sync path). Celery pass only (it
builds the tiny demo street, about half a minute); the in-process modes run the same code there."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction

from dangjian.jobs import selfcheck
from dangjian.jobs.models import Job, JobStatus
from dangjian.jobs.testing import wait
from dangjian.orgs.models import Organization
from dangjian.selfcheck.models import RunFinding, RunStatus

START, END = dt.date(2022, 1, 1), dt.date(2026, 12, 31)


def findings(run_ids: list[int]) -> dict[int, set[tuple]]:
    """Per community: every stored finding, all but the fields that depend on the previous run."""
    out: dict[int, set[tuple]] = {}
    for f in RunFinding.objects.filter(run_id__in=run_ids).select_related("run"):
        out.setdefault(f.run.organization_id, set()).add(
            (
                f.organization_id,
                f.rule,
                f.severity,
                f.period,
                f.message,
                repr(f.links),
                repr(f.subjects),
                repr(sorted(f.data.items())),
                f.fingerprint,
            )
        )
    return out


def start(street: Organization) -> Job:
    with transaction.atomic():
        return selfcheck.enqueue_community_runs(
            user=None, organization=street, period_start=START, period_end=END, check_permission=False
        )


@pytest.mark.django_db(transaction=True)
def test_the_self_check_of_the_communities_is_the_same_on_two_workers_and_in_process(job_workers, settings):
    if settings.JOBS_BACKEND != "celery":
        pytest.skip("celery pass only (./dev test runs it with DANGJIAN_JOBS=celery on a real Redis)")
    call_command("demo", "--scale", "tiny", "--seed", "1", stdout=open("/dev/null", "w"))  # noqa: SIM115
    street = Organization.objects.get(parent__isnull=True)
    parts = selfcheck.communities(street)
    assert len(parts) >= 4

    # First on the workers (they also build the text index, side by side), then in-process.
    on_workers = wait(start(street), seconds=300)
    assert on_workers.status == JobStatus.DONE, on_workers.error
    assert on_workers.parts_total == len(parts) and on_workers.parts_done == len(parts)
    assert all("dangjian.run_part" in w.log_path.read_text(encoding="utf-8") for w in job_workers)

    settings.JOBS_BACKEND = "sync"
    in_process = start(street)
    in_process.refresh_from_db()
    assert in_process.status == JobStatus.DONE, in_process.error
    assert in_process.parts_done == 0  # ran inline, no Celery part

    a, b = on_workers.result, in_process.result
    assert a["communities"] == b["communities"] == len(parts) and a["failed"] == b["failed"] == []
    assert (a["total"], a["errors"], a["warnings"]) == (b["total"], b["errors"], b["warnings"])
    got, expected = findings(a["runs"]), findings(b["runs"])
    assert got == expected
    assert sum(map(len, got.values())) == a["total"] > 100
    assert len({f[1] for rows in got.values() for f in rows}) >= 10  # many rules, not one
    assert {org.pk for org in parts} == set(got)
    assert RunFinding.objects.filter(run_id__in=b["runs"], is_new=True).count() == 0  # compared with a's runs
    assert set(
        RunFinding.objects.filter(run_id__in=a["runs"]).values_list("run__status", flat=True).distinct()
    ) == {RunStatus.DONE}
