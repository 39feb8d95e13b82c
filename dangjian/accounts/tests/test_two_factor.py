"""Two factors (TOTP, django-otp): required for the three administrator roles, optional for others."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.accounts.tests.conftest import code_for
from dangjian.audit.models import AuditEvent, EventType

pytestmark = pytest.mark.django_db

ADMINS = [("system_admin", "sysadmin", "/accounts/users/"), ("security_admin", "secadmin", "/accounts/roles/"),
          ("audit_admin", "auditadmin", "/audit/")]


@pytest.mark.parametrize(("persona", "username", "own_page"), ADMINS)
def test_it_makes_an_administrator_set_up_totp_before_anything_else(world, client, login_form, persona, username, own_page):
    assert login_form(username).status_code == 302
    for url in ("/", own_page, "/orgs/", "/api/organizations/"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"] == "/accounts/security/totp/", url

    page = client.get("/accounts/security/totp/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "style=" not in html  # inline QR, nothing the CSP would block
    assert "管理员账号必须启用双因素认证" in html
    device = TOTPDevice.objects.get(user=world.user(persona), confirmed=False)
    secret = re.search(r"密钥：<code>([A-Z2-7 ]+)</code>", html).group(1).replace(" ", "")
    import base64

    assert base64.b32decode(secret) == device.bin_key

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
        assert "验证码不正确" in client.post("/accounts/security/totp/", {"token": wrong}).content.decode()
    with time_machine.travel(start + dt.timedelta(seconds=3), tick=False):  # after django-otp's throttle delay
        assert client.post("/accounts/security/totp/", {"token": code_for(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(own_page).status_code == 200
    assert AuditEvent.objects.filter(event_type=EventType.SECURITY, actor=world.user(persona), data__action="启用双因素认证").exists()


def test_it_asks_for_the_code_at_login_when_a_device_exists(world, client, login_form):
    user = world.user("security_admin")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        response = login_form("secadmin")
        assert response.status_code == 302 and response["Location"] == "/accounts/login/verify/"
        assert "_auth_user_id" not in client.session  # not logged in on the password alone
        assert client.get("/accounts/roles/").status_code == 302

        wrong = client.post("/accounts/login/verify/", {"token": "12345"})
        assert "6位数字" in wrong.content.decode()
        bad = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
        assert "验证码不正确" in client.post("/accounts/login/verify/", {"token": bad}).content.decode()
        failure = AuditEvent.objects.filter(event_type=EventType.LOGIN_FAILED, actor=user).latest("id")
        assert failure.data["step"] == "验证码"
    with time_machine.travel(start + dt.timedelta(seconds=65), tick=False):
        assert client.post("/accounts/login/verify/", {"token": code_for(device)}).status_code == 302
        assert client.session["_auth_user_id"] == str(user.pk)
        assert client.get("/accounts/roles/").status_code == 200
        assert AuditEvent.objects.filter(event_type=EventType.LOGIN, actor=user).exists()


def test_it_forgets_a_pending_login_after_five_minutes(world, client, login_form):
    user = world.user("street_staff")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        login_form("street")
    with time_machine.travel(start + dt.timedelta(minutes=6), tick=False):
        response = client.post("/accounts/login/verify/", {"token": code_for(device)})
        assert response.status_code == 302 and response["Location"] == "/accounts/login/"
        assert "_auth_user_id" not in client.session


def test_it_lets_other_roles_turn_two_factors_on_and_off(world, client, login_form):
    user = world.user("community_worker")
    login_form("worker1")
    assert client.get("/members/").status_code == 200  # optional: not forced
    assert "未启用" in client.get("/accounts/security/").content.decode()

    client.get("/accounts/security/totp/")
    device = TOTPDevice.objects.get(user=user)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.post("/accounts/security/totp/", {"token": code_for(device)}).status_code == 302
    assert "已启用" in client.get("/accounts/security/").content.decode()

    client.post("/accounts/logout/")
    with time_machine.travel(start + dt.timedelta(seconds=65), tick=False):
        assert login_form("worker1")["Location"] == "/accounts/login/verify/"
        client.post("/accounts/login/verify/", {"token": code_for(device)})
        assert client.get("/members/").status_code == 200
    with time_machine.travel(start + dt.timedelta(seconds=130), tick=False):
        assert client.post("/accounts/security/", {"token": code_for(device)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    client.post("/accounts/logout/")
    assert login_form("worker1")["Location"] == "/"


def test_it_refuses_turning_two_factors_off_for_an_administrator(world, admin_client):
    user = world.user("system_admin")
    client = admin_client(user)
    device = TOTPDevice.objects.get(user=user)
    assert client.post("/accounts/security/", {"token": code_for(device)}).status_code == 404
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert "不能停用" in client.get("/accounts/security/").content.decode()
