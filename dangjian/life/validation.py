"""The one validation of an activity record, shared by the recording page, the edit page and the
API: field-level errors that block the save (nothing is stored) and warnings that are shown and
stored with the record. Messages are Chinese and name the field or the person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dangjian.life.minutes_templates import content_length, has_criticism_and_self_criticism
from dangjian.life.models import AbsenceReason, ActivityKind
from dangjian.life.rules import BASIS_BRANCH, minutes_min_chars
from dangjian.life.selectors import Expected, expected_members
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind

LABELS = {
    "kind": "类型",
    "date": "日期",
    "start_time": "开始时间",
    "place": "地点",
    "host": "主持人",
    "recorder": "记录人",
    "topic": "会议主题",
    "minutes": "会议记录",
    "resolutions": "决议事项",
    "lecturer": "授课人",
    "lecture_title": "党课题目",
    "attendance": "出席情况",
    "guests": "列席人员",
}

GROUP_KINDS = {ActivityKind.GROUP_MEETING, ActivityKind.OTHER}


@dataclass
class ActivityInput:
    """What a caller submits, already parsed into Python types (ids for people)."""

    kind: str
    date: dt.date | None
    start_time: dt.time | None = None
    place: str = ""
    host: int | None = None
    recorder: int | None = None
    topic: str = ""
    minutes: str = ""
    resolutions: str = ""
    lecturer: int | None = None
    lecturer_name: str = ""
    lecture_title: str = ""
    attended: set[int] = field(default_factory=set)
    absences: dict[int, tuple[str, str]] = field(default_factory=dict)  # member id -> (reason, note)
    guests: list[tuple[str, str]] = field(default_factory=list)  # (name, unit)


@dataclass
class Checked:
    errors: dict[str, list[str]]
    warnings: list[dict[str, str]]
    expected: list[Expected]
    people: dict[int, Member]

    @property
    def ok(self) -> bool:
        return not self.errors


def _warning(code: str, message: str, basis: str = BASIS_BRANCH) -> dict[str, str]:
    return {"code": code, "message": message, "basis": basis}


def allowed_kinds(org: Organization) -> list[tuple[str, str]]:
    if org.kind == OrgKind.GROUP:
        return [(k.value, k.label) for k in ActivityKind if k in GROUP_KINDS]
    return [(k.value, k.label) for k in ActivityKind if k != ActivityKind.GROUP_MEETING]


def check_activity(
    *, organization: Organization, data: ActivityInput, today: dt.date, visible_members: Any
) -> Checked:
    """`visible_members` is the caller's scoped Member queryset: a person named as host, recorder
    or lecturer must be expected at the activity or visible to the caller."""
    errors: dict[str, list[str]] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    kinds = dict(allowed_kinds(organization))
    if data.kind not in kinds:
        if data.kind in ActivityKind.values:
            err(
                "kind",
                f"{organization.name}（{organization.get_kind_display()}）不能记录{ActivityKind(data.kind).label}",
            )
        else:
            err("kind", "请选择活动类型")
    if data.date is None:
        err("date", "请填写日期")
    elif data.date > today:
        err("date", "已召开的会议日期不能晚于今天；会议计划请列入学习计划")
    elif organization.founded_on and data.date < organization.founded_on:
        err("date", f"日期早于该党组织成立日期（{organization.founded_on:%Y-%m-%d}）")
    elif organization.dissolved_on and data.date > organization.dissolved_on:
        err("date", f"该党组织已于{organization.dissolved_on:%Y-%m-%d}撤销")
    for name, value, limit in (("place", data.place, 100), ("topic", data.topic, 200)):
        if not value.strip():
            err(name, f"请填写{LABELS[name]}")
        elif len(value.strip()) > limit:
            err(name, f"{LABELS[name]}不能超过{limit}字")
    is_lecture = data.kind == ActivityKind.LECTURE
    if is_lecture:
        if data.lecturer is None and not data.lecturer_name.strip():
            err("lecturer", "党课须填写授课人（本组织党员或外请授课人姓名）")
        if not data.lecture_title.strip():
            err("lecture_title", "请填写党课题目")

    expected: list[Expected] = []
    if data.kind in kinds and data.date is not None and "date" not in errors:
        expected = expected_members(organization, data.kind, data.date)
        if not expected:
            if data.kind == ActivityKind.COMMITTEE_MEETING:
                err("attendance", f"{data.date:%Y-%m-%d}该党组织没有在任的委员，不能记录支委会")
            else:
                err("attendance", f"{data.date:%Y-%m-%d}该党组织没有党员，无应到人员")
    expected_ids = {e.member.pk for e in expected}

    # People named on the record: expected, or within the caller's scope.
    named = {data.host, data.recorder, data.lecturer} | data.attended | set(data.absences)
    named.discard(None)
    people = {m.pk: m for m in Member.objects.filter(pk__in=named)}
    visible = set(visible_members.filter(pk__in=named).values_list("pk", flat=True))

    def who(pk: int) -> str:
        return people[pk].name if pk in visible or pk in expected_ids else f"编号{pk}"

    for name in ("host", "recorder"):
        pk = getattr(data, name)
        if pk is None:
            err(name, f"请选择{LABELS[name]}")
        elif pk not in people or (pk not in expected_ids and pk not in visible):
            err(name, f"{LABELS[name]}不在您的管辖范围内")
    if data.lecturer is not None and (
        data.lecturer not in people or (data.lecturer not in expected_ids and data.lecturer not in visible)
    ):
        err("lecturer", "授课人不在您的管辖范围内")

    if expected:
        day = f"{data.date:%Y年%m月%d日}"
        both = data.attended & set(data.absences)
        for pk in sorted(both):
            err("attendance", f"{who(pk)}同时被记为出席和缺席")
        strangers = (data.attended | set(data.absences)) - expected_ids
        for pk in sorted(strangers):
            label = "委员" if data.kind == ActivityKind.COMMITTEE_MEETING else "党员"
            err("attendance", f"{who(pk)}{day}不是本组织应到{label}，不能列入出席名单；非党员请列入列席人员")
        reasons = set(AbsenceReason.values)
        for e in expected:
            pk = e.member.pk
            if pk in data.attended:
                continue
            if pk not in data.absences:
                err(
                    "attendance",
                    f"应到人员{e.member.name}未标记出席或缺席（如已更改日期或类型，请刷新应到名单）",
                )
                continue
            reason, note = data.absences[pk]
            if not reason:
                err("attendance", f"{e.member.name}缺席，请选择缺席原因")
            elif reason not in reasons:
                err("attendance", f"{e.member.name}的缺席原因无效")
            elif len(note) > 100:
                err("attendance", f"{e.member.name}的缺席说明不能超过100字")
    for i, (name, unit) in enumerate(data.guests, start=1):
        if not name.strip():
            err("guests", f"第{i}位列席人员未填写姓名")
        elif len(name.strip()) > 50 or len(unit.strip()) > 100:
            err("guests", f"列席人员{name.strip()[:20]}的姓名或单位过长")

    warnings: list[dict[str, str]] = []
    if not errors:
        voting = [e for e in expected if not e.probationary]
        present = sum(1 for e in voting if e.member.pk in data.attended)
        warnings = activity_warnings(data.kind, data.minutes, data.resolutions, len(voting), present)
    return Checked(errors, warnings, expected, people)


def activity_warnings(
    kind: str, minutes: str, resolutions: str, voting_expected: int, voting_present: int
) -> list[dict[str, str]]:
    """The warnings a saved record carries (shown and stored, never blocking)."""
    warnings = []
    written = content_length(minutes, kind)
    minimum = minutes_min_chars()
    if written < minimum:
        warnings.append(
            _warning(
                "minutes_short",
                f"会议记录正文仅{written}字，少于{minimum}字，内容可能不完整（应记录议程、讨论情况和决议）",
                f"{BASIS_BRANCH}；会议记录应完整规范",
            )
        )
    if kind == ActivityKind.LIFE_MEETING and not has_criticism_and_self_criticism(minutes):
        warnings.append(
            _warning(
                "no_criticism",
                "组织生活会记录中未见批评和自我批评的内容，组织生活会必须开展批评与自我批评",
            )
        )
    quorum_needed = kind == ActivityKind.GENERAL_MEETING and resolutions.strip() and voting_expected
    if quorum_needed and voting_present * 2 <= voting_expected:
        warnings.append(
            _warning(
                "no_quorum",
                f"有表决权的正式党员{voting_expected}名，到会{voting_present}名，未超过半数，党员大会不能作出决议",
                "《中国共产党章程》；《中国共产党发展党员工作细则》",
            )
        )
    return warnings
