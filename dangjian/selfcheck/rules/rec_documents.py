"""REC-002 发展党员材料缺失: a step recorded without the documents that belong to it, or a
candidate without two sponsors who are full members of the branch."""

from __future__ import annotations

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, rule
from dangjian.selfcheck.rules._common import RECRUITMENT_RULES
from dangjian.selfcheck.rules._recruitment import RECRUITMENT_DOCUMENTS, installed, recruitment_findings


@rule(
    code="REC-002",
    title="发展党员材料缺失或入党介绍人不符合要求",
    basis=f"{RECRUITMENT_RULES}第十四条、第十五条、第二十条（入党介绍人、档案材料）",
    severity=Severity.ERROR,
    category="recruitment",
    reads=("recruitment.Recruitment", "recruitment.RecruitDocument", "recruitment.RecruitSponsor"),
)
def check(ctx: Context) -> list[Finding]:
    if not installed(ctx, "dangjian.recruitment", "发展党员"):
        return []
    return recruitment_findings(ctx, lambda code: code in RECRUITMENT_DOCUMENTS)
