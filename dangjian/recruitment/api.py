from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from dangjian.core.api import ScopedReadOnlyViewSet, router
from dangjian.lib.masking import mask_id_number
from dangjian.recruitment.models import Recruitment, RecruitStep
from dangjian.recruitment.selectors import with_timeline
from dangjian.recruitment.services import violations


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecruitStep
        fields = ["number", "date", "body", "note"]


class ViolationSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.CharField()
    step = serializers.IntegerField(allow_null=True)
    message = serializers.CharField()
    basis = serializers.CharField()


class RecruitmentSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField()
    steps = StepSerializer(many=True, read_only=True)
    violations = serializers.SerializerMethodField()

    class Meta:
        model = Recruitment
        fields = [
            "id",
            "name",
            "gender",
            "birth_date",
            "id_number",
            "education",
            "organization",
            "stage",
            "status",
            "last_step",
            "last_step_on",
            "member",
            "steps",
            "violations",
        ]

    def get_id_number(self, obj: Recruitment) -> str:
        return mask_id_number(obj.id_number)

    def get_violations(self, obj: Recruitment) -> list[dict]:  # type: ignore[type-arg]
        return ViolationSerializer(violations(obj, timezone.localdate()), many=True).data  # type: ignore[return-value]


class RecruitmentViewSet(ScopedReadOnlyViewSet):
    """发展党员档案 with their steps and the rules they break."""

    queryset = with_timeline(Recruitment.objects.all())
    serializer_class = RecruitmentSerializer


router.register("recruitments", RecruitmentViewSet, basename="recruitment")
