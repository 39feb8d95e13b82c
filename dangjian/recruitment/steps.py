"""The 25 steps of recruitment in 5 stages (《中国共产党发展党员工作细则》, 2014), as data.

Each step names the stage it belongs to, the body that decides it, the steps that must be
recorded before it, and the documents that belong to it. The timeline rules (timeline.py) and the
file's forms read this table; nothing else hard-codes a step number's meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

BASIS = "《中国共产党发展党员工作细则》"


class RecruitStage(models.TextChoices):
    APPLICANT = "applicant", "入党申请人"
    ACTIVIST = "activist", "入党积极分子"
    CANDIDATE = "candidate", "发展对象"
    PROBATIONARY = "probationary", "预备党员"
    CONFIRMED = "confirmed", "预备党员转正"


class DocumentKind(models.TextChoices):
    APPLICATION = "application", "入党申请书"
    TALK_RECORD = "talk_record", "谈话记录"
    THOUGHT_REPORT = "thought_report", "思想汇报"
    CULTIVATION_BOOK = "cultivation_book", "培养考察写实簿"
    POLITICAL_REVIEW = "political_review", "政治审查材料"
    TRAINING_CERTIFICATE = "training_certificate", "集中培训结业证书"
    PUBLICITY = "publicity", "公示材料"
    PRE_REVIEW = "pre_review", "预审意见"
    VOLUNTEER_FORM = "volunteer_form", "入党志愿书"
    BRANCH_DECISION = "branch_decision", "支部大会决议"
    APPROVAL = "approval", "上级党委审批意见"
    OATH = "oath", "入党宣誓记录"
    PROBATION_REVIEW = "probation_review", "预备期考察材料"
    CONFIRMATION_APPLICATION = "confirmation_application", "转正申请书"
    CONFIRMATION_DECISION = "confirmation_decision", "转正决议及审批"


@dataclass(frozen=True)
class Step:
    number: int
    stage: RecruitStage
    title: str
    body: str  # who decides or does it
    after: tuple[int, ...] = ()  # steps that must already be recorded (and dated no later)
    documents: tuple[DocumentKind, ...] = ()


A, AC, C, P, CF = (
    RecruitStage.APPLICANT,
    RecruitStage.ACTIVIST,
    RecruitStage.CANDIDATE,
    RecruitStage.PROBATIONARY,
    RecruitStage.CONFIRMED,
)
D = DocumentKind

STEPS: tuple[Step, ...] = (
    Step(1, A, "递交入党申请书", "申请人", (), (D.APPLICATION,)),
    Step(2, A, "党组织派人谈话", "党支部", (1,), (D.TALK_RECORD,)),
    Step(3, AC, "推荐和确定入党积极分子", "党支部委员会", (2,)),
    Step(4, AC, "上级党委备案", "上级党委", (3,)),
    Step(5, AC, "指定培养联系人", "党支部", (3,)),
    Step(6, AC, "培养教育考察", "党支部", (5,), (D.CULTIVATION_BOOK, D.THOUGHT_REPORT)),
    Step(7, C, "确定发展对象", "党支部委员会", (4, 6)),
    Step(8, C, "报上级党委备案", "上级党委", (7,)),
    Step(9, C, "确定入党介绍人", "党支部", (7,)),
    Step(10, C, "进行政治审查", "党支部", (7,), (D.POLITICAL_REVIEW,)),
    Step(11, C, "开展集中培训", "上级党委", (7,), (D.TRAINING_CERTIFICATE,)),
    Step(12, P, "支部委员会审查并公示", "党支部委员会", (9, 10, 11), (D.PUBLICITY,)),
    Step(13, P, "上级党委预审", "上级党委", (12,), (D.PRE_REVIEW,)),
    Step(14, P, "填写入党志愿书", "发展对象", (13,), (D.VOLUNTEER_FORM,)),
    Step(15, P, "支部大会讨论", "党支部党员大会", (14,), (D.BRANCH_DECISION,)),
    Step(16, P, "上级党委派人谈话", "上级党委", (15,)),
    Step(17, P, "上级党委审批", "上级党委", (16,), (D.APPROVAL,)),
    Step(18, P, "再上一级党委组织部门备案", "上级党委", (17,)),
    Step(19, CF, "编入党支部和党小组", "党支部", (17,)),
    Step(20, CF, "入党宣誓", "党支部", (17,), (D.OATH,)),
    Step(21, CF, "继续教育考察", "党支部", (19,), (D.PROBATION_REVIEW,)),
    Step(22, CF, "提出转正申请", "预备党员", (21,), (D.CONFIRMATION_APPLICATION,)),
    Step(23, CF, "支部大会讨论转正", "党支部党员大会", (22,)),
    Step(24, CF, "上级党委审批转正", "上级党委", (23,), (D.CONFIRMATION_DECISION,)),
    Step(25, CF, "材料归档", "党支部", (24,)),
)
STEP = {s.number: s for s in STEPS}


def stage_of(recorded: set[int]) -> RecruitStage:
    """The stage a file is in: the stage of its highest recorded step (stage 1 when empty).
    Admission (step 17 approved) makes a probationary member; step 24 confirms."""
    if not recorded:
        return RecruitStage.APPLICANT
    top = max(recorded)
    if top >= 24:
        return RecruitStage.CONFIRMED
    if top >= 17:
        return RecruitStage.PROBATIONARY
    return STEP[top].stage if top < 12 else RecruitStage.CANDIDATE
