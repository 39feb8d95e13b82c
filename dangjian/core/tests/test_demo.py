"""`dangjian demo`: the foundation's demo data (organizations, members, accounts) is consistent,
realistic in its mixes, the same for the same seed, and carries the planted problems it announces."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from dangjian.accounts.models import User
from dangjian.accounts.roles import Role
from dangjian.core.demo import DemoContext
from dangjian.core.management.commands.demo import ACCOUNTS, PASSWORD
from dangjian.core.registry import registry
from dangjian.lib import idcard
from dangjian.lib.periods import add_years, age_on
from dangjian.members.models import Member, Membership, MemberStatus, Transfer, TransferDirection
from dangjian.orgs.demo import layout
from dangjian.orgs.models import ALLOWED_CHILDREN, Committee, Organization, OrgKind
from dangjian.orgs.selectors import structure_warnings

TODAY = dt.date(2025, 6, 30)


@pytest.fixture
def foundation_only(monkeypatch):  # noqa: ANN001, ANN201
    """Only this issue's builders (organizations, members): other apps test their own."""
    builders = [b for b in registry.demo_builders if b.name in ("orgs", "members")]
    assert [b.name for b in builders] == ["orgs", "members"]
    monkeypatch.setattr(registry, "demo_builders", builders)


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", "--today", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


