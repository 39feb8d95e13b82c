"""Shared fixtures. Personas per role live in dangjian/test.py (build_world)."""

from __future__ import annotations

import pytest

from dangjian.test import World, build_world


@pytest.fixture
def world(db) -> World:  # noqa: ANN001
    return build_world()


@pytest.fixture
def client_for(client):  # noqa: ANN001
    """client_for(user) logs the test client in as that persona."""

    def login(user):  # noqa: ANN001, ANN202
        client.force_login(user)
        return client

    return login
