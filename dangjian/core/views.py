from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from dangjian.core.registry import registry


@login_required
def home(request: HttpRequest) -> HttpResponse:
    cards = []
    for card in registry.home_cards:
        context = card.render(request)
        if context is not None:
            cards.append({"template": card.template, "context": context})
    return render(request, "core/home.html", {"cards": cards})


def _is_api(request: HttpRequest) -> bool:
    """The REST API answers errors in its own JSON shape ({"detail": ...}, as documented), never a page."""
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "未找到。"}, status=404)
    return render(
        request,
        "core/error.html",
        {"title": "未找到", "message": "未找到该页面或记录，或不在您的管辖范围内。"},
        status=404,
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "您的角色无权进行此操作。"}, status=403)
    return render(
        request, "core/error.html", {"title": "无权访问", "message": "您的角色无权进行此操作。"}, status=403
    )


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "系统出现错误，已记录，请稍后再试。"}, status=500)
    return render(
        request,
        "core/error.html",
        {"title": "系统错误", "message": "系统出现错误，已记录，请稍后再试。"},
        status=500,
    )
