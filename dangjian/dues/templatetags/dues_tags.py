"""Rendering helpers for the dues pages: a grid row's twelve cells in one call (a grid of a few hundred
members would otherwise spend most of its time in per-cell template lookups)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from dangjian.dues.ledger import MONTH_STATUS_SYMBOLS, MonthState

register = template.Library()


@register.simple_tag
def month_cells(cells: Iterable[MonthState]) -> SafeString:
    """<td><span class="cell cell-paid" title="2025年1月 已交：应交15.00 已交15.00">✓</span></td> × 12."""
    parts = []
    for c in cells:
        status = c.status
        parts.append(f'<td><span class="cell cell-{status.value}" title="{escape(c.title)}">{MONTH_STATUS_SYMBOLS[status]}</span></td>')
    return mark_safe("".join(parts))  # noqa: S308  (status values and symbols are constants; the title is escaped)
