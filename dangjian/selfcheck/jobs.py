"""The tiny job runner of the embedded default: a run executes in a worker thread of the web process,
saving its progress on the Run row. Tests and the command run synchronously. `start_run` is the one
function to swap when runs move to a task queue (Celery is a later issue)."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from dangjian.selfcheck.models import Run

log = logging.getLogger(__name__)


def runs_inline() -> bool:
    """Synchronous in tests, or when DOMAIN_RULES["selfcheck"]["inline"] is set."""
    selfcheck = getattr(settings, "DOMAIN_RULES", {}).get("selfcheck", {}) or {}
    return bool(getattr(settings, "TESTING", False) or selfcheck.get("inline", False))


def _work(run_id: int) -> None:
    from dangjian.selfcheck.services import run_execute

    close_old_connections()
    try:
        run_execute(run_id)
    except Exception:  # already recorded on the Run row by run_execute
        log.exception("self-check run %s ended with an error", run_id)
    finally:
        connection.close()


def start_run(run: Run, *, inline: bool | None = None) -> None:
    """Execute `run`: now (inline) or in a background thread once the current transaction commits."""
    if inline if inline is not None else runs_inline():
        from dangjian.selfcheck.services import run_execute

        run_execute(run.pk)
        return

    def launch() -> None:
        threading.Thread(target=_work, args=(run.pk,), name=f"selfcheck-{run.pk}", daemon=True).start()

    transaction.on_commit(launch)
