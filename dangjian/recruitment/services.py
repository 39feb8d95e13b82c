"""Writes to recruitment files. A step is refused when it breaks order or is dated in the future
(the rule is named); time limits that were missed are recorded and flagged, never hidden."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record
from dangjian.core import pii
from dangjian.lib import idcard, phone
from dangjian.lib.periods import age_on
from dangjian.members.models import Member, MemberCategory, Membership, MemberStatus
from dangjian.members.services import name_initials
from dangjian.orgs.models import Organization, OrgKind
from dangjian.recruitment.models import (
    ContactRole,
    CultivationLog,
    FileStatus,
    ProbationExtension,
    RecruitDocument,
    Recruitment,
    RecruitSponsor,
    RecruitStep,
)
from dangjian.recruitment.steps import STEP, DocumentKind, stage_of
from dangjian.recruitment.timeline import Limits, Timeline, Violation, check, probation_end

# Rules whose breach refuses the entry (the rest are flagged with the rule named).
REFUSING = {"REC-ORDER", "REC-FUTURE", "REC-AGE", "REC-EXTENSION", "REC-CONFIRM-EARLY"}


def limits() -> Limits:
    return Limits.from_settings(settings.DOMAIN_RULES.get("recruitment"))


def timeline_of(recruitment: Recruitment) -> Timeline:
    """Uses prefetched relations when present (the list pages prefetch them)."""
    return Timeline(
        birth_date=recruitment.birth_date,
        dates={s.number: s.date for s in recruitment.steps.all()},
        documents={d.kind for d in recruitment.documents.all()},
        cultivation_dates=[c.date for c in recruitment.cultivation.all()],
        sponsors=sum(1 for s in recruitment.sponsors.all() if s.role == ContactRole.SPONSOR),
        training_hours=recruitment.training_hours,
        training_days=recruitment.training_days,
        publicity_start=recruitment.publicity_start,
        publicity_end=recruitment.publicity_end,
        extensions_months=[e.months for e in recruitment.extensions.all()],
    )


def violations(recruitment: Recruitment, today: dt.date | None = None) -> list[Violation]:
    return check(timeline_of(recruitment), limits(), today or timezone.localdate())


@transaction.atomic
def recruitment_create(
    *,
    actor: Any,
    organization: Organization,
    name: str,
    id_number: str,
    education: str,
    applied_on: dt.date,
    phone_number: str = "",
    occupation: str = "",
) -> Recruitment:
    errors: dict[str, str] = {}
    if organization.kind != OrgKind.BRANCH:
        errors["organization"] = "发展党员档案应建在党支部"
    try:
        parsed = idcard.parse(id_number)
    except idcard.IdNumberError as exc:
        errors["id_number"] = str(exc)
        parsed = None
    clean_phone = ""
    if phone_number:
        try:
            clean_phone = phone.parse(phone_number)
        except phone.PhoneError as exc:
            errors["phone_number"] = str(exc)
    if applied_on > timezone.localdate():
        errors["applied_on"] = "递交申请日期不能晚于今天"
    if parsed is not None:
        if age_on(parsed.birth_date, applied_on) < limits().min_age:
            errors["applied_on"] = (
                f"申请入党须年满{limits().min_age}周岁（《中国共产党发展党员工作细则》第六条）"
            )
        digest = pii.digest(parsed.value)
        if Recruitment.objects.filter(id_number_hmac=digest, status=FileStatus.ACTIVE).exists():
            errors["id_number"] = "此人已有正在培养中的发展党员档案"
        if Member.objects.current().filter(id_number_hmac=digest).exists():
            errors["id_number"] = "此人已是党员"
    if not name.strip():
        errors["name"] = "姓名不能为空"
    if errors:
        raise ValidationError(errors)
    assert parsed is not None
    file = Recruitment(
        name=name.strip(),
        gender=parsed.gender,
        birth_date=parsed.birth_date,
        education=education,
        organization=organization,
        occupation=occupation,
    )
    file.id_number = parsed.value
    file.phone = clean_phone
    file.full_clean(exclude=["id_number_enc", "id_number_hmac", "phone_enc", "phone_hmac"])
    file.save()
    RecruitDocument.objects.create(
        recruitment=file, kind=DocumentKind.APPLICATION, date=applied_on, recorded_by=_user(actor)
    )
    _put_step(actor, file, 1, applied_on, body="申请人", note="")
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=file,
        data={"new": {"name": file.name, "applied_on": applied_on}},
    )
    return file


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _put_step(actor: Any, file: Recruitment, number: int, date: dt.date, body: str, note: str) -> RecruitStep:
    step = RecruitStep.objects.create(
        recruitment=file,
        number=number,
        date=date,
        body=body or STEP[number].body,
        note=note,
        recorded_by=_user(actor),
    )
    recorded = set(file.steps.values_list("number", flat=True))
    file.stage = stage_of(recorded)
    if number >= file.last_step:
        file.last_step, file.last_step_on = number, date
    file.version += 1
    file.save()
    return step


@transaction.atomic
def step_record(
    *,
    actor: Any,
    recruitment: Recruitment,
    number: int,
    date: dt.date,
    body: str = "",
    note: str = "",
    version: int,
) -> list[Violation]:
    """Record one step. Refused (nothing stored) when it breaks order or a refusing rule; otherwise
    stored, and the time-limit violations it brings are returned so the page shows them."""
    file = Recruitment.objects.select_for_update().get(pk=recruitment.pk)
    if file.version != version:
        raise ValidationError("该档案已被他人修改，请刷新后重新操作（您的修改未保存）")
    if file.status != FileStatus.ACTIVE:
        raise ValidationError("该档案已不在培养中")
    if number not in STEP:
        raise ValidationError({"number": "步骤应为1至25"})
    if file.steps.filter(number=number).exists():
        raise ValidationError({"number": f"第{number}步已记录；更正请新增说明，不可覆盖"})
    if number == 9 and file.sponsors.filter(role=ContactRole.SPONSOR).count() != 2:
        raise ValidationError({"number": "确定入党介绍人前请先指定两名入党介绍人（《细则》第十五条）"})
    if number == 11 and not (
        (file.training_days or 0) >= limits().training_days
        or (file.training_hours or 0) >= limits().training_hours
    ):
        raise ValidationError(
            {
                "number": f"请先填写集中培训天数或学时（不少于{limits().training_days}天或{limits().training_hours}学时，《细则》第十八条）"
            }
        )
    before = {v for v in violations(file)}
    tentative = timeline_of(file)
    tentative.dates[number] = date
    new = [v for v in check(tentative, limits(), timezone.localdate()) if v not in before]
    refused = [v for v in new if v.code in REFUSING and v.step == number]
    if refused:
        raise ValidationError({"date": [f"{v.message}（{v.basis}）" for v in refused]})
    _put_step(actor, file, number, date, body, note)
    if number == 17:
        _admit(actor, file)
    if number == 24:
        _confirm(actor, file)
    if number == 25 and file.member_id:
        file.status = FileStatus.CONFIRMED
        file.save(update_fields=["status"])
    audit_record(actor=actor, event_type=EventType.UPDATE, subject=file, data={"step": number, "date": date})
    return [v for v in new if v.code not in REFUSING]


def _admit(actor: Any, file: Recruitment) -> None:
    """Approved by the higher committee: the person becomes a probationary member of the branch,
    counted from the day the branch meeting admitted them (step 15)."""
    admitted = file.steps.get(number=15).date
    member = Member(
        name=file.name,
        gender=file.gender,
        birth_date=file.birth_date,
        education=file.education,
        organization=file.organization,
        category=MemberCategory.RESIDENT,
        status=MemberStatus.PROBATIONARY,
        joined_on=admitted,
        employer=file.occupation,
    )
    member.id_number = file.id_number
    member.phone = file.phone
    member.name_initials = name_initials(member.name)
    member.save()
    Membership.objects.create(member=member, organization=file.organization, since=admitted)
    file.member = member
    file.save(update_fields=["member"])
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=member,
        data={"from_recruitment": file.pk, "status": "probationary"},
    )


def _confirm(actor: Any, file: Recruitment) -> None:
    member = file.member
    if member is None:
        raise ValidationError("尚未接收为预备党员，不能转正")
    end = probation_end(timeline_of(file), limits())
    member.status = MemberStatus.FULL
    member.confirmed_on = end
    member.version += 1
    member.save()
    audit_record(
        actor=actor,
        event_type=EventType.UPDATE,
        subject=member,
        data={"changes": {"status": ["probationary", "full"], "confirmed_on": [None, end]}},
    )


@transaction.atomic
def sponsor_add(
    *, actor: Any, recruitment: Recruitment, member: Member, role: str, since: dt.date
) -> RecruitSponsor:
    errors = {}
    if member.organization_id != recruitment.organization_id:
        errors["member"] = "培养联系人和入党介绍人应为本支部党员"
    elif member.status != MemberStatus.FULL or not member.is_current:
        errors["member"] = "培养联系人和入党介绍人应为正式党员"
    if role == ContactRole.SPONSOR and recruitment.sponsors.filter(role=role).count() >= 2:
        errors["role"] = "入党介绍人为两名"
    if since > timezone.localdate():
        errors["since"] = "日期不能晚于今天"
    if errors:
        raise ValidationError(errors)
    sponsor = RecruitSponsor.objects.create(recruitment=recruitment, member=member, role=role, since=since)
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=sponsor,
        organization=recruitment.organization,
        data={"role": role, "member": member.pk},
    )
    return sponsor


@transaction.atomic
def cultivation_add(
    *, actor: Any, recruitment: Recruitment, date: dt.date, sponsor: Member, content: str
) -> CultivationLog:
    errors = {}
    if not recruitment.sponsors.filter(member=sponsor).exists():
        errors["sponsor"] = "考察人应为已指定的培养联系人或入党介绍人"
    if len(content.strip()) < 10:
        errors["content"] = "请具体填写考察情况（不少于10个字）"
    if date > timezone.localdate():
        errors["date"] = "考察日期不能晚于今天"
    activist = recruitment.steps.filter(number=3).values_list("date", flat=True).first()
    if activist is None:
        errors["date"] = "确定为入党积极分子后才能记录培养考察"
    elif date < activist:
        errors["date"] = "考察日期不能早于确定为入党积极分子的日期"
    if errors:
        raise ValidationError(errors)
    entry = CultivationLog.objects.create(
        recruitment=recruitment, date=date, sponsor=sponsor, content=content.strip(), recorded_by=_user(actor)
    )
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=entry,
        organization=recruitment.organization,
        data={"date": date},
    )
    return entry


@transaction.atomic
def document_add(
    *, actor: Any, recruitment: Recruitment, kind: str, date: dt.date, note: str = "", file: Any = None
) -> RecruitDocument:
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": "材料类别无效"})
    if date > timezone.localdate():
        raise ValidationError({"date": "日期不能晚于今天"})
    doc = RecruitDocument(recruitment=recruitment, kind=kind, date=date, note=note, recorded_by=_user(actor))
    if file is not None:
        doc.file = file
    doc.save()
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=doc,
        organization=recruitment.organization,
        data={"kind": kind, "date": date},
    )
    return doc


@transaction.atomic
def extension_add(
    *, actor: Any, recruitment: Recruitment, decided_on: dt.date, months: int, reason: str
) -> ProbationExtension:
    lim = limits()
    if recruitment.member_id is None:
        raise ValidationError({"months": "尚未接收为预备党员"})
    if recruitment.extensions.exists():
        raise ValidationError({"months": "预备期只能延长一次（《细则》第三十二条）"})
    if not 1 <= months <= lim.extension_months_max:
        raise ValidationError(
            {"months": f"延长时间为1至{lim.extension_months_max}个月（《细则》第三十二条）"}
        )
    if not reason.strip():
        raise ValidationError({"reason": "请填写延长预备期的原因"})
    ext = ProbationExtension.objects.create(
        recruitment=recruitment, decided_on=decided_on, months=months, reason=reason.strip()
    )
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=ext,
        organization=recruitment.organization,
        data={"months": months},
    )
    return ext


@transaction.atomic
def training_record(*, actor: Any, recruitment: Recruitment, days: int | None, hours: int | None) -> None:
    recruitment.training_days, recruitment.training_hours = days, hours
    recruitment.save(update_fields=["training_days", "training_hours"])
    audit_record(
        actor=actor, event_type=EventType.UPDATE, subject=recruitment, data={"training": [days, hours]}
    )


@transaction.atomic
def publicity_record(*, actor: Any, recruitment: Recruitment, start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValidationError({"end": "公示结束日期不能早于开始日期"})
    recruitment.publicity_start, recruitment.publicity_end = start, end
    recruitment.save(update_fields=["publicity_start", "publicity_end"])
    audit_record(
        actor=actor, event_type=EventType.UPDATE, subject=recruitment, data={"publicity": [start, end]}
    )


@transaction.atomic
def recruitment_stop(*, actor: Any, recruitment: Recruitment, reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": "请填写终止培养的原因"})
    recruitment.status, recruitment.stopped_reason = FileStatus.STOPPED, reason.strip()
    recruitment.save(update_fields=["status", "stopped_reason"])
    audit_record(actor=actor, event_type=EventType.UPDATE, subject=recruitment, data={"stopped": reason})
