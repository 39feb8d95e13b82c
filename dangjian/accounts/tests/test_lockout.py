"""Login failure handling (security.md): 5 failures lock the account and the address for 30 minutes;
the security administrator sees and releases locks; every failure is audited."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from dangjian.audit.models import AuditEvent, EventType
from dangjian.orgs.models import OrgKind
from dangjian.test import OrganizationFactory, make_user

pytestmark = pytest.mark.django_db


def _fail(login_form, username: str, times: int, **extra) -> None:  # noqa: ANN003
    for _ in range(times):
        response = login_form(username, "Wrong-Passw0rd", **extra)
        assert response.status_code in (200, 429)


def test_it_locks_an_account_after_five_failures(world, client, login_form):
    _fail(login_form, "secretary1", 4)
    assert login_form("secretary1").status_code == 302  # 4 failures: still allowed (and the count resets)
    client.logout()

    _fail(login_form, "secretary1", 5)
    response = login_form("secretary1")  # the right password, but locked
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录已被暂时锁定" in page and "30分钟" in page
    assert "_auth_user_id" not in client.session

    failed = AuditEvent.objects.filter(event_type=EventType.LOGIN_FAILED, actor_name="secretary1")
    assert failed.count() == 4 + 5 + 1
    assert failed.filter(actor=world.user("branch_secretary"), organization=world.b1).count() == failed.count()


def test_it_unlocks_by_itself_after_thirty_minutes(world, client, login_form):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail(login_form, "secretary1", 5)
        assert login_form("secretary1").status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert login_form("secretary1").status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=29 + 31), tick=False):
        assert login_form("secretary1").status_code == 302


def test_it_locks_an_address_trying_many_accounts(world, client, login_form):
    """Five failures from one address over different usernames lock that address for everyone."""
    for name in ("a1", "a2", "a3", "a4", "a5"):
        login_form(name, "Wrong-Passw0rd", REMOTE_ADDR="10.9.8.7")
    assert login_form("street", REMOTE_ADDR="10.9.8.7").status_code == 429
    assert login_form("street", REMOTE_ADDR="10.9.8.8").status_code == 302  # another address is fine


def test_it_lets_the_security_admin_see_and_release_a_lock(world, client, login_form, admin_client):
    _fail(login_form, "secretary1", 5)
    assert login_form("secretary1").status_code == 429

    other_street = OrganizationFactory(code="S9", name="别的街道党工委", kind=OrgKind.STREET_COMMITTEE)
    other_admin = make_user("security_admin", other_street, "secadmin9")
    other = admin_client(other_admin)
    assert "secretary1" not in other.get("/accounts/locks/").content.decode()  # not their subtree
    assert other.post("/accounts/locks/unlock/", {"username": "secretary1"}).status_code == 404

    admin = admin_client(world.user("security_admin"))
    page = admin.get("/accounts/locks/").content.decode()
    assert "secretary1" in page and "127.0.0.1" in page
    response = admin.post("/accounts/locks/unlock/", {"username": "secretary1"})
    assert response.status_code == 302
    assert "<td>secretary1" not in admin.get("/accounts/locks/").content.decode()
    event = AuditEvent.objects.filter(event_type=EventType.SECURITY, actor=world.user("security_admin")).latest("id")
    assert event.data["action"] == "解除登录锁定" and event.data["username"] == "secretary1"

    admin.logout()
    assert login_form("secretary1", REMOTE_ADDR="10.1.1.1").status_code == 302


@pytest.mark.parametrize("persona", ["street_staff", "system_admin", "audit_admin", "branch_secretary"])
def test_it_hides_the_lock_pages_from_other_roles(world, admin_client, persona):
    client = admin_client(world.user(persona))
    assert client.get("/accounts/locks/").status_code == 404
    assert client.post("/accounts/locks/unlock/", {"username": "x"}).status_code == 404
