"""ORG-002 组织类别与党员人数不相符."""

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import rule
from dangjian.selfcheck.rules._common import BRANCH_RULES, READS_STRUCTURE, structure_findings


@rule(
    code="ORG-002",
    title="组织类别与党员人数不相符",
    basis=f"{BRANCH_RULES}第五条；本地组织设置规定",
    severity=Severity.WARNING,
    category="structure",
    reads=READS_STRUCTURE,
)
def check(ctx):  # type: ignore[no-untyped-def]
    return structure_findings(ctx, "kind_mismatch")
