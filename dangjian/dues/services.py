"""Writes to the dues ledger. Keyword-only, validated, audited, atomic; entries are never edited:
refunds and corrections are new entries referencing the one they correct.

Every function checks the actor's reach first (outside the subtree is 404), then validates all
input and refuses with a Chinese message naming the field and, for months, the month; nothing is
written unless everything is valid.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from dangjian.accounts.roles import WRITE, Domain
from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record, diff
from dangjian.core.scope import require_org
from dangjian.dues import config
from dangjian.dues import validation as v
from dangjian.dues.ledger import (
    ZERO,
    allocate_payment,
    allocate_refund,
    fen,
    month_label,
    month_of,
    month_span,
    months_between,
    owes,
    year_months,
)
from dangjian.dues.models import (
    POSITIVE_KINDS,
    DuesBase,
    DuesPayment,
    DuesPaymentMonth,
    DuesRemittance,
    PaymentKind,
)
from dangjian.dues.rates import RateError, dues_rate
from dangjian.dues.selectors import periods_for
from dangjian.lib.periods import add_months
from dangjian.members.models import Member
from dangjian.orgs.models import Organization, OrgKind

MAX_MONTHS = 120  # one entry never covers more than ten years


def _actor_id(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _labels(months: list[dt.date], limit: int = 6) -> str:
    text = "、".join(month_label(m) for m in months[:limit])
    return text + (f"等{len(months)}个月" if len(months) > limit else "")


def _lock_member(member: Member) -> Member:
    return Member.objects.select_for_update().get(pk=member.pk)


# --- bases ---------------------------------------------------------------------------------------


def base_snapshot(base: DuesBase) -> dict[str, Any]:
    return {
        "year": base.year, "income_type": base.income_type, "base": base.base,
        "standard_amount": base.standard_amount, "declared_amount": base.declared_amount,
        "monthly_amount": base.monthly_amount, "note": base.note,
    }


@transaction.atomic
def dues_base_set(
    *, actor: Any, member: Member, year: Any, income_type: Any, base: Any, declared_amount: Any = None,
    note: str = "", audit: bool = True,
) -> DuesBase:
    """Record (or correct, keeping history) a member's base for one year and compute the amounts."""
    require_org(actor, member.organization, Domain.RECORDS, WRITE)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for key, check in (
        ("year", lambda: v.year(year, today=today)),
        ("income_type", lambda: v.income_type(income_type)),
        ("base", lambda: v.money(base, "base", "月交纳基数")),
        ("declared_amount", lambda: v.optional_money(declared_amount, "declared_amount", "自愿多交月交金额")),
    ):
        try:
            clean[key] = check()
        except ValidationError as exc:
            errors.update({k: m[0] for k, m in exc.message_dict.items()})
    if len(note or "") > 200:
        errors["note"] = "备注不能超过200字"
    if errors:
        raise ValidationError(errors)
    try:
        rate = dues_rate(clean["income_type"], clean["base"], dt.date(clean["year"], 1, 1), config.rate_tables())
    except RateError as exc:
        raise ValidationError({"base": str(exc)}) from exc
    declared = clean["declared_amount"]
    if declared is not None and declared < rate.amount:
        raise ValidationError(
            {"declared_amount": f"自愿多交月交金额不能低于按标准计算的{rate.amount}元（{rate.rate_label}）"}
        )
    periods = periods_for([member.pk])[member.pk]
    if not any(owes(periods, m) for m in year_months(clean["year"])):
        raise ValidationError({"year": f"该党员{clean['year']}年不在册（入党前或已转出），无需核定交纳基数"})
    existing = DuesBase.objects.select_for_update().filter(member=member, year=clean["year"]).first()
    record = existing or DuesBase(member=member, year=clean["year"])
    before = base_snapshot(existing) if existing else None
    record.income_type = clean["income_type"]
    record.base = clean["base"]
    record.standard_amount = rate.amount
    record.declared_amount = declared if declared is not None and declared != rate.amount else None
    record.monthly_amount = record.declared_amount or rate.amount
    record.rate_label = rate.rate_label
    record.note = (note or "").strip()
    record.recorded_by = _actor_id(actor)
    record.full_clean(exclude=["member", "recorded_by"])
    record.save()
    if audit:
        if before is None:
            audit_record(actor=actor, event_type=EventType.CREATE, subject=record, organization=member.organization,
                         data={"new": base_snapshot(record), "member": member.pk})
        else:
            audit_record(actor=actor, event_type=EventType.UPDATE, subject=record, organization=member.organization,
                         data={"changes": diff(before, base_snapshot(record)), "member": member.pk})
    return record


