"""Chinese phone numbers: mobile (11 digits, 1[3-9]x) or landline with area code."""

from __future__ import annotations

import re

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


class PhoneError(ValueError):
    pass


def normalize(raw: str) -> str:
    value = (raw or "").strip().replace(" ", "").replace("－", "-")
    if value.startswith("+86"):
        value = value[3:]
    return value


def parse(raw: str) -> str:
    value = normalize(raw)
    if _MOBILE.match(value) or _LANDLINE.match(value):
        return value.replace("-", "") if _MOBILE.match(value.replace("-", "")) else value
    raise PhoneError("联系电话格式不正确，应为11位手机号或带区号的固定电话")
