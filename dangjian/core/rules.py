"""Domain thresholds from settings.DOMAIN_RULES (domain-rules.md), and the shape of a rule warning."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings


def rule(name: str) -> Any:
    return settings.DOMAIN_RULES[name]


class Severity:
    ERROR = "error"
    WARNING = "warning"
    LABELS = {"error": "错误", "warning": "提醒"}


@dataclass(frozen=True)
class RuleWarning:
    code: str
    severity: str
    message: str
    basis: str

    @property
    def severity_label(self) -> str:
        return Severity.LABELS[self.severity]
