"""Demo data, organizational life (order 30): five years of activities for every branch and group
of the demo, with attendance from the memberships, talks, appraisals, duty reports and study plans.

Mostly compliant; planted problems (listed in ctx.notes) give the self-check something real to find:
branches that skip committee meetings, general meetings or the life meeting; life meetings without
criticism; minutes copied verbatim inside a branch, with small edits across branches or from the
year before; identical talk summaries; duty reports that omit 意识形态工作; a lecture naming another
city; minutes far too short. Writes with bulk_create (attendance rows with one executemany), streaming branch by branch.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection

from dangjian.life import demo_text as text
from dangjian.life.models import (
    AbsenceReason,
    Activity,
    ActivityKind,
    Appraisal,
    AppraisalGrade,
    Attendance,
    DutyReport,
    Guest,
    StudyPlan,
    StudyPlanItem,
    Talk,
)
from dangjian.life.rules import committee_meeting_min_seats
from dangjian.life.validation import activity_warnings
from dangjian.members.models import AbroadStay, Member, MemberCategory, Membership, MemberStatus
from dangjian.orgs.models import CommitteeRole, CommitteeSeat, OrgKind, PartnerUnit

FLUSH_BRANCHES = 25
TIMES = [dt.time(9, 0), dt.time(9, 30), dt.time(14, 0), dt.time(14, 30), dt.time(15, 0), dt.time(19, 0)]
K = ActivityKind


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    probationary_until: dt.date | None  # first day as full member (None: full throughout, or never)
    always_probationary: bool
    elderly: bool
    mobility: bool
    in_service: bool
    floating_out: bool
    group_id: int | None
    deceased_on: dt.date | None
    lost_contact_since: dt.date | None = None

    def probationary_on(self, day: dt.date) -> bool:
        if self.probationary_until is not None:
            return self.probationary_until > day
        return self.always_probationary


@dataclass
class Plants:
    skip_committee: dict[tuple[int, int], set[int]]  # (branch, year) -> months without a committee meeting
    skip_general: dict[tuple[int, int], set[int]]  # (branch, year) -> quarters without a general meeting
    skip_life: set[tuple[int, int]]  # no life meeting (and so no appraisal) that year
    no_criticism: set[tuple[int, int]]
    copy_within: set[tuple[int, int]]  # three committee meetings with identical minutes
    copy_years: set[tuple[int, int]]  # life meeting minutes copied from the year before
    copy_across: dict[tuple[int, int, int], int]  # (branch, year, month) -> source branch of its themed day
    short_minutes: set[tuple[int, int]]
    same_talks: set[tuple[int, int]]
    no_ideology: set[tuple[int, int]]
    foreign_lecture: tuple[int, int] | None


def _day(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


class LifeDemo:
    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.rng = random.Random(
            ctx.rng.getrandbits(64)
        )  # one draw: later builders are not shifted by our volume
        self.today: dt.date = ctx.today
        self.first_year: int = ctx.first_year
        self.notes: list[str] = []
        self.taken_appraisals: set[tuple[int, int]] = set()
        self.secretary_lectured: set[tuple[int, int]] = set()
        self.pending_activities: list[
            tuple[
                Activity, list[tuple[int, bool, str, str, bool]], list[tuple[str, str]], list[tuple[int, str]]
            ]
        ] = []
        self.talks: list[Talk] = []
        self.reports: list[DutyReport] = []
        self.plans: list[tuple[StudyPlan, list[StudyPlanItem]]] = []
        self.themed_texts: dict[
            tuple[int, int, int], tuple[str, str]
        ] = {}  # (branch, year, month) -> (minutes, host)
        self.counts = Counter()

    # --- loading -------------------------------------------------------------------------------------

    def load(self) -> None:
        start = dt.date(self.first_year, 1, 1)
        orgs = list(self.ctx.organizations)
        by_id = {o.pk: o for o in orgs}
        self.branches = [
            o for o in orgs if o.kind == OrgKind.BRANCH and not (o.dissolved_on and o.dissolved_on < start)
        ]
        self.groups: dict[int, list[Any]] = defaultdict(list)
        for o in orgs:
            if o.kind == OrgKind.GROUP and o.parent_id:
                self.groups[o.parent_id].append(o)
        self.community: dict[int, int] = {}
        for b in self.branches:
            chain = [by_id[i] for i in b.ancestor_ids() if i in by_id]
            community = next((o for o in reversed(chain) if o.kind == OrgKind.COMMUNITY_COMMITTEE), None)
            self.community[b.pk] = (community or by_id.get(b.parent_id) or b).pk
        ids = [b.pk for b in self.branches]
        self.memberships: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
        member_ids: set[int] = set()
        for member_id, org_id, since, until in (
            Membership.objects.filter(organization_id__in=ids)
            .order_by("member_id", "since")
            .values_list("member_id", "organization_id", "since", "until")
        ):
            self.memberships[org_id].append((member_id, since, until))
            member_ids.add(member_id)
        self.seats: dict[int, list[tuple[int, str, dt.date, dt.date | None]]] = defaultdict(list)
        for org_id, member_id, role, since, until in (
            CommitteeSeat.objects.filter(committee__organization_id__in=ids)
            .order_by("id")
            .values_list("committee__organization_id", "member_id", "role", "since", "until")
        ):
            self.seats[org_id].append((member_id, role, since, until))
            member_ids.add(member_id)
        self.people: dict[int, Person] = {}
        for row in Member.objects.filter(pk__in=member_ids).values(
            "id",
            "name",
            "status",
            "confirmed_on",
            "elderly",
            "mobility_impaired",
            "category",
            "floating_direction",
            "group_id",
            "deceased_on",
            "lost_contact_since",
        ):
            self.people[row["id"]] = Person(
                row["id"],
                row["name"],
                row["confirmed_on"],
                row["confirmed_on"] is None and row["status"] == MemberStatus.PROBATIONARY,
                row["elderly"],
                row["mobility_impaired"],
                row["category"] == MemberCategory.IN_SERVICE,
                row["category"] == MemberCategory.FLOATING and row["floating_direction"] == "outbound",
                row["group_id"],
                row["deceased_on"],
                row["lost_contact_since"],
            )
        self.abroad: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
        for member_id, left_on, returned_on in AbroadStay.objects.filter(
            member_id__in=member_ids
        ).values_list("member_id", "left_on", "returned_on"):
            self.abroad[member_id].append((left_on, returned_on))
        self.partners: dict[int, list[str]] = defaultdict(list)
        for org_id, name in PartnerUnit.objects.filter(
            organization_id__in=set(self.community.values())
        ).values_list("organization_id", "name"):
            self.partners[org_id].append(name)

    # --- who, on a day -------------------------------------------------------------------------------

    def members_on(self, branch_id: int, day: dt.date) -> list[Person]:
        out = []
        for member_id, since, until in self.memberships.get(branch_id, ()):
            if since <= day and (until is None or until >= day):
                p = self.people[member_id]
                if not (p.deceased_on and p.deceased_on < day):
                    out.append(p)
        return out

    def seats_on(self, branch_id: int, day: dt.date) -> list[tuple[Person, str]]:
        seen: dict[int, tuple[Person, str]] = {}
        for member_id, role, since, until in self.seats.get(branch_id, ()):
            if since <= day and (until is None or until >= day) and member_id not in seen:
                seen[member_id] = (self.people[member_id], role)
        return list(seen.values())

    def absence(
        self, p: Person, day: dt.date, committee: bool, model: bool = False
    ) -> tuple[str, str] | None:
        for left, back in self.abroad.get(p.id, ()):
            if left <= day and (back is None or back >= day):
                return AbsenceReason.ABROAD, ""
        r = self.rng.random()
        if p.mobility:
            chance, reason, note = 0.8, AbsenceReason.MOBILITY, self.rng.choice(["", "卧床", "送学上门"])
        elif p.floating_out:
            chance, reason, note = 0.85, AbsenceReason.AWAY, self.rng.choice(["外出务工", "在外地", ""])
        elif p.elderly:
            chance, reason, note = 0.35, AbsenceReason.SICK, self.rng.choice(["", "住院", "身体不适"])
        elif p.in_service:
            chance, reason, note = 0.25, AbsenceReason.WORK, self.rng.choice(["", "单位值班", "出差"])
        else:
            chance = 0.07
            reason = self.rng.choice(
                [AbsenceReason.SICK, AbsenceReason.PERSONAL, AbsenceReason.AWAY, AbsenceReason.OTHER]
            )
            note = "家中有事" if reason == AbsenceReason.OTHER else ""
        if committee:
            chance *= 0.3
        if model:  # the model branch's members rarely miss a meeting; the housebound are fetched or visited
            chance *= 0.6 if reason in (AbsenceReason.MOBILITY, AbsenceReason.AWAY) else 0.2
        return (reason, note) if r < chance else None

    # --- planted problems ----------------------------------------------------------------------------

    def plan(self) -> Plants:
        rng, n = self.rng, len(self.branches)
        done_years = list(range(self.first_year, self.today.year))  # completed years: late is certain
        by_pk = {b.pk: b for b in self.branches}

        def pick(share: float, eligible: Any = None) -> list[Any]:
            if not done_years or not n:
                return []
            if eligible is None:
                eligible = [b for b in self.branches if self.start_year(b) < self.today.year]
            eligible = [b for b in eligible if b.pk != self.ctx.model_branch]
            return rng.sample(eligible, min(len(eligible), max(1, round(n * share))))

        def year_of(b: Any, allowed: Any = None) -> int:
            return rng.choice(
                [y for y in done_years if y >= self.start_year(b) and (allowed is None or y in allowed)]
            )

        # Committee meetings are owed only in years the branch had a committee (min_seats seats all year).
        min_seats = committee_meeting_min_seats()

        def seated(b: Any, day: dt.date) -> int:
            return sum(
                1
                for _, _, since, until in self.seats[b.pk]
                if since <= day and (until is None or until >= day)
            )

        committee_years = {
            b.pk: {
                y
                for y in done_years
                if y >= self.start_year(b)
                and min(seated(b, dt.date(y, 1, 31)), seated(b, dt.date(y, 12, 31))) >= min_seats
            }
            for b in self.branches
        }
        p = Plants({}, {}, set(), set(), set(), set(), {}, set(), set(), set(), None)
        for b in pick(0.06, [b for b in self.branches if committee_years[b.pk]]):
            years = committee_years[b.pk]
            p.skip_committee[(b.pk, year_of(b, years))] = set(rng.sample(range(1, 13), rng.randint(4, 8)))
        for b in pick(0.04):
            p.skip_general[(b.pk, year_of(b))] = set(rng.sample(range(1, 5), rng.randint(1, 2)))
        p.skip_life = {(b.pk, year_of(b)) for b in pick(0.03)}
        p.no_criticism = {(b.pk, year_of(b)) for b in pick(0.03)} - p.skip_life
        p.copy_within = {  # three committee meetings: a year with a committee
            (b.pk, year_of(b, committee_years[b.pk]))
            for b in pick(0.02, [b for b in self.branches if committee_years[b.pk]])
        }
        p.copy_years = (
            {(b.pk, y) for b in pick(0.01) if (y := year_of(b)) > self.start_year(b)}
            - p.skip_life
            - {(b, y - 1) for b, y in p.skip_life}
            - p.no_criticism  # a copy of last year's minutes would bring its criticism back
        )
        p.short_minutes = {(b.pk, year_of(b)) for b in pick(0.02)}
        p.same_talks = {(b.pk, year_of(b)) for b in pick(0.02)}
        # A duty report is written only where a secretary holds the seat at the end of the year.
        secretary_years = {
            b.pk: {
                y
                for y in done_years
                if y >= self.start_year(b)
                and any(
                    role == CommitteeRole.SECRETARY
                    and since <= dt.date(y, 12, 31)
                    and (until is None or until >= dt.date(y, 12, 31))
                    for _, role, since, until in self.seats[b.pk]
                )
            }
            for b in self.branches
        }
        p.no_ideology = {
            (b.pk, year_of(b, secretary_years[b.pk]))
            for b in pick(0.1, [b for b in self.branches if secretary_years[b.pk]])
        }
        by_community: dict[int, list[Any]] = defaultdict(list)
        for b in self.branches:
            by_community[self.community[b.pk]].append(b)
        pairs = [
            (bs[i], bs[i + 1])
            for bs in by_community.values()
            for i in range(len(bs) - 1)
            if self.ctx.model_branch not in (bs[i].pk, bs[i + 1].pk)
        ]
        for a, b in rng.sample(pairs, min(len(pairs), max(1, round(n * 0.02)))) if done_years else []:
            year = max(self.start_year(a), self.start_year(b))
            if year < self.today.year:
                p.copy_across[(b.pk, year, rng.randint(1, 12))] = a.pk
        lecturers = pick(0.005)
        p.foreign_lecture = (lecturers[0].pk, year_of(lecturers[0])) if lecturers else None
        # Branch-years whose planted problem needs the meetings held: no random misses there.
        self.forced = p.copy_within | p.no_criticism | p.copy_years | p.short_minutes
        self.forced |= {(b, y - 1) for b, y in p.copy_years}
        self.forced |= {(b, y) for b, y, _ in p.copy_across} | {
            (a, y) for (_, y, _), a in p.copy_across.items()
        }
        if p.foreign_lecture:
            self.forced.add(p.foreign_lecture)
        self.copy_sources = {(a, y, m) for (_, y, m), a in p.copy_across.items()}

        # Meetings left out are planted here; texts are planted where they are written (plant_text).
        for rule, keys in (
            ("LIFE-002", p.skip_committee),
            ("LIFE-001", p.skip_general),
            ("LIFE-007", p.skip_life),
            ("LIFE-008", p.skip_life),
        ):
            for b, _year in keys:
                self.ctx.plant(rule, b)

        def names(keys: Any, limit: int = 3) -> str:
            items = sorted(keys, key=lambda k: (k[1], by_pk[k[0]].path))
            return "、".join(f"{by_pk[k[0]].name}（{k[1]}年）" for k in items[:limit]) + (
                "等" if len(items) > limit else ""
            )

        if p.skip_committee:
            self.notes.append(
                f"组织生活：{len(p.skip_committee)}个党支部某年有4至8个月未召开支委会，如{names(p.skip_committee)}"
            )
        if p.skip_general:
            self.notes.append(
                f"组织生活：{len(p.skip_general)}个党支部某年有季度未召开支部党员大会，如{names(p.skip_general)}"
            )
        if p.skip_life:
            self.notes.append(
                f"组织生活：{len(p.skip_life)}个党支部某年未召开组织生活会、未开展民主评议党员，如{names(p.skip_life)}"
            )
        if p.no_criticism:
            self.notes.append(
                f"组织生活：{len(p.no_criticism)}个党支部的组织生活会记录未开展批评与自我批评，如{names(p.no_criticism)}"
            )
        if p.copy_within:
            self.notes.append(
                f"会议记录雷同：{len(p.copy_within)}个党支部某年三次支委会记录完全相同，如{names(p.copy_within)}"
            )
        if p.copy_across:
            examples = sorted(p.copy_across.items())[:3]
            self.notes.append(
                f"会议记录雷同：{len(p.copy_across)}对党支部的主题党日记录仅改动人名和个别字词，如"
                + "、".join(f"{by_pk[b].name}抄{by_pk[a].name}（{y}年{m}月）" for (b, y, m), a in examples)
            )
        if p.copy_years:
            self.notes.append(
                f"会议记录雷同：{len(p.copy_years)}个党支部的组织生活会记录照搬上一年，如{names(p.copy_years)}"
            )
        if p.short_minutes:
            self.notes.append(
                f"会议记录过短：{len(p.short_minutes)}个党支部某年多次会议记录只有一两句话，如{names(p.short_minutes)}"
            )
        if p.same_talks:
            self.notes.append(
                f"谈心谈话：{len(p.same_talks)}个党支部某年两次谈心谈话记录一字不差，如{names(p.same_talks)}"
            )
        if p.no_ideology:
            self.notes.append(
                f"书记述职：{len(p.no_ideology)}份述职报告未提及意识形态工作责任制，如{names(p.no_ideology)}"
            )
        if p.foreign_lecture:
            b, y = p.foreign_lecture
            self.notes.append(f"外地地名：{by_pk[b].name}{y}年的党课记录出现“深圳”（照抄外地材料）")
        self.notes.append(
            "组织生活：另有部分党支部零星漏开支委会、主题党日、党小组会或党课（每年约一成支部较多）"
        )
        return p

    def start_year(self, org: Any) -> int:
        return max(self.first_year, org.founded_on.year if org.founded_on else self.first_year)

    # --- generation --------------------------------------------------------------------------------------

    def build(self) -> None:
        self.load()
        self.plants = self.plan()
        for i, branch in enumerate(self.branches, start=1):
            self.branch(branch)
            if i % FLUSH_BRANCHES == 0:
                self.flush()
        self.flush()
        Talk.objects.bulk_create(self.talks, batch_size=2000)
        DutyReport.objects.bulk_create(self.reports, batch_size=1000)
        plans = StudyPlan.objects.bulk_create([p for p, _ in self.plans], batch_size=2000)
        items = []
        for plan, (_, plan_items) in zip(plans, self.plans, strict=True):
            for item in plan_items:
                item.plan = plan
                items.append(item)
        StudyPlanItem.objects.bulk_create(items, batch_size=5000)
        self.counts.update({"talks": len(self.talks), "duty_reports": len(self.reports), "plans": len(plans)})
        self.ctx.notes.extend(self.notes)

    def dates(self, branch: Any, year: int) -> list[tuple[str, dt.date, Any]]:
        """What the branch (and its groups) held in `year`: kind, day, organization."""
        rng, out = self.rng, []
        founded = branch.founded_on or dt.date(1900, 1, 1)
        end = min(self.today, branch.dissolved_on or self.today)
        key = (branch.pk, year)
        sloppy = rng.random() < 0.12  # this year, this branch misses more than now and then
        miss = 0.0 if key in self.forced or branch.pk == self.ctx.model_branch else 0.2 if sloppy else 0.03
        fixed_day = 5 + (branch.pk % 4) * 5  # 主题党日 on a fixed day of the month
        for month in range(1, 13):
            themed = _day(year, month, fixed_day)
            if rng.random() >= miss:
                out.append((K.THEMED_DAY, themed, branch))
            if month not in self.plants.skip_committee.get(key, set()) and rng.random() >= miss:
                meeting = _day(year, month, rng.randint(1, 12))
                # A committee elected this month holds its first meeting on or after the election.
                elected = [
                    x for _, _, x, _ in self.seats.get(branch.pk, ()) if (x.year, x.month) == (year, month)
                ]
                out.append((K.COMMITTEE_MEETING, max([meeting, *elected]), branch))
            for group in self.groups.get(branch.pk, ()):
                if rng.random() >= miss * 1.5:
                    out.append((K.GROUP_MEETING, _day(year, month, rng.randint(8, 26)), group))
        for quarter in range(1, 5):
            if quarter not in self.plants.skip_general.get(key, set()) and rng.random() >= miss:
                out.append((K.GENERAL_MEETING, _day(year, 3 * quarter - 1, rng.randint(10, 25)), branch))
            if rng.random() >= miss:
                out.append(
                    (K.LECTURE, _day(year, 3 * quarter - rng.randint(0, 2), rng.randint(3, 27)), branch)
                )
        if key not in self.plants.skip_life and rng.random() >= miss / 2:
            out.append((K.LIFE_MEETING, _day(year, 12, rng.randint(5, 26)), branch))
        for _ in range(rng.randint(0, 2)):
            out.append((K.OTHER, _day(year, rng.randint(1, 12), rng.randint(1, 28)), branch))
        return sorted(
            [
                (k, d, o)
                for k, d, o in out
                if founded <= d <= end and (o.founded_on is None or o.founded_on <= d)
            ],
            key=lambda x: x[1],
        )

    def branch(self, branch: Any) -> None:
        previous_life = ""
        for year in range(self.start_year(branch), self.today.year + 1):
            key = (branch.pk, year)
            theme_pool, work_pool = text.themes(year), text.work_items(year)
            held: Counter = Counter()
            first_committee = ""
            committee_no = 0
            lecture_no = 0
            place = self.rng.choice(text.PLACES)
            for kind, day, org in self.dates(branch, year):
                theme, work = self.rng.choice(theme_pool), self.rng.choice(work_pool)
                made = self.activity(branch, org, kind, day, place, theme, work, year, lecture_no)
                if made is None:
                    continue
                activity, rows = made
                held[kind] += 1
                if kind == K.LECTURE:
                    lecture_no += 1
                if kind == K.COMMITTEE_MEETING:
                    committee_no += 1
                    if committee_no == 1:
                        first_committee = activity.minutes
                    elif key in self.plants.copy_within and committee_no <= 3:
                        activity.minutes = first_committee  # verbatim, date and all
                        self.ctx.plant("TEXT-001", branch.pk)
                if kind == K.THEMED_DAY:
                    source = self.plants.copy_across.get((branch.pk, year, day.month))
                    if source is not None and (source, year, day.month) in self.themed_texts:
                        src_text, src_host, src_topic, src_day = self.themed_texts[(source, year, day.month)]
                        host = self.people[activity.host_id].name if activity.host_id else ""
                        activity.minutes = text.lightly_edited(self.rng, src_text, {src_host: host})
                        activity.topic = src_topic
                        # a copy is written after its source, later in the same month
                        activity.date = max(
                            activity.date, min(src_day + dt.timedelta(days=3), _day(year, day.month, 28))
                        )
                        self.ctx.plant("TEXT-001", branch.pk)
                    if (branch.pk, year, day.month) in self.copy_sources:
                        self.themed_texts[(branch.pk, year, day.month)] = (
                            activity.minutes,
                            self.people[activity.host_id].name if activity.host_id else "",
                            activity.topic,
                            activity.date,
                        )
                if kind == K.LIFE_MEETING:
                    if key in self.plants.copy_years and previous_life:
                        activity.minutes = text.lightly_edited(
                            self.rng, previous_life, {str(year - 1): str(year)}
                        )
                        self.ctx.plant("TEXT-001", branch.pk)
                    previous_life = activity.minutes
                if (
                    key in self.plants.short_minutes
                    and kind in (K.COMMITTEE_MEETING, K.THEMED_DAY)
                    and day.month % 3
                ):
                    activity.minutes = self.rng.choice(
                        ["学习了文件。", "传达上级精神，大家表示拥护。", "开会学习，布置工作。"]
                    )
                    self.ctx.plant("LIFE-010", branch.pk)
                voting = [r for r in rows if not r[4]]
                activity.warnings = activity_warnings(
                    kind, activity.minutes, activity.resolutions, len(voting), sum(1 for r in voting if r[1])
                )
            self.talks_for(branch, year, theme_pool, work_pool)
            if year < self.today.year:
                self.duty_report(branch, year, held, self.rng.choice(theme_pool))
            self.study_plan(branch, year, theme_pool, work_pool)

    def activity(
        self,
        branch: Any,
        org: Any,
        kind: str,
        day: dt.date,
        place: str,
        theme: str,
        work: str,
        year: int,
        lecture_no: int,
    ) -> tuple[Activity, list[tuple[int, bool, str, str, bool]]] | None:
        rng = self.rng
        seats = self.seats_on(branch.pk, day)
        if kind == K.COMMITTEE_MEETING:
            if len(seats) < 2:
                return None
            expected = [p for p, _ in seats]
        elif kind == K.GROUP_MEETING:
            expected = [p for p in self.members_on(branch.pk, day) if p.group_id == org.pk]
        else:
            expected = self.members_on(branch.pk, day)
        if not expected:
            return None
        secretary = next((p for p, role in seats if role == CommitteeRole.SECRETARY), None)
        if kind == K.GROUP_MEETING:
            host = min(expected, key=lambda p: p.id)
            recorder = max(expected, key=lambda p: p.id)
        else:
            host = secretary or (seats[0][0] if seats else expected[0])
            others = (
                [p for p, role in seats if p.id != host.id]
                or [p for p in expected if p.id != host.id]
                or [host]
            )
            recorder = others[0]
        rows = []
        for p in expected:
            gone = (
                None
                if p.id == host.id
                else self.absence(p, day, kind == K.COMMITTEE_MEETING, branch.pk == self.ctx.model_branch)
            )
            rows.append(
                (p.id, gone is None, gone[0] if gone else "", gone[1] if gone else "", p.probationary_on(day))
            )
        present = [self.people[r[0]].name for r in rows if r[1]]
        lecturer_id, lecturer_name, lecture_title = None, "", ""
        foreign = False
        if kind == K.LECTURE:
            model = branch.pk == self.ctx.model_branch
            # The secretary gives the year's first lecture (the model branch's secretary, the first one
            # after taking the seat).
            first = lecture_no == 0 or (model and (branch.pk, year) not in self.secretary_lectured)
            if first and secretary is not None and (model or rng.random() < 0.92):
                self.secretary_lectured.add((branch.pk, year))
                lecturer = secretary
            elif seats and rng.random() < 0.6:
                lecturer = rng.choice(seats)[0]
            else:
                lecturer = None
                lecturer_name = rng.choice(
                    ["区委党校 刘老师", "街道党工委 陈书记", "社区党委 王书记", "老党员宣讲团 周老师"]
                )
            lecturer_id = lecturer.id if lecturer else None
            foreign = self.plants.foreign_lecture == (branch.pk, year) and lecture_no == 0
            if foreign:
                self.ctx.plant("TEXT-002", branch.pk)
        org_name = org.name if kind != K.GROUP_MEETING else f"{branch.name}{org.name}"
        topic, minutes, resolutions = text.minutes(
            rng,
            kind=kind,
            day=day,
            org_name=org_name,
            place=place,
            host=(
                lecturer_name.split(" ")[-1]
                if kind == K.LECTURE and lecturer_name
                else self.people[lecturer_id].name
                if lecturer_id
                else host.name
            ),
            recorder=recorder.name,
            attendees=present,
            theme=theme,
            work=work,
            criticism=(branch.pk, year) not in self.plants.no_criticism,
            foreign_place=foreign,
        )
        if kind == K.LIFE_MEETING and (branch.pk, year) in self.plants.no_criticism:
            self.ctx.plant("LIFE-011", branch.pk)
        if kind == K.LECTURE:
            lecture_title = topic
        activity = Activity(
            organization=org,
            kind=kind,
            date=day,
            start_time=rng.choice(TIMES),
            place=place,
            host_id=host.id,
            recorder_id=recorder.id,
            topic=topic,
            minutes=minutes,
            resolutions=resolutions,
            lecturer_id=lecturer_id,
            lecturer_name=lecturer_name,
            lecture_title=lecture_title,
            recorded_by=self.ctx.actor,
        )
        guests: list[tuple[str, str]] = []
        if kind in (K.GENERAL_MEETING, K.THEMED_DAY, K.LECTURE, K.LIFE_MEETING) and rng.random() < 0.1:
            partners = self.partners.get(self.community[branch.pk], [])
            unit = rng.choice(partners) if partners and rng.random() < 0.6 else "街道党工委"
            guests.append(
                (
                    rng.choice(["李", "王", "张", "陈", "刘", "周"])
                    + rng.choice(["明", "芳", "强", "静", "伟", "敏"]),
                    unit,
                )
            )
        grades: list[tuple[int, str]] = []
        if kind == K.LIFE_MEETING:
            for p in expected:
                if (year, p.id) in self.taken_appraisals:
                    continue
                self.taken_appraisals.add((year, p.id))
                r = rng.random()
                grade = (
                    AppraisalGrade.EXCELLENT
                    if r < 0.18
                    else AppraisalGrade.QUALIFIED
                    if r < 0.965
                    else AppraisalGrade.BASICALLY_QUALIFIED
                    if r < 0.995
                    else AppraisalGrade.UNQUALIFIED
                )
                grades.append((p.id, grade))
        self.pending_activities.append((activity, rows, guests, grades))
        return activity, rows

    def talks_for(self, branch: Any, year: int, themes: list[str], works: list[str]) -> None:
        rng = self.rng
        start, end = dt.date(year, 1, 1), min(dt.date(year, 12, 31), self.today)
        if (branch.founded_on and branch.founded_on > end) or start > end:
            return
        start = max(start, branch.founded_on or start)
        holders = {
            m for m, _, s, u in self.seats.get(branch.pk, ()) if s <= end and (u is None or u >= start)
        }
        members = sorted(
            {m for m, s, u in self.memberships.get(branch.pk, ()) if s <= end and (u is None or u >= start)}
            - holders
        )
        holders_l = sorted(holders)
        pairs: list[tuple[int, int]] = []
        model = branch.pk == self.ctx.model_branch  # talks with everyone, every year
        tenure: dict[int, tuple[dt.date, dt.date]] = {}
        for m, _, since, until in self.seats.get(branch.pk, ()):
            if m in holders:
                lo, hi = max(since, start), min(until or end, end)
                old = tenure.get(m)
                tenure[m] = (min(lo, old[0]), max(hi, old[1])) if old else (lo, hi)

        def overlap(a: int, b: int) -> bool:
            return max(tenure[a][0], tenure[b][0]) <= min(tenure[a][1], tenure[b][1])

        if len(holders_l) >= 2 and (model or rng.random() < 0.95):
            # each committee member talks with another one who sat on the committee at the same time
            pairs += [
                (partner, h)
                for i, h in enumerate(holders_l)
                if (partner := next((x for x in holders_l[:i] + holders_l[i + 1 :] if overlap(x, h)), None))
                and (partner, h)[::-1] not in pairs
            ]
        if holders_l:
            pairs += [(rng.choice(holders_l), m) for m in members if model or rng.random() < 0.85]
        if len(members) >= 2:
            pairs += [
                (m, rng.choice([x for x in members if x != m]))
                for i, m in enumerate(members)
                if (model and i == 0) or rng.random() < 0.15
            ]
        made = []
        for a, b in pairs:
            # A talk with a committee member falls in their time on the committee.
            earliest = max([start, *(tenure[x][0] for x in (a, b) if x in tenure)])
            latest = min([end, *(tenure[x][1] for x in (a, b) if x in tenure)])
            if earliest > latest:
                continue
            day = earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))
            if any((lost := self.people[x].lost_contact_since) and lost <= day for x in (a, b)):
                continue  # nobody talks with a member the branch cannot reach
            summary = text.talk_summary(
                rng, self.people[a].name, self.people[b].name, rng.choice(themes), rng.choice(works)
            )
            made.append(
                Talk(
                    organization=branch,
                    participant_a_id=a,
                    participant_b_id=b,
                    date=day,
                    place=rng.choice(["社区党群服务中心", "党员家中", "社区办公室", "楼道议事角"]),
                    summary=summary,
                    recorded_by=self.ctx.actor,
                )
            )
        if (branch.pk, year) in self.plants.same_talks and len(made) >= 2:
            made[1].summary = made[0].summary
            self.ctx.plant("TEXT-001", branch.pk)
        self.talks += made

    def duty_report(self, branch: Any, year: int, held: Counter, theme: str) -> None:
        end = min(dt.date(year, 12, 31), branch.dissolved_on or dt.date(year, 12, 31))
        secretary = next(
            (p for p, role in self.seats_on(branch.pk, end) if role == CommitteeRole.SECRETARY), None
        )
        if secretary is None:
            return
        body = text.duty_report(
            self.rng,
            year=year,
            org_name=branch.name,
            secretary=secretary.name,
            counts=dict(held),
            ideology=(branch.pk, year) not in self.plants.no_ideology,
            theme=theme,
        )
        if (branch.pk, year) in self.plants.no_ideology:
            self.ctx.plant("LIFE-015", branch.pk)
        self.reports.append(
            DutyReport(
                organization=branch,
                year=year,
                secretary_id=secretary.id,
                text=body,
                recorded_by=self.ctx.actor,
            )
        )

    def study_plan(self, branch: Any, year: int, themes: list[str], works: list[str]) -> None:
        rng = self.rng
        items = []
        for month in range(1, 13):
            items.append(
                StudyPlanItem(
                    month=month,
                    kind=K.THEMED_DAY,
                    topic=f"{rng.choice(text.THEMED_DAY_ACTIONS).format(theme=rng.choice(themes), work=rng.choice(works))}",
                )
            )
            if month % 3 == 0:
                items.append(
                    StudyPlanItem(
                        month=month,
                        kind=K.LECTURE,
                        topic=rng.choice(text.LECTURE_TITLES).format(theme=rng.choice(themes)),
                    )
                )
        items.append(
            StudyPlanItem(month=12, kind=K.LIFE_MEETING, topic=f"{year}年度组织生活会暨民主评议党员")
        )
        self.plans.append(
            (
                StudyPlan(organization=branch, year=year, note=f"{year}年重点学习：{'、'.join(themes[:2])}"),
                items,
            )
        )

    def flush(self) -> None:
        if not self.pending_activities:
            return
        activities = Activity.objects.bulk_create(
            [a for a, _, _, _ in self.pending_activities], batch_size=2000
        )
        attendance, guests, grades = [], [], []
        for activity, (_, rows, guest_rows, grade_rows) in zip(
            activities, self.pending_activities, strict=True
        ):
            for member_id, attended, reason, note, probationary in rows:
                attendance.append((activity.pk, member_id, attended, reason, note, probationary))
            for name, unit in guest_rows:
                guests.append(Guest(activity_id=activity.pk, name=name, unit=unit))
            for member_id, grade in grade_rows:
                grades.append(
                    Appraisal(
                        organization=activity.organization,
                        year=activity.date.year,
                        member_id=member_id,
                        grade=grade,
                        activity_id=activity.pk,
                        recorded_by=self.ctx.actor,
                    )
                )
        insert_attendance(attendance)
        Guest.objects.bulk_create(guests, batch_size=2000)
        Appraisal.objects.bulk_create(grades, batch_size=2000)
        self.counts.update(
            {"activities": len(activities), "attendance": len(attendance), "appraisals": len(grades)}
        )
        self.pending_activities = []


ATTENDANCE_COLUMNS = (
    "activity_id",
    "member_id",
    "attended",
    "absence_reason",
    "absence_note",
    "probationary",
)


def insert_attendance(rows: list[tuple[Any, ...]]) -> None:
    """The demo's three quarters of a million attendance rows in one executemany: bulk_create would
    spend most of a minute preparing each of their values one by one. Same columns, same constraints
    (the database checks them), portable SQL; nothing else writes this way."""
    if not rows:
        return
    table = connection.ops.quote_name(Attendance._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in ATTENDANCE_COLUMNS)
    values = ", ".join(["%s"] * len(ATTENDANCE_COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({values})", rows)  # noqa: S608


def build(ctx: Any) -> Counter:
    demo = LifeDemo(ctx)
    demo.build()
    return demo.counts
