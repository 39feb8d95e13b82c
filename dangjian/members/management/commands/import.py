"""`dangjian import members FILE.xlsx --org CODE [--dry-run]`: the roster import from the command line.

Same checks as the web page. Every error is printed as 行 N，列「X」：message; with any error the
command exits non-zero and changes nothing. Runs with full access (no account), audited as 命令行.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangjian.members.importer import (
    ImportResult,
    UploadRejected,
    check_spreadsheet_file,
    roster_import,
    roster_import_preview,
)
from dangjian.orgs.models import Organization


class Command(BaseCommand):
    help = "从Excel导入党员名册：dangjian import members FILE.xlsx --org 组织代码 [--dry-run]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["members"], help="导入的内容（目前只有 members：党员名册）")
        parser.add_argument("file", help="名册文件（.xlsx、.xls、.ods）")
        parser.add_argument("--org", required=True, help="导入到的党组织代码；名册中的党支部须在其下")
        parser.add_argument("--dry-run", action="store_true", help="只检查并预览，不写入")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organization.objects.filter(code=options["org"].strip()).first()
        if org is None:
            raise CommandError(f"未找到组织代码为 {options['org']} 的党组织")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            check_spreadsheet_file(path)
        except UploadRejected as exc:
            raise CommandError(str(exc)) from exc
        started = time.perf_counter()
        if options["dry_run"]:
            result = roster_import_preview(organization=org, source=path, file_name=path.name)
        else:
            result = roster_import(
                actor=None, actor_name="命令行", organization=org, source=path, file_name=path.name
            )
        self._report(result, time.perf_counter() - started)
        if result.errors:
            raise CommandError(f"共 {len(result.errors)} 处问题，未导入任何数据")
        if options["dry_run"]:
            self.stdout.write("预览完成（--dry-run），未写入任何数据")
        else:
            self.stdout.write(self.style.SUCCESS("导入完成"))

    def _report(self, result: ImportResult, seconds: float) -> None:
        self.stdout.write(
            f"导入到：{result.organization.name}（{result.organization.code}）  文件：{result.file_name}"
        )
        self.stdout.write(
            f"数据行 {result.rows}：新增 {result.created}，更新 {result.updated}，无变化 {result.unchanged}，"
            f"问题 {len(result.errors)}（用时 {seconds:.1f} 秒）"
        )
        if result.ignored_headers:
            self.stdout.write(f"已忽略不属于模板的列：{'、'.join(result.ignored_headers)}")
        for error in result.errors:
            self.stdout.write(str(error))
