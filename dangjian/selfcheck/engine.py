"""The self-check engine (style.md item 9): a registry of rules and the function that runs them.

A rule is one small module under dangjian/selfcheck/rules/ with a function decorated by `@rule(...)`:
a stable code ("ORG-001"), a Chinese title, its basis in the regulations (domain-rules.md), a default
severity, the record types it reads, default thresholds, and `check(ctx) -> Iterable[Finding]`.

A check reads with set-based queries over the whole subtree and period (`ctx.in_scope(...)`), never a
query per organization or per record, and reads each table at most once. Rules can be switched off
and given local thresholds in settings.DOMAIN_RULES["selfcheck"]:

    {"disabled": ["LIFE-007"], "thresholds": {"TEXT-001": {"threshold": 0.7}}}

The same dict holds "stale_minutes" (15): a run under way with no progress for that long is shown
interrupted (its process died), and "inline" (false): run page-started checks in the request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import logging
import pkgutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from dangjian.core.rules import Severity

log = logging.getLogger(__name__)

CATEGORIES = {
    "structure": "组织设置",
    "members": "党员管理",
    "life": "组织生活",
    "texts": "材料真实性",
    "dues": "党费收缴",
    "recruitment": "发展党员",
    "elections": "换届选举",
    "rectification": "巡察整改",
}


@dataclass(frozen=True)
class Link:
    """A record that proves a finding: a URL name with its arguments (resolved when shown)."""

    label: str
    url_name: str = ""
    args: tuple[Any, ...] = ()

    def url(self) -> str:
        if not self.url_name:
            return ""
        try:
            return reverse(self.url_name, args=self.args)
        except NoReverseMatch:
            return ""

    def as_json(self) -> list[Any]:
        return [self.label, self.url_name, list(self.args)]

    @classmethod
    def from_json(cls, value: Sequence[Any]) -> Link:
        label, url_name, args = (list(value) + ["", []])[:3]
        return cls(str(label), str(url_name or ""), tuple(args or ()))


def org_link(org: Any) -> Link:
    return Link(org.name, "orgs:detail", (org.pk,))


def member_link(member_id: int, name: str) -> Link:
    return Link(name, "members:detail", (member_id,))


@dataclass
class Finding:
    organization_id: int
    rule: str
    severity: str
    period: str
    message: str
    subjects: tuple[str, ...] = ()  # "app.Model:pk" of the records the finding is about
    links: tuple[Link, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)
    # What the fingerprint takes as the period: the label by default; "state" for findings about the
    # current state (a term expired, a member lost), which persist from run to run whatever the period.
    period_key: str | None = None

    @property
    def fingerprint(self) -> str:
        """Stable across runs: the same problem of the same records in the same period."""
        period = self.period if self.period_key is None else self.period_key
        key = "|".join([self.rule, str(self.organization_id), period, *sorted(self.subjects)])
        return hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    basis: str
    severity: str
    category: str
    reads: tuple[str, ...]
    check: Callable[[Context], Iterable[Finding]]
    defaults: dict[str, Any] = field(default_factory=dict)

    @property
    def severity_label(self) -> str:
        return Severity.LABELS[self.severity]

    @property
    def category_label(self) -> str:
        return CATEGORIES.get(self.category, self.category)


REGISTRY: dict[str, Rule] = {}


def rule(
    *,
    code: str,
    title: str,
    basis: str,
    severity: str,
    category: str,
    reads: Sequence[str],
    defaults: dict[str, Any] | None = None,
) -> Callable[[Callable[[Context], Iterable[Finding]]], Callable[[Context], Iterable[Finding]]]:
    def register(fn: Callable[[Context], Iterable[Finding]]) -> Callable[[Context], Iterable[Finding]]:
        existing = REGISTRY.get(code)
        if existing is not None and existing.check.__module__ != fn.__module__:
            raise ValueError(
                f"rule code {code} registered twice ({existing.check.__module__}, {fn.__module__})"
            )
        REGISTRY[code] = Rule(code, title, basis, severity, category, tuple(reads), fn, dict(defaults or {}))
        return fn

    return register


_loaded = False


def load_rules() -> dict[str, Rule]:
    """Import every module of dangjian.selfcheck.rules (each registers its rules)."""
    global _loaded
    if not _loaded:
        from dangjian.selfcheck import rules as package

        for info in pkgutil.iter_modules(package.__path__):
            if not info.name.startswith("_"):
                importlib.import_module(f"{package.__name__}.{info.name}")
        _loaded = True
    return REGISTRY


def config() -> dict[str, Any]:
    return dict(getattr(settings, "DOMAIN_RULES", {}).get("selfcheck", {}) or {})


def disabled_codes() -> set[str]:
    return set(config().get("disabled", []) or [])


def thresholds_for(r: Rule) -> dict[str, Any]:
    local = (config().get("thresholds", {}) or {}).get(r.code, {}) or {}
    return {**r.defaults, **local}


def all_rules() -> list[Rule]:
    return sorted(load_rules().values(), key=lambda r: r.code)


def enabled_rules(codes: Iterable[str] | None = None) -> list[Rule]:
    """The rules to run: the given codes (unknown ones refused), or every rule; disabled ones left out."""
    registry = load_rules()
    off = disabled_codes()
    if codes:
        wanted = [c.strip().upper() for c in codes if c.strip()]
        unknown = [c for c in wanted if c not in registry]
        if unknown:
            raise ValueError(f"未知的规则编号：{'、'.join(unknown)}")
        return [registry[c] for c in sorted(set(wanted)) if c not in off]
    return [r for r in all_rules() if r.code not in off]


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}年第{'一二三四'[quarter - 1]}季度"


@dataclass
class Context:
    """What a rule sees: the subtree root, the period, the organizations of the subtree (read once per
    run), its thresholds, a cache shared by the rules of one run, and notes for the run's messages."""

    root: Any
    start: dt.date
    end: dt.date
    today: dt.date
    orgs: dict[int, Any]
    ancestors: list[Any]
    thresholds: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def as_of(self) -> dt.date:
        return min(self.end, self.today)

    @property
    def as_of_label(self) -> str:
        return f"截至{self.as_of.year}年{self.as_of.month}月{self.as_of.day}日"

    def t(self, key: str) -> Any:
        return self.thresholds[key]

    def in_scope(self, lookup: str = "organization__path") -> Q:
        """The filter every query of a rule carries: records of the subtree only."""
        return Q(**{f"{lookup}__startswith": self.root.path})

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def org(self, pk: int) -> Any:
        return self.orgs.get(pk)

    def locality_of(self, pk: int) -> str:
        """The organization's own locality, or its nearest ancestor's."""
        org = self.orgs.get(pk)
        if org is None:
            return ""
        chain = {o.pk: o for o in self.ancestors} | self.orgs
        for ancestor_id in [pk, *reversed(org.ancestor_ids())]:
            node = chain.get(ancestor_id)
            if node is not None and node.locality:
                return node.locality
        return ""


