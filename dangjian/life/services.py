"""Writes of organizational life: validate (dangjian.life.validation) → change → full_clean → save →
audit, in one transaction; a failing check stores nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangjian.accounts.roles import WRITE, Domain
from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record, diff
from dangjian.core.scope import require_org
from dangjian.life.models import (
    Activity,
    ActivityKind,
    Appraisal,
    AppraisalGrade,
    Attachment,
    Attendance,
    DutyReport,
    Guest,
    StudyPlan,
    StudyPlanItem,
    Talk,
)
from dangjian.life.uploads import check_upload, display_name
from dangjian.life.validation import ActivityInput, allowed_kinds, check_activity
from dangjian.members.models import Member, Membership, members_on
from dangjian.orgs.models import CommitteeRole, CommitteeSeat, Organization


class StaleVersion(ValidationError):
    def __init__(self) -> None:
        super().__init__("该记录已被他人修改，请刷新后重新编辑（您的修改未保存）", code="stale")


def _actor_user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _snapshot(activity: Activity) -> dict[str, Any]:
    return {
        "kind": activity.kind,
        "date": activity.date,
        "start_time": activity.start_time.strftime("%H:%M") if activity.start_time else None,
        "place": activity.place,
        "host": activity.host_id,
        "recorder": activity.recorder_id,
        "topic": activity.topic,
        "minutes_chars": len(activity.minutes),
        "resolutions_chars": len(activity.resolutions),
        "lecturer": activity.lecturer_id or activity.lecturer_name,
        "lecture_title": activity.lecture_title,
    }


def _attendance_snapshot(activity: Activity) -> dict[str, Any]:
    rows = list(activity.attendances.values_list("member_id", "attended", "absence_reason"))
    return {
        "attended": sorted(m for m, a, _ in rows if a),
        "absent": sorted([m, r] for m, a, r in rows if not a),
        "guests": list(activity.guests.values_list("name", flat=True)),
    }


def _apply(activity: Activity, data: ActivityInput, checked: Any) -> None:
    activity.kind = data.kind
    activity.date = data.date  # type: ignore[assignment]
    activity.start_time = data.start_time
    activity.place = data.place.strip()
    activity.host_id = data.host
    activity.recorder_id = data.recorder
    activity.topic = data.topic.strip()
    activity.minutes = data.minutes.replace("\r\n", "\n").strip()
    activity.resolutions = data.resolutions.replace("\r\n", "\n").strip()
    is_lecture = data.kind == ActivityKind.LECTURE
    activity.lecturer_id = data.lecturer if is_lecture else None
    activity.lecturer_name = data.lecturer_name.strip() if is_lecture and data.lecturer is None else ""
    activity.lecture_title = data.lecture_title.strip() if is_lecture else ""
    activity.warnings = checked.warnings


def _write_lists(activity: Activity, data: ActivityInput, checked: Any) -> None:
    rows = []
    for e in checked.expected:
        pk = e.member.pk
        attended = pk in data.attended
        reason, note = ("", "") if attended else data.absences[pk]
        rows.append(
            Attendance(
                activity=activity,
                member_id=pk,
                attended=attended,
                absence_reason=reason,
                absence_note=note.strip(),
                probationary=e.probationary,
            )
        )
    Attendance.objects.bulk_create(rows)
    Guest.objects.bulk_create(
        [Guest(activity=activity, name=n.strip(), unit=u.strip()) for n, u in data.guests if n.strip()]
    )


def _check(actor: Any, organization: Organization, data: ActivityInput) -> Any:
    checked = check_activity(
        organization=organization,
        data=data,
        today=timezone.localdate(),
        visible_members=Member.objects.for_user(actor),
    )
    _raise(checked.errors)
    return checked


@transaction.atomic
def activity_create(*, actor: Any, organization: Organization, data: ActivityInput) -> Activity:
    require_org(actor, organization, Domain.RECORDS, WRITE)
    checked = _check(actor, organization, data)
    activity = Activity(organization=organization, recorded_by=_actor_user(actor))
    _apply(activity, data, checked)
    activity.full_clean()
    activity.save()
    _write_lists(activity, data, checked)
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=activity,
        data={
            "new": _snapshot(activity) | _attendance_snapshot(activity),
            "warnings": [w["code"] for w in checked.warnings],
        },
    )
    return activity


@transaction.atomic
def activity_update(*, actor: Any, activity: Activity, data: ActivityInput, version: int) -> Activity:
    """A correction: the record changes (history kept), the lists are rebuilt for the (new) date."""
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    require_org(actor, locked.organization, Domain.RECORDS, WRITE)
    if locked.version != version:
        raise StaleVersion()
    checked = _check(actor, locked.organization, data)
    before = _snapshot(locked) | _attendance_snapshot(locked)
    _apply(locked, data, checked)
    locked.version += 1
    locked.full_clean()
    locked.save()
    locked.attendances.all().delete()
    locked.guests.all().delete()
    _write_lists(locked, data, checked)
    after = _snapshot(locked) | _attendance_snapshot(locked)
    audit_record(
        actor=actor,
        event_type=EventType.UPDATE,
        subject=locked,
        data={"changes": diff(before, after), "warnings": [w["code"] for w in checked.warnings]},
    )
    return locked


@transaction.atomic
def attachment_add(*, actor: Any, activity: Activity, upload: Any) -> Attachment:
    require_org(actor, activity.organization, Domain.RECORDS, WRITE)
    kind = check_upload(upload)
    name = display_name(getattr(upload, "name", "") or "", kind)
    attachment = Attachment(
        activity=activity,
        original_name=name,
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=_actor_user(actor),
    )
    upload.seek(0)
    attachment.file.save(name, upload, save=False)
    try:
        attachment.full_clean()
        attachment.save()
        audit_record(
            actor=actor,
            event_type=EventType.CREATE,
            subject=attachment,
            organization=activity.organization,
            data={
                "new": {"activity": activity.pk, "name": name, "type": kind.content_type, "size": upload.size}
            },
        )
    except Exception:
        attachment.file.delete(save=False)  # nothing stored half: no orphan file
        raise
    return attachment


def _member_of_on(member: Member, org: Organization, day: dt.date) -> bool:
    if Membership.objects.filter(
        members_on(day), member=member, organization__path__startswith=org.path
    ).exists():
        return True
    return (
        CommitteeSeat.objects.filter(member=member, committee__organization=org, since__lte=day)
        .filter(Q(until__isnull=True) | Q(until__gte=day))
        .exists()
    )


@transaction.atomic
def talk_create(
    *,
    actor: Any,
    organization: Organization,
    participant_a: Member | None,
    participant_b: Member | None,
    date: dt.date | None,
    summary: str,
    place: str = "",
) -> Talk:
    require_org(actor, organization, Domain.RECORDS, WRITE)
    errors: dict[str, list[str]] = {}
    if participant_a is None:
        errors["participant_a"] = ["请选择谈话人"]
    if participant_b is None:
        errors["participant_b"] = ["请选择谈话对象"]
    elif participant_a is not None and participant_a.pk == participant_b.pk:
        errors["participant_b"] = ["谈心谈话须在两人之间进行"]
    if date is None:
        errors["date"] = ["请填写日期"]
    elif date > timezone.localdate():
        errors["date"] = ["日期不能晚于今天"]
    if not summary.strip():
        errors["summary"] = ["请填写谈话内容摘要"]
    if not errors and not (
        _member_of_on(participant_a, organization, date) or _member_of_on(participant_b, organization, date)  # type: ignore[arg-type]
    ):
        errors["participant_a"] = [f"谈话双方在{date:%Y-%m-%d}都不是{organization.name}的党员或委员"]
    _raise(errors)
    talk = Talk(
        organization=organization,
        participant_a=participant_a,
        participant_b=participant_b,
        date=date,
        place=place.strip(),
        summary=summary.replace("\r\n", "\n").strip(),
        recorded_by=_actor_user(actor),
    )
    talk.full_clean()
    talk.save()
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=talk,
        data={
            "new": {
                "a": participant_a.pk,
                "b": participant_b.pk,
                "date": date,
                "summary_chars": len(talk.summary),
            }
        },  # type: ignore[union-attr]
    )
    return talk


@transaction.atomic
def appraisal_record(
    *,
    actor: Any,
    organization: Organization,
    year: int,
    grades: dict[int, str],
    activity: Activity | None = None,
) -> list[Appraisal]:
    """Grades of several members at once; a member already graded that year gets the new grade
    (the change is kept in the history). All or nothing."""
    require_org(actor, organization, Domain.RECORDS, WRITE)
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if year > today.year or year < 1921:
        errors["year"] = ["年度无效"]
    if activity is not None and (
        activity.organization_id != organization.pk
        or activity.date.year != year
        or activity.kind not in (ActivityKind.LIFE_MEETING, ActivityKind.GENERAL_MEETING)
    ):
        errors["activity"] = ["评议会议须为本组织该年度的组织生活会或党员大会"]
    valid = set(AppraisalGrade.values)
    members: dict[int, Member] = {}
    if "year" not in errors:  # whose members in which year: only for a year that can be
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        members = {
            ms.member_id: ms.member
            for ms in Membership.objects.filter(
                Q(since__lte=end) & (Q(until__isnull=True) | Q(until__gte=start)),
                organization__path__startswith=organization.path,
                member_id__in=list(grades),
            ).select_related("member")
        }
        for pk, grade in grades.items():
            if pk not in members:
                errors.setdefault("grades", []).append(f"编号{pk}的人员{year}年不是{organization.name}的党员")
            elif grade not in valid:
                errors.setdefault("grades", []).append(f"{members[pk].name}的评议等次无效")
    if not grades:
        errors.setdefault("grades", []).append("请至少为一名党员评定等次")
    _raise(errors)
    existing = {
        a.member_id: a
        for a in Appraisal.objects.select_for_update().filter(year=year, member_id__in=list(grades))
    }
    out, changes = [], {}
    for pk, grade in grades.items():
        row = existing.get(pk)
        if (
            row is not None
            and row.organization_id != organization.pk
            and not row.organization.path.startswith(organization.path)
        ):
            _raise({"grades": [f"{members[pk].name}的{year}年度评议已由{row.organization.name}录入"]})
        if row is None:
            row = Appraisal(
                organization=organization, year=year, member_id=pk, recorded_by=_actor_user(actor)
            )
        elif row.grade == grade and row.activity_id == (activity.pk if activity else None):
            out.append(row)
            continue
        changes[pk] = [row.grade or None, grade]
        row.grade = grade
        row.activity = activity
        row.full_clean(validate_unique=False)
        row.save()
        out.append(row)
    if changes:
        audit_record(
            actor=actor,
            event_type=EventType.UPDATE,
            organization=organization,
            object_type="life.Appraisal",
            object_repr=f"{organization.name}{year}年度民主评议",
            data={"year": year, "grades": changes},
        )
    return out


@transaction.atomic
def duty_report_create(
    *,
    actor: Any,
    organization: Organization,
    year: int,
    secretary: Member | None,
    text: str,
) -> DutyReport:
    require_org(actor, organization, Domain.RECORDS, WRITE)
    errors: dict[str, list[str]] = {}
    if year > timezone.localdate().year:
        errors["year"] = ["年度不能晚于今年"]
    elif year < 1921:
        errors["year"] = ["年度无效"]
    if secretary is None:
        errors["secretary"] = ["请选择述职人"]
    elif "year" not in errors:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        held = CommitteeSeat.objects.filter(
            member=secretary,
            committee__organization=organization,
            role__in=[CommitteeRole.SECRETARY, CommitteeRole.DEPUTY_SECRETARY],
            since__lte=end,
        ).filter(Q(until__isnull=True) | Q(until__gte=start))
        if not held.exists():
            errors["secretary"] = [f"{secretary.name}{year}年未担任{organization.name}书记或副书记"]
        elif DutyReport.objects.filter(organization=organization, year=year, secretary=secretary).exists():
            errors["year"] = [f"{secretary.name}{year}年度的述职已录入"]
    if len(text.strip()) < 50:
        errors["text"] = ["述职报告内容过短（至少50字）"]
    _raise(errors)
    report = DutyReport(
        organization=organization,
        year=year,
        secretary=secretary,
        text=text.replace("\r\n", "\n").strip(),
        recorded_by=_actor_user(actor),
    )
    report.full_clean()
    report.save()
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=report,
        data={"new": {"year": year, "secretary": secretary.pk, "chars": len(report.text)}},
    )  # type: ignore[union-attr]
    return report


@transaction.atomic
def study_plan_item_add(
    *,
    actor: Any,
    organization: Organization,
    year: int,
    month: int | None,
    topic: str,
    kind: str,
) -> StudyPlanItem:
    require_org(actor, organization, Domain.RECORDS, WRITE)
    errors: dict[str, list[str]] = {}
    if not 1921 <= year <= timezone.localdate().year + 1:  # next year's plan is made in December
        errors["year"] = ["年度无效"]
    if month is None or not 1 <= month <= 12:
        errors["month"] = ["月份应为1至12"]
    if not topic.strip():
        errors["topic"] = ["请填写学习主题"]
    elif len(topic.strip()) > 200:
        errors["topic"] = ["学习主题不能超过200字"]
    if kind not in dict(allowed_kinds(organization)):
        errors["kind"] = ["请选择活动形式"]
    _raise(errors)
    plan, created = StudyPlan.objects.get_or_create(organization=organization, year=year)
    item = StudyPlanItem(plan=plan, month=month, topic=topic.strip(), kind=kind)  # type: ignore[misc]
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=item,
        organization=organization,
        data={"new": {"year": year, "month": month, "topic": item.topic, "kind": kind}},
    )
    return item


@transaction.atomic
def study_plan_item_remove(*, actor: Any, item: StudyPlanItem) -> None:
    organization = item.plan.organization
    require_org(actor, organization, Domain.RECORDS, WRITE)
    audit_record(
        actor=actor,
        event_type=EventType.DELETE,
        subject=item,
        organization=organization,
        data={"old": {"year": item.plan.year, "month": item.month, "topic": item.topic, "kind": item.kind}},
    )
    item.delete()  # the history table keeps the removed item
