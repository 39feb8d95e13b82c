"""Member forms. Validation lives in members/validation.py (shared with the API and the import);
forms only convert input and show the service's field errors."""

from __future__ import annotations

from django import forms

from dangjian.core.forms import DateInput
from dangjian.members.models import Education, FloatingDirection, MemberCategory, MemberStatus
from dangjian.orgs.models import Organization, OrgKind


class MemberForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="公民身份号码", max_length=18, help_text="18位，出生日期和性别由号码自动读取"
    )
    ethnicity = forms.CharField(label="民族", max_length=20, initial="汉族")
    education = forms.ChoiceField(label="学历", choices=Education.choices)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    address = forms.CharField(label="居住地址", max_length=200, required=False)
    organization = forms.ModelChoiceField(label="所在党支部", queryset=Organization.objects.none())
    group = forms.ModelChoiceField(label="党小组", queryset=Organization.objects.none(), required=False)
    category = forms.ChoiceField(label="党员类别", choices=MemberCategory.choices)
    employer = forms.CharField(label="工作单位", max_length=100, required=False, help_text="在职党员必填")
    floating_direction = forms.ChoiceField(
        label="流动方向", choices=[("", "—")] + FloatingDirection.choices, required=False
    )
    floating_place = forms.CharField(label="流入地/流出地", max_length=100, required=False)
    status = forms.ChoiceField(label="党员状态", choices=MemberStatus.choices)
    joined_on = forms.DateField(label="入党日期", widget=DateInput)
    confirmed_on = forms.DateField(label="转正日期", widget=DateInput, required=False)
    lost_contact_since = forms.DateField(
        label="失联日期", widget=DateInput, required=False, help_text="与组织失去联系的日期；恢复联系后清空"
    )
    hardship = forms.BooleanField(label="困难党员", required=False)
    elderly = forms.BooleanField(label="高龄党员", required=False)
    mobility_impaired = forms.BooleanField(label="行动不便", required=False)
    remarks = forms.CharField(label="备注", widget=forms.Textarea, required=False)

    def __init__(self, *args, orgs=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["organization"].queryset = orgs.exclude(kind=OrgKind.GROUP).active()
            self.fields["group"].queryset = orgs.filter(kind=OrgKind.GROUP).active()

    def member_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("organization", "group")}
        # birth date and gender come from the ID number
        return data


class TransferOutForm(forms.Form):
    date = forms.DateField(label="转出日期", widget=DateInput)
    counterpart = forms.CharField(label="转入党组织", max_length=100)
    letter_no = forms.CharField(label="介绍信编号", max_length=40, required=False)
    reason = forms.CharField(label="原因", max_length=200, required=False)


class TransferInternalForm(forms.Form):
    date = forms.DateField(label="调整日期", widget=DateInput)
    to_org = forms.ModelChoiceField(label="转入党支部", queryset=Organization.objects.none())
    group = forms.ModelChoiceField(label="党小组", queryset=Organization.objects.none(), required=False)

    def __init__(self, *args, orgs=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["to_org"].queryset = orgs.exclude(kind=OrgKind.GROUP).active()
            self.fields["group"].queryset = orgs.filter(kind=OrgKind.GROUP).active()


class TransferInForm(MemberForm):
    date = forms.DateField(label="转入日期", widget=DateInput)
    counterpart = forms.CharField(label="转出党组织", max_length=100)
    letter_no = forms.CharField(label="介绍信编号", max_length=40, required=False)

    field_order = ["date", "counterpart", "letter_no"]

    def member_data(self) -> dict:
        data = super().member_data()
        for key in ("date", "counterpart", "letter_no"):
            data.pop(key, None)
        return data
