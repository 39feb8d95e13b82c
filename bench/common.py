"""Shared by the benchmark cases: Django setup on a size's data folder, the demo's fixed "today",
timing helpers and the peak memory of one measurement."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = 1
TODAY = dt.date(2026, 6, 15)  # every size is built with `dangjian demo --today` this day and measured on it
PERIOD = (dt.date(TODAY.year - 4, 1, 1), TODAY)  # the demo's five years
TZ = dt.timezone(dt.timedelta(hours=8))


def case_env(data_dir: Path) -> dict[str, str]:
    """The environment of every benchmark process: its own data folder, SQLite, debug off (no query
    log, cached templates), jobs run inline."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DANGJIAN_DEBUG")}
    env.update(
        {
            "DANGJIAN_DATA_DIR": str(data_dir),
            "DANGJIAN_TESTING": "1",  # development keys in the data folder without DEBUG
            "DANGJIAN_JOBS": "sync",
            "DJANGO_SETTINGS_MODULE": "dangjian.settings",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    import django

    django.setup()


@contextmanager
def demo_today() -> Iterator[None]:
    """The clock at the demo's today (10:00 Beijing time), ticking."""
    import time_machine

    with time_machine.travel(dt.datetime.combine(TODAY, dt.time(10, 0), tzinfo=TZ), tick=True):
        yield


def _status_kb(key: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


@dataclass
class Peak:
    """Peak resident memory during a block. On Linux the high-water mark (VmHWM) is reset at the start
    (/proc/self/clear_refs), so the peak is this block's own; elsewhere it is the process's peak."""

    start_mb: float = 0.0
    peak_mb: float = 0.0
    own: bool = False

    @property
    def added_mb(self) -> float:
        return max(0.0, self.peak_mb - self.start_mb)


@contextmanager
def peak_memory() -> Iterator[Peak]:
    import gc
    import resource

    gc.collect()
    peak = Peak()
    try:
        Path("/proc/self/clear_refs").write_text("5")
        peak.own = True
    except OSError:
        peak.own = False
    rss = _status_kb("VmRSS")
    peak.start_mb = (rss or 0) / 1024
    try:
        yield peak
    finally:
        hwm = _status_kb("VmHWM") if peak.own else None
        if hwm is None:
            hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peak.peak_mb = hwm / 1024


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def median_of(fn: Callable[[], Any], repeat: int) -> tuple[float, list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        seconds, result = timed(fn)
        times.append(seconds)
    return statistics.median(times), times, result


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class QueryCount:
    count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def count_queries() -> Iterator[QueryCount]:
    """The number of queries run on the default connection within the block (no query log kept)."""
    from django.db import connection

    counter = QueryCount()
    with connection.execute_wrapper(counter):
        yield counter
