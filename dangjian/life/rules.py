"""The frequency rules of organizational life (domain-rules.md §2) and the thresholds of the save checks.

Every number is a default a deployment may change in settings.DOMAIN_RULES:

- "life_frequencies": {rule key: {"every": "month"|"quarter"|"year", "times": n}}; "times": 0 switches
  a rule off. Keys: general_meeting, committee_meeting, group_meeting, lecture, secretary_lecture,
  themed_day, life_meeting, appraisal, talks.
- "life_minutes_min_chars": minutes shorter than this are saved with a warning.
- "life_committee_meeting_min_seats": a branch owes monthly committee meetings only in periods
  when at least this many committee seats are filled (a branch with only a secretary has no 支委会).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from dangjian.lib.periods import month_bounds, quarter_bounds
from dangjian.life.models import ActivityKind

BASIS_BRANCH = "《中国共产党支部工作条例（试行）》"
BASIS_EDUCATION = "《中国共产党党员教育管理工作条例》"

DEFAULT_FREQUENCIES: dict[str, dict[str, Any]] = {
    "general_meeting": {"every": "quarter", "times": 1},
    "committee_meeting": {"every": "month", "times": 1},
    "group_meeting": {"every": "month", "times": 1},
    "lecture": {"every": "quarter", "times": 1},
    "secretary_lecture": {"every": "year", "times": 1},
    "themed_day": {"every": "month", "times": 1},
    "life_meeting": {"every": "year", "times": 1},
    "appraisal": {"every": "year", "times": 1},
    "talks": {"every": "year", "times": 1},
}
DEFAULT_MINUTES_MIN_CHARS = 150
DEFAULT_COMMITTEE_MEETING_MIN_SEATS = 2

PERIOD_LABELS = {"month": "每月", "quarter": "每季度", "year": "每年"}


@dataclass(frozen=True)
class FrequencyRule:
    key: str
    label: str
    every: str  # month | quarter | year
    times: int
    org_kind: str  # the organization kind that owes it: "branch" or "group"
    activity_kind: str | None  # counted activities; None for talks and appraisals
    basis: str

    @property
    def frequency_label(self) -> str:
        return f"{PERIOD_LABELS[self.every]}{self.times}次"


_DEFINITIONS: list[tuple[str, str, str, str | None, str]] = [
    # key, label, owed by, activity kind, basis
    ("general_meeting", "支部党员大会", "branch", ActivityKind.GENERAL_MEETING, BASIS_BRANCH),
    ("committee_meeting", "支委会", "branch", ActivityKind.COMMITTEE_MEETING, BASIS_BRANCH),
    ("group_meeting", "党小组会", "group", ActivityKind.GROUP_MEETING, BASIS_BRANCH),
    (
        "lecture",
        "党课",
        "branch",
        ActivityKind.LECTURE,
        f"{BASIS_BRANCH}（每季度1次为通行做法，以本地规定为准）",
    ),
    ("secretary_lecture", "书记讲党课", "branch", ActivityKind.LECTURE, BASIS_BRANCH),
    ("themed_day", "主题党日", "branch", ActivityKind.THEMED_DAY, BASIS_BRANCH),
    ("life_meeting", "组织生活会", "branch", ActivityKind.LIFE_MEETING, BASIS_BRANCH),
    ("appraisal", "民主评议党员", "branch", None, f"{BASIS_BRANCH}；{BASIS_EDUCATION}"),
    ("talks", "谈心谈话", "branch", None, BASIS_BRANCH),
]


def _domain_rules() -> dict[str, Any]:
    return getattr(settings, "DOMAIN_RULES", {})


def frequency_rules() -> list[FrequencyRule]:
    """The rules in force, in display order (configured ones override the defaults; times 0 = off)."""
    configured = _domain_rules().get("life_frequencies", {}) or {}
    out = []
    for key, label, org_kind, kind, basis in _DEFINITIONS:
        spec = {**DEFAULT_FREQUENCIES[key], **configured.get(key, {})}
        if spec["every"] not in PERIOD_LABELS:
            raise ValueError(f"life_frequencies.{key}.every must be month, quarter or year")
        if int(spec["times"]) <= 0:
            continue
        out.append(FrequencyRule(key, label, spec["every"], int(spec["times"]), org_kind, kind, basis))
    return out


def minutes_min_chars() -> int:
    return int(_domain_rules().get("life_minutes_min_chars", DEFAULT_MINUTES_MIN_CHARS))


def committee_meeting_min_seats() -> int:
    return int(_domain_rules().get("life_committee_meeting_min_seats", DEFAULT_COMMITTEE_MEETING_MIN_SEATS))


@dataclass(frozen=True, order=True)
class Period:
    year: int
    every: str
    index: int  # month 1-12, quarter 1-4, or 1 for the year

    @property
    def start(self) -> dt.date:
        if self.every == "month":
            return month_bounds(self.year, self.index)[0]
        if self.every == "quarter":
            return quarter_bounds(self.year, self.index)[0]
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        if self.every == "month":
            return month_bounds(self.year, self.index)[1]
        if self.every == "quarter":
            return quarter_bounds(self.year, self.index)[1]
        return dt.date(self.year, 12, 31)

    @property
    def last_month_start(self) -> dt.date:
        return self.end.replace(day=1)

    @property
    def months(self) -> range:
        if self.every == "month":
            return range(self.index, self.index + 1)
        if self.every == "quarter":
            return range(3 * self.index - 2, 3 * self.index + 1)
        return range(1, 13)

    @property
    def label(self) -> str:
        if self.every == "month":
            return f"{self.year}年{self.index}月"
        if self.every == "quarter":
            return f"{self.year}年第{self.index}季度"
        return f"{self.year}年"

    @property
    def short_label(self) -> str:
        if self.every == "month":
            return f"{self.index}月"
        if self.every == "quarter":
            return f"Q{self.index}"
        return "全年"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def periods_of(year: int, every: str) -> list[Period]:
    count = {"month": 12, "quarter": 4, "year": 1}[every]
    return [Period(year, every, i) for i in range(1, count + 1)]


def period_containing(day: dt.date, every: str) -> Period:
    if every == "month":
        return Period(day.year, "month", day.month)
    if every == "quarter":
        return Period(day.year, "quarter", (day.month - 1) // 3 + 1)
    return Period(day.year, "year", 1)
