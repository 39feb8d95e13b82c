"""自查体检: runs of the rule engine with their stored findings, and the text index of the copied-text
detector (a MinHash signature per text, and its LSH band hashes in an indexed table)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from dangjian.core.rules import Severity
from dangjian.core.scope import Scope, ScopedQuerySet
from dangjian.selfcheck.engine import Link


class RunStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "检查中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
    CANCELLED = "cancelled", "已取消"


class RunQuerySet(ScopedQuerySet):
    def finished(self) -> RunQuerySet:
        return self.filter(status=RunStatus.DONE)


class Run(models.Model):
    """One self-check over the subtree of `organization` for a period."""

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="检查范围", on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField("起始日期")
    period_end = models.DateField("截止日期")
    as_of = models.DateField("状态核对日期", help_text="截止日期与发起当天中较早的一天")
    rules = models.JSONField("规则", default=list, blank=True, help_text="空表示全部启用的规则")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    job = models.ForeignKey(
        "jobs.Job",
        verbose_name="后台任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="从页面发起的检查所排入的后台任务（取消请求经由它传达）",
    )
    status = models.CharField("状态", max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    message = models.CharField("进度说明", max_length=200, blank=True)
    previous = models.ForeignKey(
        "self", verbose_name="上次检查", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    total = models.PositiveIntegerField("问题数", default=0)
    errors = models.PositiveIntegerField("错误", default=0)
    warnings = models.PositiveIntegerField("提醒", default=0)
    new_count = models.PositiveIntegerField("新发现", default=0)
    fixed_count = models.PositiveIntegerField("已整改", default=0)
    notes = models.JSONField("运行说明", default=list, blank=True)
    timings = models.JSONField("各规则耗时（秒）", default=dict, blank=True)

    scope = Scope(path="organization__path")
    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = "自查体检"
        verbose_name_plural = "自查体检"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "period_start", "period_end", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="run_period_order"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="run_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.period_start:%Y-%m-%d}至{self.period_end:%Y-%m-%d} 自查"

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.PENDING, RunStatus.RUNNING)

    @property
    def period_label(self) -> str:
        return f"{self.period_start:%Y年%m月%d日}至{self.period_end:%Y年%m月%d日}"


class RunFinding(models.Model):
    """One finding of a run, kept so that the next run of the same scope and period shows what is new
    and what was fixed (`fingerprint`: rule + organization + period + the records it is about)."""

    run = models.ForeignKey(Run, verbose_name="自查", on_delete=models.CASCADE, related_name="findings")
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT, related_name="+"
    )
    rule = models.CharField("规则", max_length=16)
    severity = models.CharField("严重程度", max_length=10, choices=list(Severity.LABELS.items()))
    period = models.CharField("期间", max_length=60)
    message = models.TextField("问题说明")
    links = models.JSONField("相关记录", default=list, blank=True)
    subjects = models.JSONField(default=list, blank=True)
    data = models.JSONField(default=dict, blank=True)
    fingerprint = models.CharField(max_length=40)
    is_new = models.BooleanField("新发现", default=True)
    ledger_finding = models.ForeignKey(
        "inspection.Finding",
        verbose_name="整改台账问题",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField("移交时间", null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="移交人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope = Scope(path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "自查问题"
        verbose_name_plural = "自查问题"
        ordering = ["run", "organization__path", "rule", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "fingerprint"], name="one_finding_per_fingerprint")
        ]
        indexes = [
            models.Index(fields=["run", "rule"]),
            models.Index(fields=["run", "organization"]),
            models.Index(fields=["fingerprint"]),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.message[:40]}"

    @property
    def severity_label(self) -> str:
        return Severity.LABELS.get(self.severity, self.severity)

    def link_objects(self) -> list[Link]:
        return [Link.from_json(v) for v in self.links]


class TextKind(models.TextChoices):
    MINUTES = "minutes", "会议记录"
    LECTURE = "lecture", "党课讲稿"
    TALK = "talk", "谈心谈话记录"
    DUTY_REPORT = "duty_report", "述职报告"
    OTHER = "other", "其他材料"


class TextSignature(models.Model):
    """The MinHash signature of one text (computed once when the text is saved or first indexed)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField("材料类别", max_length=16, choices=TextKind.choices)
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField("日期")
    params = models.CharField(max_length=40)
    content_hash = models.CharField(max_length=40)  # of the raw text: re-index when it changes
    norm_hash = models.CharField(max_length=40, db_index=True)  # of the normalized text: identical copies
    length = models.PositiveIntegerField("有效字数", default=0)
    signature = models.BinaryField()
    indexed_at = models.DateTimeField(auto_now=True)

    scope = Scope(path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "文本指纹"
        verbose_name_plural = "文本指纹"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"], name="one_signature_per_text"
            ),
        ]
        indexes = [models.Index(fields=["organization", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.content_type_id}:{self.object_id}"


class TextBand(models.Model):
    """One LSH band hash of a signature; texts sharing a (band, hash) are candidate copies."""

    signature = models.ForeignKey(TextSignature, on_delete=models.CASCADE, related_name="bands")
    band = models.PositiveSmallIntegerField()
    hash = models.BigIntegerField()

    scope = Scope(path="signature__organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "文本指纹分段"
        verbose_name_plural = "文本指纹分段"
        indexes = [models.Index(fields=["band", "hash"], name="selfcheck_band_hash")]

    def __str__(self) -> str:
        return f"{self.signature_id}#{self.band}"
