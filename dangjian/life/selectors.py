"""Reads of organizational life. Set-based: a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from dangjian.life.models import (
    Activity,
    ActivityKind,
    Appraisal,
    AppraisalGrade,
    Attendance,
    StudyPlan,
    Talk,
)
from dangjian.members.models import Member, Membership, MemberStatus, members_on
from dangjian.orgs.models import CommitteeRole, CommitteeSeat, Organization, OrgKind


def is_probationary_on(member: Member, day: dt.date) -> bool:
    """预备党员 on `day`: confirmed later, or not confirmed yet."""
    if member.confirmed_on is not None:
        return member.confirmed_on > day
    return member.status == MemberStatus.PROBATIONARY


@dataclass(frozen=True)
class Expected:
    member: Member
    probationary: bool
    role: str = ""  # committee post, for committee meetings


def _seats_on(org: Organization, day: dt.date) -> QuerySet[CommitteeSeat]:
    return CommitteeSeat.objects.filter(committee__organization=org, since__lte=day).filter(
        Q(until__isnull=True) | Q(until__gte=day)
    )


def expected_members(org: Organization, kind: str, day: dt.date) -> list[Expected]:
    """Who should attend: membership on that day (branch or subtree), the group's members for a
    group meeting, the seats open that day for a committee meeting. One query."""
    if kind == ActivityKind.COMMITTEE_MEETING:
        order = {r: i for i, r in enumerate(CommitteeRole.values)}
        seen: dict[int, Expected] = {}
        for seat in sorted(_seats_on(org, day).select_related("member"), key=lambda s: order[s.role]):
            m = seat.member
            if m.pk in seen or (m.deceased_on and m.deceased_on < day):
                continue
            seen[m.pk] = Expected(m, is_probationary_on(m, day), seat.get_role_display())
        return list(seen.values())
    if kind == ActivityKind.GROUP_MEETING:
        if org.kind != OrgKind.GROUP:
            return []
        rows = Membership.objects.filter(members_on(day), organization_id=org.parent_id, member__group=org)
    else:
        rows = Membership.objects.filter(members_on(day), organization__path__startswith=org.path)
    rows = (
        rows.exclude(member__deceased_on__lt=day)
        .select_related("member")
        .order_by("member__name_initials", "member__name", "member_id")
    )
    out: dict[int, Expected] = {}
    for ms in rows:
        out.setdefault(ms.member_id, Expected(ms.member, is_probationary_on(ms.member, day)))
    return list(out.values())


def people_choices(org: Organization) -> list[Member]:
    """Host, recorder and lecturer candidates: the current members of the organization's subtree
    (for a group: of its branch) and the holders of its open committee seats. Two queries."""
    base = org.parent if org.kind == OrgKind.GROUP and org.parent_id else org
    members = list(
        Member.objects.current()
        .filter(organization__path__startswith=base.path)
        .order_by("name_initials", "name")
    )
    known = {m.pk for m in members}
    seats = CommitteeSeat.objects.filter(committee__organization=base, until__isnull=True).select_related(
        "member"
    )
    extra = [s.member for s in seats if s.member_id not in known]
    return extra + members


def secretaries_of(org: Organization, year: int) -> list[Member]:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    seats = (
        CommitteeSeat.objects.filter(
            committee__organization=org,
            role__in=[CommitteeRole.SECRETARY, CommitteeRole.DEPUTY_SECRETARY],
            since__lte=end,
        )
        .filter(Q(until__isnull=True) | Q(until__gte=start))
        .select_related("member")
    )
    out: dict[int, Member] = {}
    for seat in seats:
        out.setdefault(seat.member_id, seat.member)
    return list(out.values())


def activity_list(
    user: Any, *, org: Organization | None = None, kind: str = "", year: int | None = None
) -> QuerySet[Activity]:
    qs = Activity.objects.for_user(user).with_counts().select_related("organization", "host")
    if org is not None:
        qs = qs.filter(organization__path__startswith=org.path)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.in_year(year)
    return qs


@dataclass
class AttendanceCounts:
    expected: int
    attended: int
    absent: int
    guests: int
    voting_expected: int
    voting_attended: int

    @property
    def rate(self) -> float:
        return self.attended / self.expected if self.expected else 0.0

    @property
    def quorum(self) -> bool:
        """More than half of the members with voting rights present (党章)."""
        return self.voting_attended * 2 > self.voting_expected


def attendance_counts(attendances: list[Attendance], guests: int) -> AttendanceCounts:
    attended = sum(1 for a in attendances if a.attended)
    voting = [a for a in attendances if not a.probationary]
    return AttendanceCounts(
        expected=len(attendances),
        attended=attended,
        absent=len(attendances) - attended,
        guests=guests,
        voting_expected=len(voting),
        voting_attended=sum(1 for a in voting if a.attended),
    )


@dataclass
class MemberRecord:
    member: Member
    rows: list[Attendance]

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def attended(self) -> int:
        return sum(1 for a in self.rows if a.attended)

    @property
    def rate(self) -> float:
        return self.attended / self.expected if self.expected else 0.0


def member_record(member: Member, year: int | None = None) -> MemberRecord:
    """Every activity the member was expected at, attended or missed (one query)."""
    qs = (
        Attendance.objects.filter(member=member)
        .select_related("activity__organization")
        .order_by("-activity__date", "-activity_id")
    )
    if year:
        qs = qs.filter(activity__date__year=year)
    return MemberRecord(member, list(qs))


# --- talks ---------------------------------------------------------------------------------------


@dataclass
class TalkCoverageRow:
    member: Member
    committee: bool
    talks: int = 0
    with_committee: int = 0
    with_members: int = 0

    @property
    def covered(self) -> bool:
        return self.talks > 0


@dataclass
class TalkCoverage:
    year: int
    rows: list[TalkCoverageRow]
    pairs: Counter = field(default_factory=Counter)

    @property
    def uncovered(self) -> list[TalkCoverageRow]:
        return [r for r in self.rows if not r.covered]


def talk_coverage(org: Organization, year: int) -> TalkCoverage:
    """Per person of the organization in `year`: talks had, with committee members and with members;
    who has had none (domain-rules.md §2: committee-committee, committee-member, member-member)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    overlap = Q(since__lte=end) & (Q(until__isnull=True) | Q(until__gte=start))
    people: dict[int, Member] = {
        ms.member_id: ms.member
        for ms in Membership.objects.filter(overlap, organization__path__startswith=org.path).select_related(
            "member"
        )
    }
    committee_ids = set()
    for seat in CommitteeSeat.objects.filter(overlap, committee__organization=org).select_related("member"):
        committee_ids.add(seat.member_id)
        people.setdefault(seat.member_id, seat.member)
    rows = {pk: TalkCoverageRow(m, pk in committee_ids) for pk, m in people.items()}
    pairs: Counter = Counter()
    for a, b in Talk.objects.filter(organization=org, date__gte=start, date__lte=end).values_list(
        "participant_a_id", "participant_b_id"
    ):
        a_c, b_c = a in committee_ids, b in committee_ids
        pairs["cc" if a_c and b_c else ("cm" if a_c or b_c else "mm")] += 1
        for me, other_c in ((a, b_c), (b, a_c)):
            if me in rows:
                rows[me].talks += 1
                if other_c:
                    rows[me].with_committee += 1
                else:
                    rows[me].with_members += 1
    ordered = sorted(rows.values(), key=lambda r: (not r.committee, r.covered, r.member.name_initials))
    return TalkCoverage(year, ordered, pairs)


