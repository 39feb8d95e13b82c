"""Services to residents: points from records, the festival list, the request life cycle and
overdue boundary, funds corrected only by new entries, the period summary, scope."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from dangjian.services import selectors, services
from dangjian.services.models import Fund, PointRule, RequestStatus
from dangjian.test import MemberFactory

YEAR = 2025


@pytest.fixture
def community(world):
    return world.c1


@pytest.mark.django_db
def test_points_are_computed_from_records_for_a_hand_made_year(world, community):
    m1, m2 = world.members["m1"], world.members["m2"]
    PointRule.objects.create(
        organization=community, source="service_hour", points=Decimal("1"), yearly_cap=Decimal("5")
    )
    PointRule.objects.create(organization=community, source="visit_made", points=Decimal("3"))
    PointRule.objects.create(organization=community, source="activity_attended", points=Decimal("2"))
    services.service_record_create(
        actor=None,
        organization=community,
        kind="volunteer",
        date=dt.date(YEAR, 3, 1),
        place="小区",
        content="清理楼道",
        participants=[(m1, Decimal("2.5")), (m2, Decimal("1.0"))],
    )
    services.service_record_create(
        actor=None,
        organization=community,
        kind="volunteer",
        date=dt.date(YEAR, 5, 1),
        place="小区",
        content="巡逻",
        participants=[(m1, Decimal("4.0"))],
    )
    services.service_record_create(
        actor=None,
        organization=community,
        kind="volunteer",
        date=dt.date(YEAR - 1, 5, 1),
        place="小区",
        content="去年的服务",
        participants=[(m2, Decimal("8.0"))],
    )
    services.visit_create(
        actor=None,
        organization=community,
        date=dt.date(YEAR, 1, 20),
        reason="elderly",
        visitors=[m2],
        visited_member=m1,
        gift="米",
        signed_by="张建国",
    )
    from dangjian.life.models import Activity, Attendance

    activity = Activity.objects.create(
        organization=world.b1, kind="general_meeting", date=dt.date(YEAR, 4, 1), place="活动室", topic="学习"
    )
    Attendance.objects.create(activity=activity, member=m2, attended=True)
    Attendance.objects.create(activity=activity, member=m1, attended=False, absence_reason="sick")
    rows = {p.member.name: p for p in selectors.points(community, YEAR)}
    assert rows["张建国"].total == Decimal("5.0")  # 6.5 hours capped at 5; absent from the meeting
    assert rows["李秀英"].total == Decimal("6.0")  # 1 hour + one visit made (3) + one meeting (2)
    assert rows["王志强"].total == Decimal("0")


@pytest.mark.django_db
def test_the_festival_list_shows_who_is_due_and_who_was_visited(world, community):
    m1 = world.members["m1"]
    m1.hardship = True
    m1.save()
    elderly = MemberFactory(name="老党员", organization=world.b2, elderly=True)
    day = selectors.festival_date("spring", 2025)
    assert day == dt.date(2025, 1, 28)  # the first day off of the 2025 Spring Festival holiday
    services.visit_create(
        actor=None,
        organization=community,
        date=dt.date(2025, 1, 20),
        reason="hardship",
        visitors=[world.members["m2"]],
        visited_member=m1,
        gift="米、油",
        amount=Decimal("300"),
        signed_by="张建国",
    )
    services.visit_create(
        actor=None,
        organization=community,
        date=dt.date(2024, 11, 1),
        reason="elderly",
        visitors=[world.members["m2"]],
        visited_member=elderly,
    )  # too early for the 2025 festival window
    _, rows = selectors.festival_visits(community, "spring", 2025)
    visited = {r.member.name: r.visited_on for r in rows}
    assert visited == {"张建国": dt.date(2025, 1, 20), "老党员": None}


@pytest.mark.django_db
def test_a_gift_needs_someone_who_signed_for_it(world, community):
    with pytest.raises(ValidationError) as info:
        services.visit_create(
            actor=None,
            organization=community,
            date=dt.date(2025, 1, 20),
            reason="hardship",
            visitors=[world.members["m2"]],
            visited_member=world.members["m1"],
            amount=Decimal("300"),
        )
    assert "signed_by" in info.value.message_dict


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2025, 3, 10, 12, tzinfo=dt.UTC), tick=False)
def test_the_request_life_cycle_only_moves_forward_and_overdue_starts_after_the_due_day(world, community):
    req = services.request_create(
        actor=None,
        organization=community,
        kind="dispute",
        channel="phone",
        received_on=dt.date(2025, 3, 1),
        resident_name="王大爷",
        description="楼上漏水",
        due_on=dt.date(2025, 3, 10),
        resident_phone="13912345678",
    )
    assert req.resident_phone_last4 == "5678" and "13912345678" not in req.resident_phone_enc
    qs = type(req).objects.filter(pk=req.pk)
    assert not selectors.overdue_requests(qs, dt.date(2025, 3, 10)).exists()
    assert selectors.overdue_requests(qs, dt.date(2025, 3, 11)).exists()
    with pytest.raises(ValidationError):
        services.request_advance(
            actor=None,
            request=req,
            to=RequestStatus.CLOSED,
            date=dt.date(2025, 3, 5),
            version=req.version,
            feedback="satisfied",
        )
    req = services.request_advance(
        actor=None,
        request=req,
        to=RequestStatus.ASSIGNED,
        date=dt.date(2025, 3, 2),
        version=req.version,
        assignee="网格员",
    )
    req = services.request_advance(
        actor=None,
        request=req,
        to=RequestStatus.HANDLED,
        date=dt.date(2025, 3, 5),
        version=req.version,
        result="已调解",
    )
    with pytest.raises(ValidationError) as info:
        services.request_advance(
            actor=None, request=req, to=RequestStatus.CLOSED, date=dt.date(2025, 3, 6), version=req.version
        )
    assert "feedback" in info.value.message_dict
    req = services.request_advance(
        actor=None,
        request=req,
        to=RequestStatus.CLOSED,
        date=dt.date(2025, 3, 6),
        version=req.version,
        feedback="satisfied",
    )
    assert not selectors.overdue_requests(qs, dt.date(2025, 4, 1)).exists()
    s = selectors.summary(community, dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date(2025, 3, 10))
    assert (s.requests_received, s.requests_closed, s.disputes_mediated, s.average_days_to_close) == (
        1,
        1,
        1,
        5.0,
    )


@pytest.mark.django_db
def test_fund_balances_change_only_through_new_entries(world, community):
    fund = Fund.objects.create(
        organization=community, name="服务群众专项经费", kind="service", opened_on=dt.date(2024, 1, 1)
    )
    services.fund_entry_create(
        actor=None,
        fund=fund,
        date=dt.date(2024, 12, 1),
        direction="income",
        amount=Decimal("1000.00"),
        purpose="拨款",
        approver="街道",
    )
    services.fund_entry_create(
        actor=None,
        fund=fund,
        date=dt.date(2025, 1, 5),
        direction="income",
        amount=Decimal("5000.00"),
        purpose="拨款",
        approver="街道",
    )
    wrong = services.fund_entry_create(
        actor=None,
        fund=fund,
        date=dt.date(2025, 2, 1),
        direction="expense",
        amount=Decimal("800.00"),
        purpose="慰问品",
    )
    [st] = selectors.fund_statements([fund], 2025)
    assert (st.opening, st.income, st.expense, st.closing) == (
        Decimal("1000.00"),
        Decimal("5000.00"),
        Decimal("800.00"),
        Decimal("5200.00"),
    )
    assert st.flagged == [wrong]  # no approver, no voucher
    services.fund_entry_reverse(actor=None, entry=wrong, date=dt.date(2025, 2, 2), reason="金额录错")
    services.fund_entry_create(
        actor=None,
        fund=fund,
        date=dt.date(2025, 2, 2),
        direction="expense",
        amount=Decimal("80.00"),
        purpose="慰问品",
        approver="书记",
        voucher_no="2025-002",
    )
    [st] = selectors.fund_statements([fund], 2025)
    assert (st.expense, st.closing, st.flagged) == (Decimal("80.00"), Decimal("5920.00"), [])
    assert fund.entries.count() == 5  # nothing was edited or deleted
    with pytest.raises(ValidationError):
        services.fund_entry_reverse(actor=None, entry=wrong, date=dt.date(2025, 2, 3), reason="再冲一次")
    with pytest.raises(ValidationError):
        services.fund_entry_create(
            actor=None,
            fund=fund,
            date=dt.date(2025, 2, 2),
            direction="expense",
            amount=Decimal("1.005"),
            purpose="x",
        )


@pytest.mark.django_db
def test_pages_answer_the_period_questions_export_and_stay_in_scope(world, community, client_for):
    """GIVEN a community's services, mediations and requests in the first and second half of 2025
    WHEN the summary page is asked for each half, and for the year, and exported THEN each answers
    seed 004's questions (households helped, people trained, services done, disputes mediated, hours
    by team) with only that period's records, and another community's are never counted."""
    m1, m2 = world.members["m1"], world.members["m2"]
    team = services.team_create(
        actor=None, organization=community, name="法律服务队", specialty="mediation",
        founded_on=dt.date(2024, 1, 1), members=[m1, m2],
    )

    def service(day, hours, team=None, **counts):  # noqa: ANN001, ANN202
        return services.service_record_create(
            actor=None, organization=community, kind="training", date=day, place="活动室",
            content="技能培训", participants=[(m, Decimal(hours)) for m in (m1, m2)], team=team, **counts,
        )

    service(dt.date(2025, 3, 1), "3.0", team=team, people_trained=32, households_helped=2)
    service(dt.date(2025, 5, 9), "1.5", households_helped=1)
    service(dt.date(2025, 9, 20), "2.0", team=team, people_trained=10)
    for day in (dt.date(2025, 4, 2), dt.date(2025, 10, 8)):
        services.care_event_create(
            actor=None, organization=community, kind="mediation", date=day, beneficiary="邻里", description="噪音纠纷"
        )
    req = services.request_create(
        actor=None, organization=community, kind="dispute", channel="phone", received_on=dt.date(2025, 6, 1),
        resident_name="王大爷", description="楼上漏水", due_on=dt.date(2025, 6, 10),
    )
    for to, day, extra in (
        (RequestStatus.ASSIGNED, dt.date(2025, 6, 2), {"assignee": "网格员"}),
        (RequestStatus.HANDLED, dt.date(2025, 6, 4), {"result": "已调解"}),
        (RequestStatus.CLOSED, dt.date(2025, 6, 5), {"feedback": "satisfied"}),
    ):
        req = services.request_advance(actor=None, request=req, to=to, date=day, version=req.version, **extra)
    services.service_record_create(  # another community: never in C1's figures
        actor=None, organization=world.c2, kind="training", date=dt.date(2025, 3, 1), place="活动室",
        content="培训", participants=[(world.members["m4"], Decimal("8.0"))], people_trained=500,
    )

    client = client_for(world.user("community_worker"))
    from dangjian.core.xlsx import read_rows

    def exported(start, end):  # noqa: ANN001, ANN202
        response = client.get(f"/services/?start={start}&end={end}&format=xlsx")
        assert response.status_code == 200
        sheets = [read_rows(io.BytesIO(response.content), sheet=n) for n in (0, 1)]  # figures, hours by team
        return {r[0]: r[1:] for rows in sheets for r in rows if r and r[0]}

    first, second, year = (
        exported("2025-01-01", "2025-06-30"), exported("2025-07-01", "2025-12-31"), exported("2025-01-01", "2025-12-31")
    )
    expected = {  # item: (first half, second half, year)
        "开展服务（次）": (2, 1, 3),
        "帮扶困难户（户）": (3, 0, 3),
        "培训（人次）": (32, 10, 42),
        "调解矛盾纠纷（件）": (2, 1, 3),  # the closed dispute and the mediations of the 爱心驿站
        "服务时长（小时）": (9, 4, 13),
    }
    for item, numbers in expected.items():
        assert tuple(float(t[item][0]) for t in (first, second, year)) == numbers, item
    assert tuple(float(t["法律服务队"][1]) for t in (first, second, year)) == (6, 4, 10)  # hours by team
    assert float(first["（未编队）"][1]) == 3 and "（未编队）" not in second

    page = client.get("/services/?start=2025-07-01&end=2025-12-31").content.decode()
    assert "法律服务队" in page and "培训（人次）" in page and "500" not in page
    other = Fund.objects.create(
        organization=world.c2, name="他社区经费", kind="service", opened_on=dt.date(2024, 1, 1)
    )
    assert client.get(f"/services/funds/{other.pk}/").status_code == 404
    assert client.get(f"/services/?org={world.c2.pk}").status_code == 404
    assert client_for(world.user("member")).get("/services/").status_code == 404
    assert client_for(world.user("member")).get("/services/points/").status_code == 200
