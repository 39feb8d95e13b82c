"""党员: the member registry, membership periods, transfers and stays abroad.

ID numbers and phones are stored encrypted (dangjian.core.pii); a member's organization over time
is kept in `Membership` rows so that "who belonged on that day" is one query.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from dangjian.core.pii import EncryptedValue, pii_fields
from dangjian.core.scope import Scope, ScopedQuerySet
from dangjian.lib.periods import add_years, age_on


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", "研究生"
    UNDERGRADUATE = "undergraduate", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY_VOCATIONAL = "secondary_vocational", "中专"
    HIGH_SCHOOL = "high_school", "高中"
    JUNIOR_OR_BELOW = "junior_or_below", "初中及以下"


class MemberStatus(models.TextChoices):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"


class MemberCategory(models.TextChoices):
    RESIDENT = "resident", "居民党员"
    IN_SERVICE = "in_service", "在职党员"
    FLOATING = "floating", "流动党员"


class FloatingDirection(models.TextChoices):
    INBOUND = "inbound", "流入（居住在本社区，组织关系在外）"
    OUTBOUND = "outbound", "流出（组织关系在本社区，外出务工经商）"


class AgeBand(models.TextChoices):
    UNDER_35 = "under_35", "35岁以下"
    FROM_35_TO_59 = "35_59", "35至59岁"
    FROM_60 = "60_plus", "60岁及以上"


AGE_BAND_LIMITS = {AgeBand.UNDER_35: (0, 34), AgeBand.FROM_35_TO_59: (35, 59), AgeBand.FROM_60: (60, 200)}


class MemberQuerySet(ScopedQuerySet):
    def current(self) -> MemberQuerySet:
        """Members on the books now: not transferred out, not deceased."""
        return self.filter(left_on__isnull=True, deceased_on__isnull=True)

    def born_between(self, earliest: dt.date, latest: dt.date) -> MemberQuerySet:
        return self.filter(birth_date__gte=earliest, birth_date__lte=latest)

    def in_age_band(self, band: str, on: dt.date) -> MemberQuerySet:
        low, high = AGE_BAND_LIMITS[AgeBand(band)]
        # age >= low  <=> born on or before (on - low years); age <= high <=> born after (on - (high+1) years)
        return self.filter(birth_date__lte=add_years(on, -low), birth_date__gt=add_years(on, -(high + 1)))


class Member(models.Model):
    name = models.CharField("姓名", max_length=50)
    name_initials = models.CharField(
        "姓名拼音首字母", max_length=50, db_index=True, editable=False, default=""
    )
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    birth_date = models.DateField("出生日期")
    id_number_enc, id_number_hmac, id_number_last4 = pii_fields("公民身份号码")
    id_number = EncryptedValue()
    phone_enc, phone_hmac, phone_last4 = pii_fields("联系电话")
    phone = EncryptedValue()
    education = models.CharField("学历", max_length=24, choices=Education.choices)
    address = models.CharField("居住地址", max_length=200, blank=True)

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="所在党组织", on_delete=models.PROTECT, related_name="members"
    )
    group = models.ForeignKey(
        "orgs.Organization",
        verbose_name="所在党小组",
        on_delete=models.PROTECT,
        related_name="group_members",
        null=True,
        blank=True,
    )
    category = models.CharField("党员类别", max_length=16, choices=MemberCategory.choices)
    employer = models.CharField("工作单位", max_length=100, blank=True)
    floating_direction = models.CharField(
        "流动方向", max_length=16, choices=FloatingDirection.choices, blank=True
    )
    floating_place = models.CharField("流入地/流出地", max_length=100, blank=True)

    status = models.CharField("党员状态", max_length=16, choices=MemberStatus.choices)
    joined_on = models.DateField("入党日期")
    confirmed_on = models.DateField("转正日期", null=True, blank=True)

    lost_contact_since = models.DateField("失联日期", null=True, blank=True)
    hardship = models.BooleanField("困难党员", default=False)
    elderly = models.BooleanField("高龄党员", default=False)
    mobility_impaired = models.BooleanField("行动不便", default=False)
    deceased_on = models.DateField("去世日期", null=True, blank=True)
    left_on = models.DateField("转出日期", null=True, blank=True)
    remarks = models.TextField("备注", blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["name_initials", "updated_at"])
    scope = Scope(path="organization__path", member="pk")
    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        ordering = ["organization__path", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hmac"], condition=~Q(id_number_hmac=""), name="unique_id_number"
            ),
            models.CheckConstraint(
                condition=Q(confirmed_on__isnull=True) | Q(confirmed_on__gte=models.F("joined_on")),
                name="confirmed_after_joined",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status", "category"])]

    def __str__(self) -> str:
        return self.name

    def age(self, on: dt.date) -> int:
        return age_on(self.birth_date, on)

    @property
    def is_current(self) -> bool:
        return self.left_on is None and self.deceased_on is None


class Membership(models.Model):
    """A member's belonging to one organization for a period; `until` is the last day (None: ongoing)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="memberships")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="memberships"
    )
    since = models.DateField("起始日期")
    until = models.DateField("截止日期", null=True, blank=True)

    scope = Scope(path="organization__path", member="member_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "组织关系期间"
        verbose_name_plural = "组织关系期间"
        ordering = ["member", "since"]
        indexes = [models.Index(fields=["organization", "since", "until"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")), name="period_order"
            ),
            models.UniqueConstraint(
                fields=["member"], condition=Q(until__isnull=True), name="one_open_membership"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.organization_id} {self.since}–{self.until or ''}"


def members_on(day: dt.date) -> Q:
    """Filter on Membership rows for those that include `day`."""
    return Q(since__lte=day) & (Q(until__isnull=True) | Q(until__gte=day))


class TransferDirection(models.TextChoices):
    IN = "in", "转入"
    OUT = "out", "转出"
    INTERNAL = "internal", "内部调整"


class Transfer(models.Model):
    """组织关系转接: a member's organization relationship moving in, out, or inside the tree."""

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="transfers"
    )
    direction = models.CharField("方向", max_length=10, choices=TransferDirection.choices)
    date = models.DateField("转接日期")
    from_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name="转出党组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name="转入党组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    counterpart = models.CharField(
        "对方党组织", max_length=100, blank=True, help_text="系统外的转出地或转入地"
    )
    letter_no = models.CharField("介绍信编号", max_length=40, blank=True)
    report_by = models.DateField("报到期限", null=True, blank=True)
    reported_on = models.DateField("报到日期", null=True, blank=True)
    reason = models.CharField("原因", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name="经办人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope = Scope(path="member__organization__path", member="member_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_direction_display()} {self.date}"


class AbroadStay(models.Model):
    """出国(境)党员: membership kept (保留组织关系) for a limited period."""

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="abroad_stays"
    )
    destination = models.CharField("前往国家（地区）", max_length=60)
    purpose = models.CharField("事由", max_length=100, blank=True)
    left_on = models.DateField("出国（境）日期")
    kept_until = models.DateField("保留组织关系截止日期")
    returned_on = models.DateField("回国日期", null=True, blank=True)

    history = HistoricalRecords()
    scope = Scope(path="member__organization__path", member="member_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "出国（境）党员"
        verbose_name_plural = "出国（境）党员"
        ordering = ["-left_on"]
        constraints = [
            models.CheckConstraint(condition=Q(kept_until__gte=models.F("left_on")), name="kept_after_left"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.destination}"
