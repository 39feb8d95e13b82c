"""OpenAPI generation (drf-spectacular): every operation also documents the errors it really answers.

The API's error bodies are DRF's (dangjian.core.api.exception_handler), in two shapes:

- `Error` {"detail": "..."}: not logged in / not allowed / CSRF (403), not found or outside the caller's
  subtree (404), malformed JSON (400), unsupported media type (415), and stale version (409: documented
  by the views that refuse one, with `CONFLICT`);
- `ValidationError` {"field": ["中文信息", ...], "non_field_errors": [...]}: bad input (400), one entry
  per field at fault; nested input (lists of objects) nests its errors the same way.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """错误信息"""

    detail = serializers.CharField(help_text="错误原因（中文）")


VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "输入有误：键为出错的字段名（不属于单个字段的错误为 non_field_errors），值为该字段的中文错误信息；"
        "嵌套字段（对象列表）的错误按输入的结构嵌套给出。"
    ),
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
            {"type": "object"},
        ]
    },
}

WRITE_METHODS = ("POST", "PUT", "PATCH")

# For the views whose writes carry the version read (optimistic locking): responses={..., 409: CONFLICT}.
CONFLICT = OpenApiResponse(
    ErrorSerializer, description="记录已被他人修改（version 已过期），请重新读取后再提交"
)


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema plus the error responses of each operation (unless the view
    documents that status itself)."""

    def _component(self, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component.ref

    def _error(self, description: str, *refs: dict[str, Any]) -> dict[str, Any]:
        schema = refs[0] if len(refs) == 1 else {"anyOf": list(refs)}
        return {"content": {"application/json": {"schema": schema}}, "description": description}

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        error = self.resolve_serializer(ErrorSerializer(), "response").ref
        errors: dict[str, dict[str, Any]] = {}
        if self.method in WRITE_METHODS:
            validation = self._component("ValidationError", VALIDATION_ERROR_SCHEMA)
            errors["400"] = self._error("输入有误（逐字段说明），或请求体不是合法的 JSON", validation, error)
        errors["403"] = self._error("未登录、无权进行此操作或 CSRF 校验失败", error)
        errors["404"] = self._error("未找到，或不在您的管辖范围内", error)
        if self.method in WRITE_METHODS:
            errors["415"] = self._error("不支持的请求体类型", error)
        for code, response in errors.items():
            responses.setdefault(code, response)
        return responses
