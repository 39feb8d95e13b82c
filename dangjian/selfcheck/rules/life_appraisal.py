"""LIFE-008 未开展民主评议党员: the life app's frequency rule "appraisal" (每年开展一次), per period."""

from __future__ import annotations

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, rule
from dangjian.selfcheck.rules._common import BRANCH_RULES
from dangjian.selfcheck.rules._life import frequency_findings, life_installed


@rule(
    code="LIFE-008",
    title="未开展民主评议党员",
    basis=f"{BRANCH_RULES}第十三条至第十六条（每年开展一次）",
    severity=Severity.ERROR,
    category="life",
    reads=("life.Appraisal", "orgs.Organization"),
)
def check(ctx: Context) -> list[Finding]:
    return frequency_findings(ctx, "appraisal", Severity.ERROR) if life_installed(ctx) else []
