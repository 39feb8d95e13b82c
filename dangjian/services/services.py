"""Writes for services to residents. Keyword-only, validated, audited; the funds ledger and service
records are never edited (a correction is a new, reversing entry)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record
from dangjian.lib import phone as phone_lib
from dangjian.members.models import Member, MemberCategory
from dangjian.orgs.models import Organization
from dangjian.services.models import (
    CareEvent,
    CommunityCheckIn,
    EntryDirection,
    Fund,
    FundEntry,
    Honor,
    RequestStatus,
    ServiceParticipation,
    ServiceRecord,
    ServiceRequest,
    Visit,
    VolunteerTeam,
)

CENT = Decimal("0.01")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _not_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: "日期不能晚于今天"})


def _members_under(organization: Organization, members: list[Member], field: str) -> None:
    outside = [m.name for m in members if not m.organization.path.startswith(organization.path)]
    if outside:
        raise ValidationError({field: f"以下党员不属于本组织：{'、'.join(outside)}"})


@transaction.atomic
def team_create(
    *,
    actor: Any,
    organization: Organization,
    name: str,
    specialty: str,
    founded_on: dt.date,
    leader: Member | None = None,
    members: list[Member] = (),
) -> VolunteerTeam:  # type: ignore[assignment]
    _not_future(founded_on, "founded_on")
    _members_under(organization, [*members, *([leader] if leader else [])], "members")
    team = VolunteerTeam(
        organization=organization,
        name=name.strip(),
        specialty=specialty,
        founded_on=founded_on,
        leader=leader,
    )
    team.full_clean()
    team.save()
    team.members.set(members)
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=team,
        data={"name": team.name, "members": len(members)},
    )
    return team


@transaction.atomic
def service_record_create(
    *,
    actor: Any,
    organization: Organization,
    kind: str,
    date: dt.date,
    place: str,
    content: str,
    participants: list[tuple[Member, Decimal]],
    team: VolunteerTeam | None = None,
    households_helped: int = 0,
    people_trained: int = 0,
    people_served: int = 0,
) -> ServiceRecord:
    """One service with its participants' hours (all-or-nothing)."""
    _not_future(date, "date")
    if not participants:
        raise ValidationError({"participants": "请至少选择一名参与党员并填写服务时长"})
    seen: set[int] = set()
    for member, hours in participants:
        if member.pk in seen:
            raise ValidationError({"participants": f"{member.name}重复填写"})
        seen.add(member.pk)
        if hours <= 0 or hours > 24 or hours != hours.quantize(Decimal("0.1")):
            raise ValidationError(
                {"participants": f"{member.name}的服务时长应在0.5至24小时之间，最多一位小数"}
            )
    if team is not None and team.organization_id != organization.pk:
        raise ValidationError({"team": "服务队不属于该组织"})
    record = ServiceRecord(
        organization=organization,
        team=team,
        kind=kind,
        date=date,
        place=place.strip(),
        content=content.strip(),
        households_helped=households_helped,
        people_trained=people_trained,
        people_served=people_served,
        recorded_by=_user(actor),
    )
    record.full_clean()
    record.save()
    ServiceParticipation.objects.bulk_create(
        [ServiceParticipation(record=record, member=m, hours=h) for m, h in participants]
    )
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=record,
        data={
            "date": date,
            "participants": len(participants),
            "hours": sum((h for _, h in participants), Decimal(0)),
        },
    )
    return record


@transaction.atomic
def check_in(
    *,
    actor: Any,
    member: Member,
    community: Organization,
    checked_in_on: dt.date,
    employer: str,
    employer_party_org: str,
    employer_contact: str = "",
) -> CommunityCheckIn:
    _not_future(checked_in_on, "checked_in_on")
    if member.category != MemberCategory.IN_SERVICE:
        raise ValidationError({"member": "到社区报到的应为在职党员"})
    if CommunityCheckIn.objects.filter(member=member, ended_on__isnull=True).exists():
        raise ValidationError({"member": "该党员已在社区报到"})
    entry = CommunityCheckIn(
        member=member,
        community=community,
        checked_in_on=checked_in_on,
        employer=employer.strip(),
        employer_party_org=employer_party_org.strip(),
        employer_contact=employer_contact.strip(),
    )
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=entry,
        organization=community,
        data={"member": member.pk},
    )
    return entry


