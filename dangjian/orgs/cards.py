"""Home-page card: the scope's organizations by kind and the structure problems among them."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils import timezone

from dangjian.accounts.roles import Domain
from dangjian.orgs.models import Organization, OrgKind
from dangjian.orgs.selectors import structure_warnings


def structure_card(request: Any) -> dict[str, Any] | None:
    user = request.user
    if not user.can(Domain.ORGS):
        return None
    orgs = list(Organization.objects.for_user(user).active())
    kinds = Counter(o.kind for o in orgs)
    warnings = structure_warnings(orgs, timezone.localdate())
    by_org = {o.pk: o for o in orgs}
    problems = [(by_org[pk], w) for pk, ws in warnings.items() for w in ws if w.severity == "error"]
    return {
        "kinds": [(OrgKind(k).label, kinds.get(k, 0)) for k in OrgKind.values if kinds.get(k)],
        "problems": problems[:8],
        "problem_count": len(problems),
    }
