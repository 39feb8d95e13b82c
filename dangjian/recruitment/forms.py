from __future__ import annotations

from django import forms

from dangjian.core.forms import DateInput
from dangjian.members.models import Education
from dangjian.recruitment.models import ContactRole
from dangjian.recruitment.steps import STEPS, DocumentKind


class RecruitmentForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="公民身份号码", max_length=18)
    education = forms.ChoiceField(label="学历", choices=Education.choices)
    phone_number = forms.CharField(label="联系电话", max_length=20, required=False)
    occupation = forms.CharField(label="职业/工作单位", max_length=100, required=False)
    organization = forms.ModelChoiceField(label="党支部", queryset=None)  # type: ignore[arg-type]
    applied_on = forms.DateField(label="递交入党申请书日期", widget=DateInput)

    def __init__(self, *args, branches, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = branches


class StepForm(forms.Form):
    number = forms.TypedChoiceField(
        label="步骤", coerce=int, choices=[(s.number, f"{s.number}. {s.title}") for s in STEPS]
    )
    date = forms.DateField(label="日期", widget=DateInput)
    body = forms.CharField(label="决定或办理的组织/人员", max_length=100, required=False)
    note = forms.CharField(label="情况说明", widget=forms.Textarea, required=False)


class SponsorForm(forms.Form):
    member = forms.ModelChoiceField(label="党员", queryset=None)  # type: ignore[arg-type]
    role = forms.ChoiceField(label="身份", choices=ContactRole.choices)
    since = forms.DateField(label="指定日期", widget=DateInput)

    def __init__(self, *args, members, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class CultivationForm(forms.Form):
    date = forms.DateField(label="考察日期", widget=DateInput)
    sponsor = forms.ModelChoiceField(label="考察人", queryset=None)  # type: ignore[arg-type]
    content = forms.CharField(label="考察情况", widget=forms.Textarea)

    def __init__(self, *args, sponsors, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].queryset = sponsors


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="材料", choices=DocumentKind.choices)
    date = forms.DateField(label="日期", widget=DateInput)
    note = forms.CharField(label="说明", max_length=200, required=False)


class TrainingForm(forms.Form):
    training_days = forms.IntegerField(label="集中培训天数", min_value=0, max_value=60, required=False)
    training_hours = forms.IntegerField(label="集中培训学时", min_value=0, max_value=500, required=False)
    publicity_start = forms.DateField(label="公示开始日期", widget=DateInput, required=False)
    publicity_end = forms.DateField(label="公示结束日期", widget=DateInput, required=False)


class ExtensionForm(forms.Form):
    decided_on = forms.DateField(label="决定日期", widget=DateInput)
    months = forms.IntegerField(label="延长月数", min_value=1, max_value=12)
    reason = forms.CharField(label="原因", max_length=200)
