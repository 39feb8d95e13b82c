"""The dues rules' numbers, from settings.DOMAIN_RULES with these defaults (domain-rules.md §4).

Keys (JSON-friendly: amounts and rates as strings, null for "no upper bound"):

    dues_salary_bands            [[upper, rate], ...] for in-service and flexible income; each band
                                 includes its upper bound.   default [["3000","0.005"],["5000","0.01"],
                                 ["10000","0.015"],[null,"0.02"]]
    dues_pension_bands           the same for retired members.   default [["5000","0.005"],[null,"0.01"]]
    dues_farmer_amount           [minimum, maximum] yuan a month for farmers.   default ["0.2","1"]
    dues_fixed_amount            yuan a month for students, unemployed, relief.   default "0.2"
    dues_arrears_warning_months  unpaid months in a row that give a warning.   default 3
    dues_arrears_error_months    unpaid months in a row that give an error (党章: 6).   default 6
    dues_lump_sum_months         one payment covering this many months or more is a lump sum.   default 6
    dues_advance_max_months      months after the payment's month that it may cover in advance.   default 12
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings

from dangjian.dues.rates import Band, RateTable

DEFAULTS: dict[str, Any] = {
    "dues_salary_bands": [["3000", "0.005"], ["5000", "0.01"], ["10000", "0.015"], [None, "0.02"]],
    "dues_pension_bands": [["5000", "0.005"], [None, "0.01"]],
    "dues_farmer_amount": ["0.2", "1"],
    "dues_fixed_amount": "0.2",
    "dues_arrears_warning_months": 3,
    "dues_arrears_error_months": 6,
    "dues_lump_sum_months": 6,
    "dues_advance_max_months": 12,
}

BASIS_DUES = "《关于中国共产党党费收缴、使用和管理的规定》"
BASIS_CHARTER = "《中国共产党章程》第九条"


def setting(name: str) -> Any:
    return settings.DOMAIN_RULES.get(name, DEFAULTS[name])


def _bands(raw: list[list[Any]]) -> tuple[Band, ...]:
    return tuple(Band(None if upper is None else Decimal(str(upper)), Decimal(str(rate))) for upper, rate in raw)


def rate_tables() -> tuple[RateTable, ...]:
    """The rate table in force (read from settings at each call, so overrides apply at once)."""
    farmer_min, farmer_max = setting("dues_farmer_amount")
    return (
        RateTable(
            effective_from=dt.date.min,
            salary_bands=_bands(setting("dues_salary_bands")),
            pension_bands=_bands(setting("dues_pension_bands")),
            farmer_min=Decimal(str(farmer_min)).quantize(Decimal("0.01")),
            farmer_max=Decimal(str(farmer_max)).quantize(Decimal("0.01")),
            fixed_amount=Decimal(str(setting("dues_fixed_amount"))).quantize(Decimal("0.01")),
        ),
    )


def warning_months() -> int:
    return int(setting("dues_arrears_warning_months"))


def error_months() -> int:
    return int(setting("dues_arrears_error_months"))


def lump_sum_months() -> int:
    return int(setting("dues_lump_sum_months"))


def advance_max_months() -> int:
    return int(setting("dues_advance_max_months"))
