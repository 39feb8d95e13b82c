"""Writes to the member registry: create, edit with optimistic locking, transfers, stays abroad.
Every write keeps history (django-simple-history) and appends an audit row in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record, diff
from dangjian.core import pii
from dangjian.core.rules import rule
from dangjian.lib.masking import mask_id_number, mask_phone
from dangjian.lib.periods import add_months, add_years
from dangjian.members.models import AbroadStay, Member, Membership, Transfer, TransferDirection
from dangjian.members.validation import LABELS, clean_member_data
from dangjian.orgs.models import Organization, OrgKind

PLAIN_FIELDS = [
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "education",
    "address",
    "category",
    "employer",
    "floating_direction",
    "floating_place",
    "status",
    "joined_on",
    "confirmed_on",
    "lost_contact_since",
    "hardship",
    "elderly",
    "mobility_impaired",
    "remarks",
]


class StaleVersion(ValidationError):
    def __init__(self) -> None:
        super().__init__("该记录已被他人修改，请刷新后重新编辑（您的修改未保存）", code="stale")


def name_initials(name: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(p[0] for p in lazy_pinyin(name, style=Style.FIRST_LETTER) if p).lower()


def audit_snapshot(member: Member) -> dict[str, Any]:
    """What an audit row shows of a member: never the plaintext ID number or phone."""
    snap = {f: getattr(member, f) for f in PLAIN_FIELDS}
    snap["id_number"] = mask_id_number(member.id_number)
    snap["phone"] = mask_phone(member.phone)
    snap["organization"] = member.organization_id
    snap["group"] = member.group_id
    return snap


def check_placement(organization: Organization, group: Organization | None) -> None:
    if organization.kind == OrgKind.GROUP:
        raise ValidationError({"organization": "党员应编入党支部（党小组另行选择）"})
    if organization.dissolved_on is not None:
        raise ValidationError({"organization": "该党组织已撤销"})
    if group is not None and (group.kind != OrgKind.GROUP or group.parent_id != organization.pk):
        raise ValidationError({"group": "党小组须属于所选党支部"})


def check_unique_id(id_number: str, exclude_pk: int | None = None) -> None:
    qs = Member.objects.filter(id_number_hmac=pii.digest(id_number))
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationError({"id_number": "该身份证号码已在党员名册中"})


def _apply(member: Member, cleaned: dict[str, Any]) -> None:
    for f in PLAIN_FIELDS:
        if f in cleaned:
            setattr(
                member,
                f,
                cleaned[f]
                if cleaned[f] is not None
                else ("" if isinstance(Member._meta.get_field(f).default, str) else cleaned[f]),
            )
    member.id_number = cleaned["id_number"]
    member.phone = cleaned.get("phone", "")
    member.name_initials = name_initials(member.name)


def _validated(data: dict[str, Any]) -> dict[str, Any]:
    cleaned, errors = clean_member_data(data, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def member_create(
    *,
    actor: Any,
    organization: Organization,
    data: dict[str, Any],
    group: Organization | None = None,
    since: dt.date | None = None,
) -> Member:
    cleaned = _validated(data)
    check_placement(organization, group)
    check_unique_id(cleaned["id_number"])
    member = Member(organization=organization, group=group)
    _apply(member, cleaned)
    member.full_clean(exclude=["id_number_enc", "id_number_hmac", "phone_enc", "phone_hmac"])
    member.save()
    Membership.objects.create(member=member, organization=organization, since=since or cleaned["joined_on"])
    audit_record(
        actor=actor, event_type=EventType.CREATE, subject=member, data={"new": audit_snapshot(member)}
    )
    return member


@transaction.atomic
def member_update(*, actor: Any, member: Member, data: dict[str, Any], version: int) -> Member:
    """Save changed fields if nobody saved in between; otherwise refuse (StaleVersion), change nothing."""
    locked = Member.objects.select_for_update().get(pk=member.pk)
    if locked.version != version:
        raise StaleVersion()
    before = audit_snapshot(locked)
    merged = {f: getattr(locked, f) for f in PLAIN_FIELDS} | {
        "id_number": locked.id_number,
        "phone": locked.phone,
    }
    merged.update(data)
    cleaned = _validated(merged)
    check_unique_id(cleaned["id_number"], exclude_pk=locked.pk)
    _apply(locked, cleaned)
    locked.version += 1
    locked.full_clean(exclude=["id_number_enc", "id_number_hmac", "phone_enc", "phone_hmac"])
    locked.save()
    changes = diff(before, audit_snapshot(locked))
    audit_record(actor=actor, event_type=EventType.UPDATE, subject=locked, data={"changes": changes})
    return locked


def _move_membership(member: Member, organization: Organization | None, day: dt.date) -> None:
    Membership.objects.filter(member=member, until__isnull=True).update(until=day - dt.timedelta(days=1))
    if organization is not None:
        Membership.objects.create(member=member, organization=organization, since=day)


@transaction.atomic
def transfer_in(
    *,
    actor: Any,
    organization: Organization,
    data: dict[str, Any],
    date: dt.date,
    counterpart: str,
    letter_no: str = "",
    reported_on: dt.date | None = None,
    group: Organization | None = None,
) -> Member:
    """A member arriving from outside the system: a new record, a membership from `date`."""
    if not counterpart.strip():
        raise ValidationError({"counterpart": "请填写转出党组织（对方党组织）"})
    if date > timezone.localdate():
        raise ValidationError({"date": "转接日期不能晚于今天"})
    member = member_create(actor=actor, organization=organization, data=data, group=group, since=date)
    Transfer.objects.create(
        member=member,
        direction=TransferDirection.IN,
        date=date,
        to_org=organization,
        counterpart=counterpart.strip(),
        letter_no=letter_no,
        report_by=add_months(date, rule("transfer_report_months")),
        reported_on=reported_on or date,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    return member


@transaction.atomic
def transfer_out(
    *,
    actor: Any,
    member: Member,
    date: dt.date,
    counterpart: str,
    letter_no: str = "",
    reason: str = "",
    version: int,
) -> Transfer:
    locked = Member.objects.select_for_update().get(pk=member.pk)
    if locked.version != version:
        raise StaleVersion()
    if not locked.is_current:
        raise ValidationError({"date": "该党员已转出或已去世"})
    if not counterpart.strip():
        raise ValidationError({"counterpart": "请填写转入党组织（对方党组织）"})
    since = (
        Membership.objects.filter(member=locked, until__isnull=True).values_list("since", flat=True).first()
    )
    if since and date <= since:
        raise ValidationError({"date": f"转出日期须晚于编入本组织的日期（{since:%Y-%m-%d}）"})
    if date > timezone.localdate():
        raise ValidationError({"date": "转接日期不能晚于今天"})
    locked.left_on = date
    locked.version += 1
    locked.save()
    _move_membership(locked, None, date)
    transfer = Transfer.objects.create(
        member=locked,
        direction=TransferDirection.OUT,
        date=date,
        from_org=locked.organization,
        counterpart=counterpart.strip(),
        letter_no=letter_no,
        reason=reason,
        report_by=add_months(date, rule("transfer_report_months")),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        event_type=EventType.UPDATE,
        subject=locked,
        data={"transfer_out": {"date": date, "to": counterpart}},
    )
    return transfer


@transaction.atomic
def transfer_internal(
    *,
    actor: Any,
    member: Member,
    to_org: Organization,
    date: dt.date,
    version: int,
    group: Organization | None = None,
) -> Transfer:
    locked = Member.objects.select_for_update().get(pk=member.pk)
    if locked.version != version:
        raise StaleVersion()
    if not locked.is_current:
        raise ValidationError({"date": "该党员已转出或已去世"})
    check_placement(to_org, group)
    if to_org.pk == locked.organization_id:
        raise ValidationError({"to_org": "转入党组织与当前党组织相同"})
    since = (
        Membership.objects.filter(member=locked, until__isnull=True).values_list("since", flat=True).first()
    )
    if since and date <= since:
        raise ValidationError({"date": f"调整日期须晚于编入当前组织的日期（{since:%Y-%m-%d}）"})
    from_org = locked.organization
    locked.organization, locked.group = to_org, group
    locked.version += 1
    locked.save()
    _move_membership(locked, to_org, date)
    transfer = Transfer.objects.create(
        member=locked,
        direction=TransferDirection.INTERNAL,
        date=date,
        from_org=from_org,
        to_org=to_org,
        reported_on=date,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        event_type=EventType.UPDATE,
        subject=locked,
        data={"changes": {"organization": [from_org.pk, to_org.pk]}},
    )
    return transfer


@transaction.atomic
def record_death(*, actor: Any, member: Member, date: dt.date, version: int) -> Member:
    locked = Member.objects.select_for_update().get(pk=member.pk)
    if locked.version != version:
        raise StaleVersion()
    if date > timezone.localdate():
        raise ValidationError({"date": "日期不能晚于今天"})
    locked.deceased_on = date
    locked.version += 1
    locked.save()
    Membership.objects.filter(member=locked, until__isnull=True).update(until=date)
    audit_record(
        actor=actor,
        event_type=EventType.UPDATE,
        subject=locked,
        data={"changes": {"deceased_on": [None, date]}},
    )
    return locked


@transaction.atomic
def abroad_stay_create(
    *,
    actor: Any,
    member: Member,
    destination: str,
    left_on: dt.date,
    purpose: str = "",
    kept_until: dt.date | None = None,
) -> AbroadStay:
    limit = add_years(left_on, rule("abroad_keep_years"))
    kept_until = kept_until or limit
    if kept_until > limit:
        raise ValidationError(
            {"kept_until": f"保留组织关系一般不超过{rule('abroad_keep_years')}年（至{limit:%Y-%m-%d}）"}
        )
    stay = AbroadStay(
        member=member,
        destination=destination.strip(),
        purpose=purpose,
        left_on=left_on,
        kept_until=kept_until,
    )
    stay.full_clean()
    stay.save()
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=stay,
        organization=member.organization,
        data={"new": {"destination": destination, "left_on": left_on, "kept_until": kept_until}},
    )
    return stay


def reveal_pii(*, actor: Any, member: Member, field: str) -> str:
    """The full value for a role that may see it; every reveal is audited (security.md)."""
    if field not in ("id_number", "phone") or not actor.may_reveal_pii:
        raise PermissionError("无权查看完整个人信息")
    audit_record(actor=actor, event_type=EventType.VIEW_PII, subject=member, data={"field": LABELS[field]})
    return getattr(member, field)
