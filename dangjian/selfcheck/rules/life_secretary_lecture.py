"""LIFE-005 支部书记未讲党课: the life app's frequency rule "secretary_lecture" (书记每年至少讲一次党课), per period."""

from __future__ import annotations

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, rule
from dangjian.selfcheck.rules._common import BRANCH_RULES
from dangjian.selfcheck.rules._life import frequency_findings, life_installed


@rule(
    code="LIFE-005",
    title="支部书记未讲党课",
    basis=f"{BRANCH_RULES}第十三条至第十六条（书记每年至少讲一次党课）",
    severity=Severity.ERROR,
    category="life",
    reads=("life.Activity", "orgs.CommitteeSeat", "orgs.Organization"),
)
def check(ctx: Context) -> list[Finding]:
    return frequency_findings(ctx, "secretary_lecture", Severity.ERROR) if life_installed(ctx) else []
