from __future__ import annotations

from django import forms

from dangjian.core.forms import DateInput
from dangjian.elections.models import CandidateRole


class ElectionForm(forms.Form):
    organization = forms.ModelChoiceField(label="党组织", queryset=None)  # type: ignore[arg-type]
    held_on = forms.DateField(label="选举日期", widget=DateInput)
    place = forms.CharField(label="地点", max_length=100, required=False)
    seats = forms.IntegerField(label="应选委员名额", min_value=1, max_value=15)
    term_years = forms.IntegerField(
        label="任期（年）",
        min_value=1,
        max_value=5,
        required=False,
        help_text="留空按组织类别：党委5年，总支、支部3年",
    )
    attending_reported = forms.IntegerField(label="会议记录实到人数", min_value=0)
    secretary_is_director = forms.BooleanField(label="书记兼任居委会主任（一肩挑）", required=False)

    def __init__(self, *args, orgs, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = orgs


class CountsForm(forms.Form):
    attending_reported = forms.IntegerField(label="会议记录实到人数", min_value=0)
    ballots_issued = forms.IntegerField(label="发出选票", min_value=0)
    ballots_returned = forms.IntegerField(label="收回选票", min_value=0)
    ballots_invalid = forms.IntegerField(label="无效票", min_value=0)


class CandidateForm(forms.Form):
    member = forms.ModelChoiceField(label="候选人", queryset=None)  # type: ignore[arg-type]
    role = forms.ChoiceField(label="候选职务", choices=CandidateRole.choices)
    portfolio = forms.ChoiceField(
        label="分工",
        required=False,
        choices=[
            ("", "—"),
            ("organization", "组织委员"),
            ("propaganda", "宣传委员"),
            ("discipline", "纪检委员"),
        ],
    )
    votes_for = forms.IntegerField(label="赞成票", min_value=0)
    votes_against = forms.IntegerField(label="反对票", min_value=0, initial=0)
    abstain = forms.IntegerField(label="弃权票", min_value=0, initial=0)

    def __init__(self, *args, members, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
