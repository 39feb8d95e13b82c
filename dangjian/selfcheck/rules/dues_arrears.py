"""DUES-001 党费连续欠交: a current member who has paid nothing for N months in a row (3: warning;
6: error — 党章 regards six months without proper reason as leaving the Party)."""

from __future__ import annotations

from collections.abc import Iterator

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, Link, member_link, rule
from dangjian.selfcheck.rules._common import CONSTITUTION, DUES_RULES
from dangjian.selfcheck.rules._dues import day_after, dues_installed


@rule(
    code="DUES-001",
    title="党费连续欠交",
    basis=f"{CONSTITUTION}第九条（连续六个月不交纳党费视为自行脱党）；{DUES_RULES}",
    severity=Severity.ERROR,
    category="dues",
    reads=("members.Membership", "dues.DuesPayment", "dues.DuesPaymentMonth"),
)
def check(ctx: Context) -> Iterator[Finding]:
    if not dues_installed(ctx):
        return
    from dangjian.dues import config
    from dangjian.dues.selectors import arrears_list

    warn, error = config.warning_months(), config.error_months()
    for row in arrears_list(ctx.root, day_after(ctx, ctx.as_of), warn):
        last = f"，最近一次交纳所属月份{row.last_paid:%Y年%m月}" if row.last_paid else "，无交纳记录"
        severity = Severity.ERROR if row.streak >= error else Severity.WARNING
        yield Finding(
            organization_id=row.organization.pk,
            rule="",
            severity=severity,
            period=ctx.as_of_label,
            message=f"{row.member.name}已连续{row.streak}个月未交纳党费{last}",
            subjects=(f"members.Member:{row.member.pk}",),
            links=(
                member_link(row.member.pk, row.member.name),
                Link("党费记录", "dues:member", (row.member.pk,)),
            ),
            period_key="state",
        )
