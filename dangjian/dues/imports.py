"""Excel import of yearly bases (姓名, 公民身份号码, 收入类型, 月交纳基数): every row validated with the
same checks as the form, errors named by row; committed all or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.accounts.roles import WRITE, Domain
from dangjian.audit.models import EventType
from dangjian.audit.services import audit_record
from dangjian.core import pii
from dangjian.core.scope import require_org
from dangjian.core.xlsx import SpreadsheetError, read_rows
from dangjian.dues import config
from dangjian.dues import validation as v
from dangjian.dues.ledger import owes, year_months
from dangjian.dues.models import IncomeType
from dangjian.dues.rates import RateError, dues_rate
from dangjian.dues.selectors import periods_for
from dangjian.dues.services import dues_base_set
from dangjian.lib import idcard
from dangjian.members.models import Member
from dangjian.orgs.models import Organization

COLUMNS = {
    "name": ("姓名",),
    "id_number": ("公民身份号码", "身份证号码", "身份证号", "公民身份证号码"),
    "income_type": ("收入类型", "类型", "党员类型"),
    "base": ("月交纳基数", "交纳基数", "月基数", "基数", "月交纳基数（元）"),
}
MAX_ROWS = 5000


@dataclass(frozen=True)
class BaseRow:
    row_no: int
    member: Member
    income_type: str
    base: Decimal
    amount: Decimal
    rate_label: str

    @property
    def income_type_label(self) -> str:
        return IncomeType(self.income_type).label


def _header_map(row: list[Any]) -> dict[str, int]:
    cells = [str(c).strip().replace(" ", "").replace("\n", "") for c in row]
    found = {}
    for key, names in COLUMNS.items():
        for i, cell in enumerate(cells):
            if cell in names:
                found[key] = i
                break
    return found


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if value is not None else ""


def _cell_money(value: Any) -> Any:
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back as the same float: 4521.35 → "4521.35"
    return value


def parse_rows(
    *, actor: Any, organization: Organization, year: int, rows: list[list[Any]]
) -> tuple[list[BaseRow], list[str]]:
    """Check every row; returns (rows, errors). Rows are usable only when there are no errors."""
    header_at = next((i for i, r in enumerate(rows[:10]) if "name" in _header_map(r)), None)
    if header_at is None:
        return [], ["未找到表头：第一行（或标题下一行）应包含“姓名、公民身份号码、收入类型、月交纳基数”"]
    columns = _header_map(rows[header_at])
    missing = [COLUMNS[k][0] for k in COLUMNS if k not in columns]
    if missing:
        return [], [f"缺少列：{'、'.join(missing)}"]
    body = [(header_at + 2 + i, r) for i, r in enumerate(rows[header_at + 1:]) if any(_cell_text(c) for c in r)]
    if not body:
        return [], ["表格中没有数据行"]
    if len(body) > MAX_ROWS:
        return [], [f"一次最多导入{MAX_ROWS}行"]
    errors: list[str] = []
    parsed_ids: dict[int, str] = {}
    for row_no, r in body:
        raw = _cell_text(r[columns["id_number"]] if columns["id_number"] < len(r) else "")
        try:
            parsed_ids[row_no] = idcard.parse(raw).value
        except idcard.IdNumberError as exc:
            errors.append(f"第{row_no}行：公民身份号码{'“' + raw[:4] + '…”' if raw else ''}{exc}")
    digests = {pii.digest(value): row_no for row_no, value in parsed_ids.items()}
    members = {
        m.id_number_hmac: m
        for m in Member.objects.for_user(actor, WRITE)
        .filter(id_number_hmac__in=list(digests), organization__path__startswith=organization.path)
        .select_related("organization")
    }
    periods = periods_for([m.pk for m in members.values()])
    on = dt.date(year, 1, 1)
    tables = config.rate_tables()
    out: list[BaseRow] = []
    seen: dict[int, int] = {}
    for row_no, r in body:
        def cell(key: str, r: list[Any] = r) -> Any:
            return r[columns[key]] if columns[key] < len(r) else ""

        name = _cell_text(cell("name"))
        if not name:
            errors.append(f"第{row_no}行：姓名不能为空")
        if row_no not in parsed_ids:
            continue
        member = members.get(pii.digest(parsed_ids[row_no]))
        if member is None:
            errors.append(f"第{row_no}行：公民身份号码对应的党员不在{organization.name}的党员名册中")
            continue
        if name and name != member.name:
            errors.append(f"第{row_no}行：姓名“{name}”与公民身份号码对应的党员“{member.name}”不一致")
            continue
        if member.pk in seen:
            errors.append(f"第{row_no}行：与第{seen[member.pk]}行是同一名党员，请删除重复行")
            continue
        seen[member.pk] = row_no
        if not any(owes(periods.get(member.pk, []), m) for m in year_months(year)):
            errors.append(f"第{row_no}行：{member.name}{year}年不在册，无需核定交纳基数")
            continue
        try:
            income_type = v.income_type(cell("income_type"))
            base = v.money(_cell_money(cell("base")), "base", "月交纳基数")
        except ValidationError as exc:
            errors.append(f"第{row_no}行：" + "；".join(m for ms in exc.message_dict.values() for m in ms))
            continue
        try:
            rate = dues_rate(income_type, base, on, tables)
        except RateError as exc:
            errors.append(f"第{row_no}行：{exc}")
            continue
        out.append(BaseRow(row_no, member, income_type, base, rate.amount, rate.rate_label))
    return out, errors


def read_base_file(
    *, actor: Any, organization: Organization, year: int, upload: IO[bytes]
) -> tuple[list[BaseRow], list[str]]:
    require_org(actor, organization, Domain.RECORDS, WRITE)
    try:
        rows = read_rows(upload)
    except SpreadsheetError as exc:
        return [], [str(exc)]
    return parse_rows(actor=actor, organization=organization, year=year, rows=rows)


@transaction.atomic
def dues_bases_import(
    *, actor: Any, organization: Organization, year: int, rows: list[tuple[int, str, str]]
) -> int:
    """Commit checked rows (member id, income type, base text) for `year`: every row or none.
    Each base goes through dues_base_set (the same validation as the form) and one import event
    records the whole file."""
    require_org(actor, organization, Domain.RECORDS, WRITE)
    members = {
        m.pk: m
        for m in Member.objects.for_user(actor, WRITE)
        .filter(pk__in=[r[0] for r in rows], organization__path__startswith=organization.path)
        .select_related("organization")
    }
    written = []
    for index, (member_id, income_type, base) in enumerate(rows, start=1):
        member = members.get(member_id)
        if member is None:
            raise ValidationError(f"第{index}条：党员不在{organization.name}的党员名册中，全部未导入")
        try:
            record = dues_base_set(actor=actor, member=member, year=year, income_type=income_type, base=base, audit=False)
        except ValidationError as exc:
            raise ValidationError(f"{member.name}：" + "；".join(exc.messages) + "（全部未导入）") from exc
        written.append({"member": member.pk, "income_type": record.income_type, "base": record.base})
    audit_record(actor=actor, event_type=EventType.IMPORT, subject=organization, organization=organization,
                 data={"what": "dues_bases", "year": year, "rows": len(written), "bases": written})
    return len(written)
