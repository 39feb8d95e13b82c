"""One validation of finding and measure data, shared by the web forms, the API and the xlsx import,
so that a row is judged the same way wherever it comes from. Messages are Chinese and name the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangjian.inspection.models import FindingSeverity, FindingSource

FINDING_LABELS = {
    "organization": "问题所在党组织",
    "aspect": "问题方面",
    "category": "问题类别",
    "number": "问题序号",
    "title": "问题",
    "description": "具体表现",
    "severity": "严重程度",
    "found_on": "发现日期",
    "source": "问题来源",
}

MEASURE_LABELS = {
    "text": "整改措施",
    "owner_name": "责任人",
    "owner_member": "责任人（党员档案）",
    "owner_unit": "责任单位",
    "due": "整改时限",
}

INSPECTION_LABELS = {
    "name": "巡察名称",
    "committee": "派出党委",
    "team": "巡察组",
    "organization": "整改责任党组织",
    "inspected": "被巡察党组织",
    "onsite_from": "进驻日期",
    "onsite_to": "结束日期",
    "feedback_on": "反馈日期",
}

LIMITS = {
    "aspect": 200,
    "category": 200,
    "title": 200,
    "owner_name": 50,
    "owner_unit": 100,
    "name": 100,
    "committee": 60,
    "team": 60,
}


def _text(out: dict[str, Any], errors: dict[str, str], key: str, label: str, *, required: bool) -> None:
    value = out.get(key)
    value = "" if value is None else str(value).strip()
    if required and not value:
        errors[key] = f"{label}不能为空"
    elif key in LIMITS and len(value) > LIMITS[key]:
        errors[key] = f"{label}不能超过{LIMITS[key]}个字"
    out[key] = value


def parse_date(value: Any) -> dt.date | None:
    """A date from a form, JSON or a spreadsheet cell (date, datetime, 'YYYY-MM-DD', 'YYYY/M/D', 'YYYY.M.D',
    'YYYY年M月D日'); None for empty; ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for ch in ("年", "月", "/", "."):
        text = text.replace(ch, "-")
    text = text.replace("日", "").strip("-")
    parts = text.split("-")
    if len(parts) == 3 and all(p.isascii() and p.isdigit() for p in parts):
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    raise ValueError(text)


def _date(out: dict[str, Any], errors: dict[str, str], key: str, label: str, *, required: bool) -> None:
    try:
        out[key] = parse_date(out.get(key))
    except (ValueError, TypeError):
        errors[key] = f"{label}格式不正确，应为如2024-03-15的日期"
        out[key] = None
        return
    if required and out[key] is None:
        errors[key] = f"{label}不能为空"


def _choice(
    out: dict[str, Any], errors: dict[str, str], key: str, label: str, choices: Any, default: str
) -> None:
    value = out.get(key)
    value = "" if value is None else str(value).strip()
    if not value:
        out[key] = default
        return
    by_label = {lab: val for val, lab in zip(choices.values, choices.labels, strict=True)}
    if value in choices.values:
        out[key] = value
    elif value in by_label:
        out[key] = by_label[value]
    else:
        errors[key] = f"{label}应为：{'、'.join(choices.labels)}"


def clean_finding_data(data: dict[str, Any], *, today: dt.date) -> tuple[dict[str, Any], dict[str, str]]:
    """Check and normalize a finding (organization is resolved by the caller, inside the caller's scope).
    Returns (cleaned values, {field: message}); cleaned is only usable when there are no errors."""
    errors: dict[str, str] = {}
    out = dict(data)
    _text(out, errors, "aspect", FINDING_LABELS["aspect"], required=True)
    _text(out, errors, "category", FINDING_LABELS["category"], required=False)
    _text(out, errors, "title", FINDING_LABELS["title"], required=True)
    _text(out, errors, "description", FINDING_LABELS["description"], required=False)
    _choice(out, errors, "severity", FINDING_LABELS["severity"], FindingSeverity, FindingSeverity.GENERAL)
    _choice(out, errors, "source", FINDING_LABELS["source"], FindingSource, FindingSource.INSPECTION)
    number = out.get("number")
    if number in (None, ""):
        out["number"] = None  # the service numbers it after the round's last
    else:
        try:
            as_float = float(str(number).strip().removeprefix("问题"))
            if as_float != int(as_float) or as_float < 1:
                raise ValueError
            out["number"] = int(as_float)
        except ValueError:
            errors["number"] = "问题序号应为正整数"
    _date(out, errors, "found_on", FINDING_LABELS["found_on"], required=False)
    if out.get("found_on") is None and "found_on" not in errors:
        out["found_on"] = today
    if out.get("found_on") and out["found_on"] > today:
        errors["found_on"] = "发现日期不能晚于今天"
    return out, errors


def clean_measure_data(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    out = dict(data)
    _text(out, errors, "text", MEASURE_LABELS["text"], required=True)
    _text(out, errors, "owner_name", MEASURE_LABELS["owner_name"], required=True)
    _text(out, errors, "owner_unit", MEASURE_LABELS["owner_unit"], required=True)
    _date(out, errors, "due", MEASURE_LABELS["due"], required=True)
    return out, errors


def clean_inspection_data(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    out = dict(data)
    _text(out, errors, "name", INSPECTION_LABELS["name"], required=True)
    _text(out, errors, "committee", INSPECTION_LABELS["committee"], required=True)
    _text(out, errors, "team", INSPECTION_LABELS["team"], required=True)
    for key in ("overall_work", "consolidation", "contact"):
        out[key] = str(out.get(key) or "").strip()
    if len(out["contact"]) > 200:
        errors["contact"] = "监督联系方式不能超过200个字"
    _date(out, errors, "onsite_from", INSPECTION_LABELS["onsite_from"], required=True)
    _date(out, errors, "onsite_to", INSPECTION_LABELS["onsite_to"], required=True)
    _date(out, errors, "feedback_on", INSPECTION_LABELS["feedback_on"], required=False)
    start, end, feedback = out.get("onsite_from"), out.get("onsite_to"), out.get("feedback_on")
    if start and end and end < start:
        errors["onsite_to"] = "结束日期不能早于进驻日期"
    if start and feedback and feedback < start:
        errors["feedback_on"] = "反馈日期不能早于进驻日期"
    return out, errors
