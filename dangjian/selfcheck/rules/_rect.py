"""Shared by the rectification rules."""

from __future__ import annotations

from django.apps import apps

from dangjian.selfcheck.engine import Context


def inspection_installed(ctx: Context) -> bool:
    if apps.is_installed("dangjian.inspection"):
        return True
    ctx.note("未安装巡察整改模块，整改类规则未检查")
    return False
