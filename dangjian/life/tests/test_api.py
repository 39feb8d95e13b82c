"""The REST API: the same checks as the form, scoped like every page."""

from __future__ import annotations

import datetime as dt

from rest_framework.test import APIClient

from dangjian.life.models import Activity, Appraisal, DutyReport, StudyPlanItem, Talk
from dangjian.life.services import activity_create
from dangjian.life.tests.conftest import LONG_MINUTES, activity_input
from dangjian.test import MemberFactory, make_user


def api(user) -> APIClient:  # noqa: ANN001
    client = APIClient()
    client.force_authenticate(user)
    return client


def _payload(world, **kw):  # noqa: ANN001, ANN003, ANN202
    m1, m2 = world.members["m1"], world.members["m2"]
    data = {
        "organization": world.b1.pk,
        "kind": "themed_day",
        "date": "2024-05-20",
        "start_time": "14:30",
        "place": "社区广场",
        "host": m1.pk,
        "recorder": m2.pk,
        "topic": "重温入党誓词",
        "minutes": LONG_MINUTES,
        "attended": [m1.pk],
        "absent": [{"member": m2.pk, "reason": "abroad", "note": "探亲"}],
        "guests": [{"name": "陈老师", "unit": "共建学校"}],
    }
    data.update(kw)
    return data


def test_it_creates_an_activity_through_the_api_and_returns_computed_counts(world):
    response = api(world.user("branch_secretary")).post(
        "/api/life/activities/", _payload(world), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["expected_count"], body["attended_count"], body["absent_count"], body["guest_count"]) == (
        2,
        1,
        1,
        1,
    )
    assert body["guests"] == [{"name": "陈老师", "unit": "共建学校"}]
    absent = next(a for a in body["attendance"] if not a["attended"])
    assert (absent["member_name"], absent["absence_reason"], absent["absence_note"]) == (
        "李秀英",
        "abroad",
        "探亲",
    )