def build_context(root: Any, start: dt.date, end: dt.date, today: dt.date) -> Context:
    from dangjian.orgs.models import Organization

    ancestor_ids = root.ancestor_ids()
    rows = list(
        Organization.objects.filter(Q(path__startswith=root.path) | Q(pk__in=ancestor_ids)).order_by("path")
    )
    orgs = {o.pk: o for o in rows if o.path.startswith(root.path)}
    ancestors = [o for o in rows if not o.path.startswith(root.path)]
    return Context(root=root, start=start, end=end, today=today, orgs=orgs, ancestors=ancestors)


@dataclass
class RuleOutcome:
    rule: Rule
    findings: list[Finding]
    seconds: float
    error: str = ""


def run_rule(r: Rule, ctx: Context) -> RuleOutcome:
    ctx.thresholds = thresholds_for(r)
    started = time.perf_counter()
    try:
        findings = list(r.check(ctx))
    except Exception as exc:  # one broken rule must not sink the run; the run reports it
        log.exception("self-check rule %s failed", r.code)
        return RuleOutcome(r, [], time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
    for f in findings:
        f.rule = r.code
    return RuleOutcome(r, findings, time.perf_counter() - started)


def run_rules(
    root: Any,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    codes: Iterable[str] | None = None,
    progress: Callable[[int, int, Rule], None] | None = None,
) -> tuple[list[RuleOutcome], Context]:
    """Run the rules over the subtree of `root` for the period; no database writes."""
    rules = enabled_rules(codes)
    ctx = build_context(root, start, end, today)
    outcomes = []
    for index, r in enumerate(rules):
        if progress:
            progress(index, len(rules), r)
        outcomes.append(run_rule(r, ctx))
    return outcomes, ctx
