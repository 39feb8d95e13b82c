"""The dues pages: who sees what (another subtree is 404), entry forms, the ledger export, the import."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.core.xlsx import Sheet, read_rows, workbook_bytes
from dangjian.dues.models import DuesBase, DuesPayment, DuesRemittance
from dangjian.dues.services import dues_base_set, dues_payment_create, dues_remittance_create

D = Decimal


def pay(actor, member, first, last=None, amount="10", on=None):  # noqa: ANN001, ANN201
    return dues_payment_create(actor=actor, member=member, paid_on=on or "2025-06-01", amount=amount, channel="cash",
                               first_month=first, last_month=last or first)


@pytest.fixture
def ledger_data(world):  # noqa: ANN001, ANN201
    staff = world.user("street_staff")
    m1, m2 = world.members["m1"], world.members["m2"]
    dues_base_set(actor=staff, member=m1, year=2025, income_type="retired", base="5000")  # 25.00
    dues_base_set(actor=staff, member=m2, year=2025, income_type="in_service", base="6000", declared_amount="100")
    pay(staff, m1, "2025-01", "2025-03", amount="75", on="2025-03-20")
    pay(staff, m1, "2025-04", amount="12.50", on="2025-04-10")  # half the due amount
    pay(staff, m2, "2025-01", "2025-12", amount="1200", on="2025-01-06")
    return world


@pytest.mark.parametrize("name", ["overview", "grid", "arrears", "remittances"])
def test_it_shows_scope_pages_inside_the_subtree_and_404_outside(world, client_for, name) -> None:  # noqa: ANN001
    client = client_for(world.user("branch_secretary"))
    assert client.get(reverse(f"dues:{name}", args=[world.b1.pk])).status_code == 200
    assert client.get(reverse(f"dues:{name}", args=[world.b3.pk])).status_code == 404
    assert client.get(reverse(f"dues:{name}", args=[world.c1.pk])).status_code == 404  # above the secretary
    member_client = client_for(world.user("member"))
    assert member_client.get(reverse(f"dues:{name}", args=[world.b1.pk])).status_code == 404


def test_it_shows_the_grid_with_paid_partial_and_unpaid_cells(ledger_data, client_for) -> None:  # noqa: ANN001
    world = ledger_data
    response = client_for(world.user("community_worker")).get(reverse("dues:grid", args=[world.b1.pk]) + "?year=2025")
    html = response.content.decode()
    assert response.status_code == 200
    assert "张建国" in html and "李秀英" in html and "王志强" not in html  # m3 is in B2
    assert html.count("cell cell-paid") >= 3 + 12 and "cell cell-partial" in html and "cell cell-unpaid" in html
    assert "一次性交纳" in html  # 李秀英's January lump sum
    assert '<option value="2024"' in html  # the year picker


def test_it_shows_the_overview_and_arrears_for_the_street(ledger_data, client_for) -> None:  # noqa: ANN001
    world = ledger_data
    client = client_for(world.user("street_staff"))
    html = client.get(reverse("dues:overview", args=[world.street.pk])).content.decode()
    assert "香铺营社区党委" in html and "唱经楼社区党委" in html and "按月收缴率" in html
    pay(world.user("street_staff"), world.members["m1"], "2024-06", "2024-11", amount="60", on="2024-11-10")
    html = client.get(reverse("dues:arrears", args=[world.street.pk]) + "?min=1").content.decode()
    assert "张建国" in html
    assert client.get(reverse("dues:index")).status_code == 302


def test_it_lets_a_member_see_only_their_own_dues(ledger_data, client_for) -> None:  # noqa: ANN001
    world = ledger_data
    client = client_for(world.user("member"))  # member of m1 (张建国)
    assert client.get(reverse("dues:index")).url == reverse("dues:mine")
    html = client.get(reverse("dues:mine")).content.decode()
    assert "我的党费" in html and "12.50" in html
    assert "截至本月应交" in html and "37.50" in html  # April short 12.50 + May 25.00 (+ June upcoming 25.00 → 62.50)
    assert client.get(reverse("dues:member", args=[world.members["m1"].pk])).status_code == 200
    assert client.get(reverse("dues:member", args=[world.members["m2"].pk])).status_code == 404
    assert client.get(reverse("dues:payment_new", args=[world.members["m1"].pk])).status_code == 404
    assert "登记交纳" not in html


def test_it_tells_the_member_the_total_owed_including_this_month(ledger_data, client_for) -> None:  # noqa: ANN001
    html = client_for(ledger_data.user("member")).get(reverse("dues:mine")).content.decode()
    assert "62.50" in html


def test_it_records_a_payment_from_the_form(world, client_for) -> None:  # noqa: ANN001
    m1 = world.members["m1"]
    client = client_for(world.user("branch_secretary"))
    url = reverse("dues:payment_new", args=[m1.pk])
    assert client.get(url).status_code == 200
    data = {"kind": "payment", "paid_on": "2025-06-10", "first_month": "2024-12", "last_month": "2025-02",
            "amount": "45", "channel": "wechat", "receipt_no": "", "note": ""}
    response = client.post(url, data)
    assert response.status_code == 302
    entry = DuesPayment.objects.get(member=m1)
    assert (entry.first_month, entry.last_month, entry.amount) == (dt.date(2024, 12, 1), dt.date(2025, 2, 1), D("45.00"))
    again = client.post(url, data | {"first_month": "2025-02", "last_month": "2025-03"})
    assert again.status_code == 200
    assert "2025年2月的党费已交纳" in again.content.decode()
    assert DuesPayment.objects.filter(member=m1).count() == 1
    bad = client.post(url, data | {"first_month": "2025-05", "last_month": "", "amount": "1.005"})
    assert "最多保留两位小数" in bad.content.decode()
    other = world.members["m4"]
    assert client.post(reverse("dues:payment_new", args=[other.pk]), data).status_code == 404
    assert client_for(world.user("inspector")).post(url, data).status_code == 404  # read-only role


def test_it_reverses_from_the_member_page(world, client_for) -> None:  # noqa: ANN001
    entry = pay(world.user("branch_secretary"), world.members["m1"], "2025-05")
    client = client_for(world.user("branch_secretary"))
    assert client.post(reverse("dues:payment_reverse", args=[entry.pk]), {"reason": "录错"}).status_code == 302
    assert DuesPayment.objects.filter(original=entry, kind="reversal").exists()
    other = pay(world.user("street_staff"), world.members["m4"], "2025-05")
    assert client.post(reverse("dues:payment_reverse", args=[other.pk]), {"reason": "x"}).status_code == 404
    assert client.get(reverse("dues:payment_refund", args=[other.pk])).status_code == 404


def test_it_records_a_base_from_the_form_and_refuses_a_negative_one(world, client_for) -> None:  # noqa: ANN001
    m1 = world.members["m1"]
    client = client_for(world.user("branch_secretary"))
    url = reverse("dues:base_new", args=[m1.pk])
    bad = client.post(url, {"year": "2025", "income_type": "retired", "base": "-3000", "declared_amount": "", "note": ""})
    assert bad.status_code == 200 and "月交纳基数不能为负数" in bad.content.decode()
    assert not DuesBase.objects.exists()
    ok = client.post(url, {"year": "2025", "income_type": "retired", "base": "5000", "declared_amount": "", "note": ""})
    assert ok.status_code == 302
    assert DuesBase.objects.get(member=m1, year=2025).monthly_amount == D("25.00")


def test_it_records_remittances_from_the_page(world, client_for) -> None:  # noqa: ANN001
    client = client_for(world.user("community_worker"))
    url = reverse("dues:remittance_new", args=[world.c1.pk])
    response = client.post(url, {"period_start": "2025-01", "period_end": "2025-03", "remitted_on": "2025-04-10",
                                 "amount": "88.80", "receipt_no": "R1", "note": ""})
    assert response.status_code == 302
    record = DuesRemittance.objects.get()
    html = client.get(reverse("dues:remittances", args=[world.c1.pk]) + "?year=2025").content.decode()
    assert "88.80" in html and "-88.80" in html  # remitted, and the difference against nothing collected
    assert client.post(reverse("dues:remittance_reverse", args=[record.pk]), {"reason": "错"}).status_code == 302
    assert DuesRemittance.objects.filter(original=record).exists()
    assert client.get(reverse("dues:remittance_new", args=[world.c2.pk])).status_code == 404
    assert client_for(world.user("inspector")).get(url).status_code == 404


def test_it_exports_the_ledger_in_the_branch_layout(ledger_data, client_for) -> None:  # noqa: ANN001
    world = ledger_data
    dues_remittance_create(actor=world.user("street_staff"), organization=world.b1, period_start="2025-01",
                           period_end="2025-03", remitted_on="2025-04-05", amount="1275")
    response = client_for(world.user("branch_secretary")).get(reverse("dues:ledger", args=[world.b1.pk]) + "?year=2025")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = read_rows(io.BytesIO(response.content))
    assert rows[0][0] == "第一党支部2025年党费收缴台账"
    header = rows[1]
    assert header[:7] == ["序号", "姓名", "所在党组织", "收入类型", "月交纳基数（元）", "交纳比例", "月应交（元）"]
    assert header[7:19] == [f"{m}月" for m in range(1, 13)]
    row = next(r for r in rows[2:] if r[1] == "张建国")
    assert row[2] == "第一党支部"
    assert row[3] == "离退休（养老金）"
    assert row[4] == 5000 and row[5] == "0.5%" and row[6] == 25
    assert row[7:10] == [25, 25, 25]  # January to March paid
    assert row[10] == 12.5  # April paid half
    assert row[11] == "未交"  # May: owed, past, nothing paid
    assert row[12:19] == [""] * 7  # June (this month) and later: not yet due
    assert row[19] == 300 and row[20] == 87.5 and row[21] == 37.5  # year due, paid, arrears (April short + May)
    other = next(r for r in rows[2:] if r[1] == "李秀英")
    assert other[6] == 100 and "自愿多交" in other[22]
    assert client_for(world.user("branch_secretary")).get(reverse("dues:ledger", args=[world.b3.pk])).status_code == 404
    assert AuditEvent.objects.filter(event_type="export", object_id=str(world.b1.pk)).exists()
    recon = read_rows(io.BytesIO(response.content), sheet=2)
    assert recon[2][:4] == ["2025年1月至3月", 1275, 1275, 0]


def _xlsx(rows: list[list[object]]) -> io.BytesIO:
    data = io.BytesIO(workbook_bytes([Sheet("基数", ["姓名", "公民身份号码", "收入类型", "月交纳基数"], rows)]))
    data.name = "bases.xlsx"
    return data


def test_it_imports_bases_all_or_nothing(world, client_for) -> None:  # noqa: ANN001
    m1, m2, m4 = world.members["m1"], world.members["m2"], world.members["m4"]
    client = client_for(world.user("branch_secretary"))
    url = reverse("dues:import", args=[world.b1.pk])
    bad = client.post(url, {"year": "2025", "file": _xlsx([
        [m1.name, m1.id_number, "退休", 4200],
        [m2.name, m2.id_number, "在职", "3000.555"],
        ["某某", m4.id_number, "在职", 3000],  # another community's member
        [m1.name, m1.id_number, "退休", 4200],
    ])})
    html = bad.content.decode()
    assert "第3行：月交纳基数最多保留两位小数" in html
    assert "第4行：公民身份号码对应的党员不在第一党支部的党员名册中" in html
    assert "第5行：与第2行是同一名党员" in html
    assert m4.id_number not in html
    assert not DuesBase.objects.exists()
    preview = client.post(url, {"year": "2025", "file": _xlsx([
        [m1.name, m1.id_number, "退休", 4200], [m2.name, m2.id_number, "在职工资", "3000.00"],
    ])})
    assert "预览：2025年 2条" in preview.content.decode()
    assert not DuesBase.objects.exists()
    done = client.post(url, {"confirm": "1"})
    assert done.status_code == 302
    bases = {b.member_id: b for b in DuesBase.objects.all()}
    assert bases[m1.pk].monthly_amount == D("21.00") and bases[m2.pk].monthly_amount == D("15.00")
    assert AuditEvent.objects.filter(event_type="import").count() == 1
    assert client.post(reverse("dues:import", args=[world.b3.pk]), {"year": "2025"}).status_code == 404


def test_it_puts_a_card_on_the_home_page(ledger_data, client_for) -> None:  # noqa: ANN001
    world = ledger_data
    html = client_for(world.user("street_staff")).get("/").content.decode()
    assert "党费收缴" in html and "本月收缴率" in html and reverse("dues:arrears", args=[world.street.pk]) in html
    assert 'href="/dues/"' in html  # the nav entry
    html = client_for(world.user("member")).get("/").content.decode()
    assert "查看我的党费" in html and "62.50" in html
