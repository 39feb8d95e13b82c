"""Synthetic Party-work prose for the copied-text tests: texts built from a shared vocabulary (so
unrelated texts overlap as real minutes do, in stock phrases) and variants with edits of known size."""

from __future__ import annotations

import random

WORDS = [
    "支部",
    "党员",
    "大会",
    "学习",
    "贯彻",
    "习近平新时代中国特色社会主义思想",
    "党的二十大精神",
    "组织生活",
    "三会一课",
    "主题党日",
    "党课",
    "支委会",
    "党小组",
    "谈心谈话",
    "批评与自我批评",
    "民主评议",
    "整改",
    "落实",
    "责任",
    "意识形态",
    "工作",
    "社区",
    "居民",
    "服务",
    "群众",
    "志愿",
    "活动",
    "环境",
    "整治",
    "安全",
    "巡逻",
    "慰问",
    "困难",
    "老党员",
    "走访",
    "宣传",
    "文明",
    "创建",
    "学习强国",
    "讨论",
    "发言",
    "交流",
    "体会",
    "会议",
    "通报",
    "部署",
    "要求",
    "强调",
    "提高",
    "认识",
    "增强",
    "四个意识",
    "坚定",
    "四个自信",
    "做到",
    "两个维护",
    "先锋",
    "模范",
    "作用",
    "发挥",
    "战斗堡垒",
    "基层",
    "党建",
    "引领",
    "治理",
    "网格",
    "楼栋",
    "物业",
    "矛盾",
    "调解",
    "诉求",
    "办实事",
    "解难题",
    "作风",
    "纪律",
    "廉洁",
    "警示",
    "教育",
    "制度",
    "规范",
    "台账",
    "记录",
    "档案",
    "材料",
    "计划",
    "总结",
    "考核",
    "积分",
    "表彰",
    "先进",
    "典型",
    "示范",
    "共建",
    "单位",
    "联建",
    "资源",
    "整合",
    "疫情",
    "防控",
    "垃圾",
    "分类",
    "养老",
    "托育",
    "就业",
    "帮扶",
    "关爱",
    "留守",
    "儿童",
    "残疾人",
    "退役军人",
    "流动党员",
    "在职党员",
    "报到",
]
NAMES = ["张建国", "李秀英", "王志强", "赵丽华", "刘德明", "陈桂英", "杨海涛", "周晓燕"]
PUNCT = "，，，、。；"


def text(rng: random.Random, words: int = 160) -> str:
    """One text of `words` words in sentences, with a date, a host and a count, like minutes."""
    out = [
        f"{rng.randint(2020, 2024)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日，{rng.choice(NAMES)}同志主持会议。"
    ]
    sentence: list[str] = []
    for _ in range(words):
        sentence.append(rng.choice(WORDS))
        if len(sentence) >= rng.randint(6, 14):
            out.append(
                "".join(sentence) + rng.choice(PUNCT[:-1]) if rng.random() < 0.6 else "".join(sentence) + "。"
            )
            sentence = []
    out.append("".join(sentence) + "。")
    out.append(f"应到{rng.randint(8, 30)}人，实到{rng.randint(5, 8)}人。")
    return "".join(out)


def replace_chars(rng: random.Random, s: str, count: int) -> str:
    """`count` CJK characters replaced by other CJK characters (positions distinct)."""
    chars = list(s)
    cjk = [i for i, c in enumerate(chars) if "\u4e00" <= c <= "\u9fff"]
    for i in rng.sample(cjk, min(count, len(cjk))):
        chars[i] = chr(rng.randint(0x4E00, 0x9FA5))
    return "".join(chars)


def reorder_sentences(rng: random.Random, s: str) -> str:
    parts = [p + "。" for p in s.split("。") if p]
    rng.shuffle(parts)
    return "".join(parts)


def change_names_and_dates(s: str) -> str:
    for a, b in zip(NAMES, NAMES[1:] + NAMES[:1], strict=True):
        s = s.replace(a, b.replace(b[0], "@", 1))
    s = s.replace("@", "孙")
    out = []
    for c in s:
        out.append(str((int(c) + 3) % 10) if c.isdigit() else c)
    return "".join(out)
