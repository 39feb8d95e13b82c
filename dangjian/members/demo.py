"""Demo data, members: the people of every branch the organizations builder planned, with the mixes
the seeds report (seed 003: 55% men; 10% under 35, 34% 35–59, 56% 60 and over; 43% junior school or
below), membership periods, transfers in, out and inside the tree, deaths, lost contact, stays abroad,
and the committee seats. Planted problems go to ctx.notes.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from dangjian.core.rules import rule
from dangjian.lib import idcard
from dangjian.lib.names import person_name
from dangjian.lib.periods import add_months, add_years
from dangjian.members.models import (
    AbroadStay,
    Education,
    FloatingDirection,
    Member,
    MemberCategory,
    Membership,
    MemberStatus,
    Transfer,
    TransferDirection,
)
from dangjian.members.services import name_initials
from dangjian.orgs.demo import BranchPlan, DemoPlan, plan_of
from dangjian.orgs.models import CommitteeRole, CommitteeSeat, Organization, OrgKind

NANJING_REGIONS = ["320104", "320105", "320106", "320111", "320113", "320114", "320115"]
ELSEWHERE = [
    ("安徽省合肥市", "340104"),
    ("江苏省扬州市", "321002"),
    ("江苏省徐州市", "320302"),
    ("江苏省淮安市", "320803"),
    ("江苏省盐城市", "320902"),
    ("安徽省马鞍山市", "340503"),
    ("山东省临沂市", "371302"),
    ("河南省信阳市", "411502"),
    ("江苏省苏州市", "320508"),
    ("浙江省湖州市", "330502"),
    ("安徽省滁州市", "341102"),
    ("江西省九江市", "360402"),
]
OUTBOUND_PLACES = [
    "广东省深圳市",
    "上海市浦东新区",
    "江苏省苏州市",
    "浙江省杭州市",
    "北京市海淀区",
    "广东省广州市",
    "江苏省无锡市",
    "四川省成都市",
]
EMPLOYERS = [
    "东南大学",
    "南京林业大学",
    "国网南京供电公司",
    "南京地铁集团有限公司",
    "中国移动南京分公司",
    "江苏省人民医院",
    "南京市公安局玄武分局",
    "南京市第一医院",
    "南京市玄武区教育局",
    "南京市玄武区财政局",
]
COUNTERPART_PLACES = [
    "宁海路",
    "湖南路",
    "山西路",
    "夫子庙",
    "仙林",
    "东山",
    "人民路",
    "建设路",
    "解放路",
    "和平路",
    "新华",
    "文昌",
    "长安",
]
DESTINATIONS = [
    ("美国", "探亲"),
    ("加拿大", "探亲"),
    ("澳大利亚", "陪读"),
    ("日本", "工作"),
    ("英国", "陪读"),
    ("新加坡", "探亲"),
    ("德国", "工作"),
    ("新西兰", "探亲"),
]
MOBILE_PREFIXES = [
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "158",
    "159",
    "177",
    "180",
    "181",
    "186",
    "187",
    "188",
    "189",
]
ETHNICITIES = [("汉族", 980), ("回族", 12), ("满族", 4), ("蒙古族", 2), ("壮族", 2)]

# Education by age band; weighted by the bands' shares this reproduces seed 003's totals.
EDUCATION = {
    "young": [
        (Education.POSTGRADUATE, 60),
        (Education.UNDERGRADUATE, 550),
        (Education.COLLEGE, 270),
        (Education.SECONDARY_VOCATIONAL, 50),
        (Education.HIGH_SCHOOL, 50),
        (Education.JUNIOR_OR_BELOW, 20),
    ],
    "mid": [
        (Education.POSTGRADUATE, 5),
        (Education.UNDERGRADUATE, 130),
        (Education.COLLEGE, 220),
        (Education.SECONDARY_VOCATIONAL, 150),
        (Education.HIGH_SCHOOL, 250),
        (Education.JUNIOR_OR_BELOW, 245),
    ],
    "old": [
        (Education.POSTGRADUATE, 2),
        (Education.UNDERGRADUATE, 15),
        (Education.COLLEGE, 70),
        (Education.SECONDARY_VOCATIONAL, 90),
        (Education.HIGH_SCHOOL, 190),
        (Education.JUNIOR_OR_BELOW, 633),
    ],
}
OLD_AGES = [((60, 69), 45), ((70, 79), 33), ((80, 89), 18), ((90, 97), 4)]


def _pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted], k=1)[0]


@dataclass
class _Row:
    """One member being built, with what the other records need to know about them."""

    member: Member
    bp: BranchPlan
    age: int
    since: dt.date  # start of the current (or last) membership period
    memberships: list[Membership] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    abroad: bool = False


class _People:
    def __init__(self, ctx: Any, plan: DemoPlan) -> None:
        self.rng: random.Random = ctx.rng
        self.today: dt.date = ctx.today
        self.window_start = dt.date(ctx.first_year, 1, 1)
        self.plan = plan
        self.ids: set[str] = set()
        self.initials: dict[str, str] = {}
        self.notes: list[str] = []

    # -- one person ----------------------------------------------------------------------------
    def band(self, flavor: str) -> str:
        r = self.rng.random()
        if flavor == "retired":
            return "old"
        if flavor in ("organ", "non_public"):
            return "young" if r < 0.4 else "mid"
        return "young" if r < 0.098 else "mid" if r < 0.435 else "old"

    def age_in(self, band: str, flavor: str) -> int:
        rng = self.rng
        if band == "young":
            return rng.randint(23, 34)
        if band == "mid":
            return rng.randint(35, 59)
        low, high = _pick(rng, OLD_AGES)
        return rng.randint(max(low, 62 if flavor == "retired" else low), high)

    def id_number(self, region: str, birth: dt.date, gender: str) -> str:
        while True:
            value = idcard.make(region, birth, gender, self.rng)
            if value not in self.ids:
                self.ids.add(value)
                return value

    def phone(self, age: int) -> str:
        rng = self.rng
        if age >= 85 and rng.random() < 0.06:
            return ""
        if age >= 75 and rng.random() < 0.25:
            return f"025-8{rng.randrange(10**7):07d}"
        return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"

    def joined(self, birth: dt.date, probationary: bool, until: dt.date) -> tuple[dt.date, dt.date | None]:
        """入党日期 (at 18 or later; mostly in the twenties) and 转正日期 a year later for full members."""
        rng = self.rng
        earliest = add_years(birth, 18)
        if probationary:
            return max(until - dt.timedelta(days=rng.randint(20, 340)), earliest), None
        joined = add_years(birth, 18 + int(rng.triangular(0, 30, 5))) + dt.timedelta(days=rng.randrange(365))
        if rng.random() < 0.12:
            joined = dt.date(joined.year, 7, 1)  # many joined on the Party's anniversary
        latest = until - dt.timedelta(days=400)
        if joined > latest:
            joined = latest - dt.timedelta(days=rng.randrange(300))
        joined = max(joined, earliest)
        return joined, add_years(joined, 1)

    def home(self, bp: BranchPlan) -> tuple[str, Organization | None]:
        """Address, and the group of the building it is in (groups are formed by building)."""
        rng = self.rng
        if bp.buildings:
            estate, building = bp.estate, rng.choice(bp.buildings)
            groups = [g.org for g in bp.groups if building in g.buildings] or [g.org for g in bp.groups]
        else:
            estates = self.plan.estates.get(bp.community.code) or [
                e for es in self.plan.estates.values() for e in es
            ]
            estate, building = rng.choice(estates), rng.randint(1, 30)
            groups = [g.org for g in bp.groups]
        address = f"{estate}{building}幢{rng.randint(1, 4)}单元{rng.randint(1, 7)}0{rng.randint(1, 4)}室"
        return address, (rng.choice(groups) if groups else None)

    def person(
        self,
        bp: BranchPlan,
        *,
        band: str | None = None,
        age: int | None = None,
        on: dt.date | None = None,
        probationary_ok: bool = True,
    ) -> _Row:
        """A member of `bp`; `on` is the day the age refers to (today, or the day of death)."""
        rng, on = self.rng, on or self.today
        band = band or self.band(bp.flavor)
        age = age if age is not None else self.age_in(band, bp.flavor)
        gender = "M" if rng.random() < 0.55 else "F"
        birth = add_years(on, -age) - dt.timedelta(days=rng.randint(1, 364))

        category, employer, direction, place = MemberCategory.RESIDENT, "", "", ""
        region = (
            self.plan.region
            if rng.random() < 0.82
            else rng.choice(NANJING_REGIONS + [r for _, r in ELSEWHERE])
        )
        if bp.flavor in ("organ", "non_public"):
            category, employer = MemberCategory.IN_SERVICE, bp.employer
        elif bp.flavor != "retired":
            r = rng.random()
            in_service, floating = {"young": (0.35, 0.25), "mid": (0.25, 0.13), "old": (0.0, 0.03)}[band]
            if r < in_service:
                category = MemberCategory.IN_SERVICE
                employer = rng.choice(self.plan.employers + EMPLOYERS)
            elif r < in_service + floating:
                category = MemberCategory.FLOATING
                if band != "old" and rng.random() < 0.55:
                    direction = FloatingDirection.INBOUND
                    place, region = rng.choice(ELSEWHERE)
                else:
                    direction, place = FloatingDirection.OUTBOUND, rng.choice(OUTBOUND_PLACES)

        probationary = (
            probationary_ok
            and bp.flavor != "organ"
            and bp.plant != "small"
            and bp.size >= 8
            and age <= 45
            and rng.random() < 0.045
        )
        joined, confirmed = self.joined(birth, probationary, on)
        education = _pick(rng, EDUCATION[band])
        name = person_name(rng, gender, birth.year)
        if name not in self.initials:
            self.initials[name] = name_initials(name)
        address, group = self.home(bp)
        member = Member(
            name=name,
            name_initials=self.initials[name],
            gender=gender,
            birth_date=birth,
            ethnicity=_pick(rng, ETHNICITIES),
            education=education,
            address=address,
            organization=bp.org,
            group=group,
            category=category,
            employer=employer,
            floating_direction=direction,
            floating_place=place,
            status=MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL,
            joined_on=joined,
            confirmed_on=confirmed,
            elderly=age >= 80,
            mobility_impaired=rng.random()
            < (0.3 if age >= 85 else 0.18 if age >= 80 else 0.04 if age >= 70 else 0),
            hardship=band == "old"
            and education in (Education.JUNIOR_OR_BELOW, Education.HIGH_SCHOOL)
            and rng.random() < 0.07,
        )
        member.id_number = self.id_number(region, birth, gender)
        member.phone = self.phone(age)
        if member.mobility_impaired:
            member.remarks = rng.choice(
                ["行动不便，需送学上门", "长期卧床", "因病行动不便，由结对党员定期走访"]
            )
        return _Row(member, bp, age, joined)

    # -- life events ---------------------------------------------------------------------------
    def day_between(self, start: dt.date, end: dt.date) -> dt.date | None:
        if end <= start:
            return None
        return start + dt.timedelta(days=self.rng.randrange((end - start).days))

    def counterpart(self) -> str:
        """The organization outside the system a member came from or went to."""
        rng, roll = self.rng, self.rng.random()
        if roll < 0.5:
            district = rng.choice(["鼓楼区", "秦淮区", "建邺区", "栖霞区", "江宁区", "雨花台区"])
            return f"南京市{district}{rng.choice(COUNTERPART_PLACES)}社区党委"
        place, _ = rng.choice(ELSEWHERE)
        if roll < 0.65:
            return f"{place}{rng.choice(['宏达', '新城', '华宇', '永安'])}{rng.choice(['建设', '科技', '商贸'])}有限公司党支部"
        return f"{place}{rng.choice(COUNTERPART_PLACES)}社区党委"

    def letter_no(self, day: dt.date) -> str:
        return f"〔{day.year}〕第{self.rng.randint(1, 999):03d}号"

    def transferred_out(
        self, bp: BranchPlan, day: dt.date | None = None, *, pending: bool = False, age: int | None = None
    ) -> _Row | None:
        rng = self.rng
        day = day or self.day_between(self.window_start, self.today - dt.timedelta(days=10))
        if day is None:
            return None
        band = "mid" if age is not None or rng.random() >= 0.35 else "young"
        row = self.person(bp, band=band, age=age, on=self.today, probationary_ok=False)
        m = row.member
        m.joined_on, m.confirmed_on = self.joined(m.birth_date, False, day)
        row.since = m.joined_on
        m.left_on = day
        report_by = add_months(day, rule("transfer_report_months"))
        reported = day + dt.timedelta(days=rng.randint(3, 50))
        row.memberships = [
            Membership(member=m, organization=bp.org, since=m.joined_on, until=day - dt.timedelta(days=1))
        ]
        row.transfers = [
            Transfer(
                member=m,
                direction=TransferDirection.OUT,
                date=day,
                from_org=bp.org,
                counterpart=self.counterpart(),
                letter_no=self.letter_no(day),
                report_by=report_by,
                reported_on=None if pending or reported > self.today else reported,
                reason=rng.choice(["工作调动", "搬迁", "随子女居住", "升学"]),
            )
        ]
        return row

    def deceased(self, bp: BranchPlan) -> _Row | None:
        rng = self.rng
        day = self.day_between(self.window_start, self.today - dt.timedelta(days=10))
        if day is None:
            return None
        low, high = _pick(rng, OLD_AGES[1:])
        row = self.person(bp, band="old", age=rng.randint(max(low, 72), high), on=day, probationary_ok=False)
        row.member.deceased_on = day
        row.memberships = [Membership(member=row.member, organization=bp.org, since=row.since, until=day)]
        return row


def _open_membership(row: _Row) -> None:
    if not row.memberships:
        row.memberships = [Membership(member=row.member, organization=row.bp.org, since=row.since)]


class _Builder:
    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.rng: random.Random = ctx.rng
        self.today: dt.date = ctx.today
        self.plan = plan_of(ctx)
        self.people = _People(ctx, self.plan)
        self.current: list[_Row] = []
        self.departed: list[_Row] = []
        self.stays: list[AbroadStay] = []
        self.seats: list[CommitteeSeat] = []
        self.secretary_left: dict[str, _Row] = {}  # branch code -> the secretary who transferred out

    def build(self) -> None:
        for bp in self.plan.branches:
            self.current.extend(self.people.person(bp) for _ in range(bp.size))
        self.leavers()
        self.transfers_in()
        self.internal_moves()
        self.lost_contact()
        self.abroad()
        self.overdue_probation()
        for row in self.current:
            _open_membership(row)
        self.save()
        self.fill_seats()

    def weighted_branches(self, flavors: tuple[str, ...]) -> tuple[list[BranchPlan], list[int]]:
        pool = [bp for bp in self.plan.branches if bp.flavor in flavors and bp.plant != "small"]
        return pool, [bp.size for bp in pool]

    def leavers(self) -> None:
        rng, people, today = self.rng, self.people, self.today
        total = sum(bp.size for bp in self.plan.branches)
        pool, weights = self.weighted_branches(("building", "grid", "community", "non_public"))
        # planted: a transfer out whose receipt never came back although the report deadline has passed
        late_pool = [
            (bp, w) for bp, w in zip(pool, weights, strict=True) if bp.org.pk != self.ctx.model_branch
        ]
        late = people.transferred_out(
            rng.choices([bp for bp, _ in late_pool], [w for _, w in late_pool])[0],
            today - dt.timedelta(days=rng.randint(120, 200)),
            pending=True,
        )
        if late is not None:
            self.departed.append(late)
            self.ctx.plant("MEM-004", late.bp.org)
            t = late.transfers[0]
            self.people.notes.append(
                f"转出党员逾期未报到（回执未返回）：{late.member.name}（{t.date:%Y-%m-%d}转往{t.counterpart}，"
                f"报到期限{t.report_by:%Y-%m-%d}）"
            )
        for _ in range(round(total * 0.03)):
            row = people.transferred_out(rng.choices(pool, weights)[0])
            if row is not None:
                self.departed.append(row)
        pool, weights = self.weighted_branches(("building", "grid", "community", "retired"))
        for _ in range(round(total * 0.035)):
            row = people.deceased(rng.choices(pool, weights)[0])
            if row is not None:
                self.departed.append(row)
        for bp in self.plan.branches:
            if bp.plant == "secretary_left":
                row = people.transferred_out(
                    bp, today - dt.timedelta(days=rng.randint(30, 75)), pending=True, age=rng.randint(45, 59)
                )
                if row is not None:
                    self.departed.append(row)
                    self.secretary_left[bp.org.code] = row

    def transfers_in(self) -> None:
        rng, today = self.rng, self.today
        planted = False
        for row in self.current:
            m = row.member
            if row.bp.flavor == "organ" or m.status != MemberStatus.FULL or rng.random() >= 0.06:
                continue
            day = self.people.day_between(
                max(self.people.window_start, m.confirmed_on + dt.timedelta(days=30)),
                today - dt.timedelta(days=15),
            )
            if day is None:
                continue
            report_by = add_months(day, rule("transfer_report_months"))
            reported = min(today, day + dt.timedelta(days=rng.randint(0, 25)))
            late = report_by + dt.timedelta(days=rng.randint(10, 40))
            if not planted and late <= today and row.bp.org.pk != self.ctx.model_branch:
                planted, reported = True, late
                self.ctx.plant("MEM-004", row.bp.org)
                self.people.notes.append(
                    f"转入党员逾期报到：{m.name}（介绍信{day:%Y-%m-%d}开具，报到期限{report_by:%Y-%m-%d}，"
                    f"{late:%Y-%m-%d}报到）"
                )
            row.since = day
            row.transfers.append(
                Transfer(
                    member=m,
                    direction=TransferDirection.IN,
                    date=day,
                    to_org=row.bp.org,
                    counterpart=self.people.counterpart(),
                    letter_no=self.people.letter_no(day),
                    report_by=report_by,
                    reported_on=reported,
                    reason=rng.choice(["退休后转入居住地", "工作调动", "搬迁", "随子女居住"]),
                )
            )

    def internal_moves(self) -> None:
        """Members moved between branches of one community: two membership periods and a transfer."""
        rng, today = self.rng, self.today
        for row in self.current:
            bp = row.bp
            if bp.flavor not in ("building", "grid") or row.transfers or rng.random() >= 0.012:
                continue
            siblings = [
                o
                for o in self.plan.branches
                if o.community is bp.community
                and o is not bp
                and o.flavor in ("building", "grid")
                and o.plant != "small"
            ]
            day = self.people.day_between(
                max(self.people.window_start, row.since + dt.timedelta(days=60)),
                today - dt.timedelta(days=15),
            )
            if not siblings or day is None:
                continue
            source = rng.choice(siblings)
            row.memberships = [
                Membership(
                    member=row.member,
                    organization=source.org,
                    since=row.since,
                    until=day - dt.timedelta(days=1),
                ),
                Membership(member=row.member, organization=bp.org, since=day),
            ]
            row.since = day
            row.transfers.append(
                Transfer(
                    member=row.member,
                    direction=TransferDirection.INTERNAL,
                    date=day,
                    from_org=source.org,
                    to_org=bp.org,
                    reported_on=day,
                    reason="搬迁至本社区其他小区",
                )
            )

    def candidates(self, low: int, high: int, flavors: tuple[str, ...]) -> list[_Row]:
        return [
            r
            for r in self.current
            if low <= r.age <= high
            and r.bp.flavor in flavors
            and r.bp.plant != "small"
            and r.bp.org.pk != self.ctx.model_branch
            and r.member.status == MemberStatus.FULL
            and r.member.lost_contact_since is None
            and not r.abroad
        ]

    def lost_contact(self) -> None:
        rng, today = self.rng, self.today
        pool = [
            r
            for r in self.candidates(23, 59, ("building", "grid", "community"))
            if r.member.category != MemberCategory.IN_SERVICE
        ]
        months = rule("lost_contact_months")
        count = min(len(pool), max(3, round(len(self.current) * 0.004)))
        long_lost = []
        for i, row in enumerate(rng.sample(pool, count)):
            days = rng.randint(20, 150) if i % 3 == 2 else rng.randint(200, 1100)
            since = max(today - dt.timedelta(days=days), row.since + dt.timedelta(days=30))
            if since > today:
                continue
            row.member.lost_contact_since = since
            row.member.remarks = "多次电话、上门联系未果"
            if add_months(since, months) <= today:
                long_lost.append(row.member)
                self.ctx.plant("MEM-001", row.bp.org)
        if long_lost:
            examples = "、".join(f"{m.name}（{m.lost_contact_since:%Y-%m-%d}起）" for m in long_lost[:3])
            self.people.notes.append(f"失联满{months}个月的党员{len(long_lost)}名：{examples}等")

    def abroad(self) -> None:
        rng, today = self.rng, self.today
        pool = [
            r
            for r in self.candidates(45, 75, ("building", "grid", "community", "retired"))
            if r.member.category == MemberCategory.RESIDENT
        ]
        count = min(len(pool), max(3, round(len(self.current) * 0.003)))
        keep = rule("abroad_keep_years")
        for i, row in enumerate(rng.sample(pool, count)):
            destination, purpose = rng.choice(DESTINATIONS)
            returned = None
            if i == 0:  # planted: the kept period has run out and nobody acted
                left = add_years(today, -(keep + 1)) + dt.timedelta(days=rng.randint(0, 200))
                kept = add_years(left, keep)
            elif i == 1:
                left = today - dt.timedelta(days=rng.randint(900, 1400))
                kept, returned = add_years(left, keep), left + dt.timedelta(days=rng.randint(200, 700))
            else:
                left = today - dt.timedelta(days=rng.randint(60, 1400))
                kept = add_years(left, rng.choice([2, 3, keep]))
                if kept < today + dt.timedelta(days=30):
                    kept = add_years(left, keep)
            if left <= row.since:
                continue
            row.abroad = True
            self.stays.append(
                AbroadStay(
                    member=row.member,
                    destination=destination,
                    purpose=purpose,
                    left_on=left,
                    kept_until=kept,
                    returned_on=returned,
                )
            )
            if i == 0:
                self.ctx.plant("MEM-003", row.bp.org)
                self.people.notes.append(
                    f"出国（境）党员保留组织关系期满未处理：{row.member.name}（{destination}，{kept:%Y-%m-%d}到期）"
                )

    def overdue_probation(self) -> None:
        """Planted: a probationary member whose year of probation ended without confirmation."""
        for row in self.current:
            m = row.member
            if (
                m.status == MemberStatus.PROBATIONARY
                and not row.transfers
                and row.bp.org.pk != self.ctx.model_branch
                and add_years(m.birth_date, 18) <= self.today - dt.timedelta(days=460)  # admitted as an adult
            ):
                m.joined_on = max(
                    self.today - dt.timedelta(days=self.rng.randint(400, 460)), add_years(m.birth_date, 18)
                )
                row.since = m.joined_on
                self.ctx.plant("MEM-005", row.bp.org)
                self.people.notes.append(
                    f"预备期满未讨论转正：{m.name}（{row.bp.org.name}，{m.joined_on:%Y-%m-%d}接收为预备党员）"
                )
                return

    # -- writing ---------------------------------------------------------------------------------
    def save(self) -> None:
        rows = self.current + self.departed
        members = [r.member for r in rows]
        Member.objects.bulk_create(members, batch_size=500)
        Membership.objects.bulk_create([m for r in rows for m in r.memberships], batch_size=1000)
        Transfer.objects.bulk_create([t for r in rows for t in r.transfers], batch_size=1000)
        AbroadStay.objects.bulk_create(self.stays, batch_size=500)
        self.ctx.members = members
        self.notes = self.people.notes

    def fill_seats(self) -> None:
        rng = self.rng
        current_of = {c.organization.code: c for c in self.plan.committees if c.is_current}
        community_codes = {c.code for c in self.plan.community_orgs}
        rows_by_branch: dict[str, list[_Row]] = {}
        rows_by_community: dict[str, list[_Row]] = {}
        organ_by_street: dict[str, list[_Row]] = {}
        for row in self.current:
            m = row.member
            if m.status != MemberStatus.FULL or m.lost_contact_since or row.abroad:
                continue
            rows_by_branch.setdefault(row.bp.org.code, []).append(row)
            if row.bp.flavor == "organ":
                organ_by_street.setdefault(row.bp.street.code, []).append(row)
            else:
                rows_by_community.setdefault(row.bp.community.code, []).append(row)
        plans = {bp.org.code: bp for bp in self.plan.branches}
        full_count: dict[str, int] = {}
        for row in self.current:
            if row.member.status == MemberStatus.FULL:
                full_count[row.bp.org.code] = full_count.get(row.bp.org.code, 0) + 1
        for committee in self.plan.committees:
            org: Organization = committee.organization
            if org.kind == OrgKind.STREET_COMMITTEE:
                pool, ages = organ_by_street.get(org.code, []), (28, 60)
            elif org.code in community_codes and org.kind != OrgKind.BRANCH:
                pool, ages = rows_by_community.get(org.code, []), (30, 62)
            else:
                pool, ages = rows_by_branch.get(org.code, []), (35, 72)
            pool = [r for r in pool if r.since <= committee.elected_on]
            preferred = [r for r in pool if ages[0] <= r.age <= ages[1]]
            in_service = [r for r in pool if r.member.category == MemberCategory.IN_SERVICE]
            until = None if committee.is_current else current_of[org.code].elected_on - dt.timedelta(days=1)
            left = self.secretary_left.get(org.code) if committee.is_current else None
            taken: set[int] = set()
            for k, (role, part_time) in enumerate(
                self.roles(org, plans.get(org.code), full_count.get(org.code, 0))
            ):
                if k == 0 and left is not None:
                    holder = left
                    self.people.notes.append(
                        f"书记职务空缺：{left.bp.community.name} {org.name}（原书记{left.member.name}已于"
                        f"{left.member.left_on:%Y-%m-%d}转出，尚未补选）"
                    )
                else:
                    options = [r for r in (in_service if part_time else preferred) if id(r) not in taken]
                    options = options or [r for r in pool if id(r) not in taken]
                    if not options:
                        break
                    holder = rng.choice(options)
                taken.add(id(holder))
                self.seats.append(
                    CommitteeSeat(
                        committee=committee,
                        member=holder.member,
                        role=role,
                        part_time=part_time,
                        since=committee.elected_on,
                        until=holder.member.left_on if holder is left else until,
                    )
                )
        CommitteeSeat.objects.bulk_create(self.seats, batch_size=1000)

    def roles(self, org: Organization, bp: BranchPlan | None, full: int) -> list[tuple[str, bool]]:
        r = CommitteeRole
        if org.kind == OrgKind.STREET_COMMITTEE:
            names = [
                r.SECRETARY,
                r.DEPUTY_SECRETARY,
                r.DEPUTY_SECRETARY,
                r.ORGANIZATION,
                r.PROPAGANDA,
                r.DISCIPLINE,
                r.MEMBER,
            ]
            return [(n, False) for n in names]
        if org.kind in (OrgKind.COMMUNITY_COMMITTEE, OrgKind.GENERAL_BRANCH):
            base = [
                (n, False)
                for n in (r.SECRETARY, r.DEPUTY_SECRETARY, r.ORGANIZATION, r.PROPAGANDA, r.DISCIPLINE)
            ]
            if org.kind == OrgKind.COMMUNITY_COMMITTEE:
                base += [(r.MEMBER, True)] * self.rng.randint(0, 2)  # 兼职委员 from resident units
            return base
        if (bp is not None and bp.plant == "committee_missing") or full < rule(
            "branch_committee_min_full_members"
        ):
            extra = (
                [(r.DEPUTY_SECRETARY, False)]
                if full >= 4 and self.rng.random() < 0.3 and bp and not bp.plant
                else []
            )
            return [(r.SECRETARY, False), *extra]
        if full < 25:
            return [(r.SECRETARY, False), (r.ORGANIZATION, False), (r.PROPAGANDA, False)]
        return [
            (n, False) for n in (r.SECRETARY, r.DEPUTY_SECRETARY, r.ORGANIZATION, r.PROPAGANDA, r.DISCIPLINE)
        ]


def build(ctx: Any) -> None:
    builder = _Builder(ctx)
    builder.build()
    ctx.notes.extend(builder.people.notes)
    history_date = timezone.now()
    Member.history.bulk_history_create(
        ctx.members, default_date=history_date, default_change_reason="演示数据"
    )
    CommitteeSeat.history.bulk_history_create(
        builder.seats, default_date=history_date, default_change_reason="演示数据"
    )
    AbroadStay.history.bulk_history_create(
        builder.stays, default_date=history_date, default_change_reason="演示数据"
    )
