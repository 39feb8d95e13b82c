"""The demo builder: deterministic for a seed, bulk writes only, realistic habits, planted problems noted."""

from __future__ import annotations

import datetime as dt
import random

from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext

from dangjian.core.demo import DemoContext
from dangjian.dues import demo, selectors
from dangjian.dues.ledger import fen
from dangjian.dues.models import DuesBase, DuesPayment, DuesPaymentMonth, DuesRemittance
from dangjian.test import MemberFactory

TODAY = dt.date(2025, 6, 15)


def _context(world, seed: int) -> DemoContext:  # noqa: ANN001
    members = list(world.members.values())
    return DemoContext(
        scale="street", seed=seed, today=TODAY, rng=random.Random(seed), street=world.street,
        organizations=[world.street, world.c1, world.c2, world.b1, world.b2, world.b3, world.g1],
        members=members, actor=world.user("street_staff"),
    )


def _ledger() -> list[tuple]:
    payments = list(
        DuesPayment.objects.order_by("id").values_list("member_id", "kind", "paid_on", "amount", "first_month", "last_month")
    )
    bases = list(DuesBase.objects.order_by("id").values_list("member_id", "year", "income_type", "base", "monthly_amount"))
    remits = list(DuesRemittance.objects.order_by("id").values_list("organization_id", "period_start", "amount"))
    return [payments, bases, remits]


def _wipe() -> None:
    DuesPaymentMonth.objects.all().delete()
    DuesPayment.objects.filter(original__isnull=False).delete()
    DuesPayment.objects.all().delete()
    DuesBase.objects.all().delete()
    DuesRemittance.objects.all().delete()


def test_it_builds_five_years_deterministically_with_bulk_writes(world) -> None:  # noqa: ANN001
    for i in range(80):
        MemberFactory(organization=[world.b1, world.b2, world.b3][i % 3], birth_date=dt.date(1940, 1, 1) + dt.timedelta(days=191 * i))
    world.members = {m.name: m for m in world.members["m1"].__class__.objects.all()}
    ctx = _context(world, 7)
    with CaptureQueriesContext(connection) as queries:
        demo.build(ctx)
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    rows = DuesBase.objects.count() + DuesPayment.objects.count() + DuesPaymentMonth.objects.count()
    assert len(inserts) * 20 < rows  # batched, never one insert per row
    first = _ledger()
    assert DuesBase.objects.values("year").distinct().count() == 5  # 2021..2025
    # every entry's months carry its whole amount
    sums = dict(DuesPaymentMonth.objects.values_list("payment_id").annotate(total=Sum("amount")))
    assert all(fen(sums[p.pk]) == p.amount for p in DuesPayment.objects.all())
    # habits the seeds describe: monthly, quarterly and lump-sum payments all present
    sizes = dict(DuesPayment.objects.filter(kind="payment").values_list("months").annotate(n=Count("id")))
    assert sizes.get(1, 0) > 100 and sizes.get(3, 0) > 0 and sum(v for k, v in sizes.items() if k >= 6) > 0
    assert DuesPayment.objects.filter(kind="reversal").count() == 3
    assert DuesRemittance.objects.exists()
    notes = "\n".join(ctx.notes)
    assert "一次性交纳" in notes and "连续6个月以上未交" in notes
    errors = [r for r in selectors.arrears_list(world.street, TODAY, 6)]
    assert f"连续6个月以上未交{len(errors)}人" in notes and len(errors) >= 1
    assert "上缴" in notes
    # the same seed gives the same ledger
    _wipe()
    demo.build(_context(world, 7))
    assert _ledger()[0] == first[0] and _ledger()[1] == first[1] and _ledger()[2] == first[2]
