"""Fixtures of the organizational-life tests: the shared world plus a committee for branch B1."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.life.validation import ActivityInput
from dangjian.orgs.models import CommitteeRole
from dangjian.orgs.services import committee_create
from dangjian.test import MemberFactory, World

COMMITTEE_SINCE = dt.date(2020, 1, 1)


@pytest.fixture
def b1_committee(world: World):  # noqa: ANN201
    """B1 gets a third member (王红) and a committee: m1 secretary, m2 organization, m5 propaganda."""
    m5 = MemberFactory(name="王红", organization=world.b1, gender="F")
    world.members["m5"] = m5
    return committee_create(
        actor=world.user("street_staff"),
        organization=world.b1,
        elected_on=COMMITTEE_SINCE,
        seats=[
            {"member": world.members["m1"], "role": CommitteeRole.SECRETARY},
            {"member": world.members["m2"], "role": CommitteeRole.ORGANIZATION},
            {"member": m5, "role": CommitteeRole.PROPAGANDA},
        ],
    )


LONG_MINUTES = (
    "会议主题：学习贯彻党的二十大精神。支部书记张建国传达了上级党委关于深入学习党的二十大报告的通知要求，"
    "结合社区实际逐段领学了报告第三部分内容。与会党员围绕如何发挥党员先锋模范作用、做好老旧小区改造中的群众工作"
    "进行了讨论，李秀英同志提出要发动楼道党员上门宣传政策，王红同志建议建立楼栋议事会。会议决定：一是本月内完成"
    "楼栋党员联系户调整；二是组织党员志愿者参与小区环境整治；三是下次会议听取各楼栋落实情况汇报。"
)


def activity_input(**overrides) -> ActivityInput:  # noqa: ANN003
    base = dict(
        kind="general_meeting",
        date=dt.date(2024, 3, 15),
        start_time=dt.time(9, 0),
        place="社区党群服务中心",
        host=None,
        recorder=None,
        topic="学习党的二十大精神",
        minutes=LONG_MINUTES,
        resolutions="",
    )
    base.update(overrides)
    return ActivityInput(**base)
