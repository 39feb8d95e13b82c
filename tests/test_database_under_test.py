"""Guards the test infrastructure: a run asked to use PostgreSQL (./dev test sets DATABASE_URL) really does."""

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_it_runs_on_the_database_the_run_asked_for():
    url = os.environ.get("DATABASE_URL", "sqlite:")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"

    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
