"""Election validity (《中国共产党基层组织选举工作条例》, 2020) as a pure function of the counts.

An election is valid only if the attending members with voting rights exceed four fifths of those
who should attend; a candidate is elected only with votes in favour from more than half of the
attending voters; committee members are elected with at least 20% more candidates than seats.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

BASIS = "《中国共产党基层组织选举工作条例》"


@dataclass(frozen=True)
class Limits:
    quorum: Fraction = Fraction(4, 5)
    win: Fraction = Fraction(1, 2)
    surplus: Fraction = Fraction(1, 5)


@dataclass(frozen=True)
class CandidateVotes:
    key: int
    name: str
    role: str  # "member" (committee seat), "secretary", "deputy_secretary"
    votes_for: int
    votes_against: int = 0
    abstain: int = 0


@dataclass(frozen=True)
class Counts:
    expected: int  # full members with voting rights who should attend
    attending_listed: int  # from the attendance list
    attending_reported: int  # the number written in the meeting record
    seats: int
    ballots_issued: int
    ballots_returned: int
    ballots_invalid: int
    candidates: tuple[CandidateVotes, ...]


@dataclass(frozen=True)
class Failure:
    code: str
    message: str
    basis: str = BASIS


@dataclass(frozen=True)
class Outcome:
    failures: tuple[Failure, ...]
    elected: tuple[CandidateVotes, ...]  # committee seats, by votes
    secretary: CandidateVotes | None
    deputies: tuple[CandidateVotes, ...]
    shortfall: int  # seats left empty (a by-election is needed)

    @property
    def valid(self) -> bool:
        return not self.failures


def evaluate(c: Counts, limits: Limits = Limits()) -> Outcome:
    failures: list[Failure] = []
    if c.attending_listed != c.attending_reported:
        failures.append(
            Failure(
                "ELE-ATTENDANCE-MISMATCH",
                f"会议记录实到{c.attending_reported}人，与签到名单{c.attending_listed}人不一致",
            )
        )
    if not c.attending_listed * limits.quorum.denominator > c.expected * limits.quorum.numerator:
        failures.append(
            Failure(
                "ELE-QUORUM",
                f"应到有选举权党员{c.expected}人，实到{c.attending_listed}人，未超过应到人数的五分之四",
                f"{BASIS}第二十二条",
            )
        )
    if c.ballots_issued > c.attending_listed:
        failures.append(
            Failure(
                "ELE-BALLOTS", f"发出选票{c.ballots_issued}张，多于实到有选举权党员{c.attending_listed}人"
            )
        )
    if c.ballots_returned > c.ballots_issued:
        failures.append(
            Failure(
                "ELE-BALLOTS",
                f"收回选票{c.ballots_returned}张，多于发出的{c.ballots_issued}张，选举无效",
                f"{BASIS}第二十六条",
            )
        )
    if c.ballots_invalid > c.ballots_returned:
        failures.append(Failure("ELE-BALLOTS", "无效票多于收回选票"))
    valid_ballots = c.ballots_returned - c.ballots_invalid
    for cand in c.candidates:
        if cand.votes_for + cand.votes_against + cand.abstain > valid_ballots:
            failures.append(
                Failure("ELE-VOTES", f"{cand.name}的赞成、反对、弃权票合计多于有效选票{valid_ballots}张")
            )
    seat_candidates = [x for x in c.candidates if x.role == "member"]
    if c.seats < 1:
        failures.append(Failure("ELE-SEATS", "应选委员名额至少为1"))
    elif len(seat_candidates) * limits.surplus.denominator < c.seats * (
        limits.surplus.denominator + limits.surplus.numerator
    ):
        needed = -(
            -c.seats * (limits.surplus.denominator + limits.surplus.numerator) // limits.surplus.denominator
        )
        failures.append(
            Failure(
                "ELE-SURPLUS",
                f"应选委员{c.seats}名，候选人{len(seat_candidates)}名，差额不足20%（至少{needed}名）",
                f"{BASIS}第十五条",
            )
        )

    def wins(cand: CandidateVotes) -> bool:
        return cand.votes_for * limits.win.denominator > c.attending_listed * limits.win.numerator

    ranked = sorted((x for x in seat_candidates if wins(x)), key=lambda x: (-x.votes_for, x.key))
    elected = tuple(ranked[: c.seats])
    elected_keys = {x.key for x in elected}
    secretaries = [x for x in c.candidates if x.role == "secretary" and wins(x) and x.key in elected_keys]
    deputies = tuple(
        x for x in c.candidates if x.role == "deputy_secretary" and wins(x) and x.key in elected_keys
    )
    for x in c.candidates:
        if x.role != "member" and x.key not in elected_keys:
            failures.append(Failure("ELE-OFFICER", f"{x.name}未当选委员，不能当选书记或副书记"))
    return Outcome(
        tuple(failures),
        elected,
        secretaries[0] if secretaries else None,
        deputies,
        max(0, c.seats - len(elected)),
    )
