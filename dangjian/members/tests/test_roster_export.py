"""Roster export to xlsx: scope, masking, the audit row, the member list's filters, and a round trip
through the import."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.accounts.testing import login_verified
from dangjian.audit.models import AuditEvent, EventType
from dangjian.core.xlsx import XLSX_MIME, read_rows
from dangjian.lib.masking import mask_id_number, mask_phone
from dangjian.members.importer import HEADERS, roster_import_preview
from dangjian.members.models import MemberCategory, MemberStatus
from dangjian.test import MemberFactory

ID, PHONE, BRANCH = HEADERS.index("公民身份号码"), HEADERS.index("联系电话"), HEADERS.index("所在党支部")


def export(client, **params):
    return client.get(reverse("roster:export"), params)


def sheet(response) -> dict[str, list]:
    rows = read_rows(io.BytesIO(response.content))
    assert rows[0] == HEADERS
    return {r[0]: r for r in rows[1:]}


def last_export() -> AuditEvent:
    return AuditEvent.objects.filter(event_type=EventType.EXPORT).order_by("-id").first()


def test_it_masks_numbers_by_default_and_audits_the_export(world, client_for):
    staff = world.user("street_staff")
    response = export(client_for(staff))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MIME and response["Content-Disposition"].startswith("attachment")
    rows = sheet(response)
    assert set(rows) == {"张建国", "李秀英", "王志强", "赵丽华"}
    m1 = world.members["m1"]
    assert rows["张建国"][ID] == mask_id_number(m1.id_number) != m1.id_number
    assert rows["张建国"][PHONE] == mask_phone(m1.phone) != m1.phone
    assert rows["张建国"][BRANCH] == "第一党支部" and rows["张建国"][HEADERS.index("党小组")] == "第一党小组"
    event = last_export()
    assert event.actor == staff and event.organization == world.street
    assert event.data["rows"] == 4 and event.data["full"] is False and event.data["scope"] == world.street.pk
    assert m1.id_number not in str(event.data)


def test_it_reveals_full_numbers_only_to_pii_roles_that_ask(world, client_for):
    m1 = world.members["m1"]
    rows = sheet(export(client_for(world.user("street_staff")), full="1"))
    assert rows["张建国"][ID] == m1.id_number and rows["张建国"][PHONE] == m1.phone
    assert last_export().data["full"] is True

    rows = sheet(export(client_for(world.user("inspector")), full="1"))  # may read, may not reveal
    assert rows["张建国"][ID] == mask_id_number(m1.id_number)
    assert last_export().data["full"] is False


def test_it_keeps_a_branch_secretary_to_their_branch(world, client_for):
    client = client_for(world.user("branch_secretary"))  # of B1
    assert set(sheet(export(client))) == {"张建国", "李秀英"}
    assert set(sheet(export(client, org=world.b1.pk))) == {"张建国", "李秀英"}
    events = AuditEvent.objects.filter(event_type=EventType.EXPORT).count()
    for org in (world.b2.pk, world.b3.pk, world.c1.pk, "x", 999999):
        assert export(client, org=org).status_code == 404
    assert AuditEvent.objects.filter(event_type=EventType.EXPORT).count() == events


def test_it_keeps_a_community_worker_to_their_community(world, client_for):
    client = client_for(world.user("community_worker"))  # of C1
    assert set(sheet(export(client))) == {"张建国", "李秀英", "王志强"}
    assert set(sheet(export(client, org=world.b2.pk))) == {"王志强"}
    assert export(client, org=world.c2.pk).status_code == 404


@pytest.mark.parametrize("persona", ["member", "audit_admin", "system_admin", "security_admin"])
def test_it_refuses_roles_without_records(world, client, persona):
    login_verified(client, world.user(persona))  # administrators with their second factor done
    assert export(client).status_code == 404
    assert not AuditEvent.objects.filter(event_type=EventType.EXPORT).exists()


def test_it_applies_the_member_list_filters_and_leaves_out_former_members(world, client_for):
    MemberFactory(name="在职甲", organization=world.b1, category=MemberCategory.IN_SERVICE, employer="某局")
    MemberFactory(
        name="预备乙",
        organization=world.b2,
        status=MemberStatus.PROBATIONARY,
        confirmed_on=None,
        joined_on=dt.date(2024, 6, 1),
    )
    MemberFactory(name="转出丙", organization=world.b1, left_on=dt.date(2024, 1, 1))
    client = client_for(world.user("community_worker"))
    assert "转出丙" not in sheet(export(client))
    assert set(sheet(export(client, category="in_service"))) == {"在职甲"}
    assert set(sheet(export(client, status="probationary"))) == {"预备乙"}
    assert set(sheet(export(client, q="张建国"))) == {"张建国"}
    assert set(sheet(export(client, q="zjg"))) == {"张建国"}
    tail = world.members["m3"].id_number[-4:]
    assert "王志强" in sheet(export(client, q=tail))
    assert last_export().data["filters"] == {"q": tail}


def test_it_exports_a_file_that_imports_back_unchanged(world, client_for):
    """A full export re-imported changes nothing; a masked one is refused row by row, not mangled."""
    client = client_for(world.user("community_worker"))
    full = export(client, full="1").content
    result = roster_import_preview(organization=world.c1, source=io.BytesIO(full))
    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)

    masked = export(client).content
    result = roster_import_preview(organization=world.c1, source=io.BytesIO(masked))
    assert {(e.column, e.row) for e in result.errors} >= {
        ("公民身份号码", 2),
        ("公民身份号码", 3),
        ("公民身份号码", 4),
    }
    assert all("脱敏" in e.message for e in result.errors)


def test_it_uses_the_same_queries_whatever_the_number_of_members(world, client_for):
    client = client_for(world.user("street_staff"))
    with CaptureQueriesContext(connection) as small:
        assert export(client).status_code == 200
    for i in range(25):
        MemberFactory(
            name=f"加{i}",
            organization=[world.b1, world.b2, world.b3][i % 3],
            group=world.g1 if i % 3 == 0 else None,
            birth_date=dt.date(1950, 1, 1) + dt.timedelta(days=37 * i),
        )
    with CaptureQueriesContext(connection) as large:
        rows = sheet(export(client))
    assert len(rows) == 29
    assert len(large.captured_queries) == len(small.captured_queries)
