"""ORG-005 书记职务空缺."""

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import rule
from dangjian.selfcheck.rules._common import BRANCH_RULES, READS_STRUCTURE, structure_findings


@rule(
    code="ORG-005",
    title="书记职务空缺",
    basis=f"{BRANCH_RULES}第八条",
    severity=Severity.ERROR,
    category="structure",
    reads=READS_STRUCTURE,
)
def check(ctx):  # type: ignore[no-untyped-def]
    return structure_findings(ctx, "secretary_missing")
