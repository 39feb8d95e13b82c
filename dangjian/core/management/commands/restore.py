"""`dangjian restore FILE`: load a `dangjian backup` archive into an EMPTY installation.

Checks first, changes nothing unless all pass: the archive's members are plain files at safe paths and
match the manifest's sha256; the field key is the one the backup was made with; the database (after
`migrate`) holds no rows in any table a backup carries and the uploads folder is empty. Then, in one
transaction, every row is inserted as it was (same ids; sequences reset), the uploads are copied back,
the row counts are compared with the manifest and the audit chain is verified.
"""

from __future__ import annotations

import json
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, transaction

from dangjian.audit.services import audit_verify_report
from dangjian.core.management.commands.backup import (
    FORMAT,
    backup_models,
    key_check,
    media_files,
    sha256_file,
)

BATCH = 1000


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = archive.getmembers()
    for member in members:
        path = PurePosixPath(member.name)
        if not member.isfile() or path.is_absolute() or ".." in path.parts:
            raise CommandError(f"归档中有不安全的条目：{member.name}")
        if member.name not in ("manifest.json", "data.jsonl", "database.sqlite3") and path.parts[0] != "uploads":
            raise CommandError(f"归档中有未知的条目：{member.name}")
    return members


def _read_objects(path: Path) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                batch.append(json.loads(line))
            if len(batch) >= BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def nonempty_tables() -> list[str]:
    return [m._meta.label_lower for m in backup_models() if m._base_manager.exists()]


def load_rows(path: Path) -> dict[str, int]:
    """Insert every serialized row as it was; returns the row count per table."""
    counts: dict[str, int] = {}
    deferred = []
    with connection.constraint_checks_disabled():
        for batch in _read_objects(path):
            for obj in serializers.deserialize("python", batch, handle_forward_references=True):
                obj.save()
                label = obj.object._meta.label_lower
                counts[label] = counts.get(label, 0) + 1
                if obj.deferred_fields:
                    deferred.append(obj)
        for obj in deferred:
            obj.save_deferred_fields()
    connection.check_constraints()
    models = backup_models()
    sequence_sql = connection.ops.sequence_reset_sql(no_style(), models)
    if sequence_sql:
        with connection.cursor() as cursor:
            for sql in sequence_sql:
                cursor.execute(sql)
    return counts


class Command(BaseCommand):
    help = "从备份归档恢复全部数据和上传文件（仅限空白安装）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")

    def handle(self, *args: Any, **options: Any) -> None:
        archive_path = Path(options["archive"])
        if not archive_path.is_file():
            raise CommandError(f"找不到备份文件：{archive_path}")
        with tempfile.TemporaryDirectory(prefix="dangjian-restore-") as tmp:
            workdir = Path(tmp)
            try:
                with tarfile.open(archive_path, "r:gz") as archive:
                    members = _safe_members(archive)
                    archive.extractall(workdir, members=members, filter="data")
            except (tarfile.TarError, OSError, EOFError) as exc:
                raise CommandError(f"无法读取备份文件：{exc}") from exc
            manifest = self._check(workdir, {m.name for m in members})
            call_command("migrate", interactive=False, verbosity=0)
            busy = nonempty_tables()
            if busy:
                raise CommandError("只能恢复到空白安装：以下数据表已有数据：" + "、".join(busy[:10]))
            if media_files():
                raise CommandError(f"只能恢复到空白安装：上传文件目录不为空（{settings.MEDIA_ROOT}）")
            with transaction.atomic():
                counts = load_rows(workdir / "data.jsonl")
                expected = {k: v for k, v in manifest["tables"].items() if v}
                if counts != expected:
                    raise CommandError("恢复的行数与备份清单不符，已全部撤销")
                self._copy_uploads(workdir)  # inside the transaction: a failed copy undoes the rows too
        report = audit_verify_report()
        rows = sum(counts.values())
        uploads = sum(1 for n in manifest["files"] if n.startswith("uploads/"))
        self.stdout.write(f"已恢复：{rows}行数据（{len(counts)}张表），{uploads}个上传文件")
        if not report.ok:
            raise CommandError(f"数据已恢复，但审计链校验发现{len(report.problems)}处问题：请运行 dangjian audit verify 查看")
        self.stdout.write(f"审计链完整，共{report.checked}条")

    def _check(self, workdir: Path, names: set[str]) -> dict[str, Any]:
        try:
            manifest = json.loads((workdir / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError("备份文件缺少有效的清单（manifest.json）") from exc
        if manifest.get("format") != FORMAT:
            raise CommandError(f"不支持的备份格式：{manifest.get('format')}")
        files: dict[str, str] = manifest.get("files", {})
        if set(files) != names - {"manifest.json"} or "data.jsonl" not in files:
            raise CommandError("备份文件内容与清单不符（缺少或多出文件）")
        for name, digest in files.items():
            if sha256_file(workdir / name) != digest:
                raise CommandError(f"备份文件已损坏或被改动：{name}")
        if manifest.get("key_check") != key_check():
            raise CommandError("当前字段加密密钥（DANGJIAN_FIELD_KEY）与备份时的不同：请使用备份时的密钥恢复")
        return manifest

    def _copy_uploads(self, workdir: Path) -> None:
        source = workdir / "uploads"
        if not source.is_dir():
            return
        root = Path(settings.MEDIA_ROOT)
        for path in sorted(source.rglob("*")):
            if path.is_file():
                target = root / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
