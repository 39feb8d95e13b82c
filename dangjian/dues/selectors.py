"""Reads of the dues ledger. Every function here runs a fixed number of queries whatever the number of
members or payments (grouped queries, then arithmetic in dangjian.dues.ledger).

"Owed in a scope" follows ledger.py: a member owes month M to the organization they belong to on the
last day of M (Membership periods; members without any Membership row fall back to their own
joined_on / left_on / deceased_on and organization).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    F,
    FilteredRelation,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncMonth

from dangjian.dues import config
from dangjian.dues.ledger import (
    HALF_FEN,
    ZERO,
    Entry,
    MonthState,
    PatternResult,
    Period,
    classify_year,
    entry_flags,
    fen,
    month_end,
    month_index,
    month_of,
    month_span,
    owed_indexes,
    owes,
    span_label,
    unpaid_streak,
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
from dangjian.lib.periods import add_months
from dangjian.members.models import Member, Membership
from dangjian.orgs.models import Organization

# --- building blocks -----------------------------------------------------------------------------


def periods_for(member_ids: Iterable[int] | QuerySet) -> dict[int, list[Period]]:
    """Every membership period of these members (two queries at most). `member_ids` may be a
    queryset of ids (a subquery: no long IN list)."""
    ids = member_ids if isinstance(member_ids, QuerySet) else list(set(member_ids))
    out: dict[int, list[Period]] = defaultdict(list)
    rows = Membership.objects.filter(member_id__in=ids).values_list(
        "member_id", "since", "until", "organization_id"
    )
    for member_id, since, until, org_id in rows.order_by("member_id", "since"):
        out[member_id].append(Period(since, until, org_id))
    missing = Member.objects.filter(pk__in=ids).exclude(pk__in=Membership.objects.values("member_id"))
    for pk, org_id, joined, left, deceased in missing.values_list(
        "pk", "organization_id", "joined_on", "left_on", "deceased_on"
    ):
        until = left - dt.timedelta(days=1) if left else deceased
        out[pk].append(Period(joined, until, org_id))
    return out


def net_paid(member_ids: Iterable[int], first: dt.date, last: dt.date) -> dict[tuple[int, dt.date], Decimal]:
    rows = (
        DuesPaymentMonth.objects.filter(member_id__in=list(member_ids), month__gte=first, month__lte=last)
        .values("member_id", "month")
        .annotate(net=Sum("amount"))
        .order_by()
    )
    return {(r["member_id"], r["month"]): fen(r["net"]) for r in rows}


def bases_for(member_ids: Iterable[int], years: Iterable[int]) -> dict[tuple[int, int], DuesBase]:
    qs = DuesBase.objects.filter(member_id__in=list(member_ids), year__in=list(years))
    return {(b.member_id, b.year): b for b in qs}


def live_entries(member_ids: Iterable[int], first: dt.date, last: dt.date) -> dict[int, list[Entry]]:
    """Positive entries (payments and supplements) not reversed, touching months first..last."""
    rows = (
        DuesPayment.objects.filter(
            member_id__in=list(member_ids),
            kind__in=POSITIVE_KINDS,
            first_month__lte=last,
            last_month__gte=first,
        )
        .exclude(corrections__kind=PaymentKind.REVERSAL)
        .values_list("member_id", "paid_on", "first_month", "last_month", "kind")
        .order_by("paid_on", "id")
    )
    out: dict[int, list[Entry]] = defaultdict(list)
    for member_id, paid_on, first_month, last_month, kind in rows:
        if kind == PaymentKind.PAYMENT:  # supplements top up months already paid; not a payment habit
            out[member_id].append(Entry(paid_on, first_month, last_month))
    return out


@dataclass(frozen=True)
class StreakInput:
    last_paid: dt.date | None
    tracking_start: dt.date | None


def streak_inputs(member_ids: Iterable[int] | QuerySet, until: dt.date) -> dict[int, StreakInput]:
    """Per member: the last month up to `until` with something paid (net > 0) and the first month the
    ledger knows anything for them (first base year or first paid month). A fixed handful of grouped
    queries over the members' rows: no subquery per member, whose plan on PostgreSQL depends on the
    statistics sampled (with those of empty tables, a scan of every payment month per member: over
    ten minutes at district size)."""
    if isinstance(member_ids, QuerySet):
        ids: list[int] | QuerySet = member_ids
        members = list(Member.objects.filter(pk__in=member_ids).order_by().values_list("pk", flat=True))
    else:
        ids = members = list(member_ids)
    paid = _paid_month_span(ids, until)
    first_year = dict(
        DuesBase.objects.filter(member_id__in=ids)
        .values("member_id")
        .annotate(first=Min("year"))
        .order_by()
        .values_list("member_id", "first")
    )
    out = {}
    for pk in members:
        last, first_month = paid.get(pk, (None, None))
        first_y = first_year.get(pk)
        starts = [d for d in (first_month, dt.date(first_y, 1, 1) if first_y else None) if d]
        out[pk] = StreakInput(last, min(starts) if starts else None)
    return out


def _paid_month_span(
    member_ids: list[int] | QuerySet, until: dt.date
) -> dict[int, tuple[dt.date | None, dt.date]]:
    """Per member with ledger months: the latest month up to `until` whose net is above zero (None if
    none) and the first month of all. Two queries whatever the data: one grouped pass gives the latest
    month with a positive part and the first month; only a member with a negative part (a refund or a
    reversal, which may cancel a month) needs the months' nets, read for those few members alone."""
    span: dict[int, tuple[dt.date | None, dt.date]] = {
        pk: (last, first)
        for pk, last, first in DuesPaymentMonth.objects.filter(member_id__in=member_ids)
        .values("member_id")
        .annotate(last=Max("month", filter=Q(amount__gt=0, month__lte=until)), first=Min("month"))
        .order_by()
        .values_list("member_id", "last", "first")
    }
    corrected = DuesPaymentMonth.objects.filter(member_id__in=member_ids, amount__lt=0, month__lte=until)
    nets = (
        DuesPaymentMonth.objects.filter(member_id__in=corrected.values("member_id"), month__lte=until)
        .values("member_id", "month")
        .annotate(net=Sum("amount"))
        .order_by()
        .values_list("member_id", "month", "net")
    )
    paid: dict[int, dt.date | None] = {}
    for pk, month, net in nets:
        paid.setdefault(pk, None)
        if fen(net) > 0 and (paid[pk] is None or month > paid[pk]):
            paid[pk] = month
    for pk, last in paid.items():
        span[pk] = (last, span[pk][1])
    return span