@transaction.atomic
def visit_create(
    *,
    actor: Any,
    organization: Organization,
    date: dt.date,
    reason: str,
    visitors: list[Member],
    visited_member: Member | None = None,
    resident_name: str = "",
    festival: str = "",
    gift: str = "",
    amount: Decimal = Decimal(0),
    signed_by: str = "",
    follow_up: str = "",
) -> Visit:
    _not_future(date, "date")
    if not visitors:
        raise ValidationError({"visitors": "请选择走访人"})
    if visited_member is None and not resident_name.strip():
        raise ValidationError({"visited_member": "请选择慰问党员或填写慰问群众姓名"})
    if (amount > 0 or gift.strip()) and not signed_by.strip():
        raise ValidationError({"signed_by": "发放慰问金或慰问品须填写签领人"})
    if amount < 0 or amount != amount.quantize(CENT):
        raise ValidationError({"amount": "慰问金应为不小于0、最多两位小数的金额"})
    visit = Visit(
        organization=organization,
        date=date,
        reason=reason,
        visited_member=visited_member,
        resident_name=resident_name.strip(),
        festival=festival,
        gift=gift.strip(),
        amount=amount,
        signed_by=signed_by.strip(),
        follow_up=follow_up.strip(),
    )
    visit.full_clean()
    visit.save()
    visit.visitors.set(visitors)
    audit_record(
        actor=actor, event_type=EventType.CREATE, subject=visit, data={"date": date, "amount": amount}
    )
    return visit


@transaction.atomic
def request_create(
    *,
    actor: Any,
    organization: Organization,
    kind: str,
    channel: str,
    received_on: dt.date,
    resident_name: str,
    description: str,
    due_on: dt.date,
    resident_phone: str = "",
) -> ServiceRequest:
    _not_future(received_on, "received_on")
    if due_on < received_on:
        raise ValidationError({"due_on": "办理时限不能早于受理日期"})
    clean_phone = ""
    if resident_phone.strip():
        try:
            clean_phone = phone_lib.parse(resident_phone)
        except phone_lib.PhoneError as exc:
            raise ValidationError({"resident_phone": str(exc)}) from exc
    req = ServiceRequest(
        organization=organization,
        kind=kind,
        channel=channel,
        received_on=received_on,
        resident_name=resident_name.strip(),
        description=description.strip(),
        due_on=due_on,
    )
    req.resident_phone = clean_phone
    req.full_clean(exclude=["resident_phone_enc", "resident_phone_hmac"])
    req.save()
    audit_record(
        actor=actor, event_type=EventType.CREATE, subject=req, data={"kind": kind, "received_on": received_on}
    )
    return req


# The life cycle: each status may move only forward, one step at a time.
NEXT = {
    RequestStatus.RECEIVED: RequestStatus.ASSIGNED,
    RequestStatus.ASSIGNED: RequestStatus.HANDLED,
    RequestStatus.HANDLED: RequestStatus.CLOSED,
}


@transaction.atomic
def request_advance(
    *,
    actor: Any,
    request: ServiceRequest,
    to: str,
    date: dt.date,
    version: int,
    assignee: str = "",
    result: str = "",
    feedback: str = "",
) -> ServiceRequest:
    locked = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if locked.version != version:
        raise ValidationError("该诉求已被他人处理，请刷新后重新操作（您的修改未保存）")
    if NEXT.get(RequestStatus(locked.status)) != to:
        raise ValidationError(
            {"status": f"当前为“{locked.get_status_display()}”，不能直接改为“{RequestStatus(to).label}”"}
        )
    _not_future(date, "date")
    if date < locked.received_on:
        raise ValidationError({"date": "日期不能早于受理日期"})
    before = locked.status
    if to == RequestStatus.ASSIGNED:
        if not assignee.strip():
            raise ValidationError({"assignee": "请填写承办人"})
        locked.assignee = assignee.strip()
    elif to == RequestStatus.HANDLED:
        if not result.strip():
            raise ValidationError({"result": "请填写办理结果"})
        locked.handled_on, locked.result = date, result.strip()
    elif to == RequestStatus.CLOSED:
        if not feedback:
            raise ValidationError({"feedback": "办结须记录群众评价"})
        locked.closed_on, locked.feedback = date, feedback
    locked.status = to
    locked.version += 1
    locked.full_clean(exclude=["resident_phone_enc", "resident_phone_hmac"])
    locked.save()
    audit_record(
        actor=actor, event_type=EventType.UPDATE, subject=locked, data={"status": [before, to], "date": date}
    )
    return locked


