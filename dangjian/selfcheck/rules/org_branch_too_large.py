"""ORG-003 党支部党员人数超过50名."""

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import rule
from dangjian.selfcheck.rules._common import BRANCH_RULES, READS_STRUCTURE, structure_findings


@rule(
    code="ORG-003",
    title="党支部党员人数超过50名",
    basis=f"{BRANCH_RULES}第五条",
    severity=Severity.WARNING,
    category="structure",
    reads=READS_STRUCTURE,
)
def check(ctx):  # type: ignore[no-untyped-def]
    return structure_findings(ctx, "branch_too_large")
