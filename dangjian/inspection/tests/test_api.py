"""API: scoped reads (another community → 404), writes through the services (403 for a role that may
only read, 400 naming the field for bad input), the workflow and acceptance actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from dangjian.inspection.models import Finding, FindingStatus, MeasureStatus
from dangjian.inspection.tests.helpers import make_finding, make_measure, make_round


@pytest.fixture
def api():  # noqa: ANN201
    def login(user):  # noqa: ANN001, ANN202
        client = APIClient()
        client.force_authenticate(user)
        return client

    return login


def test_it_scopes_findings_and_measures(world, api):  # noqa: ANN001
    r = make_round(world)
    f1 = make_finding(world, r, organization=world.c1)
    f2 = make_finding(world, r, organization=world.c2)
    m2 = make_measure(world, f2, actor=world.user("street_staff"))
    worker = api(world.user("community_worker"))
    listed = worker.get("/api/inspection-findings/", {"inspection": r.pk}).json()["results"]
    assert [f["id"] for f in listed] == [f1.pk]
    assert worker.get(f"/api/inspection-findings/{f2.pk}/").status_code == 404
    assert worker.get(f"/api/rectification-measures/{m2.pk}/").status_code == 404
    assert (
        worker.post(f"/api/rectification-measures/{m2.pk}/transition/", {"to": "in_progress"}).status_code
        == 404
    )
    assert worker.get(f"/api/inspections/{r.pk}/").status_code == 200  # the round inspected C1
    other = make_round(world, organization=world.c2, inspected=[world.c2])
    assert worker.get(f"/api/inspections/{other.pk}/").status_code == 404
    assert api(world.user("member")).get("/api/inspection-findings/").json()["results"] == []


def test_it_runs_the_workflow_through_the_api(world, api):  # noqa: ANN001
    r = make_round(world)
    finding = make_finding(world, r)
    worker = api(world.user("community_worker"))
    created = worker.post(
        "/api/rectification-measures/",
        {
            "finding": finding.pk,
            "text": "完善档案",
            "owner_name": "王芳",
            "owner_unit": "社区党委",
            "due": str(timezone.localdate() + dt.timedelta(days=10)),
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    bad = worker.post(f"/api/rectification-measures/{pk}/transition/", {"to": "accepted"}, format="json")
    assert bad.status_code == 400 and "status" in bad.json()
    done = worker.post(
        f"/api/rectification-measures/{pk}/transition/", {"to": "done", "note": "已完成"}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == MeasureStatus.DONE
    stale = worker.patch(
        f"/api/rectification-measures/{pk}/", {"version": 1, "owner_name": "李强"}, format="json"
    )
    assert stale.status_code == 409
    assert (
        worker.post(f"/api/inspection-findings/{finding.pk}/accept/", {"comment": "同意"}).status_code == 403
    )
    staff = api(world.user("street_staff"))
    missing = staff.post(f"/api/inspection-findings/{finding.pk}/accept/", {"comment": ""}, format="json")
    assert missing.status_code == 400
    accepted = staff.post(
        f"/api/inspection-findings/{finding.pk}/accept/", {"comment": "同意销号"}, format="json"
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == FindingStatus.CLOSED
    decisions = staff.get(f"/api/inspection-findings/{finding.pk}/decisions/").json()
    assert [d["accepted"] for d in decisions] == [True]
    history = staff.get(f"/api/rectification-measures/{pk}/history/").json()
    assert [h["status_to"] for h in history] == ["not_started", "done", "accepted"]


def test_it_keeps_inspectors_read_only_on_measures_in_the_api(world, api):  # noqa: ANN001
    finding = make_finding(world, make_round(world))
    measure = make_measure(world, finding)
    inspector = api(world.user("inspector"))
    assert inspector.get(f"/api/rectification-measures/{measure.pk}/").status_code == 200
    assert (
        inspector.post(
            f"/api/rectification-measures/{measure.pk}/transition/", {"to": "in_progress"}, format="json"
        ).status_code
        == 403
    )
    assert (
        inspector.patch(
            f"/api/rectification-measures/{measure.pk}/",
            {"version": measure.version, "text": "改"},
            format="json",
        ).status_code
        == 403
    )
    assert (
        inspector.post(
            "/api/rectification-measures/",
            {"finding": finding.pk, "text": "x", "owner_name": "x", "owner_unit": "x", "due": "2030-01-01"},
            format="json",
        ).status_code
        == 403
    )
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.NOT_STARTED and measure.text == "加强党建档案管理"
    # inspectors file findings in their subtree
    filed = inspector.post(
        "/api/inspection-findings/",
        {"source": "look_back", "organization": world.b1.pk, "aspect": "基层党建", "title": "回头看问题"},
        format="json",
    )
    assert filed.status_code == 201, filed.content
    outside = inspector.post(
        "/api/inspection-findings/",
        {"source": "look_back", "organization": world.c2.pk, "aspect": "基层党建", "title": "越权"},
        format="json",
    )
    assert outside.status_code == 400 and "organization" in outside.json()
    assert not Finding.objects.filter(title="越权").exists()


def test_it_creates_rounds_and_validates_input(world, api):  # noqa: ANN001
    staff = api(world.user("street_staff"))
    bad = staff.post(
        "/api/inspections/",
        {
            "name": "第九轮",
            "team": "第三巡察组",
            "organization": world.street.pk,
            "inspected": [world.c1.pk],
            "onsite_from": "2024-05-01",
            "onsite_to": "2024-04-01",
        },
        format="json",
    )
    assert bad.status_code == 400 and "onsite_to" in bad.json()
    good = staff.post(
        "/api/inspections/",
        {
            "name": "第九轮",
            "team": "第三巡察组",
            "organization": world.street.pk,
            "inspected": [world.c1.pk],
            "onsite_from": "2024-04-01",
            "onsite_to": "2024-05-01",
            "feedback_on": "2024-06-01",
        },
        format="json",
    )
    assert (
        good.status_code == 201
        and good.json()["plan_due"] == "2024-07-01"
        and good.json()["report_due"] == "2024-08-01"
    )
    worker = api(world.user("community_worker"))
    assert (
        worker.post(
            "/api/inspections/",
            {
                "name": "越权",
                "team": "x",
                "organization": world.c1.pk,
                "inspected": [world.c1.pk],
                "onsite_from": "2024-04-01",
                "onsite_to": "2024-05-01",
            },
            format="json",
        ).status_code
        == 403
    )
    # link through the API
    r = make_round(world)
    old = make_finding(world, r, found_on=dt.date(2020, 1, 1))
    new = make_finding(world, r)
    linked = staff.post(f"/api/inspection-findings/{new.pk}/link/", {"earlier": old.pk}, format="json")
    assert linked.status_code == 200 and linked.json()["is_recurring"]
    assert staff.get("/api/inspection-findings/", {"recurring": "1"}).json()["count"] == 1
