"""Forms of the rectification ledger. They only convert input; the checks live in validation.py and
services.py (shared with the API and the import) and their messages are put back on the fields."""

from __future__ import annotations

from typing import Any

from django import forms

from dangjian.core.forms import DateInput
from dangjian.inspection.models import FindingSeverity, FindingSource, MeasureStatus
from dangjian.inspection.services import allowed_targets
from dangjian.orgs.models import Organization, OrgKind


class InspectionForm(forms.Form):
    name = forms.CharField(label="巡察名称", max_length=100, help_text="如：十二届区委第五轮巡察")
    committee = forms.CharField(label="派出党委", max_length=60, initial="区委")
    team = forms.CharField(label="巡察组", max_length=60, help_text="如：区委第二巡察组")
    organization = forms.ModelChoiceField(
        label="整改责任党组织",
        queryset=Organization.objects.none(),
        help_text="牵头整改并发布整改通报的党组织",
    )
    inspected = forms.ModelMultipleChoiceField(
        label="被巡察党组织", queryset=Organization.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    onsite_from = forms.DateField(label="进驻日期", widget=DateInput)
    onsite_to = forms.DateField(label="结束日期", widget=DateInput)
    feedback_on = forms.DateField(
        label="反馈日期", widget=DateInput, required=False, help_text="整改方案、整改报告的时限由反馈日期推算"
    )
    overall_work = forms.CharField(
        label="整改工作总体情况",
        widget=forms.Textarea,
        required=False,
        help_text="整改通报第一部分，每段一行；空则在通报中留【待填写】",
    )
    consolidation = forms.CharField(
        label="巩固成效和下一步打算",
        widget=forms.Textarea,
        required=False,
        help_text="整改通报第三部分，每段一行",
    )
    contact = forms.CharField(label="监督联系方式", max_length=200, required=False)

    def __init__(self, *args: Any, orgs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["organization"].queryset = orgs.exclude(kind=OrgKind.GROUP)
            self.fields["inspected"].queryset = orgs.exclude(kind=OrgKind.GROUP)

    def data_for_service(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("organization", "inspected")}


class FindingForm(forms.Form):
    organization = forms.ModelChoiceField(label="问题所在党组织", queryset=Organization.objects.none())
    source = forms.ChoiceField(label="问题来源", choices=FindingSource.choices)
    aspect = forms.CharField(
        label="问题方面", max_length=200, help_text="反馈意见的大标题，可从已有方面中选择"
    )
    category = forms.CharField(
        label="问题类别", max_length=200, required=False, help_text="方面下的小标题，可空"
    )
    number = forms.IntegerField(label="问题序号", min_value=1, required=False, help_text="空则自动编号")
    title = forms.CharField(label="问题", max_length=200)
    description = forms.CharField(label="具体表现", widget=forms.Textarea, required=False)
    severity = forms.ChoiceField(
        label="严重程度", choices=FindingSeverity.choices, initial=FindingSeverity.GENERAL
    )
    found_on = forms.DateField(label="发现日期", widget=DateInput, required=False)

    def __init__(self, *args: Any, orgs: Any = None, with_round: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["organization"].queryset = orgs.exclude(kind=OrgKind.GROUP)
        if with_round:
            self.fields["source"].initial = FindingSource.INSPECTION
        else:
            self.fields["source"].choices = [
                c for c in FindingSource.choices if c[0] != FindingSource.INSPECTION
            ]
            del self.fields["number"]

    def data_for_service(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "organization"}


class MeasureForm(forms.Form):
    text = forms.CharField(label="整改措施", widget=forms.Textarea)
    owner_name = forms.CharField(label="责任人", max_length=50)
    owner_member = forms.ModelChoiceField(
        label="责任人（党员档案）",
        queryset=None,
        required=False,
        help_text="责任人是本组织党员时可关联其档案",
    )
    owner_unit = forms.CharField(label="责任单位", max_length=100)
    due = forms.DateField(label="整改时限", widget=DateInput)

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from dangjian.members.models import Member

        self.fields["owner_member"].queryset = members if members is not None else Member.objects.none()

    def data_for_service(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "owner_member"}


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label="新状态", choices=())
    on = forms.DateField(label="日期", widget=DateInput, required=False)
    note = forms.CharField(
        label="情况说明",
        widget=forms.Textarea,
        required=False,
        help_text="改为“已完成待验收”时必填：写明完成情况",
    )

    def __init__(self, *args: Any, status: str = MeasureStatus.NOT_STARTED, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(s, MeasureStatus(s).label) for s in allowed_targets(status)]


class ProgressForm(forms.Form):
    on = forms.DateField(label="日期", widget=DateInput, required=False)
    note = forms.CharField(label="进展情况", widget=forms.Textarea)


class DecisionForm(forms.Form):
    comment = forms.CharField(label="验收意见 / 退回理由", widget=forms.Textarea)


class EvidenceForm(forms.Form):
    file = forms.FileField(label="佐证材料", help_text="PDF、图片、Word或Excel文件")
    description = forms.CharField(label="说明", max_length=200, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label="问题清单（Excel）")
