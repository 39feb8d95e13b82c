"""The database's statistics for its query planner, refreshed after the data changes in bulk.

Without them SQLite guesses: for a street's activities of a period it chose the index on the date
(every street's activities of the period, read and thrown away) over the one on (organization, date);
on ten districts that made a street's self-check ten times slower than on one. After migrate, the
demo, a roster import and the bench copies, ANALYZE gives it the row counts per index. On SQLite it
samples (analysis_limit): a few hundredths of a second on ten districts. PostgreSQL's autovacuum
analyzes on its own; an explicit ANALYZE after a bulk load does not wait for it.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections


def refresh_statistics(using: str = DEFAULT_DB_ALIAS) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")  # allowed inside a transaction (unlike VACUUM)


def after_migrate(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    refresh_statistics(using)
