"""Input checks shared by the forms, the API and the Excel import: each returns a clean value or
raises ValidationError({field: Chinese message naming the field})."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from dangjian.dues.models import Channel, IncomeType
from dangjian.dues.rates import INCOME_TYPE_LABELS, RateError, parse_money

_MONTH_RE = re.compile(r"^\s*(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?|(\d{2}))\s*(?:[-/.]\s*\d{1,2}\s*日?)?\s*$")

# Words found in the "收入类型" column of real spreadsheets, mapped to an income type.
INCOME_TYPE_WORDS: dict[str, str] = {
    "在职": IncomeType.IN_SERVICE, "在职工资": IncomeType.IN_SERVICE, "工资": IncomeType.IN_SERVICE,
    "工资收入": IncomeType.IN_SERVICE, "在职党员": IncomeType.IN_SERVICE,
    "离退休": IncomeType.RETIRED, "退休": IncomeType.RETIRED, "离休": IncomeType.RETIRED,
    "养老金": IncomeType.RETIRED, "离退休费": IncomeType.RETIRED, "退休党员": IncomeType.RETIRED,
    "灵活就业": IncomeType.FLEXIBLE, "其他收入": IncomeType.FLEXIBLE, "个体": IncomeType.FLEXIBLE,
    "农民": IncomeType.FARMER, "务农": IncomeType.FARMER,
    "学生": IncomeType.STUDENT,
    "下岗失业": IncomeType.UNEMPLOYED, "失业": IncomeType.UNEMPLOYED, "下岗": IncomeType.UNEMPLOYED,
    "无业": IncomeType.UNEMPLOYED,
    "低保": IncomeType.LOW_INCOME, "最低生活保障": IncomeType.LOW_INCOME, "救济": IncomeType.LOW_INCOME,
    "低保或依靠救济": IncomeType.LOW_INCOME, "困难": IncomeType.LOW_INCOME,
}
for _type, _label in INCOME_TYPE_LABELS.items():
    INCOME_TYPE_WORDS[_label] = _type.value
    INCOME_TYPE_WORDS[_type.value] = _type.value


def money(value: Any, field: str, label: str, *, positive: bool = False) -> Decimal:
    try:
        number = parse_money(value, label)
    except RateError as exc:
        raise ValidationError({field: str(exc)}) from exc
    if positive and number <= 0:
        raise ValidationError({field: f"{label}须大于0"})
    return number


def optional_money(value: Any, field: str, label: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return money(value, field, label)


def month(value: Any, field: str, label: str) -> dt.date:
    """A month from a date, "2025-03", "2025-3", "202503", "2025年3月" or "2025-03-15" (day ignored)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, 1)
    text = str(value or "").strip()
    if not text:
        raise ValidationError({field: f"请填写{label}"})
    match = _MONTH_RE.match(text)
    if match:
        year = int(match.group(1))
        mon = int(match.group(2) or match.group(3))
        if 1 <= mon <= 12 and 1950 <= year <= 2200:
            return dt.date(year, mon, 1)
    raise ValidationError({field: f"{label}“{text}”无效，请按“2025-03”或“2025年3月”填写"})


def date(value: Any, field: str, label: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        raise ValidationError({field: f"请填写{label}"})
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError({field: f"{label}“{text}”无效，请按“2025-03-15”填写"}) from exc


def year(value: Any, field: str = "year", label: str = "年度", *, today: dt.date) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise ValidationError({field: f"{label}“{value}”无效"}) from exc
    if not 1950 <= number <= today.year + 1:
        raise ValidationError({field: f"{label}应在1950年至{today.year + 1}年之间"})
    return number


def income_type(value: Any, field: str = "income_type") -> str:
    text = str(value or "").strip().replace(" ", "")
    found = INCOME_TYPE_WORDS.get(text) or INCOME_TYPE_WORDS.get(text.removesuffix("党员"))
    if found is None:
        raise ValidationError({field: f"收入类型“{text}”无效，应为：{'、'.join(IncomeType.labels)}"})
    return str(found)


def channel(value: Any, field: str = "channel") -> str:
    text = str(value or "").strip()
    for choice, label in Channel.choices:
        if text in (choice, label):
            return str(choice)
    raise ValidationError({field: f"交纳方式“{text}”无效，应为：{'、'.join(Channel.labels)}"})
