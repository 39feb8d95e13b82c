"""Fixtures of the security tests: logging in through the real forms, TOTP codes."""

from __future__ import annotations

import pytest
from django_otp.oath import totp

from dangjian.accounts.testing import login_verified
from dangjian.test import PASSWORD


def code_for(device) -> str:  # noqa: ANN001
    """The code an authenticator app shows now for `device`."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


@pytest.fixture
def login_form(client):  # noqa: ANN001
    """login_form(username, password=PASSWORD) posts the real login form (django-axes sees it)."""

    def post(username: str, password: str = PASSWORD, **extra):  # noqa: ANN003, ANN202
        return client.post("/accounts/login/", {"username": username, "password": password}, **extra)

    return post


@pytest.fixture
def admin_client(client):  # noqa: ANN001
    """admin_client(user): logged in with the second factor verified (as after the real login)."""

    def login(user):  # noqa: ANN001, ANN202
        return login_verified(client, user)

    return login
