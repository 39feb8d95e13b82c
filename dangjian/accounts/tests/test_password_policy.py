"""Password policy (security.md, 身份鉴别): complexity, first-login change, expiry, no reuse of the last 5."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from dangjian.accounts.models import PasswordHistory, User
from dangjian.audit.models import AuditEvent, EventType
from dangjian.test import PASSWORD

pytestmark = pytest.mark.django_db


def _change(client, old: str, new: str):  # noqa: ANN001, ANN202
    return client.post("/accounts/password/", {"old_password": old, "new_password1": new, "new_password2": new})


def test_it_forces_the_first_login_to_change_the_password(world, client, login_form):
    """GIVEN a new account's initial password WHEN it logs in THEN every page leads to the change page
    until the password is changed, and the API answers 403."""
    user = world.user("street_staff")
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    assert login_form("street").status_code == 302

    response = client.get("/members/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/?next=%2Fmembers%2F"
    assert client.get("/api/members/").status_code == 403
    assert client.get("/accounts/password/").status_code == 200

    weak = _change(client, PASSWORD, "abcdefgh")
    assert weak.status_code == 200
    assert "大写字母、小写字母、数字、符号中的3类" in weak.content.decode()
    same = _change(client, PASSWORD, PASSWORD)
    assert "新密码不能与原密码相同" in same.content.decode()
    wrong_old = _change(client, "Nope-Passw0rd!", "Brand-New-Pass1")
    assert "原密码不正确" in wrong_old.content.decode()

    assert _change(client, PASSWORD, "Brand-New-Pass1").status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.check_password("Brand-New-Pass1")
    assert client.get("/members/").status_code == 200  # the session survived the change
    event = AuditEvent.objects.filter(event_type=EventType.SECURITY, actor=user).latest("id")
    assert event.data == {"action": "修改密码"}
    assert "Brand-New-Pass1" not in str(AuditEvent.objects.values_list("data", flat=True))


def test_it_refuses_the_last_five_passwords(world, client):
    user = world.user("community_worker")
    client.force_login(user)
    passwords = [PASSWORD] + [f"Rotate-{i}-Passw0rd" for i in range(1, 6)]
    for old, new in zip(passwords, passwords[1:], strict=False):
        assert _change(client, old, new).status_code == 302, new
    assert PasswordHistory.objects.filter(user=user).count() == 5

    current = passwords[-1]
    for reused in passwords[1:5]:
        response = _change(client, current, reused)
        assert "新密码不能与最近5次使用过的密码相同" in response.content.decode(), reused
    # The initial password is six changes back: allowed again.
    assert _change(client, current, PASSWORD).status_code == 302


def test_it_expires_passwords_after_the_configured_days(world, client, login_form, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = world.user("branch_secretary")
    changed = timezone.now()
    User.objects.filter(pk=user.pk).update(password_changed_at=changed)

    with time_machine.travel(changed + dt.timedelta(days=89), tick=False):
        login_form("secretary1")
        assert client.get("/members/").status_code == 200
        client.logout()
    with time_machine.travel(changed + dt.timedelta(days=90, minutes=1), tick=False):
        login_form("secretary1")
        response = client.get("/members/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/password/")
        assert "密码已超过90天未修改" in client.get("/accounts/password/").content.decode()
        assert _change(client, PASSWORD, "Summer-2030-Pass").status_code == 302
        assert client.get("/members/").status_code == 200


def test_it_never_expires_with_zero_days(world, client, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 0
    user = world.user("branch_secretary")
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=4000))
    client.force_login(user)
    assert client.get("/members/").status_code == 200


def test_it_records_every_password_set_in_the_history(world):
    """Any path that saves a new password (here set_password + save) leaves a history row and a change time."""
    user = world.user("inspector")
    before = PasswordHistory.objects.filter(user=user).count()
    user.set_password("Another-Passw0rd")
    user.save()
    user.refresh_from_db()
    assert PasswordHistory.objects.filter(user=user).count() == before + 1
    assert timezone.now() - user.password_changed_at < dt.timedelta(seconds=30)
