"""The rate function (交纳比例) at every band edge of domain-rules.md §4, and its properties."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from dangjian.dues import config
from dangjian.dues.rates import (
    DEFAULT_TABLE,
    Band,
    IncomeType,
    RateError,
    RateTable,
    dues_rate,
    monthly_dues,
    parse_money,
)

DAY = dt.date(2025, 1, 1)


@pytest.mark.parametrize(
    ("base", "amount", "rate"),
    [
        ("0", "0.00", "0.005"),
        ("2999.99", "15.00", "0.005"),  # 14.99995 rounds half up to 15.00
        ("3000", "15.00", "0.005"),  # 3000元以下（含3000元）
        ("3000.00", "15.00", "0.005"),
        ("3000.01", "30.00", "0.01"),  # 30.0001 → 30.00
        ("4999.99", "50.00", "0.01"),
        ("5000", "50.00", "0.01"),  # the second band includes 5000
        ("5000.01", "75.00", "0.015"),
        ("9999.99", "150.00", "0.015"),
        ("10000", "150.00", "0.015"),  # the third band includes 10000
        ("10000.01", "200.00", "0.02"),
        ("25000", "500.00", "0.02"),
        ("1234.50", "6.17", "0.005"),  # 6.1725 → 6.17
        ("1234.70", "6.17", "0.005"),  # 6.1735 → 6.17
        ("1233.00", "6.17", "0.005"),  # 6.165 → 6.17 half up, not banker's 6.16
    ],
)
def test_it_applies_the_in_service_bands_at_each_edge(base: str, amount: str, rate: str) -> None:
    result = dues_rate(IncomeType.IN_SERVICE, base, DAY)
    assert result.amount == Decimal(amount)
    assert result.rate == Decimal(rate)
    assert dues_rate(IncomeType.FLEXIBLE, base, DAY).amount == Decimal(amount)


@pytest.mark.parametrize(
    ("base", "amount", "rate"),
    [
        ("0", "0.00", "0.005"),
        ("3000", "15.00", "0.005"),
        ("4999.99", "25.00", "0.005"),
        ("5000", "25.00", "0.005"),  # 5000元以下（含5000元）
        ("5000.01", "50.00", "0.01"),
        ("12000", "120.00", "0.01"),
    ],
)
def test_it_applies_the_retired_bands_at_each_edge(base: str, amount: str, rate: str) -> None:
    result = dues_rate(IncomeType.RETIRED, base, DAY)
    assert result.amount == Decimal(amount)
    assert result.rate == Decimal(rate)


@pytest.mark.parametrize("kind", [IncomeType.STUDENT, IncomeType.UNEMPLOYED, IncomeType.LOW_INCOME])
@pytest.mark.parametrize("base", ["0", "800", "3000", "20000"])
def test_it_charges_the_fixed_amount_whatever_the_base(kind: str, base: str) -> None:
    result = dues_rate(kind, base, DAY)
    assert result.amount == Decimal("0.20")
    assert result.rate is None
    assert result.rate_label == "0.2元/月"


def test_it_gives_farmers_the_range_with_its_minimum_as_standard() -> None:
    result = dues_rate(IncomeType.FARMER, "1500", DAY)
    assert result.amount == Decimal("0.20")
    assert result.upper_amount == Decimal("1.00")
    assert result.rate_label == "0.2～1元/月"


def test_it_names_the_band_in_words() -> None:
    assert dues_rate(IncomeType.IN_SERVICE, "3000", DAY).band == "3000元以下（含3000元）"
    assert dues_rate(IncomeType.IN_SERVICE, "4000", DAY).band == "3000元以上至5000元（含5000元）"
    assert dues_rate(IncomeType.IN_SERVICE, "12000", DAY).band == "10000元以上"
    assert dues_rate(IncomeType.IN_SERVICE, "4000", DAY).rate_label == "1%"
    assert dues_rate(IncomeType.IN_SERVICE, "6000", DAY).rate_label == "1.5%"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "不能为负数"),
        ("-0.01", "不能为负数"),
        ("100.123", "最多保留两位小数"),
        ("abc", "不是有效的数字"),
        ("", "不能为空"),
        ("NaN", "不是有效的数字"),
        ("1e20", "过大"),
        (12.5, "不接受浮点数"),
    ],
)
def test_it_refuses_bad_bases(value: object, message: str) -> None:
    with pytest.raises(RateError, match=message):
        dues_rate(IncomeType.IN_SERVICE, value, DAY)


def test_it_refuses_an_unknown_income_type() -> None:
    with pytest.raises(RateError, match="收入类型"):
        dues_rate("millionaire", "100", DAY)


def test_it_accepts_money_written_as_people_write_it() -> None:
    assert parse_money("1,234.5元") == Decimal("1234.50")
    assert parse_money(" 3000 ") == Decimal("3000.00")
    assert parse_money("12.340") == Decimal("12.34")  # a trailing zero is not a third decimal
    assert parse_money(7) == Decimal("7.00")


def test_it_refuses_tables_whose_rates_fall_with_the_base() -> None:
    with pytest.raises(ValueError, match="must not decrease"):
        RateTable(
            effective_from=dt.date.min, salary_bands=(Band(Decimal(3000), Decimal("0.01")), Band(None, Decimal("0.005"))),
            pension_bands=DEFAULT_TABLE.pension_bands, farmer_min=Decimal("0.20"), farmer_max=Decimal("1.00"),
            fixed_amount=Decimal("0.20"),
        )


def test_it_uses_the_table_in_force_on_the_date() -> None:
    later = RateTable(
        effective_from=dt.date(2030, 1, 1), salary_bands=(Band(None, Decimal("0.01")),),
        pension_bands=DEFAULT_TABLE.pension_bands, farmer_min=Decimal("0.20"), farmer_max=Decimal("1.00"),
        fixed_amount=Decimal("0.50"),
    )
    tables = (DEFAULT_TABLE, later)
    assert monthly_dues(IncomeType.IN_SERVICE, "2000", dt.date(2029, 12, 31), tables) == Decimal("10.00")
    assert monthly_dues(IncomeType.IN_SERVICE, "2000", dt.date(2030, 1, 1), tables) == Decimal("20.00")
    assert monthly_dues(IncomeType.STUDENT, "0", dt.date(2030, 6, 1), tables) == Decimal("0.50")


def test_it_reads_its_numbers_from_settings() -> None:
    rules = {"dues_salary_bands": [["4000", "0.005"], [None, "0.01"]], "dues_fixed_amount": "0.5"}
    with override_settings(DOMAIN_RULES=rules):
        tables = config.rate_tables()
        assert monthly_dues(IncomeType.IN_SERVICE, "4000", DAY, tables) == Decimal("20.00")
        assert monthly_dues(IncomeType.IN_SERVICE, "4000.01", DAY, tables) == Decimal("40.00")
        assert monthly_dues(IncomeType.STUDENT, "0", DAY, tables) == Decimal("0.50")
        assert config.error_months() == 6  # a key not overridden keeps its default
    assert monthly_dues(IncomeType.IN_SERVICE, "4000", DAY, config.rate_tables()) == Decimal("40.00")


# --- properties -----------------------------------------------------------------------------------

bases = st.decimals(min_value=0, max_value=200000, places=2, allow_nan=False, allow_infinity=False)
kinds = st.sampled_from(list(IncomeType))


@given(kind=kinds, a=bases, b=bases)
def test_it_never_decreases_as_the_base_grows(kind: IncomeType, a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    assert monthly_dues(kind, low, DAY) <= monthly_dues(kind, high, DAY)


@given(kind=kinds, base=bases)
def test_it_is_never_negative_and_always_exact_to_the_fen(kind: IncomeType, base: Decimal) -> None:
    amount = monthly_dues(kind, base, DAY)
    assert amount >= 0
    assert amount == amount.quantize(Decimal("0.01"))
    assert amount.as_tuple().exponent == -2


@given(base=bases)
def test_it_equals_base_times_rate_rounded_half_up(base: Decimal) -> None:
    result = dues_rate(IncomeType.IN_SERVICE, base, DAY)
    exact = base * result.rate
    assert abs(result.amount - exact) <= Decimal("0.005")
    # half up: an exact half fen always goes up
    if (exact * 1000) % 10 == 5 and exact == exact.quantize(Decimal("0.001")):
        assert result.amount > exact


@given(base=st.decimals(min_value=0, max_value=100, places=3).filter(lambda d: d != d.quantize(Decimal("0.01"))))
def test_it_refuses_any_base_with_a_third_decimal(base: Decimal) -> None:
    with pytest.raises(RateError, match="两位小数"):
        dues_rate(IncomeType.RETIRED, base, DAY)
