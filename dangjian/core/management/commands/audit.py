"""`dangjian audit verify` — check the hash chain (exit 0: "审计链完整，共N条"; otherwise the broken rows)
`dangjian audit export --out FILE.xlsx [--from DATE] [--to DATE] [--type TYPE] [--user NAME]`
`dangjian audit purge --before DATE` — remove records older than the retention period (never < 180 days)

The console is an operator's channel: exports and purges are themselves audited (actor "命令行")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from dangjian.audit.models import AuditEvent, EventType
from dangjian.audit.selectors import EXPORT_HEADERS, AuditFilters, audit_search, export_rows
from dangjian.audit.services import PurgeRefused, audit_purge, audit_record, audit_verify_report
from dangjian.core.xlsx import Sheet, workbook_bytes

CONSOLE = "命令行"


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为YYYY-MM-DD：{value}") from exc


class Command(BaseCommand):
    help = "审计日志：校验哈希链（verify）、导出（export）、清理过期记录（purge）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="校验审计链")
        export = sub.add_parser("export", help="导出审计记录为xlsx")
        export.add_argument("--out", required=True)
        export.add_argument("--from", dest="date_from", default="")
        export.add_argument("--to", dest="date_to", default="")
        export.add_argument("--type", dest="event_type", default="", choices=["", *EventType.values])
        export.add_argument("--user", default="")
        purge = sub.add_parser("purge", help="清理保存期限之前的审计记录")
        purge.add_argument("--before", required=True, help="清理此日期（不含）之前的记录，YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(**options)

    def _verify(self, **options: Any) -> None:
        report = audit_verify_report()
        if report.ok:
            self.stdout.write(f"审计链完整，共{report.checked}条")
            if report.checkpoint is not None:
                cp = report.checkpoint
                self.stdout.write(f"（自检查点起：{cp.created_at:%Y-%m-%d}清理了{cp.purged_before:%Y-%m-%d}之前的{cp.purged_count}条）")
            self.stdout.write(f"链尾哈希：{report.head_hash}")
            return
        for problem in report.problems:
            self.stderr.write(f"#{problem.event_id}: {problem.reason}")
        raise CommandError(f"审计链异常：{len(report.problems)}处问题（共校验{report.checked}条）")

    def _export(self, **options: Any) -> None:
        if options["date_from"]:
            _date(options["date_from"])
        if options["date_to"]:
            _date(options["date_to"])
        filters = AuditFilters.from_params({
            "from": options["date_from"], "to": options["date_to"], "type": options["event_type"], "user": options["user"],
        })
        qs = audit_search(AuditEvent.objects.all(), filters)
        with transaction.atomic():
            count = qs.count()
            audit_record(actor=None, actor_name=CONSOLE, event_type=EventType.EXPORT, object_type="audit.AuditEvent",
                         object_repr=f"导出审计记录{count}条", data={"filters": filters.as_query(), "count": count})
            rows = list(export_rows(qs))
        out = Path(options["out"])
        out.write_bytes(workbook_bytes([Sheet(title="审计记录", headers=EXPORT_HEADERS, rows=rows, caption="审计记录")]))
        self.stdout.write(f"已导出{count}条审计记录到{out}")

    def _purge(self, **options: Any) -> None:
        before = _date(options["before"])
        try:
            count = audit_purge(actor=None, actor_name=CONSOLE, before=before)
        except PurgeRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已清理{before:%Y-%m-%d}之前的审计记录{count}条；审计链自检查点起仍可校验")
