"""Demo elections behind the demo's current branch committees: most valid, a few with attendance
that does not add up or below the quorum (planted)."""

from __future__ import annotations

from typing import Any

from dangjian.elections.models import Candidate, Election, ElectionStatus, Voter
from dangjian.members.models import MemberStatus
from dangjian.orgs.models import Committee


def build(ctx: Any) -> None:
    rng = ctx.rng
    committees = list(
        Committee.objects.filter(is_current=True, organization__kind="branch")
        .select_related("organization")
        .prefetch_related("seats")
    )
    by_branch: dict[int, list[Any]] = {}
    for m in ctx.members:
        by_branch.setdefault(m.organization_id, []).append(m)
    voters, candidates, planted = [], [], []
    plans = []
    for i, committee in enumerate(committees[: max(10, len(committees) // 2)]):
        day = committee.elected_on
        eligible = [
            m
            for m in by_branch.get(committee.organization_id, [])
            if m.status == MemberStatus.FULL
            and m.confirmed_on
            and m.confirmed_on <= day
            and (m.left_on is None or m.left_on > day)
            and (m.deceased_on is None or m.deceased_on > day)
        ]
        seat_members = [s.member_id for s in committee.seats.all()]
        if len(eligible) < 5 or len(seat_members) < 1:
            continue
        attending = [m for m in eligible if rng.random() < 0.9]
        defect = None
        model = committee.organization_id == ctx.model_branch
        if model:
            pass  # the model branch's elections are valid
        elif i % 9 == 4:
            defect = "实到人数与签到名单不符"
        elif i % 13 == 6:
            attending = attending[: int(len(eligible) * 0.7)]
            defect = "实到人数未超过应到的五分之四"
        while len(attending) * 5 <= len(eligible) * 4 and defect is None:
            attending = eligible[: len(attending) + 1]
        reported = len(attending) + (3 if defect == "实到人数与签到名单不符" else 0)
        seats = len(seat_members)
        pool = [m for m in eligible if m.pk not in seat_members]
        losers = rng.sample(pool, min(len(pool), max(1, -(-seats // 5))))
        election = Election(
            organization=committee.organization,
            held_on=day,
            seats=seats,
            term_years=committee.term_years,
            attending_reported=reported,
            ballots_issued=len(attending),
            ballots_returned=len(attending),
            ballots_invalid=0,
            status=ElectionStatus.INVALID if defect else ElectionStatus.APPLIED,
            committee=None if defect else committee,
        )
        plans.append((election, eligible, {m.pk for m in attending}, seat_members, losers))
        if defect:
            planted.append(f"{committee.organization.name}{day:%Y年}换届：{defect}")
            ctx.plant(
                "ELEC-002" if defect == "实到人数与签到名单不符" else "ELEC-001", committee.organization
            )
    Election.objects.bulk_create([p[0] for p in plans])
    for election, eligible, attended, seat_members, losers in plans:
        n = len(attended)
        voters += [Voter(election=election, member=m, attended=m.pk in attended) for m in eligible]
        for member_id in seat_members:
            votes = rng.randrange(n // 2 + 1, n + 1) if n else 0
            candidates.append(
                Candidate(
                    election=election,
                    member_id=member_id,
                    votes_for=votes,
                    votes_against=max(0, n - votes - 1),
                )
            )
        for m in losers:
            votes = rng.randrange(0, max(1, n // 2))
            candidates.append(
                Candidate(election=election, member=m, votes_for=votes, votes_against=n - votes)
            )
    Voter.objects.bulk_create(voters, batch_size=2000)
    Candidate.objects.bulk_create(candidates, batch_size=2000)
    ctx.notes.append(f"换届选举记录{len(plans)}次；预设问题{len(planted)}处：" + "；".join(planted[:6]))
