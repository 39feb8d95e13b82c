"""The self-check of every community of a scope as one split job: one part per community, each part an
ordinary self-check run of that community (dangjian.selfcheck.services, stored and shown like a run
started from the page), so on Celery the communities are checked side by side on as many workers as
there are. In-process (thread or sync) the same parts run one after the other: the same findings.

A single run of a street is not split: its rules compare records across the whole subtree (TEXT-001
finds texts copied from another community's branch), so cutting it per community would change its
findings. The split is where the work really is independent: one run per community.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile

from dangjian.jobs.models import Job
from dangjian.jobs.runner import enqueue, register

KIND = "selfcheck.communities"


def communities(root: Any) -> list[Any]:
    """The community-level organizations of the subtree (children of a street committee, whatever
    their kind), in tree order; the root alone when it is itself at or below community level."""
    from dangjian.orgs.models import Organization, OrgKind

    found = list(
        Organization.objects.filter(path__startswith=root.path, parent__kind=OrgKind.STREET_COMMITTEE)
        .exclude(kind=OrgKind.GROUP)
        .order_by("path")
    )
    return found or [root]


def enqueue_community_runs(
    *,
    user: Any,
    organization: Any,
    period_start: dt.date,
    period_end: dt.date,
    rules: list[str] | None = None,
    check_permission: bool = True,
) -> Job:
    """Queue the self-check of every community under `organization` (call inside a transaction: the
    job is dispatched when it commits)."""
    from dangjian.selfcheck import services

    codes = services.check_request(
        user, organization, period_start, period_end, rules, check_permission=check_permission
    )
    return enqueue(
        KIND,
        user=user,
        organization=organization,
        title=f"{organization.name}各社区自查",
        params={"start": period_start.isoformat(), "end": period_end.isoformat(), "rules": codes},
    )


def split(job: Job) -> list[dict[str, Any]]:
    return [{"org": org.pk} for org in communities(job.organization)]


def part(job: Job, params: dict[str, Any]) -> dict[str, Any]:
    from dangjian.orgs.models import Organization
    from dangjian.selfcheck import services
    from dangjian.selfcheck.models import Run

    org = Organization.objects.get(pk=params["org"])
    run = services.run_create(
        actor=job.user,
        organization=org,
        period_start=dt.date.fromisoformat(job.params["start"]),
        period_end=dt.date.fromisoformat(job.params["end"]),
        rules=job.params.get("rules") or None,
        check_permission=False,  # checked for the whole scope when the job was queued
    )
    try:
        run = services.run_execute(run.pk)
    except Exception:  # noqa: BLE001 - recorded on the Run row (FAILED); the other communities go on
        run = Run.objects.get(pk=run.pk)
    return {
        "run": run.pk,
        "org": org.pk,
        "name": org.name,
        "status": run.status,
        "total": run.total,
        "errors": run.errors,
        "warnings": run.warnings,
        "new": run.new_count,
        "fixed": run.fixed_count,
    }


def combine(job: Job, results: list[dict[str, Any]]) -> dict[str, Any]:
    from dangjian.core.xlsx import Sheet, workbook_bytes
    from dangjian.selfcheck.models import RunStatus

    results = sorted((r for r in results if r), key=lambda r: r["name"])
    labels = dict(RunStatus.choices)
    rows = [
        [
            r["name"],
            labels.get(r["status"], r["status"]),
            r["total"],
            r["errors"],
            r["warnings"],
            r["new"],
            r["fixed"],
        ]
        for r in results
    ]
    headers = ["党组织", "状态", "问题数", "错误", "提醒", "新发现", "已整改"]
    name = f"各社区自查汇总-{job.params['start']}至{job.params['end']}.xlsx"
    caption = f"{job.organization.name}各社区自查汇总（{job.params['start']}至{job.params['end']}）"
    job.result_file.save(
        name, ContentFile(workbook_bytes([Sheet("自查汇总", headers, rows, caption=caption)])), save=False
    )
    Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name, result_name=name)
    return {
        "runs": [r["run"] for r in results],
        "communities": len(results),
        "failed": [r["name"] for r in results if r["status"] != RunStatus.DONE],
        "total": sum(r["total"] for r in results),
        "errors": sum(r["errors"] for r in results),
        "warnings": sum(r["warnings"] for r in results),
    }


register(KIND, split=split, part=part, combine=combine)
