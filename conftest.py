"""Shared fixtures. Personas per role live in dangjian/test.py (build_world)."""

from __future__ import annotations

import pytest

from dangjian.accounts.testing import login_verified
from dangjian.test import World, build_world

# Playwright fixtures (page, phone_page, login) for browser tests anywhere in the tree; the job
# fixtures (job_workers: two Celery workers in ./dev test's Celery pass) likewise.
pytest_plugins = ["tests.browser.fixtures", "dangjian.jobs.testing"]


@pytest.fixture
def world(db) -> World:  # noqa: ANN001
    return build_world()


@pytest.fixture
def client_for(client):  # noqa: ANN001
    """client_for(user) logs the test client in as that persona, as a finished login leaves it
    (administrators with their second factor verified)."""

    def login(user):  # noqa: ANN001, ANN202
        return login_verified(client, user)

    return login
