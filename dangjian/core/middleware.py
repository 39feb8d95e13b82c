from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from dangjian.audit.context import client_ip, source_ip

# No inline scripts or styles anywhere: every script and stylesheet is a vendored static file.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "
    "object-src 'none'"
)


class SecurityHeadersMiddleware:
    """Content Security Policy without inline scripts, and the request's address for audit rows."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = source_ip.set(client_ip(request))
        try:
            response = self.get_response(request)
        finally:
            source_ip.reset(token)
        response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
