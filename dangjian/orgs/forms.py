from __future__ import annotations

from django import forms

from dangjian.core.forms import DateInput
from dangjian.orgs.models import ALLOWED_CHILDREN, BranchBasis, Organization, OrgKind


class OrganizationForm(forms.Form):
    code = forms.CharField(label="组织代码", max_length=40)
    name = forms.CharField(label="组织名称", max_length=100)
    kind = forms.ChoiceField(label="组织类别")
    basis = forms.ChoiceField(label="组建方式", choices=[("", "—")] + BranchBasis.choices, required=False)
    founded_on = forms.DateField(label="成立日期", widget=DateInput, required=False)
    locality = forms.CharField(label="所在地区", max_length=60, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)

    def __init__(self, *args, parent: Organization, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_CHILDREN[parent.kind]
        self.fields["kind"].choices = [(k, label) for k, label in OrgKind.choices if k in allowed]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if Organization.objects.filter(code=code).exists():
            raise forms.ValidationError("该组织代码已被使用")
        return code
