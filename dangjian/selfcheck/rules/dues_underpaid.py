"""DUES-003 党费交纳金额低于标准: a month paid with less than the amount the member's base and the
rate rules set."""

from __future__ import annotations

from collections.abc import Iterator

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, rule
from dangjian.selfcheck.rules._common import DUES_RULES
from dangjian.selfcheck.rules._dues import dues_installed, irregularities, member_year_finding


@rule(
    code="DUES-003",
    title="党费交纳金额低于标准",
    basis=f"{DUES_RULES}第二条至第五条（按月工资收入比例交纳）",
    severity=Severity.ERROR,
    category="dues",
    reads=("members.Membership", "dues.DuesBase", "dues.DuesPayment", "dues.DuesPaymentMonth"),
)
def check(ctx: Context) -> Iterator[Finding]:
    if not dues_installed(ctx):
        return
    for row in irregularities(ctx):
        short = row.short
        if not short:
            continue
        months = "、".join(f"{c.month.month}月（实交{c.paid:.2f}元，应交{c.due:.2f}元）" for c in short[:4])
        yield member_year_finding(
            row,
            Severity.ERROR,
            f"{row.member_name}{row.year}年有{len(short)}个月交纳金额低于标准：{months}{'等' if len(short) > 4 else ''}",
        )
