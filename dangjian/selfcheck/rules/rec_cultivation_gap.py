"""REC-003 培养考察写实簿记录间隔过长: a gap between cultivation book entries longer than the
assessment interval (quarterly by default, DOMAIN_RULES["recruitment"]["cultivation_interval_months"])."""

from __future__ import annotations

from dangjian.core.rules import Severity
from dangjian.selfcheck.engine import Context, Finding, rule
from dangjian.selfcheck.rules._common import RECRUITMENT_RULES
from dangjian.selfcheck.rules._recruitment import RECRUITMENT_BOOK, installed, recruitment_findings


@rule(
    code="REC-003",
    title="培养考察写实簿记录间隔过长",
    basis=f"{RECRUITMENT_RULES}第十二条（定期培养考察）",
    severity=Severity.ERROR,
    category="recruitment",
    reads=("recruitment.Recruitment", "recruitment.CultivationLog"),
)
def check(ctx: Context) -> list[Finding]:
    if not installed(ctx, "dangjian.recruitment", "发展党员"):
        return []
    return recruitment_findings(ctx, lambda code: code in RECRUITMENT_BOOK)
