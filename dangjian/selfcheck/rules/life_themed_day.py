"""LIFE-006 主题党日未按期开展: the life app's frequency rule "themed_day" (每月相对固定一天开展), per period."""

from __future__ import annotations

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, rule
from dangjian.selfcheck.rules._common import BRANCH_RULES
from dangjian.selfcheck.rules._life import frequency_findings, life_installed


@rule(
    code="LIFE-006",
    title="主题党日未按期开展",
    basis=f"{BRANCH_RULES}第十三条至第十六条（每月相对固定一天开展）",
    severity=Severity.ERROR,
    category="life",
    reads=("life.Activity", "orgs.CommitteeSeat", "orgs.Organization"),
)
def check(ctx: Context) -> list[Finding]:
    return frequency_findings(ctx, "themed_day", Severity.ERROR) if life_installed(ctx) else []
