"""ORG-006 未录入本届委员会或书记."""

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import rule
from dangjian.selfcheck.rules._common import BRANCH_RULES, ELECTION_RULES, READS_STRUCTURE, structure_findings


@rule(
    code="ORG-006",
    title="未录入本届委员会或书记",
    basis=f"{BRANCH_RULES}第八条；{ELECTION_RULES}",
    severity=Severity.ERROR,
    category="structure",
    reads=READS_STRUCTURE,
)
def check(ctx):  # type: ignore[no-untyped-def]
    return structure_findings(ctx, "no_committee")
