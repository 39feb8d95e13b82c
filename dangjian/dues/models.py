"""党费: yearly bases, payments with the months they cover, and remittances upward.

Payments are never edited: a refund (退还) or a correction (冲正) is a new entry with a negative
amount that references the entry it corrects. How each entry's amount falls on the months it covers
is stored in `DuesPaymentMonth` rows, so that "paid per member and month" is one grouped query.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from dangjian.core.scope import Scope, ScopedQuerySet
from dangjian.dues import rates
from dangjian.dues.ledger import span_label

IncomeType = models.TextChoices(  # type: ignore[misc]
    "IncomeType", [(t.name, (t.value, rates.INCOME_TYPE_LABELS[t])) for t in rates.IncomeType]
)


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", "交纳"
    SUPPLEMENT = "supplement", "补交差额"
    REFUND = "refund", "退还"
    REVERSAL = "reversal", "冲正"


POSITIVE_KINDS = (PaymentKind.PAYMENT, PaymentKind.SUPPLEMENT)
NEGATIVE_KINDS = (PaymentKind.REFUND, PaymentKind.REVERSAL)


class Channel(models.TextChoices):
    CASH = "cash", "现金"
    WECHAT = "wechat", "微信"
    ALIPAY = "alipay", "支付宝"
    BANK = "bank", "银行转账"
    PAYROLL = "payroll", "工资代扣"
    OTHER = "other", "其他"


class DuesBase(models.Model):
    """交纳基数: a member's monthly income base for one year, its income type and the amounts."""

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="dues_bases"
    )
    year = models.PositiveSmallIntegerField("年度")
    income_type = models.CharField("收入类型", max_length=16, choices=IncomeType.choices)
    base = models.DecimalField("月交纳基数（元）", max_digits=12, decimal_places=2)
    standard_amount = models.DecimalField(
        "按标准月应交（元）", max_digits=10, decimal_places=2, help_text="按交纳比例计算的金额"
    )
    declared_amount = models.DecimalField(
        "自愿多交月交金额（元）", max_digits=10, decimal_places=2, null=True, blank=True,
        help_text="党员自愿多交时申报的每月金额，不得低于按标准计算的金额",
    )
    monthly_amount = models.DecimalField(
        "月应交（元）", max_digits=10, decimal_places=2, editable=False,
        help_text="申报了自愿多交金额时为申报金额，否则为标准金额",
    )
    rate_label = models.CharField("交纳比例", max_length=40, editable=False, default="")
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name="录入人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    scope = Scope(path="member__organization__path", member="member_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "党费交纳基数"
        verbose_name_plural = "党费交纳基数"
        ordering = ["member", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="dues_one_base_per_member_year"),
            models.CheckConstraint(condition=Q(base__gte=0), name="dues_base_not_negative"),
            models.CheckConstraint(condition=Q(standard_amount__gte=0), name="dues_standard_not_negative"),
            models.CheckConstraint(
                condition=Q(declared_amount__isnull=True) | Q(declared_amount__gte=models.F("standard_amount")),
                name="dues_declared_at_least_standard",
            ),
            models.CheckConstraint(
                condition=Q(monthly_amount__gte=models.F("standard_amount")), name="dues_monthly_at_least_standard"
            ),
            models.CheckConstraint(condition=Q(year__gte=1950, year__lte=2200), name="dues_base_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.member}（{self.year}年基数）"

    @property
    def is_voluntary(self) -> bool:
        return self.declared_amount is not None and self.declared_amount > self.standard_amount


class DuesPayment(models.Model):
    """党费收缴台账 entry: one payment (or refund, or correction) and the months it covers."""

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="dues_payments"
    )
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="收缴党组织", on_delete=models.PROTECT, related_name="dues_payments"
    )
    kind = models.CharField("类别", max_length=12, choices=PaymentKind.choices, default=PaymentKind.PAYMENT)
    paid_on = models.DateField("交纳日期")
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    channel = models.CharField("交纳方式", max_length=12, choices=Channel.choices)
    first_month = models.DateField("起始月份")
    last_month = models.DateField("截止月份")
    months = models.PositiveSmallIntegerField("月数", editable=False)
    original = models.ForeignKey(
        "self", verbose_name="更正的原记录", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    receipt_no = models.CharField("收据编号", max_length=40, blank=True)
    note = models.CharField("备注/原因", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name="录入人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope = Scope(path="organization__path", member="member_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "党费交纳记录"
        verbose_name_plural = "党费交纳记录"
        ordering = ["-paid_on", "-id"]
        indexes = [
            models.Index(fields=["member", "first_month"]),
            models.Index(fields=["organization", "paid_on"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(last_month__gte=models.F("first_month")), name="dues_payment_month_order"),
            models.CheckConstraint(
                condition=(Q(kind__in=POSITIVE_KINDS) & Q(amount__gt=0) & Q(original__isnull=True))
                | (Q(kind=PaymentKind.SUPPLEMENT) & Q(amount__gt=0))
                | (Q(kind__in=NEGATIVE_KINDS) & Q(amount__lt=0) & Q(original__isnull=False)),
                name="dues_payment_sign_by_kind",
            ),
            models.UniqueConstraint(
                fields=["original"], condition=Q(kind=PaymentKind.REVERSAL), name="dues_one_reversal_per_entry"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}元（{self.span_label}）"

    @property
    def span_label(self) -> str:
        return span_label(self.first_month, self.last_month)


class DuesPaymentMonth(models.Model):
    """The part of one entry's amount that falls on one month (negative for refunds and reversals)."""

    payment = models.ForeignKey(DuesPayment, on_delete=models.PROTECT, related_name="allocations")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份")
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)

    scope = Scope(path="organization__path", member="member_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "党费分月记录"
        verbose_name_plural = "党费分月记录"
        ordering = ["member", "month"]
        indexes = [models.Index(fields=["member", "month"]), models.Index(fields=["organization", "month"])]
        constraints = [models.UniqueConstraint(fields=["payment", "month"], name="dues_one_allocation_per_month")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%Y-%m} {self.amount}"


class DuesRemittance(models.Model):
    """上缴: collected dues passed to the higher organization for a period of months."""

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="上缴党组织", on_delete=models.PROTECT, related_name="dues_remittances"
    )
    to_organization = models.ForeignKey(
        "orgs.Organization", verbose_name="接收党组织", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField("所属期起（月）")
    period_end = models.DateField("所属期止（月）")
    remitted_on = models.DateField("上缴日期")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    original = models.ForeignKey(
        "self", verbose_name="冲正的原记录", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    receipt_no = models.CharField("凭证编号", max_length=40, blank=True)
    note = models.CharField("备注/原因", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name="录入人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope = Scope(path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "党费上缴记录"
        verbose_name_plural = "党费上缴记录"
        ordering = ["-period_start", "-id"]
        indexes = [models.Index(fields=["organization", "period_start"])]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="dues_remit_period_order"),
            models.CheckConstraint(
                condition=(Q(amount__gt=0) & Q(original__isnull=True)) | (Q(amount__lt=0) & Q(original__isnull=False)),
                name="dues_remit_sign",
            ),
            models.UniqueConstraint(fields=["original"], name="dues_one_reversal_per_remittance"),
        ]

    def __str__(self) -> str:
        return f"上缴 {self.amount}元（{span_label(self.period_start, self.period_end)}）"

    @property
    def span_label(self) -> str:
        return span_label(self.period_start, self.period_end)
