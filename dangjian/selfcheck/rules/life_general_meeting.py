"""LIFE-001 支部党员大会未按期召开: the life app's frequency rule "general_meeting" (每季度召开一次), per period."""

from __future__ import annotations

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, rule
from dangjian.selfcheck.rules._common import BRANCH_RULES
from dangjian.selfcheck.rules._life import frequency_findings, life_installed


@rule(
    code="LIFE-001",
    title="支部党员大会未按期召开",
    basis=f"{BRANCH_RULES}第十三条至第十六条（每季度召开一次）",
    severity=Severity.ERROR,
    category="life",
    reads=("life.Activity", "orgs.CommitteeSeat", "orgs.Organization"),
)
def check(ctx: Context) -> list[Finding]:
    return frequency_findings(ctx, "general_meeting", Severity.ERROR) if life_installed(ctx) else []
