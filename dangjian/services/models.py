"""服务群众: volunteer teams and their service, in-service members' check-in, visits, residents'
requests and mediation, the mutual-aid station, member points, honors, and the funds ledger."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from dangjian.core.pii import EncryptedValue, pii_fields
from dangjian.core.scope import Scope, ScopedQuerySet


class TeamSpecialty(models.TextChoices):
    THEORY = "theory", "理论宣讲"
    ENVIRONMENT = "environment", "环境整治"
    CARE = "care", "帮困助老"
    PATROL = "patrol", "治安巡逻"
    CIVILITY = "civility", "文明创建"
    MEDIATION = "mediation", "矛盾调解"
    OTHER = "other", "其他"


class VolunteerTeam(models.Model):
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="所属党组织",
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
    )
    name = models.CharField("服务队名称", max_length=60)
    specialty = models.CharField("服务类别", max_length=20, choices=TeamSpecialty.choices)
    leader = models.ForeignKey(
        "members.Member",
        verbose_name="队长",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    members = models.ManyToManyField(
        "members.Member", verbose_name="队员", blank=True, related_name="volunteer_teams"
    )
    founded_on = models.DateField("成立日期")
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)

    scope = Scope(path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "志愿服务队"
        verbose_name_plural = "志愿服务队"
        ordering = ["organization", "name"]

    def __str__(self) -> str:
        return self.name


class ServiceKind(models.TextChoices):
    VOLUNTEER = "volunteer", "志愿服务"
    IN_SERVICE = "in_service", "在职党员进社区服务"
    TRAINING = "training", "技能培训"
    ASSISTANCE = "assistance", "帮困救助"
    PUBLICITY = "publicity", "政策宣传"
    OTHER = "other", "其他"


class ServiceRecord(models.Model):
    """One service done: who took part and for how long, and what it achieved in numbers."""

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT, related_name="service_records"
    )
    team = models.ForeignKey(
        VolunteerTeam,
        verbose_name="服务队",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    kind = models.CharField("服务类型", max_length=20, choices=ServiceKind.choices)
    date = models.DateField("日期")
    place = models.CharField("地点", max_length=100)
    content = models.TextField("服务内容")
    households_helped = models.PositiveIntegerField("帮扶户数", default=0)
    people_trained = models.PositiveIntegerField("培训人次", default=0)
    people_served = models.PositiveIntegerField("服务群众人次", default=0)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()
    scope = Scope(path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "服务记录"
        verbose_name_plural = "服务记录"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["organization", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class ServiceParticipation(models.Model):
    record = models.ForeignKey(ServiceRecord, on_delete=models.PROTECT, related_name="participations")
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="service_participations"
    )
    hours = models.DecimalField(
        "服务时长（小时）", max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )

    scope = Scope(path="record__organization__path", member="member_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "服务参与"
        verbose_name_plural = "服务参与"
        constraints = [
            models.UniqueConstraint(fields=["record", "member"], name="one_participation_per_member"),
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=24), name="hours_within_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.hours}h"


class CommunityCheckIn(models.Model):
    """在职党员到社区报到: an in-service member registers with the community where they live."""

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="check_ins"
    )
    community = models.ForeignKey(
        "orgs.Organization", verbose_name="报到社区", on_delete=models.PROTECT, related_name="check_ins"
    )
    checked_in_on = models.DateField("报到日期")
    employer = models.CharField("工作单位", max_length=100)
    employer_party_org = models.CharField("单位党组织", max_length=100)
    employer_contact = models.CharField("单位党组织联系人", max_length=50, blank=True)
    ended_on = models.DateField("结束日期", null=True, blank=True)

    scope = Scope(path="community__path", member="member_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "在职党员报到"
        verbose_name_plural = "在职党员报到"
        ordering = ["-checked_in_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(ended_on__isnull=True), name="one_open_check_in"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.community}"


class VisitReason(models.TextChoices):
    HARDSHIP = "hardship", "困难党员"
    ELDERLY = "elderly", "高龄党员"
    HOUSEBOUND = "housebound", "行动不便党员"
    SICK = "sick", "生病住院"
    RESIDENT = "resident", "困难群众"
    OTHER = "other", "其他"


class Festival(models.TextChoices):
    NONE = "", "—"
    SPRING = "spring", "元旦春节"
    JULY_FIRST = "july_first", "七一"
    MID_AUTUMN = "mid_autumn", "中秋国庆"


class Visit(models.Model):
    """走访慰问, with what was given and who signed for it (发放记录、签领记录)."""

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT, related_name="visits"
    )
    date = models.DateField("走访日期")
    visited_member = models.ForeignKey(
        "members.Member",
        verbose_name="慰问党员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits_received",
    )
    resident_name = models.CharField("慰问群众姓名", max_length=50, blank=True)
    reason = models.CharField("慰问原因", max_length=16, choices=VisitReason.choices)
    festival = models.CharField("节日慰问", max_length=16, choices=Festival.choices, blank=True)
    visitors = models.ManyToManyField("members.Member", verbose_name="走访人", related_name="visits_made")
    gift = models.CharField("慰问品", max_length=100, blank=True)
    amount = models.DecimalField(
        "慰问金（元）",
        max_digits=9,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    signed_by = models.CharField(
        "签领人", max_length=50, blank=True, help_text="发放慰问金、慰问品须有签领人"
    )
    follow_up = models.TextField("后续跟进", blank=True)

    scope = Scope(path="organization__path", member="visited_member_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "走访慰问"
        verbose_name_plural = "走访慰问"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visited_member__isnull=False) | ~Q(resident_name=""), name="visit_has_someone"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.visited_member or self.resident_name}"


class RequestKind(models.TextChoices):
    ERRAND = "errand", "代办服务"
    COMPLAINT = "complaint", "投诉"
    DISPUTE = "dispute", "矛盾调解"
    ASSISTANCE = "assistance", "求助"
    SUGGESTION = "suggestion", "意见建议"


class RequestChannel(models.TextChoices):
    VISIT = "visit", "来访"
    PHONE = "phone", "电话"
    GRID = "grid", "网格员上报"
    HOTLINE = "hotline", "12345热线"
    ONLINE = "online", "微信/网络"


class RequestStatus(models.TextChoices):
    RECEIVED = "received", "已受理"
    ASSIGNED = "assigned", "已交办"
    HANDLED = "handled", "已办理"
    CLOSED = "closed", "已办结"


class Feedback(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class ServiceRequest(models.Model):
    """群众诉求 / 矛盾调解 / 代办: received, assigned, handled, closed with the resident's feedback."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="受理党组织",
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    kind = models.CharField("类型", max_length=16, choices=RequestKind.choices)
    channel = models.CharField("来源", max_length=16, choices=RequestChannel.choices)
    received_on = models.DateField("受理日期")
    resident_name = models.CharField("群众姓名", max_length=50)
    resident_phone_enc, resident_phone_hmac, resident_phone_last4 = pii_fields("联系电话")
    resident_phone = EncryptedValue()
    description = models.TextField("诉求内容")
    due_on = models.DateField("办理时限")
    status = models.CharField(
        "状态", max_length=12, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    assignee = models.CharField("承办人", max_length=50, blank=True)
    handled_on = models.DateField("办理日期", null=True, blank=True)
    result = models.TextField("办理结果", blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    feedback = models.CharField("群众评价", max_length=12, choices=Feedback.choices, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()
    scope = Scope(path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "群众诉求"
        verbose_name_plural = "群众诉求"
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["organization", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("received_on")), name="due_after_received"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_on__isnull=False) & ~Q(feedback="")),
                name="closed_has_feedback",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.get_kind_display()} {self.resident_name}"


class CareKind(models.TextChoices):
    CONGRATULATION = "congratulation", "喜事有祝贺"
    MEDIATION = "mediation", "矛盾有调解"
    SICK_VISIT = "sick_visit", "病困有慰问"
    FAREWELL = "farewell", "故去有送行"


class CareEvent(models.Model):
    """爱心驿站: the four kinds of mutual aid."""

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT, related_name="care_events"
    )
    kind = models.CharField("类型", max_length=16, choices=CareKind.choices)
    date = models.DateField("日期")
    beneficiary = models.CharField("对象", max_length=50)
    description = models.TextField("情况")
    participants = models.PositiveIntegerField("参与人数", default=1)

    scope = Scope(path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "爱心驿站活动"
        verbose_name_plural = "爱心驿站活动"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class PointSource(models.TextChoices):
    """What a point rule counts; each source is computed from records, never typed."""

    ACTIVITY_ATTENDED = "activity_attended", "参加组织生活（每次）"
    SERVICE_HOUR = "service_hour", "志愿服务（每小时）"
    DUES_ON_TIME = "dues_on_time", "按月交纳党费（每月）"
    VISIT_MADE = "visit_made", "走访慰问（每次）"
    HONOR = "honor", "获得表彰（每项）"


class PointRule(models.Model):
    """党员量化积分: a community's rule, points per unit of a source."""

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT, related_name="point_rules"
    )
    source = models.CharField("积分项目", max_length=24, choices=PointSource.choices)
    points = models.DecimalField("分值", max_digits=5, decimal_places=1)
    yearly_cap = models.DecimalField("年度上限", max_digits=6, decimal_places=1, null=True, blank=True)
    is_active = models.BooleanField("启用", default=True)

    history = HistoricalRecords()
    scope = Scope(path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "积分规则"
        verbose_name_plural = "积分规则"
        constraints = [models.UniqueConstraint(fields=["organization", "source"], name="one_rule_per_source")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.points}分"


class HonorLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    DISTRICT = "district", "区级"
    STREET = "street", "街道级"
    COMMUNITY = "community", "社区级"


class Honor(models.Model):
    """创先争优: a title awarded to an organization or a member."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="获表彰组织或党员所在组织",
        on_delete=models.PROTECT,
        related_name="honors",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name="获表彰党员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honors",
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("荣誉称号", max_length=100)
    level = models.CharField("级别", max_length=12, choices=HonorLevel.choices)
    awarded_by = models.CharField("授予单位", max_length=100)
    awarded_on = models.DateField("授予日期")

    scope = Scope(path="organization__path", member="member_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "表彰"
        verbose_name_plural = "表彰"
        ordering = ["-year", "level", "title"]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class FundKind(models.TextChoices):
    PARTY_BUILDING = "party_building", "党建工作经费"
    SERVICE = "service", "服务群众专项经费"
    DUES_RETURNED = "dues_returned", "下拨党费"
    OTHER = "other", "其他"


class Fund(models.Model):
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="党组织", on_delete=models.PROTECT, related_name="funds"
    )
    name = models.CharField("账户名称", max_length=60)
    kind = models.CharField("经费类别", max_length=20, choices=FundKind.choices)
    opened_on = models.DateField("建账日期")

    scope = Scope(path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "经费账户"
        verbose_name_plural = "经费账户"
        ordering = ["organization", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class EntryDirection(models.TextChoices):
    INCOME = "income", "收入"
    EXPENSE = "expense", "支出"


class FundEntry(models.Model):
    """One ledger line. Never edited or deleted: a mistake is corrected by a reversing entry."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    date = models.DateField("日期")
    direction = models.CharField("收支", max_length=8, choices=EntryDirection.choices)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    purpose = models.CharField("用途/来源", max_length=200)
    approver = models.CharField("审批人", max_length=50, blank=True)
    voucher_no = models.CharField("凭证号", max_length=40, blank=True)
    voucher = models.FileField("凭证附件", upload_to="funds/%Y/", blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name="冲销的记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope = Scope(path="fund__organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "经费收支"
        verbose_name_plural = "经费收支"
        ordering = ["fund", "date", "id"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="entry_amount_not_zero")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_direction_display()} {self.amount}"

    @property
    def signed_amount(self) -> Decimal:
        return self.amount if self.direction == EntryDirection.INCOME else -self.amount
