"""The structure each kind of minutes starts with (domain-rules.md §7: date, place, host, recorder,
expected/attended/absent, topic, content, resolutions). Attendance and counts are not typed: the
system computes them from the lists, so the templates only say so."""

from __future__ import annotations

from dangjian.life.models import ActivityKind

_COMMON_HEAD = "会议主题：\n应到/实到/缺席：由系统根据出席名单计算，无需填写\n"

TEMPLATES: dict[str, str] = {
    ActivityKind.GENERAL_MEETING: _COMMON_HEAD
    + "议程：\n一、\n二、\n三、\n讨论情况：\n\n表决情况（有表决权党员到会须过半数）：\n\n决议：\n",
    ActivityKind.COMMITTEE_MEETING: _COMMON_HEAD
    + "议程：\n一、\n二、\n讨论情况：\n\n决定事项：\n\n分工落实：\n",
    ActivityKind.GROUP_MEETING: _COMMON_HEAD + "学习内容：\n\n交流发言：\n\n下一步安排：\n",
    ActivityKind.LECTURE: "党课题目：\n授课人：\n应到/实到/缺席：由系统根据出席名单计算，无需填写\n"
    + "授课提纲：\n一、\n二、\n三、\n学员交流：\n\n",
    ActivityKind.THEMED_DAY: "主题党日主题：\n应到/实到/缺席：由系统根据出席名单计算，无需填写\n"
    + "活动流程：\n一、重温入党誓词\n二、集中学习\n三、\n活动情况：\n\n党员感想：\n\n",
    ActivityKind.LIFE_MEETING: _COMMON_HEAD
    + "会前准备（学习研讨、征求意见、谈心谈话）：\n\n"
    + "对照检查：\n（支部书记代表支委会作对照检查；党员逐一对照检查）\n\n"
    + "批评与自我批评：\n（每名党员作自我批评，其他党员逐一提出批评意见，记录具体内容）\n\n"
    + "民主评议党员：\n\n整改措施：\n",
    ActivityKind.OTHER: _COMMON_HEAD + "活动内容：\n\n",
}


def template_for(kind: str) -> str:
    return TEMPLATES.get(kind, TEMPLATES[ActivityKind.OTHER])


def content_length(minutes: str, kind: str) -> int:
    """Characters actually written: the template's own lines and all whitespace do not count."""
    skeleton = {line.strip() for line in template_for(kind).splitlines() if line.strip()}
    written = [line.strip() for line in minutes.splitlines() if line.strip() and line.strip() not in skeleton]
    return sum(len("".join(line.split())) for line in written)


def has_criticism_and_self_criticism(minutes: str) -> bool:
    """批评 and 自我批评 both present as content (not only in the template's headings)."""
    skeleton = {line.strip() for line in template_for(ActivityKind.LIFE_MEETING).splitlines() if line.strip()}
    text = "\n".join(line for line in minutes.splitlines() if line.strip() not in skeleton)
    return "自我批评" in text and "批评" in text.replace("自我批评", "")
