"""pytest fixtures for tests of background jobs, anywhere in the tree (the root conftest.py lists
"dangjian.jobs.testing" in pytest_plugins).

`job_workers`: with DANGJIAN_JOBS=celery (./dev test's Celery run starts redis-server and sets
CELERY_BROKER_URL), two real Celery worker processes on the test database, started once per session;
in the other modes an empty list (jobs run on the in-process thread pool). A test that asks for it
is a transactional test (the workers see only committed rows) and is run again by the Celery run."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = f"{quote(s['USER'])}:{quote(s['PASSWORD'] or '')}@" if s["USER"] else ""
    return f"postgresql://{auth}{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def job_workers(transactional_db, celery_workers):  # noqa: ANN001, ANN201
    return celery_workers


@pytest.fixture(scope="session")
def celery_workers(django_db_setup, django_db_blocker):  # noqa: ANN001, ANN201
    """Two worker processes for the whole session (started once: a worker takes seconds to boot)."""
    if settings.JOBS_BACKEND != "celery":
        yield []
        return
    env = dict(os.environ, DATABASE_URL=_database_url())
    logs = [tempfile.NamedTemporaryFile("w+", suffix=f"-worker{i}.log", delete=False) for i in (1, 2)]  # noqa: SIM115
    workers = [
        subprocess.Popen(  # noqa: S603 - fixed argument list
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "dangjian",
                "worker",
                "--concurrency",
                "1",
                "--pool",
                "solo",
                "-n",
                f"test{i}@localhost",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for i, log in zip((1, 2), logs, strict=True)
    ]
    try:
        deadline = time.monotonic() + 90
        while not all("ready." in Path(log.name).read_text(encoding="utf-8") for log in logs):
            if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
                raise RuntimeError(
                    "two Celery workers did not come up: "
                    + " | ".join(Path(log.name).read_text(encoding="utf-8")[-500:] for log in logs)
                )
            time.sleep(0.2)
        for w, log in zip(workers, logs, strict=True):
            w.log_path = Path(log.name)  # type: ignore[attr-defined]  (tests may read what a worker ran)
        yield workers
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(timeout=30)
        for log in logs:
            log.close()
            Path(log.name).unlink(missing_ok=True)


def wait(job: Any, seconds: float = 60) -> Any:
    """The job, reloaded once it has finished (an AssertionError after `seconds`)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job still {job.status} after {seconds}s: {job.message}")
