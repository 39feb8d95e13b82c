"""Masking of personal data for pages, exports, the API and logs (security.md)."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    """3201**********1234: the region's first four and the last four stay."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
