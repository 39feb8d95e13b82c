from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from dangjian.accounts.roles import allows
from dangjian.core.registry import registry


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for item in registry.nav:
        if item.roles is not None and user.role not in item.roles:
            continue
        if item.roles is None and not allows(user.role, item.domain):
            continue
        url = reverse(item.url_name)
        items.append({"label": item.label, "url": url, "active": request.path.startswith(url) and url != "/"})
    return {"nav_items": items}
