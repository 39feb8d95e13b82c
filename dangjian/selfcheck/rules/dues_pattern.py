"""DUES-002 党费一次性交纳或不按月交纳: a year in which a member paid many months at once, or paid
months after their quarter ended (the seeds: "大部分党员都是一次性交纳党费，有年初交的，有年底交的")."""

from __future__ import annotations

from collections.abc import Iterator

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, rule
from dangjian.selfcheck.rules._common import DUES_RULES
from dangjian.selfcheck.rules._dues import dues_installed, irregularities, member_year_finding


@rule(
    code="DUES-002",
    title="党费一次性交纳或不按月交纳",
    basis=f"{DUES_RULES}第十二条（按月交纳，经同意可按季度交纳）",
    severity=Severity.WARNING,
    category="dues",
    reads=("members.Membership", "dues.DuesBase", "dues.DuesPayment", "dues.DuesPaymentMonth"),
)
def check(ctx: Context) -> Iterator[Finding]:
    if not dues_installed(ctx):
        return
    for row in irregularities(ctx):
        p = row.pattern
        if p is None or not (p.lump_sum or (p.late and not p.arrears_months)):
            continue
        yield member_year_finding(
            row, Severity.WARNING, f"{row.member_name}{row.year}年党费{p.label}（{p.detail}）"
        )
