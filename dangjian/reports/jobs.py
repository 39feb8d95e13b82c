"""Reports that run as background jobs (dangjian.jobs): the work report, and the survey table of
every community of a scope, split into one part per community so that more workers finish sooner."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile

from dangjian.core.xlsx import Sheet, workbook_bytes
from dangjian.jobs.models import Job
from dangjian.jobs.runner import Progress, register
from dangjian.orgs.models import Organization, OrgKind
from dangjian.reports import documents, statistics


def _save(job: Job, name: str, data: bytes) -> None:
    job.result_file.save(name, ContentFile(data), save=False)
    Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name, result_name=name)


def work_report(job: Job, progress: Progress) -> dict[str, Any]:
    start, end = dt.date.fromisoformat(job.params["start"]), dt.date.fromisoformat(job.params["end"])
    progress(10, "正在汇总各项工作数据")
    facts = documents.gather(job.organization, start, end)
    progress(70, "正在生成Word文档")
    _save(job, f"党建工作情况报告-{job.organization.name}-{end:%Y%m%d}.docx", documents.work_report(facts))
    return {"members": facts.members}


def survey_parts(job: Job) -> list[dict[str, Any]]:
    children = (
        Organization.objects.filter(parent=job.organization)
        .exclude(kind=OrgKind.GROUP)
        .order_by("sort_order", "name")
    )
    return [{"org": pk} for pk in children.values_list("pk", flat=True)] or [{"org": job.organization.pk}]


def survey_part(job: Job, params: dict[str, Any]) -> list[Any]:
    on = dt.date.fromisoformat(job.params["on"])
    sv = statistics.survey(Organization.objects.get(pk=params["org"]), on)
    gender, ages = dict(sv.breakdown("性别").rows), dict(sv.breakdown("年龄").rows)
    return [
        sv.root.name,
        sv.members_total,
        *gender.values(),
        *ages.values(),
        sv.orgs.sub_branches,
        sv.orgs.groups,
    ]


def survey_combine(job: Job, rows: list[Any]) -> dict[str, Any]:
    rows = [r for r in rows if r]
    headers = ["党组织", "党员", "男", "女", "35岁以下", "35至59岁", "60岁及以上", "党支部", "党小组"]
    on = job.params["on"]
    _save(
        job,
        f"各组织统计汇总-{on}.xlsx",
        workbook_bytes(
            [Sheet("统计汇总", headers, sorted(rows), caption=f"{job.organization.name}统计汇总（截至{on}）")]
        ),
    )
    return {"rows": len(rows), "members": sum(r[1] for r in rows)}


register("reports.work_report", run=work_report)
register("reports.survey_table", split=survey_parts, part=survey_part, combine=survey_combine)
