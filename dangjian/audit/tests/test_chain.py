"""The audit chain (security.md, 安全审计): hash-chained, append-only in the database itself, verified by
`dangjian audit verify`, purged only past the retention period without breaking verification."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from dangjian.audit import guards
from dangjian.audit.models import AuditCheckpoint, AuditEvent, EventType
from dangjian.audit.services import PurgeRefused, audit_purge, audit_record, audit_verify, audit_verify_report

pytestmark = pytest.mark.django_db


def _events(world, n: int) -> list[AuditEvent]:  # noqa: ANN001
    actor = world.user("street_staff")
    return [audit_record(actor=actor, event_type=EventType.UPDATE, subject=world.members["m1"], data={"i": i})
            for i in range(n)]


def _run(*args: str) -> str:
    import io

    out = io.StringIO()
    call_command("audit", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_it_verifies_an_intact_chain(world):
    _events(world, 5)
    total = AuditEvent.objects.count()
    assert audit_verify() == []
    assert f"审计链完整，共{total}条" in _run("verify")


def test_it_has_the_guard_triggers_installed():
    expected = set(guards.SQLITE_TRIGGERS if connection.vendor == "sqlite" else guards.PG_TRIGGERS)
    assert guards.installed(connection) == expected


@pytest.mark.parametrize("sql", [
    "UPDATE audit_auditevent SET object_repr = 'x'",
    "DELETE FROM audit_auditevent",
    "UPDATE audit_auditcheckpoint SET purged_count = 0",
    "DELETE FROM audit_auditcheckpoint",
])
def test_it_makes_the_database_refuse_changes_to_audit_rows(world, sql):
    _events(world, 2)
    AuditCheckpoint.objects.create(purged_before=dt.date(2000, 1, 1), last_event_id=0, last_event_hash="x", purged_count=0)
    before = list(AuditEvent.objects.order_by("id").values_list("id", "object_repr"))
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert list(AuditEvent.objects.order_by("id").values_list("id", "object_repr")) == before
    assert AuditCheckpoint.objects.count() == 1


def test_it_refuses_changes_through_the_orm():
    with pytest.raises(PermissionError):
        event = audit_record(actor=None, event_type=EventType.EXPORT)
        event.object_repr = "changed"
        event.save()
    with pytest.raises(PermissionError):
        AuditEvent.objects.first().delete()


def _tamper(sql: str, params: list) -> None:  # noqa: ANN001
    """What an attacker with database access could do: lift the triggers and change a row."""
    with guards.suspended(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_it_detects_an_altered_row(world):
    events = _events(world, 6)
    victim = events[3]
    _tamper("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["someone-else", victim.id])
    problems = audit_verify()
    assert [(p.event_id, "篡改" in p.reason) for p in problems] == [(victim.id, True)]
    with pytest.raises(CommandError, match="审计链异常"):
        _run("verify")


def test_it_detects_a_removed_row(world):
    events = _events(world, 6)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[2].id])
    problems = audit_verify()
    assert [p.event_id for p in problems] == [events[3].id]
    assert "删除" in problems[0].reason


def test_it_detects_a_rewritten_data_field(world):
    events = _events(world, 3)
    _tamper("UPDATE audit_auditevent SET data = %s WHERE id = %s", ['{"i": 99}', events[1].id])
    assert [p.event_id for p in audit_verify()] == [events[1].id]


def test_it_purges_only_past_the_retention_period_and_keeps_the_chain_verifiable(world, settings):
    settings.AUDIT_RETENTION_DAYS = 30  # below the floor: 180 days still apply
    start = timezone.now()
    with time_machine.travel(start - dt.timedelta(days=400), tick=False):
        old = _events(world, 4)
    with time_machine.travel(start - dt.timedelta(days=100), tick=False):
        middle = _events(world, 3)
    recent = _events(world, 2)
    today = timezone.localdate()

    with pytest.raises(PurgeRefused, match="至少保存180天"):
        audit_purge(actor=None, actor_name="t", before=today - dt.timedelta(days=179))
    with pytest.raises(CommandError, match="至少保存180天"):
        _run("purge", "--before", (today - dt.timedelta(days=90)).isoformat())
    assert AuditEvent.objects.filter(id__in=[e.id for e in middle]).count() == 3

    output = _run("purge", "--before", (today - dt.timedelta(days=200)).isoformat())
    assert "已清理" in output
    remaining = set(AuditEvent.objects.values_list("id", flat=True))
    assert not remaining & {e.id for e in old}
    assert {e.id for e in middle + recent} <= remaining
    assert old[-1].id <= AuditCheckpoint.objects.get().last_event_id < middle[0].id
    report = audit_verify_report()
    assert report.ok, report.problems
    purge_event = AuditEvent.objects.get(event_type=EventType.PURGE)
    assert purge_event.actor_name == "命令行" and purge_event.data["last_event_hash"] == AuditCheckpoint.objects.get().last_event_hash
    assert f"审计链完整，共{report.checked}条" in _run("verify")
    # New rows keep chaining after a purge.
    _events(world, 2)
    assert audit_verify() == []


def test_it_lets_the_database_refuse_a_purge_of_young_rows_even_with_a_checkpoint(world):
    events = _events(world, 3)
    AuditCheckpoint.objects.create(purged_before=timezone.localdate(), last_event_id=events[-1].id,
                                   last_event_hash=events[-1].hash, purged_count=3)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[0].id])
    assert AuditEvent.objects.filter(id=events[0].id).exists()


def test_it_detects_a_forged_checkpoint(world):
    """A checkpoint not vouched for by a purge event in the chain (someone covering a deletion)."""
    events = _events(world, 5)
    with guards.suspended():
        AuditCheckpoint.objects.create(purged_before=timezone.localdate(), last_event_id=events[1].id,
                                       last_event_hash=events[1].hash, purged_count=2)
        AuditEvent.objects.filter(id__lte=events[1].id).delete()
    assert any("检查点" in p.reason for p in audit_verify())


def test_it_clamps_the_retention_setting_to_180_days(monkeypatch):
    import importlib

    import dangjian.settings as project_settings

    monkeypatch.setenv("DANGJIAN_AUDIT_RETENTION_DAYS", "30")
    assert importlib.reload(project_settings).AUDIT_RETENTION_DAYS == 180
    monkeypatch.setenv("DANGJIAN_AUDIT_RETENTION_DAYS", "400")
    assert importlib.reload(project_settings).AUDIT_RETENTION_DAYS == 400
    monkeypatch.delenv("DANGJIAN_AUDIT_RETENTION_DAYS")
    importlib.reload(project_settings)


def test_it_exports_from_the_command_line_and_audits_the_export(world, tmp_path):
    _events(world, 3)
    out = tmp_path / "audit.xlsx"
    assert "已导出" in _run("export", "--out", str(out), "--type", "update")
    from dangjian.core.xlsx import read_rows

    rows = read_rows(str(out))
    assert rows[1][0] == "编号" and len(rows) == 2 + 3
    export = AuditEvent.objects.filter(event_type=EventType.EXPORT).latest("id")
    assert export.actor_name == "命令行" and export.data["count"] == 3
