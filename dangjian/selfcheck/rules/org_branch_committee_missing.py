"""ORG-007 正式党员7名以上未设支部委员会."""

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import rule
from dangjian.selfcheck.rules._common import BRANCH_RULES, READS_STRUCTURE, structure_findings


@rule(
    code="ORG-007",
    title="正式党员7名以上未设支部委员会",
    basis=f"{BRANCH_RULES}第八条",
    severity=Severity.WARNING,
    category="structure",
    reads=READS_STRUCTURE,
)
def check(ctx):  # type: ignore[no-untyped-def]
    return structure_findings(ctx, "branch_committee_missing")