def last_complete_month(as_of: dt.date) -> dt.date:
    return add_months(month_of(as_of), -1)


def streak_severity(streak: int) -> str:
    if streak >= config.error_months():
        return "error"
    if streak >= config.warning_months():
        return "warning"
    return "ok"


# --- the month grid of an organization -----------------------------------------------------------


@dataclass
class GridRow:
    member: Member
    organization: Organization
    base: DuesBase | None
    cells: list[MonthState]
    streak: int
    pattern: PatternResult | None

    @property
    def owed_cells(self) -> list[MonthState]:
        return [c for c in self.cells if c.owed]

    @property
    def total_due(self) -> Decimal:
        return sum((c.due for c in self.owed_cells if c.due is not None), ZERO)

    @property
    def total_paid(self) -> Decimal:
        return sum((c.paid for c in self.owed_cells), ZERO)

    @property
    def arrears(self) -> Decimal:
        return sum((c.outstanding for c in self.owed_cells if c.in_arrears), ZERO)

    @property
    def arrears_months(self) -> int:
        return sum(1 for c in self.owed_cells if c.in_arrears)

    @property
    def severity(self) -> str:
        return streak_severity(self.streak)

    @property
    def underpaid(self) -> bool:
        return any(c.owed and c.due is not None and Decimal(0) < c.paid < c.due for c in self.cells)


@dataclass
class MonthTotal:
    month: dt.date
    owed: int = 0
    paid_members: int = 0
    due: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def member_rate(self) -> Decimal | None:
        return (Decimal(self.paid_members) * 100 / self.owed).quantize(Decimal("0.1")) if self.owed else None


