"""Dues rules (DUES-*), over ledgers written through the dues app's services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dangjian.dues import services as dues
from dangjian.selfcheck.tests.helpers import findings

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 1, 15)


def base(world, key, amount="3000"):  # noqa: ANN001, ANN201
    return dues.dues_base_set(
        actor=world.user("street_staff"),
        member=world.members[key],
        year=2024,
        income_type="retired",
        base=amount,
    )


def pay(world, key, paid_on, first, last=None, amount=None):  # noqa: ANN001, ANN201
    months = 1 if last is None else (last.year - first.year) * 12 + last.month - first.month + 1
    return dues.dues_payment_create(
        actor=world.user("street_staff"),
        member=world.members[key],
        paid_on=paid_on,
        amount=amount or Decimal("15.00") * months,
        channel="cash",
        first_month=first,
        last_month=last or first,
    )


def monthly(world, key, months):  # noqa: ANN001, ANN201
    for m in months:
        pay(world, key, dt.date(2024, m, 10), dt.date(2024, m, 1))


def test_it_finds_dues_unpaid_for_six_months_in_a_row(world):  # noqa: ANN001
    base(world, "m3")
    monthly(world, "m3", range(1, 7))
    found = [
        f
        for f in findings("DUES-001", world.street, today=TODAY)
        if f.subjects == (f"members.Member:{world.members['m3'].pk}",)
    ]
    assert len(found) == 1 and found[0].severity == "error" and "连续6个月" in found[0].message
    pay(world, "m3", dt.date(2024, 12, 20), dt.date(2024, 7, 1), dt.date(2024, 12, 1))
    assert not [
        f
        for f in findings("DUES-001", world.street, today=TODAY)
        if world.members["m3"].pk == int(f.subjects[0].split(":")[1])
    ]


def test_it_warns_at_three_months(world):  # noqa: ANN001
    base(world, "m3")
    monthly(world, "m3", range(1, 10))
    found = [
        f
        for f in findings("DUES-001", world.street, today=TODAY)
        if f.subjects == (f"members.Member:{world.members['m3'].pk}",)
    ]
    assert [(f.severity, "连续3个月" in f.message) for f in found] == [("warning", True)]


def test_it_finds_a_lump_sum_payment_and_not_monthly_ones(world):  # noqa: ANN001
    base(world, "m1")
    base(world, "m2")
    pay(world, "m1", dt.date(2024, 1, 8), dt.date(2024, 1, 1), dt.date(2024, 12, 1))
    monthly(world, "m2", range(1, 13))
    found = findings("DUES-002", world.street, today=TODAY)
    assert [f.subjects for f in found] == [(f"members.Member:{world.members['m1'].pk}",)]
    assert "2024年" in found[0].message


def test_it_finds_a_month_paid_below_the_rate(world):  # noqa: ANN001
    base(world, "m2")
    monthly(world, "m2", [1, 2])
    pay(world, "m2", dt.date(2024, 3, 10), dt.date(2024, 3, 1), amount=Decimal("10.00"))
    found = findings("DUES-003", world.street, today=TODAY)
    assert [f.subjects for f in found] == [(f"members.Member:{world.members['m2'].pk}",)]
    assert "3月（实交10.00元，应交15.00元）" in found[0].message
    dues.dues_payment_create(
        actor=world.user("street_staff"),
        member=world.members["m2"],
        paid_on=dt.date(2024, 3, 20),
        amount=Decimal("5.00"),
        channel="cash",
        first_month=dt.date(2024, 3, 1),
        kind="supplement",
    )
    assert findings("DUES-003", world.street, today=TODAY) == []


def test_it_finds_remittances_that_do_not_reconcile(world):  # noqa: ANN001
    base(world, "m1")
    base(world, "m3")
    monthly(world, "m1", range(1, 7))
    monthly(world, "m3", range(1, 7))
    remit = dues.dues_remittance_create(
        actor=world.user("street_staff"),
        organization=world.c1,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 6, 1),
        remitted_on=dt.date(2024, 7, 5),
        amount=Decimal("150.00"),
    )
    found = findings("DUES-004", world.street, dt.date(2024, 1, 1), dt.date(2024, 6, 30), today=TODAY)
    assert [f.organization_id for f in found] == [world.c1.pk]
    assert "上缴150.00元，同期收缴180.00元，相差30.00元" in found[0].message
    dues.dues_remittance_reverse(actor=world.user("street_staff"), remittance=remit, reason="金额有误")
    dues.dues_remittance_create(
        actor=world.user("street_staff"),
        organization=world.c1,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 6, 1),
        remitted_on=dt.date(2024, 7, 6),
        amount=Decimal("180.00"),
    )
    assert findings("DUES-004", world.street, dt.date(2024, 1, 1), dt.date(2024, 6, 30), today=TODAY) == []
