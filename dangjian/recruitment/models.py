"""发展党员: one file per person through the 25 steps (steps.py), with its documents, the
cultivation book (培养考察写实簿, kept by the organization) and the people who cultivate and sponsor."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from dangjian.core.pii import EncryptedValue, pii_fields
from dangjian.core.scope import Scope, ScopedQuerySet
from dangjian.members.models import Education, Gender
from dangjian.recruitment.steps import DocumentKind, RecruitStage


class FileStatus(models.TextChoices):
    ACTIVE = "active", "培养中"
    CONFIRMED = "confirmed", "已转正"
    STOPPED = "stopped", "已终止"


class Recruitment(models.Model):
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    id_number_enc, id_number_hmac, id_number_last4 = pii_fields("公民身份号码")
    id_number = EncryptedValue()
    phone_enc, phone_hmac, phone_last4 = pii_fields("联系电话")
    phone = EncryptedValue()
    education = models.CharField("学历", max_length=24, choices=Education.choices)
    occupation = models.CharField("职业/工作单位", max_length=100, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="党支部", on_delete=models.PROTECT, related_name="recruitments"
    )
    stage = models.CharField(
        "所处阶段", max_length=16, choices=RecruitStage.choices, default=RecruitStage.APPLICANT
    )
    last_step = models.PositiveSmallIntegerField("最近完成步骤", default=0)
    last_step_on = models.DateField("最近步骤日期", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=FileStatus.choices, default=FileStatus.ACTIVE)
    stopped_reason = models.CharField("终止原因", max_length=200, blank=True)
    member = models.OneToOneField(
        "members.Member",
        verbose_name="党员档案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recruitment",
    )
    training_days = models.PositiveSmallIntegerField("集中培训天数", null=True, blank=True)
    training_hours = models.PositiveSmallIntegerField("集中培训学时", null=True, blank=True)
    publicity_start = models.DateField("公示开始日期", null=True, blank=True)
    publicity_end = models.DateField("公示结束日期", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    scope = Scope(path="organization__path", member="member_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "发展党员档案"
        verbose_name_plural = "发展党员档案"
        ordering = ["organization__path", "-last_step_on", "id"]
        indexes = [models.Index(fields=["organization", "status", "stage"])]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hmac"],
                condition=Q(status="active"),
                name="one_active_recruitment_per_person",
            )
        ]

    def __str__(self) -> str:
        return self.name


class RecruitStep(models.Model):
    recruitment = models.ForeignKey(Recruitment, on_delete=models.PROTECT, related_name="steps")
    number = models.PositiveSmallIntegerField("步骤")
    date = models.DateField("日期")
    body = models.CharField("决定或办理的组织/人员", max_length=100, blank=True)
    note = models.TextField("情况说明", blank=True)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    scope = Scope(path="recruitment__organization__path", member="recruitment__member_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "发展步骤"
        verbose_name_plural = "发展步骤"
        ordering = ["recruitment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["recruitment", "number"], name="one_date_per_step"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=25), name="step_1_to_25"),
        ]

    def __str__(self) -> str:
        return f"{self.recruitment} 第{self.number}步"


class RecruitDocument(models.Model):
    recruitment = models.ForeignKey(Recruitment, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("材料", max_length=32, choices=DocumentKind.choices)
    date = models.DateField("日期")
    note = models.CharField("说明", max_length=200, blank=True)
    file = models.FileField("附件", upload_to="recruitment/%Y/", blank=True)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")

    scope = Scope(path="recruitment__organization__path", member="recruitment__member_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "发展材料"
        verbose_name_plural = "发展材料"
        ordering = ["recruitment", "date", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class ContactRole(models.TextChoices):
    CONTACT = "contact", "培养联系人"
    SPONSOR = "sponsor", "入党介绍人"


class RecruitSponsor(models.Model):
    """培养联系人 and 入党介绍人: full members of the same branch."""

    recruitment = models.ForeignKey(Recruitment, on_delete=models.PROTECT, related_name="sponsors")
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField("身份", max_length=10, choices=ContactRole.choices)
    since = models.DateField("指定日期")

    scope = Scope(path="recruitment__organization__path", member="recruitment__member_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "培养联系人/入党介绍人"
        verbose_name_plural = "培养联系人/入党介绍人"
        constraints = [
            models.UniqueConstraint(fields=["recruitment", "member", "role"], name="one_role_per_sponsor")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.member}"


class CultivationLog(models.Model):
    """One entry of the cultivation book: who assessed, when, what."""

    recruitment = models.ForeignKey(Recruitment, on_delete=models.PROTECT, related_name="cultivation")
    date = models.DateField("考察日期")
    sponsor = models.ForeignKey(
        "members.Member", verbose_name="培养联系人", on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField("考察情况")
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")

    scope = Scope(path="recruitment__organization__path", member="recruitment__member_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "培养考察记录"
        verbose_name_plural = "培养考察记录"
        ordering = ["recruitment", "date"]

    def __str__(self) -> str:
        return f"{self.recruitment} {self.date}"


class ProbationExtension(models.Model):
    recruitment = models.ForeignKey(Recruitment, on_delete=models.PROTECT, related_name="extensions")
    decided_on = models.DateField("决定日期")
    months = models.PositiveSmallIntegerField("延长月数")
    reason = models.CharField("原因", max_length=200)

    scope = Scope(path="recruitment__organization__path", member="recruitment__member_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "延长预备期"
        verbose_name_plural = "延长预备期"

    def __str__(self) -> str:
        return f"{self.recruitment} 延长{self.months}个月"
