"""巡察整改: inspection rounds, findings, rectification measures with their progress, acceptance (销号)
decisions and evidence. Every model is scoped by the organization the finding concerns
(Domain.FINDINGS); writes go through inspection/services.py.

Glossary: Inspection (巡察), Finding (问题), RectificationMeasure (整改措施), MeasureProgress (整改进展),
AcceptanceDecision (验收记录: the decision of `rectification_close` / `rectification_refuse`, 销号),
Evidence (佐证材料), look-back (回头看: Finding.repeats).
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from dangjian.accounts.roles import READ, Domain
from dangjian.core.scope import Scope, ScopedQuerySet, restrict
from dangjian.lib.periods import add_months


def rule_value(name: str, default: int) -> int:
    return int(settings.DOMAIN_RULES.get(name, default))


class InspectionQuerySet(ScopedQuerySet):
    def for_user(self, user, action: str = READ):  # type: ignore[no-untyped-def]
        """Read: rounds whose responsible organization is in the user's subtree, or that inspected an
        organization in it. Write: only the former."""
        own = restrict(self, user, action)
        if action != READ or own.query.is_empty():
            return own
        path = user.organization.path
        inspecting = Inspection.objects.filter(inspected__path__startswith=path).values("pk")
        return self.filter(Q(organization__path__startswith=path) | Q(pk__in=inspecting))


class Inspection(models.Model):
    """巡察: one round of inspection and the rectification that follows its feedback."""

    name = models.CharField("巡察名称", max_length=100, help_text="如：十二届区委第五轮巡察")
    committee = models.CharField("派出党委", max_length=60, default="区委", help_text="如：区委")
    team = models.CharField("巡察组", max_length=60, help_text="如：区委第二巡察组")
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="整改责任党组织",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="牵头整改并发布整改通报的党组织",
    )
    inspected = models.ManyToManyField(
        "orgs.Organization", verbose_name="被巡察党组织", related_name="inspections"
    )
    onsite_from = models.DateField("进驻日期")
    onsite_to = models.DateField("结束日期")
    feedback_on = models.DateField("反馈日期", null=True, blank=True)
    overall_work = models.TextField(
        "整改工作总体情况", blank=True, help_text="整改通报第一部分：组织领导、工作机制等（每段一行）"
    )
    consolidation = models.TextField(
        "巩固成效和下一步打算", blank=True, help_text="整改通报第三部分（每段一行）"
    )
    contact = models.CharField("监督联系方式", max_length=200, blank=True, help_text="通报结尾的电话、信箱等")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[inspected])
    scope = Scope(path="organization__path", domain=Domain.FINDINGS)
    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = "巡察"
        verbose_name_plural = "巡察"
        ordering = ["-onsite_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(onsite_to__gte=models.F("onsite_from")), name="inspection_onsite_order"
            ),
            models.CheckConstraint(
                condition=Q(feedback_on__isnull=True) | Q(feedback_on__gte=models.F("onsite_from")),
                name="inspection_feedback_after_onsite",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def plan_due(self) -> dt.date | None:
        """整改方案 due: feedback + N days (domain-rules §8, commonly 15 to 30 days)."""
        if self.feedback_on is None:
            return None
        return self.feedback_on + dt.timedelta(days=rule_value("rectification_plan_days", 30))

    @property
    def report_due(self) -> dt.date | None:
        """整改情况报告 due: feedback + 2 months (巡视条例)."""
        if self.feedback_on is None:
            return None
        return add_months(self.feedback_on, rule_value("rectification_report_months", 2))


class FindingSource(models.TextChoices):
    INSPECTION = "inspection", "巡察反馈"
    SELF_CHECK = "self_check", "自查"
    LOOK_BACK = "look_back", "回头看"


class FindingSeverity(models.TextChoices):
    SERIOUS = "serious", "严重"
    GENERAL = "general", "一般"
    MINOR = "minor", "轻微"


class FindingStatus(models.TextChoices):
    OPEN = "open", "整改中"
    CLOSED = "closed", "已销号"


class Finding(models.Model):
    """反馈意见/问题: one problem found, and (through its measures) the rectification of it."""

    inspection = models.ForeignKey(
        Inspection,
        verbose_name="巡察",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    source = models.CharField(
        "问题来源", max_length=16, choices=FindingSource.choices, default=FindingSource.INSPECTION
    )
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="问题所在党组织", on_delete=models.PROTECT, related_name="findings"
    )
    aspect = models.CharField(
        "问题方面", max_length=200, help_text="反馈意见的大标题，如：聚焦基层党组织软弱涣散、组织力欠缺方面"
    )
    category = models.CharField(
        "问题类别", max_length=200, blank=True, help_text="方面下的小标题（可空），如：基层党建工作不深不细"
    )
    number = models.PositiveIntegerField("问题序号", help_text="在本轮巡察中的序号")
    title = models.CharField("问题", max_length=200, help_text="一句话概括，如：党员发展制度落实不严格")
    description = models.TextField("具体表现", blank=True)
    severity = models.CharField(
        "严重程度", max_length=10, choices=FindingSeverity.choices, default=FindingSeverity.GENERAL
    )
    found_on = models.DateField("发现日期")
    repeats = models.ForeignKey(
        "self",
        verbose_name="重复发生的前轮问题",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeated_by",
    )
    status = models.CharField(
        "整改状态", max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    closed_on = models.DateField("销号日期", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="验收人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = HistoricalRecords()
    scope = Scope(path="organization__path", domain=Domain.FINDINGS)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "问题"
        verbose_name_plural = "问题"
        ordering = ["inspection_id", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "number"],
                condition=Q(inspection__isnull=False),
                name="finding_number_in_round",
            ),
            models.CheckConstraint(
                condition=(Q(status="closed") & Q(closed_on__isnull=False))
                | (Q(status="open") & Q(closed_on__isnull=True)),
                name="finding_closed_has_date",
            ),
            models.CheckConstraint(condition=~Q(repeats=models.F("pk")), name="finding_not_repeating_itself"),
            models.CheckConstraint(
                condition=~Q(source="inspection") | Q(inspection__isnull=False),
                name="inspection_finding_has_round",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"问题{self.number}：{self.title}"

    @property
    def is_recurring(self) -> bool:
        return self.repeats_id is not None

    @property
    def is_closed(self) -> bool:
        return self.status == FindingStatus.CLOSED


class MeasureStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "整改中"
    DONE = "done", "已完成待验收"
    ACCEPTED = "accepted", "已验收销号"
    LONG_TERM = "long_term", "长期坚持"


# Measures that still need work: these, and only these, can be overdue.
UNFINISHED = (MeasureStatus.NOT_STARTED, MeasureStatus.IN_PROGRESS)


class RectificationMeasure(models.Model):
    """整改措施: one measure against a finding, with its owner (责任人), unit (责任单位) and deadline."""

    finding = models.ForeignKey(
        Finding, verbose_name="问题", on_delete=models.PROTECT, related_name="measures"
    )
    number = models.PositiveSmallIntegerField("措施序号")
    text = models.TextField("整改措施")
    owner_name = models.CharField("责任人", max_length=50)
    owner_member = models.ForeignKey(
        "members.Member",
        verbose_name="责任人（党员档案）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectification_measures",
    )
    owner_unit = models.CharField("责任单位", max_length=100)
    due = models.DateField("整改时限")
    status = models.CharField(
        "状态", max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.NOT_STARTED
    )
    completed_on = models.DateField("完成日期", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = HistoricalRecords()
    scope = Scope(path="finding__organization__path", domain=Domain.FINDINGS)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "整改措施"
        verbose_name_plural = "整改措施"
        ordering = ["finding_id", "number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["finding", "number"], name="measure_number_in_finding"),
            models.CheckConstraint(
                condition=Q(status__in=["done", "accepted"], completed_on__isnull=False)
                | (~Q(status__in=["done", "accepted"]) & Q(completed_on__isnull=True)),
                name="measure_completed_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "due"])]

    def __str__(self) -> str:
        return f"措施{self.number}：{self.text[:30]}"

    def is_overdue(self, today: dt.date) -> bool:
        """Past its deadline and still unfinished. Due today is not yet overdue; a measure done
        (awaiting acceptance), accepted or long-term is not overdue."""
        return self.status in UNFINISHED and self.due < today


class MeasureProgress(models.Model):
    """整改进展: a dated note on a measure; every status change is one too (status_from → status_to),
    including the first status at creation, so the state of the ledger on any past day is known."""

    measure = models.ForeignKey(
        RectificationMeasure, verbose_name="整改措施", on_delete=models.PROTECT, related_name="progress"
    )
    on = models.DateField("日期")
    note = models.TextField("进展情况", blank=True)
    status_from = models.CharField("原状态", max_length=16, choices=MeasureStatus.choices, blank=True)
    status_to = models.CharField("新状态", max_length=16, choices=MeasureStatus.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    scope = Scope(path="measure__finding__organization__path", domain=Domain.FINDINGS)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "整改进展"
        verbose_name_plural = "整改进展"
        ordering = ["measure_id", "on", "pk"]
        indexes = [models.Index(fields=["measure", "on"])]

    def __str__(self) -> str:
        return f"{self.on} {self.note[:30]}"


class AcceptanceDecision(models.Model):
    """验收记录: a superior organization's decision on a finding whose measures are all done:
    accepted (销号) with a comment, or refused with a reason (the measures go back to work)."""

    finding = models.ForeignKey(
        Finding, verbose_name="问题", on_delete=models.PROTECT, related_name="decisions"
    )
    accepted = models.BooleanField("同意销号")
    comment = models.TextField("验收意见")
    decided_on = models.DateField("验收日期")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="验收人", on_delete=models.PROTECT, related_name="+"
    )
    decided_by_org = models.ForeignKey(
        "orgs.Organization", verbose_name="验收单位", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    scope = Scope(path="finding__organization__path", domain=Domain.FINDINGS)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "验收记录"
        verbose_name_plural = "验收记录"
        ordering = ["finding_id", "decided_on", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(comment=""), name="decision_has_comment")]

    def __str__(self) -> str:
        return f"{'同意销号' if self.accepted else '退回'} {self.decided_on}"


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """Random stored name; the user's file name is kept only in `original_name`."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"inspection/{instance.uploaded_at_or_now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """佐证材料: a file attached to a finding (by the inspector) or to a measure (by the rectifier)."""

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT, related_name="+"
    )
    finding = models.ForeignKey(
        Finding, verbose_name="问题", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    measure = models.ForeignKey(
        RectificationMeasure,
        verbose_name="整改措施",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    file = models.FileField("文件", upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    description = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    scope = Scope(path="organization__path", domain=Domain.FINDINGS)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(finding__isnull=False) & Q(measure__isnull=True))
                | (Q(finding__isnull=True) & Q(measure__isnull=False)),
                name="evidence_on_finding_or_measure",
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    def uploaded_at_or_now(self) -> dt.datetime:
        from django.utils import timezone

        return self.uploaded_at or timezone.now()
