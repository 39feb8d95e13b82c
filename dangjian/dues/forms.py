"""Entry forms. They only shape the input; every check lives in the services (shared with the API
and the import), whose ValidationError lands on the named field via core.forms.apply_errors."""

from __future__ import annotations

from django import forms

from dangjian.core.forms import DateInput
from dangjian.dues.models import Channel, IncomeType, PaymentKind


class MonthInput(forms.TextInput):
    input_type = "month"

    def __init__(self) -> None:
        super().__init__(attrs={"placeholder": "2025-03", "pattern": r"\d{4}-\d{2}"})


def _money(label: str, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=20, help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class BaseForm(forms.Form):
    year = forms.IntegerField(label="年度", widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    income_type = forms.ChoiceField(label="收入类型", choices=IncomeType.choices)
    base = _money("月交纳基数（元）", help_text="在职为每月税后工资收入，离退休为每月养老金；农民、学生等可填0")
    declared_amount = _money(
        "自愿多交月交金额（元）", required=False, help_text="党员自愿多交时填写每月金额；农民党员在0.2～1元之间选定的金额也填在此处"
    )
    note = forms.CharField(label="备注", required=False, max_length=200)


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(
        label="类别", choices=[(PaymentKind.PAYMENT, "交纳"), (PaymentKind.SUPPLEMENT, "补交差额（已交月份未交足）")]
    )
    paid_on = forms.CharField(label="交纳日期", widget=DateInput())
    first_month = forms.CharField(label="起始月份", widget=MonthInput())
    last_month = forms.CharField(label="截止月份", required=False, widget=MonthInput(), help_text="只交一个月可不填")
    amount = _money("金额（元）")
    channel = forms.ChoiceField(label="交纳方式", choices=Channel.choices)
    receipt_no = forms.CharField(label="收据编号", required=False, max_length=40)
    note = forms.CharField(label="备注", required=False, max_length=200)


class RefundForm(forms.Form):
    paid_on = forms.CharField(label="退还日期", widget=DateInput())
    first_month = forms.CharField(label="起始月份", widget=MonthInput())
    last_month = forms.CharField(label="截止月份", required=False, widget=MonthInput())
    amount = _money("退还金额（元）")
    channel = forms.ChoiceField(label="退还方式", choices=Channel.choices)
    reason = forms.CharField(label="退还原因", max_length=200)


class ReverseForm(forms.Form):
    reason = forms.CharField(label="冲正原因", max_length=200, help_text="如：金额录错、月份录错、重复录入")


class RemittanceForm(forms.Form):
    period_start = forms.CharField(label="所属期起（月）", widget=MonthInput())
    period_end = forms.CharField(label="所属期止（月）", widget=MonthInput())
    remitted_on = forms.CharField(label="上缴日期", widget=DateInput())
    amount = _money("上缴金额（元）")
    receipt_no = forms.CharField(label="凭证编号", required=False, max_length=40)
    note = forms.CharField(label="备注", required=False, max_length=200)


class ImportForm(forms.Form):
    year = forms.IntegerField(label="年度", widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    file = forms.FileField(label="Excel文件", help_text="列：姓名、公民身份号码、收入类型、月交纳基数（.xlsx/.xls/WPS）")
