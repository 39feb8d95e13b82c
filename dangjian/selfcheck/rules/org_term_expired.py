"""ORG-004 委员会任期届满未换届."""

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import rule
from dangjian.selfcheck.rules._common import BRANCH_RULES, ELECTION_RULES, READS_STRUCTURE, structure_findings


@rule(
    code="ORG-004",
    title="委员会任期届满未换届",
    basis=f"{ELECTION_RULES}；{BRANCH_RULES}第八条",
    severity=Severity.ERROR,
    category="structure",
    reads=READS_STRUCTURE,
)
def check(ctx):  # type: ignore[no-untyped-def]
    return structure_findings(ctx, "term_expired")
