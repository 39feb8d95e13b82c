"""Writing and verifying the audit chain. Every service that changes data calls `audit_record()`
inside its transaction; each row carries the hash of the row before it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from dangjian.audit.context import source_ip
from dangjian.audit.models import AuditEvent

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


def audit_verify() -> list[ChainProblem]:
    """Walk the chain in id order; a changed row breaks its hash, a removed row breaks the link."""
    problems: list[ChainProblem] = []
    prev = ""
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev:
            problems.append(ChainProblem(event.id, "与上一条记录的链接断开（记录被删除或插入）"))
        if _row_hash(event.prev_hash, _chained_fields(event)) != event.hash:
            problems.append(ChainProblem(event.id, "记录内容与其哈希不符（记录被篡改）"))
        prev = event.hash
    return problems


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Only the fields that changed, as {field: [old, new]}."""
    return {k: [old.get(k), new.get(k)] for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)}
