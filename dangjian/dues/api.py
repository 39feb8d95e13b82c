"""党费 API: the same scope, validation and services as the pages. Entries are created, never edited:
corrections are POSTed as reversals and refunds. ID numbers appear only masked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.accounts.roles import READ, WRITE, Domain
from dangjian.core.api import RowIdField, ScopedViewSetMixin, int_param, router
from dangjian.core.scope import get_for_user_or_404, require_org
from dangjian.dues import config, selectors, services
from dangjian.dues.ledger import year_months
from dangjian.dues.models import Channel, DuesBase, DuesPayment, DuesRemittance, IncomeType, PaymentKind
from dangjian.lib.masking import mask_id_number
from dangjian.members.models import Member
from dangjian.orgs.models import Organization


def _raise(exc: DjangoValidationError) -> None:
    raise serializers.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})


class MemberRefMixin(serializers.Serializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    member_id_number = serializers.SerializerMethodField(help_text="公民身份号码（脱敏）")

    def get_member_id_number(self, obj: Any) -> str:
        return mask_id_number(obj.member.id_number)


class DuesBaseSerializer(MemberRefMixin, serializers.ModelSerializer):
    class Meta:
        model = DuesBase
        fields = [
            "id", "member", "member_name", "member_id_number", "year", "income_type", "base", "standard_amount",
            "declared_amount", "monthly_amount", "rate_label", "note", "updated_at",
        ]


class DuesBaseWriteSerializer(serializers.Serializer):
    """Input shape; the checks are the service's (shared with the form and the import). Amounts as strings."""

    member = RowIdField()
    year = serializers.IntegerField()
    income_type = serializers.ChoiceField(choices=IncomeType.choices)
    base = serializers.CharField(max_length=20, help_text="元，最多两位小数，如 \"4521.35\"")
    declared_amount = serializers.CharField(max_length=20, required=False, allow_blank=True, allow_null=True, default=None)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DuesPaymentSerializer(MemberRefMixin, serializers.ModelSerializer):
    class Meta:
        model = DuesPayment
        fields = [
            "id", "member", "member_name", "member_id_number", "organization", "kind", "paid_on", "amount", "channel",
            "first_month", "last_month", "months", "original", "receipt_no", "note", "created_at",
        ]


class DuesPaymentWriteSerializer(serializers.Serializer):
    member = RowIdField()
    kind = serializers.ChoiceField(choices=[PaymentKind.PAYMENT, PaymentKind.SUPPLEMENT], default=PaymentKind.PAYMENT)
    paid_on = serializers.CharField(max_length=10, help_text="YYYY-MM-DD")
    amount = serializers.CharField(max_length=20, help_text="元，最多两位小数")
    channel = serializers.ChoiceField(choices=Channel.choices)
    first_month = serializers.CharField(max_length=10, help_text="YYYY-MM")
    last_month = serializers.CharField(max_length=10, required=False, allow_blank=True, default="", help_text="YYYY-MM")
    receipt_no = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class RefundSerializer(serializers.Serializer):
    amount = serializers.CharField(max_length=20)
    first_month = serializers.CharField(max_length=10)
    last_month = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    paid_on = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=200)


class DuesRemittanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = DuesRemittance
        fields = [
            "id", "organization", "to_organization", "period_start", "period_end", "remitted_on", "amount", "original",
            "receipt_no", "note", "created_at",
        ]


class DuesRemittanceWriteSerializer(serializers.Serializer):
    organization = RowIdField()
    period_start = serializers.CharField(max_length=10, help_text="YYYY-MM")
    period_end = serializers.CharField(max_length=10, help_text="YYYY-MM")
    remitted_on = serializers.CharField(max_length=10, help_text="YYYY-MM-DD")
    amount = serializers.CharField(max_length=20)
    receipt_no = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


def _int_param(request: Request, name: str) -> int | None:
    return int_param(request.query_params.get(name))


