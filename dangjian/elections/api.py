from __future__ import annotations

from rest_framework import serializers

from dangjian.core.api import ScopedReadOnlyViewSet, router
from dangjian.elections.models import Candidate, Election
from dangjian.elections.services import outcome


class CandidateSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Candidate
        fields = ["member", "name", "role", "votes_for", "votes_against", "abstain"]


class ElectionSerializer(serializers.ModelSerializer):
    candidates = CandidateSerializer(many=True, read_only=True)
    valid = serializers.SerializerMethodField()
    failures = serializers.SerializerMethodField()

    class Meta:
        model = Election
        fields = [
            "id",
            "organization",
            "held_on",
            "seats",
            "term_years",
            "attending_reported",
            "ballots_issued",
            "ballots_returned",
            "ballots_invalid",
            "status",
            "committee",
            "candidates",
            "valid",
            "failures",
        ]

    def get_valid(self, obj: Election) -> bool:
        return outcome(obj).valid

    def get_failures(self, obj: Election) -> list[str]:
        return [f.message for f in outcome(obj).failures]


class ElectionViewSet(ScopedReadOnlyViewSet):
    """换届选举 with counted votes and computed validity."""

    queryset = Election.objects.prefetch_related("candidates__member", "voters")
    serializer_class = ElectionSerializer


router.register("elections", ElectionViewSet, basename="election")
