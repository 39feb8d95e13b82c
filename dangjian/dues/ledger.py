"""The arithmetic of the dues ledger, without Django: months, which months a member owes,
how a payment's amount is spread over the months it covers, unpaid streaks and payment patterns.

Months are `datetime.date` values on the first day of the month.

Which months a member owes (documented rule): a member owes month M when they belong to the Party
organization on the LAST day of M (by their membership periods). So a member admitted on 15 March
owes March; a member whose membership ends on 9 March (transferred out on the 10th, the transfer
letter noting dues paid up to February) owes up to February; after an internal transfer the month
is owed to the organization the member belongs to at the month's end, never to both.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from dangjian.lib.periods import add_months

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
HALF_FEN = Decimal("0.005")  # "more than zero" for sums that SQLite adds as floats


def fen(value: Decimal | float | int | None) -> Decimal:
    """A sum read from the database as an exact amount in fen (SQLite sums decimals as floats)."""
    if value is None:
        return ZERO
    return Decimal(str(value)).quantize(FEN)


def month_of(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, 1)


def month_end(month: dt.date) -> dt.date:
    return dt.date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])


def month_index(day: dt.date) -> int:
    """Months since year 0: consecutive months have consecutive indexes."""
    return day.year * 12 + day.month - 1


def from_index(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def month_span(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from `first` to `last`, both included."""
    return [from_index(i) for i in range(month_index(first), month_index(last) + 1)]


def months_between(first: dt.date, last: dt.date) -> int:
    """How many months from `first`'s month to `last`'s month (0 when the same month)."""
    return (last.year - first.year) * 12 + last.month - first.month


def year_months(year: int) -> list[dt.date]:
    return [dt.date(year, m, 1) for m in range(1, 13)]


def month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def span_label(first: dt.date, last: dt.date) -> str:
    if first == last:
        return month_label(first)
    if first.year == last.year:
        return f"{first.year}年{first.month}月至{last.month}月"
    return f"{month_label(first)}至{month_label(last)}"


def _quarter_first(index: int) -> int:
    return index - index % 3


def _quarter_last(index: int) -> int:
    return index - index % 3 + 2


