"""REC-001 发展党员程序或时限不符合规定: every order and time rule of the recruitment app
(dangjian.recruitment.timeline: age, talk within a month, a year as activist, review and training
before the branch meeting, publicity, approval within the limit, probation and confirmation, extension)."""

from __future__ import annotations

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, rule
from dangjian.selfcheck.rules._common import RECRUITMENT_RULES
from dangjian.selfcheck.rules._recruitment import (
    RECRUITMENT_BOOK,
    RECRUITMENT_DOCUMENTS,
    installed,
    recruitment_findings,
)


@rule(
    code="REC-001",
    title="发展党员程序或时限不符合规定",
    basis=f"{RECRUITMENT_RULES}第二章至第六章（程序步骤及时限）",
    severity=Severity.ERROR,
    category="recruitment",
    reads=("recruitment.Recruitment", "recruitment.RecruitStep"),
)
def check(ctx: Context) -> list[Finding]:
    if not installed(ctx, "dangjian.recruitment", "发展党员"):
        return []
    return recruitment_findings(ctx, lambda code: code not in RECRUITMENT_DOCUMENTS | RECRUITMENT_BOOK)
