"""Reading the ledger: arrears streaks and the 3/6-month thresholds, the month grid with a fixed
number of queries, the collection rate by month, patterns per member, reconciliation of remittances."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.dues import selectors
from dangjian.dues.ledger import MonthStatus, PaymentPattern, year_months
from dangjian.dues.services import (
    dues_base_set,
    dues_payment_create,
    dues_payment_reverse,
    dues_remittance_create,
    dues_remittance_reverse,
)
from dangjian.members.models import Membership
from dangjian.test import MemberFactory, OrganizationFactory

D = Decimal
TODAY = dt.date(2025, 6, 15)


def pay(actor, member, first: str, last: str | None = None, amount: str = "10", on: str | None = None):  # noqa: ANN001, ANN201
    return dues_payment_create(actor=actor, member=member, paid_on=on or f"{(last or first)}-10", amount=amount,
                               channel="cash", first_month=first, last_month=last or first)


@pytest.fixture
def secretary(world):  # noqa: ANN001, ANN201
    return world.user("branch_secretary")


def test_it_counts_months_unpaid_in_a_row_with_the_3_and_6_month_thresholds(world, secretary) -> None:  # noqa: ANN001
    m1, m2 = world.members["m1"], world.members["m2"]
    fresh = MemberFactory(name="新党员", organization=world.b1)
    for member in (m1, m2, fresh):
        dues_base_set(actor=secretary, member=member, year=2024, income_type="retired", base="2000")
    pay(secretary, m1, "2024-01", "2024-11")  # last paid November 2024 → Dec..May = 6 months
    pay(secretary, m2, "2024-01", "2025-02", on="2025-02-10")  # last paid February → Mar..May = 3 months
    pay(secretary, fresh, "2024-01", "2025-05", on="2025-05-10")  # up to date
    rows = {r.member.name: r for r in selectors.arrears_list(world.c1, TODAY, 1)}
    assert rows["张建国"].streak == 6 and rows["张建国"].severity == "error"
    assert rows["李秀英"].streak == 3 and rows["李秀英"].severity == "warning"
    assert "新党员" not in rows
    assert "王志强" not in rows  # nothing recorded for m3 at all: not tracked
    assert [r.member.name for r in selectors.arrears_list(world.c1, TODAY, 6)] == ["张建国"]
    assert [r.member.name for r in selectors.arrears_list(world.c1, TODAY, 3)] == ["张建国", "李秀英"]
    assert selectors.arrears_list(world.c2, TODAY, 1) == []  # another subtree
    # one more month paid brings 张建国 under the error threshold
    pay(secretary, m1, "2024-12", on="2025-06-01")
    assert {r.member.name: r.streak for r in selectors.arrears_list(world.c1, TODAY, 1)}["张建国"] == 5


def test_it_counts_a_reversed_payment_as_unpaid(world, secretary) -> None:  # noqa: ANN001
    m1 = world.members["m1"]
    dues_base_set(actor=secretary, member=m1, year=2025, income_type="retired", base="2000")
    pay(secretary, m1, "2025-01", "2025-03")
    wrong = pay(secretary, m1, "2025-04", "2025-05", on="2025-05-10")
    assert selectors.arrears_list(world.b1, TODAY, 1) == []
    dues_payment_reverse(actor=secretary, payment=wrong, reason="录错")
    assert [(r.member.name, r.streak) for r in selectors.arrears_list(world.b1, TODAY, 1)] == [("张建国", 2)]


def test_it_builds_the_grid_with_states_totals_and_patterns(world, secretary) -> None:  # noqa: ANN001
    m1, m2 = world.members["m1"], world.members["m2"]
    dues_base_set(actor=secretary, member=m1, year=2025, income_type="retired", base="4000")  # 20.00
    pay(secretary, m1, "2025-01", "2025-12", amount="240", on="2025-01-08")  # lump sum in January
    pay(secretary, m2, "2025-01", amount="5")  # no base for m2
    grid = selectors.dues_grid(world.b1, 2025, TODAY)
    rows = {r.member.name: r for r in grid.rows}
    assert set(rows) == {"张建国", "李秀英"}
    r1 = rows["张建国"]
    assert [c.status for c in r1.cells] == [MonthStatus.PAID] * 12
    assert r1.total_due == D("240.00") and r1.total_paid == D("240.00") and r1.arrears == 0
    assert r1.pattern.pattern == PaymentPattern.LUMP_SUM
    r2 = rows["李秀英"]
    assert r2.base is None and r2.cells[0].status == MonthStatus.PAID
    assert [c.status for c in r2.cells[1:5]] == [MonthStatus.UNPAID] * 4
    assert r2.cells[5].status == MonthStatus.UPCOMING  # June, the current month
    assert r2.streak == 4
    assert grid.totals[0].paid_members == 2 and grid.totals[1].paid_members == 1 and grid.totals[1].owed == 2
    assert grid.without_base == 1


def test_it_shows_a_member_only_in_the_months_they_belonged_to_the_branch(world, secretary) -> None:  # noqa: ANN001
    m1 = world.members["m1"]
    Membership.objects.filter(member=m1).update(until=dt.date(2025, 3, 9))
    Membership.objects.create(member=m1, organization=world.b2, since=dt.date(2025, 3, 10))
    grid_b1 = selectors.dues_grid(world.b1, 2025, TODAY)
    row = next(r for r in grid_b1.rows if r.member == m1)
    assert [c.owed for c in row.cells[:4]] == [True, True, False, False]
    grid_b2 = selectors.dues_grid(world.b2, 2025, TODAY)
    row = next(r for r in grid_b2.rows if r.member == m1)
    assert [c.owed for c in row.cells[:4]] == [False, False, True, True]
    grid_c1 = selectors.dues_grid(world.c1, 2025, TODAY)  # one row for the member across both branches
    assert sum(1 for r in grid_c1.rows if r.member == m1) == 1
    assert all(c.owed for c in next(r for r in grid_c1.rows if r.member == m1).cells)


def _grid_facts(grid) -> list:  # noqa: ANN001
    return [
        (r.member.pk, r.organization.pk, r.base and r.base.pk, r.streak, r.pattern,
         [(c.month, c.owed, c.due, c.paid, c.status) for c in r.cells])
        for r in grid.rows
    ] + [(t.owed, t.due, t.paid, t.paid_members) for t in grid.totals]


def test_the_grids_of_several_years_read_together_are_the_grids_of_each_year(world) -> None:  # noqa: ANN001
    staff = world.user("street_staff")
    m1, m2, m3 = world.members["m1"], world.members["m2"], world.members["m3"]
    for year in (2023, 2024, 2025):
        dues_base_set(actor=staff, member=m1, year=year, income_type="retired", base="2000")
    pay(staff, m1, "2023-01", "2023-12", amount="120", on="2023-12-20")  # lump sum, late
    pay(staff, m1, "2024-11", "2025-02", amount="40", on="2025-02-10")  # across two years
    pay(staff, m2, "2024-03", amount="5", on="2024-03-10")
    dues_base_set(actor=staff, member=m2, year=2024, income_type="retired", base="2000")  # 5 < 10 due
    # m3 leaves the branch for the other community in mid-2024: in c1's grids until then only
    Membership.objects.filter(member=m3).update(until=dt.date(2024, 6, 30))
    Membership.objects.create(member=m3, organization=world.b3, since=dt.date(2024, 7, 1))
    pay(staff, m3, "2024-01", "2024-09", amount="90", on="2024-09-05")
    spans = [(2023, dt.date(2024, 1, 1)), (2024, dt.date(2025, 1, 1)), (2025, TODAY)]
    together = selectors.dues_grids(world.c1, spans)
    assert [g.year for g in together] == [2023, 2024, 2025]
    for grid, (year, as_of) in zip(together, spans, strict=True):
        assert _grid_facts(grid) == _grid_facts(selectors.dues_grid(world.c1, year, as_of))
    by_year = {g.year: {r.member: r for r in g.rows} for g in together}
    assert by_year[2023][m1].pattern.lump_sum and by_year[2023][m1].pattern.late
    assert [c.owed for c in by_year[2024][m3].cells[5:8]] == [True, False, False]  # June yes, July on no
    assert m3 not in by_year[2025]
    assert by_year[2025][m1].cells[0].paid == D("10.00") and by_year[2024][m1].cells[10].paid == D("10.00")


def _branch_with(n: int, actor, parent) -> object:  # noqa: ANN001
    branch = OrganizationFactory(kind="branch", parent=parent)
    for i in range(n):
        member = MemberFactory(organization=branch, birth_date=dt.date(1950, 1, 1) + dt.timedelta(days=37 * i + n))
        dues_base_set(actor=actor, member=member, year=2025, income_type="retired", base=str(2000 + i))
        pay(actor, member, "2025-01", "2025-03", amount="30")
        if i % 2:
            pay(actor, member, "2025-04", amount="10", on="2025-04-10")
    return branch


def test_it_builds_the_grid_in_a_fixed_number_of_queries(world) -> None:  # noqa: ANN001
    small, large = _branch_with(5, world.user("street_staff"), world.c1), _branch_with(30, world.user("street_staff"), world.c1)
    counts = []
    for branch in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            grid = selectors.dues_grid(branch, 2025, TODAY)
            _ = [(r.total_paid, r.pattern, r.streak, r.base) for r in grid.rows]
        counts.append(len(ctx.captured_queries))
    assert len(grid.rows) == 30
    assert counts[0] == counts[1] <= 9  # the arrears streak alone reads three grouped queries


def test_it_computes_the_collection_rate_by_month_in_a_fixed_number_of_queries(world) -> None:  # noqa: ANN001
    staff = world.user("street_staff")
    small, large = _branch_with(5, staff, world.c2), _branch_with(30, staff, world.c2)
    months = year_months(2025)[:6]
    counts = []
    for org in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            selectors.collection(org, months)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 4
    coll = selectors.collection(large, months)
    jan, apr, may = coll.months[0], coll.months[3], coll.months[4]
    assert (jan.owed, jan.paid_members, jan.member_rate) == (30, 30, D("100.0"))
    assert (apr.owed, apr.paid_members, apr.member_rate) == (30, 15, D("50.0"))
    assert (may.paid_members, may.member_rate) == (0, D("0.0"))
    assert jan.due == sum((D(2000 + i) * D("0.005")).quantize(D("0.01"), rounding="ROUND_HALF_UP") for i in range(30))
    assert str(jan.due) == "302.25"  # exact to the fen, whatever the database's sum type
    assert jan.paid == D("300.00")


def test_it_rolls_collection_up_to_the_street_per_community(world) -> None:  # noqa: ANN001
    staff = world.user("street_staff")
    for key in ("m1", "m2", "m3", "m4"):
        dues_base_set(actor=staff, member=world.members[key], year=2025, income_type="retired", base="2000")
    pay(staff, world.members["m1"], "2025-01", "2025-05", amount="50")
    pay(staff, world.members["m4"], "2025-01", amount="10")
    coll = selectors.collection(world.street, year_months(2025)[:5])
    jan = coll.months[0]
    assert (jan.owed, jan.paid_members, jan.with_base, jan.due) == (4, 2, 4, D("40.00"))
    by_child = {c.organization.name: c for c in coll.children}
    assert by_child["香铺营社区党委"].owed == 15 and by_child["香铺营社区党委"].paid_members == 5
    assert by_child["唱经楼社区党委"].owed == 5 and by_child["唱经楼社区党委"].paid_members == 1


def test_it_tells_each_years_pattern_on_the_member_page(world, secretary) -> None:  # noqa: ANN001
    m1 = world.members["m1"]
    for year in (2023, 2024):
        dues_base_set(actor=secretary, member=m1, year=year, income_type="retired", base="2000")
    for q in range(4):  # 2023 quarterly
        pay(secretary, m1, f"2023-{q * 3 + 1:02d}", f"2023-{q * 3 + 3:02d}", amount="30", on=f"2023-{q * 3 + 3:02d}-20")
    pay(secretary, m1, "2024-01", "2024-12", amount="120", on="2024-12-28")  # end-of-year lump sum
    data = selectors.member_dues(m1, TODAY)
    patterns = {y.year: y.pattern for y in data.years}
    assert patterns[2023].pattern == PaymentPattern.QUARTERLY
    assert patterns[2024].pattern == PaymentPattern.LUMP_SUM and patterns[2024].late
    assert patterns[2025].pattern == PaymentPattern.ARREARS  # Q1 2025 unpaid
    assert 2025 in data.unknown_base_years
    assert data.streak == 5


def test_it_reconciles_remittances_with_collections(world) -> None:  # noqa: ANN001
    worker = world.user("community_worker")
    m1, m3 = world.members["m1"], world.members["m3"]
    pay(worker, m1, "2025-01", "2025-03", amount="30", on="2025-02-10")
    pay(worker, m3, "2025-01", "2025-03", amount="45", on="2025-03-05")
    pay(worker, m1, "2025-04", amount="10", on="2025-04-10")
    pay(world.user("street_staff"), world.members["m4"], "2025-01", amount="99", on="2025-01-10")  # C2's money
    r = dues_remittance_create(actor=worker, organization=world.c1, period_start="2025-01", period_end="2025-03",
                               remitted_on="2025-04-08", amount="70")
    recon = selectors.reconciliation(world.c1, 2025, TODAY)
    [row] = recon.rows
    assert (row.collected, row.remitted, row.difference) == (D("75.00"), D("70.00"), D("5.00"))
    assert recon.unremitted_months == [dt.date(2025, 4, 1)] and recon.unremitted_amount == D("10.00")
    assert recon.collected == D("85.00") and recon.difference == D("15.00")
    dues_remittance_reverse(actor=worker, remittance=r, reason="金额有误")
    dues_remittance_create(actor=worker, organization=world.c1, period_start="2025-01", period_end="2025-03",
                           remitted_on="2025-04-09", amount="75")
    [row] = selectors.reconciliation(world.c1, 2025, TODAY).rows
    assert (row.remitted, row.difference, len(row.remittances)) == (D("75.00"), D("0.00"), 3)


def test_it_does_not_count_a_month_cancelled_to_zero_as_paid(world, secretary) -> None:  # noqa: ANN001
    m1, m2 = world.members["m1"], world.members["m2"]
    wrong = pay(secretary, m1, "2025-01", "2025-02", amount="20")
    pay(secretary, m2, "2025-01", amount="10")
    dues_payment_reverse(actor=secretary, payment=wrong, reason="录错")
    pay(secretary, m1, "2025-02", amount="10", on="2025-02-10")
    jan, feb = selectors.collection(world.b1, year_months(2025)[:2]).months
    assert (jan.paid_members, jan.paid) == (1, D("10.00"))  # m1's January was reversed
    assert (feb.paid_members, feb.paid) == (1, D("10.00"))  # m1 paid February again
