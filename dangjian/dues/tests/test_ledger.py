"""The ledger arithmetic without a database: owed months, spreading amounts, streaks, patterns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.dues.ledger import (
    Entry,
    MonthState,
    MonthStatus,
    PaymentPattern,
    Period,
    allocate_payment,
    allocate_refund,
    apportion,
    classify_year,
    month_span,
    owes,
    span_label,
    unpaid_streak,
    year_months,
)

D = Decimal


def m(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def test_it_counts_a_month_where_the_member_belongs_on_its_last_day() -> None:
    joined_mid_march = [Period(dt.date(2024, 3, 15), None)]
    assert owes(joined_mid_march, m(2024, 3))
    assert not owes(joined_mid_march, m(2024, 2))
    left_tenth_of_june = [Period(dt.date(2020, 1, 1), dt.date(2024, 6, 9))]
    assert owes(left_tenth_of_june, m(2024, 5))
    assert not owes(left_tenth_of_june, m(2024, 6))
    # internal transfer on 10 June: June belongs to the new organization only
    moved = [Period(dt.date(2020, 1, 1), dt.date(2024, 6, 9), 1), Period(dt.date(2024, 6, 10), None, 2)]
    assert owes(moved, m(2024, 6), {2}) and not owes(moved, m(2024, 6), {1})
    assert owes(moved, m(2024, 5), {1}) and not owes(moved, m(2024, 5), {2})


def test_it_spans_months_across_a_year_boundary() -> None:
    assert month_span(dt.date(2024, 11, 20), dt.date(2025, 2, 3)) == [m(2024, 11), m(2024, 12), m(2025, 1), m(2025, 2)]
    assert span_label(m(2024, 11), m(2025, 2)) == "2024年11月至2025年2月"
    assert span_label(m(2025, 1), m(2025, 3)) == "2025年1月至3月"


@given(
    amount=st.decimals(min_value=0, max_value=100000, places=2),
    weights=st.lists(st.decimals(min_value=0, max_value=1000, places=2), min_size=1, max_size=24),
)
def test_it_apportions_to_the_fen_exactly(amount: Decimal, weights: list[Decimal]) -> None:
    shares = apportion(amount, weights)
    assert sum(shares) == amount
    assert all(s >= 0 and s == s.quantize(D("0.01")) for s in shares)
    if amount >= D("0.01") * len(weights):
        assert all(s > 0 for s in shares)


def test_it_fills_what_each_month_still_owes_first() -> None:
    months = [m(2024, 12), m(2025, 1)]
    dues = {m(2024, 12): D("15.00"), m(2025, 1): D("30.00")}  # the base changed with the year
    assert allocate_payment(D("45.00"), months, dues, {}) == {m(2024, 12): D("15.00"), m(2025, 1): D("30.00")}
    # a voluntary surplus is spread in proportion
    assert allocate_payment(D("90.00"), months, dues, {}) == {m(2024, 12): D("30.00"), m(2025, 1): D("60.00")}
    # a top-up goes to what is missing
    topup = allocate_payment(D("10.00"), months, dues, {m(2024, 12): D("15.00"), m(2025, 1): D("20.00")})
    assert topup == {m(2024, 12): D("0.01"), m(2025, 1): D("9.99")}  # every covered month gets at least a fen
    # unknown dues: even split
    assert allocate_payment(D("1.00"), months, {m(2024, 12): None}, {}) == {m(2024, 12): D("0.50"), m(2025, 1): D("0.50")}


def test_it_refunds_no_more_than_each_month_has() -> None:
    months = [m(2025, 7), m(2025, 8)]
    paid = {m(2025, 7): D("10.00"), m(2025, 8): D("10.00")}
    assert allocate_refund(D("-20.00"), months, paid) == {m(2025, 7): D("-10.00"), m(2025, 8): D("-10.00")}
    with pytest.raises(ValueError):
        allocate_refund(D("-20.01"), months, paid)


def test_it_states_each_month() -> None:
    now = m(2025, 6)
    assert MonthState(m(2025, 3), True, D("15"), D("15"), now).status == MonthStatus.PAID
    assert MonthState(m(2025, 3), True, D("15"), D("7.5"), now).status == MonthStatus.PARTIAL
    assert MonthState(m(2025, 3), True, D("15"), D("0"), now).status == MonthStatus.UNPAID
    assert MonthState(m(2025, 6), True, D("15"), D("0"), now).status == MonthStatus.UPCOMING
    assert MonthState(m(2025, 3), False, D("15"), D("0"), now).status == MonthStatus.NOT_OWED
    assert MonthState(m(2025, 3), True, None, D("1"), now).status == MonthStatus.PAID  # paid, base not recorded
    partial = MonthState(m(2025, 3), True, D("15"), D("7.5"), now)
    assert partial.outstanding == D("7.5") and partial.in_arrears


ALWAYS = [Period(dt.date(2000, 1, 1), None)]


def test_it_counts_unpaid_months_in_a_row_up_to_the_last_complete_month() -> None:
    until = m(2025, 5)
    assert unpaid_streak(ALWAYS, m(2025, 5), dt.date(2020, 1, 1), until) == 0
    assert unpaid_streak(ALWAYS, m(2025, 2), dt.date(2020, 1, 1), until) == 3
    assert unpaid_streak(ALWAYS, m(2024, 11), dt.date(2020, 1, 1), until) == 6
    assert unpaid_streak(ALWAYS, None, dt.date(2025, 1, 1), until) == 5  # nothing paid since tracking began
    assert unpaid_streak(ALWAYS, None, None, until) == 0  # not tracked at all


def test_it_does_not_count_months_the_member_was_not_a_member() -> None:
    joined = [Period(dt.date(2025, 3, 20), None)]
    assert unpaid_streak(joined, None, dt.date(2025, 1, 1), m(2025, 5)) == 3
    gap = [Period(dt.date(2020, 1, 1), dt.date(2025, 1, 30)), Period(dt.date(2025, 4, 1), None)]
    assert unpaid_streak(gap, m(2024, 12), dt.date(2020, 1, 1), m(2025, 5)) == 2  # April and May


JAN_2026 = dt.date(2026, 1, 1)


def classify(entries: list[Entry], *, paid: set[dt.date] | None = None, current: dt.date = JAN_2026, owed=None):  # noqa: ANN001, ANN202
    owed = owed if owed is not None else year_months(2025)
    if paid is None:
        paid = {mm for e in entries for mm in e.months}
    return classify_year(year=2025, owed=owed, entries=entries, paid_months=paid, current=current, lump_sum_months=6)


def test_it_recognizes_monthly_payers() -> None:
    entries = [Entry(dt.date(2025, i, 10), m(2025, i), m(2025, i)) for i in range(1, 13)]
    assert classify(entries).pattern == PaymentPattern.MONTHLY


def test_it_recognizes_quarterly_payers() -> None:
    entries = [Entry(dt.date(2025, q * 3, 20), m(2025, q * 3 - 2), m(2025, q * 3)) for q in range(1, 5)]
    assert classify(entries).pattern == PaymentPattern.QUARTERLY


def test_it_recognizes_a_lump_sum_at_the_start_of_the_year() -> None:
    result = classify([Entry(dt.date(2025, 1, 8), m(2025, 1), m(2025, 12))])
    assert result.pattern == PaymentPattern.LUMP_SUM
    assert result.advance and not result.late
    assert result.detail == "年初一次性预交"
    assert result.severity == "warning"


def test_it_recognizes_a_lump_sum_at_the_end_of_the_year() -> None:
    result = classify([Entry(dt.date(2025, 12, 20), m(2025, 1), m(2025, 12))])
    assert result.pattern == PaymentPattern.LUMP_SUM
    assert result.late and result.detail == "年底一次性补交"


def test_it_recognizes_advance_payment_below_the_lump_sum_size() -> None:
    entries = [Entry(dt.date(2025, 1, 5), m(2025, 1), m(2025, 5)), Entry(dt.date(2025, 6, 5), m(2025, 6), m(2025, 10)),
               Entry(dt.date(2025, 11, 5), m(2025, 11), m(2025, 12))]
    assert classify(entries).pattern == PaymentPattern.ADVANCE


def test_it_recognizes_late_payment() -> None:
    entries = [Entry(dt.date(2025, 5, 5), m(2025, 1), m(2025, 4)), Entry(dt.date(2025, 9, 5), m(2025, 5), m(2025, 8)),
               Entry(dt.date(2026, 1, 5), m(2025, 9), m(2025, 12))]
    result = classify(entries)
    assert result.pattern == PaymentPattern.ARREARS and result.late and not result.arrears_months


def test_it_recognizes_arrears_still_open() -> None:
    entries = [Entry(dt.date(2025, i, 10), m(2025, i), m(2025, i)) for i in range(1, 7)]
    result = classify(entries, current=m(2025, 11))
    assert result.pattern == PaymentPattern.ARREARS
    assert result.arrears_months == (m(2025, 7), m(2025, 8), m(2025, 9))  # Q4 not yet ended
    assert "欠交3个月" in result.detail


def test_it_has_no_pattern_without_payments_or_arrears() -> None:
    assert classify([], current=m(2025, 2)) is None
    assert classify([], owed=[]) is None


days = st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2026, 12, 31))


@st.composite
def periods(draw) -> list[Period]:  # noqa: ANN001
    """One to three membership periods that do not overlap, the last maybe still open."""
    cuts = sorted(draw(st.lists(days, min_size=2, max_size=6, unique=True)))
    out = []
    for since, until in zip(cuts[0::2], cuts[1::2], strict=False):
        out.append(Period(since, until))
    if draw(st.booleans()) and len(cuts) % 2:
        out.append(Period(cuts[-1], None))
    return out or [Period(cuts[0], None)]


@given(ps=periods(), last_paid=st.one_of(st.none(), days), start=st.one_of(st.none(), days), until=days)
def test_it_counts_the_streak_like_walking_month_by_month(ps, last_paid, start, until) -> None:  # noqa: ANN001
    until = until.replace(day=1)
    expected = 0
    if start is not None:
        walk = start.replace(day=1)
        if last_paid is not None:
            walk = max(walk, (last_paid.replace(day=1) + dt.timedelta(days=32)).replace(day=1))
        while walk <= until:
            end = (walk + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            expected += any(p.since <= end and (p.until is None or p.until >= end) for p in ps)
            walk = (walk + dt.timedelta(days=32)).replace(day=1)
    assert unpaid_streak(ps, last_paid, start, until) == expected
