"""交纳比例 (`dues_rate()`): the monthly dues of one member from (income type, base, date).

Pure Python, no Django: the one place where the rate rules of domain-rules.md §4 (党费规定, 2008)
are applied. Settings reach it as a `RateTable` built by dangjian.dues.config.

Rules (each number is the default of a DOMAIN_RULES key, see config.py):

- in service (在职, monthly after-tax salary) and flexible income (灵活就业等其他收入, same bands):
  base ≤ 3000 → 0.5%; 3000 < base ≤ 5000 → 1%; 5000 < base ≤ 10000 → 1.5%; base > 10000 → 2%.
- retired (离退休, monthly pension): base ≤ 5000 → 0.5%; base > 5000 → 1%.
- farmers (农民): 0.2 to 1 yuan a month. The standard (minimum) amount is 0.2 yuan; a member may
  declare any amount within the range or above it (declared_amount on DuesBase).
- students, unemployed, members on relief or the minimum living allowance (学生、下岗失业、
  依靠抚恤或救济、领取最低生活保障金): 0.2 yuan a month, whatever the base.

Band edges: every band includes its upper bound. The regulation says "3000元以下（含3000元）" for the
first band; the following bands are read the same way ("3000元以上至5000元（含5000元）" and so on), so
a base of exactly 3000.00 pays 0.5%, exactly 5000.00 pays 1%, exactly 10000.00 pays 1.5%, and 10000.01
pays 2%. For retired members exactly 5000.00 pays 0.5% and 5000.01 pays 1%.

Rounding: base × rate is computed exactly with Decimal and rounded once to the fen (0.01 yuan),
half up (四舍五入): 2999.99 × 0.5% = 14.99995 → 15.00; 1234.50 × 0.5% = 6.1725 → 6.17.
The base itself must be a non-negative amount with at most two decimal places; floats are refused
because they cannot hold amounts of money exactly.

Because the rates of successive bands never decrease (RateTable checks it), the amount never
decreases as the base grows within one income type.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

FEN = Decimal("0.01")
BASIS = "《关于中国共产党党费收缴、使用和管理的规定》（2008年）"


class IncomeType(StrEnum):
    IN_SERVICE = "in_service"
    RETIRED = "retired"
    FLEXIBLE = "flexible"
    FARMER = "farmer"
    STUDENT = "student"
    UNEMPLOYED = "unemployed"
    LOW_INCOME = "low_income"


INCOME_TYPE_LABELS: dict[IncomeType, str] = {
    IncomeType.IN_SERVICE: "在职（工资收入）",
    IncomeType.RETIRED: "离退休（养老金）",
    IncomeType.FLEXIBLE: "灵活就业等其他收入",
    IncomeType.FARMER: "农民",
    IncomeType.STUDENT: "学生",
    IncomeType.UNEMPLOYED: "下岗失业",
    IncomeType.LOW_INCOME: "低保或依靠救济",
}

SALARY_TYPES = frozenset({IncomeType.IN_SERVICE, IncomeType.FLEXIBLE})
FIXED_TYPES = frozenset({IncomeType.STUDENT, IncomeType.UNEMPLOYED, IncomeType.LOW_INCOME})


class RateError(ValueError):
    """Bad input to the rate function; the message is Chinese and user-facing."""


@dataclass(frozen=True)
class Band:
    upper: Decimal | None  # inclusive upper bound of the base; None: no upper bound (last band)
    rate: Decimal  # a fraction: Decimal("0.005") is 0.5%


def _check_bands(name: str, bands: Sequence[Band]) -> None:
    if not bands:
        raise ValueError(f"{name}: at least one band")
    if bands[-1].upper is not None:
        raise ValueError(f"{name}: the last band has no upper bound")
    previous_upper, previous_rate = Decimal("-1"), Decimal("0")
    for band in bands:
        if band.rate < previous_rate:
            raise ValueError(f"{name}: rates must not decrease from band to band")
        if band.upper is not None and band.upper <= previous_upper:
            raise ValueError(f"{name}: upper bounds must increase")
        previous_upper = band.upper if band.upper is not None else previous_upper
        previous_rate = band.rate


@dataclass(frozen=True)
class RateTable:
    """The rate rules in force from `effective_from`."""

    effective_from: dt.date
    salary_bands: tuple[Band, ...]
    pension_bands: tuple[Band, ...]
    farmer_min: Decimal
    farmer_max: Decimal
    fixed_amount: Decimal

    def __post_init__(self) -> None:
        _check_bands("salary_bands", self.salary_bands)
        _check_bands("pension_bands", self.pension_bands)
        for name in ("farmer_min", "farmer_max", "fixed_amount"):
            value = getattr(self, name)
            if value < 0 or value != value.quantize(FEN):
                raise ValueError(f"{name}: a non-negative amount in fen")
        if self.farmer_max < self.farmer_min:
            raise ValueError("farmer_max below farmer_min")


DEFAULT_TABLE = RateTable(
    effective_from=dt.date.min,
    salary_bands=(
        Band(Decimal("3000"), Decimal("0.005")),
        Band(Decimal("5000"), Decimal("0.01")),
        Band(Decimal("10000"), Decimal("0.015")),
        Band(None, Decimal("0.02")),
    ),
    pension_bands=(Band(Decimal("5000"), Decimal("0.005")), Band(None, Decimal("0.01"))),
    farmer_min=Decimal("0.20"),
    farmer_max=Decimal("1.00"),
    fixed_amount=Decimal("0.20"),
)


@dataclass(frozen=True)
class DuesRate:
    """The outcome of the rate rules for one member-year."""

    income_type: IncomeType
    base: Decimal
    amount: Decimal  # standard monthly amount in yuan (2 decimals): what the member owes at least
    rate: Decimal | None  # the fraction applied, None where the amount is fixed
    upper_amount: Decimal | None  # farmers: the top of the standard range
    band: str  # the band in words, e.g. "3000元以上至5000元（含5000元）"

    @property
    def rate_label(self) -> str:
        if self.rate is not None:
            return f"{yuan(self.rate * 100)}%"
        if self.upper_amount is not None:
            return f"{yuan(self.amount)}～{yuan(self.upper_amount)}元/月"
        return f"{yuan(self.amount)}元/月"

    @property
    def basis(self) -> str:
        return BASIS


def yuan(value: Decimal) -> str:
    """3000 → "3000", 0.50 → "0.5", 1.25 → "1.25" (no exponent, no trailing zeros)."""
    text = format(value.normalize(), "f")
    return text


def parse_money(value: object, label: str = "金额", *, allow_negative: bool = False) -> Decimal:
    """An amount of yuan from user input: at most two decimal places; floats refused."""
    if isinstance(value, bool | float):
        raise RateError(f"{label}须以数字文本或整数给出（不接受浮点数）")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "").removesuffix("元").strip()
        if not text:
            raise RateError(f"{label}不能为空")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise RateError(f"{label}“{value}”不是有效的数字") from exc
    else:
        raise RateError(f"{label}不是有效的数字")
    if not number.is_finite():
        raise RateError(f"{label}不是有效的数字")
    if abs(number) >= Decimal("100000000"):
        raise RateError(f"{label}过大")
    if number != number.quantize(FEN):
        raise RateError(f"{label}最多保留两位小数（精确到分），“{value}”超过两位小数")
    if number < 0 and not allow_negative:
        raise RateError(f"{label}不能为负数")
    return number.quantize(FEN)


def _band_words(bands: Sequence[Band], index: int) -> str:
    band = bands[index]
    lower = bands[index - 1].upper if index > 0 else None
    if lower is None and band.upper is not None:
        return f"{yuan(band.upper)}元以下（含{yuan(band.upper)}元）"
    if band.upper is None:
        return f"{yuan(lower)}元以上" if lower is not None else "不分档"
    return f"{yuan(lower)}元以上至{yuan(band.upper)}元（含{yuan(band.upper)}元）"  # type: ignore[arg-type]


def describe(table: RateTable) -> str:
    """The rules of a table in one Chinese sentence, for forms and the ledger."""

    def bands(items: Sequence[Band]) -> str:
        return "，".join(f"{_band_words(items, i)}{yuan(b.rate * 100)}%" for i, b in enumerate(items))

    return (
        f"在职及灵活就业（月税后收入）：{bands(table.salary_bands)}；离退休（月养老金）：{bands(table.pension_bands)}；"
        f"农民每月{yuan(table.farmer_min)}～{yuan(table.farmer_max)}元；学生、下岗失业、低保或依靠救济每月{yuan(table.fixed_amount)}元。"
    )


def table_for(on_date: dt.date, tables: Sequence[RateTable]) -> RateTable:
    """The latest table in force on `on_date`; before the first table, the first."""
    ordered = sorted(tables, key=lambda t: t.effective_from)
    chosen = ordered[0]
    for table in ordered:
        if table.effective_from <= on_date:
            chosen = table
    return chosen


def dues_rate(
    income_type: str, base: object, on_date: dt.date, tables: Sequence[RateTable] = (DEFAULT_TABLE,)
) -> DuesRate:
    """The standard monthly dues for `base` yuan of monthly income of `income_type` on `on_date`."""
    try:
        kind = IncomeType(income_type)
    except ValueError as exc:
        raise RateError(f"收入类型“{income_type}”无效，应为：{'、'.join(INCOME_TYPE_LABELS.values())}") from exc
    amount_base = parse_money(base, "月交纳基数")
    table = table_for(on_date, tables)
    if kind in SALARY_TYPES or kind == IncomeType.RETIRED:
        bands = table.salary_bands if kind in SALARY_TYPES else table.pension_bands
        for index, band in enumerate(bands):
            if band.upper is None or amount_base <= band.upper:
                amount = (amount_base * band.rate).quantize(FEN, rounding=ROUND_HALF_UP)
                return DuesRate(kind, amount_base, amount, band.rate, None, _band_words(bands, index))
        raise AssertionError("the last band has no upper bound")  # pragma: no cover
    if kind == IncomeType.FARMER:
        return DuesRate(kind, amount_base, table.farmer_min, None, table.farmer_max, "农民党员")
    return DuesRate(kind, amount_base, table.fixed_amount, None, None, INCOME_TYPE_LABELS[kind])


def monthly_dues(
    income_type: str, base: object, on_date: dt.date, tables: Sequence[RateTable] = (DEFAULT_TABLE,)
) -> Decimal:
    """The standard monthly amount in yuan (exactly two decimals)."""
    return dues_rate(income_type, base, on_date, tables).amount
