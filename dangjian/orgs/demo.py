"""Demo data, organizations: street committees, communities, branches, groups, committees (their
terms; the members builder fills their seats) and partner units, shaped like seed 003's 玄武区
(8 streets, 66 communities, 党委 at 100 full members, 党总支 at 50, building branches with 楼道小组).

The plan of what was built (branch flavours, target sizes, buildings, planted problems) is handed
to the members builder as `ctx.demo_plan` (see `plan_of`).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from dangjian.core.demo import SCALES
from dangjian.core.rules import rule
from dangjian.lib.names import person_name
from dangjian.lib.periods import add_years
from dangjian.orgs.models import BranchBasis, Committee, Organization, OrgKind, PartnerKind, PartnerUnit

LOCALITY = "江苏省南京市玄武区"
REGION = "320102"  # the locality's administrative code: the first six digits of local ID numbers
CITY = "南京市玄武区"

# Scale parameters beyond core.demo.SCALES: how many street committees; "tiny" is for tests only.
STREETS = {"street": 1, "district": 8, "tiny": 1}
TINY = {"communities": 4, "members": 380, "sizes": [170, 64, 36]}  # one community of each kind (+1 planted)

# Planted structure problems per scale: (small branches, large branches, kind mismatches,
# expired branch terms, expired community terms)
PLANTS = {
    "tiny": (1, 1, 1, 1, 1),
    "street": (2, 1, 1, 3, 1),
    "district": (4, 2, 3, 8, 4),
}

STREET_NAMES = ["玄武门", "新街口", "玄武湖", "锁金村", "后宰门", "梅园新村", "红山", "孝陵卫"]
STREET_CODES = ["XWM", "XJK", "XWH", "SJC", "HZM", "MYX", "HS", "XLW"]
COMMUNITY_PLACES = [
    "香铺营",
    "唱经楼",
    "北门桥",
    "丹凤街",
    "进香河",
    "成贤街",
    "兰园",
    "大树根",
    "樱铁村",
    "童卫路",
    "卫岗",
    "中山门",
    "长江路",
    "珠江路",
    "严家桥",
    "百子亭",
    "天山路",
    "东宝路",
    "碑亭巷",
    "太平门",
    "龙蟠里",
    "板仓",
    "岗子村",
    "蓝旗",
    "锁金新村",
    "仙鹤门",
    "九华山",
    "鸡鸣寺",
    "北极阁",
    "花园路",
    "富贵山",
    "梅园",
    "大悲巷",
    "高楼门",
    "傅厚岗",
    "虹苑",
    "新庄",
    "红山",
    "北苑",
    "紫金",
    "钟山",
    "王府园",
    "莲花",
    "四牌楼",
    "南昌路",
    "同仁",
    "营苑",
    "玄武门",
    "清溪路",
    "后宰门",
    "龙脖子",
    "邓府巷",
    "吉兆营",
    "户部街",
    "复成新村",
    "太阳宫",
    "中央门",
    "和燕路",
    "迈皋桥",
    "马群",
    "孝陵卫",
    "卫桥",
    "白马",
    "徐庄",
    "环陵路",
    "仁寿",
    "丹凤",
    "将军庙",
]
ESTATE_SUFFIXES = ["小区", "新村", "花苑", "花园", "家园", "公寓", "苑"]
ESTATE_WORDS = [
    "紫金",
    "钟山",
    "玄湖",
    "樱花",
    "龙蟠",
    "太平",
    "明城",
    "金墙",
    "文昌",
    "瑞金",
    "华侨",
    "御道",
    "聚福",
    "锦绣",
    "翠竹",
    "梧桐",
    "东方",
    "长城",
    "复兴",
    "和平",
    "幸福",
    "怡景",
    "康乐",
    "阳光",
    "清风",
    "春晖",
    "丽景",
    "天润",
    "晨光",
    "安居",
]
ROADS = [
    "北京东路",
    "中山路",
    "珠江路",
    "龙蟠路",
    "太平北路",
    "进香河路",
    "丹凤街",
    "中央路",
    "玄武大道",
    "板仓街",
    "童卫路",
    "卫岗",
    "孝陵卫街",
]
ENTERPRISE_WORDS = [
    "华信",
    "金陵",
    "博远",
    "恒达",
    "同创",
    "汇智",
    "嘉禾",
    "鼎盛",
    "启航",
    "瑞丰",
    "中联",
    "天成",
    "明德",
    "紫辰",
    "宁康",
    "新科",
]
ENTERPRISE_TRADES = [
    "科技有限公司",
    "物业管理有限公司",
    "商贸有限公司",
    "软件有限公司",
    "建设工程有限公司",
    "餐饮管理有限公司",
    "文化传媒有限公司",
    "医疗器械有限公司",
]
DISTRICT_UNITS = [
    "人民法院",
    "人民检察院",
    "市场监督管理局",
    "城市管理局",
    "财政局",
    "教育局",
    "卫生健康委员会",
    "住房和城乡建设局",
    "民政局",
    "司法局",
    "人力资源和社会保障局",
    "统计局",
    "税务局",
    "文化和旅游局",
]
BANKS = ["中国工商银行", "中国建设银行", "中国银行", "交通银行", "南京银行", "江苏银行", "中国农业银行"]
NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    if n < 20:
        return "十" + NUMERALS[n - 11]
    return NUMERALS[n // 10 - 1] + "十" + (NUMERALS[n % 10 - 1] if n % 10 else "")


@dataclass
class GroupPlan:
    org: Organization
    buildings: list[int]  # empty when the group is not formed by building


@dataclass
class BranchPlan:
    """One organization that holds members directly (a branch, or a community-level branch)."""

    org: Organization
    community: Organization  # the community-level organization (the street for its organ branch)
    street: Organization
    flavor: str  # building, grid, retired, non_public, organ, community
    size: int  # current members to create
    estate: str = ""
    buildings: list[int] = field(default_factory=list)
    employer: str = ""
    groups: list[GroupPlan] = field(default_factory=list)
    plant: str = ""  # small, large, committee_missing, secretary_left, term_expired


@dataclass
class DemoPlan:
    region: str
    streets: list[Organization] = field(default_factory=list)
    community_orgs: list[Organization] = field(default_factory=list)  # every community-level org
    branches: list[BranchPlan] = field(default_factory=list)
    committees: list[Committee] = field(default_factory=list)  # current and previous terms, seats to fill
    estates: dict[str, list[str]] = field(default_factory=dict)  # community code -> estate names
    employers: list[str] = field(default_factory=list)  # employers of in-service members
    notes: list[str] = field(default_factory=list)


def plan_of(ctx: Any) -> DemoPlan:
    plan = getattr(ctx, "demo_plan", None)
    if plan is None:
        raise RuntimeError("the organizations demo builder must run before this one")
    return plan


def scale_params(scale: str) -> dict[str, Any]:
    params: dict[str, Any] = dict(SCALES.get(scale) or TINY)
    params["streets"] = STREETS.get(scale, 1)
    return params


def _days_before(today: dt.date, rng: random.Random, low: int, high: int) -> dt.date:
    return today - dt.timedelta(days=rng.randint(low, high))


def _community_sizes(rng: random.Random, count: int, total: int) -> list[int]:
    """Members per community: skewed like real communities, kept clear of the 党委/党总支 thresholds so
    that only planted mismatches trip the kind rule."""
    weights = [rng.lognormvariate(0, 0.5) for _ in range(count)]
    scale = total / sum(weights)
    sizes = []
    for w in weights:
        s = max(18, round(w * scale))
        if 94 <= s < 108:
            s = 108 if s >= 101 else 91
        elif 46 <= s < 56:
            s = 56 if s >= 51 else 45
        sizes.append(s)
    return sizes


def _kind_for(size: int) -> str:
    if size >= rule("committee_min_full_members"):
        return OrgKind.COMMUNITY_COMMITTEE
    if size >= rule("general_branch_min_full_members"):
        return OrgKind.GENERAL_BRANCH
    return OrgKind.BRANCH


def _split(rng: random.Random, total: int, parts: int, low: int, high: int) -> list[int]:
    sizes = [total // parts + (1 if i < total % parts else 0) for i in range(parts)]
    for i in range(parts - 1):
        shift = rng.randint(-6, 6)
        a, b = sizes[i] + shift, sizes[i + 1] - shift
        if low <= a <= high and low <= b <= high:
            sizes[i], sizes[i + 1] = a, b
    return sizes


class _TreeBuilder:
    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.rng: random.Random = ctx.rng
        self.today: dt.date = ctx.today
        self.plan = DemoPlan(region=REGION)
        self.levels: list[list[Organization]] = [[], [], [], []]  # by depth, for bulk inserts
        self.ordered: list[Organization] = []  # tree order (pre-order)
        self.partners: list[PartnerUnit] = []
        self.used_estates: set[str] = set()
        self.expired_communities: set[str] = set()
        self.mismatched: set[str] = set()  # codes of the communities planted with a kind mismatch

    # -- organizations ---------------------------------------------------------------------------
    def org(self, depth: int, **fields: Any) -> Organization:
        org = Organization(**fields)
        self.levels[depth].append(org)
        self.ordered.append(org)
        return org

    def estates_for(self, place: str, count: int) -> list[str]:
        names = [f"{place}小区"]
        while len(names) < count:
            name = self.rng.choice(ESTATE_WORDS) + self.rng.choice(ESTATE_SUFFIXES)
            if name not in self.used_estates:
                names.append(name)
        self.used_estates.update(names)
        return names

    def build(self) -> DemoPlan:
        rng, params = self.rng, scale_params(self.ctx.scale)
        n_streets, n_comm = params["streets"], params["communities"]
        per_street = [n_comm // n_streets + (1 if i < n_comm % n_streets else 0) for i in range(n_streets)]
        organ_sizes = [rng.randint(10, 16) for _ in range(n_streets)]
        n_small, n_large, n_mismatch, n_branch_expired, n_comm_expired = PLANTS.get(
            self.ctx.scale, PLANTS["district"]
        )
        # planted: communities whose kind no longer fits their count (a 社区党委 under 100, a 党总支 under 50)
        mismatch = {
            i: (rng.randint(38, 45), OrgKind.GENERAL_BRANCH)
            if k % 3 == 2
            else (rng.randint(82, 93), OrgKind.COMMUNITY_COMMITTEE)
            for k, i in enumerate(rng.sample(range(1, n_comm), min(n_mismatch, n_comm - 1)))
        }
        others = (
            list(params["sizes"])
            if "sizes" in params
            else _community_sizes(
                rng,
                n_comm - len(mismatch),
                params["members"] - sum(organ_sizes) - sum(s for s, _ in mismatch.values()),
            )
        )
        sizes = [mismatch[i][0] if i in mismatch else others.pop(0) for i in range(n_comm)]
        # The first community is a full community committee with several branches (the demo's walk-through).
        first_big = max((i for i in range(per_street[0]) if i not in mismatch), key=lambda i: sizes[i])
        sizes[0], sizes[first_big] = sizes[first_big], sizes[0]
        sizes[0] = max(sizes[0], 160)
        kinds = [mismatch[i][1] if i in mismatch else _kind_for(sizes[i]) for i in range(n_comm)]
        places = rng.sample(COMMUNITY_PLACES, n_comm)

        index = 0
        for s in range(n_streets):
            street = self.street(s, organ_sizes[s])
            for c in range(per_street[s]):
                self.community(street, c + 1, places[index], kinds[index], sizes[index], index in mismatch)
                index += 1
        self.plant(n_small, n_large, n_branch_expired, n_comm_expired)
        self.committees()
        return self.plan

    def street(self, index: int, organ_size: int) -> Organization:
        name = STREET_NAMES[index]
        street = self.org(
            0,
            code=STREET_CODES[index],
            name=f"{name}街道党工委",
            kind=OrgKind.STREET_COMMITTEE,
            locality=LOCALITY,
            founded_on=dt.date(2006, 4, 1),
            address=f"{CITY}{self.rng.choice(ROADS)}{self.rng.randint(1, 300)}号",
            sort_order=index,
        )
        self.plan.streets.append(street)
        organ = self.org(
            1,
            code=f"{street.code}-JG",
            name=f"{name}街道机关党支部",
            kind=OrgKind.BRANCH,
            basis=BranchBasis.OTHER,
            parent=street,
            founded_on=dt.date(2006, 4, 1),
            sort_order=0,
        )
        self.plan.branches.append(
            BranchPlan(organ, street, street, "organ", organ_size, employer=f"{name}街道办事处")
        )
        return street

    def community(
        self, street: Organization, number: int, place: str, kind: str, size: int, mismatch: bool
    ) -> None:
        rng = self.rng
        label = {OrgKind.COMMUNITY_COMMITTEE: "社区党委", OrgKind.GENERAL_BRANCH: "社区党总支"}.get(
            kind, "社区党支部"
        )
        founded = (
            dt.date(2006, 4, 1)
            if rng.random() < 0.8
            else dt.date(rng.randint(2007, 2015), rng.randint(1, 12), 1)
        )
        comm = self.org(
            1,
            code=f"{street.code}-{number:02d}",
            name=f"{place}{label}",
            kind=kind,
            parent=street,
            founded_on=founded,
            address=f"{CITY}{rng.choice(ROADS)}{rng.randint(1, 300)}号",
            sort_order=number,
            basis=BranchBasis.OTHER if kind == OrgKind.BRANCH else "",
        )
        self.plan.community_orgs.append(comm)
        estates = self.estates_for(place, 2 if size < 120 else rng.randint(3, 4))
        self.plan.estates[comm.code] = estates
        self.partner_units(comm, place)
        if mismatch:
            self.mismatched.add(comm.code)
            self.plan.notes.append(
                f"组织类别与党员人数不符：{comm.name}（{OrgKind(kind).label}，党员仅约{size}名）"
            )
        if kind == OrgKind.BRANCH:
            bp = BranchPlan(comm, comm, street, "community", size, estate=estates[0])
            bp.buildings = list(range(1, max(3, size // 6) + 1))
            self.plan.branches.append(bp)
            self.groups(bp, 1 if size < 15 else 2 if size < 30 else 3)
            return

        parts: list[tuple[str, int]] = []
        rest = size
        if size >= 60 and rng.random() < (0.6 if kind == OrgKind.COMMUNITY_COMMITTEE else 0.3):
            parts.append(("non_public", rng.randint(5, 9)))
        if kind == OrgKind.COMMUNITY_COMMITTEE and size >= 150 and rng.random() < 0.4:
            parts.append(("retired", rng.randint(15, 30)))
        rest -= sum(n for _, n in parts)
        count = max(2, round(rest / rng.uniform(17, 25)))  # seed 003: ~20 members a branch
        sized = [("building" if rng.random() < 0.7 else "grid", n) for n in _split(rng, rest, count, 8, 47)]
        sized[0] = ("building", sized[0][1])
        next_building = {e: 1 for e in estates}
        grid_no = 0
        for i, (flavor, n) in enumerate(sized + parts, start=1):
            code = f"{comm.code}-{i:02d}"
            if flavor in ("building", "grid"):
                estate = estates[min(len(estates) - 1, (i - 1) * len(estates) // len(sized))]
                span = max(2, n // 6)
                lo = next_building[estate]
                next_building[estate] = lo + span
                buildings = list(range(lo, lo + span))
                if flavor == "building":
                    name, basis = f"{estate}{lo}-{lo + span - 1}幢党支部", BranchBasis.BUILDING
                else:
                    grid_no += 1
                    name, basis = f"{place}社区第{chinese_number(grid_no)}网格党支部", BranchBasis.GRID
                employer = ""
            elif flavor == "retired":
                estate, buildings = estates[-1], []
                name, basis, employer = f"{place}社区离退休党员党支部", BranchBasis.RETIRED, ""
            else:
                estate, buildings = estates[-1], []
                employer = f"南京{rng.choice(ENTERPRISE_WORDS)}{rng.choice(ENTERPRISE_TRADES)}"
                name, basis = f"{employer}党支部", BranchBasis.NON_PUBLIC
            org = self.org(
                2,
                code=code,
                name=name,
                kind=OrgKind.BRANCH,
                basis=basis,
                parent=comm,
                sort_order=i,
                founded_on=max(comm.founded_on, dt.date(rng.randint(2006, 2019), rng.randint(1, 12), 1)),
            )
            bp = BranchPlan(
                org, comm, street, flavor, n, estate=estate, buildings=buildings, employer=employer
            )
            self.plan.branches.append(bp)
            if employer:
                self.plan.employers.append(employer)
            if flavor != "non_public":
                self.groups(bp, 0 if n < 10 else min(4, max(2, n // 13)))

    def groups(self, bp: BranchPlan, count: int) -> None:
        if count == 0:
            return
        depth = 2 if bp.flavor == "community" else 3
        chunks = [
            bp.buildings[i * len(bp.buildings) // count : (i + 1) * len(bp.buildings) // count]
            for i in range(count)
        ]
        for g, buildings in enumerate(chunks, start=1):
            if buildings and bp.flavor == "building":
                name = (
                    f"{buildings[0]}幢党小组"
                    if len(buildings) == 1
                    else f"{buildings[0]}-{buildings[-1]}幢党小组"
                )
            else:
                name = f"第{chinese_number(g)}党小组"
            org = self.org(
                depth,
                code=f"{bp.org.code}-{g}",
                name=name,
                kind=OrgKind.GROUP,
                parent=bp.org,
                founded_on=bp.org.founded_on,
                sort_order=g,
            )
            bp.groups.append(GroupPlan(org, buildings))

    def partner_units(self, comm: Organization, place: str) -> None:
        rng = self.rng
        units = [
            (PartnerKind.RESIDENT_UNIT, f"{rng.choice(BANKS)}南京{place}支行"),
            (PartnerKind.DUAL_REPORT, f"南京市玄武区{rng.choice(DISTRICT_UNITS)}"),
        ]
        if rng.random() < 0.6:
            units.append(
                (PartnerKind.RESIDENT_UNIT, f"南京市{place}{rng.choice(['小学', '中学', '幼儿园'])}")
            )
        if rng.random() < 0.5:
            units.append((PartnerKind.PAIRED, f"南京市玄武区{rng.choice(DISTRICT_UNITS)}机关党支部"))
        if rng.random() < 0.3:
            units.append(
                (
                    PartnerKind.DUAL_REPORT,
                    f"南京{rng.choice(ENTERPRISE_WORDS)}{rng.choice(ENTERPRISE_TRADES)}",
                )
            )
        seen: list[str] = []
        for kind, name in units:
            if name in seen:
                continue
            seen.append(name)
            self.plan.employers.append(name.removesuffix("机关党支部"))
            self.partners.append(
                PartnerUnit(
                    organization=comm,
                    name=name,
                    kind=kind,
                    contact_person=person_name(
                        rng, "M" if rng.random() < 0.5 else "F", rng.randint(1965, 1992)
                    ),
                    agreement_on=_days_before(self.today, rng, 90, 2500),
                    note="双结对、双促进"
                    if kind == PartnerKind.PAIRED
                    else ("在职党员到社区报到" if kind == PartnerKind.DUAL_REPORT else ""),
                )
            )

    # -- planted structure problems ----------------------------------------------------------------
    def plant(self, n_small: int, n_large: int, n_branch_expired: int, n_comm_expired: int) -> None:
        rng = self.rng
        first_comm, first_branch = self.plan.community_orgs[0], self.first_branch()

        def building_branches(comm: Organization) -> list[BranchPlan]:
            return [o for o in self.plan.branches if o.community is comm and o.flavor in ("building", "grid")]

        eligible = [
            bp
            for bp in self.plan.branches
            if bp.flavor in ("building", "grid")
            and bp is not first_branch
            and len(building_branches(bp.community)) >= 3
        ]
        first = [bp for bp in eligible if bp.community is first_comm]
        others = [bp for bp in eligible if bp.community is not first_comm]
        rng.shuffle(others)
        remaining = (
            ["small"] * n_small
            + ["term_expired"] * n_branch_expired
            + ["large"] * n_large
            + ["committee_missing", "secretary_left"]
        )
        # the first community shows the commonest problems to its community worker
        for bp, what in zip(first, ["small", "term_expired"], strict=False):
            bp.plant = what
            remaining.remove(what)
        pool = others + first[2:]
        for what in remaining:
            bp = next(
                (o for o in pool if not o.plant and self.plantable(what, o, building_branches(o.community))),
                None,
            )
            if bp is not None:
                bp.plant = what
        for bp in self.plan.branches:
            if bp.plant == "large":
                bp.size = rng.randint(52, 58)
        for bp in self.plan.branches:
            if bp.plant == "small":
                self.shrink(bp, 2, [o for o in building_branches(bp.community) if not o.plant])
                for g in bp.groups:  # two members form no group
                    self.levels[3 if bp.flavor != "community" else 2].remove(g.org)
                    self.ordered.remove(g.org)
                bp.groups = []
        comms = self.plan.community_orgs[1:]
        self.expired_communities = {c.code for c in rng.sample(comms, min(n_comm_expired, len(comms)))}

    def plantable(self, what: str, bp: BranchPlan, siblings: list[BranchPlan]) -> bool:
        """Whether `bp` may carry the problem without breaking another rule by accident."""
        mismatched = self.mismatched
        if what == "small":  # its members go to its siblings: one per community, three siblings at least
            return len(siblings) >= 4 and not any(b.plant == "small" for b in siblings)
        if what == "large":  # the growth must leave the community a 社区党委, and not hide a planted mismatch
            return bp.community.kind == OrgKind.COMMUNITY_COMMITTEE and bp.community.code not in mismatched
        if what == "committee_missing":  # 7 full members or more
            return bp.size >= 12
        return True

    def shrink(self, bp: BranchPlan, size: int, siblings: list[BranchPlan]) -> None:
        """A branch down to `size` members; its unplanted siblings absorb the rest (each to the smallest
        first), so that the community's kind still fits its count and no sibling grows past 50."""
        moved, bp.size = bp.size - size, size
        for _ in range(moved if siblings else 0):
            smallest = min(siblings, key=lambda o: o.size)
            if smallest.size >= 47:
                break
            smallest.size += 1

    def first_branch(self) -> BranchPlan:
        first_comm = self.plan.community_orgs[0]
        return next(bp for bp in self.plan.branches if bp.community is first_comm)

    # -- writing ---------------------------------------------------------------------------------
    def save(self) -> None:
        """Insert level by level (a child needs its parent's pk); the materialized path needs the row's
        own pk, so it is set by one UPDATE per level from the parent's path."""
        for depth, orgs in enumerate(self.levels):
            Organization.objects.bulk_create(orgs, batch_size=500)
            parent_path = (
                Value("/")
                if depth == 0
                else Subquery(Organization.objects.filter(pk=OuterRef("parent_id")).values("path")[:1])
            )
            Organization.objects.filter(pk__in=[o.pk for o in orgs]).update(
                path=Concat(parent_path, Cast("id", CharField()), Value("/"), output_field=CharField()),
                depth=depth,
            )
            for org in orgs:
                org.path = (org.parent.path if org.parent is not None else "/") + f"{org.pk}/"
                org.depth = depth
        PartnerUnit.objects.bulk_create(self.partners, batch_size=500)
        Committee.objects.bulk_create(self.plan.committees, batch_size=500)

    def committees(self) -> None:
        """Each organization's current term (and the one before, above branch level); founding dates
        moved before the first election where needed. Seats are the members builder's."""
        rng, today = self.rng, self.today
        plans = {bp.org.code: bp for bp in self.plan.branches}
        community_codes = {c.code for c in self.plan.community_orgs}
        current: list[Committee] = []
        model = self.first_branch().org  # the model branch (示范党支部) keeps its committee history too
        for org in self.ordered:
            if org.kind == OrgKind.GROUP:
                continue
            term = int(rule("term_years").get(org.kind, 3))
            community_level = org.code in community_codes
            bp = plans.get(org.code)
            expired = (bp is not None and bp.plant == "term_expired") or org.code in self.expired_communities
            if expired:
                elected = add_years(today, -term) - dt.timedelta(days=rng.randint(60, 400))
                kind_label = "社区党组织" if community_level else "党支部"
                self.plan.notes.append(
                    f"任期届满未换届：{org.name}（{kind_label}，{add_years(elected, term):%Y-%m-%d}届满）"
                )
            else:
                elected = _days_before(today, rng, 60, term * 365 - 60)
            if org.founded_on and org.founded_on > elected - dt.timedelta(days=30):
                org.founded_on = elected - dt.timedelta(days=rng.randint(30, 400))
            director = community_level and org.kind != OrgKind.STREET_COMMITTEE and rng.random() < 0.74
            current.append(
                Committee(
                    organization=org,
                    elected_on=elected,
                    term_years=term,
                    is_current=True,
                    secretary_is_director=director,
                    ends_on=add_years(elected, term),
                )
            )
            if community_level or org.kind == OrgKind.STREET_COMMITTEE or org is model:
                prev = add_years(elected, -term) - dt.timedelta(days=rng.randint(0, 60))
                if org is model and org.founded_on and org.founded_on >= prev:
                    org.founded_on = prev - dt.timedelta(days=rng.randint(30, 400))
                if org.founded_on and prev > org.founded_on:
                    current.append(
                        Committee(
                            organization=org,
                            elected_on=prev,
                            term_years=term,
                            is_current=False,
                            secretary_is_director=director and rng.random() < 0.8,
                            ends_on=add_years(prev, term),
                        )
                    )
        self.plan.committees = current