# --- payments ------------------------------------------------------------------------------------


def _net_by_month(member: Member, months: list[dt.date]) -> dict[dt.date, Decimal]:
    rows = (
        DuesPaymentMonth.objects.filter(member=member, month__in=months)
        .values("month").annotate(net=Sum("amount")).order_by()
    )
    return {r["month"]: fen(r["net"]) for r in rows}


def _dues_by_month(member: Member, months: list[dt.date]) -> dict[dt.date, Decimal | None]:
    bases = {b.year: b.monthly_amount for b in DuesBase.objects.filter(member=member, year__in={m.year for m in months})}
    return {m: bases.get(m.year) for m in months}


def _covering_dates(member: Member, months: list[dt.date]) -> dict[dt.date, dt.date]:
    """For each month, the date of the latest live positive entry covering it (for messages)."""
    out: dict[dt.date, dt.date] = {}
    rows = (
        DuesPaymentMonth.objects.filter(member=member, month__in=months, amount__gt=0, payment__kind__in=POSITIVE_KINDS)
        .exclude(payment__corrections__kind=PaymentKind.REVERSAL)
        .values_list("month", "payment__paid_on")
        .order_by("payment__paid_on")
    )
    for m, paid_on in rows:
        out[m] = paid_on
    return out


def _payment_audit(entry: DuesPayment) -> dict[str, Any]:
    return {
        "member": entry.member_id, "kind": entry.kind, "amount": entry.amount, "paid_on": entry.paid_on,
        "channel": entry.channel, "months": entry.span_label, "original": entry.original_id,
    }


def _save_entry(entry: DuesPayment, allocation: dict[dt.date, Decimal]) -> DuesPayment:
    entry.months = len(allocation)
    entry.full_clean(exclude=["member", "organization", "original", "recorded_by"])
    entry.save()
    DuesPaymentMonth.objects.bulk_create(
        DuesPaymentMonth(payment=entry, member_id=entry.member_id, organization_id=entry.organization_id, month=m, amount=a)
        for m, a in sorted(allocation.items())
    )
    return entry


def _check_months(
    member: Member, first: dt.date, last: dt.date, paid_on: dt.date, *, advance_limit: bool = True
) -> list[dt.date]:
    if last < first:
        raise ValidationError({"last_month": "截止月份不能早于起始月份"})
    months = month_span(first, last)
    if len(months) > MAX_MONTHS:
        raise ValidationError({"last_month": f"一次最多覆盖{MAX_MONTHS}个月"})
    if advance_limit:
        limit = config.advance_max_months()
        latest = add_months(month_of(paid_on), limit)
        if last > latest:
            raise ValidationError(
                {"last_month": f"预交党费一般不超过{limit}个月：{paid_on:%Y-%m-%d}交纳最多可预交至{month_label(latest)}"}
            )
    periods = periods_for([member.pk])[member.pk]
    not_owed = [m for m in months if not owes(periods, m)]
    if not_owed:
        raise ValidationError(
            {"first_month": f"{_labels(not_owed)}该党员不在册（以当月最后一天的组织关系为准），无需交纳党费"}
        )
    return months


