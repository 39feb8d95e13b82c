"""Small display helpers for the organizational-life templates."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.8345 -> '83.5%'."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"


@register.filter
def width_class(value: float | None) -> str:
    """A CSS width class in steps of 10% (no inline styles under the CSP)."""
    share = max(0.0, min(1.0, value or 0.0))
    return f"w-{round(share * 10) * 10}"
