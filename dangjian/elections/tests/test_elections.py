"""Elections end to end: voters from membership on the day, validity naming each failed rule,
a valid election becomes the committee (history kept), an invalid one cannot; scope holds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.elections import services
from dangjian.elections.models import ElectionStatus
from dangjian.members.services import transfer_out
from dangjian.orgs.models import Committee
from dangjian.test import MemberFactory

DAY = dt.date(2025, 6, 1)


@pytest.fixture
def branch(world):
    """B1 with 8 full members on DAY (2 from the world + 6 here) and one probationary member."""
    for i in range(6):
        MemberFactory(name=f"选民{i}", organization=world.b1)
    MemberFactory(
        name="预备甲",
        organization=world.b1,
        status="probationary",
        joined_on=dt.date(2025, 1, 1),
        confirmed_on=None,
    )
    return world.b1


def fill(election, attended, candidates, returned=None):
    election.refresh_from_db()
    voters = list(election.voters.select_related("member"))
    ids = {v.member_id for v in voters[:attended]}
    election = services.attendance_set(
        actor=None, election=election, attended_member_ids=ids, version=election.version
    )
    n = len(ids)
    election = services.counts_set(
        actor=None,
        election=election,
        version=election.version,
        ballots_issued=n,
        ballots_returned=n if returned is None else returned,
        ballots_invalid=0,
    )
    for member, votes in candidates:
        services.candidate_add(actor=None, election=election, member=member, votes_for=votes)
    election.refresh_from_db()
    return election, [v.member for v in voters]


@pytest.mark.django_db
def test_voters_are_the_full_members_on_the_day(world, branch):
    leaver = MemberFactory(name="已转出", organization=world.b1)
    transfer_out(
        actor=None, member=leaver, date=dt.date(2025, 5, 1), counterpart="外省", version=leaver.version
    )
    election = services.election_create(
        actor=None, organization=branch, held_on=DAY, seats=3, attending_reported=8
    )
    names = {v.member.name for v in election.voters.select_related("member")}
    assert len(names) == 8 and "预备甲" not in names and "已转出" not in names


@pytest.mark.django_db
def test_a_valid_election_becomes_the_committee_with_history(world, branch):
    election = services.election_create(
        actor=None, organization=branch, held_on=DAY, seats=3, attending_reported=7
    )
    voters = [v.member for v in election.voters.select_related("member")]
    election, _ = fill(election, 7, [(voters[0], 7), (voters[1], 6), (voters[2], 5), (voters[3], 2)])
    assert services.outcome(election).valid
    services.election_apply(actor=None, election=election, version=election.version)
    committee = Committee.objects.get(organization=branch, is_current=True)
    assert sorted(s.member.name for s in committee.seats.all()) == sorted(m.name for m in voters[:3])
    assert committee.ends_on == dt.date(2028, 6, 1)
    # a second valid election replaces it; the old one is kept, closed
    later = services.election_create(
        actor=None, organization=branch, held_on=dt.date(2025, 9, 1), seats=3, attending_reported=8
    )
    later, _ = fill(later, 8, [(voters[4], 8), (voters[5], 8), (voters[6], 8), (voters[0], 1)])
    services.election_apply(actor=None, election=later, version=later.version)
    assert Committee.objects.filter(organization=branch).count() == 2
    old = Committee.objects.get(pk=committee.pk)
    assert not old.is_current and all(s.until == dt.date(2025, 8, 31) for s in old.seats.all())


@pytest.mark.django_db
def test_an_election_below_quorum_is_invalid_says_why_and_cannot_apply(world, branch):
    election = services.election_create(
        actor=None, organization=branch, held_on=DAY, seats=3, attending_reported=6
    )
    voters = [v.member for v in election.voters.select_related("member")]
    election, _ = fill(election, 6, [(voters[0], 6), (voters[1], 6), (voters[2], 6), (voters[3], 1)])
    result = services.outcome(election)
    assert [f.code for f in result.failures] == ["ELE-QUORUM"]  # 6 of 8 is not more than four fifths
    with pytest.raises(ValidationError) as info:
        services.election_apply(actor=None, election=election, version=election.version)
    assert "五分之四" in str(info.value)
    assert not Committee.objects.filter(organization=branch).exists()
    services.election_mark_invalid(actor=None, election=election, version=election.version)
    election.refresh_from_db()
    assert election.status == ElectionStatus.INVALID


@pytest.mark.django_db
def test_an_attending_count_that_differs_from_the_list_is_invalid(world, branch):
    election = services.election_create(
        actor=None, organization=branch, held_on=DAY, seats=3, attending_reported=8
    )
    voters = [v.member for v in election.voters.select_related("member")]
    election, _ = fill(election, 7, [(voters[0], 7), (voters[1], 6), (voters[2], 5), (voters[3], 2)])
    assert [f.code for f in services.outcome(election).failures] == ["ELE-ATTENDANCE-MISMATCH"]


@pytest.mark.django_db
def test_pages_show_validity_and_are_scoped(world, branch, client_for):
    election = services.election_create(
        actor=None, organization=branch, held_on=DAY, seats=3, attending_reported=8
    )
    client = client_for(world.user("branch_secretary"))
    page = client.get(f"/elections/{election.pk}/").content.decode()
    assert "选举无效" in page and "五分之四" in page  # nobody signed in yet
    other = services.election_create(
        actor=None, organization=world.b3, held_on=DAY, seats=1, attending_reported=0
    )
    assert client.get(f"/elections/{other.pk}/").status_code == 404
    assert client.post(f"/elections/{other.pk}/apply/", {"version": other.version}).status_code == 404
    assert (
        client_for(world.user("inspector"))
        .post(f"/elections/{election.pk}/apply/", {"version": election.version})
        .status_code
        == 404
    )
    report = client.get(f"/elections/{election.pk}/report.xlsx")
    assert report.status_code == 200
