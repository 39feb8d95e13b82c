"""党员 API: the same scope, validation and services as the pages; PII masked in every response."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.accounts.roles import Domain
from dangjian.core.api import RowIdField, ScopedViewSetMixin, router
from dangjian.core.schema import CONFLICT
from dangjian.core.scope import org_in_scope
from dangjian.lib.masking import mask_id_number, mask_phone
from dangjian.members import services
from dangjian.members.models import Education, FloatingDirection, Member, MemberCategory, MemberStatus
from dangjian.members.selectors import MemberFilters, member_list
from dangjian.orgs.models import Organization


class MemberSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "id_number",
            "phone",
            "education",
            "address",
            "organization",
            "organization_name",
            "group",
            "category",
            "employer",
            "floating_direction",
            "floating_place",
            "status",
            "joined_on",
            "confirmed_on",
            "lost_contact_since",
            "hardship",
            "elderly",
            "mobility_impaired",
            "deceased_on",
            "left_on",
            "version",
        ]

    def _own(self, obj: Member) -> bool:
        request = self.context.get("request")
        return bool(request and request.user.member_id == obj.pk)

    def get_id_number(self, obj: Member) -> str:
        return obj.id_number if self._own(obj) else mask_id_number(obj.id_number)

    def get_phone(self, obj: Member) -> str:
        return obj.phone if self._own(obj) else mask_phone(obj.phone)


class MemberWriteSerializer(serializers.Serializer):
    """Input shape; the real checks are members.validation (shared with forms and import)."""

    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=18)
    ethnicity = serializers.CharField(max_length=20, default="汉族")
    education = serializers.ChoiceField(choices=Education.choices)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    organization = RowIdField()
    group = RowIdField(required=False, allow_null=True, default=None)
    category = serializers.ChoiceField(choices=MemberCategory.choices)
    employer = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    floating_direction = serializers.ChoiceField(
        choices=FloatingDirection.choices, required=False, allow_blank=True, default=""
    )
    floating_place = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(choices=MemberStatus.choices)
    joined_on = serializers.DateField()
    confirmed_on = serializers.DateField(required=False, allow_null=True, default=None)
    lost_contact_since = serializers.DateField(required=False, allow_null=True, default=None)
    hardship = serializers.BooleanField(default=False)
    elderly = serializers.BooleanField(default=False)
    mobility_impaired = serializers.BooleanField(default=False)
    remarks = serializers.CharField(required=False, allow_blank=True, default="")


class MemberUpdateSerializer(MemberWriteSerializer):
    version = serializers.IntegerField(help_text="The version read; a stale version is refused with 409.")
    organization = RowIdField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.required = False


def _placement(user: Any, org_id: int | None) -> Organization | None:
    if org_id is None:
        return None
    org = Organization.objects.filter(pk=org_id).first()
    if org is None or not org_in_scope(user, org, Domain.RECORDS):
        raise serializers.ValidationError({"organization": "党组织不存在或不在您的管辖范围内"})
    return org


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="姓名、拼音首字母或身份证后几位"),
            OpenApiParameter("category", str, enum=MemberCategory.values),
            OpenApiParameter("status", str, enum=MemberStatus.values),
            OpenApiParameter("org", int, description="党组织（含下级）"),
        ]
    ),
    create=extend_schema(request=MemberWriteSerializer, responses={201: MemberSerializer}),
    partial_update=extend_schema(request=MemberUpdateSerializer, responses={200: MemberSerializer, 409: CONFLICT}),
)
class MemberViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Member.objects.select_related("organization")
    serializer_class = MemberSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = super().get_queryset()
        if self.action == "list":
            orgs = Organization.objects.subtree(self.request.user.organization)
            qs = member_list(
                qs, MemberFilters.from_params(self.request.query_params, orgs), timezone.localdate()
            )
        return qs

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = MemberWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        org = _placement(request.user, data.pop("organization"))
        group = (
            Organization.objects.filter(pk=data.pop("group")).first()
            if data.get("group")
            else data.pop("group", None)
        )
        try:
            member = services.member_create(actor=request.user, organization=org, group=group, data=data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from exc
        return Response(
            MemberSerializer(member, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = self.get_object()
        payload = MemberUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if "version" not in data:  # partial: DRF checks no required field, this one is
            raise serializers.ValidationError({"version": ["该字段是必填项：请提供读取记录时的version"]})
        version = data.pop("version")
        if "organization" in data or "group" in data:
            raise serializers.ValidationError({"organization": "调整所在党组织请办理组织关系调整"})
        try:
            member = services.member_update(actor=request.user, member=member, data=data, version=version)
        except services.StaleVersion as exc:
            return Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from exc
        return Response(MemberSerializer(member, context={"request": request}).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not kwargs.get("partial"):
            raise Http404
        return super().update(request, *args, **kwargs)


router.register("members", MemberViewSet, basename="member")
