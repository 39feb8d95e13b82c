"""换届选举: an election meeting with its voters, attendance, candidates and counted votes.
A valid election, once applied, becomes the organization's new committee (orgs.Committee)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from dangjian.core.scope import Scope, ScopedQuerySet
from dangjian.orgs.models import CommitteeRole


class ElectionStatus(models.TextChoices):
    DRAFT = "draft", "录入中"
    APPLIED = "applied", "已生效"
    INVALID = "invalid", "无效"


class Election(models.Model):
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT, related_name="elections"
    )
    held_on = models.DateField("选举日期")
    place = models.CharField("地点", max_length=100, blank=True)
    seats = models.PositiveSmallIntegerField("应选委员名额")
    term_years = models.PositiveSmallIntegerField("任期（年）")
    attending_reported = models.PositiveIntegerField("会议记录实到人数")
    ballots_issued = models.PositiveIntegerField("发出选票", default=0)
    ballots_returned = models.PositiveIntegerField("收回选票", default=0)
    ballots_invalid = models.PositiveIntegerField("无效票", default=0)
    secretary_is_director = models.BooleanField("书记兼任居委会主任（一肩挑）", default=False)
    status = models.CharField(
        "状态", max_length=10, choices=ElectionStatus.choices, default=ElectionStatus.DRAFT
    )
    approved_on = models.DateField("上级党组织批复日期", null=True, blank=True)
    committee = models.OneToOneField(
        "orgs.Committee",
        verbose_name="产生的委员会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="election",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()
    scope = Scope(path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "换届选举"
        verbose_name_plural = "换届选举"
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ballots_invalid__lte=models.F("ballots_returned")), name="invalid_within_returned"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.held_on:%Y-%m-%d}换届选举"


class Voter(models.Model):
    """A full member with voting rights expected on the day; `attended` from the sign-in list."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="voters")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    attended = models.BooleanField("到会", default=False)

    scope = Scope(path="election__organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "有选举权党员"
        verbose_name_plural = "有选举权党员"
        constraints = [models.UniqueConstraint(fields=["election", "member"], name="one_voter_row")]

    def __str__(self) -> str:
        return f"{self.member_id}"


class CandidateRole(models.TextChoices):
    MEMBER = "member", "委员"
    SECRETARY = CommitteeRole.SECRETARY.value, "书记"
    DEPUTY_SECRETARY = CommitteeRole.DEPUTY_SECRETARY.value, "副书记"


class Candidate(models.Model):
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="candidates")
    member = models.ForeignKey(
        "members.Member", verbose_name="候选人", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(
        "候选职务", max_length=20, choices=CandidateRole.choices, default=CandidateRole.MEMBER
    )
    votes_for = models.PositiveIntegerField("赞成票", default=0)
    votes_against = models.PositiveIntegerField("反对票", default=0)
    abstain = models.PositiveIntegerField("弃权票", default=0)
    portfolio = models.CharField(
        "分工",
        max_length=20,
        blank=True,
        choices=[
            (CommitteeRole.ORGANIZATION.value, "组织委员"),
            (CommitteeRole.PROPAGANDA.value, "宣传委员"),
            (CommitteeRole.DISCIPLINE.value, "纪检委员"),
        ],
    )

    scope = Scope(path="election__organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "候选人"
        verbose_name_plural = "候选人"
        ordering = ["election", "role", "-votes_for"]
        constraints = [
            models.UniqueConstraint(fields=["election", "member", "role"], name="one_candidacy_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_role_display()}"