@dataclass
class Grid:
    organization: Organization
    year: int
    as_of: dt.date
    months: list[dt.date]
    rows: list[GridRow]
    totals: list[MonthTotal] = field(default_factory=list)

    @property
    def total_due(self) -> Decimal:
        return sum((r.total_due for r in self.rows), ZERO)

    @property
    def total_paid(self) -> Decimal:
        return sum((r.total_paid for r in self.rows), ZERO)

    @property
    def without_base(self) -> int:
        return sum(1 for r in self.rows if r.base is None)


def dues_grid(org: Organization, year: int, as_of: dt.date) -> Grid:
    """Members × 12 months of `org`'s subtree for `year`: due, paid, state of each cell; the unpaid
    streak and the year's payment pattern per member. Seven queries whatever the size."""
    return dues_grids(org, [(year, as_of)])[0]


def _span_memberships(
    org: Organization, years: Sequence[tuple[int, dt.date]]
) -> tuple[dt.date, dt.date, QuerySet[Membership]]:
    """The first and last month of the years, and the subtree's memberships overlapping them (from the
    end of the first month), oldest first."""
    span = [m for year in sorted({y for y, _ in years}) for m in year_months(year)]
    first, last = span[0], span[-1]
    memberships = (
        Membership.objects.filter(organization__path__startswith=org.path, since__lte=month_end(last))
        .filter(Q(until__isnull=True) | Q(until__gte=month_end(first)))
        .order_by("since")
    )
    return first, last, memberships


def dues_grids(org: Organization, years: Sequence[tuple[int, dt.date]]) -> list[Grid]:
    """The grids of several (year, as-of day) of one subtree, as dues_grid gives each, read in one pass:
    the same six queries for all the years, and one per year for the streaks."""
    if not years:
        return []
    first_all, last_all, in_span = _span_memberships(org, years)
    memberships = list(in_span.select_related("member", "organization"))
    members: dict[int, Member] = {ms.member_id: ms.member for ms in memberships}
    ids = list(members)
    all_periods = periods_for(ids)
    bases = bases_for(ids, [y for y, _ in years])
    paid = net_paid(ids, first_all, last_all)
    entries: dict[tuple[int, int], list[Entry]] = defaultdict(list)  # by member and year touched
    for member_id, mine in live_entries(ids, first_all, last_all).items():
        for e in mine:
            for year in range(e.first_month.year, e.last_month.year + 1):
                entries[(member_id, year)].append(e)
    lump = config.lump_sum_months()
    grids = []
    for year, as_of in years:
        months = year_months(year)
        first = month_index(months[0])
        year_start, year_end = month_end(months[0]), month_end(months[-1])
        current = month_of(as_of)
        here: dict[int, list[Period]] = defaultdict(list)
        where: dict[int, Organization] = {}
        for ms in memberships:  # by since: the latest membership of the year in the subtree wins
            if ms.since <= year_end and (ms.until is None or ms.until >= year_start):
                here[ms.member_id].append(Period(ms.since, ms.until, ms.organization_id))
                where[ms.member_id] = ms.organization
        until = last_complete_month(as_of)
        inputs = streak_inputs(list(here), until)
        rows = []
        for member_id, periods in here.items():
            base = bases.get((member_id, year))
            monthly = base.monthly_amount if base else None
            mine = all_periods[member_id]
            owed_here, owed_anywhere = (
                owed_indexes(periods, first, first + 11),
                owed_indexes(mine, first, first + 11),
            )
            cells, owed_all, paid_months = [], [], set()
            for index, m in enumerate(months, start=first):
                amount = paid.get((member_id, m), ZERO)
                cells.append(MonthState(m, index in owed_here, monthly, amount, current))
                if amount > 0:
                    paid_months.add(m)
                if index in owed_anywhere:
                    owed_all.append(m)
            pattern = classify_year(
                year=year,
                owed=owed_all,
                entries=entries.get((member_id, year), ()),
                paid_months=paid_months,
                current=current,
                lump_sum_months=lump,
            )
            si = inputs.get(member_id, StreakInput(None, None))
            streak = unpaid_streak(mine, si.last_paid, si.tracking_start, until)
            rows.append(GridRow(members[member_id], where[member_id], base, cells, streak, pattern))
        rows.sort(key=lambda r: (r.organization.path, r.member.name, r.member.pk))
        totals = [MonthTotal(m) for m in months]
        for row in rows:
            for total, cell in zip(totals, row.cells, strict=True):
                if cell.owed:
                    total.owed += 1
                    total.due += cell.due or ZERO
                    total.paid += cell.paid
                    total.paid_members += 1 if cell.paid > 0 else 0
        grids.append(Grid(org, year, as_of, months, rows, totals))
    return grids


