"""Reads over the organization tree: the tree itself, member counts rolled up by subtree,
and the structure warnings of domain-rules.md §1. A fixed number of queries whatever the size."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from dangjian.core.rules import RuleWarning, Severity, rule
from dangjian.members.models import Member, MemberStatus
from dangjian.orgs.models import Committee, CommitteeRole, CommitteeSeat, Organization, OrgKind

BASIS_BRANCH = "《中国共产党支部工作条例（试行）》"
BASIS_ELECTION = "《中国共产党基层组织选举工作条例》"


@dataclass
class OrgCounts:
    full: int = 0
    probationary: int = 0

    @property
    def total(self) -> int:
        return self.full + self.probationary


@dataclass
class OrgNode:
    org: Organization
    direct: OrgCounts = field(default_factory=OrgCounts)
    subtree: OrgCounts = field(default_factory=OrgCounts)
    children: list[OrgNode] = field(default_factory=list)
    warnings: list[RuleWarning] = field(default_factory=list)


def member_counts(orgs: list[Organization]) -> tuple[dict[int, OrgCounts], dict[int, OrgCounts]]:
    """Direct counts per organization and counts rolled up over each subtree (one query)."""
    ids = [o.pk for o in orgs]
    direct: dict[int, OrgCounts] = defaultdict(OrgCounts)
    rows = (
        Member.objects.current()
        .filter(organization_id__in=ids)
        .values("organization_id")
        .annotate(
            full=Count("id", filter=Q(status=MemberStatus.FULL)),
            prob=Count("id", filter=Q(status=MemberStatus.PROBATIONARY)),
        )
    )
    for row in rows:
        direct[row["organization_id"]] = OrgCounts(row["full"], row["prob"])
    subtree: dict[int, OrgCounts] = defaultdict(OrgCounts)
    known = set(ids)
    for org in orgs:
        counts = direct.get(org.pk)
        if not counts:
            continue
        for ancestor in [*org.ancestor_ids(), org.pk]:
            if ancestor in known:
                subtree[ancestor].full += counts.full
                subtree[ancestor].probationary += counts.probationary
    return direct, subtree


def structure_warnings(orgs: list[Organization], on: dt.date) -> dict[int, list[RuleWarning]]:
    direct, subtree = member_counts(orgs)
    ids = [o.pk for o in orgs]
    committees = {
        c.organization_id: c
        for c in Committee.objects.filter(organization_id__in=ids, is_current=True).annotate(
            open_seats=Count("seats", filter=Q(seats__until__isnull=True)),
            secretaries=Count(
                "seats", filter=Q(seats__until__isnull=True, seats__role=CommitteeRole.SECRETARY)
            ),
        )
    }
    out: dict[int, list[RuleWarning]] = defaultdict(list)
    branch_min = rule("branch_min_full_members")
    branch_max = rule("branch_max_members")
    gb_min = rule("general_branch_min_full_members")
    cc_min = rule("committee_min_full_members")
    bc_min = rule("branch_committee_min_full_members")
    for org in orgs:
        if org.dissolved_on is not None or org.kind == OrgKind.GROUP:
            continue
        w = out[org.pk]
        d, s = direct.get(org.pk, OrgCounts()), subtree.get(org.pk, OrgCounts())
        if org.kind == OrgKind.BRANCH:
            if d.full < branch_min:
                w.append(
                    RuleWarning(
                        "branch_below_minimum",
                        Severity.ERROR,
                        f"正式党员{d.full}名，不足{branch_min}名，应与邻近单位成立联合党支部",
                        f"{BASIS_BRANCH}第五条；《党章》",
                    )
                )
            if d.total > branch_max:
                w.append(
                    RuleWarning(
                        "branch_too_large",
                        Severity.WARNING,
                        f"党员{d.total}名，超过{branch_max}名，可考虑设立党总支",
                        f"{BASIS_BRANCH}第五条",
                    )
                )
        elif org.kind == OrgKind.GENERAL_BRANCH and s.full < gb_min:
            w.append(
                RuleWarning(
                    "kind_mismatch",
                    Severity.WARNING,
                    f"党总支所辖正式党员{s.full}名，不足{gb_min}名，组织类别与党员人数不相符",
                    f"{BASIS_BRANCH}第五条；本地设置规定",
                )
            )
        elif org.kind == OrgKind.COMMUNITY_COMMITTEE and s.full < cc_min:
            w.append(
                RuleWarning(
                    "kind_mismatch",
                    Severity.WARNING,
                    f"社区党委所辖正式党员{s.full}名，不足{cc_min}名，组织类别与党员人数不相符",
                    "《中国共产党章程》第三十条；本地设置规定",
                )
            )
        committee = committees.get(org.pk)
        if committee is None:
            w.append(RuleWarning("no_committee", Severity.ERROR, "未录入本届委员会或书记", BASIS_ELECTION))
            continue
        if committee.ends_on < on:
            w.append(
                RuleWarning(
                    "term_expired",
                    Severity.ERROR,
                    f"本届任期已于{committee.ends_on:%Y年%m月%d日}届满，尚未换届",
                    f"{BASIS_ELECTION}；{BASIS_BRANCH}",
                )
            )
        if committee.secretaries == 0:
            w.append(RuleWarning("secretary_missing", Severity.ERROR, "书记职务空缺", BASIS_BRANCH))
        if org.kind == OrgKind.BRANCH and d.full >= bc_min and committee.open_seats < 3:
            w.append(
                RuleWarning(
                    "branch_committee_missing",
                    Severity.WARNING,
                    f"正式党员{d.full}名（{bc_min}名以上），应设立支部委员会",
                    f"{BASIS_BRANCH}第八条",
                )
            )
    return {k: v for k, v in out.items() if v}


def tree(root: Organization, on: dt.date) -> OrgNode:
    """The subtree under `root` as nested nodes with counts and warnings (four queries)."""
    orgs = list(Organization.objects.subtree(root).active().order_by("path"))
    direct, subtree = member_counts(orgs)
    warnings = structure_warnings(orgs, on)
    nodes = {
        o.pk: OrgNode(
            o, direct.get(o.pk, OrgCounts()), subtree.get(o.pk, OrgCounts()), [], warnings.get(o.pk, [])
        )
        for o in orgs
    }
    for org in orgs:
        if org.parent_id in nodes and org.pk != root.pk:
            nodes[org.parent_id].children.append(nodes[org.pk])
    for node in nodes.values():
        node.children.sort(key=lambda n: (n.org.sort_order, n.org.name))
    return nodes[root.pk]


def current_committee(org: Organization) -> Committee | None:
    return Committee.objects.filter(organization=org, is_current=True).first()


def current_seats(committee: Committee) -> list[CommitteeSeat]:
    order = {r: i for i, r in enumerate(CommitteeRole.values)}
    seats = list(committee.seats.filter(until__isnull=True).select_related("member"))
    return sorted(seats, key=lambda s: order[s.role])
