"""组织生活: activities (三会一课, 主题党日, 组织生活会 …) with attendance, guests and attachments;
talks, democratic appraisal, duty reports and study plans (domain-rules.md §2).

Attendance rows are the expected list of an activity (who belonged on that day); counts are always
computed from them, never stored."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from dangjian.core.scope import Scope, ScopedQuerySet


class ActivityKind(models.TextChoices):
    GENERAL_MEETING = "general_meeting", "支部党员大会"
    COMMITTEE_MEETING = "committee_meeting", "支委会"
    GROUP_MEETING = "group_meeting", "党小组会"
    LECTURE = "lecture", "党课"
    THEMED_DAY = "themed_day", "主题党日"
    LIFE_MEETING = "life_meeting", "组织生活会"
    OTHER = "other", "其他活动"


class AbsenceReason(models.TextChoices):
    SICK = "sick", "病假"
    PERSONAL = "personal", "事假"
    AWAY = "away", "外出"
    WORK = "work", "工作"
    ABROAD = "abroad", "出国（境）"
    MOBILITY = "mobility", "行动不便"
    OTHER = "other", "其他"


class AppraisalGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    BASICALLY_QUALIFIED = "basically_qualified", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


class ActivityQuerySet(ScopedQuerySet):
    def in_year(self, year: int) -> ActivityQuerySet:
        return self.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31))

    def with_counts(self) -> ActivityQuerySet:
        """应到/实到/列席 computed from the lists (subqueries: correct even after a filter on attendances)."""
        return self.annotate(
            expected_count=_count(Attendance.objects.filter(activity=OuterRef("pk"))),
            attended_count=_count(Attendance.objects.filter(activity=OuterRef("pk"), attended=True)),
            guest_count=_count(Guest.objects.filter(activity=OuterRef("pk"))),
        )


def _count(qs: models.QuerySet) -> Coalesce:
    sub = qs.order_by().values("activity").annotate(c=models.Count("id")).values("c")
    return Coalesce(Subquery(sub, output_field=models.IntegerField()), 0)


class Activity(models.Model):
    """One held organizational-life event. Every field of the minutes record of domain-rules.md §7."""

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField("类型", max_length=24, choices=ActivityKind.choices)
    date = models.DateField("日期", db_index=True)
    start_time = models.TimeField("开始时间", null=True, blank=True)
    place = models.CharField("地点", max_length=100)
    host = models.ForeignKey(
        "members.Member",
        verbose_name="主持人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorder = models.ForeignKey(
        "members.Member",
        verbose_name="记录人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    topic = models.CharField("会议主题", max_length=200)
    minutes = models.TextField("会议记录", blank=True, help_text="纯文本，按原样保存和显示")
    resolutions = models.TextField("决议事项", blank=True)
    lecturer = models.ForeignKey(
        "members.Member",
        verbose_name="授课人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lecturer_name = models.CharField(
        "授课人（外请）", max_length=50, blank=True, help_text="授课人不是本组织党员时填写"
    )
    lecture_title = models.CharField("党课题目", max_length=200, blank=True)
    warnings = models.JSONField("保存时的提醒", default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    scope = Scope(path="organization__path", member="attendances__member")
    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = "组织生活"
        verbose_name_plural = "组织生活"
        ordering = ["-date", "-start_time", "-id"]
        # (organization, date): a subtree's activities of a period, found from its organizations (the
        # index on date alone would read every organization's activities of the period)
        indexes = [models.Index(fields=["organization", "kind", "date"]), models.Index(fields=["organization", "date"])]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.topic}"

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.start_time or dt.time(0, 0))

    @property
    def lecturer_display(self) -> str:
        return self.lecturer.name if self.lecturer_id else self.lecturer_name


class Attendance(models.Model):
    """One expected member of an activity: attended, or absent with a reason."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="attendances"
    )
    attended = models.BooleanField("出席")
    absence_reason = models.CharField("缺席原因", max_length=16, choices=AbsenceReason.choices, blank=True)
    absence_note = models.CharField("缺席说明", max_length=100, blank=True)
    probationary = models.BooleanField("预备党员（无表决权）", default=False)

    scope = Scope(path="activity__organization__path", member="member_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "出席情况"
        verbose_name_plural = "出席情况"
        ordering = ["activity", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="one_attendance_per_member"),
            models.CheckConstraint(
                condition=(Q(attended=True) & Q(absence_reason=""))
                | (Q(attended=False) & ~Q(absence_reason="")),
                name="absent_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["member", "activity"])]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.activity_id} {'出席' if self.attended else self.get_absence_reason_display()}"


class Guest(models.Model):
    """列席: a non-member attending (guest, upper-level leader, partner-unit person)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField("姓名", max_length=50)
    unit = models.CharField("单位或身份", max_length=100, blank=True)
    partner_unit = models.ForeignKey(
        "orgs.PartnerUnit",
        verbose_name="共建单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    scope = Scope(path="activity__organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "列席人员"
        verbose_name_plural = "列席人员"
        ordering = ["activity", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name


def attachment_path(instance: Attachment, filename: str) -> str:
    """Random stored name; the extension comes from the checked content type, never from the upload."""
    ext = PurePath(filename).suffix.lower()[:8]
    return f"life/{uuid.uuid4().hex}{ext}"


class Attachment(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    scope = Scope(path="activity__organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["activity", "id"]

    def __str__(self) -> str:
        return self.original_name


class Talk(models.Model):
    """谈心谈话 between two people."""

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT, related_name="talks"
    )
    participant_a = models.ForeignKey(
        "members.Member", verbose_name="谈话人", on_delete=models.PROTECT, related_name="talks_as_a"
    )
    participant_b = models.ForeignKey(
        "members.Member", verbose_name="谈话对象", on_delete=models.PROTECT, related_name="talks_as_b"
    )
    date = models.DateField("日期")
    place = models.CharField("地点", max_length=100, blank=True)
    summary = models.TextField("谈话内容摘要")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = HistoricalRecords()
    scope = Scope(path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "谈心谈话"
        verbose_name_plural = "谈心谈话"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["organization", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(participant_a=models.F("participant_b")), name="talk_two_people"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} 谈心谈话"


class Appraisal(models.Model):
    """民主评议党员: one member's grade for one year, with the meeting it came from."""

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT, related_name="appraisals"
    )
    year = models.PositiveSmallIntegerField("年度")
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="appraisals"
    )
    grade = models.CharField("评议等次", max_length=24, choices=AppraisalGrade.choices)
    activity = models.ForeignKey(
        Activity,
        verbose_name="评议会议",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appraisals",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = HistoricalRecords()
    scope = Scope(path="organization__path", member="member_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "民主评议"
        verbose_name_plural = "民主评议"
        ordering = ["-year", "organization", "member"]
        constraints = [
            models.UniqueConstraint(fields=["year", "member"], name="one_appraisal_per_member_year")
        ]
        indexes = [models.Index(fields=["organization", "year"])]

    def __str__(self) -> str:
        return f"{self.year}年 {self.get_grade_display()}"


class DutyReport(models.Model):
    """述职: the secretary's yearly report on duties."""

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT, related_name="duty_reports"
    )
    year = models.PositiveSmallIntegerField("年度")
    secretary = models.ForeignKey(
        "members.Member", verbose_name="述职人（书记）", on_delete=models.PROTECT, related_name="duty_reports"
    )
    text = models.TextField("述职报告")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = HistoricalRecords()
    scope = Scope(path="organization__path", member="secretary_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "书记述职"
        verbose_name_plural = "书记述职"
        ordering = ["-year", "organization"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "secretary"], name="one_duty_report_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年度述职"


class StudyPlan(models.Model):
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT, related_name="study_plans"
    )
    year = models.PositiveSmallIntegerField("年度")
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = HistoricalRecords()
    scope = Scope(path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "学习计划"
        verbose_name_plural = "学习计划"
        ordering = ["-year", "organization"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="one_study_plan_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}年度学习计划"


class StudyPlanItem(models.Model):
    plan = models.ForeignKey(StudyPlan, on_delete=models.CASCADE, related_name="items")
    month = models.PositiveSmallIntegerField("月份")
    topic = models.CharField("学习主题", max_length=200)
    kind = models.CharField("活动形式", max_length=24, choices=ActivityKind.choices)

    history = HistoricalRecords()
    scope = Scope(path="plan__organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "计划事项"
        verbose_name_plural = "计划事项"
        ordering = ["plan", "month", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="plan_month_1_12"),
        ]

    def __str__(self) -> str:
        return f"{self.month}月 {self.topic}"
