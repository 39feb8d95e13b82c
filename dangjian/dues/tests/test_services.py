"""Writing the dues ledger: bases, payments across a year boundary, refusals that change nothing,
corrections as new entries, remittances."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from dangjian.audit.models import AuditEvent
from dangjian.dues.models import DuesBase, DuesPayment, DuesPaymentMonth, DuesRemittance, PaymentKind
from dangjian.dues.services import (
    dues_base_set,
    dues_payment_create,
    dues_payment_refund,
    dues_payment_reverse,
    dues_remittance_create,
    dues_remittance_reverse,
)
from dangjian.members.models import Membership
from dangjian.test import MemberFactory

D = Decimal


def paid_by_month(member) -> dict[dt.date, Decimal]:  # noqa: ANN001
    out: dict[dt.date, Decimal] = {}
    for row in DuesPaymentMonth.objects.filter(member=member):
        out[row.month] = out.get(row.month, D(0)) + row.amount
    return out


def snapshot() -> tuple[int, int, int, int, int]:
    return (
        DuesBase.objects.count(), DuesPayment.objects.count(), DuesPaymentMonth.objects.count(),
        DuesRemittance.objects.count(), AuditEvent.objects.count(),
    )


@pytest.fixture
def secretary(world):  # noqa: ANN001, ANN201
    return world.user("branch_secretary")


@pytest.fixture
def m1(world):  # noqa: ANN001, ANN201
    return world.members["m1"]


def test_it_computes_and_records_a_base(secretary, m1) -> None:  # noqa: ANN001
    base = dues_base_set(actor=secretary, member=m1, year=2025, income_type="in_service", base="4000")
    assert (base.standard_amount, base.monthly_amount, base.rate_label) == (D("40.00"), D("40.00"), "1%")
    assert AuditEvent.objects.filter(object_type="dues.DuesBase", object_id=str(base.pk), event_type="create").exists()


def test_it_records_a_voluntary_higher_amount_and_refuses_a_lower_one(secretary, m1) -> None:  # noqa: ANN001
    base = dues_base_set(actor=secretary, member=m1, year=2025, income_type="retired", base="4000", declared_amount="50")
    assert (base.standard_amount, base.declared_amount, base.monthly_amount) == (D("20.00"), D("50.00"), D("50.00"))
    assert base.is_voluntary
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        dues_base_set(actor=secretary, member=m1, year=2025, income_type="retired", base="4000", declared_amount="10")
    assert "不能低于按标准计算的20.00元" in exc.value.message_dict["declared_amount"][0]
    assert snapshot() == before
    base.refresh_from_db()
    assert base.declared_amount == D("50.00")


def test_it_corrects_a_base_keeping_history(secretary, m1) -> None:  # noqa: ANN001
    dues_base_set(actor=secretary, member=m1, year=2025, income_type="retired", base="4000")
    base = dues_base_set(actor=secretary, member=m1, year=2025, income_type="retired", base="6000")
    assert base.monthly_amount == D("60.00")
    assert DuesBase.objects.filter(member=m1, year=2025).count() == 1
    assert list(base.history.order_by("history_id").values_list("base", flat=True)) == [D("4000.00"), D("6000.00")]
    event = AuditEvent.objects.filter(object_type="dues.DuesBase", event_type="update").get()
    assert event.data["changes"]["base"] == ["4000.00", "6000.00"]


@pytest.mark.parametrize(
    ("field", "kwargs", "message"),
    [
        ("base", {"base": "-100"}, "不能为负数"),
        ("base", {"base": "3000.555"}, "最多保留两位小数"),
        ("income_type", {"income_type": "富豪"}, "收入类型"),
        ("year", {"year": "2090"}, "年度应在"),
        ("year", {"year": "1970"}, "不在册"),  # joined in 1980
    ],
)
def test_it_refuses_bad_bases_and_changes_nothing(secretary, m1, field, kwargs, message) -> None:  # noqa: ANN001
    before = snapshot()
    args = {"year": 2025, "income_type": "in_service", "base": "3000"} | kwargs
    with pytest.raises(ValidationError) as exc:
        dues_base_set(actor=secretary, member=m1, **args)
    assert message in exc.value.message_dict[field][0]
    assert snapshot() == before


def test_it_records_a_payment_covering_months_across_a_year_boundary(secretary, m1) -> None:  # noqa: ANN001
    dues_base_set(actor=secretary, member=m1, year=2024, income_type="retired", base="3000")  # 15.00
    dues_base_set(actor=secretary, member=m1, year=2025, income_type="retired", base="6000")  # 60.00
    entry = dues_payment_create(
        actor=secretary, member=m1, paid_on="2025-02-10", amount="150.00", channel="wechat",
        first_month="2024-11", last_month="2025-02",
    )
    assert (entry.first_month, entry.last_month, entry.months) == (dt.date(2024, 11, 1), dt.date(2025, 2, 1), 4)
    assert paid_by_month(m1) == {
        dt.date(2024, 11, 1): D("15.00"), dt.date(2024, 12, 1): D("15.00"),
        dt.date(2025, 1, 1): D("60.00"), dt.date(2025, 2, 1): D("60.00"),
    }
    assert entry.organization == m1.organization
    event = AuditEvent.objects.get(object_type="dues.DuesPayment", object_id=str(entry.pk))
    assert event.data["new"]["months"] == "2024年11月至2025年2月"


def test_it_refuses_a_month_paid_twice_naming_it_and_changes_nothing(secretary, m1) -> None:  # noqa: ANN001
    dues_payment_create(actor=secretary, member=m1, paid_on="2025-03-05", amount="30", channel="cash",
                        first_month="2025-01", last_month="2025-03")
    before, paid_before = snapshot(), paid_by_month(m1)
    with pytest.raises(ValidationError) as exc:
        dues_payment_create(actor=secretary, member=m1, paid_on="2025-04-05", amount="40", channel="cash",
                            first_month="2025-03", last_month="2025-06")
    message = exc.value.message_dict["first_month"][0]
    assert "2025年3月的党费已交纳" in message and "2025-03-05" in message
    assert "2025年4月" not in message
    assert snapshot() == before and paid_by_month(m1) == paid_before


def test_it_refuses_an_amount_with_three_decimals(secretary, m1) -> None:  # noqa: ANN001
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        dues_payment_create(actor=secretary, member=m1, paid_on="2025-03-05", amount="10.005", channel="cash",
                            first_month="2025-03")
    assert "最多保留两位小数" in exc.value.message_dict["amount"][0]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"amount": "0"}, "amount", "须大于0"),
        ({"amount": "-5"}, "amount", "不能为负数"),
        ({"paid_on": "2025-07-01"}, "paid_on", "不能晚于今天"),
        ({"paid_on": "2025-13-01"}, "paid_on", "无效"),
        ({"first_month": "2025-05", "last_month": "2025-02"}, "last_month", "不能早于起始月份"),
        ({"first_month": "2025-06", "last_month": "2026-07"}, "last_month", "最多可预交至2026年6月"),
        ({"first_month": "1980-05", "last_month": "1980-07"}, "first_month", "1980年5月、1980年6月该党员不在册"),
        ({"channel": "比特币"}, "channel", "交纳方式"),
        ({"first_month": "2025-01", "last_month": "2025-06", "amount": "0.05"}, "amount", "不足以分摊"),
    ],
)
def test_it_refuses_bad_payments(secretary, m1, kwargs, field, message) -> None:  # noqa: ANN001
    args = {"paid_on": "2025-06-01", "amount": "10", "channel": "cash", "first_month": "2025-06"} | kwargs
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        dues_payment_create(actor=secretary, member=m1, **args)
    assert message in exc.value.message_dict[field][0]
    assert snapshot() == before


def test_it_refuses_months_after_a_member_left(secretary, world) -> None:  # noqa: ANN001
    member = MemberFactory(organization=world.b1, joined_on=dt.date(2024, 12, 10), confirmed_on=None, status="probationary")
    Membership.objects.filter(member=member).update(until=dt.date(2025, 3, 9))
    entry = dues_payment_create(actor=secretary, member=member, paid_on="2025-02-01", amount="0.60", channel="cash",
                                first_month="2024-12", last_month="2025-02")
    assert entry.months == 3
    with pytest.raises(ValidationError, match="2025年3月该党员不在册"):
        dues_payment_create(actor=secretary, member=member, paid_on="2025-03-01", amount="0.2", channel="cash",
                            first_month="2025-03")


def test_it_reverses_an_entry_with_a_new_one_and_then_accepts_the_right_payment(secretary, m1) -> None:  # noqa: ANN001
    wrong = dues_payment_create(actor=secretary, member=m1, paid_on="2025-05-05", amount="300", channel="cash",
                                first_month="2025-05")
    reversal = dues_payment_reverse(actor=secretary, payment=wrong, reason="多录一个0")
    assert (reversal.kind, reversal.amount, reversal.original) == (PaymentKind.REVERSAL, D("-300.00"), wrong)
    wrong.refresh_from_db()
    assert wrong.amount == D("300.00")  # the original stays as it was
    assert paid_by_month(m1)[dt.date(2025, 5, 1)] == 0
    dues_payment_create(actor=secretary, member=m1, paid_on="2025-05-06", amount="30", channel="cash", first_month="2025-05")
    assert paid_by_month(m1)[dt.date(2025, 5, 1)] == D("30.00")
    before = snapshot()
    with pytest.raises(ValidationError, match="已冲正"):
        dues_payment_reverse(actor=secretary, payment=wrong, reason="again")
    with pytest.raises(ValidationError, match="不能再冲正"):
        dues_payment_reverse(actor=secretary, payment=reversal, reason="again")
    with pytest.raises(ValidationError, match="冲正原因"):
        dues_payment_reverse(actor=secretary, payment=reversal, reason=" ")
    assert snapshot() == before


def test_it_refunds_part_of_an_advance_payment(secretary, m1) -> None:  # noqa: ANN001
    dues_base_set(actor=secretary, member=m1, year=2025, income_type="retired", base="2000")  # 10.00
    advance = dues_payment_create(actor=secretary, member=m1, paid_on="2025-01-05", amount="120", channel="cash",
                                  first_month="2025-01", last_month="2025-12")
    refund = dues_payment_refund(actor=secretary, payment=advance, amount="60", first_month="2025-07",
                                 last_month="2025-12", reason="转出，退还预交")
    assert (refund.kind, refund.amount, refund.original) == (PaymentKind.REFUND, D("-60.00"), advance)
    paid = paid_by_month(m1)
    assert paid[dt.date(2025, 6, 1)] == D("10.00") and paid[dt.date(2025, 7, 1)] == 0
    with pytest.raises(ValidationError, match="尚可退还的60.00元"):
        dues_payment_refund(actor=secretary, payment=advance, amount="61", first_month="2025-01", last_month="2025-06",
                            reason="x")
    with pytest.raises(ValidationError, match="已交的0.00元"):
        dues_payment_refund(actor=secretary, payment=advance, amount="5", first_month="2025-07", reason="x")
    with pytest.raises(ValidationError, match="退还记录"):
        dues_payment_reverse(actor=secretary, payment=advance, reason="x")
    # months refunded are open again
    dues_payment_create(actor=secretary, member=m1, paid_on="2025-06-15", amount="10", channel="cash", first_month="2025-07")


def test_it_tops_up_a_month_paid_short_but_not_an_unpaid_one(secretary, m1) -> None:  # noqa: ANN001
    dues_base_set(actor=secretary, member=m1, year=2025, income_type="in_service", base="8000")  # 120.00
    dues_payment_create(actor=secretary, member=m1, paid_on="2025-03-05", amount="60", channel="cash", first_month="2025-03")
    dues_payment_create(actor=secretary, member=m1, paid_on="2025-03-20", amount="60", channel="cash", first_month="2025-03",
                        kind=PaymentKind.SUPPLEMENT)
    assert paid_by_month(m1)[dt.date(2025, 3, 1)] == D("120.00")
    with pytest.raises(ValidationError, match="2025年4月尚未交纳党费"):
        dues_payment_create(actor=secretary, member=m1, paid_on="2025-04-20", amount="60", channel="cash",
                            first_month="2025-04", kind=PaymentKind.SUPPLEMENT)


def test_it_refuses_writes_outside_the_actors_subtree(world) -> None:  # noqa: ANN001
    secretary, other = world.user("branch_secretary"), world.members["m4"]  # m4 is in branch B3 of C2
    before = snapshot()
    with pytest.raises(Http404):
        dues_payment_create(actor=secretary, member=other, paid_on="2025-06-01", amount="10", channel="cash",
                            first_month="2025-06")
    with pytest.raises(Http404):
        dues_base_set(actor=secretary, member=other, year=2025, income_type="retired", base="3000")
    with pytest.raises(Http404):
        dues_base_set(actor=world.user("inspector"), member=world.members["m1"], year=2025, income_type="retired", base="1")
    with pytest.raises(Http404):
        dues_remittance_create(actor=secretary, organization=world.b3, period_start="2025-01", period_end="2025-03",
                               remitted_on="2025-04-10", amount="100")
    assert snapshot() == before


def test_it_records_and_reverses_a_remittance(world) -> None:  # noqa: ANN001
    worker = world.user("community_worker")
    record = dues_remittance_create(actor=worker, organization=world.c1, period_start="2025-01", period_end="2025-03",
                                    remitted_on="2025-04-10", amount="1234.56", receipt_no="SJ01")
    assert record.to_organization == world.street
    assert record.span_label == "2025年1月至3月"
    reversal = dues_remittance_reverse(actor=worker, remittance=record, reason="金额有误")
    assert reversal.amount == D("-1234.56") and reversal.original == record
    with pytest.raises(ValidationError, match="不能重复冲正"):
        dues_remittance_reverse(actor=worker, remittance=record, reason="again")
    before = snapshot()
    for kwargs, message in [
        ({"amount": "12.345"}, "两位小数"),
        ({"period_end": "2024-12"}, "不能早于所属期起"),
        ({"remitted_on": "2024-12-31"}, "不能早于所属期开始"),
        ({"organization": world.g1}, "党小组不单独上缴"),
        ({"to_organization": world.c2}, "上级党组织"),
    ]:
        args = {"organization": world.c1, "period_start": "2025-01", "period_end": "2025-03",
                "remitted_on": "2025-04-10", "amount": "100"} | kwargs
        with pytest.raises(ValidationError, match=message):
            dues_remittance_create(actor=worker, **args)
    assert snapshot() == before