def test_it_gives_field_errors_with_the_shared_checks_and_stores_nothing(world):
    client = api(world.user("branch_secretary"))
    outsider = MemberFactory(
        name="未入党者",
        organization=world.b1,
        joined_on=dt.date(2024, 6, 1),
        confirmed_on=dt.date(2025, 6, 1),
    )
    bad = _payload(world, kind="lecture", attended=[world.members["m1"].pk, outsider.pk])
    response = client.post("/api/life/activities/", bad, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert "lecturer" in errors and "lecture_title" in errors
    assert any("未入党者" in e for e in errors["attendance"])
    missing = client.post("/api/life/activities/", _payload(world, absent=[]), format="json")
    assert missing.status_code == 400 and "未标记出席或缺席" in missing.json()["attendance"][0]
    assert Activity.objects.count() == 0


def test_it_refuses_writes_outside_scope_and_for_read_only_roles(world):
    assert (
        api(world.user("branch_secretary"))
        .post("/api/life/activities/", _payload(world, organization=world.b3.pk), format="json")
        .status_code
        == 404
    )
    assert (
        api(world.user("inspector")).post("/api/life/activities/", _payload(world), format="json").status_code
        == 404
    )
    assert Activity.objects.count() == 0


def test_it_lists_within_scope_only(world):
    m1, m2 = world.members["m1"], world.members["m2"]
    a = activity_create(
        actor=world.user("street_staff"),
        organization=world.b1,
        data=activity_input(host=m1.pk, recorder=m2.pk, attended={m1.pk, m2.pk}),
    )
    m4 = world.members["m4"]
    activity_create(
        actor=world.user("street_staff"),
        organization=world.b3,
        data=activity_input(host=m4.pk, recorder=m4.pk, attended={m4.pk}),
    )
    b1_view = api(world.user("branch_secretary")).get("/api/life/activities/").json()
    assert [r["id"] for r in b1_view["results"]] == [a.pk]
    assert b1_view["results"][0]["expected_count"] == 2
    assert len(api(world.user("street_staff")).get("/api/life/activities/").json()["results"]) == 2
    member_view = api(world.user("member")).get("/api/life/activities/").json()["results"]
    assert [r["id"] for r in member_view] == [a.pk] and member_view[0]["expected_count"] == 2
    outsider = make_user("branch_secretary", world.b3, "s3")
    assert api(outsider).get(f"/api/life/activities/{a.pk}/").status_code == 404
    assert (
        api(world.user("street_staff"))
        .get(f"/api/life/activities/?organization={world.b3.pk}")
        .json()["count"]
        == 1
    )
    assert (
        api(world.user("branch_secretary"))
        .get(f"/api/life/activities/?organization={world.b3.pk}")
        .status_code
        == 404
    )


def test_it_updates_an_activity_with_its_version(world):
    m1, m2 = world.members["m1"], world.members["m2"]
    a = activity_create(
        actor=world.user("street_staff"),
        organization=world.b1,
        data=activity_input(kind="themed_day", host=m1.pk, recorder=m2.pk, attended={m1.pk, m2.pk}),
    )
    client = api(world.user("branch_secretary"))
    ok = client.put(f"/api/life/activities/{a.pk}/", _payload(world, version=1), format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.put(f"/api/life/activities/{a.pk}/", _payload(world, version=1, topic="x"), format="json")
    assert stale.status_code == 400
    a.refresh_from_db()
    assert a.topic == "重温入党誓词"


def test_it_records_talks_appraisals_duty_reports_and_plans_through_the_api(world, b1_committee):
    m1, m2, m5 = world.members["m1"], world.members["m2"], world.members["m5"]
    client = api(world.user("branch_secretary"))
    talk = client.post(
        "/api/life/talks/",
        {
            "organization": world.b1.pk,
            "participant_a": m1.pk,
            "participant_b": m2.pk,
            "date": "2024-04-01",
            "summary": "交流思想",
        },
        format="json",
    )
    assert talk.status_code == 201 and Talk.objects.count() == 1
    same = client.post(
        "/api/life/talks/",
        {
            "organization": world.b1.pk,
            "participant_a": m1.pk,
            "participant_b": m1.pk,
            "date": "2024-04-01",
            "summary": "x",
        },
        format="json",
    )
    assert same.status_code == 400 and "participant_b" in same.json()
    grades = client.post(
        "/api/life/appraisals/",
        {
            "organization": world.b1.pk,
            "year": 2024,
            "grades": [{"member": m1.pk, "grade": "excellent"}, {"member": m2.pk, "grade": "qualified"}],
        },
        format="json",
    )
    assert grades.status_code == 201 and Appraisal.objects.count() == 2
    not_member = client.post(
        "/api/life/appraisals/",
        {
            "organization": world.b1.pk,
            "year": 2024,
            "grades": [{"member": world.members["m3"].pk, "grade": "qualified"}],
        },
        format="json",
    )
    assert not_member.status_code == 400
    report = client.post(
        "/api/life/duty-reports/",
        {
            "organization": world.b1.pk,
            "year": 2024,
            "secretary": m1.pk,
            "text": "一年来，支部认真落实意识形态工作责任制。" * 5,
        },
        format="json",
    )
    assert report.status_code == 201 and DutyReport.objects.count() == 1
    not_secretary = client.post(
        "/api/life/duty-reports/",
        {"organization": world.b1.pk, "year": 2024, "secretary": m5.pk, "text": "述职" * 40},
        format="json",
    )
    assert not_secretary.status_code == 400 and "secretary" in not_secretary.json()
    plan = client.post(
        "/api/life/study-plans/",
        {"organization": world.b1.pk, "year": 2024, "month": 7, "topic": "学习党章", "kind": "themed_day"},
        format="json",
    )
    assert plan.status_code == 201 and StudyPlanItem.objects.count() == 1
    assert client.get("/api/life/study-plans/").json()["results"][0]["items"][0]["topic"] == "学习党章"
    outsider = make_user("branch_secretary", world.b3, "s3")
    assert api(outsider).get("/api/life/talks/").json()["count"] == 0
    assert api(outsider).get("/api/life/appraisals/").json()["count"] == 0
    assert api(world.user("member")).get("/api/life/appraisals/").json()["count"] == 1  # own grade only


def test_it_reports_obligations_for_a_subtree(world):
    response = api(world.user("community_worker")).get(
        f"/api/life/obligations/?organization={world.c1.pk}&year=2024&status=late"
    )
    assert response.status_code == 200
    rows = response.json()
    assert {r["organization_name"] for r in rows} == {"第一党支部", "第二党支部", "第一党小组"}
    assert all(r["status"] == "late" for r in rows)
    assert (
        api(world.user("community_worker"))
        .get(f"/api/life/obligations/?organization={world.c2.pk}")
        .status_code
        == 404
    )


def test_it_serves_the_openapi_schema_with_life_paths(world):
    response = api(world.user("street_staff")).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/life/activities/" in response.content and b"/api/life/obligations/" in response.content
