"""Fixtures of the self-check tests that run a check the way a server does: as a job in the
background, held at a rule of the tests' own until the test lets it go on."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from dangjian.core.rules import Severity
from dangjian.selfcheck import engine
from dangjian.selfcheck import jobs as selfcheck_jobs
from dangjian.selfcheck.models import Run, RunStatus

HELD = "TEST-901"
HELD_TITLE = "测试闸门（仅测试用）"


@pytest.fixture
def background_runs(transactional_db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Runs started from the page go to the job runner, as on a server (the other tests run them
    inline); at the end the test waits for them to finish before its database is flushed."""
    monkeypatch.setattr(selfcheck_jobs, "runs_inline", lambda: False)
    yield
    deadline = time.monotonic() + 60
    while Run.objects.filter(status__in=(RunStatus.PENDING, RunStatus.RUNNING)).exists():
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)


@pytest.fixture
def held_rule(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The rule TEST-901, registered for this test only: it finds nothing and holds its run until the
    test sets the returned event, so the run is observably under way until then."""
    gate = threading.Event()

    def check(ctx: engine.Context) -> list[engine.Finding]:
        if not gate.wait(timeout=60):
            raise TimeoutError("the test never let the held rule go on")
        return []

    engine.load_rules()
    monkeypatch.setitem(
        engine.REGISTRY, HELD, engine.Rule(HELD, HELD_TITLE, "测试", Severity.WARNING, "structure", (), check)
    )
    yield gate
    gate.set()  # a failed test must not leave a run waiting
