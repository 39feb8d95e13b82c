"""公民身份号码 (GB 11643-1999): validation, check digit, birth date and gender."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


class IdNumberError(ValueError):
    """The number is not a valid 18-character national ID; the message is Chinese and user-facing."""


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: dt.date
    gender: str  # "M" or "F"

    @property
    def region(self) -> str:
        return self.value[:6]


def normalize(raw: str) -> str:
    """Full-width digits and Ｘ, as a Chinese input method types them, become ASCII (NFKC)."""
    return unicodedata.normalize("NFKC", raw or "").strip().replace(" ", "").upper()


def check_digit(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def parse(raw: str) -> IdNumber:
    value = normalize(raw)
    if len(value) != 18:
        raise IdNumberError("身份证号码应为18位")
    # ASCII digits only: str.isdigit() also accepts "²" and "٣", which int() refuses or misreads
    if not value.isascii() or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise IdNumberError("身份证号码前17位应为数字，最后一位为数字或X")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise IdNumberError("身份证号码中的出生日期无效") from exc
    if birth.year < 1900:
        raise IdNumberError("身份证号码中的出生日期无效")
    if check_digit(value[:17]) != value[17]:
        raise IdNumberError("身份证号码校验位错误")
    gender = "M" if int(value[16]) % 2 == 1 else "F"
    return IdNumber(value=value, birth_date=birth, gender=gender)


def make(region: str, birth_date: dt.date, gender: str, rng: random.Random) -> str:
    """A valid number for demo data and tests: sequence digits odd for men, even for women."""
    gender_digit = rng.randrange(0, 5) * 2 + (1 if gender == "M" else 0)
    first17 = f"{region}{birth_date:%Y%m%d}{rng.randrange(0, 100):02d}{gender_digit}"
    return first17 + check_digit(first17)