@transaction.atomic
def dues_payment_create(
    *, actor: Any, member: Member, paid_on: Any, amount: Any, channel: Any, first_month: Any, last_month: Any = None,
    kind: str = PaymentKind.PAYMENT, receipt_no: str = "", note: str = "",
) -> DuesPayment:
    """A payment (交纳) or a top-up of months already paid (补交差额), covering first_month..last_month.

    Refused, naming the month, when a payment covers a month that already has dues paid (a month is
    paid once; a mistaken entry is corrected by 冲正 first) or a top-up covers a month with nothing paid."""
    require_org(actor, member.organization, Domain.RECORDS, WRITE)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for key, check in (
        ("paid_on", lambda: v.date(paid_on, "paid_on", "交纳日期")),
        ("amount", lambda: v.money(amount, "amount", "金额", positive=True)),
        ("channel", lambda: v.channel(channel)),
        ("first_month", lambda: v.month(first_month, "first_month", "起始月份")),
        ("last_month", lambda: v.month(last_month or first_month, "last_month", "截止月份")),
    ):
        try:
            clean[key] = check()
        except ValidationError as exc:
            errors.update({k: m[0] for k, m in exc.message_dict.items()})
    if kind not in POSITIVE_KINDS:
        errors["kind"] = "类别应为交纳或补交差额（退还、冲正请在原记录上办理）"
    if "paid_on" in clean and clean["paid_on"] > today:
        errors["paid_on"] = "交纳日期不能晚于今天"
    if len(receipt_no or "") > 40:
        errors["receipt_no"] = "收据编号不能超过40个字符"
    if len(note or "") > 200:
        errors["note"] = "备注不能超过200字"
    if errors:
        raise ValidationError(errors)
    locked = _lock_member(member)
    months = _check_months(locked, clean["first_month"], clean["last_month"], clean["paid_on"])
    if clean["amount"] < Decimal("0.01") * len(months):
        raise ValidationError({"amount": f"金额不足以分摊到所选的{len(months)}个月（每月至少0.01元）"})
    net = _net_by_month(locked, months)
    if kind == PaymentKind.PAYMENT:
        covered = [m for m in months if net.get(m, ZERO) > 0]
        if covered:
            dates = _covering_dates(locked, covered)
            when = f"（{dates[covered[0]]:%Y-%m-%d}交纳）" if covered[0] in dates else ""
            raise ValidationError({"first_month": (
                f"{_labels(covered)}的党费已交纳{when}，同一月份不能重复交纳；"
                "如原记录有误请先冲正，如需补足差额请选择“补交差额”"
            )})
    else:
        uncovered = [m for m in months if net.get(m, ZERO) <= 0]
        if uncovered:
            raise ValidationError({"first_month": f"{_labels(uncovered)}尚未交纳党费，补交差额只能用于已交纳的月份"})
    allocation = allocate_payment(clean["amount"], months, _dues_by_month(locked, months), net)
    entry = DuesPayment(
        member=locked, organization=locked.organization, kind=kind, paid_on=clean["paid_on"], amount=clean["amount"],
        channel=clean["channel"], first_month=months[0], last_month=months[-1], receipt_no=(receipt_no or "").strip(),
        note=(note or "").strip(), recorded_by=_actor_id(actor),
    )
    _save_entry(entry, allocation)
    audit_record(actor=actor, event_type=EventType.CREATE, subject=entry, data={"new": _payment_audit(entry)})
    return entry