def fingerprint() -> str:
    parts = [f"{o.code}:{o.name}:{o.kind}" for o in Organization.objects.order_by("code")]
    parts += [
        f"{m.name}:{m.id_number}:{m.organization.code}:{m.joined_on}"
        for m in Member.objects.select_related("organization").order_by("id")
    ]
    parts += [
        f"{c.organization.code}:{c.elected_on}"
        for c in Committee.objects.select_related("organization").order_by("id")
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


@pytest.mark.parametrize(
    ("scale", "streets", "communities", "members", "organizations"),
    [("street", 1, 10, (1900, 2150), (80, 130)), ("district", 8, 66, (4800, 5300), (260, 340))],
)
def test_it_plans_the_sizes_of_the_issue(scale, streets, communities, members, organizations):  # noqa: ANN001
    """A street ~10 communities and ~2,000 members; a district 66 communities, ~300 organizations
    (groups not counted) and ~5,000 members (the plan, without writing: a full build is slow for a test)."""
    for seed in (1, 2, 3):
        ctx = DemoContext(scale=scale, seed=seed, today=TODAY, rng=random.Random(seed))
        plan = layout(ctx)
        assert len(plan.streets) == streets and len(plan.community_orgs) == communities
        assert members[0] <= sum(bp.size for bp in plan.branches) <= members[1]
        non_groups = (
            len(plan.streets)
            + len(plan.community_orgs)
            + sum(1 for bp in plan.branches if bp.org not in plan.community_orgs)
        )
        assert organizations[0] <= non_groups <= organizations[1]
        # only the planted branches break the size rules (2 members; more than 50)
        for bp in plan.branches:
            if bp.plant == "small":
                assert bp.size == 2
            elif bp.plant == "large":
                assert bp.size > 50
            else:
                assert 3 <= bp.size <= 50, (bp.org.name, bp.size)
        assert Counter(bp.plant for bp in plan.branches)["small"] == (2 if scale == "street" else 4)
        kinds = Counter(c.kind for c in plan.community_orgs)
        if scale == "district":  # seed 003: 13 community committees, 53 general branches and branches
            assert 8 <= kinds[OrgKind.COMMUNITY_COMMITTEE] <= 25
            assert kinds[OrgKind.GENERAL_BRANCH] and kinds[OrgKind.BRANCH]


@pytest.mark.django_db
def test_it_builds_consistent_realistic_data(foundation_only):  # noqa: ANN001
    output = demo("--scale", "tiny", "--seed", "7")

    # the tree: one street committee at the root, kinds only where allowed, paths from the parents
    orgs = {o.pk: o for o in Organization.objects.all()}
    roots = [o for o in orgs.values() if o.parent_id is None]
    assert [o.kind for o in roots] == [OrgKind.STREET_COMMITTEE]
    assert roots[0].locality == "江苏省南京市玄武区"
    for org in orgs.values():
        parent = orgs.get(org.parent_id)
        assert org.path == (parent.path if parent else "/") + f"{org.pk}/"
        assert org.depth == org.path.count("/") - 2
        if parent:
            assert org.kind in ALLOWED_CHILDREN[parent.kind], org.name
    communities = [o for o in orgs.values() if o.depth == 1 and o.code != f"{roots[0].code}-JG"]
    assert Counter(o.kind for o in communities) == {
        OrgKind.COMMUNITY_COMMITTEE: 2,
        OrgKind.GENERAL_BRANCH: 1,
        OrgKind.BRANCH: 1,
    }
    kinds = Counter(o.kind for o in orgs.values())
    assert kinds[OrgKind.GROUP] >= kinds[OrgKind.BRANCH] >= 12

    # one current committee per organization (groups excepted), its end derived from its term
    current = Committee.objects.filter(is_current=True)
    assert sorted(c.organization_id for c in current) == sorted(
        o.pk for o in orgs.values() if o.kind != OrgKind.GROUP
    )
    assert all(c.ends_on == add_years(c.elected_on, c.term_years) for c in Committee.objects.all())

    members = list(Member.objects.all())
    on_books = [m for m in members if m.is_current]
    assert 340 <= len(on_books) <= 450
    assert len({m.id_number_hmac for m in members}) == len(members)
    for m in members:
        parsed = idcard.parse(m.id_number)
        assert (parsed.birth_date, parsed.gender) == (m.birth_date, m.gender), m.name
        assert 2 <= len(m.name) <= 4 and m.name_initials
        assert age_on(m.birth_date, m.joined_on) >= 18, m.name
        if m.status == MemberStatus.FULL:
            assert m.confirmed_on == add_years(m.joined_on, 1) and m.confirmed_on <= TODAY
        else:
            assert m.confirmed_on is None and m.joined_on <= TODAY
        assert m.group is None or m.group.parent_id == m.organization_id
        assert orgs[m.organization_id].kind == OrgKind.BRANCH
    probationary = [m for m in on_books if m.status == MemberStatus.PROBATIONARY]
    assert probationary and sum(m.joined_on < TODAY - dt.timedelta(days=366) for m in probationary) <= 1

    # the seeds' mixes (seed 003: 55% men; 10% under 35, 34% 35–59, 56% 60 and over)
    share = Counter()
    for m in on_books:
        age = m.age(TODAY)
        share["male"] += m.gender == "M"
        share["under_35"] += age < 35
        share["60_plus"] += age >= 60
        share["junior"] += m.education == "junior_or_below"
        share["elderly_flag_ok"] += m.elderly == (age >= 80)
    n = len(on_books)
    assert 0.45 <= share["male"] / n <= 0.65
    assert 0.04 <= share["under_35"] / n <= 0.17
    assert 0.45 <= share["60_plus"] / n <= 0.67
    assert 0.30 <= share["junior"] / n <= 0.55
    assert share["elderly_flag_ok"] == n
    assert Counter(m.category for m in on_books).keys() == {"resident", "in_service", "floating"}

    # membership periods: one open period per member on the books, in the member's organization;
    # closed for those transferred out (the day before) or deceased (that day)
    periods: dict[int, list[Membership]] = {}
    for p in Membership.objects.order_by("since"):
        periods.setdefault(p.member_id, []).append(p)
    for m in members:
        mine = periods[m.pk]
        open_ = [p for p in mine if p.until is None]
        for a, b in zip(mine, mine[1:], strict=False):
            assert a.until is not None and a.until < b.since
        if m.is_current:
            assert len(open_) == 1 and open_[0].organization_id == m.organization_id
        else:
            assert not open_
            assert mine[-1].until == (m.deceased_on or m.left_on - dt.timedelta(days=1))
    directions = Counter(Transfer.objects.values_list("direction", flat=True))
    assert (
        directions[TransferDirection.IN]
        and directions[TransferDirection.OUT]
        and directions[TransferDirection.INTERNAL]
    )
    for t in Transfer.objects.filter(direction=TransferDirection.IN):
        assert periods[t.member_id][-1].since == t.date

    # the planted problems are there and announced
    warnings = structure_warnings(list(orgs.values()), TODAY)
    found = Counter(w.code for ws in warnings.values() for w in ws)
    for code in (
        "branch_below_minimum",
        "term_expired",
        "kind_mismatch",
        "branch_too_large",
        "secretary_missing",
    ):
        assert found[code] >= 1, code
    assert found["no_committee"] == 0
    assert "预置的问题" in output and "党支部正式党员不足3名" in output and "任期届满未换届" in output

    # every demo account logs in with the printed password
    assert "http://127.0.0.1:8000/" in output and PASSWORD in output
    for username, role, _place in ACCOUNTS:
        assert username in output
        user = authenticate(RequestFactory().post("/"), username=username, password=PASSWORD)
        assert user is not None and user.role == role and not user.password_expired, username
    member_user = User.objects.get(role=Role.MEMBER)
    assert member_user.member.organization_id == member_user.organization_id
    assert User.objects.get(role=Role.BRANCH_SECRETARY).organization_id == member_user.organization_id


@pytest.mark.django_db
def test_it_gives_the_same_data_for_the_same_seed(foundation_only):  # noqa: ANN001
    demo("--scale", "tiny", "--seed", "3")
    first = fingerprint()
    demo("--scale", "tiny", "--seed", "3", "--reset")
    assert fingerprint() == first
    demo("--scale", "tiny", "--seed", "4", "--reset")
    assert fingerprint() != first


@pytest.mark.django_db
def test_it_refuses_a_database_with_data_unless_reset(foundation_only, world):  # noqa: ANN001
    with pytest.raises(CommandError, match="--reset"):
        demo("--scale", "tiny")
    assert Organization.objects.filter(code="S").exists()

    demo("--scale", "tiny", "--reset")
    assert not Organization.objects.filter(code="S").exists()
    assert set(User.objects.values_list("username", flat=True)) == {u for u, _, _ in ACCOUNTS}
    assert User.objects.get(username="street").organization.parent_id is None


@pytest.mark.django_db
def test_it_rejects_a_malformed_date(foundation_only):  # noqa: ANN001
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("demo", "--today", "2025-13-01")
    assert not Organization.objects.exists()
