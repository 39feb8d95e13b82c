"""党费收缴台账: the dues ledger of one organization and year as an xlsx, in the layout branches keep
(member, base, rate, monthly amount, each month paid, totals), with the entries and the remittances."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dangjian.core.xlsx import Sheet, workbook_bytes
from dangjian.dues.ledger import MonthStatus
from dangjian.dues.models import DuesPayment
from dangjian.dues.selectors import Grid, Reconciliation

LEDGER_HEADERS = [
    "序号", "姓名", "所在党组织", "收入类型", "月交纳基数（元）", "交纳比例", "月应交（元）",
    *[f"{m}月" for m in range(1, 13)], "全年应交（元）", "已交合计（元）", "欠交（元）", "备注",
]
NOT_OWED = "—"
UNPAID = "未交"


def month_cell(cell: Any) -> Any:
    """Paid amount; "未交" for an owed past month with nothing paid; "—" when not a member that month;
    empty for a month not yet due."""
    if not cell.owed:
        return NOT_OWED
    if cell.paid > 0:
        return cell.paid
    return UNPAID if cell.status == MonthStatus.UNPAID else ""


def ledger_rows(grid: Grid) -> list[list[Any]]:
    rows = []
    for i, row in enumerate(grid.rows, start=1):
        base = row.base
        notes = []
        if base is None:
            notes.append("未核定交纳基数")
        elif base.is_voluntary:
            notes.append(f"自愿多交（标准{base.standard_amount}元）")
        if row.pattern is not None and row.pattern.severity != "ok":
            notes.append(row.pattern.label + (f"：{row.pattern.detail}" if row.pattern.detail else ""))
        if row.severity != "ok":
            notes.append(f"连续{row.streak}个月未交")
        rows.append([
            i, row.member.name, row.organization.name,
            base.get_income_type_display() if base else "", base.base if base else "", base.rate_label if base else "",
            base.monthly_amount if base else "",
            *[month_cell(c) for c in row.cells],
            row.total_due, row.total_paid, row.arrears, "；".join(notes),
        ])
    return rows


def ledger_sheets(grid: Grid, entries: list[DuesPayment], recon: Reconciliation, generated: dt.date) -> list[Sheet]:
    org, year = grid.organization, grid.year
    totals = ["", "合计", "", "", "", "", "", *[t.paid for t in grid.totals], grid.total_due, grid.total_paid,
              sum((r.arrears for r in grid.rows), Decimal("0.00")), ""]
    ledger = Sheet(
        title="党费收缴台账",
        caption=f"{org.name}{year}年党费收缴台账",
        headers=LEDGER_HEADERS,
        rows=[*ledger_rows(grid), totals],
        widths=[6, 10, 16, 14, 12, 12, 10, *[8] * 12, 12, 12, 10, 30],
        notes=[
            f"说明：“{UNPAID}”为应交未交，“{NOT_OWED}”为当月不在本组织党员名册，空白为未到交纳期。按月最后一天的组织关系确定应交月份。",
            f"生成日期：{generated:%Y-%m-%d}",
        ],
    )
    detail = Sheet(
        title="交纳明细",
        caption=f"{org.name}{year}年党费交纳明细",
        headers=["日期", "姓名", "类别", "所属月份", "月数", "金额（元）", "交纳方式", "收据编号", "备注/原因"],
        rows=[
            [e.paid_on, e.member.name, e.get_kind_display(), e.span_label, e.months, e.amount, e.get_channel_display(),
             e.receipt_no, e.note]
            for e in entries
        ],
        widths=[12, 10, 10, 22, 6, 10, 10, 12, 30],
    )
    remit = Sheet(
        title="上缴对账",
        caption=f"{org.name}{year}年党费上缴对账",
        headers=["所属期", "收缴（元）", "上缴（元）", "差额（元）", "上缴记录"],
        rows=[
            *[[r.label, r.collected, r.remitted, r.difference,
               "；".join(f"{x.remitted_on:%Y-%m-%d} {x.amount}元" for x in r.remittances)] for r in recon.rows],
            *([["未上缴月份：" + "、".join(f"{m.month}月" for m in recon.unremitted_months), recon.unremitted_amount,
                Decimal("0.00"), recon.unremitted_amount, ""]] if recon.unremitted_months else []),
            ["合计", recon.collected, recon.remitted, recon.collected - recon.remitted, ""],
        ],
        widths=[24, 12, 12, 12, 40],
        notes=["收缴按交纳日期计（含退还、冲正）；差额为收缴减上缴。"],
    )
    return [ledger, detail, remit]


def ledger_workbook(grid: Grid, entries: list[DuesPayment], recon: Reconciliation, generated: dt.date) -> bytes:
    return workbook_bytes(ledger_sheets(grid, entries, recon, generated))
