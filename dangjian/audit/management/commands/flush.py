"""Django's flush, with the audit trail's append-only triggers lifted for the wipe and restored in the
same transaction (dangjian/audit/guards.py). Test teardown (TransactionTestCase) calls it too."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as DjangoFlush

from dangjian.audit import guards


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        with guards.suspended(options.get("database") or "default"):
            super().handle(**options)
