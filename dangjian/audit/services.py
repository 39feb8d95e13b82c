"""Writing and verifying the audit chain. Every service that changes data calls `audit_record()`
inside its transaction; each row carries the hash of the row before it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from dangjian.audit import guards
from dangjian.audit.context import source_ip
from dangjian.audit.models import AuditCheckpoint, AuditEvent, EventType

_PG_LOCK_KEY = 0x64616E67  # serializes chain appends on PostgreSQL; SQLite writes are serial already


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime | Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


def _row_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _chained_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "time": event.time.isoformat(),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "source_ip": event.source_ip,
        "event_type": event.event_type,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "organization": event.organization_id,
        "success": event.success,
        "data": event.data,
    }


def audit_record(
    *,
    actor: Any,
    event_type: str,
    subject: Any = None,
    organization: Any = None,
    data: dict[str, Any] | None = None,
    success: bool = True,
    object_type: str = "",
    object_repr: str = "",
    actor_name: str = "",
) -> AuditEvent:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or ""
        if organization is None and subject is not None:
            organization = getattr(subject, "organization", None)
        event = AuditEvent(
            time=timezone.now().replace(microsecond=0),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=actor_name or (getattr(actor, "username", "") or ""),
            source_ip=source_ip.get(),
            event_type=event_type,
            object_type=object_type or (subject._meta.label if subject is not None else ""),
            object_id=str(getattr(subject, "pk", "") or ""),
            object_repr=(object_repr or (str(subject) if subject is not None else ""))[:200],
            organization=organization,
            org_path=getattr(organization, "path", "") or "",
            success=success,
            data=_jsonable(data or {}),
            prev_hash=last,
        )
        event.hash = _row_hash(last, _chained_fields(event))
        AuditEvent.objects.bulk_create([event])  # bypasses save(): the only insert path
        return event


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problems: list[ChainProblem]
    head_hash: str
    checkpoint: AuditCheckpoint | None

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_verify_report() -> ChainReport:
    """Walk the chain in id order from the newest checkpoint (or the beginning); a changed row breaks
    its hash, a removed or inserted row breaks the link. A checkpoint must be vouched for by the purge
    event that the purge appended to the chain (so a forged checkpoint is detected too)."""
    problems: list[ChainProblem] = []
    checkpoint = AuditCheckpoint.objects.order_by("-last_event_id").first()
    prev = checkpoint.last_event_hash if checkpoint else ""
    events = AuditEvent.objects.order_by("id")
    if checkpoint is not None:
        events = events.filter(id__gt=checkpoint.last_event_id)
    checked = 0
    vouched = checkpoint is None
    for event in events.iterator(chunk_size=2000):
        checked += 1
        if event.prev_hash != prev:
            problems.append(ChainProblem(event.id, "与上一条记录的链接断开（记录被删除或插入）"))
        if _row_hash(event.prev_hash, _chained_fields(event)) != event.hash:
            problems.append(ChainProblem(event.id, "记录内容与其哈希不符（记录被篡改）"))
        if (
            not vouched
            and event.event_type == EventType.PURGE
            and event.data.get("last_event_id") == checkpoint.last_event_id  # type: ignore[union-attr]
            and event.data.get("last_event_hash") == checkpoint.last_event_hash  # type: ignore[union-attr]
        ):
            vouched = True
        prev = event.hash
    if not vouched:
        problems.append(ChainProblem(checkpoint.last_event_id, "检查点没有对应的清理记录（检查点可能被伪造）"))  # type: ignore[union-attr]
    return ChainReport(checked=checked, problems=problems, head_hash=prev, checkpoint=checkpoint)


def audit_verify() -> list[ChainProblem]:
    return audit_verify_report().problems


class PurgeRefused(ValueError):
    """The purge would remove records younger than the retention period; nothing was removed."""


def retention_days() -> int:
    return max(guards.FLOOR_DAYS, int(getattr(settings, "AUDIT_RETENTION_DAYS", guards.FLOOR_DAYS)))


@transaction.atomic
def audit_purge(*, actor: Any, before: dt.date, actor_name: str = "") -> int:
    """Remove the records dated before `before`, which must be at least the retention period ago.
    Appends a checkpoint (last removed id and hash) and a PURGE event vouching for it, then deletes:
    the chain still verifies from the checkpoint. Returns the number of rows removed."""
    limit = timezone.localdate() - dt.timedelta(days=retention_days())
    if before > limit:
        raise PurgeRefused(
            f"审计记录至少保存{retention_days()}天：只能清理{limit:%Y-%m-%d}（含）之前的记录"
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    cutoff = dt.datetime.combine(before, dt.time.min, tzinfo=timezone.get_current_timezone())
    last = AuditEvent.objects.filter(time__lt=cutoff).order_by("-id").values("id", "hash").first()
    if last is None:
        return 0
    doomed = AuditEvent.objects.filter(id__lte=last["id"])
    count = doomed.count()
    if doomed.filter(time__gte=cutoff).exists():  # a clock step back: never purge a younger row
        raise PurgeRefused("有较新的审计记录编号早于清理范围，已停止清理（请检查服务器时钟）")
    name = actor_name or getattr(actor, "username", "") or ""
    AuditCheckpoint.objects.create(
        purged_before=before, last_event_id=last["id"], last_event_hash=last["hash"], purged_count=count,
        actor_name=name,
    )
    audit_record(
        actor=actor, actor_name=name, event_type=EventType.PURGE, object_type="audit.AuditEvent",
        object_repr=f"清理{before:%Y-%m-%d}之前的审计记录{count}条",
        data={"before": before, "count": count, "last_event_id": last["id"], "last_event_hash": last["hash"]},
    )
    # The one sanctioned delete (a queryset delete never calls AuditEvent.delete()); the database
    # trigger checks every row against the checkpoint just written.
    doomed.delete()
    return count


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Only the fields that changed, as {field: [old, new]}."""
    return {k: [old.get(k), new.get(k)] for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)}
