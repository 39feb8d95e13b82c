"""The order and time rules of recruitment (细则), as pure functions over one file's dates.

`check(timeline, limits, today)` returns every violation with the rule's name and source;
`upcoming(timeline, limits, today)` returns what comes next and by when. No database access:
the file's models build a `Timeline` and the self-check runs the same function.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dangjian.lib.periods import add_months, add_years, age_on
from dangjian.lib.workdays import workdays_between
from dangjian.recruitment.steps import BASIS, STEP, DocumentKind

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Limits:
    """Defaults from domain-rules.md §3; a deployment overrides them in DOMAIN_RULES["recruitment"]."""

    min_age: int = 18
    talk_months: int = 1
    activist_years: int = 1
    training_hours: int = 24
    training_days: int = 3
    publicity_workdays: int = 5
    approval_months: int = 3
    approval_months_special: int = 6
    probation_years: int = 1
    extension_months_max: int = 12
    confirmation_grace_months: int = 1
    confirmation_approval_months: int = 3
    cultivation_interval_months: int = 3

    @classmethod
    def from_settings(cls, overrides: dict[str, int] | None) -> Limits:
        known = {k: int(v) for k, v in (overrides or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class Timeline:
    birth_date: dt.date
    dates: dict[int, dt.date]  # step number → date recorded
    documents: set[str] = field(default_factory=set)  # DocumentKind values present
    cultivation_dates: list[dt.date] = field(default_factory=list)
    sponsors: int = 0  # valid sponsors named (full members of the branch)
    training_hours: int | None = None
    training_days: int | None = None
    publicity_start: dt.date | None = None
    publicity_end: dt.date | None = None
    extensions_months: list[int] = field(default_factory=list)  # probation extensions decided


@dataclass(frozen=True)
class Violation:
    code: str
    severity: str
    step: int | None
    message: str
    basis: str = BASIS


@dataclass(frozen=True)
class Upcoming:
    step: int
    title: str
    due: dt.date
    kind: str = "due"  # "due": must happen by; "earliest": may happen from


def probation_end(t: Timeline, limits: Limits) -> dt.date | None:
    """One year from the day the branch meeting admitted the person (step 15), plus extensions."""
    admitted = t.dates.get(15)
    if admitted is None:
        return None
    return add_months(add_years(admitted, limits.probation_years), sum(t.extensions_months[:1]))


def _fmt(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def check(t: Timeline, limits: Limits, today: dt.date) -> list[Violation]:
    out: list[Violation] = []
    d = t.dates

    def add(code: str, severity: str, step: int | None, message: str, article: str = "") -> None:
        out.append(Violation(code, severity, step, message, BASIS + (article and f"第{article}条")))

    # order: every recorded step needs its prerequisites recorded, on or before its own date
    for number in sorted(d):
        for before in STEP[number].after:
            if before not in d:
                add(
                    "REC-ORDER",
                    ERROR,
                    number,
                    f"第{number}步「{STEP[number].title}」的前置步骤第{before}步「{STEP[before].title}」尚未记录",
                )
            elif d[before] > d[number]:
                add(
                    "REC-ORDER",
                    ERROR,
                    number,
                    f"第{number}步「{STEP[number].title}」（{_fmt(d[number])}）早于第{before}步「{STEP[before].title}」（{_fmt(d[before])}）",
                )
        if d[number] > today:
            add("REC-FUTURE", ERROR, number, f"第{number}步的日期{_fmt(d[number])}晚于今天")

    if 1 in d and age_on(t.birth_date, d[1]) < limits.min_age:
        add(
            "REC-AGE",
            ERROR,
            1,
            f"递交入党申请书时未满{limits.min_age}周岁（{age_on(t.birth_date, d[1])}岁）",
            "六",
        )
    if 1 in d:
        limit = add_months(d[1], limits.talk_months)
        talked = d.get(2)
        if (talked and talked > limit) or (talked is None and today > limit):
            add(
                "REC-TALK",
                ERROR,
                2,
                f"应在收到入党申请书后{limits.talk_months}个月内（{_fmt(limit)}前）派人谈话"
                + (f"，实际{_fmt(talked)}" if talked else "，至今未谈话"),
                "七",
            )
    if 3 in d and 7 in d:
        earliest = add_years(d[3], limits.activist_years)
        if d[7] < earliest:
            short = (earliest - d[7]).days
            add(
                "REC-ACTIVIST-YEAR",
                ERROR,
                7,
                f"入党积极分子培养教育时间不足{limits.activist_years}年（{_fmt(d[3])}确定积极分子，{_fmt(d[7])}确定发展对象，差{short}天）",
                "十三",
            )
    if 11 in d or 15 in d:
        hours_ok = t.training_hours is not None and t.training_hours >= limits.training_hours
        days_ok = t.training_days is not None and t.training_days >= limits.training_days
        if 11 in d and not (hours_ok or days_ok):
            add(
                "REC-TRAINING",
                ERROR,
                11,
                f"集中培训时间不少于{limits.training_days}天或{limits.training_hours}学时（记录为{t.training_days or 0}天、{t.training_hours or 0}学时）",
                "十八",
            )
    if 15 in d:
        for step in (10, 11):
            if step not in d:
                add(
                    "REC-BEFORE-MEETING",
                    ERROR,
                    15,
                    f"支部大会讨论前未完成第{step}步「{STEP[step].title}」",
                    "十七、十八",
                )
    if 12 in d:
        if t.publicity_start is None or t.publicity_end is None:
            add("REC-PUBLICITY", ERROR, 12, "未记录公示的起止日期", "十九")
        else:
            days = workdays_between(t.publicity_start, t.publicity_end)
            if days < limits.publicity_workdays:
                add(
                    "REC-PUBLICITY",
                    ERROR,
                    12,
                    f"公示{days}个工作日，不足{limits.publicity_workdays}个工作日",
                    "十九",
                )
            if 15 in d and t.publicity_end >= d[15]:
                add("REC-PUBLICITY", ERROR, 15, "公示未结束即召开支部大会", "十九")
    if 15 in d:
        normal = add_months(d[15], limits.approval_months)
        special = add_months(d[15], limits.approval_months_special)
        approved = d.get(17)
        when = approved or today
        if when > special:
            add(
                "REC-APPROVAL",
                ERROR,
                17,
                f"上级党委应在支部大会通过后{limits.approval_months}个月内审批（特殊情况不超过{limits.approval_months_special}个月，即{_fmt(special)}前）"
                + (f"，实际{_fmt(approved)}" if approved else "，至今未审批"),
                "二十五",
            )
        elif approved and approved > normal:
            add(
                "REC-APPROVAL",
                WARNING,
                17,
                f"上级党委审批超过{limits.approval_months}个月（{_fmt(approved)}），须有特殊情况说明",
                "二十五",
            )
    if len(t.extensions_months) > 1:
        add("REC-EXTENSION", ERROR, 23, f"预备期延长了{len(t.extensions_months)}次，只能延长一次", "三十二")
    if any(m > limits.extension_months_max or m < 1 for m in t.extensions_months):
        add("REC-EXTENSION", ERROR, 23, f"预备期延长时间应为1至{limits.extension_months_max}个月", "三十二")
    end = probation_end(t, limits)
    if end is not None and 17 in d:
        meeting = d.get(23)
        grace = add_months(end, limits.confirmation_grace_months)
        if meeting is not None and meeting < end:
            add(
                "REC-CONFIRM-EARLY",
                ERROR,
                23,
                f"预备期{_fmt(end)}届满，{_fmt(meeting)}即讨论转正，预备期未满",
                "三十一",
            )
        elif (meeting and meeting > grace) or (meeting is None and today > grace):
            add(
                "REC-CONFIRM-LATE",
                ERROR,
                23,
                f"预备期已于{_fmt(end)}届满，应及时讨论转正"
                + (f"，实际{_fmt(meeting)}" if meeting else "，至今未讨论"),
                "三十一",
            )
    if 23 in d:
        limit = add_months(d[23], limits.confirmation_approval_months)
        approved = d.get(24)
        if (approved and approved > limit) or (approved is None and today > limit):
            add(
                "REC-CONFIRM-APPROVAL",
                ERROR,
                24,
                f"上级党委应在{limits.confirmation_approval_months}个月内审批转正（{_fmt(limit)}前）",
                "三十三",
            )
    if 9 in d and t.sponsors != 2:
        add("REC-SPONSORS", ERROR, 9, f"应有两名正式党员作入党介绍人，记录为{t.sponsors}名", "十五")
    if 3 in d:
        end_of_book = d.get(7, today)
        points = sorted(x for x in [d[3], *t.cultivation_dates] if x <= end_of_book) + [end_of_book]
        for a, b in zip(points, points[1:], strict=False):
            if b > add_months(a, limits.cultivation_interval_months):
                add(
                    "REC-BOOK-GAP",
                    ERROR,
                    6,
                    f"培养考察写实簿在{_fmt(a)}至{_fmt(b)}之间超过{limits.cultivation_interval_months}个月无考察记录",
                    "十二",
                )
    for number in sorted(d):
        for kind in STEP[number].documents:
            if kind not in t.documents:
                add(
                    "REC-DOCUMENT",
                    ERROR,
                    number,
                    f"第{number}步「{STEP[number].title}」缺少材料：{DocumentKind(kind).label}",
                )
    return out


def upcoming(t: Timeline, limits: Limits, today: dt.date) -> list[Upcoming]:
    """What the file needs next, with the date by which (or from which) it can happen."""
    d, out = t.dates, []
    if 1 in d and 2 not in d:
        out.append(Upcoming(2, STEP[2].title, add_months(d[1], limits.talk_months)))
    if 3 in d and 7 not in d:
        last = max([d[3], *t.cultivation_dates])
        out.append(
            Upcoming(6, "培养考察写实簿下一次记录", add_months(last, limits.cultivation_interval_months))
        )
        out.append(Upcoming(7, STEP[7].title, add_years(d[3], limits.activist_years), "earliest"))
    if 15 in d and 17 not in d:
        out.append(Upcoming(17, STEP[17].title, add_months(d[15], limits.approval_months)))
    end = probation_end(t, limits)
    if end is not None and 17 in d and 23 not in d:
        out.append(Upcoming(23, f"预备期届满（{_fmt(end)}），支部大会讨论转正", end))
    if 23 in d and 24 not in d:
        out.append(Upcoming(24, STEP[24].title, add_months(d[23], limits.confirmation_approval_months)))
    return sorted(out, key=lambda u: u.due)
