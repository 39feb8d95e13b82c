"""三会一课台账: the meeting ledger of one organization (and its groups) for one year, as sheets for
dangjian.core.xlsx. Four queries whatever the number of meetings."""

from __future__ import annotations

from collections import Counter

from django.db.models import Prefetch
from django.utils import timezone

from dangjian.core.xlsx import Sheet
from dangjian.life.models import Activity, ActivityKind, Attendance
from dangjian.orgs.models import Organization

HEADERS = [
    "序号",
    "日期",
    "时间",
    "类型",
    "党组织",
    "会议主题",
    "地点",
    "主持人",
    "记录人",
    "应到",
    "实到",
    "缺席",
    "缺席人员及原因",
    "列席人员",
    "授课人",
    "党课题目",
    "决议事项",
    "记录字数",
]
MINUTES_HEADERS = ["序号", "日期", "类型", "党组织", "会议主题", "会议记录"]


def ledger_activities(org: Organization, year: int) -> list[Activity]:
    return list(
        Activity.objects.filter(organization__path__startswith=org.path)
        .in_year(year)
        .select_related("organization", "host", "recorder", "lecturer")
        .prefetch_related(
            Prefetch("attendances", queryset=Attendance.objects.select_related("member").order_by("id")),
            "guests",
        )
        .order_by("date", "start_time", "id")
    )


def ledger_sheets(org: Organization, year: int) -> list[Sheet]:
    activities = ledger_activities(org, year)
    rows, minutes_rows = [], []
    per_month: Counter = Counter()
    for i, a in enumerate(activities, start=1):
        att = list(a.attendances.all())
        attended = sum(1 for x in att if x.attended)
        absent = [
            f"{x.member.name}（{x.get_absence_reason_display()}{'：' + x.absence_note if x.absence_note else ''}）"
            for x in att
            if not x.attended
        ]
        guests = [str(g) for g in a.guests.all()]
        rows.append(
            [
                i,
                a.date,
                a.start_time.strftime("%H:%M") if a.start_time else "",
                a.get_kind_display(),
                a.organization.name,
                a.topic,
                a.place,
                a.host.name if a.host_id else "",
                a.recorder.name if a.recorder_id else "",
                len(att),
                attended,
                len(att) - attended,
                "、".join(absent),
                "、".join(guests),
                a.lecturer_display,
                a.lecture_title,
                a.resolutions,
                len(a.minutes),
            ]
        )
        minutes_rows.append([i, a.date, a.get_kind_display(), a.organization.name, a.topic, a.minutes])
        per_month[(a.kind, a.date.month)] += 1
    summary = [
        [
            kind.label,
            *[per_month[(kind.value, m)] for m in range(1, 13)],
            sum(per_month[(kind.value, m)] for m in range(1, 13)),
        ]
        for kind in ActivityKind
    ]
    generated = f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}；应到、实到、缺席人数均由出席名单计算"
    return [
        Sheet(
            title="三会一课台账",
            headers=HEADERS,
            rows=rows,
            caption=f"{org.name}{year}年“三会一课”台账",
            widths=[6, 12, 8, 12, 18, 30, 16, 10, 10, 6, 6, 6, 40, 24, 12, 24, 40, 8],
            notes=[generated],
        ),
        Sheet(title="会议记录", headers=MINUTES_HEADERS, rows=minutes_rows, widths=[6, 12, 12, 18, 30, 100]),
        Sheet(
            title="按月统计",
            headers=["类型", *[f"{m}月" for m in range(1, 13)], "合计"],
            rows=summary,
            caption=f"{org.name}{year}年组织生活按月统计",
        ),
    ]
