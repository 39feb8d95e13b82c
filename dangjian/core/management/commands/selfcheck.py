"""dangjian selfcheck [--org CODE] [--from DATE --to DATE] [--rules CODES] [--format text|json|xlsx|docx]
[--out FILE]: run the self-check synchronously over an organization's subtree and print or write the
findings. The run is stored like one started from the page (so the page shows it, with what is new and
what was fixed since the previous run of the same scope and period)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record


def _date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{name}应为日期，如2024-01-01：{value}") from exc


class Command(BaseCommand):
    help = "自查体检：按规则检查一个党组织及其下级的全部记录"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--org", help="党组织代码（默认：最上级党组织）")
        parser.add_argument("--from", dest="start", help="起始日期 YYYY-MM-DD（默认：本年1月1日）")
        parser.add_argument("--to", dest="end", help="截止日期 YYYY-MM-DD（默认：今天）")
        parser.add_argument("--rules", default="", help="只检查这些规则，逗号分隔，如 ORG-001,TEXT-001")
        parser.add_argument("--format", default="text", choices=["text", "json", "xlsx", "docx"])
        parser.add_argument("--out", help="写入文件（xlsx和docx必须指定）")
        parser.add_argument("--list-rules", action="store_true", help="列出全部规则后退出")

    def handle(self, *args: Any, **options: Any) -> None:
        from dangjian.orgs.models import Organization
        from dangjian.selfcheck import engine, reports, services
        from dangjian.selfcheck.models import RunFinding, RunStatus

        if options["list_rules"]:
            off = engine.disabled_codes()
            for r in engine.all_rules():
                state = "（已停用）" if r.code in off else ""
                self.stdout.write(
                    f"{r.code}\t{r.severity_label}\t{r.category_label}\t{r.title}{state}\t{r.basis}"
                )
            return
        fmt = options["format"]
        if fmt in ("xlsx", "docx") and not options["out"]:
            raise CommandError(f"--format {fmt} 需要 --out 文件名")
        if options["org"]:
            org = Organization.objects.filter(code=options["org"]).first()
            if org is None:
                raise CommandError(f"找不到代码为{options['org']}的党组织")
        else:
            org = Organization.objects.filter(parent__isnull=True).order_by("path").first()
            if org is None:
                raise CommandError("数据库中还没有党组织")
        today = timezone.localdate()
        start = _date(options["start"], "--from") if options["start"] else dt.date(today.year, 1, 1)
        end = _date(options["end"], "--to") if options["end"] else today
        codes = [c for c in options["rules"].split(",") if c.strip()]
        try:
            run = services.run_create(
                actor=None,
                organization=org,
                period_start=start,
                period_end=end,
                rules=codes,
                check_permission=False,
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        run = services.run_execute(run.pk)
        if run.status != RunStatus.DONE:
            raise CommandError(f"检查失败：{run.message}")
        findings = list(RunFinding.objects.filter(run=run).select_related("organization"))
        data = reports.render(run, findings, fmt)
        if options["out"]:
            Path(options["out"]).write_bytes(data)
            audit_record(
                actor=None,
                actor_name="命令行",
                event_type=EventType.EXPORT,
                subject=run,
                organization=org,
                data={"format": fmt, "findings": len(findings), "file": Path(options["out"]).name},
            )
            self.stderr.write(
                f"已写入{options['out']}：{run.total}个问题（{run.organization.name}，{run.period_label}）"
            )
        else:
            sys.stdout.flush()
            self.stdout.write(data.decode(), ending="")
