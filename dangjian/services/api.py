from __future__ import annotations

from rest_framework import serializers

from dangjian.core.api import ScopedReadOnlyViewSet, router
from dangjian.lib.masking import mask_phone
from dangjian.services.models import FundEntry, ServiceRecord, ServiceRequest, Visit


class ServiceRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceRecord
        fields = [
            "id",
            "organization",
            "team",
            "kind",
            "date",
            "place",
            "content",
            "households_helped",
            "people_trained",
            "people_served",
        ]


class VisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Visit
        fields = [
            "id",
            "organization",
            "date",
            "visited_member",
            "resident_name",
            "reason",
            "festival",
            "gift",
            "amount",
            "signed_by",
        ]


class ServiceRequestSerializer(serializers.ModelSerializer):
    resident_phone = serializers.SerializerMethodField()

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "organization",
            "kind",
            "channel",
            "received_on",
            "resident_name",
            "resident_phone",
            "description",
            "due_on",
            "status",
            "assignee",
            "handled_on",
            "result",
            "closed_on",
            "feedback",
        ]

    def get_resident_phone(self, obj: ServiceRequest) -> str:
        return mask_phone(obj.resident_phone)


class FundEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = FundEntry
        fields = [
            "id",
            "fund",
            "date",
            "direction",
            "amount",
            "purpose",
            "approver",
            "voucher_no",
            "reverses",
        ]


class ServiceRecordViewSet(ScopedReadOnlyViewSet):
    queryset = ServiceRecord.objects.all()
    serializer_class = ServiceRecordSerializer


class VisitViewSet(ScopedReadOnlyViewSet):
    queryset = Visit.objects.all()
    serializer_class = VisitSerializer


class ServiceRequestViewSet(ScopedReadOnlyViewSet):
    queryset = ServiceRequest.objects.all()
    serializer_class = ServiceRequestSerializer


class FundEntryViewSet(ScopedReadOnlyViewSet):
    queryset = FundEntry.objects.all()
    serializer_class = FundEntrySerializer


router.register("service-records", ServiceRecordViewSet, basename="service-record")
router.register("visits", VisitViewSet, basename="visit")
router.register("service-requests", ServiceRequestViewSet, basename="service-request")
router.register("fund-entries", FundEntryViewSet, basename="fund-entry")
