"""Overdue measures at the deadline boundaries, per owner and unit, and the reminder window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.inspection import selectors, services
from dangjian.inspection.models import MeasureStatus, RectificationMeasure
from dangjian.inspection.tests.helpers import make_finding, make_measure, make_round

S = MeasureStatus


@pytest.mark.parametrize(("offset", "overdue"), [(-1, True), (0, False), (1, False), (-30, True)])
def test_it_counts_overdue_only_after_the_due_day(world, offset, overdue):  # noqa: ANN001
    """Due yesterday is overdue; due today or tomorrow is not."""
    today = timezone.localdate()
    measure = make_measure(
        world, make_finding(world, make_round(world)), due=today + dt.timedelta(days=offset)
    )
    assert measure.is_overdue(today) is overdue
    qs = RectificationMeasure.objects.for_user(world.user("street_staff"))
    assert list(selectors.overdue(qs, today)) == ([measure] if overdue else [])


@pytest.mark.parametrize(
    ("status", "overdue"),
    [
        (S.NOT_STARTED, True),
        (S.IN_PROGRESS, True),
        (S.DONE, False),
        (S.LONG_TERM, False),
        (S.ACCEPTED, False),
    ],
)
def test_it_counts_only_unfinished_measures_as_overdue(world, status, overdue):  # noqa: ANN001
    today = timezone.localdate()
    finding = make_finding(world, make_round(world))
    measure = make_measure(world, finding, due=today - dt.timedelta(days=3))
    worker = world.user("community_worker")
    if status in (S.IN_PROGRESS, S.LONG_TERM, S.DONE):
        measure = services.measure_transition(actor=worker, measure=measure, to=status, note="x")
    if status == S.ACCEPTED:
        services.measure_transition(actor=worker, measure=measure, to=S.DONE, note="x")
        services.rectification_close(actor=world.user("street_staff"), finding=finding, comment="同意")
        measure.refresh_from_db()
    assert measure.status == status
    assert measure.is_overdue(today) is overdue
    qs = RectificationMeasure.objects.all().for_user(world.user("street_staff"))
    assert selectors.overdue(qs, today).count() == int(overdue)


def test_it_groups_overdue_measures_by_owner_and_unit(world):  # noqa: ANN001
    today = timezone.localdate()
    finding = make_finding(world, make_round(world))
    late = today - dt.timedelta(days=5)
    make_measure(world, finding, due=late, owner_name="王芳", owner_unit="香铺营社区党委")
    make_measure(
        world, finding, due=late - dt.timedelta(days=10), owner_name="王芳", owner_unit="香铺营社区党委"
    )
    make_measure(world, finding, due=late, owner_name="李强", owner_unit="第一党支部")
    make_measure(world, finding, due=today, owner_name="李强", owner_unit="第一党支部")  # not overdue
    qs = RectificationMeasure.objects.for_user(world.user("street_staff"))
    owners = selectors.overdue_by_owner(qs, today)
    assert [(o.owner_unit, o.owner_name, o.overdue) for o in owners] == [
        ("香铺营社区党委", "王芳", 2),
        ("第一党支部", "李强", 1),
    ]
    assert owners[0].earliest_due == late - dt.timedelta(days=10)
    units = selectors.overdue_by_unit(qs, today)
    assert [(u.owner_unit, u.overdue) for u in units] == [("香铺营社区党委", 2), ("第一党支部", 1)]


def test_it_reminds_of_measures_due_within_the_window(world, settings):  # noqa: ANN001
    settings.DOMAIN_RULES = {**settings.DOMAIN_RULES, "rectification_reminder_days": 7}
    today = timezone.localdate()
    finding = make_finding(world, make_round(world))
    due = {n: make_measure(world, finding, due=today + dt.timedelta(days=n)) for n in (-1, 0, 7, 8)}
    qs = RectificationMeasure.objects.for_user(world.user("street_staff"))
    assert set(selectors.due_soon(qs, today)) == {due[0], due[7]}


def test_it_scopes_supervision_to_the_subtree(world):  # noqa: ANN001
    today = timezone.localdate()
    inspection = make_round(world)
    make_measure(
        world,
        make_finding(world, inspection, organization=world.c2),
        due=today - dt.timedelta(days=2),
        actor=world.user("street_staff"),
    )
    mine = RectificationMeasure.objects.for_user(world.user("community_worker"))
    assert selectors.overdue(mine, today).count() == 0
    theirs = RectificationMeasure.objects.for_user(world.user("street_staff"))
    assert selectors.overdue(theirs, today).count() == 1


def test_it_derives_the_round_deadlines_from_the_feedback_date(world, settings):  # noqa: ANN001
    settings.DOMAIN_RULES = {**settings.DOMAIN_RULES, "rectification_plan_days": 15}
    inspection = make_round(
        world,
        feedback_on=dt.date(2024, 1, 31),
        onsite_from=dt.date(2023, 10, 1),
        onsite_to=dt.date(2023, 12, 20),
    )
    assert inspection.plan_due == dt.date(2024, 2, 15)
    assert inspection.report_due == dt.date(2024, 3, 31)  # two months on, clamped to the month's end
    settings.DOMAIN_RULES = {k: v for k, v in settings.DOMAIN_RULES.items() if k != "rectification_plan_days"}
    assert inspection.plan_due == dt.date(2024, 3, 1)  # default 30 days


def test_it_builds_the_burndown_from_status_records():
    day = dt.date(2024, 3, 4)  # a Monday
    changes = [
        (1, day, S.NOT_STARTED),
        (2, day, S.NOT_STARTED),
        (1, day + dt.timedelta(days=8), S.DONE),
        (1, day + dt.timedelta(days=16), S.ACCEPTED),
        (2, day + dt.timedelta(days=9), S.IN_PROGRESS),
    ]
    points = selectors.burndown_points(changes, today=day + dt.timedelta(days=20))
    assert [p.week_end for p in points] == [dt.date(2024, 3, 10), dt.date(2024, 3, 17), dt.date(2024, 3, 24)]
    assert [(p.total, p.unfinished, p.open) for p in points] == [(2, 2, 2), (2, 1, 2), (2, 1, 1)]
