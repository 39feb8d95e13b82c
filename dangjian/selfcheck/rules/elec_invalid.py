"""ELEC-001 换届选举无效: an election held in the period that fails a validity rule of the 2020
regulation (quorum over four fifths, winners over half of the attending voters, the margin of
candidates over seats, ballots that do not add up), as dangjian.elections.validity evaluates it."""

from __future__ import annotations

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, rule
from dangjian.selfcheck.rules._common import ELECTION_RULES
from dangjian.selfcheck.rules._recruitment import election_findings, installed

MISMATCH = "ELE-ATTENDANCE-MISMATCH"


@rule(
    code="ELEC-001",
    title="换届选举不符合有效性规定",
    basis=f"{ELECTION_RULES}第二十一条、第二十五条、第二十六条（到会人数、差额比例、当选票数）",
    severity=Severity.ERROR,
    category="elections",
    reads=("elections.Election", "elections.Voter", "elections.Candidate"),
)
def check(ctx: Context) -> list[Finding]:
    if not installed(ctx, "dangjian.elections", "换届选举"):
        return []
    return election_findings(ctx, lambda code: code != MISMATCH)
