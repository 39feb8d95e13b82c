"""Expected attendees: who belonged to the organization on the activity's day."""

from __future__ import annotations

import datetime as dt

from dangjian.life.models import ActivityKind
from dangjian.life.selectors import expected_members
from dangjian.members.models import MemberStatus
from dangjian.members.services import record_death, transfer_internal, transfer_out
from dangjian.orgs.models import CommitteeSeat
from dangjian.test import MemberFactory

GM = ActivityKind.GENERAL_MEETING


def names(org, kind, day):  # noqa: ANN001, ANN201
    return sorted(e.member.name for e in expected_members(org, kind, day))


def test_it_counts_only_members_who_had_joined_by_that_day(world):
    new = MemberFactory(
        name="新党员",
        organization=world.b1,
        joined_on=dt.date(2024, 5, 1),
        confirmed_on=None,
        status=MemberStatus.PROBATIONARY,
    )
    assert "新党员" not in names(world.b1, GM, dt.date(2024, 4, 30))
    expected = {e.member.pk: e for e in expected_members(world.b1, GM, dt.date(2024, 5, 1))}
    assert new.pk in expected
    assert expected[new.pk].probationary is True
    assert expected[world.members["m1"].pk].probationary is False


def test_it_follows_internal_transfers_and_transfers_out(world):
    actor = world.user("street_staff")
    m3, m2 = world.members["m3"], world.members["m2"]
    transfer_internal(actor=actor, member=m3, to_org=world.b1, date=dt.date(2024, 6, 1), version=m3.version)
    assert "王志强" in names(world.b2, GM, dt.date(2024, 5, 31))
    assert "王志强" not in names(world.b1, GM, dt.date(2024, 5, 31))
    assert "王志强" in names(world.b1, GM, dt.date(2024, 6, 1))
    assert "王志强" not in names(world.b2, GM, dt.date(2024, 6, 1))
    m2.refresh_from_db()
    transfer_out(
        actor=actor, member=m2, date=dt.date(2024, 7, 1), counterpart="外区某党支部", version=m2.version
    )
    assert "李秀英" in names(world.b1, GM, dt.date(2024, 6, 30))
    assert "李秀英" not in names(world.b1, GM, dt.date(2024, 7, 1))
    # An activity recorded later for an earlier day still expects who belonged then.
    assert names(world.c1, GM, dt.date(2024, 5, 31)) == ["张建国", "李秀英", "王志强"]


def test_it_drops_deceased_members_after_the_day_of_death(world):
    m1 = world.members["m1"]
    record_death(actor=world.user("street_staff"), member=m1, date=dt.date(2024, 8, 10), version=m1.version)
    assert "张建国" in names(world.b1, GM, dt.date(2024, 8, 10))
    assert "张建国" not in names(world.b1, GM, dt.date(2024, 8, 11))
    assert "张建国" not in names(world.b1, ActivityKind.THEMED_DAY, dt.date(2025, 1, 1))


def test_it_expects_committee_seats_open_that_day_for_a_committee_meeting(world, b1_committee):
    assert names(world.b1, ActivityKind.COMMITTEE_MEETING, dt.date(2024, 3, 1)) == [
        "张建国",
        "李秀英",
        "王红",
    ]
    assert names(world.b1, ActivityKind.COMMITTEE_MEETING, dt.date(2019, 12, 31)) == []
    CommitteeSeat.objects.filter(member=world.members["m2"]).update(until=dt.date(2024, 2, 29))
    assert names(world.b1, ActivityKind.COMMITTEE_MEETING, dt.date(2024, 2, 29)) == [
        "张建国",
        "李秀英",
        "王红",
    ]
    assert names(world.b1, ActivityKind.COMMITTEE_MEETING, dt.date(2024, 3, 1)) == ["张建国", "王红"]
    first = expected_members(world.b1, ActivityKind.COMMITTEE_MEETING, dt.date(2024, 3, 1))[0]
    assert first.role == "书记"


def test_it_expects_the_group_members_for_a_group_meeting(world):
    assert names(world.g1, ActivityKind.GROUP_MEETING, dt.date(2024, 3, 1)) == ["张建国"]
    # a general meeting of the branch includes the group's members and the others
    assert names(world.b1, GM, dt.date(2024, 3, 1)) == ["张建国", "李秀英"]
    # group meetings are held by groups, not by branches
    assert expected_members(world.b1, ActivityKind.GROUP_MEETING, dt.date(2024, 3, 1)) == []


def test_it_marks_members_probationary_until_their_confirmation_day(world):
    m = MemberFactory(
        name="预备转正",
        organization=world.b2,
        joined_on=dt.date(2023, 6, 1),
        confirmed_on=dt.date(2024, 6, 1),
    )
    before = {e.member.pk: e.probationary for e in expected_members(world.b2, GM, dt.date(2024, 5, 31))}
    after = {e.member.pk: e.probationary for e in expected_members(world.b2, GM, dt.date(2024, 6, 1))}
    assert before[m.pk] is True
    assert after[m.pk] is False