@transaction.atomic
def care_event_create(
    *,
    actor: Any,
    organization: Organization,
    kind: str,
    date: dt.date,
    beneficiary: str,
    description: str,
    participants: int = 1,
) -> CareEvent:
    _not_future(date, "date")
    event = CareEvent(
        organization=organization,
        kind=kind,
        date=date,
        beneficiary=beneficiary.strip(),
        description=description.strip(),
        participants=participants,
    )
    event.full_clean()
    event.save()
    audit_record(actor=actor, event_type=EventType.CREATE, subject=event, data={"kind": kind, "date": date})
    return event


@transaction.atomic
def honor_create(
    *,
    actor: Any,
    organization: Organization,
    year: int,
    title: str,
    level: str,
    awarded_by: str,
    awarded_on: dt.date,
    member: Member | None = None,
) -> Honor:
    _not_future(awarded_on, "awarded_on")
    if member is not None and not member.organization.path.startswith(organization.path):
        raise ValidationError({"member": "该党员不属于所选组织"})
    honor = Honor(
        organization=organization,
        member=member,
        year=year,
        title=title.strip(),
        level=level,
        awarded_by=awarded_by.strip(),
        awarded_on=awarded_on,
    )
    honor.full_clean()
    honor.save()
    audit_record(
        actor=actor, event_type=EventType.CREATE, subject=honor, data={"title": honor.title, "year": year}
    )
    return honor


@transaction.atomic
def fund_entry_create(
    *,
    actor: Any,
    fund: Fund,
    date: dt.date,
    direction: str,
    amount: Decimal,
    purpose: str,
    approver: str = "",
    voucher_no: str = "",
    voucher: Any = None,
) -> FundEntry:
    _not_future(date, "date")
    if amount <= 0 or amount != amount.quantize(CENT):
        raise ValidationError({"amount": "金额应大于0，最多两位小数"})
    if not purpose.strip():
        raise ValidationError({"purpose": "请填写用途或来源"})
    entry = FundEntry(
        fund=fund,
        date=date,
        direction=direction,
        amount=amount,
        purpose=purpose.strip(),
        approver=approver.strip(),
        voucher_no=voucher_no.strip(),
        recorded_by=_user(actor),
    )
    if voucher is not None:
        entry.voucher = voucher
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=entry,
        organization=fund.organization,
        data={"direction": direction, "amount": amount, "purpose": entry.purpose},
    )
    return entry


@transaction.atomic
def fund_entry_reverse(*, actor: Any, entry: FundEntry, date: dt.date, reason: str) -> FundEntry:
    """A correction: a new entry of the opposite sign referencing the original; the original stays."""
    if entry.reverses_id is not None:
        raise ValidationError("冲销记录不能再次冲销")
    if FundEntry.objects.filter(reverses=entry).exists():
        raise ValidationError("该记录已冲销")
    if not reason.strip():
        raise ValidationError({"reason": "请填写冲销原因"})
    _not_future(date, "date")
    reversal = FundEntry.objects.create(
        fund=entry.fund,
        date=date,
        direction=entry.direction,
        amount=-entry.amount,
        purpose=f"冲销：{reason.strip()}",
        approver=entry.approver,
        reverses=entry,
        recorded_by=_user(actor),
    )
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=reversal,
        organization=entry.fund.organization,
        data={"reverses": entry.pk, "amount": -entry.amount},
    )
    return reversal


def direction_label(direction: str) -> str:
    return EntryDirection(direction).label
