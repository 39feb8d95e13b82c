"""Every role × an object inside and outside its subtree × read and write, through pages and the API.
The expected table is written out by hand (not derived from roles.py) so that a change in the
permission code that widens access fails here."""

from __future__ import annotations

import pytest

from dangjian.orgs.models import OrgKind
from dangjian.test import MemberFactory, OrganizationFactory

# role: (member read, member write, organization read) for an object INSIDE the persona's subtree
INSIDE = {
    "system_admin": (False, False, True),
    "security_admin": (False, False, False),
    "audit_admin": (False, False, False),
    "street_staff": (True, True, True),
    "community_worker": (True, True, True),
    "branch_secretary": (True, True, True),
    "inspector": (True, False, True),
    "member": (True, False, False),  # only the member's own record
}


@pytest.fixture
def outside(world):
    """A second street: outside every persona's subtree."""
    street2 = OrganizationFactory(code="S2", name="锁金村街道党工委", kind=OrgKind.STREET_COMMITTEE)
    community = OrganizationFactory(code="S2C", name="锁金村社区党委", kind=OrgKind.COMMUNITY_COMMITTEE, parent=street2)
    branch = OrganizationFactory(code="S2B", name="锁金村第一党支部", kind=OrgKind.BRANCH, parent=community)
    return {"org": branch, "member": MemberFactory(name="孙其他", organization=branch)}


def _status(ok: bool) -> int:
    return 200 if ok else 404


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(INSIDE))
def test_it_enforces_the_matrix_on_pages_and_api(world, outside, client_for, persona):
    user = world.user(persona)
    client = client_for(user)
    member_read, member_write, org_read = INSIDE[persona]
    inside_member = world.members["m1"]  # in B1, under C1, under the street; the member persona's own record
    inside_org = world.b1
    sibling = world.members["m4"]  # in B3 (community C2): inside only for street-level roles
    street_level = user.organization == world.street

    cases = [
        (f"/members/{inside_member.pk}/", member_read),
        (f"/members/{inside_member.pk}/edit/", member_write),
        (f"/orgs/{inside_org.pk}/", org_read),
        (f"/api/members/{inside_member.pk}/", member_read),
        (f"/api/organizations/{inside_org.pk}/", org_read),
        (f"/members/{sibling.pk}/", member_read and street_level),
        (f"/api/members/{sibling.pk}/", member_read and street_level),
        (f"/members/{outside['member'].pk}/", False),
        (f"/members/{outside['member'].pk}/edit/", False),
        (f"/orgs/{outside['org'].pk}/", False),
        (f"/api/members/{outside['member'].pk}/", False),
        (f"/api/organizations/{outside['org'].pk}/", False),
    ]
    for url, ok in cases:
        response = client.get(url)
        assert response.status_code == _status(ok), (persona, url, response.status_code)
        if not ok:
            assert outside["member"].name not in response.content.decode()

    # Writes through the API: allowed roles reach validation (400 for an empty name), others get 404.
    for target, ok in ((inside_member, member_write), (outside["member"], False)):
        response = client.patch(f"/api/members/{target.pk}/", {"version": target.version, "name": ""}, content_type="application/json")
        assert response.status_code == (400 if ok else 404), (persona, target.name, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(INSIDE))
def test_it_lists_only_the_subtree(world, outside, client_for, persona):
    user = world.user(persona)
    response = client_for(user).get("/api/members/")
    if persona == "audit_admin":  # 三员分立: the API is not theirs at all
        assert response.status_code == 404 and response.json()["detail"] == "未找到。"
        return
    if not INSIDE[persona][0]:
        assert response.json()["count"] == 0
        return
    names = {row["name"] for row in response.json()["results"]}
    assert "孙其他" not in names
    expected = {
        "street_staff": {"张建国", "李秀英", "王志强", "赵丽华"},
        "community_worker": {"张建国", "李秀英", "王志强"},
        "inspector": {"张建国", "李秀英", "王志强"},
        "branch_secretary": {"张建国", "李秀英"},
        "member": {"张建国"},
    }[persona]
    assert names == expected


@pytest.mark.django_db
def test_a_branch_secretary_gets_404_for_every_page_of_another_branch(world, client_for):
    """Every page of the site that takes an id, given the secretary's own branch (B1) or member (m1),
    and then the neighbouring branch B2 of the same community or its member m3: wherever the own
    record answers 200, the neighbour's answers 404 (pages and their exports alike)."""
    from dangjian.test import fill_route, site_routes

    client = client_for(world.user("branch_secretary"))
    pairs = [(world.b1.pk, world.b2.pk), (world.members["m1"].pk, world.members["m3"].pk)]
    checked = []
    for route in site_routes():
        if "<" not in route:
            continue
        for own, neighbour in pairs:
            own_url, neighbour_url = fill_route(route, own), fill_route(route, neighbour)
            if own_url is None or client.get(own_url).status_code != 200:
                continue
            assert client.get(neighbour_url).status_code == 404, neighbour_url
            checked.append(route)
    assert len(checked) >= 15, checked  # the sweep reached the branch's and the member's pages
