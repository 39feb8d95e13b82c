"""The audit administrator's pages: search, pages, export (itself audited), chain check; nobody else."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from dangjian.accounts.testing import login_verified
from dangjian.audit import guards
from dangjian.audit.models import AuditEvent, EventType
from dangjian.audit.services import audit_record
from dangjian.core.xlsx import read_rows
from dangjian.test import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(world, client):  # noqa: ANN001
    return login_verified(client, world.user("audit_admin"))


def test_it_lists_and_searches_the_log(world, auditor):
    m1, m4 = world.members["m1"], world.members["m4"]
    audit_record(actor=world.user("community_worker"), event_type=EventType.UPDATE, subject=m1, data={"x": 1})
    with time_machine.travel(timezone.now() - dt.timedelta(days=10), tick=False):
        audit_record(actor=world.user("street_staff"), event_type=EventType.VIEW_PII, subject=m4, data={"field": "联系电话"})

    page = auditor.get("/audit/").content.decode()
    assert "张建国" in page and "赵丽华" in page
    by_user = auditor.get("/audit/", {"user": "worker1"}).content.decode()
    assert "张建国" in by_user and "赵丽华" not in by_user
    by_type = auditor.get("/audit/", {"type": "view_pii"}).content.decode()
    assert "赵丽华" in by_type and "张建国" not in by_type
    by_object = auditor.get("/audit/", {"obj": "赵丽华"}).content.decode()
    assert "赵丽华" in by_object and "worker1" not in by_object
    day = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    by_date = auditor.get("/audit/", {"from": day, "to": day}).content.decode()
    assert "赵丽华" in by_date and "张建国" not in by_date
    assert auditor.get("/audit/", {"from": "garbage", "type": "nope", "page": "x"}).status_code == 200


def test_it_pages_with_a_fixed_number_of_queries(world, auditor, django_assert_max_num_queries):
    for i in range(120):
        audit_record(actor=world.user("street_staff"), event_type=EventType.UPDATE, subject=world.members["m1"], data={"i": i})
    with django_assert_max_num_queries(12):
        response = auditor.get("/audit/", {"page": "2"})
    assert "第 2 / " in response.content.decode()


def test_it_exports_the_filtered_log_and_audits_the_export(world, auditor):
    audit_record(actor=world.user("community_worker"), event_type=EventType.UPDATE, subject=world.members["m1"])
    response = auditor.get("/audit/export/", {"user": "worker1"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    import io

    rows = read_rows(io.BytesIO(response.content))
    assert rows[1][0] == "编号"
    assert {r[2] for r in rows[2:]} == {"worker1"}
    export = AuditEvent.objects.filter(event_type=EventType.EXPORT).latest("id")
    assert export.actor == world.user("audit_admin") and export.data["filters"] == {"user": "worker1"}


def test_it_checks_the_chain_from_the_page(world, auditor):
    events = [audit_record(actor=None, event_type=EventType.EXPORT, data={"i": i}) for i in range(3)]
    assert "审计链完整" in auditor.post("/audit/verify/").content.decode()
    with guards.suspended(), __import__("django.db").db.connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET success = %s WHERE id = %s", [False, events[1].id])
    page = auditor.post("/audit/verify/").content.decode()
    assert "异常" in page and f"<td>{events[1].id}</td>" in page
    assert auditor.get("/audit/verify/").status_code == 405


def test_it_shows_a_community_auditor_only_its_subtree(world, client):
    c2_auditor = make_user("audit_admin", world.c2, "auditor-c2")
    audit_record(actor=world.user("community_worker"), event_type=EventType.UPDATE, subject=world.members["m1"])
    audit_record(actor=world.user("street_staff"), event_type=EventType.UPDATE, subject=world.members["m4"])
    audit_record(actor=None, actor_name="ghost", event_type=EventType.LOGIN_FAILED, success=False, object_repr="ghost")
    page = login_verified(client, c2_auditor).get("/audit/").content.decode()
    assert "赵丽华" in page and "张建国" not in page and "ghost" not in page
    exported = read_rows(__import__("io").BytesIO(client.get("/audit/export/").content))
    assert all("张建国" not in str(r) for r in exported)


def test_it_shows_the_top_auditor_events_without_an_organization(world, auditor):
    audit_record(actor=None, actor_name="ghost", event_type=EventType.LOGIN_FAILED, success=False, object_repr="ghost")
    assert "ghost" in auditor.get("/audit/", {"failed": "1"}).content.decode()


@pytest.mark.parametrize("persona", ["system_admin", "security_admin", "street_staff", "inspector", "member"])
def test_it_hides_the_log_from_everyone_else(world, client, persona):
    client = login_verified(client, world.user(persona))
    before = AuditEvent.objects.filter(event_type=EventType.EXPORT).count()
    assert client.get("/audit/").status_code == 404
    assert client.get("/audit/export/").status_code == 404
    assert client.post("/audit/verify/").status_code == 404
    assert AuditEvent.objects.filter(event_type=EventType.EXPORT).count() == before
