"""巡察整改 API: the same scope, validation and services as the pages. Reads are scoped by Domain.FINDINGS
(outside the subtree: 404); writes call the services, which refuse a role that may read but not act (403)
and bad input (400, messages naming the field)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.accounts.roles import READ, Domain
from dangjian.core.api import RowIdField, int_param, router
from dangjian.core.schema import CONFLICT
from dangjian.core.scope import org_in_scope
from dangjian.inspection import services
from dangjian.inspection.models import (
    AcceptanceDecision,
    Evidence,
    Finding,
    FindingSeverity,
    FindingSource,
    FindingStatus,
    Inspection,
    MeasureProgress,
    MeasureStatus,
    RectificationMeasure,
)
from dangjian.orgs.models import Organization


class ReadScopedMixin:
    """Querysets scoped for reading even on POST/PATCH: the services decide who may write."""

    queryset: Any

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return self.queryset.for_user(self.request.user, READ)  # type: ignore[attr-defined]


def _org(user: Any, org_id: Any, field: str = "organization") -> Organization:
    org = Organization.objects.filter(pk=org_id).first() if org_id else None
    if org is None or not org_in_scope(user, org, Domain.FINDINGS, READ):
        raise serializers.ValidationError({field: "党组织不存在或不在您的管辖范围内"})
    return org


# ---------------------------------------------------------------- rounds


class InspectionSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    plan_due = serializers.DateField(read_only=True, allow_null=True)
    report_due = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "name",
            "committee",
            "team",
            "organization",
            "organization_name",
            "inspected",
            "onsite_from",
            "onsite_to",
            "feedback_on",
            "plan_due",
            "report_due",
            "overall_work",
            "consolidation",
            "contact",
        ]
        read_only_fields = fields


class InspectionWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    committee = serializers.CharField(max_length=60, default="区委")
    team = serializers.CharField(max_length=60)
    organization = RowIdField()
    inspected = serializers.ListField(child=RowIdField(), allow_empty=False)
    onsite_from = serializers.DateField()
    onsite_to = serializers.DateField()
    feedback_on = serializers.DateField(required=False, allow_null=True, default=None)
    overall_work = serializers.CharField(required=False, allow_blank=True, default="")
    consolidation = serializers.CharField(required=False, allow_blank=True, default="")
    contact = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class InspectionUpdateSerializer(InspectionWriteSerializer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("organization")
        for field in self.fields.values():
            field.required = False
            if hasattr(field, "default"):
                field.default = serializers.empty


@extend_schema_view(
    create=extend_schema(request=InspectionWriteSerializer, responses={201: InspectionSerializer}),
    partial_update=extend_schema(request=InspectionUpdateSerializer, responses={200: InspectionSerializer}),
)
class InspectionViewSet(
    ReadScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = (
        Inspection.objects.select_related("organization")
        .prefetch_related("inspected")
        .order_by("-onsite_from", "-pk")
    )
    serializer_class = InspectionSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = InspectionWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        org = _org(request.user, data.pop("organization"))
        inspected = [_org(request.user, pk, "inspected") for pk in data.pop("inspected")]
        obj = services.inspection_create(actor=request.user, organization=org, inspected=inspected, data=data)
        return Response(InspectionSerializer(obj).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        payload = InspectionUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        inspected = None
        if "inspected" in data:
            inspected = [_org(request.user, pk, "inspected") for pk in data.pop("inspected")]
        obj = services.inspection_update(actor=request.user, inspection=obj, data=data, inspected=inspected)
        return Response(InspectionSerializer(obj).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not kwargs.get("partial"):
            raise Http404
        return super().update(request, *args, **kwargs)


# ---------------------------------------------------------------- findings


class FindingSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    is_recurring = serializers.BooleanField(read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "inspection",
            "source",
            "organization",
            "organization_name",
            "aspect",
            "category",
            "number",
            "title",
            "description",
            "severity",
            "found_on",
            "repeats",
            "is_recurring",
            "status",
            "closed_on",
        ]
        read_only_fields = fields


class FindingWriteSerializer(serializers.Serializer):
    inspection = RowIdField(required=False, allow_null=True, default=None)
    source = serializers.ChoiceField(choices=FindingSource.choices, default=FindingSource.INSPECTION)
    organization = RowIdField()
    aspect = serializers.CharField(max_length=200)
    category = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    number = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    severity = serializers.ChoiceField(choices=FindingSeverity.choices, default=FindingSeverity.GENERAL)
    found_on = serializers.DateField(required=False, allow_null=True, default=None)


class FindingUpdateSerializer(serializers.Serializer):
    aspect = serializers.CharField(max_length=200, required=False)
    category = serializers.CharField(max_length=200, required=False, allow_blank=True)
    number = serializers.IntegerField(min_value=1, required=False)
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    severity = serializers.ChoiceField(choices=FindingSeverity.choices, required=False)
    found_on = serializers.DateField(required=False)


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(help_text="验收意见（同意销号）或退回理由")


class LinkSerializer(serializers.Serializer):
    earlier = RowIdField(allow_null=True, help_text="重复的前轮问题；null 取消关联")


class AcceptanceDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AcceptanceDecision
        fields = ["id", "finding", "accepted", "comment", "decided_on", "decided_by", "decided_by_org"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("inspection", int),
            OpenApiParameter("status", str, enum=FindingStatus.values),
            OpenApiParameter("recurring", bool),
        ]
    ),
    create=extend_schema(request=FindingWriteSerializer, responses={201: FindingSerializer}),
    partial_update=extend_schema(request=FindingUpdateSerializer, responses={200: FindingSerializer}),
)
class FindingViewSet(
    ReadScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Finding.objects.select_related("organization").order_by("inspection_id", "number", "pk")
    serializer_class = FindingSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = super().get_queryset()
        if self.action == "list":
            params = self.request.query_params
            if int_param(params.get("inspection")) is not None:
                qs = qs.filter(inspection_id=int_param(params["inspection"]))
            if params.get("status") in FindingStatus.values:
                qs = qs.filter(status=params["status"])
            if params.get("recurring") in ("1", "true"):
                qs = qs.filter(repeats__isnull=False)
        return qs

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = FindingWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        org = _org(request.user, data.pop("organization"))
        inspection_id = data.pop("inspection")
        inspection = None
        if inspection_id is not None:
            inspection = Inspection.objects.for_user(request.user).filter(pk=inspection_id).first()
            if inspection is None:
                raise serializers.ValidationError({"inspection": "巡察不存在或不在您的管辖范围内"})
        finding = services.finding_create(
            actor=request.user, organization=org, inspection=inspection, data=data
        )
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        finding = self.get_object()
        payload = FindingUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        finding = services.finding_update(
            actor=request.user, finding=finding, data=dict(payload.validated_data)
        )
        return Response(FindingSerializer(finding).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not kwargs.get("partial"):
            raise Http404
        return super().update(request, *args, **kwargs)

    @extend_schema(request=DecisionSerializer, responses={200: FindingSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """销号: a superior organization's user accepts a finding whose measures are all done."""
        payload = DecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        finding = services.rectification_close(
            actor=request.user, finding=self.get_object(), comment=payload.validated_data["comment"]
        )
        return Response(FindingSerializer(finding).data)

    @extend_schema(request=DecisionSerializer, responses={200: FindingSerializer})
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str | None = None) -> Response:
        """Refuse acceptance with a reason: the measures go back to work."""
        payload = DecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        finding = services.rectification_refuse(
            actor=request.user, finding=self.get_object(), reason=payload.validated_data["comment"]
        )
        return Response(FindingSerializer(finding).data)

    @extend_schema(request=LinkSerializer, responses={200: FindingSerializer})
    @action(detail=True, methods=["post"])
    def link(self, request: Request, pk: str | None = None) -> Response:
        """回头看: confirm that this finding repeats an earlier one (or remove the link)."""
        payload = LinkSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        earlier = None
        if payload.validated_data["earlier"] is not None:
            earlier = (
                Finding.objects.for_user(request.user).filter(pk=payload.validated_data["earlier"]).first()
            )
            if earlier is None:
                raise serializers.ValidationError({"earlier": "问题不存在或不在您的管辖范围内"})
        finding = services.finding_link_repeat(actor=request.user, finding=self.get_object(), earlier=earlier)
        return Response(FindingSerializer(finding).data)

    @extend_schema(responses={200: AcceptanceDecisionSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def decisions(self, request: Request, pk: str | None = None) -> Response:
        finding = self.get_object()
        return Response(
            AcceptanceDecisionSerializer(finding.decisions.order_by("decided_on", "pk"), many=True).data
        )


# ---------------------------------------------------------------- measures


class MeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = RectificationMeasure
        fields = [
            "id",
            "finding",
            "number",
            "text",
            "owner_name",
            "owner_member",
            "owner_unit",
            "due",
            "status",
            "completed_on",
            "version",
        ]
        read_only_fields = fields


class MeasureWriteSerializer(serializers.Serializer):
    finding = RowIdField()
    text = serializers.CharField()
    owner_name = serializers.CharField(max_length=50)
    owner_member = RowIdField(required=False, allow_null=True, default=None)
    owner_unit = serializers.CharField(max_length=100)
    due = serializers.DateField()


class MeasureUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version read; a stale version is refused with 409.")
    text = serializers.CharField(required=False)
    owner_name = serializers.CharField(max_length=50, required=False)
    owner_member = RowIdField(required=False, allow_null=True)
    owner_unit = serializers.CharField(max_length=100, required=False)
    due = serializers.DateField(required=False)


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=MeasureStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    on = serializers.DateField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class ProgressSerializer(serializers.ModelSerializer):
    # blank for a note that moved nothing (read-only model fields lose allow_blank, so say it here)
    status_from = serializers.ChoiceField(choices=MeasureStatus.choices, allow_blank=True, read_only=True)
    status_to = serializers.ChoiceField(choices=MeasureStatus.choices, allow_blank=True, read_only=True)

    class Meta:
        model = MeasureProgress
        fields = ["id", "measure", "on", "note", "status_from", "status_to", "recorded_by", "recorded_at"]
        read_only_fields = fields


class ProgressWriteSerializer(serializers.Serializer):
    note = serializers.CharField()
    on = serializers.DateField(required=False, allow_null=True, default=None)


def _owner_member(user: Any, member_id: Any) -> Any:
    if member_id is None:
        return None
    from dangjian.members.models import Member

    member = Member.objects.for_user(user).filter(pk=member_id).first()
    if member is None:
        raise serializers.ValidationError({"owner_member": "党员不存在或不在您的管辖范围内"})
    return member


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("finding", int), OpenApiParameter("overdue", bool)]),
    create=extend_schema(request=MeasureWriteSerializer, responses={201: MeasureSerializer}),
    partial_update=extend_schema(request=MeasureUpdateSerializer, responses={200: MeasureSerializer, 409: CONFLICT}),
)
class MeasureViewSet(
    ReadScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = RectificationMeasure.objects.order_by("finding_id", "number")
    serializer_class = MeasureSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = super().get_queryset()
        if self.action == "list":
            params = self.request.query_params
            if int_param(params.get("finding")) is not None:
                qs = qs.filter(finding_id=int_param(params["finding"]))
            if params.get("overdue") in ("1", "true"):
                from django.utils import timezone

                from dangjian.inspection.selectors import overdue

                qs = overdue(qs, timezone.localdate())
        return qs

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = MeasureWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        finding = (
            Finding.objects.for_user(request.user)
            .select_related("organization")
            .filter(pk=data.pop("finding"))
            .first()
        )
        if finding is None:
            raise Http404
        member = _owner_member(request.user, data.pop("owner_member"))
        measure = services.measure_create(actor=request.user, finding=finding, data=data, owner_member=member)
        return Response(MeasureSerializer(measure).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        measure = self.get_object()
        payload = MeasureUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if "version" not in data:  # partial: DRF checks no required field, this one is
            raise serializers.ValidationError({"version": ["该字段是必填项：请提供读取记录时的version"]})
        version = data.pop("version")
        member = (
            _owner_member(request.user, data.pop("owner_member"))
            if "owner_member" in data
            else measure.owner_member
        )
        try:
            measure = services.measure_update(
                actor=request.user, measure=measure, data=data, version=version, owner_member=member
            )
        except services.StaleVersion as exc:
            return Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)
        return Response(MeasureSerializer(measure).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not kwargs.get("partial"):
            raise Http404
        return super().update(request, *args, **kwargs)

    @extend_schema(request=TransitionSerializer, responses={200: MeasureSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Move the measure along the workflow (acceptance is POST findings/{id}/accept/)."""
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            measure = services.measure_transition(
                actor=request.user, measure=self.get_object(), **payload.validated_data
            )
        except services.StaleVersion as exc:
            return Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)
        return Response(MeasureSerializer(measure).data)

    @extend_schema(request=ProgressWriteSerializer, responses={201: ProgressSerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str | None = None) -> Response:
        payload = ProgressWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        entry = services.measure_progress_add(
            actor=request.user, measure=self.get_object(), **payload.validated_data
        )
        return Response(ProgressSerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: ProgressSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="history", pagination_class=None)
    def progress_list(self, request: Request, pk: str | None = None) -> Response:
        measure = self.get_object()
        return Response(ProgressSerializer(measure.progress.order_by("on", "pk"), many=True).data)


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = [
            "id",
            "finding",
            "measure",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "description",
            "uploaded_at",
        ]
        read_only_fields = fields


class EvidenceViewSet(ReadScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Evidence metadata; the file itself is downloaded from /inspection/evidence/{id}/ (as an attachment)."""

    queryset = Evidence.objects.order_by("uploaded_at", "pk")
    serializer_class = EvidenceSerializer


router.register("inspections", InspectionViewSet, basename="inspection")
router.register("inspection-findings", FindingViewSet, basename="inspection-finding")
router.register("rectification-measures", MeasureViewSet, basename="rectification-measure")
router.register("rectification-evidence", EvidenceViewSet, basename="rectification-evidence")
