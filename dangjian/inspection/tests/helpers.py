"""Small builders for the inspection tests (through the services, so every row is made as in use)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from dangjian.inspection import services
from dangjian.inspection.models import Finding, Inspection, RectificationMeasure


def make_round(
    world: Any, *, organization: Any = None, inspected: list[Any] | None = None, **data: Any
) -> Inspection:
    today = timezone.localdate()
    values = {
        "name": "十二届区委第五轮巡察",
        "committee": "区委",
        "team": "区委第二巡察组",
        "onsite_from": today - dt.timedelta(days=200),
        "onsite_to": today - dt.timedelta(days=120),
        "feedback_on": today - dt.timedelta(days=100),
    } | data
    return services.inspection_create(
        actor=world.user("street_staff"),
        organization=organization or world.street,
        inspected=inspected or [world.c1, world.c2],
        data=values,
    )


def make_finding(world: Any, inspection: Inspection | None, organization: Any = None, **data: Any) -> Finding:
    values = {
        "aspect": "聚焦基层党组织软弱涣散、组织力欠缺方面",
        "title": "党建档案不规范",
        "description": "有的党支部“三会一课”记录不完整。",
    } | data
    if inspection is None:
        values.setdefault("source", "self_check")
    return services.finding_create(
        actor=world.user("street_staff"),
        organization=organization or world.c1,
        inspection=inspection,
        data=values,
    )


def make_measure(
    world: Any, finding: Finding, *, due: dt.date | None = None, actor: Any = None, **data: Any
) -> RectificationMeasure:
    values = {
        "text": "加强党建档案管理",
        "owner_name": "王芳",
        "owner_unit": "香铺营社区党委",
        "due": due or timezone.localdate() + dt.timedelta(days=30),
    } | data
    return services.measure_create(
        actor=actor or world.user("community_worker"), finding=finding, data=values
    )


def finish(world: Any, measure: RectificationMeasure) -> RectificationMeasure:
    return services.measure_transition(
        actor=world.user("community_worker"), measure=measure, to="done", note="已完成"
    )