def _member_for_write(request: Request, pk: int) -> Member:
    return get_for_user_or_404(Member.objects.select_related("organization"), request.user, WRITE, pk=pk)


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("member", int), OpenApiParameter("year", int)]),
    create=extend_schema(request=DuesBaseWriteSerializer, responses={201: DuesBaseSerializer}),
)
class DuesBaseViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """交纳基数 per member and year; POST records or corrects (history kept)."""

    queryset = DuesBase.objects.select_related("member").order_by("member_id", "-year")
    serializer_class = DuesBaseSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = super().get_queryset()
        for name in ("member", "year"):
            value = _int_param(self.request, name)
            if value is not None:
                qs = qs.filter(**{name: value})
        return qs

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = DuesBaseWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        member = _member_for_write(request, data.pop("member"))
        try:
            record = services.dues_base_set(actor=request.user, member=member, **data)
        except DjangoValidationError as exc:
            _raise(exc)
        return Response(DuesBaseSerializer(record).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("member", int), OpenApiParameter("year", int, description="覆盖该年度月份的记录")]),
    create=extend_schema(request=DuesPaymentWriteSerializer, responses={201: DuesPaymentSerializer}),
)
class DuesPaymentViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """党费交纳记录. Never edited: POST /reverse/ (冲正) or /refund/ (退还) adds a correcting entry."""

    queryset = DuesPayment.objects.select_related("member").order_by("-paid_on", "-id")
    serializer_class = DuesPaymentSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = super().get_queryset()
        member = _int_param(self.request, "member")
        if member is not None:
            qs = qs.filter(member_id=member)
        year = _int_param(self.request, "year")
        if year is not None and 1950 <= year <= 2200:
            months = year_months(year)
            qs = qs.filter(first_month__lte=months[-1], last_month__gte=months[0])
        return qs

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = DuesPaymentWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        member = _member_for_write(request, data.pop("member"))
        try:
            entry = services.dues_payment_create(actor=request.user, member=member, **data)
        except DjangoValidationError as exc:
            _raise(exc)
        return Response(DuesPaymentSerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses={201: DuesPaymentSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            created = services.dues_payment_reverse(actor=request.user, payment=entry, reason=payload.validated_data["reason"])
        except DjangoValidationError as exc:
            _raise(exc)
        return Response(DuesPaymentSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RefundSerializer, responses={201: DuesPaymentSerializer})
    @action(detail=True, methods=["post"])
    def refund(self, request: Request, pk: str | None = None) -> Response:
        entry = self.get_object()
        payload = RefundSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            created = services.dues_payment_refund(actor=request.user, payment=entry, **payload.validated_data)
        except DjangoValidationError as exc:
            _raise(exc)
        return Response(DuesPaymentSerializer(created).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("organization", int), OpenApiParameter("year", int)]),
    create=extend_schema(request=DuesRemittanceWriteSerializer, responses={201: DuesRemittanceSerializer}),
)
class DuesRemittanceViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """上缴记录; POST /reverse/ cancels one with a correcting entry."""

    queryset = DuesRemittance.objects.order_by("-period_start", "-id")
    serializer_class = DuesRemittanceSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = super().get_queryset()
        org = _int_param(self.request, "organization")
        if org is not None:
            qs = qs.filter(organization_id=org)
        year = _int_param(self.request, "year")
        if year is not None:  # a year no date can have (0, 10000...) matches nothing
            qs = qs.filter(period_start__year=year) if dt.MINYEAR <= year <= dt.MAXYEAR else qs.none()
        return qs

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = DuesRemittanceWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        org = Organization.objects.filter(pk=data.pop("organization")).first()
        if org is None:
            raise Http404
        try:
            record = services.dues_remittance_create(actor=request.user, organization=org, **data)
        except DjangoValidationError as exc:
            _raise(exc)
        return Response(DuesRemittanceSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses={201: DuesRemittanceSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request: Request, pk: str | None = None) -> Response:
        record = self.get_object()
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            created = services.dues_remittance_reverse(actor=request.user, remittance=record, reason=payload.validated_data["reason"])
        except DjangoValidationError as exc:
            _raise(exc)
        return Response(DuesRemittanceSerializer(created).data, status=status.HTTP_201_CREATED)


class MonthCollectionSerializer(serializers.Serializer):
    month = serializers.DateField()
    owed = serializers.IntegerField(help_text="应交人数")
    paid_members = serializers.IntegerField(help_text="已交人数")
    with_base = serializers.IntegerField(help_text="已核定基数人数")
    due = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    member_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True, help_text="按人次收缴率（%）")


class ArrearsSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member.pk")
    member_name = serializers.CharField(source="member.name")
    organization = serializers.IntegerField(source="organization.pk")
    organization_name = serializers.CharField(source="organization.name")
    streak = serializers.IntegerField(help_text="连续未交月数（截至上月）")
    last_paid = serializers.DateField(allow_null=True)
    severity = serializers.CharField()


class DuesReportViewSet(viewsets.ViewSet):
    """Scope reports: collection rate by month and the members in arrears, for one organization's subtree."""

    def _org(self, request: Request) -> Organization:
        org_id = _int_param(request, "organization")
        org = Organization.objects.filter(pk=org_id).first() if org_id else request.user.organization
        if org is None:
            raise Http404
        require_org(request.user, org, Domain.RECORDS, READ)
        return org

    @extend_schema(
        parameters=[OpenApiParameter("organization", int), OpenApiParameter("year", int)],
        responses={200: MonthCollectionSerializer(many=True)},
    )
    @action(detail=False, methods=["get"])
    def collection(self, request: Request) -> Response:
        org = self._org(request)
        today = timezone.localdate()
        year = _int_param(request, "year") or today.year
        months = [m for m in year_months(year) if m <= today.replace(day=1)] if 1950 <= year <= 2200 else []
        if not months:
            return Response([])
        data = selectors.collection(org, months, by_child=False)
        return Response(MonthCollectionSerializer(data.months, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("organization", int), OpenApiParameter("min", int, description="最少连续未交月数，默认6")],
        responses={200: ArrearsSerializer(many=True)},
    )
    @action(detail=False, methods=["get"])
    def arrears(self, request: Request) -> Response:
        org = self._org(request)
        min_months = _int_param(request, "min") or config.error_months()
        rows = selectors.arrears_list(org, timezone.localdate(), max(1, min(min_months, 120)))
        return Response(ArrearsSerializer(rows, many=True).data)


router.register("dues-bases", DuesBaseViewSet, basename="dues-base")
router.register("dues-payments", DuesPaymentViewSet, basename="dues-payment")
router.register("dues-remittances", DuesRemittanceViewSet, basename="dues-remittance")
router.register("dues-reports", DuesReportViewSet, basename="dues-report")
