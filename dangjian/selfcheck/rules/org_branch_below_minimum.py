"""ORG-001 党支部正式党员不足3名."""

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import rule
from dangjian.selfcheck.rules._common import BRANCH_RULES, CONSTITUTION, READS_STRUCTURE, structure_findings


@rule(
    code="ORG-001",
    title="党支部正式党员不足3名",
    basis=f"{BRANCH_RULES}第五条；{CONSTITUTION}第三十条",
    severity=Severity.ERROR,
    category="structure",
    reads=READS_STRUCTURE,
)
def check(ctx):  # type: ignore[no-untyped-def]
    return structure_findings(ctx, "branch_below_minimum")
