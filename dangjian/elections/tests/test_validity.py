"""Each validity rule failing alone, at its boundary."""

from __future__ import annotations

import dataclasses

import pytest

from dangjian.elections.validity import CandidateVotes, Counts, evaluate

CANDS = tuple(
    CandidateVotes(i, f"候选人{i}", "member", votes)
    for i, votes in enumerate([40, 38, 30, 26, 20, 12], start=1)
)
GOOD = Counts(
    expected=50,
    attending_listed=41,
    attending_reported=41,
    seats=5,
    ballots_issued=41,
    ballots_returned=41,
    ballots_invalid=1,
    candidates=CANDS,
)


def codes(c: Counts) -> set[str]:
    return {f.code for f in evaluate(c).failures}


def test_a_correct_election_is_valid_and_elects_those_over_half():
    out = evaluate(GOOD)
    assert out.valid
    # 41 attending: more than half is 21 votes or more; 20 votes is not enough
    assert [x.name for x in out.elected] == ["候选人1", "候选人2", "候选人3", "候选人4"]
    assert out.shortfall == 1


@pytest.mark.parametrize(("attending", "ok"), [(40, False), (41, True)])
def test_the_quorum_is_more_than_four_fifths(attending, ok):
    c = dataclasses.replace(
        GOOD,
        attending_listed=attending,
        attending_reported=attending,
        ballots_issued=attending,
        ballots_returned=attending,
    )
    assert ("ELE-QUORUM" not in codes(c)) is ok


def test_the_reported_attendance_must_match_the_list():
    assert codes(dataclasses.replace(GOOD, attending_reported=45)) == {"ELE-ATTENDANCE-MISMATCH"}


@pytest.mark.parametrize(("n", "ok"), [(5, False), (6, True)])
def test_committee_seats_need_twenty_percent_more_candidates(n, ok):
    c = dataclasses.replace(GOOD, candidates=CANDS[:n])
    assert ("ELE-SURPLUS" not in codes(c)) is ok


def test_more_ballots_returned_than_issued_is_invalid():
    assert "ELE-BALLOTS" in codes(dataclasses.replace(GOOD, ballots_returned=42, ballots_issued=41))


def test_half_exactly_is_not_enough_to_win():
    c = dataclasses.replace(
        GOOD,
        attending_listed=42,
        attending_reported=42,
        ballots_issued=42,
        ballots_returned=42,
        candidates=(*CANDS[:5], CandidateVotes(9, "边界", "member", 21)),
    )
    assert "边界" not in [x.name for x in evaluate(c).elected]


def test_a_secretary_must_also_be_elected_to_the_committee():
    c = dataclasses.replace(
        GOOD,
        candidates=(
            *CANDS,
            CandidateVotes(1, "候选人1", "secretary", 39),
            CandidateVotes(6, "候选人6", "deputy_secretary", 30),
        ),
    )
    out = evaluate(c)
    assert out.secretary is not None and out.secretary.name == "候选人1"
    assert "ELE-OFFICER" in {f.code for f in out.failures}  # 候选人6 was not elected to the committee
