"""Reads of the self-check: runs visible to a user, a run's findings with filters (fixed query count
per page), what was fixed since the previous run, and the two texts of a copied-text finding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from dangjian.core.params import int_param
from dangjian.core.rules import Severity
from dangjian.selfcheck import engine
from dangjian.selfcheck.models import Run, RunFinding

NEW, PERSISTING = "new", "persisting"
STATE_LABELS = {NEW: "新发现", PERSISTING: "仍存在"}


@dataclass(frozen=True)
class FindingFilters:
    rule: str = ""
    severity: str = ""
    org: int | None = None
    state: str = ""

    @classmethod
    def from_params(cls, params: Any) -> FindingFilters:
        org = params.get("org", "")
        return cls(
            rule=params.get("rule", "").strip().upper()[:16],
            severity=params.get("severity", "") if params.get("severity", "") in Severity.LABELS else "",
            org=int_param(org),
            state=params.get("state", "") if params.get("state", "") in STATE_LABELS else "",
        )

    def as_query(self) -> dict[str, str]:
        out = {"rule": self.rule, "severity": self.severity, "state": self.state, "org": str(self.org or "")}
        return {k: v for k, v in out.items() if v}


def findings(run: Run, user: Any, filters: FindingFilters) -> QuerySet[RunFinding]:
    qs = RunFinding.objects.for_user(user).filter(run=run).select_related("organization")
    if filters.rule:
        qs = qs.filter(rule=filters.rule)
    if filters.severity:
        qs = qs.filter(severity=filters.severity)
    if filters.org:
        org_path = run.organization.path
        from dangjian.orgs.models import Organization

        chosen = Organization.objects.filter(pk=filters.org, path__startswith=org_path).first()
        qs = qs.filter(organization__path__startswith=chosen.path) if chosen else qs.none()
    if filters.state == NEW:
        qs = qs.filter(is_new=True)
    elif filters.state == PERSISTING:
        qs = qs.filter(is_new=False)
    return qs.order_by("organization__path", "rule", "pk")


def rule_counts(run: Run, user: Any) -> list[tuple[engine.Rule | None, str, int]]:
    from django.db.models import Count

    rows = (
        RunFinding.objects.for_user(user)
        .filter(run=run)
        .values("rule")
        .annotate(n=Count("id"))
        .order_by("rule")
    )
    registry = engine.load_rules()
    return [(registry.get(r["rule"]), r["rule"], r["n"]) for r in rows]


def fixed_findings(run: Run, user: Any, limit: int = 200) -> list[RunFinding]:
    """Findings of the previous run (same scope and period) that this run no longer finds, for the
    rules both runs ran."""
    if run.previous_id is None:
        return []
    current = RunFinding.objects.filter(run=run).values("fingerprint")
    both = set(run.timings) & set(
        Run.objects.filter(pk=run.previous_id).values_list("timings", flat=True).first() or {}
    )
    return list(
        RunFinding.objects.for_user(user)
        .filter(run_id=run.previous_id, rule__in=both)
        .exclude(fingerprint__in=current)
        .select_related("organization")
        .order_by("organization__path", "rule")[:limit]
    )


def scope_orgs(run: Run, user: Any) -> list[Any]:
    """Organizations that have findings in the run (for the filter)."""
    from dangjian.orgs.models import Organization

    ids = RunFinding.objects.for_user(user).filter(run=run).values("organization_id")
    return list(Organization.objects.filter(pk__in=ids).order_by("path").only("pk", "name", "path"))
