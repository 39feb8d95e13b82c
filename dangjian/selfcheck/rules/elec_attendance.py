"""ELEC-002 换届选举参会人数不实: the number of attending voters written in the election record
differs from the signed attendance list (the seeds' 换届参会人数不实)."""

from __future__ import annotations

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, rule
from dangjian.selfcheck.rules._common import ELECTION_RULES
from dangjian.selfcheck.rules._recruitment import election_findings, installed
from dangjian.selfcheck.rules.elec_invalid import MISMATCH


@rule(
    code="ELEC-002",
    title="换届选举实到人数与签到名单不符",
    basis=f"{ELECTION_RULES}第二十一条（实到会人数以签到为准）",
    severity=Severity.ERROR,
    category="elections",
    reads=("elections.Election", "elections.Voter"),
)
def check(ctx: Context) -> list[Finding]:
    if not installed(ctx, "dangjian.elections", "换届选举"):
        return []
    return election_findings(ctx, lambda code: code == MISMATCH)
