"""Read-only reports on a read replica.

With DANGJIAN_REPLICA_URL set (settings add a `replica` database alias), the reads of the report,
statistics and dashboard pages (GET of the URL namespaces in settings.REPLICA_READ_NAMESPACES,
"reports" by default) and of the report jobs (job kinds starting with settings.REPLICA_READ_JOBS,
"reports." by default) go to the replica; everything else, and every write, goes to the primary
(`default`). Without it the router has no opinion and Django uses `default` for everything.

Some reads stay on the primary even inside a report, because a replica may lag a moment behind:
sessions, accounts and their second factors, lockouts, jobs, the audit trail (its hash chain reads the
last event) and anything read inside a transaction of the primary (it must see its own writes).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

if TYPE_CHECKING:  # settings import this module: no django.http at import time
    from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
# Apps whose tables are always read on the primary (see the module docstring).
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "auth", "accounts", "axes", "otp_totp", "otp_static", "django_otp", "jobs", "audit"}
)

_reads = contextvars.ContextVar("dangjian_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_database(url: str, default: dict[str, Any]) -> dict[str, Any]:
    """The settings of the `replica` alias for DANGJIAN_REPLICA_URL: the primary's options (pool,
    persistent connections), the replica's address; in tests a mirror of the test database."""
    import dj_database_url

    db = dj_database_url.parse(url, conn_max_age=default.get("CONN_MAX_AGE", 0))
    if default.get("OPTIONS"):
        db["OPTIONS"] = {**default["OPTIONS"], **db.get("OPTIONS", {})}
    db["CONN_HEALTH_CHECKS"] = default.get("CONN_HEALTH_CHECKS", False)
    db["TEST"] = {"MIRROR": DEFAULT_DB_ALIAS}  # a test database on the replica is the primary's, streamed
    return db


@contextlib.contextmanager
def replica_reads(enabled: bool = True) -> Iterator[None]:
    """Within the block, reads (other than those kept on the primary) go to the replica, if any."""
    token = _reads.set(enabled)
    try:
        yield
    finally:
        _reads.reset(token)


def reading_replica() -> bool:
    return _reads.get()


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not _reads.get() or not replica_configured():
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS  # a transaction reads its own writes
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS  # also for objects read from the replica

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None  # the replica follows the primary's schema


class ReplicaReadsMiddleware:
    """GET and HEAD of the report pages read on the replica (when one is configured)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            token = request.__dict__.pop("_replica_token", None)
            if token is not None:
                _reads.reset(token)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> None:
        match = request.resolver_match
        if (
            request.method in ("GET", "HEAD")
            and match is not None
            and match.namespace in settings.REPLICA_READ_NAMESPACES
            and replica_configured()
        ):
            request._replica_token = _reads.set(True)  # type: ignore[attr-defined]