@dataclass
class MemberYear:
    """A member's year in a subtree with something irregular: the pattern of payment when it was a
    lump sum or late, the owed months paid below the amount due."""

    member_id: int
    member_name: str
    organization_id: int  # the latest organization of the year in the subtree
    year: int
    pattern: PatternResult | None  # set when lump sum, or late
    short: list[MonthState]  # owed, something paid, less than due


def dues_irregularities(org: Organization, years: Sequence[tuple[int, dt.date]]) -> list[MemberYear]:
    """The member-years of the subtree whose pattern (as dues_grid classifies it) is a lump sum or
    late, or with owed months paid below the amount due, per (year, as-of day): what the grid would
    show for them, read for them only. Set-based: the members' memberships and positive entries, the
    months paid short (aggregated in the database against the year's base), then the paid months and
    membership periods of the few member-years that need the whole classification."""
    if not years:
        return []
    first_all, last_all, in_span = _span_memberships(org, years)
    memberships = list(
        in_span.values_list(
            "member_id", "organization_id", "organization__path", "since", "until", "member__name"
        )
    )
    names = {m: name for m, *_, name in memberships}
    ids = list(names)
    entries: dict[tuple[int, int], list[Entry]] = defaultdict(list)
    for member_id, mine in live_entries(ids, first_all, last_all).items():
        for e in mine:
            for year in range(e.first_month.year, e.last_month.year + 1):
                entries[(member_id, year)].append(e)
    lump = config.lump_sum_months()
    # Months with something paid but less than the base's monthly amount (one base per member and
    # year): one query per year, the sums in floats on SQLite (amounts are whole fen, so "less" is
    # "more than half a fen less"), checked again in Decimal below.
    short: dict[tuple[int, int], list[tuple[dt.date, Decimal, Decimal]]] = defaultdict(list)
    for year in sorted({y for y, _ in years}):
        due = (
            DuesBase.objects.filter(member_id=OuterRef("member_id"), year=year)
            .order_by()
            .values("monthly_amount")
        )
        rows = (
            DuesPaymentMonth.objects.filter(
                member_id__in=ids, month__gte=dt.date(year, 1, 1), month__lte=dt.date(year, 12, 1)
            )
            .values("member_id", "month")
            .annotate(net=Sum("amount"), due=Subquery(due))
            .filter(net__gt=HALF_FEN, net__lt=F("due") - HALF_FEN)
            .order_by()
        )
        for r in rows:
            amount, amount_due = fen(r["net"]), fen(r["due"])
            if ZERO < amount < amount_due:
                short[(r["member_id"], year)].append((r["month"], amount, amount_due))
    out: list[tuple[str, MemberYear]] = []
    wanted: list[tuple[int, int, dt.date, list[Period], int, str]] = []
    for year, as_of in years:
        year_start, year_end = dt.date(year, 1, 31), dt.date(year, 12, 31)
        here: dict[int, list[Period]] = defaultdict(list)
        where: dict[int, tuple[int, str]] = {}
        for member_id, org_id, path, since, until, _ in memberships:
            if since <= year_end and (until is None or until >= year_start):
                here[member_id].append(Period(since, until, org_id))
                where[member_id] = (org_id, path)
        for member_id, periods in here.items():
            lumped, late, _ = entry_flags(year, entries.get((member_id, year), ()), lump)
            if lumped or late or (member_id, year) in short:
                wanted.append((member_id, year, as_of, periods, *where[member_id]))
    all_periods = periods_for({w[0] for w in wanted})
    paid: dict[tuple[int, dt.date], Decimal] = {}
    for year in sorted({w[1] for w in wanted}):  # the paid months of the wanted member-years only
        paid |= net_paid({w[0] for w in wanted if w[1] == year}, dt.date(year, 1, 1), dt.date(year, 12, 1))
    for member_id, year, as_of, periods, org_id, path in wanted:
        months, current = year_months(year), month_of(as_of)
        first = month_index(months[0])
        owed_here, owed_anywhere = (
            owed_indexes(periods, first, first + 11),
            owed_indexes(all_periods[member_id], first, first + 11),
        )
        pattern = classify_year(
            year=year,
            owed=[m for i, m in enumerate(months, start=first) if i in owed_here or i in owed_anywhere],
            entries=entries.get((member_id, year), ()),
            paid_months={m for m in months if paid.get((member_id, m), ZERO) > 0},
            current=current,
            lump_sum_months=lump,
        )
        irregular = pattern if pattern is not None and (pattern.lump_sum or pattern.late) else None
        cells = [
            MonthState(m, True, amount_due, amount, current)
            for m, amount, amount_due in sorted(short.get((member_id, year), ()))
            if month_index(m) in owed_here
        ]
        if irregular or cells:
            row = MemberYear(member_id, names[member_id], org_id, year, irregular, cells)
            out.append((path, row))
    out.sort(key=lambda pr: (pr[1].year, pr[0], pr[1].member_name, pr[1].member_id))
    return [row for _, row in out]


