"""Reads for services to residents: the period summary that answers seed 004's questions, hours
by team and member, the festival visit list, overdue requests, fund statements, member points.
Aggregates over the whole subtree and period; a fixed number of queries whatever the size."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import chinese_calendar
from django.db.models import Count, F, Max, Q, Sum

from dangjian.lib.periods import add_months
from dangjian.members.models import Member
from dangjian.orgs.models import Organization
from dangjian.services.models import (
    CareEvent,
    CareKind,
    EntryDirection,
    Festival,
    Fund,
    FundEntry,
    Honor,
    PointRule,
    PointSource,
    RequestKind,
    RequestStatus,
    ServiceParticipation,
    ServiceRecord,
    ServiceRequest,
    Visit,
)


def under(root: Organization, prefix: str = "organization__") -> Q:
    return Q(**{f"{prefix}path__startswith": root.path})


@dataclass
class Summary:
    """The numbers a community reports for a period (seed 004, seed 001)."""

    start: dt.date
    end: dt.date
    services: int = 0
    service_hours: Decimal = Decimal(0)
    volunteers: int = 0
    households_helped: int = 0
    people_trained: int = 0
    people_served: int = 0
    visits: int = 0
    visit_amount: Decimal = Decimal(0)
    requests_received: int = 0
    requests_closed: int = 0
    disputes_mediated: int = 0
    errands_done: int = 0
    overdue_requests: int = 0
    average_days_to_close: float | None = None
    satisfied_share: float | None = None
    care_by_kind: list[tuple[str, int]] = field(default_factory=list)
    hours_by_team: list[tuple[str, int, Decimal]] = field(default_factory=list)  # team, services, hours


def summary(root: Organization, start: dt.date, end: dt.date, today: dt.date) -> Summary:
    s = Summary(start, end)
    records = ServiceRecord.objects.filter(under(root), date__range=(start, end))
    agg = records.aggregate(
        n=Count("id"), hh=Sum("households_helped"), pt=Sum("people_trained"), ps=Sum("people_served")
    )
    s.services, s.households_helped, s.people_trained, s.people_served = (
        agg["n"],
        agg["hh"] or 0,
        agg["pt"] or 0,
        agg["ps"] or 0,
    )
    parts = ServiceParticipation.objects.filter(record__in=records)
    pagg = parts.aggregate(h=Sum("hours"), v=Count("member", distinct=True))
    s.service_hours, s.volunteers = pagg["h"] or Decimal(0), pagg["v"]
    teams = (
        parts.values(team=F("record__team__name"))
        .annotate(n=Count("record", distinct=True), h=Sum("hours"))
        .order_by("-h")
    )
    s.hours_by_team = [(row["team"] or "（未编队）", row["n"], row["h"]) for row in teams]
    vagg = Visit.objects.filter(under(root), date__range=(start, end)).aggregate(
        n=Count("id"), a=Sum("amount")
    )
    s.visits, s.visit_amount = vagg["n"], vagg["a"] or Decimal(0)
    reqs = ServiceRequest.objects.filter(under(root))
    s.requests_received = reqs.filter(received_on__range=(start, end)).count()
    closed = list(
        reqs.filter(closed_on__range=(start, end)).values("kind", "received_on", "closed_on", "feedback")
    )
    s.requests_closed = len(closed)
    s.errands_done = sum(1 for r in closed if r["kind"] == RequestKind.ERRAND)
    care = dict(
        CareEvent.objects.filter(under(root), date__range=(start, end))
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    s.disputes_mediated = sum(1 for r in closed if r["kind"] == RequestKind.DISPUTE) + care.get(
        CareKind.MEDIATION, 0
    )
    s.care_by_kind = [(label, care.get(value, 0)) for value, label in CareKind.choices]
    if closed:
        s.average_days_to_close = round(
            sum((r["closed_on"] - r["received_on"]).days for r in closed) / len(closed), 1
        )
        s.satisfied_share = round(sum(1 for r in closed if r["feedback"] == "satisfied") / len(closed), 3)
    s.overdue_requests = overdue_requests(reqs, today).count()
    return s


def overdue_requests(qs: Any, today: dt.date) -> Any:
    """Open past their due date (due today is not yet overdue)."""
    return qs.exclude(status=RequestStatus.CLOSED).filter(due_on__lt=today)


def member_hours(members: Any, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    rows = (
        ServiceParticipation.objects.filter(member__in=members, record__date__range=(start, end))
        .values("member_id")
        .annotate(h=Sum("hours"))
    )
    return {row["member_id"]: row["h"] for row in rows}


FESTIVAL_FALLBACK = {Festival.SPRING: (2, 1), Festival.JULY_FIRST: (7, 1), Festival.MID_AUTUMN: (9, 15)}
FESTIVAL_HOLIDAY = {Festival.SPRING: "Spring Festival", Festival.MID_AUTUMN: "Mid-autumn Festival"}


def festival_date(festival: str, year: int) -> dt.date:
    """The festival's first day off (chinese-calendar), or a fixed date where the library has no data."""
    name = FESTIVAL_HOLIDAY.get(Festival(festival))
    if name:
        day = dt.date(year, 1, 1)
        try:
            while day.year == year:
                on, holiday = chinese_calendar.get_holiday_detail(day)
                if on and holiday == name:
                    return day
                day += dt.timedelta(days=1)
        except NotImplementedError:
            pass
    month, dom = FESTIVAL_FALLBACK[Festival(festival)]
    return dt.date(year, month, dom)


