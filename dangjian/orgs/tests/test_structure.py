from __future__ import annotations

import datetime as dt

import pytest

from dangjian.members.models import MemberStatus
from dangjian.orgs import selectors, services
from dangjian.orgs.models import CommitteeRole
from dangjian.test import MemberFactory

TODAY = dt.date(2026, 6, 30)


def codes(warnings, org):
    return {w.code for w in warnings.get(org.pk, [])}


@pytest.mark.django_db
def test_it_flags_branches_below_the_minimum_and_clears_at_three_full_members(world):
    orgs = [world.street, world.c1, world.c2, world.b1, world.b2, world.b3]
    assert "branch_below_minimum" in codes(selectors.structure_warnings(orgs, TODAY), world.b1)  # 2 full
    MemberFactory(organization=world.b1, status=MemberStatus.PROBATIONARY, confirmed_on=None)
    assert "branch_below_minimum" in codes(selectors.structure_warnings(orgs, TODAY), world.b1)  # probationary don't count
    MemberFactory(organization=world.b1)
    assert "branch_below_minimum" not in codes(selectors.structure_warnings(orgs, TODAY), world.b1)


@pytest.mark.django_db
def test_it_flags_an_expired_term_the_day_after_it_ends(world):
    m1 = world.members["m1"]
    committee = services.committee_create(
        actor=None, organization=world.b1, elected_on=dt.date(2023, 6, 30),
        seats=[{"member": m1, "role": CommitteeRole.SECRETARY}],
    )
    assert committee.ends_on == dt.date(2026, 6, 30)
    assert "term_expired" not in codes(selectors.structure_warnings([world.b1], dt.date(2026, 6, 30)), world.b1)
    assert "term_expired" in codes(selectors.structure_warnings([world.b1], dt.date(2026, 7, 1)), world.b1)
    assert "secretary_missing" not in codes(selectors.structure_warnings([world.b1], TODAY), world.b1)


@pytest.mark.django_db
def test_it_flags_a_missing_secretary_and_a_missing_branch_committee(world):
    for _ in range(6):
        MemberFactory(organization=world.b2)
    services.committee_create(actor=None, organization=world.b2, elected_on=dt.date(2025, 1, 1),
                              seats=[{"member": world.members["m3"], "role": CommitteeRole.DEPUTY_SECRETARY}])
    found = codes(selectors.structure_warnings([world.b2], TODAY), world.b2)
    assert {"secretary_missing", "branch_committee_missing"} <= found  # 7 full members, 1 seat


@pytest.mark.django_db
def test_it_rolls_member_counts_up_the_tree(world):
    node = selectors.tree(world.street, TODAY)
    assert node.subtree.full == 4
    c1 = next(n for n in node.children if n.org == world.c1)
    assert (c1.subtree.full, c1.direct.full) == (3, 0)


@pytest.mark.django_db
def test_it_refuses_a_kind_that_cannot_sit_under_the_parent(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.organization_create(actor=None, parent=world.g1, code="X1", name="错误", kind="branch")
    org = services.organization_create(actor=None, parent=world.c1, code="B9", name="第九党支部", kind="branch")
    assert org.path == f"{world.c1.path}{org.pk}/" and org.depth == 2