# --- collection rate of a scope, by month (set-based) --------------------------------------------


@dataclass
class OrgCollection:
    organization: Organization
    owed: int = 0  # member-months owed
    paid_members: int = 0  # member-months with something paid
    due: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def member_rate(self) -> Decimal | None:
        return (Decimal(self.paid_members) * 100 / self.owed).quantize(Decimal("0.1")) if self.owed else None


@dataclass
class MonthCollection:
    month: dt.date
    owed: int = 0  # members who owe the month in the scope
    with_base: int = 0  # of them, with a base recorded for the year
    paid_members: int = 0  # of them, with something paid for the month
    due: Decimal = ZERO  # sum of monthly amounts of those with a base
    paid: Decimal = ZERO  # net paid for the month by those who owe it here

    @property
    def member_rate(self) -> Decimal | None:
        """收缴率 by people: members who paid ÷ members who owe, in percent (one decimal)."""
        return (Decimal(self.paid_members) * 100 / self.owed).quantize(Decimal("0.1")) if self.owed else None

    @property
    def without_base(self) -> int:
        return self.owed - self.with_base

    @property
    def amount_rate(self) -> Decimal | None:
        return (self.paid * 100 / self.due).quantize(Decimal("0.1")) if self.due else None

    @property
    def percent(self) -> int:
        rate = self.member_rate
        return int(min(rate, Decimal(100))) if rate is not None else 0


