"""The demo builder: two rounds per community, seed 002's sixteen problems, every status, overdue and
recurring problems; deterministic for a seed."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Count

from dangjian.core.demo import DemoContext
from dangjian.inspection import demo, selectors
from dangjian.inspection.models import (
    AcceptanceDecision,
    Finding,
    FindingStatus,
    Inspection,
    MeasureProgress,
    MeasureStatus,
    RectificationMeasure,
)
from dangjian.orgs.models import Organization


def _ctx(world, seed: int = 7) -> DemoContext:  # noqa: ANN001
    ctx = DemoContext(scale="street", seed=seed, today=dt.date(2025, 6, 30), rng=random.Random(seed))
    ctx.street = world.street
    ctx.organizations = list(Organization.objects.order_by("path"))
    ctx.members = list(world.members.values())
    ctx.actor = world.user("street_staff")
    return ctx


def _snapshot():  # noqa: ANN202
    return list(
        RectificationMeasure.objects.order_by("pk").values_list(
            "finding__number", "owner_name", "due", "status"
        )
    )


def test_it_builds_two_rounds_with_every_status(world):  # noqa: ANN001
    ctx = _ctx(world)
    demo.build(ctx)
    assert Inspection.objects.count() == 4  # two communities × two rounds
    second = Finding.objects.filter(inspection__name__startswith="十二届区委第八轮")
    assert second.count() == 32
    statuses = set(RectificationMeasure.objects.values_list("status", flat=True))
    assert statuses == set(MeasureStatus.values)
    assert selectors.overdue(RectificationMeasure.objects.all(), ctx.today).exists()
    assert selectors.due_soon(RectificationMeasure.objects.all(), ctx.today).exists()
    recurring = second.filter(repeats__isnull=False)
    assert sorted(recurring.values_list("number", flat=True)) == [2, 2, 13, 13, 14, 14]
    assert all(f.repeats.inspection.name.startswith("十二届区委第五轮") for f in recurring)
    # closed findings have all their measures accepted and an acceptance decision; open ones do not
    for f in Finding.objects.annotate(n=Count("measures")):
        accepted = all(m.status == MeasureStatus.ACCEPTED for m in f.measures.all())
        assert (f.status == FindingStatus.CLOSED) == accepted, f
        if f.status == FindingStatus.CLOSED:
            assert AcceptanceDecision.objects.filter(finding=f, accepted=True).exists()
    # the burn-down can be rebuilt: every measure has its first status record
    assert (
        MeasureProgress.objects.exclude(status_to="").values("measure").distinct().count()
        == RectificationMeasure.objects.count()
    )
    assert any("逾期" in note for note in ctx.notes)
    # look-back proposals find the unlinked similar problems
    rows = selectors.lookback_proposals(
        Inspection.objects.get(name__startswith="十二届区委第八轮", organization=world.c1),
        Finding.objects.all(),
    )
    assert {r.finding.number for r in rows} == set(demo.UNLINKED_SIMILAR)


def test_it_is_deterministic_for_a_seed(world):  # noqa: ANN001
    demo.build(_ctx(world, seed=3))
    first = _snapshot()
    for model in (AcceptanceDecision, MeasureProgress):
        model.objects.all().delete()
    RectificationMeasure.history.all().delete()
    RectificationMeasure.objects.all().delete()
    Finding.objects.filter(repeats__isnull=False).update(repeats=None)
    Finding.objects.all().delete()
    Inspection.inspected.through.objects.all().delete()
    Inspection.objects.all().delete()
    demo.build(_ctx(world, seed=3))
    assert _snapshot() == first