@transaction.atomic
def dues_payment_reverse(*, actor: Any, payment: DuesPayment, reason: str, on: dt.date | None = None) -> DuesPayment:
    """冲正: a new entry cancelling `payment` exactly, month by month. The original stays on record."""
    require_org(actor, payment.organization, Domain.RECORDS, WRITE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写冲正原因"})
    if len(reason) > 200:
        raise ValidationError({"reason": "原因不能超过200字"})
    _lock_member(payment.member)
    original = DuesPayment.objects.select_for_update().get(pk=payment.pk)
    if original.kind == PaymentKind.REVERSAL:
        raise ValidationError({"reason": "冲正记录不能再冲正"})
    if original.corrections.filter(kind=PaymentKind.REVERSAL).exists():
        raise ValidationError({"reason": "该记录已冲正，不能重复冲正"})
    live_refunds = original.corrections.filter(kind=PaymentKind.REFUND).exclude(corrections__kind=PaymentKind.REVERSAL)
    if live_refunds.exists():
        raise ValidationError({"reason": "该记录有退还记录，请先冲正退还记录"})
    on = on or timezone.localdate()
    allocation = {a.month: -a.amount for a in original.allocations.all()}
    entry = DuesPayment(
        member_id=original.member_id, organization_id=original.organization_id, kind=PaymentKind.REVERSAL, paid_on=on,
        amount=-original.amount, channel=original.channel, first_month=original.first_month,
        last_month=original.last_month, original=original, note=reason, recorded_by=_actor_id(actor),
    )
    _save_entry(entry, allocation)
    audit_record(actor=actor, event_type=EventType.CREATE, subject=entry, organization=original.organization,
                 data={"new": _payment_audit(entry), "reverses": original.pk})
    return entry


@transaction.atomic
def dues_payment_refund(
    *, actor: Any, payment: DuesPayment, amount: Any, first_month: Any, last_month: Any = None, paid_on: Any = None,
    channel: Any = None, reason: str,
) -> DuesPayment:
    """退还: give back part of a payment for some of its months (e.g. advance paid before transferring out)."""
    require_org(actor, payment.organization, Domain.RECORDS, WRITE)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for key, check in (
        ("amount", lambda: v.money(amount, "amount", "退还金额", positive=True)),
        ("first_month", lambda: v.month(first_month, "first_month", "起始月份")),
        ("last_month", lambda: v.month(last_month or first_month, "last_month", "截止月份")),
        ("paid_on", lambda: v.date(paid_on or today, "paid_on", "退还日期")),
        ("channel", lambda: v.channel(channel or payment.channel)),
    ):
        try:
            clean[key] = check()
        except ValidationError as exc:
            errors.update({k: m[0] for k, m in exc.message_dict.items()})
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "请填写退还原因"
    if "paid_on" in clean and clean["paid_on"] > today:
        errors["paid_on"] = "退还日期不能晚于今天"
    if errors:
        raise ValidationError(errors)
    locked = _lock_member(payment.member)
    original = DuesPayment.objects.select_for_update().get(pk=payment.pk)
    if original.kind not in POSITIVE_KINDS:
        raise ValidationError({"amount": "只能对交纳或补交差额记录办理退还"})
    if original.corrections.filter(kind=PaymentKind.REVERSAL).exists():
        raise ValidationError({"amount": "该记录已冲正，不能再退还"})
    if clean["last_month"] < clean["first_month"]:
        raise ValidationError({"last_month": "截止月份不能早于起始月份"})
    months = month_span(clean["first_month"], clean["last_month"])
    outside = [m for m in months if not original.first_month <= m <= original.last_month]
    if outside:
        raise ValidationError({"first_month": f"{_labels(outside)}不在原记录覆盖的月份（{original.span_label}）内"})
    refunded = -fen(
        original.corrections.filter(kind=PaymentKind.REFUND).exclude(corrections__kind=PaymentKind.REVERSAL)
        .aggregate(total=Sum("amount"))["total"]
    )
    if clean["amount"] > original.amount - refunded:
        raise ValidationError({"amount": f"退还金额超过原记录尚可退还的{original.amount - refunded}元"})
    net = _net_by_month(locked, months)
    try:
        allocation = allocate_refund(-clean["amount"], months, net)
    except ValueError as exc:
        available = sum((max(net.get(m, ZERO), ZERO) for m in months), ZERO)
        raise ValidationError({"amount": f"退还金额超过所选月份已交的{available}元"}) from exc
    entry = DuesPayment(
        member=locked, organization=original.organization, kind=PaymentKind.REFUND, paid_on=clean["paid_on"],
        amount=-clean["amount"], channel=clean["channel"], first_month=months[0], last_month=months[-1],
        original=original, note=reason, recorded_by=_actor_id(actor),
    )
    _save_entry(entry, allocation)
    audit_record(actor=actor, event_type=EventType.CREATE, subject=entry, organization=original.organization,
                 data={"new": _payment_audit(entry), "refunds": original.pk})
    return entry


# --- remittances ---------------------------------------------------------------------------------


def _remittance_audit(r: DuesRemittance) -> dict[str, Any]:
    return {
        "organization": r.organization_id, "to": r.to_organization_id, "period": r.span_label,
        "remitted_on": r.remitted_on, "amount": r.amount, "original": r.original_id,
    }


@transaction.atomic
def dues_remittance_create(
    *, actor: Any, organization: Organization, period_start: Any, period_end: Any, remitted_on: Any, amount: Any,
    to_organization: Organization | None = None, receipt_no: str = "", note: str = "",
) -> DuesRemittance:
    """上缴: dues of `organization`'s subtree for the months period_start..period_end passed upward."""
    require_org(actor, organization, Domain.RECORDS, WRITE)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for key, check in (
        ("period_start", lambda: v.month(period_start, "period_start", "所属期起")),
        ("period_end", lambda: v.month(period_end or period_start, "period_end", "所属期止")),
        ("remitted_on", lambda: v.date(remitted_on, "remitted_on", "上缴日期")),
        ("amount", lambda: v.money(amount, "amount", "上缴金额", positive=True)),
    ):
        try:
            clean[key] = check()
        except ValidationError as exc:
            errors.update({k: m[0] for k, m in exc.message_dict.items()})
    if organization.kind == OrgKind.GROUP:
        errors["organization"] = "党小组不单独上缴党费，请以所在党支部上缴"
    if "remitted_on" in clean and clean["remitted_on"] > today:
        errors["remitted_on"] = "上缴日期不能晚于今天"
    if "period_start" in clean and "period_end" in clean:
        if clean["period_end"] < clean["period_start"]:
            errors["period_end"] = "所属期止不能早于所属期起"
        elif months_between(clean["period_start"], clean["period_end"]) >= 24:
            errors["period_end"] = "一次上缴的所属期不能超过24个月"
        elif "remitted_on" in clean and clean["remitted_on"] < clean["period_start"]:
            errors["remitted_on"] = "上缴日期不能早于所属期开始"
    if to_organization is None and organization.parent_id:
        to_organization = organization.parent
    if to_organization is not None and not (
        organization.path.startswith(to_organization.path) and to_organization.pk != organization.pk
    ):
        errors["to_organization"] = "接收党组织应为本组织的上级党组织"
    if len(receipt_no or "") > 40:
        errors["receipt_no"] = "凭证编号不能超过40个字符"
    if len(note or "") > 200:
        errors["note"] = "备注不能超过200字"
    if errors:
        raise ValidationError(errors)
    record = DuesRemittance(
        organization=organization, to_organization=to_organization, period_start=clean["period_start"],
        period_end=clean["period_end"], remitted_on=clean["remitted_on"], amount=clean["amount"],
        receipt_no=(receipt_no or "").strip(), note=(note or "").strip(), recorded_by=_actor_id(actor),
    )
    record.full_clean(exclude=["organization", "to_organization", "recorded_by"])
    record.save()
    audit_record(actor=actor, event_type=EventType.CREATE, subject=record, data={"new": _remittance_audit(record)})
    return record


@transaction.atomic
def dues_remittance_reverse(*, actor: Any, remittance: DuesRemittance, reason: str) -> DuesRemittance:
    require_org(actor, remittance.organization, Domain.RECORDS, WRITE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写冲正原因"})
    original = DuesRemittance.objects.select_for_update().get(pk=remittance.pk)
    if original.original_id is not None:
        raise ValidationError({"reason": "冲正记录不能再冲正"})
    if original.corrections.exists():
        raise ValidationError({"reason": "该上缴记录已冲正，不能重复冲正"})
    record = DuesRemittance(
        organization_id=original.organization_id, to_organization_id=original.to_organization_id,
        period_start=original.period_start, period_end=original.period_end, remitted_on=timezone.localdate(),
        amount=-original.amount, original=original, note=reason[:200], recorded_by=_actor_id(actor),
    )
    record.full_clean(exclude=["organization", "to_organization", "original", "recorded_by"])
    record.save()
    audit_record(actor=actor, event_type=EventType.CREATE, subject=record, organization=original.organization,
                 data={"new": _remittance_audit(record), "reverses": original.pk})
    return record
