"""The roster import, committed as a background job (dangjian.jobs): with the embedded default on the
web process's thread pool, with DANGJIAN_JOBS=celery on a worker. The preview before it is read-only
and stays in the request; the file waits in the import folder under MEDIA_ROOT (shared storage when
workers run on other machines) and is removed by the job, whatever its outcome."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse

from dangjian.jobs.models import Job
from dangjian.jobs.runner import JobError, Progress, enqueue, register
from dangjian.members.importer import roster_import
from dangjian.orgs.models import Organization

KIND = "members.roster_import"
_STORED = re.compile(r"^[0-9a-f]{32}\.(xlsx|xls|ods)$")
ERRORS_NAMED = 3


def import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def enqueue_roster_import(*, user: Any, organization: Organization, stored: Path, file_name: str) -> Job:
    """Queue the commit of a previewed file (`stored`, a file of the import folder)."""
    return enqueue(
        KIND,
        user=user,
        organization=organization,
        title=f"导入党员名册：{file_name}",
        params={"file": stored.name, "name": file_name},
    )


def _run(job: Job, progress: Progress) -> dict[str, Any]:
    name = str(job.params.get("file", ""))
    if not _STORED.match(name):
        raise JobError("导入文件名无效，未写入任何数据")
    path = import_dir() / name
    if not path.exists():
        raise JobError("导入文件已失效（可能已导入或已过期），未写入任何数据，请重新上传")
    try:
        result = roster_import(
            actor=job.user,
            organization=job.organization,
            source=path,
            file_name=job.params.get("name", ""),
            progress=progress,
        )
    finally:
        path.unlink(missing_ok=True)
    if not result.committed:
        named = "；".join(str(e) for e in result.errors[:ERRORS_NAMED])
        more = f"等{len(result.errors)}处" if len(result.errors) > ERRORS_NAMED else ""
        raise JobError(f"确认导入时重新检查发现问题（名册可能已被他人修改），未导入任何数据：{named}{more}")
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "summary": f"导入完成：新增{result.created}名党员，更新{result.updated}名，"
        f"{result.unchanged}名无变化（文件 {result.file_name}）",
        "url": reverse("members:list"),
    }


register(KIND, run=_run)
