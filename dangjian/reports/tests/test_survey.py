"""The statistics survey against seed 003's published figures, and the age bands at their boundaries."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest

from dangjian.core import pii
from dangjian.lib import idcard
from dangjian.lib.periods import add_years
from dangjian.members.models import Member, Membership
from dangjian.orgs.models import Committee, CommitteeRole, CommitteeSeat, Organization, OrgKind
from dangjian.orgs.services import set_path
from dangjian.reports.statistics import member_breakdowns, survey
from dangjian.test import MemberFactory, OrganizationFactory

ON = dt.date(2006, 4, 30)  # seed 003's survey: March–April 2006


def _org(code: str, kind: str, parent: Organization | None) -> Organization:
    org = Organization(code=code, name=code, kind=kind, parent=parent)
    org.save()
    set_path(org)
    org.save(update_fields=["path", "depth"])
    return org


@pytest.fixture
def xuanwu(db):
    """玄武区 as seed 003 reports it: 66 communities (13 committees, 53 branches or general branches),
    227 building branches, 483 stairwell groups, 4,661 members, 49 secretaries also directors."""
    rng = random.Random(3)
    root = _org("XW", OrgKind.STREET_COMMITTEE, None)
    communities = [
        _org(
            f"C{i:02d}",
            OrgKind.COMMUNITY_COMMITTEE if i < 13 else (OrgKind.GENERAL_BRANCH if i < 40 else OrgKind.BRANCH),
            root,
        )
        for i in range(66)
    ]
    parents = [c for c in communities if c.kind != OrgKind.BRANCH]
    branches = [_org(f"B{i:03d}", OrgKind.BRANCH, parents[i % len(parents)]) for i in range(227)]
    groups = [_org(f"G{i:03d}", OrgKind.GROUP, branches[i % len(branches)]) for i in range(483)]
    assert groups
    homes = branches + [c for c in communities if c.kind == OrgKind.BRANCH]
    genders = ["M"] * 2581 + ["F"] * 2080
    ages = (
        [rng.randrange(20, 35) for _ in range(452)]
        + [rng.randrange(35, 60) for _ in range(1589)]
        + [rng.randrange(60, 95) for _ in range(2620)]
    )
    education = (
        ["postgraduate"] * 35
        + ["undergraduate"] * 495
        + ["college"] * 668
        + ["secondary_vocational"] * 509
        + ["high_school"] * 955
        + ["junior_or_below"] * 1999
    )
    rng.shuffle(genders)
    rng.shuffle(education)
    members = []
    for i in range(4661):
        birth = add_years(ON, -ages[i]) - dt.timedelta(days=rng.randrange(1, 300))
        m = Member(
            name=f"党员{i}",
            gender=genders[i],
            birth_date=birth,
            education=education[i],
            organization=homes[i % len(homes)],
            category="resident",
            status="full",
            joined_on=add_years(birth, 19),
            confirmed_on=add_years(birth, 20),
        )
        m.id_number_hmac = pii.digest(
            idcard.make("320102", birth, genders[i], rng) + str(i)
        )  # unique lookup hash without encrypting 4,661 values
        members.append(m)
    Member.objects.bulk_create(members, batch_size=1000)
    Membership.objects.bulk_create(
        [Membership(member=m, organization=m.organization, since=m.joined_on) for m in members],
        batch_size=2000,
    )
    secretary = members[0]
    for i, c in enumerate(communities):
        committee = Committee(
            organization=c, elected_on=dt.date(2005, 1, 1), term_years=3, secretary_is_director=i < 49
        )
        committee.save()
        CommitteeSeat.objects.create(
            committee=committee, member=secretary, role=CommitteeRole.SECRETARY, since=dt.date(2005, 1, 1)
        )
    return root


@pytest.mark.django_db
def test_it_reproduces_seed_003s_figures_exactly(xuanwu):
    sv = survey(xuanwu, ON)
    o = sv.orgs
    assert (o.communities, o.community_committees, o.community_branches, o.sub_branches, o.groups) == (
        66,
        13,
        53,
        227,
        483,
    )
    assert sv.members_total == 4661
    assert sv.breakdown("性别").rows == [("男", 2581), ("女", 2080)]
    assert sv.breakdown("年龄").rows == [("35岁以下", 452), ("35至59岁", 1589), ("60岁及以上", 2620)]
    assert sv.breakdown("学历").rows == [
        ("研究生", 35),
        ("大学本科", 495),
        ("大学专科", 668),
        ("中专", 509),
        ("高中", 955),
        ("初中及以下", 1999),
    ]
    assert sv.directors == (49, 66)
    text = "".join(sv.sentences())
    assert "社区党委13个" in text and "楼道党小组483个" in text and "有49个兼任居委会主任" in text


@pytest.mark.django_db
def test_age_bands_turn_on_the_birthday(world):
    org = OrganizationFactory(code="AGE", kind=OrgKind.BRANCH, parent=world.c2)
    MemberFactory(
        organization=org,
        birth_date=dt.date(1990, 6, 15),
        joined_on=dt.date(2012, 1, 1),
        confirmed_on=dt.date(2013, 1, 1),
    )
    MemberFactory(
        organization=org,
        birth_date=dt.date(1965, 6, 15),
        joined_on=dt.date(1990, 1, 1),
        confirmed_on=dt.date(1991, 1, 1),
    )

    def bands(day):
        return dict(next(b for b in member_breakdowns(org, day) if b.label == "年龄").rows)

    assert bands(dt.date(2025, 6, 14)) == {"35岁以下": 1, "35至59岁": 1, "60岁及以上": 0}
    assert bands(dt.date(2025, 6, 15)) == {"35岁以下": 0, "35至59岁": 1, "60岁及以上": 1}


@pytest.mark.django_db
def test_pages_export_and_stay_in_scope(world, client_for):
    client = client_for(world.user("community_worker"))
    page = client.get("/reports/survey/").content.decode()
    assert "社区党员总数为3人" in page
    response = client.get("/reports/survey/?format=xlsx")
    from dangjian.core.xlsx import read_rows

    rows = read_rows(io.BytesIO(response.content), sheet=1)
    assert ["性别", "男", 2] in [r[:3] for r in rows]
    assert client.get(f"/reports/survey/?org={world.c2.pk}").status_code == 404
    assert client.get(f"/reports/?org={world.b1.pk}").status_code == 200
    assert client_for(world.user("member")).get("/reports/").status_code == 404
