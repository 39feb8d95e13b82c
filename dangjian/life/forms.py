"""Web forms: they parse input into Python types and render widgets; the rules themselves live in
dangjian.life.validation and dangjian.life.services (shared with the API)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.http import QueryDict

from dangjian.core.params import int_list
from dangjian.life.models import AbsenceReason, ActivityKind, AppraisalGrade
from dangjian.life.validation import ActivityInput
from dangjian.members.models import Member

_GUEST_SPLIT = re.compile(r"[\s,，、;；]+", re.UNICODE)


def _people(members: list[Member], blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(str(m.pk), m.name) for m in members]


class ActivityForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start_time = forms.TimeField(
        label="开始时间", required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.CharField(label="地点", max_length=100)
    host = forms.TypedChoiceField(label="主持人", coerce=int, empty_value=None)
    recorder = forms.TypedChoiceField(label="记录人", coerce=int, empty_value=None)
    topic = forms.CharField(label="会议主题", max_length=200)
    lecturer = forms.TypedChoiceField(label="授课人", coerce=int, empty_value=None, required=False)
    lecturer_name = forms.CharField(
        label="外请授课人", max_length=50, required=False, help_text="授课人不是本组织党员时填写姓名和单位"
    )
    lecture_title = forms.CharField(label="党课题目", max_length=200, required=False)
    guests = forms.CharField(
        label="列席人员（非党员、上级领导、共建单位人员）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "每行一人：姓名 单位，如：王明 区委组织部"}),
    )
    minutes = forms.CharField(label="会议记录", required=False, widget=forms.Textarea(attrs={"rows": 14}))
    resolutions = forms.CharField(label="决议事项", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, kind: str, people: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["host"].choices = _people(people, "请选择")
        self.fields["recorder"].choices = _people(people, "请选择")
        self.fields["lecturer"].choices = _people(people, "外请授课人（在下方填写）")
        self.fields["host"].required = self.fields["recorder"].required = (
            False  # the shared check names the error
        )
        self.fields["place"].required = self.fields["topic"].required = False
        if kind != ActivityKind.LECTURE:
            for name in ("lecturer", "lecturer_name", "lecture_title"):
                del self.fields[name]

    def to_input(self, post: QueryDict) -> ActivityInput:
        c = self.cleaned_data
        shown = int_list(post.getlist("expected"))
        attended = set(int_list(post.getlist("attended")))
        absences = {
            pk: (post.get(f"reason_{pk}", ""), post.get(f"note_{pk}", ""))
            for pk in shown
            if pk not in attended
        }
        return ActivityInput(
            kind=self.kind,
            date=c.get("date"),
            start_time=c.get("start_time"),
            place=c.get("place", ""),
            host=c.get("host"),
            recorder=c.get("recorder"),
            topic=c.get("topic", ""),
            minutes=c.get("minutes", ""),
            resolutions=c.get("resolutions", ""),
            lecturer=c.get("lecturer"),
            lecturer_name=c.get("lecturer_name", ""),
            lecture_title=c.get("lecture_title", ""),
            attended=attended,
            absences=absences,
            guests=parse_guests(c.get("guests", "")),
        )


def parse_guests(text: str) -> list[tuple[str, str]]:
    out = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        parts = _GUEST_SPLIT.split(line, maxsplit=1)
        out.append((parts[0], parts[1] if len(parts) > 1 else ""))
    return out


def guests_text(guests: list[Any]) -> str:
    return "\n".join(f"{g.name} {g.unit}".strip() for g in guests)


REASON_CHOICES = [("", "缺席原因")] + list(AbsenceReason.choices)


class AttachmentForm(forms.Form):
    file = forms.FileField(label="上传附件（照片、PDF或Word文档）")


class TalkForm(forms.Form):
    participant_a = forms.TypedChoiceField(label="谈话人", coerce=int, empty_value=None, required=False)
    participant_b = forms.TypedChoiceField(label="谈话对象", coerce=int, empty_value=None, required=False)
    date = forms.DateField(label="日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="地点", max_length=100, required=False)
    summary = forms.CharField(label="谈话内容摘要", required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, people: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant_a"].choices = _people(people, "请选择")
        self.fields["participant_b"].choices = _people(people, "请选择")


class DutyReportForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=1921)
    secretary = forms.TypedChoiceField(label="述职人（书记）", coerce=int, empty_value=None, required=False)
    text = forms.CharField(label="述职报告", required=False, widget=forms.Textarea(attrs={"rows": 10}))

    def __init__(self, *args: Any, people: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["secretary"].choices = _people(people, "请选择")


class PlanItemForm(forms.Form):
    month = forms.TypedChoiceField(
        label="月份",
        coerce=int,
        empty_value=None,
        choices=[("", "请选择")] + [(str(m), f"{m}月") for m in range(1, 13)],
        required=False,
    )
    kind = forms.ChoiceField(label="活动形式", required=False)
    topic = forms.CharField(label="学习主题", max_length=200, required=False)

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "请选择")] + kinds


GRADE_CHOICES = [("", "未评")] + list(AppraisalGrade.choices)


def year_choices(today: dt.date, first: int | None = None) -> list[int]:
    start = first or today.year - 6
    return list(range(today.year, start - 1, -1))
