"""Shared by the organizational-life rules: the obligations calendar of the life app
(dangjian.life.obligations.compute: six set-based queries for the whole subtree and all years),
computed once per run, and the findings of one frequency rule from it; the attendance lists of the
period's activities, read once per run for the rules that compare them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, Link, quarter_label

PERIOD_NAMES = {"month": "{y}年{i}月", "year": "{y}年"}


def life_installed(ctx: Context) -> bool:
    if apps.is_installed("dangjian.life"):
        return True
    ctx.note("未安装组织生活模块，组织生活类规则未检查")
    return False


def compliance(ctx: Context) -> Any:
    from dangjian.life.obligations import compute

    years = list(range(ctx.start.year, ctx.end.year + 1))
    return ctx.cached("life_compliance", lambda: compute(ctx.root, years, ctx.today))


@dataclass
class AttendanceLists:
    """The attendance lists of the subtree's activities dated in the period."""

    activities: dict[int, tuple[int, dt.date, str]]  # activity -> (organization, date, kind)
    rows: list[tuple[int, int, bool, str, str]]  # (activity, member, attended, absence reason, note)


def attendance_lists(ctx: Context) -> AttendanceLists:
    """Read once per run (two queries: the activities, then their lists without joining them again,
    so no date is parsed per entry)."""
    from dangjian.life.models import Activity, Attendance

    def compute() -> AttendanceLists:
        activities = Activity.objects.filter(ctx.in_scope(), date__gte=ctx.start, date__lte=ctx.end)
        return AttendanceLists(
            {
                pk: (org, day, kind)
                for pk, org, day, kind in activities.values_list("pk", "organization_id", "date", "kind")
            },
            list(
                Attendance.objects.filter(activity__in=activities.values("pk"))
                .values_list("activity_id", "member_id", "attended", "absence_reason", "absence_note")
                .order_by()
            ),
        )

    return ctx.cached("life_attendance", compute)


def period_label(period: Any) -> str:
    if period.every == "quarter":
        return quarter_label(period.year, period.index)
    return PERIOD_NAMES[period.every].format(y=period.year, i=period.index)


def frequency_findings(ctx: Context, key: str, severity: str = Severity.ERROR) -> list[Finding]:
    """Late obligations of one frequency rule whose period lies inside the run's period."""
    from dangjian.life.obligations import LATE

    out = []
    for ob in compliance(ctx).all():
        if ob.rule.key != key or ob.status != LATE:
            continue
        if ob.period.start < ctx.start or ob.period.end > ctx.end:
            continue
        label = period_label(ob.period)
        if key == "talks":
            message = f"{label}谈心谈话未覆盖全部要求（{ob.note or f'应{ob.required}类，实际{ob.count}类'}）"
        elif key == "appraisal":
            message = f"{label}未开展民主评议党员（无评议记录）"
        else:
            verb = "讲" if "lecture" in key else "召开" if "meeting" in key else "开展"
            message = f"{label}{ob.rule.label}应{verb}{ob.required}次，实际记录{ob.count}次"
        out.append(
            Finding(
                organization_id=ob.org.pk,
                rule="",
                severity=severity,
                period=label,
                message=message,
                subjects=(f"orgs.Organization:{ob.org.pk}",),
                links=(Link(f"{ob.org.name}组织生活落实情况", "life:compliance", (ob.org.pk,)),),
            )
        )
    return out
