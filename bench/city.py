"""The 10× district ("district10", a city's worth of streets) for the benchmarks: the demo district
copied nine more times inside its own SQLite database, with bulk INSERT … SELECT statements (no model
instance, no per-row save), so that it takes a minute or two instead of the hours a ten times larger
`dangjian demo` would take.

Every table of the record-keeping apps (organizations, members, life, dues, recruitment, elections,
services, inspection, and their history tables) is copied with its primary keys and every foreign
key between them shifted by `copy × OFFSET`, so copy k is a second, self-contained district: its own
80 → 8 street committees, communities, branches, members and five years of records. Foreign keys to
the accounts (recorded_by, history_user) keep pointing at the demo's accounts. Materialized paths are
rebuilt from the shifted ids; unique codes get a "~k" suffix (organization codes, ID-number hashes), and
the copied street committees a "（k）" suffix to their names. The self-check's own tables (runs,
findings, text index) are emptied: they are what the benchmark measures.

    DANGJIAN_DATA_DIR=<copy of a district data dir> .venv/bin/python bench/city.py [--copies 10]

Copies share the text of their minutes (a copy's texts are the district's texts), which is why the
suite compares the copied-text detector on the street and district sizes only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

CLONED_APPS = (
    "orgs",
    "members",
    "life",
    "dues",
    "recruitment",
    "elections",
    "resident_services",
    "inspection",
)
EMPTIED = ("selfcheck_runfinding", "selfcheck_run", "selfcheck_textband", "selfcheck_textsignature")


def cloned_models() -> list[Any]:
    from django.apps import apps

    return [m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in CLONED_APPS]


def _unique_text_columns(model: Any) -> set[str]:
    """Text columns that a unique constraint holds on its own (no foreign key beside them)."""
    from django.db import models

    meta = model._meta
    groups: list[list[str]] = [[f.name] for f in meta.concrete_fields if f.unique and not f.primary_key]
    groups += [list(u) for u in meta.unique_together]
    groups += [
        list(c.fields) for c in meta.constraints if isinstance(c, models.UniqueConstraint) and c.fields
    ]
    base = getattr(model, "instance_type", None)  # simple_history: the same columns as the tracked model
    if base is not None:
        return {c for c in _unique_text_columns(base) if c in {f.column for f in meta.concrete_fields}}
    out = set()
    for names in groups:
        fields = [meta.get_field(n) for n in names]
        if any(f.is_relation for f in fields):
            continue
        out.update(f.column for f in fields if isinstance(f, models.CharField | models.TextField))
    return out


def column_expressions(model: Any, tables: set[str], shift: str, copy: str) -> list[tuple[str, str]]:
    """(column, SELECT expression) of every concrete column of `model` for one copy: `shift` is the SQL
    of the id offset, `copy` that of the copy's number."""
    from django.db import models

    q = _quote
    historical = getattr(model, "instance_type", None) is not None
    unique_text = _unique_text_columns(model)
    out = []
    for f in model._meta.concrete_fields:
        col = q(f.column)
        if f.primary_key and not f.is_relation and isinstance(f, models.AutoField | models.IntegerField):
            expr = f"{col} + {shift}"
        elif f.is_relation and f.related_model._meta.db_table in tables:
            expr = f"{col} + {shift}"  # NULL stays NULL
        elif historical and f.name == "id":  # the tracked row's id in a history table
            expr = f"{col} + {shift}"
        elif f.column in unique_text:
            expr = f"CASE WHEN {col} IS NULL OR {col} = '' THEN {col} ELSE {col} || '~' || {copy} END"
        else:
            expr = col
        out.append((f.column, expr))
    return out


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def offset_for(models_: list[Any]) -> int:
    """A power of ten above every id of the cloned tables."""
    from django.db import connection

    top = 0
    with connection.cursor() as cursor:
        for m in models_:
            cursor.execute(f"SELECT MAX({_quote(m._meta.pk.column)}) FROM {_quote(m._meta.db_table)}")  # noqa: S608
            top = max(top, int(cursor.fetchone()[0] or 0))
    return 10 ** len(str(top))


def clone(copies: int = 10, log: Any = None) -> dict[str, Any]:
    """Turn the database's one district into `copies` districts (the original is copy 0)."""
    from django.db import connection, transaction

    if connection.vendor != "sqlite":
        raise SystemExit("bench/city.py copies a SQLite database only")
    models_ = cloned_models()
    tables = {m._meta.db_table for m in models_}
    offset = offset_for(models_)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in EMPTIED:
            cursor.execute(f"DELETE FROM {_quote(table)}")  # noqa: S608
        cursor.execute("SELECT id, path FROM orgs_organization WHERE parent_id IS NULL")
        roots = cursor.fetchall()
    counts: dict[str, int] = {}
    for k in range(1, copies):
        with transaction.atomic(), connection.cursor() as cursor:
            for m in models_:
                table = m._meta.db_table
                pairs = column_expressions(m, tables, str(k * offset), str(k))
                cols = ", ".join(_quote(c) for c, _ in pairs)
                exprs = ", ".join(e for _, e in pairs)
                pk = _quote(m._meta.pk.column)
                cursor.execute(
                    f"INSERT INTO {_quote(table)} ({cols}) SELECT {exprs} FROM {_quote(table)} WHERE {pk} < %s",  # noqa: S608
                    [offset],
                )
                counts[table] = counts.get(table, 0) + max(cursor.rowcount, 0)
            for m in (m for m in models_ if "path" in {f.column for f in m._meta.concrete_fields}):
                table, key = _quote(m._meta.db_table), _quote(m._meta.pk.column)
                cursor.execute(
                    f"SELECT {key}, path FROM {table} WHERE {key} >= %s AND {key} < %s",  # noqa: S608
                    [k * offset, (k + 1) * offset],
                )
                rows = [(shift_path(path, k * offset), pk) for pk, path in cursor.fetchall()]
                cursor.executemany(f"UPDATE {table} SET path = %s WHERE {key} = %s", rows)  # noqa: S608
            cursor.executemany(
                "UPDATE orgs_organization SET name = name || %s WHERE id = %s",
                [(f"（{k + 1}）", pk + k * offset) for pk, _ in roots],
            )
        if log:
            log(f"copy {k + 1}/{copies} written ({time.perf_counter() - started:.0f} s)")
    if not connection.in_atomic_block:
        from dangjian.core.planner import refresh_statistics

        refresh_statistics()  # as `dangjian demo` does after its bulk inserts
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {
        "copies": copies,
        "offset": offset,
        "rows_added": sum(counts.values()),
        "seconds": time.perf_counter() - started,
    }


def shift_path(path: str, by: int) -> str:
    """'/1/23/' → '/1000001/1000023/' for by=1000000."""
    parts = [p for p in path.split("/") if p]
    return "/" + "".join(f"{int(p) + by}/" for p in parts) if parts else path


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--copies", type=int, default=10)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    import django

    django.setup()
    result = clone(args.copies, log=lambda m: print(m, flush=True))
    from django.conf import settings

    # what the benchmark cases need to tell the copies apart: copy k holds ids [k·offset, (k+1)·offset)
    (Path(settings.DATA_DIR) / "city.json").write_text(json.dumps(result))
    print(f"district10: {result['rows_added']} rows added in {result['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