def quarter_start(month: dt.date) -> dt.date:
    return dt.date(month.year, 3 * ((month.month - 1) // 3) + 1, 1)


def quarter_end(month: dt.date) -> dt.date:
    return month_end(add_months(quarter_start(month), 2))


# --- who owes which month -------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A membership period: `since` to `until` (last day; None while ongoing), in one organization."""

    since: dt.date
    until: dt.date | None
    organization_id: int | None = None
    first: int = field(init=False, repr=False, compare=False)  # index of the first month owed
    last: int | None = field(init=False, repr=False, compare=False)  # index of the last month owed

    def __post_init__(self) -> None:
        # The month of `since` is owed (its last day is on or after `since`); the month of `until` only
        # when `until` is that month's last day.
        object.__setattr__(self, "first", month_index(self.since))
        last = None
        if self.until is not None:
            last = month_index(self.until) - (0 if self.until == month_end(self.until) else 1)
        object.__setattr__(self, "last", last)

    def covers(self, day: dt.date) -> bool:
        return self.since <= day and (self.until is None or self.until >= day)

    def owes_index(self, index: int) -> bool:
        return self.first <= index and (self.last is None or index <= self.last)


def owes(periods: Iterable[Period], month: dt.date, organization_ids: set[int] | None = None) -> bool:
    """True when a period (of one of `organization_ids`, if given) covers the last day of `month`."""
    index = month_index(month)
    return any(
        p.owes_index(index) and (organization_ids is None or p.organization_id in organization_ids)
        for p in periods
    )


def owed_months(
    periods: Sequence[Period], months: Iterable[dt.date], organization_ids: set[int] | None = None
) -> list[dt.date]:
    return [m for m in months if owes(periods, m, organization_ids)]


def owed_indexes(periods: Iterable[Period], first: int, last: int) -> set[int]:
    """The month indexes first..last that the periods owe."""
    out: set[int] = set()
    for p in periods:
        out.update(range(max(first, p.first), (last if p.last is None else min(last, p.last)) + 1))
    return out


def owed_count(periods: Sequence[Period], first: int, last: int) -> int:
    """How many month indexes first..last the periods owe (periods never overlap; counted once anyway)."""
    if len(periods) == 1:
        p = periods[0]
        low, high = max(first, p.first), last if p.last is None else min(last, p.last)
        return max(0, high - low + 1)
    return sum(1 for i in range(first, last + 1) if any(p.owes_index(i) for p in periods))


# --- spreading an amount over months --------------------------------------------------------------


def apportion(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `amount` (≥ 0, in fen) in proportion to `weights` (≥ 0) into fen that add up exactly.

    Largest-remainder method; ties go to the earlier position. All-zero weights split evenly.
    When the amount allows it (at least one fen per share) every share gets at least one fen, so
    that every month a payment covers receives part of it.
    """
    if amount < 0:
        raise ValueError("amount must not be negative")
    n = len(weights)
    if n == 0:
        raise ValueError("nothing to apportion to")
    cents = int((amount / FEN).to_integral_value())
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    total = sum(weights, Decimal(0))
    ws = list(weights) if total > 0 else [Decimal(1)] * n
    total = sum(ws, Decimal(0))
    raw = [Decimal(cents) * w / total for w in ws]
    floors = [int(r) for r in raw]  # r ≥ 0, so int() is floor
    left = cents - sum(floors)
    order = sorted(range(n), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    if cents >= n:
        for i in range(n):
            if floors[i] == 0:
                donor = max(range(n), key=lambda j: (floors[j], -j))
                floors[donor] -= 1
                floors[i] += 1
    return [Decimal(c) * FEN for c in floors]


def allocate_payment(
    amount: Decimal,
    months: Sequence[dt.date],
    due: Mapping[dt.date, Decimal | None],
    paid: Mapping[dt.date, Decimal],
) -> dict[dt.date, Decimal]:
    """Spread a positive payment over its months in proportion to what each month still owes
    (due − already paid); where nothing is owed or dues are unknown, in proportion to the dues, or
    evenly. A voluntary surplus is spread the same way."""
    outstanding = []
    dues = []
    for m in months:
        d = due.get(m)
        dues.append(d if d is not None and d > 0 else Decimal(0))
        outstanding.append(
            max((d or Decimal(0)) - paid.get(m, Decimal(0)), Decimal(0)) if d is not None else Decimal(0)
        )
    unknown = any(due.get(m) is None for m in months)
    if unknown:
        weights = [Decimal(1)] * len(months)
    elif sum(outstanding) > 0:
        weights = outstanding
    else:
        weights = dues
    return dict(zip(months, apportion(amount, weights), strict=True))


def allocate_refund(
    amount: Decimal, months: Sequence[dt.date], paid: Mapping[dt.date, Decimal]
) -> dict[dt.date, Decimal]:
    """Spread a refund (a negative amount) over `months` in proportion to what each has paid, so no
    month goes below zero. Raises ValueError when the months have not that much paid."""
    take = -amount
    available = [max(paid.get(m, Decimal(0)), Decimal(0)) for m in months]
    if take > sum(available, Decimal(0)):
        raise ValueError("refund exceeds what these months have paid")
    shares = apportion(take, available) if sum(available) > 0 else apportion(take, [Decimal(1)] * len(months))
    # apportion's one-fen floor could push a month past what it paid; move those fen elsewhere.
    shares = list(shares)
    for i, (share, have) in enumerate(zip(shares, available, strict=True)):
        while share > have:
            j = next(k for k in range(len(shares)) if shares[k] < available[k])
            shares[i] -= FEN
            shares[j] += FEN
            share = shares[i]
    return {m: -s for m, s in zip(months, shares, strict=True)}


# --- states per month ----------------------------------------------------------------------------


class MonthStatus(StrEnum):
    PAID = "paid"
    PARTIAL = "partial"
    UNPAID = "unpaid"
    UPCOMING = "upcoming"  # owed, not yet due (the current month or later), nothing paid
    NOT_OWED = "not_owed"  # not a member here that month


MONTH_STATUS_SYMBOLS = {
    MonthStatus.PAID: "✓",
    MonthStatus.PARTIAL: "½",
    MonthStatus.UNPAID: "✗",
    MonthStatus.UPCOMING: "·",
    MonthStatus.NOT_OWED: "—",
}
MONTH_STATUS_LABELS = {
    MonthStatus.PAID: "已交",
    MonthStatus.PARTIAL: "未交足",
    MonthStatus.UNPAID: "未交",
    MonthStatus.UPCOMING: "未到期",
    MonthStatus.NOT_OWED: "—",
}


@dataclass(frozen=True)
class MonthState:
    month: dt.date
    owed: bool
    due: Decimal | None  # None: owed but no base recorded for the year
    paid: Decimal
    current: dt.date  # the month of "today"

    @property
    def outstanding(self) -> Decimal:
        if not self.owed or self.due is None:
            return ZERO
        return max(self.due - self.paid, ZERO)

    @property
    def status(self) -> MonthStatus:
        if not self.owed:
            return MonthStatus.PAID if self.paid > 0 else MonthStatus.NOT_OWED
        if self.paid > 0 and (self.due is None or self.paid >= self.due):
            return MonthStatus.PAID
        if self.paid > 0:
            return MonthStatus.PARTIAL
        return MonthStatus.UPCOMING if self.month >= self.current else MonthStatus.UNPAID

    @property
    def status_label(self) -> str:
        return MONTH_STATUS_LABELS[self.status]

    @property
    def symbol(self) -> str:
        return MONTH_STATUS_SYMBOLS[self.status]

    @property
    def title(self) -> str:
        text = f"{self.month.year}年{self.month.month}月 {self.status_label}"
        if self.owed:
            text += f"：应交{self.due if self.due is not None else '未核定'} 已交{self.paid}"
        return text

    @property
    def in_arrears(self) -> bool:
        """Owed, past (before the current month) and not fully paid."""
        return (
            self.owed
            and self.month < self.current
            and self.status in (MonthStatus.UNPAID, MonthStatus.PARTIAL)
        )


def unpaid_streak(
    periods: Sequence[Period], last_paid: dt.date | None, tracking_start: dt.date | None, until: dt.date
) -> int:
    """Owed months in a row without any payment, ending at `until` (the last complete month).

    `last_paid` is the latest month up to `until` with something paid; counting starts after it, but
    not before `tracking_start` (the first month the ledger holds anything for the member: a base or
    a payment). Without a tracking start the member is not tracked and the streak is 0. Months in
    which the member owed nothing (not a member) are skipped, not counted and not breaking the run.
    """
    if tracking_start is None:
        return 0
    start = month_index(tracking_start)
    if last_paid is not None:
        start = max(start, month_index(last_paid) + 1)
    end = month_index(until)
    if start > end:
        return 0
    return owed_count(periods, start, end)


# --- payment patterns ----------------------------------------------------------------------------


class PaymentPattern(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    LUMP_SUM = "lump_sum"
    ADVANCE = "advance"
    ARREARS = "arrears"


PATTERN_LABELS = {
    PaymentPattern.MONTHLY: "按月交纳",
    PaymentPattern.QUARTERLY: "按季交纳",
    PaymentPattern.LUMP_SUM: "一次性交纳",
    PaymentPattern.ADVANCE: "预交",
    PaymentPattern.ARREARS: "补交/欠交",
}
# Severity shown beside each pattern (domain-rules.md: "lump-sum or irregular pattern → warning").
PATTERN_SEVERITY = {
    PaymentPattern.MONTHLY: "ok",
    PaymentPattern.QUARTERLY: "ok",
    PaymentPattern.ADVANCE: "ok",
    PaymentPattern.LUMP_SUM: "warning",
    PaymentPattern.ARREARS: "warning",
}


@dataclass(frozen=True)
class Entry:
    """One positive, not reversed payment entry, as pattern detection sees it."""

    paid_on: dt.date
    first_month: dt.date
    last_month: dt.date

    @property
    def months(self) -> list[dt.date]:
        return month_span(self.first_month, self.last_month)


@dataclass(frozen=True)
class PatternResult:
    pattern: PaymentPattern
    lump_sum: bool = False
    late: bool = False
    advance: bool = False
    arrears_months: tuple[dt.date, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return PATTERN_LABELS[self.pattern]

    @property
    def severity(self) -> str:
        return PATTERN_SEVERITY[self.pattern]

    @property
    def detail(self) -> str:
        parts = []
        if self.lump_sum:
            parts.append(
                "年初一次性预交"
                if self.advance and not self.late
                else "年底一次性补交"
                if self.late
                else "一次性交纳多月"
            )
        if self.arrears_months:
            parts.append(f"欠交{len(self.arrears_months)}个月")
        elif self.late and not self.lump_sum:
            parts.append("逾期补交")
        return "，".join(parts)


def _in_year(year: int, entries: Sequence[Entry]) -> list[tuple[int, int, int]]:
    """(first month, last month, month paid) as month indexes of the entries touching `year`."""
    first, last = year * 12, year * 12 + 11
    spans = [(month_index(e.first_month), month_index(e.last_month), month_index(e.paid_on)) for e in entries]
    return [(low, high, paid) for low, high, paid in spans if low <= last and high >= first]


def entry_flags(year: int, entries: Sequence[Entry], lump_sum_months: int) -> tuple[bool, bool, bool]:
    """(lump sum, late, advance) of a member's entries touching `year`, as classify_year sets them:
    one entry covers `lump_sum_months` or more; a month paid after its quarter ended; before it began."""
    return _flags(year, _in_year(year, entries), lump_sum_months)


def _flags(year: int, in_year: list[tuple[int, int, int]], lump_sum_months: int) -> tuple[bool, bool, bool]:
    first, last = year * 12, year * 12 + 11
    lump = late = advance = False
    for low, high, paid in in_year:
        lump = lump or high - low + 1 >= lump_sum_months
        low, high = max(first, low), min(last, high)
        late = late or paid > _quarter_last(low)  # the earliest month is the first to be late
        advance = advance or paid < _quarter_first(high)  # the latest month is the first to be early
    return lump, late, advance


def classify_year(
    *,
    year: int,
    owed: Sequence[dt.date],
    entries: Sequence[Entry],
    paid_months: set[dt.date],
    current: dt.date,
    lump_sum_months: int,
) -> PatternResult | None:
    """How a member paid in `year`. `owed`: months of the year the member owes; `entries`: their positive,
    not reversed payments touching the year; `paid_months`: months with something paid; `current`: this month.

    Precedence, first that applies:
      LUMP_SUM  one entry covers `lump_sum_months` or more months (the seeds' complaint, a warning);
      ARREARS   an owed month whose quarter has ended is still unpaid (quarterly payment being allowed
                with the branch's consent, a month is not in arrears before its quarter ends), or a
                month was paid after the end of its quarter (late, 补交);
      ADVANCE   a month was paid before the start of its quarter (预交);
      MONTHLY   every entry covers one month;
      QUARTERLY entries cover up to a quarter, paid within that quarter.
    Returns None when the member owes nothing that year and paid nothing for it.
    """
    in_year = _in_year(year, entries)
    lump, late, advance = _flags(year, in_year, lump_sum_months)
    now = month_index(current)
    arrears = tuple(m for m in owed if _quarter_last(month_index(m)) < now and m not in paid_months)
    if not in_year and not arrears:
        return None
    flags = {"lump_sum": lump, "late": late, "advance": advance, "arrears_months": arrears}
    if lump:
        return PatternResult(PaymentPattern.LUMP_SUM, **flags)
    if arrears or late:
        return PatternResult(PaymentPattern.ARREARS, **flags)
    if advance:
        return PatternResult(PaymentPattern.ADVANCE, **flags)
    if all(low == high for low, high, _ in in_year):
        return PatternResult(PaymentPattern.MONTHLY, **flags)
    return PatternResult(PaymentPattern.QUARTERLY, **flags)
