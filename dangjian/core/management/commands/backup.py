"""`dangjian backup [--out FILE]`: one .tar.gz with a consistent copy of all data and the uploads.

    manifest.json     format, time, engine, row count per table, sha256 of every other member,
                      a fingerprint of the field key (restore refuses a different key)
    data.jsonl        every row of every project table, one serialized object per line (Django's
                      serializer with natural foreign keys; full-precision times): loads on SQLite
                      and PostgreSQL alike (`dangjian restore`)
    database.sqlite3  SQLite only: the database file itself, copied with SQLite's online backup API
    uploads/...       MEDIA_ROOT

Consistency: on SQLite everything is read in one deferred read transaction (WAL: a snapshot that never
blocks writers), the file copy included; on PostgreSQL in one REPEATABLE READ, READ ONLY transaction.
Personal data stays encrypted in the archive; the field key is NOT in it (keep the key separately:
without it the ID numbers and phones in a backup cannot be read).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import hashlib
import io
import json
import sqlite3
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections, models, transaction
from django.utils import timezone

from dangjian.core import pii

FORMAT = 1
# Rebuilt by `migrate` or transient: never in a backup.
EXCLUDED_APPS = frozenset({"contenttypes", "sessions", "axes", "admin"})
EXCLUDED_MODELS = frozenset({"auth.permission"})


def backup_models() -> list[type[models.Model]]:
    """Every concrete, managed model whose rows a backup carries, parents before children."""
    app_list = []
    for config in apps.get_app_configs():
        if config.label in EXCLUDED_APPS:
            continue
        chosen = [
            m for m in config.get_models()
            if m._meta.managed and not m._meta.proxy and m._meta.label_lower not in EXCLUDED_MODELS
        ]
        if chosen:
            app_list.append((config, chosen))
    return serializers.sort_dependencies(app_list, allow_cycles=True)


def key_check() -> str:
    """A fingerprint of the field key (a keyed hash of a constant): equal keys, equal fingerprints."""
    return pii.digest("dangjian-backup-key-check")


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()  # full precision (Django's encoder would cut microseconds)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | memoryview):
        import base64

        return base64.b64encode(bytes(value)).decode()
    raise TypeError(f"cannot serialize {type(value)!r}")


def serialized_rows(using: str, counts: dict[str, int]) -> Iterator[str]:
    for model in backup_models():
        qs = model._base_manager.using(using).order_by("pk")
        n = 0
        for obj in serializers.serialize("python", qs.iterator(chunk_size=2000), use_natural_foreign_keys=True):
            n += 1
            yield json.dumps(obj, default=_json_default, ensure_ascii=False, separators=(",", ":")) + "\n"
        counts[model._meta.label_lower] = n


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def consistent_source(workdir: Path) -> Iterator[str]:
    """A database alias whose reads all see one moment (see the module docstring). On SQLite also
    writes the database file itself, copied by the online backup API at that same moment."""
    connection = connections["default"]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        if connection.in_atomic_block:  # already inside a transaction: its reads are one moment
            _sqlite_copy(connection, workdir / "database.sqlite3")
            yield "default"
            return
        # A deferred read transaction in WAL mode: a snapshot that never blocks writers
        # (Django's own atomic() would BEGIN IMMEDIATE and hold the write lock throughout).
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            try:
                cursor.execute("SELECT count(*) FROM sqlite_master")  # pins the snapshot
                _sqlite_copy(connection, workdir / "database.sqlite3")
                yield "default"
            finally:
                cursor.execute("ROLLBACK")
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield "default"


def _sqlite_copy(connection: Any, target_path: Path) -> None:
    target = sqlite3.connect(target_path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


def media_files() -> list[tuple[Path, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(
        (path, "uploads/" + path.relative_to(root).as_posix())
        for path in root.rglob("*")
        if path.is_file() and not path.is_symlink()
    )


def make_backup(out: Path) -> dict[str, Any]:
    """Write the archive to `out`; returns the manifest."""
    with tempfile.TemporaryDirectory(prefix="dangjian-backup-") as tmp:
        workdir = Path(tmp)
        counts: dict[str, int] = {}
        data = workdir / "data.jsonl"
        with consistent_source(workdir) as alias, open(data, "w", encoding="utf-8") as f:
            for line in serialized_rows(alias, counts):
                f.write(line)
        members: list[tuple[Path, str]] = [(data, "data.jsonl")]
        if (workdir / "database.sqlite3").exists():
            members.append((workdir / "database.sqlite3", "database.sqlite3"))
        members.extend(media_files())
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": connections["default"].vendor,
            "key_check": key_check(),
            "tables": counts,
            "files": {name: sha256_file(path) for path, name in members},
        }
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            raw = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime, info.mode = len(raw), int(timezone.now().timestamp()), 0o600
            archive.addfile(info, io.BytesIO(raw))
            for path, name in members:
                archive.add(path, arcname=name, recursive=False)
        partial.chmod(0o600)
        partial.replace(out)
        return manifest


class Command(BaseCommand):
    help = "备份全部数据和上传文件到一个归档文件（.tar.gz）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", help="归档文件路径（默认：数据目录下 backups/dangjian-时间.tar.gz）")

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        out = Path(options["out"] or Path(settings.DATA_DIR) / "backups" / f"dangjian-{stamp}.tar.gz")
        manifest = make_backup(out)
        rows = sum(manifest["tables"].values())
        uploads = sum(1 for name in manifest["files"] if name.startswith("uploads/"))
        self.stdout.write(f"已备份：{rows}行数据（{len(manifest['tables'])}张表），{uploads}个上传文件 → {out}")
        self.stdout.write("提示：备份中不含字段加密密钥（DANGJIAN_FIELD_KEY），请另行妥善保存，恢复时需要同一密钥。")
