"""The numbers of the scope on a date: organizations by kind, members by category, status, gender,
age band, education and ethnicity, secretaries serving as directors. Every figure is one aggregate
query over the subtree (no query per organization or member); the survey is seed 003's table."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q

from dangjian.lib.periods import add_years
from dangjian.members.models import AgeBand, Education, Gender, Member, MemberCategory, MemberStatus
from dangjian.orgs.models import Committee, CommitteeRole, Organization, OrgKind

AGE_BAND_ORDER = [AgeBand.UNDER_35, AgeBand.FROM_35_TO_59, AgeBand.FROM_60]


def members_on(root: Organization, on: dt.date):  # type: ignore[no-untyped-def]
    """Members on the books on `on`: joined by then, not yet transferred out or deceased."""
    return (
        Member.objects.filter(organization__path__startswith=root.path, joined_on__lte=on)
        .exclude(left_on__lte=on)
        .exclude(deceased_on__lte=on)
    )


@dataclass
class Breakdown:
    label: str
    rows: list[tuple[str, int]]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.rows)


def member_breakdowns(root: Organization, on: dt.date) -> list[Breakdown]:
    qs = members_on(root, on)
    b35, b60 = add_years(on, -35), add_years(on, -60)
    agg = qs.aggregate(
        total=Count("id"),
        **{f"g_{v}": Count("id", filter=Q(gender=v)) for v in Gender.values},
        **{f"s_{v}": Count("id", filter=Q(status=v)) for v in MemberStatus.values},
        **{f"c_{v}": Count("id", filter=Q(category=v)) for v in MemberCategory.values},
        **{f"e_{v}": Count("id", filter=Q(education=v)) for v in Education.values},
        a_under_35=Count("id", filter=Q(birth_date__gt=b35)),
        a_35_59=Count("id", filter=Q(birth_date__lte=b35, birth_date__gt=b60)),
        a_60_plus=Count("id", filter=Q(birth_date__lte=b60)),
    )
    ethnicity = Counter(dict(qs.values_list("ethnicity").annotate(n=Count("id"))))
    return [
        Breakdown("性别", [(label, agg[f"g_{v}"]) for v, label in Gender.choices]),
        Breakdown("年龄", [(AgeBand(v).label, agg[f"a_{v}"]) for v in AGE_BAND_ORDER]),
        Breakdown("学历", [(label, agg[f"e_{v}"]) for v, label in Education.choices]),
        Breakdown("党员类别", [(label, agg[f"c_{v}"]) for v, label in MemberCategory.choices]),
        Breakdown("党员状态", [(label, agg[f"s_{v}"]) for v, label in MemberStatus.choices]),
        Breakdown("民族", sorted(ethnicity.items(), key=lambda kv: (-kv[1], kv[0]))),
    ]


@dataclass
class OrgFigures:
    communities: int = 0  # community-level organizations: the street's (or district's streets') children
    community_committees: int = 0  # 社区党委
    community_branches: int = 0  # 社区党支部（总支）: community-level general branches and branches
    sub_branches: int = 0  # 楼幢（网格、两新）党支部 under a community organization
    general_branches_below: int = 0  # 党总支 under a community committee
    groups: int = 0  # 党小组（楼道小组）
    by_kind: list[tuple[str, int]] = field(default_factory=list)


def org_figures(root: Organization, on: dt.date) -> OrgFigures:
    orgs = list(
        Organization.objects.filter(path__startswith=root.path)
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=on))
        .exclude(dissolved_on__lte=on)
        .values("pk", "kind", "parent_id", "path")
    )
    kind_of = {o["pk"]: o["kind"] for o in orgs}
    f = OrgFigures()
    for o in orgs:
        parent_kind = kind_of.get(o["parent_id"])
        community_level = parent_kind == OrgKind.STREET_COMMITTEE
        if community_level:
            f.communities += 1
            if o["kind"] == OrgKind.COMMUNITY_COMMITTEE:
                f.community_committees += 1
            else:
                f.community_branches += 1
        elif o["kind"] == OrgKind.BRANCH:
            f.sub_branches += 1
        elif o["kind"] == OrgKind.GENERAL_BRANCH:
            f.general_branches_below += 1
        if o["kind"] == OrgKind.GROUP:
            f.groups += 1
    counts = Counter(o["kind"] for o in orgs)
    f.by_kind = [(label, counts.get(v, 0)) for v, label in OrgKind.choices]
    return f


def secretaries_as_directors(root: Organization, on: dt.date) -> tuple[int, int]:
    """(community-level organizations whose current secretary also directs the residents' committee,
    community-level organizations with a secretary)."""
    rows = (
        Committee.objects.filter(
            organization__parent__kind=OrgKind.STREET_COMMITTEE,
            organization__path__startswith=root.path,
            elected_on__lte=on,
            ends_on__gte=on,
        )
        .filter(seats__role=CommitteeRole.SECRETARY)
        .values("organization_id", "secretary_is_director")
        .distinct()
    )
    orgs = {r["organization_id"]: r["secretary_is_director"] for r in rows}
    return sum(1 for v in orgs.values() if v), len(orgs)


@dataclass
class Survey:
    root: Organization
    on: dt.date
    orgs: OrgFigures
    members_total: int
    breakdowns: list[Breakdown]
    directors: tuple[int, int]

    def breakdown(self, label: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.label == label)

    def sentences(self) -> list[str]:
        """The paragraph of seed 003's section (一), with this scope's figures."""
        o, g, a, e = self.orgs, self.breakdown("性别"), self.breakdown("年龄"), self.breakdown("学历")
        d, n = self.directors
        return [
            f"{self.root.name}现有社区{o.communities}个，其中社区党委{o.community_committees}个，社区党支部（总支）{o.community_branches}个；"
            f"下设楼幢（网格）党支部{o.sub_branches}个，楼道党小组{o.groups}个。",
            f"社区党员总数为{self.members_total}人。其中，"
            + "，".join(f"{label}党员{n}人" for label, n in g.rows)
            + "；"
            + "，".join(f"{label}的党员{n}人" for label, n in a.rows)
            + "；"
            + "，".join(f"{label}党员{n}人" for label, n in e.rows)
            + "。",
            f"{n}个社区党组织书记中，有{d}个兼任居委会主任，实现了主任、书记“一肩挑”。"
            if n
            else "尚未录入社区党组织书记。",
        ]


def survey(root: Organization, on: dt.date) -> Survey:
    breakdowns = member_breakdowns(root, on)
    total = breakdowns[0].total
    return Survey(root, on, org_figures(root, on), total, breakdowns, secretaries_as_directors(root, on))


def children_counts(root: Organization, on: dt.date) -> list[tuple[Organization, int, int]]:
    """Drill-down: each direct child with its members and full members on the day (one query)."""
    children = list(
        Organization.objects.filter(parent=root).exclude(dissolved_on__lte=on).order_by("sort_order", "name")
    )
    rows = members_on(root, on).values("organization__path", "status")
    tally: Counter[tuple[int, str]] = Counter()
    prefix = {c.path: c.pk for c in children}
    for row in rows.annotate(n=Count("id")):
        path = row["organization__path"]
        for p, pk in prefix.items():
            if path.startswith(p):
                tally[(pk, row["status"])] += row["n"]
                break
    return [
        (c, tally[(c.pk, "full")] + tally[(c.pk, "probationary")], tally[(c.pk, "full")]) for c in children
    ]
