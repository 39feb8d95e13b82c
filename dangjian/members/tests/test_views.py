from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.audit.models import AuditEvent, EventType
from dangjian.members.models import Member
from dangjian.test import MemberFactory


@pytest.mark.django_db
def test_it_searches_by_name_initials_and_id_digits(world, client_for):
    client = client_for(world.user("street_staff"))
    m2 = world.members["m2"]
    assert "李秀英" in client.get("/members/?q=lxy").content.decode()
    page = client.get(f"/members/?q={m2.id_number[-4:]}").content.decode()
    assert "李秀英" in page
    page = client.get(f"/members/?q={m2.id_number}").content.decode()
    assert "李秀英" in page and "张建国" not in page
    assert "张建国" not in client.get("/members/?q=秀英").content.decode()


@pytest.mark.django_db
def test_it_masks_personal_data_and_audits_each_reveal(world, client_for):
    member = world.members["m2"]
    client = client_for(world.user("branch_secretary"))
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert member.id_number not in page and member.phone not in page
    assert member.id_number[:4] + "**********" + member.id_number[-4:] in page
    revealed = client.post(f"/members/{member.pk}/reveal/id_number/").content.decode()
    assert member.id_number in revealed
    assert AuditEvent.objects.filter(event_type=EventType.VIEW_PII, object_id=str(member.pk)).count() == 1
    # an inspector sees the record but may not reveal
    inspector = client_for(world.user("inspector"))
    assert inspector.post(f"/members/{member.pk}/reveal/id_number/").status_code == 404


@pytest.mark.django_db
def test_it_lists_members_with_a_fixed_number_of_queries(world, client_for):
    client = client_for(world.user("street_staff"))
    client.get("/members/")  # warm the session and caches

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/members/").status_code == 200
        return len(ctx.captured_queries)

    few = count_queries()
    for i in range(60):
        MemberFactory(name=f"测试{i}", organization=world.b2 if i % 2 else world.b3)
    assert count_queries() == few


@pytest.mark.django_db
def test_it_edits_through_the_form_and_refuses_a_stale_form(world, client_for):
    member = world.members["m3"]
    client = client_for(world.user("community_worker"))
    form = {
        "name": member.name, "id_number": member.id_number, "ethnicity": "汉族", "education": "college",
        "phone": "13900001111", "category": "in_service", "employer": "南京某公司", "status": "full",
        "joined_on": "1980-07-01", "confirmed_on": "1981-07-01", "version": member.version,
    }
    response = client.post(f"/members/{member.pk}/edit/", form)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.category == "in_service" and member.phone == "13900001111"
    stale = client.post(f"/members/{member.pk}/edit/", form | {"employer": "另一家公司"})
    assert stale.status_code == 200 and "已被他人修改" in stale.content.decode()
    assert Member.objects.get(pk=member.pk).employer == "南京某公司"


@pytest.mark.django_db
def test_it_names_the_field_of_bad_input_on_the_form(world, client_for):
    client = client_for(world.user("community_worker"))
    before = Member.objects.count()
    response = client.post("/members/new/", {
        "name": "钱多", "id_number": "320102199001011235", "ethnicity": "汉族", "education": "college",
        "organization": world.b1.pk, "category": "resident", "status": "full", "joined_on": "2015-07-01",
    })
    assert response.status_code == 200
    assert "身份证号码校验位错误" in response.content.decode()
    assert Member.objects.count() == before


@pytest.mark.django_db
def test_it_transfers_a_member_in_from_outside(world, client_for):
    client = client_for(world.user("branch_secretary"))
    from dangjian.test import make_id_number

    response = client.post("/members/transfer-in/", {
        "date": "2025-03-01", "counterpart": "安徽省合肥市某社区党委", "letter_no": "2025-017",
        "name": "吴晓明", "id_number": make_id_number(dt.date(1990, 2, 3), "M"), "ethnicity": "汉族", "education": "undergraduate",
        "organization": world.b1.pk, "category": "floating", "floating_direction": "inbound", "floating_place": "安徽合肥",
        "status": "full", "joined_on": "2014-06-01", "confirmed_on": "2015-06-01",
    })
    assert response.status_code == 302, response.content.decode()
    member = Member.objects.get(name="吴晓明")
    assert member.transfers.get().counterpart == "安徽省合肥市某社区党委"
    # and a branch secretary cannot place a member in another branch
    other = client.post("/members/transfer-in/", {"organization": world.b3.pk})
    assert other.status_code == 200 and "选择一个有效的选项" in other.content.decode()
