"""Member rules (MEM-*): each with records that trigger it and a minimal change that does not."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.life.models import Talk
from dangjian.members.models import (
    AbroadStay,
    Member,
    MemberCategory,
    MemberStatus,
    Transfer,
    TransferDirection,
)
from dangjian.selfcheck.tests.helpers import findings
from dangjian.test import MemberFactory

pytestmark = pytest.mark.django_db
END = dt.date(2024, 12, 31)


def test_it_finds_a_member_lost_for_six_months_without_follow_up(world):  # noqa: ANN001
    m1 = world.members["m1"]
    Member.objects.filter(pk=m1.pk).update(lost_contact_since=dt.date(2024, 6, 1))
    found = findings("MEM-001", world.street)
    assert [f.subjects for f in found] == [(f"members.Member:{m1.pk}",)]
    assert "已6个月" in found[0].message
    Talk.objects.create(
        organization=world.b1,
        participant_a=world.members["m2"],
        participant_b=m1,
        date=dt.date(2024, 11, 5),
        summary="电话联系，了解近况",
    )
    assert findings("MEM-001", world.street) == []


def test_it_does_not_flag_a_member_lost_for_less_than_six_months(world):  # noqa: ANN001
    Member.objects.filter(pk=world.members["m1"].pk).update(lost_contact_since=dt.date(2024, 7, 2))
    assert findings("MEM-001", world.street) == []


def test_it_finds_a_floating_member_without_a_phone(world):  # noqa: ANN001
    m = MemberFactory(organization=world.b2, category=MemberCategory.FLOATING, phone="", floating_place="")
    found = findings("MEM-002", world.street)
    assert [f.subjects for f in found] == [(f"members.Member:{m.pk}",)]
    assert "流入地" in found[0].message
    m.phone = "13912345678"
    m.save()
    assert findings("MEM-002", world.street) == []


def test_it_finds_a_stay_abroad_past_the_kept_date(world):  # noqa: ANN001
    stay = AbroadStay.objects.create(
        member=world.members["m3"],
        destination="澳大利亚",
        left_on=dt.date(2019, 3, 1),
        kept_until=dt.date(2024, 3, 1),
    )
    found = findings("MEM-003", world.street)
    assert [f.organization_id for f in found] == [world.b2.pk]
    assert "澳大利亚" in found[0].message
    stay.returned_on = dt.date(2024, 2, 1)
    stay.save()
    assert findings("MEM-003", world.street) == []


def test_it_does_not_flag_a_stay_still_within_its_kept_period(world):  # noqa: ANN001
    AbroadStay.objects.create(
        member=world.members["m3"],
        destination="日本",
        left_on=dt.date(2022, 3, 1),
        kept_until=dt.date(2025, 3, 1),
    )
    assert findings("MEM-003", world.street) == []


def test_it_finds_transfers_not_reported_in_time(world):  # noqa: ANN001
    m = world.members["m4"]
    pending = Transfer.objects.create(
        member=m,
        direction=TransferDirection.OUT,
        date=dt.date(2024, 3, 1),
        counterpart="外地某党支部",
        report_by=dt.date(2024, 6, 1),
    )
    late = Transfer.objects.create(
        member=world.members["m3"],
        direction=TransferDirection.IN,
        date=dt.date(2024, 1, 5),
        report_by=dt.date(2024, 4, 5),
        reported_on=dt.date(2024, 5, 1),
    )
    found = {f.subjects[0]: f for f in findings("MEM-004", world.street)}
    assert set(found) == {f"members.Transfer:{pending.pk}", f"members.Transfer:{late.pk}"}
    assert "尚无报到记录" in found[f"members.Transfer:{pending.pk}"].message
    assert "逾期26天" in found[f"members.Transfer:{late.pk}"].message
    Transfer.objects.filter(pk=pending.pk).update(reported_on=dt.date(2024, 5, 20))
    Transfer.objects.filter(pk=late.pk).update(reported_on=dt.date(2024, 4, 5))
    assert findings("MEM-004", world.street) == []


def test_it_finds_a_probation_past_its_year(world):  # noqa: ANN001
    m = MemberFactory(
        organization=world.b1,
        status=MemberStatus.PROBATIONARY,
        joined_on=dt.date(2023, 6, 1),
        confirmed_on=None,
    )
    found = findings("MEM-005", world.street)
    assert [f.subjects for f in found] == [(f"members.Member:{m.pk}",)]
    Member.objects.filter(pk=m.pk).update(joined_on=dt.date(2024, 1, 10))
    assert findings("MEM-005", world.street) == []