@dataclass
class FestivalRow:
    member: Member
    reasons: list[str]
    visited_on: dt.date | None


def festival_visits(
    root: Organization, festival: str, year: int, window_days: int = 45
) -> tuple[dt.date, list[FestivalRow]]:
    """Hardship, elderly and housebound members due a visit before the festival, and who was visited."""
    day = festival_date(festival, year)
    start = day - dt.timedelta(days=window_days)
    members = list(
        Member.objects.current()
        .filter(under(root))
        .filter(Q(hardship=True) | Q(elderly=True) | Q(mobility_impaired=True))
        .select_related("organization")
        .order_by("organization__path", "name")
    )
    visited = {
        row["visited_member_id"]: row["last"]
        for row in Visit.objects.filter(
            visited_member__in=members, date__range=(start, day + dt.timedelta(days=7))
        )
        .values("visited_member_id")
        .annotate(last=Max("date"))
    }
    rows = []
    for m in members:
        reasons = [
            label
            for flag, label in ((m.hardship, "困难"), (m.elderly, "高龄"), (m.mobility_impaired, "行动不便"))
            if flag
        ]
        rows.append(FestivalRow(m, reasons, visited.get(m.pk)))
    return day, rows


@dataclass
class FundStatement:
    fund: Fund
    opening: Decimal
    income: Decimal
    expense: Decimal
    flagged: list[FundEntry]

    @property
    def closing(self) -> Decimal:
        return self.opening + self.income - self.expense


