"""Reads of the audit log for the audit administrator: filters, the scoped list, export rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from dangjian.audit.models import AuditEvent, EventType
from dangjian.core.params import int_param


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw.strip()) if raw and raw.strip() else None
    except ValueError:
        return None


@dataclass(frozen=True)
class AuditFilters:
    user: str = ""
    event_type: str = ""
    obj: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    failed_only: bool = False

    @classmethod
    def from_params(cls, params: Any) -> AuditFilters:
        event_type = params.get("type", "")
        return cls(
            user=params.get("user", "").strip()[:150],
            event_type=event_type if event_type in EventType.values else "",
            obj=params.get("obj", "").strip()[:100],
            date_from=_date(params.get("from", "")),
            date_to=_date(params.get("to", "")),
            failed_only=params.get("failed", "") == "1",
        )

    def as_query(self) -> dict[str, str]:
        out = {
            "user": self.user, "type": self.event_type, "obj": self.obj,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "failed": "1" if self.failed_only else "",
        }
        return {k: v for k, v in out.items() if v}


def visible_events(user: Any) -> QuerySet[AuditEvent]:
    """The audit administrator's reach: events of their subtree; at the top of the tree also the events
    tied to no organization (failed logins with an unknown username, command-line runs)."""
    qs = AuditEvent.objects.for_user(user)
    if getattr(user, "is_authenticated", False) and user.can("audit") and user.organization.parent_id is None:
        qs = qs | AuditEvent.objects.filter(org_path="")
    return qs


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def audit_search(qs: QuerySet[AuditEvent], filters: AuditFilters) -> QuerySet[AuditEvent]:
    if filters.user:
        qs = qs.filter(actor_name__icontains=filters.user)
    if filters.event_type:
        qs = qs.filter(event_type=filters.event_type)
    if filters.obj:
        q = Q(object_repr__icontains=filters.obj) | Q(object_type__icontains=filters.obj)
        if int_param(filters.obj) is not None:
            q |= Q(object_id=filters.obj)
        qs = qs.filter(q)
    if filters.date_from:
        qs = qs.filter(time__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(time__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.failed_only:
        qs = qs.filter(success=False)
    return qs.select_related("organization").order_by("-id")


EXPORT_HEADERS = ["编号", "时间", "操作人", "来源地址", "事件类型", "对象类型", "对象编号", "对象", "党组织", "结果", "内容"]


def export_rows(qs: QuerySet[AuditEvent]) -> Iterator[list[Any]]:
    import json

    tz = timezone.get_current_timezone()
    for e in qs.iterator(chunk_size=2000):
        yield [
            e.id, e.time.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), e.actor_name, e.source_ip or "",
            e.get_event_type_display(), e.object_type, e.object_id, e.object_repr,
            e.organization.name if e.organization_id else "", "成功" if e.success else "失败",
            json.dumps(e.data, ensure_ascii=False)[:32000],
        ]