@dataclass
class Collection:
    organization: Organization
    months: list[MonthCollection]
    children: list[OrgCollection]

    @property
    def owed(self) -> int:
        return sum(m.owed for m in self.months)

    @property
    def paid_members(self) -> int:
        return sum(m.paid_members for m in self.months)

    @property
    def member_rate(self) -> Decimal | None:
        return (Decimal(self.paid_members) * 100 / self.owed).quantize(Decimal("0.1")) if self.owed else None

    @property
    def due(self) -> Decimal:
        return sum((m.due for m in self.months), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((m.paid for m in self.months), ZERO)


def _owed_q(prefix: str, months: list[dt.date]) -> dict[dt.date, Q]:
    out = {}
    for m in months:
        end = month_end(m)
        out[m] = Q(**{f"{prefix}since__lte": end}) & (
            Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gte": end})
        )
    return out


def collection(org: Organization, months: list[dt.date], *, by_child: bool = True) -> Collection:
    """For each month: members owing it in `org`'s subtree, how many have a base, how many paid
    something, the amounts due and paid; and the same summed per child organization. Four queries."""
    owed_q = _owed_q("", months)
    orgs = list(
        Organization.objects.filter(path__startswith=org.path).only("pk", "path", "name", "kind", "parent_id")
    )
    by_id = {o.pk: o for o in orgs}
    children = [o for o in orgs if o.parent_id == org.pk] if by_child else []
    # 1. owed members and dues per month, grouped by the membership's organization.
    year_join = {}
    annotations: dict[str, object] = {}
    for i, m in enumerate(months):
        alias = f"b{m.year}"
        if alias not in year_join:
            year_join[alias] = FilteredRelation(
                "member__dues_bases", condition=Q(member__dues_bases__year=m.year)
            )
        annotations[f"owed_{i}"] = Count("member_id", filter=owed_q[m], distinct=True)
        annotations[f"based_{i}"] = Count(f"{alias}__id", filter=owed_q[m])
        annotations[f"due_{i}"] = Sum(f"{alias}__monthly_amount", filter=owed_q[m])
    owed_rows = (
        Membership.objects.filter(organization__path__startswith=org.path)
        .filter(since__lte=month_end(max(months)))
        .filter(Q(until__isnull=True) | Q(until__gte=month_end(min(months))))
        .annotate(**year_join)
        .values("organization_id")
        .annotate(**annotations)
        .order_by()
    )
    result = {m: MonthCollection(m) for m in months}
    per_org: dict[int, OrgCollection] = {}
    for row in owed_rows:
        oc = per_org.setdefault(row["organization_id"], OrgCollection(by_id[row["organization_id"]]))
        for i, m in enumerate(months):
            mc = result[m]
            mc.owed += row[f"owed_{i}"]
            mc.with_base += row[f"based_{i}"]
            mc.due += fen(row[f"due_{i}"])
            oc.owed += row[f"owed_{i}"]
            oc.due += fen(row[f"due_{i}"])
    # 2. paid per month and organization, for members owing the month in the subtree: the sums, and
    # the members with a positive entry; then (3) the few member-months that also have a negative
    # entry (refund, 冲正) are checked one by one, so that a month cancelled to zero is not "paid".
    cond = Q()
    for m in months:
        end = month_end(m)
        cond |= Q(month=m, member__memberships__since__lte=end) & (
            Q(member__memberships__until__isnull=True) | Q(member__memberships__until__gte=end)
        )
    owed_here = DuesPaymentMonth.objects.filter(
        cond, month__in=months, member__memberships__organization__path__startswith=org.path
    )
    paid_rows = (
        owed_here.values("month", org_id=F("member__memberships__organization_id"))
        .annotate(total=Sum("amount"), payers=Count("member_id", distinct=True, filter=Q(amount__gt=0)))
        .order_by()
    )
    for row in paid_rows:
        mc = result[row["month"]]
        oc = per_org.setdefault(row["org_id"], OrgCollection(by_id[row["org_id"]]))
        total = fen(row["total"])
        mc.paid += total
        oc.paid += total
        mc.paid_members += row["payers"]
        oc.paid_members += row["payers"]
    corrected = (
        owed_here.filter(
            # negative entries of the subtree's members only: of the whole database, the subquery
            # would scan every district's entries for the months
            member_id__in=DuesPaymentMonth.objects.filter(
                amount__lt=0, month__in=months, member__memberships__organization__path__startswith=org.path
            ).values("member_id")
        )
        .values("member_id", "month", org_id=F("member__memberships__organization_id"))
        .annotate(net=Sum("amount"), positive=Count("id", filter=Q(amount__gt=0)))
        .order_by()
    )
    for row in corrected:
        if row["positive"] and fen(row["net"]) <= 0:  # counted as a payer above, but nothing is left
            result[row["month"]].paid_members -= 1
            per_org[row["org_id"]].paid_members -= 1
    rolled = []
    for child in children:
        total = OrgCollection(child)
        for org_id, oc in per_org.items():
            if by_id[org_id].path.startswith(child.path):
                total.owed += oc.owed
                total.paid_members += oc.paid_members
                total.due += oc.due
                total.paid += oc.paid
        rolled.append(total)
    return Collection(org, [result[m] for m in months], rolled)


# --- members in arrears ---------------------------------------------------------------------------


@dataclass
class ArrearsRow:
    member: Member
    organization: Organization
    streak: int
    last_paid: dt.date | None

    @property
    def severity(self) -> str:
        return streak_severity(self.streak)


def arrears_list(org: Organization, as_of: dt.date, min_months: int) -> list[ArrearsRow]:
    """Current members of the subtree with `min_months` or more owed months in a row unpaid, ending
    with the last complete month, longest first. Four queries; only the members listed are loaded."""
    current = Membership.objects.filter(
        organization__path__startswith=org.path,
        until__isnull=True,
        member__left_on__isnull=True,
        member__deceased_on__isnull=True,
    )
    ids = current.values("member_id")
    until = last_complete_month(as_of)
    inputs = streak_inputs(ids, until)
    periods = periods_for(ids)
    streaks = {}
    for member_id, si in inputs.items():
        streak = unpaid_streak(periods.get(member_id, []), si.last_paid, si.tracking_start, until)
        if streak >= min_months:
            streaks[member_id] = streak
    rows = (
        current.filter(member_id__in=list(streaks)).select_related("member", "organization")
        if streaks
        else []
    )
    out = [
        ArrearsRow(ms.member, ms.organization, streaks[ms.member_id], inputs[ms.member_id].last_paid)
        for ms in rows
    ]
    out.sort(key=lambda r: (-r.streak, r.organization.path, r.member.name))
    return out


def arrears_count(org: Organization, as_of: dt.date, min_months: int) -> int:
    """How many current members of the subtree are `min_months` or more in arrears (three queries)."""
    ids = Membership.objects.filter(
        organization__path__startswith=org.path,
        until__isnull=True,
        member__left_on__isnull=True,
        member__deceased_on__isnull=True,
    ).values("member_id")
    until = last_complete_month(as_of)
    periods = periods_for(ids)
    return sum(
        1
        for member_id, si in streak_inputs(ids, until).items()
        if unpaid_streak(periods.get(member_id, []), si.last_paid, si.tracking_start, until) >= min_months
    )


# --- one member -----------------------------------------------------------------------------------


@dataclass
class YearSummary:
    year: int
    base: DuesBase | None
    cells: list[MonthState]
    pattern: PatternResult | None

    @property
    def due(self) -> Decimal:
        return sum((c.due for c in self.cells if c.owed and c.due is not None), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((c.paid for c in self.cells if c.owed), ZERO)

    @property
    def arrears(self) -> Decimal:
        return sum((c.outstanding for c in self.cells if c.in_arrears), ZERO)


@dataclass
class MemberDues:
    member: Member
    as_of: dt.date
    years: list[YearSummary]
    entries: list[DuesPayment]
    streak: int
    unknown_base_years: list[int]

    @property
    def arrears(self) -> Decimal:
        """Outstanding for owed months before the current month (years with a base)."""
        return sum((y.arrears for y in self.years), ZERO)

    @property
    def arrears_months(self) -> list[dt.date]:
        return [c.month for y in self.years for c in y.cells if c.in_arrears]

    @property
    def current_month(self) -> MonthState | None:
        current = month_of(self.as_of)
        for y in self.years:
            for c in y.cells:
                if c.month == current:
                    return c
        return None

    @property
    def owed_now(self) -> Decimal:
        """What the member should pay to be up to date: arrears plus this month if unpaid."""
        cm = self.current_month
        return self.arrears + (cm.outstanding if cm is not None else ZERO)

    @property
    def severity(self) -> str:
        return streak_severity(self.streak)


def member_dues(member: Member, as_of: dt.date) -> MemberDues:
    """A member's whole dues story: every year from the first base or payment to this year. Six queries."""
    periods = periods_for([member.pk])[member.pk]
    bases = {b.year: b for b in DuesBase.objects.filter(member=member)}
    entries = list(
        DuesPayment.objects.filter(member=member)
        .select_related("original", "recorded_by", "organization")
        .order_by("-paid_on", "-id")
    )
    reversed_ids = {e.original_id for e in entries if e.kind == PaymentKind.REVERSAL}
    current = month_of(as_of)
    years = set(bases) | {e.first_month.year for e in entries} | {e.last_month.year for e in entries}
    years.add(as_of.year)
    first_year, last_year = min(years), max(years)
    paid = {
        m: v
        for (_, m), v in net_paid([member.pk], dt.date(first_year, 1, 1), dt.date(last_year, 12, 1)).items()
    }
    live = [
        Entry(e.paid_on, e.first_month, e.last_month)
        for e in entries
        if e.kind == PaymentKind.PAYMENT and e.pk not in reversed_ids
    ]
    lump = config.lump_sum_months()
    summaries = []
    unknown = []
    for year in range(last_year, first_year - 1, -1):
        base = bases.get(year)
        cells = [
            MonthState(m, owes(periods, m), base.monthly_amount if base else None, paid.get(m, ZERO), current)
            for m in year_months(year)
        ]
        if base is None and any(c.owed and c.month <= current for c in cells):
            unknown.append(year)
        owed = [c.month for c in cells if c.owed]
        pattern = classify_year(
            year=year,
            owed=owed,
            entries=live,
            paid_months={m for m, v in paid.items() if v > 0},
            current=current,
            lump_sum_months=lump,
        )
        summaries.append(YearSummary(year, base, cells, pattern))
    until = last_complete_month(as_of)
    si = streak_inputs([member.pk], until).get(member.pk, StreakInput(None, None))
    streak = unpaid_streak(periods, si.last_paid, si.tracking_start, until)
    for e in entries:
        e.is_reversed = e.pk in reversed_ids  # type: ignore[attr-defined]
    return MemberDues(member, as_of, summaries, entries, streak, unknown)


# --- remittances and their reconciliation ---------------------------------------------------------


@dataclass
class ReconRow:
    first: dt.date
    last: dt.date
    remitted: Decimal
    collected: Decimal
    remittances: list[DuesRemittance]

    @property
    def label(self) -> str:
        return span_label(self.first, self.last)

    @property
    def difference(self) -> Decimal:
        """Collected minus remitted: positive means not all was passed up."""
        return self.collected - self.remitted


@dataclass
class Reconciliation:
    organization: Organization
    year: int
    rows: list[ReconRow]
    unremitted_months: list[dt.date]
    unremitted_amount: Decimal
    collected_by_month: dict[dt.date, Decimal]

    @property
    def collected(self) -> Decimal:
        return sum((v for m, v in self.collected_by_month.items() if m.year == self.year), ZERO)

    @property
    def remitted(self) -> Decimal:
        return sum((r.remitted for r in self.rows), ZERO)

    @property
    def difference(self) -> Decimal:
        return sum((r.difference for r in self.rows), ZERO) + self.unremitted_amount


def reconciliation(org: Organization, year: int, as_of: dt.date) -> Reconciliation:
    """The organization's remittances for periods touching `year`, each beside the dues its subtree
    collected in that period (by payment date, refunds and corrections included). Two queries.

    Only `org`'s own remittances count: a branch passing money to its community committee is internal
    to the committee's reconciliation."""
    remittances = list(
        DuesRemittance.objects.filter(
            organization=org, period_start__lte=dt.date(year, 12, 1), period_end__gte=dt.date(year, 1, 1)
        )
        .select_related("original", "to_organization")
        .order_by("period_start", "period_end", "id")
    )
    first = min([dt.date(year, 1, 1), *(r.period_start for r in remittances)])
    last = max([dt.date(year, 12, 1), *(r.period_end for r in remittances)])
    collected_rows = (
        DuesPayment.objects.filter(
            organization__path__startswith=org.path, paid_on__gte=first, paid_on__lte=month_end(last)
        )
        .annotate(m=TruncMonth("paid_on"))
        .values("m")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    by_month: dict[dt.date, Decimal] = defaultdict(lambda: ZERO)
    for row in collected_rows:
        m = row["m"].date() if isinstance(row["m"], dt.datetime) else row["m"]
        by_month[month_of(m)] += fen(row["total"])
    groups: dict[tuple[dt.date, dt.date], list[DuesRemittance]] = defaultdict(list)
    for r in remittances:
        groups[(r.period_start, r.period_end)].append(r)
    rows = []
    covered: set[dt.date] = set()
    for (start, end), items in sorted(groups.items()):
        span = month_span(start, end)
        covered |= set(span)
        rows.append(
            ReconRow(
                start,
                end,
                sum((r.amount for r in items), ZERO),
                sum((by_month[m] for m in span), ZERO),
                items,
            )
        )
    current = month_of(as_of)
    unremitted = [
        m for m in year_months(year) if m < current and m not in covered and by_month.get(m, ZERO) != 0
    ]
    return Reconciliation(
        org, year, rows, unremitted, sum((by_month[m] for m in unremitted), ZERO), dict(by_month)
    )
