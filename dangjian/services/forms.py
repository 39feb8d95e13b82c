from __future__ import annotations

from decimal import Decimal

from django import forms

from dangjian.core.forms import DateInput
from dangjian.services.models import (
    CareKind,
    EntryDirection,
    Feedback,
    Festival,
    HonorLevel,
    RequestChannel,
    RequestKind,
    ServiceKind,
    TeamSpecialty,
    VisitReason,
)


class ScopedForm(forms.Form):
    """Model choice fields limited to the user's subtree: pass orgs= and members= querysets."""

    org_fields: tuple[str, ...] = ()
    member_fields: tuple[str, ...] = ()

    def __init__(self, *args, orgs=None, members=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for name in self.org_fields:
            self.fields[name].queryset = orgs
        for name in self.member_fields:
            self.fields[name].queryset = members


class TeamForm(ScopedForm):
    org_fields, member_fields = ("organization",), ("leader", "members")
    organization = forms.ModelChoiceField(label="所属党组织", queryset=None)  # type: ignore[arg-type]
    name = forms.CharField(label="服务队名称", max_length=60)
    specialty = forms.ChoiceField(label="服务类别", choices=TeamSpecialty.choices)
    founded_on = forms.DateField(label="成立日期", widget=DateInput)
    leader = forms.ModelChoiceField(label="队长", queryset=None, required=False)  # type: ignore[arg-type]
    members = forms.ModelMultipleChoiceField(
        label="队员", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )  # type: ignore[arg-type]


class ServiceRecordForm(ScopedForm):
    org_fields, member_fields = ("organization",), ("participants",)
    organization = forms.ModelChoiceField(label="党组织", queryset=None)  # type: ignore[arg-type]
    team = forms.ModelChoiceField(label="服务队", queryset=None, required=False)  # type: ignore[arg-type]
    kind = forms.ChoiceField(label="服务类型", choices=ServiceKind.choices)
    date = forms.DateField(label="日期", widget=DateInput)
    place = forms.CharField(label="地点", max_length=100)
    content = forms.CharField(label="服务内容", widget=forms.Textarea)
    participants = forms.ModelMultipleChoiceField(
        label="参与党员", queryset=None, widget=forms.CheckboxSelectMultiple
    )  # type: ignore[arg-type]
    hours = forms.DecimalField(
        label="每人服务时长（小时）", min_value=Decimal("0.5"), max_value=24, decimal_places=1
    )
    households_helped = forms.IntegerField(label="帮扶户数", min_value=0, initial=0)
    people_trained = forms.IntegerField(label="培训人次", min_value=0, initial=0)
    people_served = forms.IntegerField(label="服务群众人次", min_value=0, initial=0)

    def __init__(self, *args, teams=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class CheckInForm(ScopedForm):
    org_fields, member_fields = ("community",), ("member",)
    member = forms.ModelChoiceField(label="在职党员", queryset=None)  # type: ignore[arg-type]
    community = forms.ModelChoiceField(label="报到社区", queryset=None)  # type: ignore[arg-type]
    checked_in_on = forms.DateField(label="报到日期", widget=DateInput)
    employer = forms.CharField(label="工作单位", max_length=100)
    employer_party_org = forms.CharField(label="单位党组织", max_length=100)
    employer_contact = forms.CharField(label="单位党组织联系人", max_length=50, required=False)


class VisitForm(ScopedForm):
    org_fields, member_fields = ("organization",), ("visited_member", "visitors")
    organization = forms.ModelChoiceField(label="党组织", queryset=None)  # type: ignore[arg-type]
    date = forms.DateField(label="走访日期", widget=DateInput)
    visited_member = forms.ModelChoiceField(label="慰问党员", queryset=None, required=False)  # type: ignore[arg-type]
    resident_name = forms.CharField(label="或：慰问群众姓名", max_length=50, required=False)
    reason = forms.ChoiceField(label="慰问原因", choices=VisitReason.choices)
    festival = forms.ChoiceField(label="节日慰问", choices=Festival.choices, required=False)
    visitors = forms.ModelMultipleChoiceField(
        label="走访人", queryset=None, widget=forms.CheckboxSelectMultiple
    )  # type: ignore[arg-type]
    gift = forms.CharField(label="慰问品", max_length=100, required=False)
    amount = forms.DecimalField(label="慰问金（元）", min_value=0, decimal_places=2, initial=0)
    signed_by = forms.CharField(label="签领人", max_length=50, required=False)
    follow_up = forms.CharField(label="后续跟进", widget=forms.Textarea, required=False)


class RequestForm(ScopedForm):
    org_fields = ("organization",)
    organization = forms.ModelChoiceField(label="受理党组织", queryset=None)  # type: ignore[arg-type]
    kind = forms.ChoiceField(label="类型", choices=RequestKind.choices)
    channel = forms.ChoiceField(label="来源", choices=RequestChannel.choices)
    received_on = forms.DateField(label="受理日期", widget=DateInput)
    resident_name = forms.CharField(label="群众姓名", max_length=50)
    resident_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    description = forms.CharField(label="诉求内容", widget=forms.Textarea)
    due_on = forms.DateField(label="办理时限", widget=DateInput)


class RequestAdvanceForm(forms.Form):
    date = forms.DateField(label="日期", widget=DateInput)
    assignee = forms.CharField(label="承办人", max_length=50, required=False)
    result = forms.CharField(label="办理结果", widget=forms.Textarea, required=False)
    feedback = forms.ChoiceField(label="群众评价", choices=[("", "—"), *Feedback.choices], required=False)


class CareEventForm(ScopedForm):
    org_fields = ("organization",)
    organization = forms.ModelChoiceField(label="党组织", queryset=None)  # type: ignore[arg-type]
    kind = forms.ChoiceField(label="类型", choices=CareKind.choices)
    date = forms.DateField(label="日期", widget=DateInput)
    beneficiary = forms.CharField(label="对象", max_length=50)
    description = forms.CharField(label="情况", widget=forms.Textarea)
    participants = forms.IntegerField(label="参与人数", min_value=1, initial=1)


class HonorForm(ScopedForm):
    org_fields, member_fields = ("organization",), ("member",)
    organization = forms.ModelChoiceField(label="获表彰组织（或党员所在组织）", queryset=None)  # type: ignore[arg-type]
    member = forms.ModelChoiceField(label="获表彰党员", queryset=None, required=False)  # type: ignore[arg-type]
    year = forms.IntegerField(label="年度", min_value=1949, max_value=2100)
    title = forms.CharField(label="荣誉称号", max_length=100)
    level = forms.ChoiceField(label="级别", choices=HonorLevel.choices)
    awarded_by = forms.CharField(label="授予单位", max_length=100)
    awarded_on = forms.DateField(label="授予日期", widget=DateInput)


class FundEntryForm(forms.Form):
    date = forms.DateField(label="日期", widget=DateInput)
    direction = forms.ChoiceField(label="收支", choices=EntryDirection.choices)
    amount = forms.DecimalField(label="金额（元）", max_digits=12, decimal_places=2)
    purpose = forms.CharField(label="用途/来源", max_length=200)
    approver = forms.CharField(label="审批人", max_length=50, required=False)
    voucher_no = forms.CharField(label="凭证号", max_length=40, required=False)


class ReverseForm(forms.Form):
    date = forms.DateField(label="冲销日期", widget=DateInput)
    reason = forms.CharField(label="冲销原因", max_length=150)
