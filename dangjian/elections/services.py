"""Writes for elections: prepare (voters from membership on the day), record counts, evaluate,
apply a valid election to the committee (with history), report upward."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record
from dangjian.elections.models import Candidate, CandidateRole, Election, ElectionStatus, Voter
from dangjian.elections.validity import CandidateVotes, Counts, Outcome, evaluate
from dangjian.members.models import Member, Membership, MemberStatus, members_on
from dangjian.orgs.models import CommitteeRole, Organization, OrgKind
from dangjian.orgs.services import committee_create, default_term_years


def expected_voters(organization: Organization, day: dt.date) -> list[Member]:
    """Full members of the organization (and, for a committee or general branch, of its subtree) on
    the day: probationary members attend but do not vote."""
    rows = Membership.objects.filter(members_on(day), organization__path__startswith=organization.path)
    if organization.kind == OrgKind.BRANCH:
        rows = rows.filter(organization=organization)
    ids = rows.values("member_id")
    return list(
        Member.objects.filter(pk__in=ids, status=MemberStatus.FULL)
        .exclude(confirmed_on__gt=day)
        .exclude(deceased_on__lte=day)
        .order_by("name", "id")
    )


@transaction.atomic
def election_create(
    *,
    actor: Any,
    organization: Organization,
    held_on: dt.date,
    seats: int,
    attending_reported: int,
    term_years: int | None = None,
    place: str = "",
    secretary_is_director: bool = False,
) -> Election:
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "选举日期不能晚于今天"})
    if organization.kind == OrgKind.GROUP:
        raise ValidationError({"organization": "党小组不进行换届选举"})
    election = Election(
        organization=organization,
        held_on=held_on,
        seats=seats,
        attending_reported=attending_reported,
        term_years=term_years or default_term_years(organization.kind),
        place=place,
        secretary_is_director=secretary_is_director,
    )
    election.full_clean()
    election.save()
    Voter.objects.bulk_create(
        [Voter(election=election, member=m) for m in expected_voters(organization, held_on)]
    )
    audit_record(
        actor=actor, event_type=EventType.CREATE, subject=election, data={"held_on": held_on, "seats": seats}
    )
    return election


def _editable(election: Election, version: int) -> Election:
    locked = Election.objects.select_for_update().get(pk=election.pk)
    if locked.version != version:
        raise ValidationError("该选举记录已被他人修改，请刷新后重新操作（您的修改未保存）")
    if locked.status != ElectionStatus.DRAFT:
        raise ValidationError("该选举已生效或已判定无效，不能修改")
    locked.version += 1
    return locked


@transaction.atomic
def attendance_set(
    *, actor: Any, election: Election, attended_member_ids: set[int], version: int
) -> Election:
    locked = _editable(election, version)
    voters = {v.member_id for v in locked.voters.all()}
    unknown = attended_member_ids - voters
    if unknown:
        raise ValidationError({"attended": "签到名单中有不具有选举权或不属于本组织的人员"})
    locked.voters.update(attended=False)
    locked.voters.filter(member_id__in=attended_member_ids).update(attended=True)
    locked.save()
    audit_record(
        actor=actor, event_type=EventType.UPDATE, subject=locked, data={"attended": len(attended_member_ids)}
    )
    return locked


@transaction.atomic
def counts_set(*, actor: Any, election: Election, version: int, **counts: int) -> Election:
    locked = _editable(election, version)
    for key in ("attending_reported", "ballots_issued", "ballots_returned", "ballots_invalid", "seats"):
        if key in counts:
            setattr(locked, key, counts[key])
    locked.full_clean()
    locked.save()
    audit_record(actor=actor, event_type=EventType.UPDATE, subject=locked, data={"counts": counts})
    return locked


@transaction.atomic
def candidate_add(
    *,
    actor: Any,
    election: Election,
    member: Member,
    role: str = CandidateRole.MEMBER,
    portfolio: str = "",
    votes_for: int = 0,
    votes_against: int = 0,
    abstain: int = 0,
) -> Candidate:
    if election.status != ElectionStatus.DRAFT:
        raise ValidationError("该选举已生效或已判定无效，不能修改")
    if not election.voters.filter(member=member).exists():
        raise ValidationError({"member": "候选人应为本组织有选举权的正式党员"})
    candidate = Candidate(
        election=election,
        member=member,
        role=role,
        portfolio=portfolio,
        votes_for=votes_for,
        votes_against=votes_against,
        abstain=abstain,
    )
    candidate.full_clean()
    candidate.save()
    audit_record(
        actor=actor,
        event_type=EventType.CREATE,
        subject=candidate,
        organization=election.organization,
        data={"member": member.pk, "role": role, "votes": [votes_for, votes_against, abstain]},
    )
    return candidate


def outcomes(elections: Any) -> dict[int, Outcome]:
    """Validity of each election of a queryset, in three queries whatever their number (the
    self-check evaluates a whole district's elections at once)."""
    from django.db.models import Count, Q

    rows = list(
        elections.annotate(
            n_voters=Count("voters", distinct=True),
            n_attended=Count("voters", filter=Q(voters__attended=True), distinct=True),
        )
    )
    candidates: dict[int, list[CandidateVotes]] = {e.pk: [] for e in rows}
    for c in Candidate.objects.filter(election__in=[e.pk for e in rows]).select_related("member"):
        candidates[c.election_id].append(
            CandidateVotes(c.member_id, c.member.name, c.role, c.votes_for, c.votes_against, c.abstain)
        )
    return {
        e.pk: evaluate(
            Counts(
                expected=e.n_voters,
                attending_listed=e.n_attended,
                attending_reported=e.attending_reported,
                seats=e.seats,
                ballots_issued=e.ballots_issued,
                ballots_returned=e.ballots_returned,
                ballots_invalid=e.ballots_invalid,
                candidates=tuple(candidates[e.pk]),
            )
        )
        for e in rows
    }


def outcome(election: Election) -> Outcome:
    return outcomes(Election.objects.filter(pk=election.pk))[election.pk]


@transaction.atomic
def election_apply(*, actor: Any, election: Election, version: int) -> Election:
    """A valid election becomes the organization's new committee; an invalid one cannot."""
    locked = _editable(election, version)
    result = outcome(locked)
    if not result.valid:
        raise ValidationError(
            "选举无效，不能据此产生新一届委员会：" + "；".join(f.message for f in result.failures)
        )
    if not result.elected:
        raise ValidationError("没有候选人当选，不能产生委员会")
    portfolios = {c.member_id: c.portfolio for c in locked.candidates.all() if c.portfolio}
    officers = {}
    if result.secretary:
        officers[result.secretary.key] = CommitteeRole.SECRETARY
    for deputy in result.deputies:
        officers.setdefault(deputy.key, CommitteeRole.DEPUTY_SECRETARY)
    members = {m.pk: m for m in Member.objects.filter(pk__in=[x.key for x in result.elected])}
    seats = [
        {
            "member": members[x.key],
            "role": officers.get(x.key) or portfolios.get(x.key) or CommitteeRole.MEMBER,
        }
        for x in result.elected
    ]
    committee = committee_create(
        actor=actor,
        organization=locked.organization,
        elected_on=locked.held_on,
        term_years=locked.term_years,
        secretary_is_director=locked.secretary_is_director,
        seats=seats,
    )
    locked.committee, locked.status = committee, ElectionStatus.APPLIED
    locked.save()
    audit_record(
        actor=actor,
        event_type=EventType.UPDATE,
        subject=locked,
        data={"applied": committee.pk, "elected": [x.key for x in result.elected]},
    )
    return locked


@transaction.atomic
def election_mark_invalid(*, actor: Any, election: Election, version: int) -> Election:
    locked = _editable(election, version)
    result = outcome(locked)
    if result.valid:
        raise ValidationError("该选举符合规定，无需判定无效")
    locked.status = ElectionStatus.INVALID
    locked.save()
    audit_record(
        actor=actor,
        event_type=EventType.UPDATE,
        subject=locked,
        data={"invalid": [f.code for f in result.failures]},
    )
    return locked
