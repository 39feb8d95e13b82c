from __future__ import annotations

from rest_framework import serializers

from dangjian.core.api import ScopedReadOnlyViewSet, router
from dangjian.orgs.models import Committee, CommitteeSeat, Organization


class OrganizationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_label",
            "basis",
            "parent",
            "depth",
            "founded_on",
            "dissolved_on",
            "locality",
        ]


class SeatSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = CommitteeSeat
        fields = ["id", "member", "member_name", "role", "part_time", "since", "until"]


class CommitteeSerializer(serializers.ModelSerializer):
    seats = SeatSerializer(many=True, read_only=True)

    class Meta:
        model = Committee
        fields = [
            "id",
            "organization",
            "elected_on",
            "term_years",
            "ends_on",
            "is_current",
            "secretary_is_director",
            "seats",
        ]


class OrganizationViewSet(ScopedReadOnlyViewSet):
    """党组织: the caller's subtree."""

    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer


class CommitteeViewSet(ScopedReadOnlyViewSet):
    """委员会 and their seats."""

    queryset = Committee.objects.prefetch_related("seats__member")
    serializer_class = CommitteeSerializer


router.register("organizations", OrganizationViewSet, basename="organization")
router.register("committees", CommitteeViewSet, basename="committee")
