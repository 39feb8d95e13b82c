"""Reads over recruitment files: the pipeline by stage, the due dates ahead, a file's timeline.
Files and their related rows load in a fixed number of queries (prefetch), rules run in Python."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from dangjian.recruitment.models import FileStatus, Recruitment
from dangjian.recruitment.services import limits, timeline_of
from dangjian.recruitment.steps import RecruitStage
from dangjian.recruitment.timeline import Upcoming, Violation, check, upcoming


def with_timeline(qs: QuerySet[Recruitment]) -> QuerySet[Recruitment]:
    return qs.select_related("organization").prefetch_related(
        "steps", "documents", "cultivation", "sponsors", "extensions"
    )


@dataclass
class FileView:
    file: Recruitment
    violations: list[Violation]
    upcoming: list[Upcoming]

    @property
    def errors(self) -> int:
        return sum(1 for v in self.violations if v.severity == "error")


def file_views(qs: QuerySet[Recruitment], today: dt.date) -> list[FileView]:
    lim = limits()
    out = []
    for file in with_timeline(qs):
        t = timeline_of(file)
        out.append(
            FileView(
                file,
                check(t, lim, today),
                upcoming(t, lim, today) if file.status == FileStatus.ACTIVE else [],
            )
        )
    return out


def pipeline(qs: QuerySet[Recruitment], today: dt.date) -> list[dict[str, Any]]:
    """People at each stage and how long they have waited since their last step."""
    active = list(qs.filter(status=FileStatus.ACTIVE).values("stage", "last_step_on"))
    counts = Counter(row["stage"] for row in active)
    waits: dict[str, list[int]] = {}
    for row in active:
        if row["last_step_on"]:
            waits.setdefault(row["stage"], []).append((today - row["last_step_on"]).days)
    return [
        {
            "stage": label,
            "count": counts.get(value, 0),
            "longest_days": max(waits.get(value, [0])),
            "median_days": sorted(waits[value])[len(waits[value]) // 2] if waits.get(value) else 0,
        }
        for value, label in RecruitStage.choices
        if value != RecruitStage.CONFIRMED
    ]


def due_within(
    qs: QuerySet[Recruitment], today: dt.date, days: int = 30
) -> list[tuple[Recruitment, Upcoming]]:
    """Every active file's next steps whose due date falls in the next `days` days (or is past)."""
    horizon = today + dt.timedelta(days=days)
    out = []
    for view in file_views(qs.filter(status=FileStatus.ACTIVE), today):
        for item in view.upcoming:
            if item.kind == "due" and item.due <= horizon:
                out.append((view.file, item))
    return sorted(out, key=lambda pair: pair[1].due)
