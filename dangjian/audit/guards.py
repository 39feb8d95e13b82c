"""Database-level protection of the audit trail: triggers that refuse UPDATE and DELETE (and TRUNCATE
on PostgreSQL) on the audit tables, whatever code or console issues them.

The one removal the triggers allow is the retention purge (dangjian.audit.services.audit_purge): an
audit row may be deleted only when an `AuditCheckpoint` covers its id AND the row is at least 180 days
older than that checkpoint (the legal floor, enforced here even if the application were changed).

`flush` (wiping the whole database: tests, `dangjian flush`) is the one other deliberate path: the
project's own flush command drops the triggers, flushes and creates them again in one transaction
(dangjian/audit/management/commands/flush.py).

These are installed by migration audit.0003 and re-installed after every `migrate` (post_migrate), since
SQLite drops a table's triggers when a later migration rebuilds that table.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction

EVENTS = "audit_auditevent"
CHECKPOINTS = "audit_auditcheckpoint"
FLOOR_DAYS = 180

SQLITE_TRIGGERS = {
    "audit_event_no_update": f"""
        CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON {EVENTS}
        BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END""",
    "audit_event_no_delete": f"""
        CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON {EVENTS}
        WHEN NOT EXISTS (
            SELECT 1 FROM {CHECKPOINTS} c
            WHERE c.last_event_id >= OLD.id AND OLD.time < datetime(c.created_at, '-{FLOOR_DAYS} days')
        )
        BEGIN SELECT RAISE(ABORT, 'audit records are removed only by the retention purge'); END""",
    "audit_checkpoint_no_update": f"""
        CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_update BEFORE UPDATE ON {CHECKPOINTS}
        BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END""",
    "audit_checkpoint_no_delete": f"""
        CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_delete BEFORE DELETE ON {CHECKPOINTS}
        BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END""",
}

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION dangjian_audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = '{EVENTS}' THEN
        IF EXISTS (
            SELECT 1 FROM {CHECKPOINTS} c
            WHERE c.last_event_id >= OLD.id AND OLD.time < c.created_at - interval '{FLOOR_DAYS} days'
        ) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit records are append-only (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END
$$"""

PG_TRIGGERS = {
    "audit_event_guard": f"BEFORE UPDATE OR DELETE ON {EVENTS} FOR EACH ROW",
    "audit_event_no_truncate": f"BEFORE TRUNCATE ON {EVENTS} FOR EACH STATEMENT",
    "audit_checkpoint_guard": f"BEFORE UPDATE OR DELETE ON {CHECKPOINTS} FOR EACH ROW",
    "audit_checkpoint_no_truncate": f"BEFORE TRUNCATE ON {CHECKPOINTS} FOR EACH STATEMENT",
}


def _table_of(name: str) -> str:
    return CHECKPOINTS if "checkpoint" in name else EVENTS


def install(connection) -> None:  # type: ignore[no-untyped-def]
    """Create the triggers if missing (idempotent). Other database engines: nothing (documented)."""
    tables = set(connection.introspection.table_names())
    if not {EVENTS, CHECKPOINTS} <= tables:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in SQLITE_TRIGGERS.values():
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
            for name, when in PG_TRIGGERS.items():
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {name} {when} EXECUTE FUNCTION dangjian_audit_guard()"
                )


def uninstall(connection) -> None:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif connection.vendor == "postgresql":
            for name in PG_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {_table_of(name)}")


def installed(connection) -> set[str]:  # type: ignore[no-untyped-def]
    """Names of the guard triggers present in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            return set()
        expected = set(SQLITE_TRIGGERS if connection.vendor == "sqlite" else PG_TRIGGERS)
        return {row[0] for row in cursor.fetchall()} & expected


@contextmanager
def suspended(using: str = "default") -> Iterator[None]:
    """Inside one transaction: triggers off, the block runs, triggers on again. Only for wiping the
    whole database (flush); a failure rolls everything back, triggers included."""
    connection = connections[using]
    with transaction.atomic(using=using):
        uninstall(connection)
        yield
        install(connection)


def install_after_migrate(sender, using: str = "default", **kwargs) -> None:  # type: ignore[no-untyped-def]
    install(connections[using])
