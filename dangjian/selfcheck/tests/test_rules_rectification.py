"""Rectification rules (RECT-*)."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.inspection.models import (
    AcceptanceDecision,
    Evidence,
    Finding,
    FindingSource,
    FindingStatus,
    Inspection,
    MeasureStatus,
    RectificationMeasure,
)
from dangjian.selfcheck.tests.helpers import findings

pytestmark = pytest.mark.django_db


def ledger(world, org, title, **kw):  # noqa: ANN001, ANN003, ANN201
    return Finding.objects.create(
        source=kw.pop("source", FindingSource.SELF_CHECK),
        organization=org,
        aspect="党建",
        number=kw.pop("number", 1),
        title=title,
        found_on=kw.pop("found_on", dt.date(2024, 3, 1)),
        **kw,
    )


def test_it_finds_an_overdue_measure(world):  # noqa: ANN001
    f = ledger(world, world.b1, "三会一课记录不完整")
    m = RectificationMeasure.objects.create(
        finding=f,
        number=1,
        text="补齐记录",
        owner_name="张建国",
        owner_unit="第一党支部",
        due=dt.date(2024, 6, 30),
        status=MeasureStatus.IN_PROGRESS,
    )
    found = findings("RECT-001", world.street)
    assert [x.subjects for x in found] == [(f"inspection.RectificationMeasure:{m.pk}",)]
    assert "已逾期" in found[0].message
    RectificationMeasure.objects.filter(pk=m.pk).update(
        status=MeasureStatus.DONE, completed_on=dt.date(2024, 6, 20)
    )
    assert findings("RECT-001", world.street) == []


def test_it_finds_a_finding_closed_without_evidence_or_acceptance(world):  # noqa: ANN001
    f = ledger(
        world, world.b2, "谈心谈话记录雷同", status=FindingStatus.CLOSED, closed_on=dt.date(2024, 9, 1)
    )
    found = findings("RECT-002", world.street)
    assert [x.subjects for x in found] == [(f"inspection.Finding:{f.pk}",)]
    assert "上级验收记录和佐证材料" in found[0].message
    AcceptanceDecision.objects.create(
        finding=f,
        accepted=True,
        comment="同意销号",
        decided_on=dt.date(2024, 9, 1),
        decided_by=world.user("street_staff"),
        decided_by_org=world.street,
    )
    assert "佐证材料" in findings("RECT-002", world.street)[0].message
    Evidence.objects.create(
        organization=world.b2,
        finding=f,
        file="inspection/x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=world.user("street_staff"),
    )
    assert findings("RECT-002", world.street) == []


def test_it_finds_a_problem_repeating_an_earlier_round(world):  # noqa: ANN001
    old_round = Inspection.objects.create(
        name="第五轮巡察",
        team="第二巡察组",
        organization=world.street,
        onsite_from=dt.date(2021, 4, 1),
        onsite_to=dt.date(2021, 5, 1),
    )
    new_round = Inspection.objects.create(
        name="第六轮巡察",
        team="第二巡察组",
        organization=world.street,
        onsite_from=dt.date(2024, 4, 1),
        onsite_to=dt.date(2024, 5, 1),
    )
    old = ledger(
        world,
        world.c1,
        "党建档案不规范",
        inspection=old_round,
        source=FindingSource.INSPECTION,
        found_on=dt.date(2021, 5, 1),
    )
    new = ledger(
        world,
        world.c1,
        "党建档案仍不规范",
        inspection=new_round,
        source=FindingSource.INSPECTION,
        found_on=dt.date(2024, 5, 1),
    )
    assert findings("RECT-003", world.street) == []
    Finding.objects.filter(pk=new.pk).update(repeats=old)
    found = findings("RECT-003", world.street)
    assert [x.subjects for x in found] == [(f"inspection.Finding:{new.pk}",)]
    assert "第五轮巡察问题“党建档案不规范”" in found[0].message
