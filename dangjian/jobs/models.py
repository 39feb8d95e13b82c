"""A background job (self-check, import, report, export): its progress, its result or its error."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from dangjian.core.scope import Scope, ScopedQuerySet


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "运行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
    CANCELLED = "cancelled", "已取消"


FINISHED = (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


class Job(models.Model):
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("任务类型", max_length=40)
    title = models.CharField("任务", max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        on_delete=models.PROTECT,
        related_name="jobs",
    )
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="范围", on_delete=models.PROTECT, related_name="jobs"
    )
    params = models.JSONField("参数", default=dict)
    status = models.CharField("状态", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("进度", default=0)
    message = models.CharField("进度说明", max_length=200, blank=True)
    parts_total = models.PositiveIntegerField(default=0)
    parts_done = models.PositiveIntegerField(default=0)
    result = models.JSONField("结果", default=dict, blank=True)
    result_file = models.FileField("结果文件", upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField("结果文件名", max_length=200, blank=True)
    error = models.TextField("错误", blank=True)
    cancel_requested = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    scope = Scope(path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.status in FINISHED
