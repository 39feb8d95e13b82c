"""The organization's tree path ("/1/12/345/", ids from the root down) and its subtree lookup.

Every scoped query filters on `organization__path__startswith=root.path`. On PostgreSQL that LIKE
uses the pattern-ops index Django builds beside the column's index. SQLite cannot use an index for
LIKE (it compares case-insensitively), so a query joining members to organizations scanned every
member of the database, not those of the subtree: the member list of one street got slower as other
streets were added. On SQLite the lookup is written as the equivalent range instead, which the index
serves: a path starts with "/1/12/" exactly when "/1/12/" <= path < "/1/120" (paths hold only digits
and "/", and "0" follows "/" in binary order; SQLite compares text in binary order).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.lookups import StartsWith


class PathField(models.CharField):
    pass


def path_prefix_sql(column: str, prefix: str, vendor: str) -> tuple[str, list[str]]:
    """Raw SQL for "column starts with the path `prefix`" (for the few queries written in SQL)."""
    if vendor == "sqlite" and prefix.endswith("/"):
        return f"({column} >= %s AND {column} < %s)", [prefix, prefix[:-1] + "0"]
    return f"{column} LIKE %s", [prefix + "%"]  # paths hold only digits and "/": nothing to escape


@PathField.register_lookup
class PathStartsWith(StartsWith):
    lookup_name = "startswith"

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if lhs_params or not (isinstance(self.rhs, str) and self.rhs.endswith("/")):
            return super().as_sql(compiler, connection)  # an expression, or not a whole path
        return path_prefix_sql(lhs, self.rhs, connection.vendor)