def fund_statements(funds: Any, year: int) -> list[FundStatement]:
    """Per fund: opening balance, income and spending in the year (reversals net out), closing balance,
    and the spending entries without a voucher or an approver (flagged for the self-check)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = (
        FundEntry.objects.filter(fund__in=funds)
        .values("fund_id", "direction")
        .annotate(
            before=Sum("amount", filter=Q(date__lt=start)),
            within=Sum("amount", filter=Q(date__range=(start, end))),
        )
    )
    sums: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in rows:
        sign = 1 if row["direction"] == EntryDirection.INCOME else -1
        sums[row["fund_id"]]["opening"] += sign * (row["before"] or 0)
        sums[row["fund_id"]][row["direction"]] += row["within"] or 0
    flagged: dict[int, list[FundEntry]] = defaultdict(list)
    for entry in FundEntry.objects.filter(
        fund__in=funds,
        direction=EntryDirection.EXPENSE,
        amount__gt=0,
        date__range=(start, end),
        reversed_by__isnull=True,
    ).filter(Q(approver="") | (Q(voucher="") & Q(voucher_no=""))):
        flagged[entry.fund_id].append(entry)
    return [
        FundStatement(
            f,
            sums[f.pk]["opening"],
            sums[f.pk][EntryDirection.INCOME],
            sums[f.pk][EntryDirection.EXPENSE],
            flagged[f.pk],
        )
        for f in funds
    ]


# ---- points --------------------------------------------------------------------------------------


def _counts_attended(member_ids: list[int], start: dt.date, end: dt.date) -> dict[int, Decimal]:
    from dangjian.life.models import Attendance

    rows = (
        Attendance.objects.filter(member_id__in=member_ids, attended=True, activity__date__range=(start, end))
        .values("member_id")
        .annotate(n=Count("id"))
    )
    return {r["member_id"]: Decimal(r["n"]) for r in rows}


def _counts_dues_on_time(member_ids: list[int], start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """Months of the year whose dues were paid by the end of that month (net of refunds and reversals)."""
    from dangjian.dues.models import DuesPaymentMonth

    net: dict[tuple[int, dt.date], Decimal] = defaultdict(Decimal)
    first_paid: dict[tuple[int, dt.date], dt.date] = {}
    for member_id, month, amount, paid_on in DuesPaymentMonth.objects.filter(
        member_id__in=member_ids, month__range=(start, end)
    ).values_list("member_id", "month", "amount", "payment__paid_on"):
        key = (member_id, month)
        net[key] += amount
        if amount > 0:
            first_paid[key] = min(first_paid.get(key, paid_on), paid_on)
    out: dict[int, Decimal] = defaultdict(Decimal)
    for (member_id, month), amount in net.items():
        if amount > 0 and first_paid.get((member_id, month), dt.date.max) < add_months(month, 1):
            out[member_id] += 1
    return out


def _counts_visits(member_ids: list[int], start: dt.date, end: dt.date) -> dict[int, Decimal]:
    rows = (
        Visit.visitors.through.objects.filter(member_id__in=member_ids, visit__date__range=(start, end))
        .values("member_id")
        .annotate(n=Count("id"))
    )
    return {r["member_id"]: Decimal(r["n"]) for r in rows}


def _counts_hours(member_ids: list[int], start: dt.date, end: dt.date) -> dict[int, Decimal]:
    return member_hours(member_ids, start, end)


def _counts_honors(member_ids: list[int], start: dt.date, end: dt.date) -> dict[int, Decimal]:
    rows = (
        Honor.objects.filter(member_id__in=member_ids, year=start.year)
        .values("member_id")
        .annotate(n=Count("id"))
    )
    return {r["member_id"]: Decimal(r["n"]) for r in rows}


SOURCES = {
    PointSource.ACTIVITY_ATTENDED: _counts_attended,
    PointSource.SERVICE_HOUR: _counts_hours,
    PointSource.DUES_ON_TIME: _counts_dues_on_time,
    PointSource.VISIT_MADE: _counts_visits,
    PointSource.HONOR: _counts_honors,
}


@dataclass
class MemberPoints:
    member: Member
    total: Decimal
    parts: dict[str, Decimal]  # source label → points


def rules_for(org: Organization) -> list[PointRule]:
    """The rules of the nearest organization on the path that has any (a community sets them for its branches)."""
    ancestors = [int(p) for p in org.path.strip("/").split("/") if p]
    rules = list(
        PointRule.objects.filter(organization_id__in=ancestors, is_active=True).select_related("organization")
    )
    if not rules:
        return []
    nearest = max(rules, key=lambda r: r.organization.depth).organization_id
    return [r for r in rules if r.organization_id == nearest]


def points(root: Organization, year: int) -> list[MemberPoints]:
    """Every current member's points for the year under the community's rules, highest first."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rules = rules_for(root)
    members = list(
        Member.objects.current()
        .filter(under(root))
        .select_related("organization")
        .order_by("organization__path", "name")
    )
    ids = [m.pk for m in members]
    counted = {r.source: SOURCES[PointSource(r.source)](ids, start, end) for r in rules}
    out = []
    for m in members:
        parts = {}
        for r in rules:
            value = counted[r.source].get(m.pk, Decimal(0)) * r.points
            if r.yearly_cap is not None:
                value = min(value, r.yearly_cap)
            parts[PointSource(r.source).label] = value.quantize(Decimal("0.1"))
        out.append(MemberPoints(m, sum(parts.values(), Decimal(0)), parts))
    return sorted(out, key=lambda p: (-p.total, p.member.name))
