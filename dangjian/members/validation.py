"""One validation of member data shared by the web form, the API and the Excel import, so that a
row is judged the same way wherever it comes from. Messages are Chinese and name the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangjian.lib import idcard, phone
from dangjian.lib.periods import age_on
from dangjian.members.models import Education, FloatingDirection, Gender, MemberCategory, MemberStatus

LABELS = {
    "name": "姓名",
    "id_number": "公民身份号码",
    "gender": "性别",
    "birth_date": "出生日期",
    "ethnicity": "民族",
    "education": "学历",
    "phone": "联系电话",
    "address": "居住地址",
    "category": "党员类别",
    "employer": "工作单位",
    "floating_direction": "流动方向",
    "floating_place": "流入地/流出地",
    "status": "党员状态",
    "joined_on": "入党日期",
    "confirmed_on": "转正日期",
    "lost_contact_since": "失联日期",
    "hardship": "困难党员",
    "elderly": "高龄党员",
    "mobility_impaired": "行动不便",
    "remarks": "备注",
}


def clean_member_data(data: dict[str, Any], *, today: dt.date) -> tuple[dict[str, Any], dict[str, str]]:
    """Check and normalize. Returns (cleaned values, {field: message}); cleaned is only usable
    when there are no errors. Birth date and gender come from the ID number and must agree."""
    errors: dict[str, str] = {}
    out = dict(data)

    name = (out.get("name") or "").strip()
    if not name:
        errors["name"] = "姓名不能为空"
    elif len(name) > 50:
        errors["name"] = "姓名过长"
    out["name"] = name

    raw_id = out.get("id_number") or ""
    if not str(raw_id).strip():
        errors["id_number"] = "公民身份号码不能为空"
    else:
        try:
            parsed = idcard.parse(str(raw_id))
        except idcard.IdNumberError as exc:
            errors["id_number"] = str(exc)
        else:
            out["id_number"] = parsed.value
            if out.get("birth_date") and out["birth_date"] != parsed.birth_date:
                errors["birth_date"] = "出生日期与身份证号码不一致"
            if out.get("gender") and out["gender"] != parsed.gender:
                errors["gender"] = "性别与身份证号码不一致"
            out["birth_date"], out["gender"] = parsed.birth_date, parsed.gender
            if parsed.birth_date > today:
                errors["id_number"] = "身份证号码中的出生日期晚于今天"

    if out.get("phone"):
        try:
            out["phone"] = phone.parse(str(out["phone"]))
        except phone.PhoneError as exc:
            errors["phone"] = str(exc)
    else:
        out["phone"] = ""

    for key, choices in (("education", Education), ("category", MemberCategory), ("status", MemberStatus)):
        if out.get(key) not in choices.values:
            errors[key] = f"{LABELS[key]}应为：{'、'.join(choices.labels)}"
    if out.get("gender") not in Gender.values and "id_number" not in errors and "gender" not in errors:
        errors["gender"] = "性别应为男或女"

    category = out.get("category")
    if category == MemberCategory.IN_SERVICE and not (out.get("employer") or "").strip():
        errors["employer"] = "在职党员须填写工作单位"
    if category == MemberCategory.FLOATING:
        if out.get("floating_direction") not in FloatingDirection.values:
            errors["floating_direction"] = "流动党员须选择流动方向（流入或流出）"
        if not (out.get("floating_place") or "").strip():
            errors["floating_place"] = "流动党员须填写流入地或流出地"
    else:
        out["floating_direction"] = ""

    joined, confirmed = out.get("joined_on"), out.get("confirmed_on")
    if not joined:
        errors["joined_on"] = "入党日期不能为空"
    elif joined > today:
        errors["joined_on"] = "入党日期不能晚于今天"
    elif out.get("birth_date") and age_on(out["birth_date"], joined) < 18:
        errors["joined_on"] = "入党时应年满18周岁"
    status = out.get("status")
    if status == MemberStatus.PROBATIONARY and confirmed:
        errors["confirmed_on"] = "预备党员不应有转正日期"
    if status == MemberStatus.FULL and confirmed and joined and confirmed < joined:
        errors["confirmed_on"] = "转正日期不能早于入党日期"
    if confirmed and confirmed > today:
        errors["confirmed_on"] = "转正日期不能晚于今天"
    lost = out.get("lost_contact_since")
    if lost and lost > today:
        errors["lost_contact_since"] = "失联日期不能晚于今天"
    return out, errors
