"""Web hardening (security.md, OWASP ASVS): no inline scripts or styles in any template (the CSP forbids
them), the CSP header on every page, and `dangjian check --deploy` clean under production settings."""

from __future__ import annotations

import base64
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

import dangjian

PACKAGE = Path(dangjian.__file__).resolve().parent
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
SCRIPT_BODY = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
STYLE_ATTR = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style\b", re.IGNORECASE)
EVENT_ATTR = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def templates() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.html") if "templates" in p.parts)


def test_it_finds_the_templates():
    names = {p.relative_to(PACKAGE).as_posix() for p in templates()}
    assert {"templates/base.html", "templates/accounts/login.html", "templates/audit/log.html"} <= names


@pytest.mark.parametrize("path", templates(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_it_keeps_scripts_and_styles_out_of_templates(path):
    text = path.read_text(encoding="utf-8")
    problems = []
    if INLINE_SCRIPT.search(text):
        problems.append("<script> without src")
    if any(body.strip() for body in SCRIPT_BODY.findall(text)):
        problems.append("<script> with a body")
    if STYLE_ATTR.search(text):
        problems.append("style= attribute")
    if STYLE_BLOCK.search(text):
        problems.append("<style> block")
    if EVENT_ATTR.search(text):
        problems.append("on…= event handler attribute")
    if JS_URL.search(text):
        problems.append("javascript: URL")
    assert problems == [], f"{path.relative_to(PACKAGE)}: {', '.join(problems)} (the CSP blocks these; use a class or a static file)"


@pytest.mark.django_db
def test_it_sends_the_security_headers(world, client_for):
    response = client_for(world.user("street_staff")).get("/members/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    login = client_for(world.user("street_staff")).get("/accounts/login/")
    assert "Content-Security-Policy" in login


def test_it_uses_the_secure_settings_in_tests_too():
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.AXES_FAILURE_LIMIT == 5 and settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


def _production_env(tmp_path: Path) -> dict[str, str]:
    # The browser fixtures set DJANGO_ALLOW_ASYNC_UNSAFE for the test process; a server never has it.
    dropped = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGJIAN_") and k not in dropped}
    env.update({
        "DANGJIAN_DEBUG": "0",
        "DANGJIAN_SECRET_KEY": secrets.token_urlsafe(60),
        "DANGJIAN_FIELD_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "DANGJIAN_ALLOWED_HOSTS": "example.org",
        "DANGJIAN_DATA_DIR": str(tmp_path),
    })
    return env


def _manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "from dangjian.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=300)  # noqa: S603


def test_it_passes_check_deploy_with_production_settings(tmp_path):
    result = _manage(["check", "--deploy", "--fail-level", "WARNING"], _production_env(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


def test_it_refuses_to_start_in_production_without_keys(tmp_path):
    env = _production_env(tmp_path)
    del env["DANGJIAN_FIELD_KEY"]
    result = _manage(["check"], env)
    assert result.returncode != 0 and "DANGJIAN_FIELD_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_api_tokens_follow_the_account_policy(world, client):  # noqa: ANN001
    """GIVEN tokens of a street staff account, of one whose password must change and of an
    administrator WHEN each calls the API THEN only the first gets data; the others are refused."""
    from rest_framework.authtoken.models import Token

    staff = world.user("street_staff")
    ok = client.get("/api/members/", HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff).key}")
    assert ok.status_code == 200 and ok.json()["count"] > 0

    admin = world.user("system_admin")
    refused = client.get("/api/members/", HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=admin).key}")
    assert refused.status_code in (401, 403) and "管理员" in refused.json()["detail"]

    staff.must_change_password = True
    staff.save(update_fields=["must_change_password"])
    expired = client.get("/api/members/", HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=staff).key}")
    assert expired.status_code in (401, 403) and "密码" in expired.json()["detail"]