def layout(ctx: Any) -> DemoPlan:
    """What `build` would create, without writing anything (for sizing and tests)."""
    return _TreeBuilder(ctx).build()


def build(ctx: Any) -> None:
    builder = _TreeBuilder(ctx)
    plan = builder.build()
    builder.save()
    for bp in plan.branches:
        if bp.plant == "small":
            plan.notes.append(f"党支部正式党员不足3名：{bp.community.name} {bp.org.name}（党员{bp.size}名）")
        elif bp.plant == "large":
            plan.notes.append(f"党支部党员超过50名：{bp.community.name} {bp.org.name}（党员{bp.size}名）")
        elif bp.plant == "committee_missing":
            plan.notes.append(f"正式党员7名以上未设支部委员会：{bp.community.name} {bp.org.name}（仅设书记）")
    rules = {
        "small": "ORG-001",
        "large": "ORG-003",
        "committee_missing": "ORG-007",
        "term_expired": "ORG-004",
        "secretary_left": "ORG-005",
    }
    for bp in plan.branches:
        if bp.plant:
            ctx.plant(rules[bp.plant], bp.org)
    for comm in plan.community_orgs:
        if comm.code in builder.mismatched:
            ctx.plant("ORG-002", comm)
        if comm.code in builder.expired_communities:
            ctx.plant("ORG-004", comm)
    model = builder.first_branch()
    ctx.model_branch = model.org.pk
    plan.notes.append(f"示范党支部：{model.community.name} {model.org.name}（各项记录完整规范，自查体检应无问题）")
    ctx.notes.extend(plan.notes)
    ctx.street = plan.streets[0]
    ctx.organizations = list(builder.ordered)
    ctx.demo_plan = plan
    history_date = timezone.now()
    Organization.history.bulk_history_create(
        ctx.organizations, default_date=history_date, default_change_reason="演示数据"
    )
    Committee.history.bulk_history_create(
        plan.committees, default_date=history_date, default_change_reason="演示数据"
    )
    PartnerUnit.history.bulk_history_create(
        builder.partners, default_date=history_date, default_change_reason="演示数据"
    )
