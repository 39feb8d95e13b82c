"""Structure rules (ORG-*): each with records that trigger it and a minimal change that does not."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.members.models import MemberStatus
from dangjian.orgs.models import CommitteeRole, CommitteeSeat, OrgKind
from dangjian.selfcheck.tests.helpers import committee, findings
from dangjian.test import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def orgs_of(found):  # noqa: ANN001, ANN201
    return {f.organization_id for f in found}


def test_it_finds_a_branch_below_three_full_members(world):  # noqa: ANN001
    # B1 has 2 full members, B2 and B3 one each.
    assert {world.b1.pk, world.b2.pk, world.b3.pk} <= orgs_of(findings("ORG-001", world.street))
    MemberFactory(organization=world.b1)
    assert world.b1.pk not in orgs_of(findings("ORG-001", world.street))


def test_it_counts_only_full_members_for_the_minimum(world):  # noqa: ANN001
    MemberFactory(organization=world.b1, status=MemberStatus.PROBATIONARY, confirmed_on=None)
    found = findings("ORG-001", world.street)
    assert world.b1.pk in orgs_of(found)
    assert "正式党员2名" in next(f.message for f in found if f.organization_id == world.b1.pk)


def test_it_finds_a_branch_too_large(world, settings):  # noqa: ANN001
    settings.DOMAIN_RULES = {**settings.DOMAIN_RULES, "branch_max_members": 3}
    MemberFactory(organization=world.b1)
    assert world.b1.pk not in orgs_of(findings("ORG-003", world.street))
    MemberFactory(organization=world.b1)
    assert orgs_of(findings("ORG-003", world.street)) == {world.b1.pk}


def test_it_finds_a_kind_not_fitting_the_member_count(world, settings):  # noqa: ANN001
    settings.DOMAIN_RULES = {**settings.DOMAIN_RULES, "committee_min_full_members": 3}
    found = orgs_of(findings("ORG-002", world.street))
    assert world.c2.pk in found  # 1 full member under a community committee
    assert world.c1.pk not in found  # 3 full members: enough at this local threshold


def test_it_finds_an_expired_term_and_not_a_running_one(world):  # noqa: ANN001
    committee(world.b1, world.members["m1"], elected=dt.date(2020, 5, 1), years=3)
    found = findings("ORG-004", world.street)
    assert orgs_of(found) == {world.b1.pk}
    assert "2023年05月01日" in found[0].message
    committee(world.b2, world.members["m3"], elected=dt.date(2023, 5, 1), years=3)
    assert world.b2.pk not in orgs_of(findings("ORG-004", world.street))


def test_it_finds_a_secretary_seat_empty(world):  # noqa: ANN001
    c = committee(
        world.b1,
        world.members["m1"],
        world.members["m2"],
        roles=(CommitteeRole.DEPUTY_SECRETARY, CommitteeRole.MEMBER),
    )
    assert orgs_of(findings("ORG-005", world.street)) == {world.b1.pk}
    CommitteeSeat.objects.filter(committee=c, member=world.members["m1"]).update(role=CommitteeRole.SECRETARY)
    assert findings("ORG-005", world.street) == []


def test_it_finds_an_organization_without_a_committee(world):  # noqa: ANN001
    assert world.b3.pk in orgs_of(findings("ORG-006", world.street))
    committee(world.b3, world.members["m4"])
    assert world.b3.pk not in orgs_of(findings("ORG-006", world.street))


def test_it_finds_a_large_branch_with_only_a_secretary(world):  # noqa: ANN001
    branch = OrganizationFactory(parent=world.c1, kind=OrgKind.BRANCH)
    people = [MemberFactory(organization=branch) for _ in range(7)]
    committee(branch, people[0])
    assert orgs_of(findings("ORG-007", world.street)) == {branch.pk}
    c = branch.committees.get()
    for m in people[1:3]:
        CommitteeSeat.objects.create(committee=c, member=m, role=CommitteeRole.MEMBER, since=c.elected_on)
    assert findings("ORG-007", world.street) == []


def test_it_keeps_structure_findings_stable_across_periods(world):  # noqa: ANN001
    """A state finding has the same fingerprint whatever the run's period, so it persists."""
    a = {f.fingerprint for f in findings("ORG-001", world.street, dt.date(2024, 1, 1), dt.date(2024, 12, 31))}
    b = {f.fingerprint for f in findings("ORG-001", world.street, dt.date(2025, 1, 1), dt.date(2025, 1, 10))}
    assert a == b and a
