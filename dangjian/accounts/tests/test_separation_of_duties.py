"""三员分立 (security.md): the system administrator manages accounts, the security administrator grants
roles, the audit administrator reads the audit log; no account can combine or move between them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from dangjian.accounts import services
from dangjian.accounts.models import RoleGrant, User
from dangjian.accounts.roles import Role
from dangjian.audit.models import AuditEvent, EventType
from dangjian.orgs.models import OrgKind
from dangjian.test import OrganizationFactory, make_user

pytestmark = pytest.mark.django_db


def _fresh(world, username: str = "newbie", org=None) -> User:  # noqa: ANN001
    user, _ = services.account_create(actor=world.user("system_admin"), username=username, organization=org or world.c1,
                                      display_name="新人")
    return user


def test_it_creates_accounts_without_a_role_and_with_a_one_time_password(world):
    user, password = services.account_create(
        actor=world.user("system_admin"), username="wang", organization=world.b2, display_name="王五",
    )
    assert user.role == "" and user.must_change_password and user.is_active
    assert user.check_password(password) and len(password) >= 12
    assert not user.can("records")
    event = AuditEvent.objects.get(event_type=EventType.CREATE, object_type="accounts.User", object_id=str(user.pk))
    assert event.actor == world.user("system_admin") and password not in str(event.data)


@pytest.mark.parametrize("persona", ["security_admin", "audit_admin", "street_staff"])
def test_it_lets_only_the_system_admin_create_accounts(world, persona):
    with pytest.raises(PermissionError):
        services.account_create(actor=world.user(persona), username="x1", organization=world.c1)


def test_it_grants_and_changes_everyday_roles_and_audits_each_change(world):
    user = _fresh(world)
    secadmin = world.user("security_admin")
    services.role_grant(actor=secadmin, user=user, role=Role.BRANCH_SECRETARY, reason="支部换届")
    services.role_grant(actor=secadmin, user=user, role=Role.COMMUNITY_WORKER, reason="岗位调整")
    user.refresh_from_db()
    assert user.role == Role.COMMUNITY_WORKER
    grants = list(RoleGrant.objects.filter(user=user).order_by("id").values_list("old_role", "new_role"))
    assert grants == [("", Role.BRANCH_SECRETARY), (Role.BRANCH_SECRETARY, Role.COMMUNITY_WORKER)]
    events = AuditEvent.objects.filter(event_type=EventType.PERMISSION, object_id=str(user.pk)).order_by("id")
    assert [e.data["changes"]["role"] for e in events] == [["", "branch_secretary"], ["branch_secretary", "community_worker"]]
    assert all(e.actor == secadmin for e in events)


@pytest.mark.parametrize("admin_role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_it_grants_an_admin_role_only_to_a_fresh_account_and_never_changes_it(world, admin_role):
    secadmin = world.user("security_admin")
    fresh = _fresh(world, "fresh")
    services.role_grant(actor=secadmin, user=fresh, role=admin_role, reason="任命")
    for other in Role.values:
        if other == admin_role:
            continue
        with pytest.raises(ValidationError, match="三员分立"):
            services.role_grant(actor=secadmin, user=fresh, role=other, reason="试图兼任")
    fresh.refresh_from_db()
    assert fresh.role == admin_role

    used = _fresh(world, "used")
    services.role_grant(actor=secadmin, user=used, role=Role.INSPECTOR, reason="巡察")
    with pytest.raises(ValidationError, match="三员分立"):
        services.role_grant(actor=secadmin, user=used, role=admin_role, reason="升为管理员")
    used.refresh_from_db()
    assert used.role == Role.INSPECTOR
    assert RoleGrant.objects.filter(user=used).count() == 1


def test_it_refuses_the_persona_admins_changing_roles(world):
    secadmin = world.user("security_admin")
    with pytest.raises(ValidationError, match="三员分立"):
        services.role_grant(actor=secadmin, user=world.user("audit_admin"), role=Role.SYSTEM_ADMIN)
    with pytest.raises(ValidationError, match="不能给自己"):
        services.role_grant(actor=secadmin, user=secadmin, role=Role.AUDIT_ADMIN)
    for persona in ("system_admin", "audit_admin", "street_staff"):
        with pytest.raises(PermissionError):
            services.role_grant(actor=world.user(persona), user=_fresh(world, f"f-{persona}"), role=Role.INSPECTOR)


def test_it_needs_a_member_record_for_the_member_role(world):
    secadmin = world.user("security_admin")
    user = _fresh(world, "noone")
    with pytest.raises(ValidationError, match="党员角色须对应党员档案"):
        services.role_grant(actor=secadmin, user=user, role=Role.MEMBER)
    m3 = world.members["m3"]
    linked, _ = services.account_create(actor=world.user("system_admin"), username="wangzq", organization=world.b2,
                                        member_id_number=m3.id_number)
    assert linked.member == m3
    services.role_grant(actor=secadmin, user=linked, role=Role.MEMBER, reason="党员本人")
    with pytest.raises(ValidationError, match="该党员已有账号"):
        services.account_create(actor=world.user("system_admin"), username="dup", organization=world.b2,
                                member_id_number=m3.id_number)


def test_it_keeps_superusers_impossible(world):
    from django.db import IntegrityError, transaction

    with transaction.atomic(), pytest.raises(IntegrityError):
        User.objects.filter(pk=world.user("system_admin").pk).update(is_superuser=True)


def test_it_disables_instead_of_deleting(world, admin_client):
    sysadmin = world.user("system_admin")
    client = admin_client(sysadmin)
    target = world.user("inspector")
    response = client.post(f"/accounts/users/{target.pk}/active/", {"active": "0", "reason": "离任"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active and User.objects.filter(pk=target.pk).exists()
    event = AuditEvent.objects.filter(event_type=EventType.UPDATE, object_id=str(target.pk)).latest("id")
    assert event.data["changes"] == {"is_active": [True, False]} and event.data["reason"] == "离任"
    client.post(f"/accounts/users/{target.pk}/active/", {"active": "1"})
    target.refresh_from_db()
    assert target.is_active


def test_it_scopes_the_account_pages_to_the_admins_subtree(world, admin_client):
    community_admin = make_user(Role.SYSTEM_ADMIN, world.c2, "sysadmin-c2")
    client = admin_client(community_admin)
    page = client.get("/accounts/users/").content.decode()
    assert "sysadmin-c2" in page and "worker1" not in page  # worker1 is in C1
    c1_user = world.user("community_worker")
    assert client.post(f"/accounts/users/{c1_user.pk}/active/", {"active": "0"}).status_code == 404
    assert client.post(f"/accounts/users/{c1_user.pk}/password/").status_code == 404
    response = client.post("/accounts/users/new/", {"username": "evil", "display_name": "x", "organization": world.c1.pk})
    assert response.status_code == 200 and not User.objects.filter(username="evil").exists()
    c1_user.refresh_from_db()
    assert c1_user.is_active


def test_it_creates_an_account_through_the_page_and_shows_the_password_once(world, admin_client):
    client = admin_client(world.user("system_admin"))
    response = client.post("/accounts/users/new/", {"username": "liu", "display_name": "刘六", "organization": world.b3.pk})
    assert response.status_code == 200
    user = User.objects.get(username="liu")
    html = response.content.decode()
    password = html.split("<code>")[1].split("</code>")[0]
    assert user.check_password(password) and user.organization == world.b3 and user.role == ""
    assert password not in client.get("/accounts/users/").content.decode()
    duplicate = client.post("/accounts/users/new/", {"username": "LIU", "display_name": "x", "organization": world.b3.pk})
    assert "该用户名已被使用" in duplicate.content.decode()


def test_it_grants_through_the_page(world, admin_client):
    user = _fresh(world, "viapage")
    client = admin_client(world.user("security_admin"))
    assert "viapage" in client.get("/accounts/roles/").content.decode()
    response = client.post(f"/accounts/roles/{user.pk}/", {"role": Role.INSPECTOR, "reason": "巡察组成员"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.role == Role.INSPECTOR
    refused = client.post(f"/accounts/roles/{user.pk}/", {"role": Role.AUDIT_ADMIN, "reason": "x"})
    assert "三员分立" in refused.content.decode()
    other_street = OrganizationFactory(code="S8", name="外街道", kind=OrgKind.STREET_COMMITTEE)
    outsider = make_user(Role.INSPECTOR, other_street, "outsider")
    assert client.get(f"/accounts/roles/{outsider.pk}/").status_code == 404


@pytest.mark.parametrize("persona", ["security_admin", "audit_admin", "street_staff", "member"])
def test_it_hides_the_account_pages_from_other_roles(world, admin_client, persona):
    client = admin_client(world.user(persona))
    target = world.user("inspector")
    assert client.get("/accounts/users/").status_code == 404
    assert client.post("/accounts/users/new/", {"username": "z", "display_name": "z", "organization": world.c1.pk}).status_code == 404
    assert client.post(f"/accounts/users/{target.pk}/active/", {"active": "0"}).status_code == 404
    target.refresh_from_db()
    assert target.is_active


@pytest.mark.parametrize("persona", ["system_admin", "audit_admin", "community_worker"])
def test_it_hides_the_grant_pages_from_other_roles(world, admin_client, persona):
    client = admin_client(world.user(persona))
    assert client.get("/accounts/roles/").status_code == 404
    assert client.get("/accounts/policy/").status_code == 404
    target = world.user("inspector")
    assert client.post(f"/accounts/roles/{target.pk}/", {"role": Role.STREET_STAFF, "reason": "x"}).status_code == 404
    target.refresh_from_db()
    assert target.role == Role.INSPECTOR


def test_it_shows_the_policy_numbers(world, admin_client):
    page = admin_client(world.user("security_admin")).get("/accounts/policy/").content.decode()
    for text in ("90天", "连续5次登录失败", "30分钟", "180天"):
        assert text in page


@pytest.mark.parametrize("url", ["/", "/members/", "/orgs/", "/api/members/", "/accounts/users/", "/accounts/roles/"])
def test_it_lets_the_audit_admin_reach_nothing_but_the_audit_log(world, admin_client, url):
    client = admin_client(world.user("audit_admin"))
    response = client.get(url)
    if url == "/":
        assert response.status_code == 302 and response["Location"] == "/audit/"
    else:
        assert response.status_code == 404, url
    assert client.get("/audit/").status_code == 200
    assert client.get("/accounts/security/").status_code == 200
