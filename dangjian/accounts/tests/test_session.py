"""Sessions (security.md): 30 minutes of inactivity end them; logout ends them on the server."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.utils import timezone

from dangjian.audit.models import AuditEvent, EventType

pytestmark = pytest.mark.django_db


def test_it_ends_a_session_after_thirty_idle_minutes(world, client, login_form, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        login_form("worker1")
        assert client.get("/members/").status_code == 200
    # Activity every 29 minutes keeps it alive well past 30 minutes in total.
    for minutes in (29, 58, 87):
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            assert client.get("/members/").status_code == 200, minutes
    with time_machine.travel(start + dt.timedelta(minutes=87 + 31), tick=False):
        response = client.get("/members/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_ends_the_server_session_at_logout(world, client, login_form):
    login_form("worker1")
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    assert client.post("/accounts/logout/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies["sessionid"] = key  # replaying the old cookie gets nowhere
    assert client.get("/members/").status_code == 302
    assert AuditEvent.objects.filter(event_type=EventType.LOGOUT, actor=world.user("community_worker")).exists()


def test_it_logs_out_a_disabled_account_at_its_next_request(world, client, login_form):
    login_form("worker1")
    world.user("community_worker").__class__.objects.filter(username="worker1").update(is_active=False)
    assert client.get("/members/").status_code == 302
