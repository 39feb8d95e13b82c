"""REST API of organizational life, registered on dangjian.core.api.router. Scoped like every page:
outside the caller's subtree is 404. Writes go through the same services (and so the same checks)
as the web forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.accounts.roles import READ, Domain
from dangjian.core.api import RowIdField, ScopedViewSetMixin, int_param, router
from dangjian.core.scope import require_org
from dangjian.life import obligations, services
from dangjian.life.models import (
    AbsenceReason,
    Activity,
    ActivityKind,
    Appraisal,
    AppraisalGrade,
    Attendance,
    DutyReport,
    StudyPlan,
    StudyPlanItem,
    Talk,
)
from dangjian.life.validation import ActivityInput
from dangjian.members.models import Member
from dangjian.orgs.models import Organization


def _org_or_404(user: Any, pk: Any, action: str) -> Organization:
    pk = int_param(pk)
    org = Organization.objects.filter(pk=pk).first() if pk is not None else None
    if org is None:
        raise Http404
    require_org(user, org, Domain.RECORDS, action)
    return org


def _filter_common(view: Any, qs: QuerySet, year_lookup: str = "date__year") -> QuerySet:
    """The list filters (COMMON_PARAMS); other actions are not filtered by query parameters."""
    if view.action != "list":
        return qs
    request = view.request
    org = request.query_params.get("organization", "")
    if int_param(org) is not None:
        qs = qs.filter(organization__path__startswith=_org_or_404(request.user, org, READ).path)
    year = int_param(request.query_params.get("year"))
    if year is not None:  # a year no date can have (0, 10000...) matches nothing
        qs = qs.filter(**{year_lookup: year}) if dt.MINYEAR <= year <= dt.MAXYEAR else qs.none()
    return qs


COMMON_PARAMS = [
    OpenApiParameter("organization", int, description="只看该党组织及其下级"),
    OpenApiParameter("year", int, description="年度"),
]


# --- activities ----------------------------------------------------------------------------------------


class AttendanceSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    absence_reason_label = serializers.CharField(source="get_absence_reason_display", read_only=True)

    class Meta:
        model = Attendance
        fields = [
            "member",
            "member_name",
            "attended",
            "absence_reason",
            "absence_reason_label",
            "absence_note",
            "probationary",
        ]


class ActivitySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    expected_count = serializers.IntegerField(read_only=True)
    attended_count = serializers.IntegerField(read_only=True)
    absent_count = serializers.SerializerMethodField()
    guest_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "organization",
            "kind",
            "kind_label",
            "date",
            "start_time",
            "place",
            "host",
            "recorder",
            "topic",
            "minutes",
            "resolutions",
            "lecturer",
            "lecturer_name",
            "lecture_title",
            "warnings",
            "expected_count",
            "attended_count",
            "absent_count",
            "guest_count",
            "version",
        ]

    def get_absent_count(self, obj: Activity) -> int:
        return int(obj.expected_count) - int(obj.attended_count)  # type: ignore[attr-defined]


class GuestInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    unit = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class AbsentInSerializer(serializers.Serializer):
    member = RowIdField()
    reason = serializers.ChoiceField(choices=AbsenceReason.choices)
    note = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ActivityDetailSerializer(ActivitySerializer):
    attendance = AttendanceSerializer(source="attendances", many=True, read_only=True)
    guests = GuestInSerializer(many=True, read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta(ActivitySerializer.Meta):
        fields = [*ActivitySerializer.Meta.fields, "attendance", "guests", "attachments"]

    def get_attachments(self, obj: Activity) -> list[dict[str, Any]]:
        return [
            {
                "id": a.pk,
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "download": f"/life/attachments/{a.pk}/",
            }
            for a in obj.attachments.all()
        ]


class ActivityWriteSerializer(serializers.Serializer):
    """Attendance is given as the attended ids and the absent with reasons; together they must be
    exactly the expected list the system computes for the organization, kind and date."""

    organization = RowIdField()
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    date = serializers.DateField()
    start_time = serializers.TimeField(required=False, allow_null=True, default=None)
    place = serializers.CharField(max_length=100, allow_blank=True, default="")
    host = RowIdField(allow_null=True, default=None)
    recorder = RowIdField(allow_null=True, default=None)
    topic = serializers.CharField(max_length=200, allow_blank=True, default="")
    minutes = serializers.CharField(allow_blank=True, default="", trim_whitespace=False)
    resolutions = serializers.CharField(allow_blank=True, default="")
    lecturer = RowIdField(allow_null=True, required=False, default=None)
    lecturer_name = serializers.CharField(max_length=50, allow_blank=True, required=False, default="")
    lecture_title = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    attended = serializers.ListField(child=RowIdField(), default=list)
    absent = AbsentInSerializer(many=True, default=list)
    guests = GuestInSerializer(many=True, default=list)
    version = serializers.IntegerField(required=False, help_text="修改时必填：读取时的version")

    def to_input(self) -> ActivityInput:
        d = self.validated_data
        return ActivityInput(
            kind=d["kind"],
            date=d["date"],
            start_time=d.get("start_time"),
            place=d["place"],
            host=d["host"],
            recorder=d["recorder"],
            topic=d["topic"],
            minutes=d["minutes"],
            resolutions=d["resolutions"],
            lecturer=d.get("lecturer"),
            lecturer_name=d.get("lecturer_name", ""),
            lecture_title=d.get("lecture_title", ""),
            attended=set(d["attended"]),
            absences={a["member"]: (a["reason"], a.get("note", "")) for a in d["absent"]},
            guests=[(g["name"], g.get("unit", "")) for g in d["guests"]],
        )


@extend_schema_view(
    list=extend_schema(parameters=[*COMMON_PARAMS, OpenApiParameter("kind", str, enum=ActivityKind.values)])
)
class ActivityViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Activity.objects.all()
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action in ("create", "update"):
            return ActivityWriteSerializer
        return ActivityDetailSerializer if self.action == "retrieve" else ActivitySerializer

    def get_queryset(self) -> QuerySet:
        qs = super().get_queryset().with_counts()
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch("attendances", queryset=Attendance.objects.select_related("member")),
                "guests",
                "attachments",
            )
        qs = _filter_common(self, qs)
        kind = self.request.query_params.get("kind", "") if self.action == "list" else ""
        return qs.filter(kind=kind) if kind in ActivityKind.values else qs

    @extend_schema(request=ActivityWriteSerializer, responses={201: ActivityDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = ActivityWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        org = _org_or_404(request.user, ser.validated_data["organization"], "write")
        activity = services.activity_create(actor=request.user, organization=org, data=ser.to_input())
        return Response(self._detail(activity.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=ActivityWriteSerializer, responses={200: ActivityDetailSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        activity = self.get_object()
        ser = ActivityWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        if ser.validated_data["organization"] != activity.organization_id:
            raise serializers.ValidationError({"organization": "不能更改活动所属的党组织"})
        if "version" not in ser.validated_data:
            raise serializers.ValidationError({"version": "修改时须提供读取时的version"})
        services.activity_update(
            actor=request.user, activity=activity, data=ser.to_input(), version=ser.validated_data["version"]
        )
        return Response(self._detail(activity.pk))

    def _detail(self, pk: int) -> dict[str, Any]:
        obj = (
            Activity.objects.with_counts()
            .prefetch_related(
                Prefetch("attendances", queryset=Attendance.objects.select_related("member")),
                "guests",
                "attachments",
            )
            .get(pk=pk)
        )
        return ActivityDetailSerializer(obj).data


# --- talks, appraisals, duty reports, plans ----------------------------------------------------


def _member_or_none(user: Any, pk: int | None) -> Member | None:
    if pk is None:
        return None
    return Member.objects.for_user(user).filter(pk=pk).first()


class TalkSerializer(serializers.ModelSerializer):
    participant_a_name = serializers.CharField(source="participant_a.name", read_only=True)
    participant_b_name = serializers.CharField(source="participant_b.name", read_only=True)

    class Meta:
        model = Talk
        fields = [
            "id",
            "organization",
            "participant_a",
            "participant_a_name",
            "participant_b",
            "participant_b_name",
            "date",
            "place",
            "summary",
        ]
        read_only_fields = fields


class TalkWriteSerializer(serializers.Serializer):
    organization = RowIdField()
    participant_a = RowIdField()
    participant_b = RowIdField()
    date = serializers.DateField()
    place = serializers.CharField(max_length=100, allow_blank=True, default="")
    summary = serializers.CharField(allow_blank=True, default="")


@extend_schema_view(list=extend_schema(parameters=COMMON_PARAMS))
class TalkViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Talk.objects.select_related("participant_a", "participant_b")

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return TalkWriteSerializer if self.action == "create" else TalkSerializer

    def get_queryset(self) -> QuerySet:
        return _filter_common(self, super().get_queryset())

    @extend_schema(request=TalkWriteSerializer, responses={201: TalkSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = TalkWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        org = _org_or_404(request.user, d["organization"], "write")
        a, b = (
            _member_or_none(request.user, d["participant_a"]),
            _member_or_none(request.user, d["participant_b"]),
        )
        talk = services.talk_create(
            actor=request.user,
            organization=org,
            participant_a=a,
            participant_b=b,
            date=d["date"],
            place=d["place"],
            summary=d["summary"],
        )
        return Response(TalkSerializer(talk).data, status=status.HTTP_201_CREATED)


class AppraisalSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    grade_label = serializers.CharField(source="get_grade_display", read_only=True)

    class Meta:
        model = Appraisal
        fields = ["id", "organization", "year", "member", "member_name", "grade", "grade_label", "activity"]
        read_only_fields = fields


class AppraisalGradeInSerializer(serializers.Serializer):
    member = RowIdField()
    grade = serializers.ChoiceField(choices=AppraisalGrade.choices)


class AppraisalWriteSerializer(serializers.Serializer):
    organization = RowIdField()
    year = serializers.IntegerField()
    activity = RowIdField(allow_null=True, default=None)
    grades = AppraisalGradeInSerializer(many=True)


@extend_schema_view(list=extend_schema(parameters=COMMON_PARAMS))
class AppraisalViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Appraisal.objects.select_related("member")

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return AppraisalWriteSerializer if self.action == "create" else AppraisalSerializer

    def get_queryset(self) -> QuerySet:
        return _filter_common(self, super().get_queryset(), year_lookup="year")

    @extend_schema(request=AppraisalWriteSerializer, responses={201: AppraisalSerializer(many=True)})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = AppraisalWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        org = _org_or_404(request.user, d["organization"], "write")
        meeting = None
        if d["activity"] is not None:
            meeting = Activity.objects.for_user(request.user).filter(pk=d["activity"]).first()
            if meeting is None:
                raise serializers.ValidationError({"activity": "未找到该会议"})
        rows = services.appraisal_record(
            actor=request.user,
            organization=org,
            year=d["year"],
            activity=meeting,
            grades={g["member"]: g["grade"] for g in d["grades"]},
        )
        return Response(AppraisalSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)


class DutyReportSerializer(serializers.ModelSerializer):
    secretary_name = serializers.CharField(source="secretary.name", read_only=True)

    class Meta:
        model = DutyReport
        fields = ["id", "organization", "year", "secretary", "secretary_name", "text"]
        read_only_fields = fields


class DutyReportWriteSerializer(serializers.Serializer):
    organization = RowIdField()
    year = serializers.IntegerField()
    secretary = RowIdField()
    text = serializers.CharField(allow_blank=True)


@extend_schema_view(list=extend_schema(parameters=COMMON_PARAMS))
class DutyReportViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = DutyReport.objects.select_related("secretary")

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return DutyReportWriteSerializer if self.action == "create" else DutyReportSerializer

    def get_queryset(self) -> QuerySet:
        return _filter_common(self, super().get_queryset(), year_lookup="year")

    @extend_schema(request=DutyReportWriteSerializer, responses={201: DutyReportSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = DutyReportWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        org = _org_or_404(request.user, d["organization"], "write")
        report = services.duty_report_create(
            actor=request.user,
            organization=org,
            year=d["year"],
            secretary=_member_or_none(request.user, d["secretary"]),
            text=d["text"],
        )
        return Response(DutyReportSerializer(report).data, status=status.HTTP_201_CREATED)


class StudyPlanItemSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = StudyPlanItem
        fields = ["id", "month", "topic", "kind", "kind_label"]


class StudyPlanSerializer(serializers.ModelSerializer):
    items = StudyPlanItemSerializer(many=True, read_only=True)

    class Meta:
        model = StudyPlan
        fields = ["id", "organization", "year", "note", "items"]


class StudyPlanItemWriteSerializer(serializers.Serializer):
    organization = RowIdField()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    topic = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=ActivityKind.choices)


@extend_schema_view(list=extend_schema(parameters=COMMON_PARAMS))
class StudyPlanViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Reading gives whole plans; posting adds one planned item to the organization's plan of that year."""

    queryset = StudyPlan.objects.prefetch_related("items")

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return StudyPlanItemWriteSerializer if self.action == "create" else StudyPlanSerializer

    def get_queryset(self) -> QuerySet:
        return _filter_common(self, super().get_queryset(), year_lookup="year")

    @extend_schema(request=StudyPlanItemWriteSerializer, responses={201: StudyPlanItemSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = StudyPlanItemWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        org = _org_or_404(request.user, d["organization"], "write")
        item = services.study_plan_item_add(
            actor=request.user,
            organization=org,
            year=d["year"],
            month=d["month"],
            topic=d["topic"],
            kind=d["kind"],
        )
        return Response(StudyPlanItemSerializer(item).data, status=status.HTTP_201_CREATED)


# --- obligations ------------------------------------------------------------------------------------------


class ObligationSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="org.pk")
    organization_name = serializers.CharField(source="org.name")
    rule = serializers.CharField(source="rule.key")
    rule_label = serializers.CharField(source="rule.label")
    period = serializers.CharField(source="period.label")
    period_start = serializers.DateField(source="period.start")
    period_end = serializers.DateField(source="period.end")
    required = serializers.IntegerField()
    count = serializers.IntegerField()
    status = serializers.CharField()
    note = serializers.CharField()


class ObligationsViewSet(viewsets.ViewSet):
    """What each branch and group of the subtree owes under the frequency rules, for one year."""

    serializer_class = ObligationSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("organization", int, required=True),
            OpenApiParameter("year", int),
            OpenApiParameter("status", str, enum=[obligations.DONE, obligations.LATE, obligations.OPEN]),
        ],
        responses={200: ObligationSerializer(many=True)},
    )
    def list(self, request: Request) -> Response:
        org = _org_or_404(request.user, request.query_params.get("organization", ""), READ)
        today = timezone.localdate()
        year_param = int_param(request.query_params.get("year"))
        year = year_param if year_param is not None and 1921 <= year_param <= today.year else today.year
        result = obligations.compute(org, [year], today)
        items = list(result.all())
        wanted = request.query_params.get("status", "")
        if wanted:
            items = [o for o in items if o.status == wanted]
        items.sort(key=lambda o: (o.org.path, o.rule.key, o.period))
        return Response(ObligationSerializer(items, many=True).data)


router.register(r"life/activities", ActivityViewSet, basename="life-activity")
router.register(r"life/talks", TalkViewSet, basename="life-talk")
router.register(r"life/appraisals", AppraisalViewSet, basename="life-appraisal")
router.register(r"life/duty-reports", DutyReportViewSet, basename="life-duty-report")
router.register(r"life/study-plans", StudyPlanViewSet, basename="life-study-plan")
router.register(r"life/obligations", ObligationsViewSet, basename="life-obligations")