# --- appraisal -----------------------------------------------------------------------------------


@dataclass
class GradeShare:
    grade: str
    label: str
    count: int
    share: float

    @property
    def percent(self) -> str:
        return f"{self.share * 100:.1f}%"


def grade_shares(org: Organization, year: int) -> list[GradeShare]:
    counts = dict(
        Appraisal.objects.filter(organization__path__startswith=org.path, year=year)
        .values_list("grade")
        .annotate(n=Count("id"))
        .order_by()
    )
    total = sum(counts.values())
    return [
        GradeShare(g.value, g.label, counts.get(g.value, 0), counts.get(g.value, 0) / total if total else 0.0)
        for g in AppraisalGrade
    ]


def appraisal_roster(org: Organization, year: int) -> list[tuple[Member, Appraisal | None]]:
    """Members of the organization during `year` with their grade (two queries)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    overlap = Q(since__lte=end) & (Q(until__isnull=True) | Q(until__gte=start))
    members: dict[int, Member] = {}
    for ms in (
        Membership.objects.filter(overlap, organization__path__startswith=org.path)
        .select_related("member")
        .order_by("member__name_initials", "member__name")
    ):
        members.setdefault(ms.member_id, ms.member)
    grades = {
        a.member_id: a
        for a in Appraisal.objects.filter(year=year, member_id__in=list(members)).select_related("activity")
    }
    return [(m, grades.get(pk)) for pk, m in members.items()]


def appraisal_meetings(org: Organization, year: int) -> QuerySet[Activity]:
    return Activity.objects.filter(
        organization=org, kind__in=[ActivityKind.LIFE_MEETING, ActivityKind.GENERAL_MEETING]
    ).in_year(year)


# --- study plan ------------------------------------------------------------------------------------


@dataclass
class PlanMonth:
    month: int
    items: list[tuple[Any, bool]]  # (StudyPlanItem, held)
    held: list[Activity]

    @property
    def planned(self) -> int:
        return len(self.items)

    @property
    def done(self) -> int:
        return sum(1 for _, held in self.items if held)


def plan_vs_held(org: Organization, year: int) -> tuple[StudyPlan | None, list[PlanMonth]]:
    """Each month's planned items, each marked held when an activity of the same kind was held in
    that month (two planned themed days need two held), and the activities held. Three queries."""
    plan = StudyPlan.objects.filter(organization=org, year=year).first()
    items = list(plan.items.all()) if plan else []
    held_by_month: dict[int, list[Activity]] = defaultdict(list)
    for a in Activity.objects.filter(organization=org).in_year(year).order_by("date", "start_time"):
        held_by_month[a.date.month].append(a)
    months = []
    for month in range(1, 13):
        remaining = Counter(a.kind for a in held_by_month[month])
        marked = []
        for item in [i for i in items if i.month == month]:
            held = remaining[item.kind] > 0
            if held:
                remaining[item.kind] -= 1
            marked.append((item, held))
        months.append(PlanMonth(month, marked, held_by_month[month]))
    return plan, months


def branches_in_scope(user: Any) -> QuerySet[Organization]:
    """Organizations whose life the user may see (for pickers)."""
    return (
        Organization.objects.filter(path__startswith=user.organization.path)
        .exclude(kind=OrgKind.STREET_COMMITTEE)
        .order_by("path")
    )
