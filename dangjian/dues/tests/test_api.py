"""The dues API: scoped lists, creation through the services, corrections as new entries, masking."""

from __future__ import annotations

from decimal import Decimal

from dangjian.dues.models import DuesBase, DuesPayment
from dangjian.dues.services import dues_base_set, dues_payment_create


def test_it_lists_only_the_callers_subtree_with_masked_id_numbers(world, client_for) -> None:  # noqa: ANN001
    staff = world.user("street_staff")
    for key in ("m1", "m4"):
        dues_base_set(actor=staff, member=world.members[key], year=2025, income_type="retired", base="3000")
    client = client_for(world.user("branch_secretary"))
    data = client.get("/api/dues-bases/").json()
    assert [r["member_name"] for r in data["results"]] == ["张建国"]
    row = data["results"][0]
    assert row["monthly_amount"] == "15.00" and "*" in row["member_id_number"]
    assert world.members["m1"].id_number not in str(data)
    other = DuesBase.objects.get(member=world.members["m4"])
    assert client.get(f"/api/dues-bases/{other.pk}/").status_code == 404
    own = client_for(world.user("member")).get("/api/dues-bases/").json()
    assert [r["member_name"] for r in own["results"]] == ["张建国"]


def test_it_creates_payments_and_refuses_bad_ones_with_field_messages(world, client_for) -> None:  # noqa: ANN001
    client = client_for(world.user("branch_secretary"))
    m1 = world.members["m1"]
    body = {"member": m1.pk, "paid_on": "2025-06-01", "amount": "30.00", "channel": "alipay",
            "first_month": "2024-12", "last_month": "2025-02"}
    created = client.post("/api/dues-payments/", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["months"] == 3
    twice = client.post("/api/dues-payments/", body | {"first_month": "2025-02", "last_month": "2025-03"},
                        content_type="application/json")
    assert twice.status_code == 400 and "2025年2月的党费已交纳" in twice.json()["first_month"][0]
    three = client.post("/api/dues-payments/", body | {"first_month": "2025-04", "last_month": "", "amount": "1.234"},
                        content_type="application/json")
    assert three.status_code == 400 and "两位小数" in three.json()["amount"][0]
    other = client.post("/api/dues-payments/", body | {"member": world.members["m4"].pk}, content_type="application/json")
    assert other.status_code == 404
    assert DuesPayment.objects.count() == 1
    entry_id = created.json()["id"]
    reversed_ = client.post(f"/api/dues-payments/{entry_id}/reverse/", {"reason": "录错"}, content_type="application/json")
    assert reversed_.status_code == 201 and reversed_.json()["amount"] == "-30.00"
    assert client.patch(f"/api/dues-payments/{entry_id}/", {"amount": "1"}, content_type="application/json").status_code == 405
    assert client.delete(f"/api/dues-payments/{entry_id}/").status_code == 405


def test_it_refuses_writes_to_read_only_roles(world, client_for) -> None:  # noqa: ANN001
    body = {"member": world.members["m1"].pk, "year": 2025, "income_type": "retired", "base": "3000"}
    assert client_for(world.user("inspector")).post("/api/dues-bases/", body, content_type="application/json").status_code == 404
    assert client_for(world.user("member")).post("/api/dues-bases/", body, content_type="application/json").status_code == 404
    ok = client_for(world.user("community_worker")).post("/api/dues-bases/", body, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["rate_label"] == "0.5%"
    negative = client_for(world.user("community_worker")).post(
        "/api/dues-bases/", body | {"base": "-1"}, content_type="application/json")
    assert negative.status_code == 400 and "不能为负数" in negative.json()["base"][0]


def test_it_reports_collection_and_arrears_for_a_scope(world, client_for) -> None:  # noqa: ANN001
    staff = world.user("street_staff")
    m1 = world.members["m1"]
    dues_base_set(actor=staff, member=m1, year=2024, income_type="retired", base="3000")
    dues_payment_create(actor=staff, member=m1, paid_on="2024-11-01", amount="15", channel="cash", first_month="2024-11")
    client = client_for(world.user("community_worker"))
    months = client.get("/api/dues-reports/collection/?year=2025").json()
    assert len(months) == 6 and months[0]["owed"] == 3 and Decimal(months[0]["member_rate"]) == Decimal("0.0")
    arrears = client.get("/api/dues-reports/arrears/").json()
    assert [(r["member_name"], r["streak"], r["severity"]) for r in arrears] == [("张建国", 6, "error")]
    assert client.get(f"/api/dues-reports/arrears/?organization={world.c2.pk}").status_code == 404
    assert client_for(world.user("member")).get("/api/dues-reports/collection/").status_code == 404


def test_it_records_remittances_through_the_api(world, client_for) -> None:  # noqa: ANN001
    client = client_for(world.user("community_worker"))
    body = {"organization": world.c1.pk, "period_start": "2025-01", "period_end": "2025-03",
            "remitted_on": "2025-04-10", "amount": "100.00"}
    created = client.post("/api/dues-remittances/", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["to_organization"] == world.street.pk
    assert client.post("/api/dues-remittances/", body | {"organization": world.c2.pk},
                       content_type="application/json").status_code == 404
    rid = created.json()["id"]
    assert client.post(f"/api/dues-remittances/{rid}/reverse/", {"reason": "错"}, content_type="application/json").status_code == 201
    assert len(client.get("/api/dues-remittances/?year=2025").json()["results"]) == 2
