"""LIFE-009 谈心谈话未全覆盖: the life app's frequency rule "talks" (委员之间、委员和党员之间、党员之间每年至少谈心谈话一次), per period."""

from __future__ import annotations

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, rule
from dangjian.selfcheck.rules._common import BRANCH_RULES
from dangjian.selfcheck.rules._life import frequency_findings, life_installed


@rule(
    code="LIFE-009",
    title="谈心谈话未全覆盖",
    basis=f"{BRANCH_RULES}第十三条至第十六条（委员之间、委员和党员之间、党员之间每年至少谈心谈话一次）",
    severity=Severity.WARNING,
    category="life",
    reads=("life.Talk", "orgs.CommitteeSeat", "orgs.Organization"),
)
def check(ctx: Context) -> list[Finding]:
    return frequency_findings(ctx, "talks", Severity.WARNING) if life_installed(ctx) else []
