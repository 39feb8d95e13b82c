"""Chinese personal names for demo data and tests: common surnames weighted by frequency, given names
typical of the person's generation and gender. Deterministic for a given `random.Random`."""

from __future__ import annotations

import random
from itertools import accumulate

# The most common surnames with their approximate share (per mille) of the population; Jiangsu
# favourites (陆, 顾, 钱, 沈, 朱) weighted up a little.
_SURNAMES = (
    ("王", 72),
    ("李", 70),
    ("张", 68),
    ("刘", 54),
    ("陈", 50),
    ("杨", 31),
    ("黄", 22),
    ("赵", 22),
    ("吴", 22),
    ("周", 20),
    ("徐", 20),
    ("孙", 16),
    ("马", 14),
    ("朱", 16),
    ("胡", 13),
    ("郭", 12),
    ("何", 12),
    ("高", 11),
    ("林", 10),
    ("罗", 9),
    ("郑", 8),
    ("梁", 8),
    ("谢", 7),
    ("宋", 7),
    ("唐", 7),
    ("许", 7),
    ("韩", 6),
    ("冯", 6),
    ("邓", 6),
    ("曹", 6),
    ("彭", 6),
    ("曾", 5),
    ("肖", 5),
    ("田", 5),
    ("董", 5),
    ("袁", 5),
    ("潘", 5),
    ("于", 5),
    ("蒋", 6),
    ("蔡", 5),
    ("余", 4),
    ("杜", 4),
    ("叶", 4),
    ("程", 4),
    ("苏", 4),
    ("魏", 4),
    ("吕", 4),
    ("丁", 4),
    ("任", 4),
    ("沈", 6),
    ("姚", 3),
    ("卢", 3),
    ("姜", 3),
    ("崔", 3),
    ("钟", 3),
    ("谭", 3),
    ("陆", 5),
    ("汪", 3),
    ("范", 3),
    ("金", 3),
    ("石", 3),
    ("廖", 3),
    ("贾", 3),
    ("夏", 3),
    ("韦", 2),
    ("付", 2),
    ("方", 3),
    ("白", 2),
    ("邹", 2),
    ("孟", 2),
    ("熊", 2),
    ("秦", 2),
    ("邱", 2),
    ("江", 2),
    ("尹", 2),
    ("薛", 2),
    ("闫", 2),
    ("段", 2),
    ("雷", 2),
    ("侯", 2),
    ("龙", 2),
    ("史", 2),
    ("陶", 2),
    ("黎", 2),
    ("贺", 2),
    ("顾", 4),
    ("毛", 2),
    ("郝", 2),
    ("龚", 2),
    ("邵", 2),
    ("万", 2),
    ("钱", 3),
    ("严", 2),
    ("戴", 2),
    ("孔", 1),
    ("汤", 2),
    ("殷", 1),
    ("倪", 1),
    ("葛", 1),
    ("欧阳", 1),
    ("司马", 1),
    ("诸葛", 1),
)
_SURNAME_CHOICES = [s for s, _ in _SURNAMES]
_SURNAME_CUMULATIVE = list(accumulate(w for _, w in _SURNAMES))

# Given names by generation (birth year up to the key) and gender: whole given names, and pools of
# first and second characters that combine into two-character names.
_GENERATIONS: tuple[tuple[int, dict[str, tuple[str, str, str]]], ...] = (
    (
        1955,
        {
            "M": (
                "建国 国庆 国华 志明 德明 永生 树林 振华 文斌 家富 长发 福生 宝林 金山 保国 援朝 和平 国强 德胜 "
                "根生 荣华 有才 玉山 秀山 正德 光明 启明 汉民 兴华 少华 忠诚 庆祥 世昌",
                "建 国 德 永 振 文 家 长 福 宝 金 保 和 志 荣 玉 正 光 兴 忠 庆 世 树 汉",
                "华 明 生 林 山 国 强 胜 才 德 民 昌 祥 发 富 成 海 荣 义 仁 贵 章 彬 良",
            ),
            "F": (
                "秀英 桂英 玉兰 秀兰 凤英 淑珍 桂兰 秀珍 玉珍 玉梅 素珍 秀云 兰英 淑英 桂珍 凤兰 玉英 金凤 "
                "月英 美华 秀芳 素英 桂芳 凤珍 玉芬 秀华 淑芬 慧珍 佩芳 丽华",
                "秀 桂 玉 凤 淑 素 兰 金 月 美 慧 佩 翠 菊 银 彩",
                "英 兰 珍 梅 芳 云 华 芬 凤 琴 娣 霞 仙 萍 贞 容",
            ),
        },
    ),
    (
        1975,
        {
            "M": (
                "卫东 建华 红军 小平 建军 立新 国平 志刚 海涛 建平 宏伟 新民 跃进 红兵 永红 晓东 卫国 建新 "
                "向东 东升 继红 振宇 明亮 建明 国栋 学军 勇 强 军 刚 平 伟 斌 健 毅",
                "卫 建 红 小 立 志 海 宏 新 跃 永 晓 向 东 继 明 国 学 春 庆 文",
                "东 华 军 平 新 刚 涛 伟 民 进 兵 红 国 升 宇 亮 明 栋 林 峰 波 荣",
            ),
            "F": (
                "红梅 丽华 晓红 建英 海燕 春梅 秀梅 丽萍 玉华 美玲 小红 卫红 红英 建华 晓梅 丽娟 桂红 "
                "红 丽 霞 燕 敏 萍 静 艳 华 娟 琴 芳 玲",
                "红 丽 晓 建 海 春 秀 玉 美 小 卫 桂 亚 丽 雪 彩 金 爱",
                "梅 华 红 英 燕 萍 玲 娟 霞 芳 琴 敏 兰 琳 清 芬 平 云",
            ),
        },
    ),
    (
        1990,
        {
            "M": (
                "志强 海波 晓明 文杰 建伟 俊峰 伟明 晓峰 振华 鹏飞 海峰 国伟 明辉 建斌 磊 鹏 涛 超 斌 杰 浩 亮 "
                "伟 俊 峰 宇 辉 勇 军 健 飞 洋 帅 凯 旭",
                "志 海 晓 文 建 俊 伟 鹏 国 明 振 宏 家 子 永 金 立 少 继",
                "强 波 明 杰 伟 峰 飞 辉 斌 涛 龙 鹏 超 军 华 宇 亮 磊 凯 东 军",
            ),
            "F": (
                "晓燕 海燕 雪梅 丽娜 晓丽 春燕 丽丽 晓敏 美玲 文静 婷婷 丹丹 静 丽 婷 娜 敏 燕 艳 丹 玲 婧 "
                "倩 莉 颖 洁 慧 蕾 琳 璐",
                "晓 海 雪 丽 春 美 文 婷 丹 静 佳 雅 欣 玉 秀 金 慧 晶",
                "燕 梅 娜 丽 敏 玲 静 婷 丹 洁 颖 慧 琳 蕾 倩 莉 萍 璐 君",
            ),
        },
    ),
    (
        9999,
        {
            "M": (
                "浩然 子豪 宇航 俊杰 子轩 浩宇 博文 天宇 一鸣 思远 泽宇 皓轩 家豪 宇轩 明哲 晨 宇 浩 博 杰 轩 "
                "航 昊 睿 哲 凯 鑫 阳",
                "浩 子 宇 俊 博 天 一 思 泽 皓 家 明 嘉 梓 宏 晨 昊 睿 铭",
                "然 豪 航 杰 轩 宇 文 鸣 远 泽 辰 哲 睿 阳 凯 鑫 晨 涛 恒 川",
            ),
            "F": (
                "雨婷 欣怡 梓涵 诗涵 思雨 佳怡 雨欣 子涵 可馨 梦瑶 婷婷 悦 琪 萱 怡 佳 瑶 涵 璐 雯 "
                "佳琪 雨萱 思琪 梦琪 欣然",
                "雨 欣 梓 诗 思 佳 子 可 梦 雅 晓 心 若 语 静 一 紫 安",
                "婷 怡 涵 雨 欣 馨 瑶 琪 萱 然 彤 宁 悦 洁 琳 菲 璐 妍 雯",
            ),
        },
    ),
)
_PARSED = [
    (
        upto,
        {
            g: (whole.split(), list(first.split()), list(second.split()))
            for g, (whole, first, second) in pools.items()
        },
    )
    for upto, pools in _GENERATIONS
]


def surname(rng: random.Random) -> str:
    return rng.choices(_SURNAME_CHOICES, cum_weights=_SURNAME_CUMULATIVE, k=1)[0]


def given_name(rng: random.Random, gender: str, birth_year: int) -> str:
    """A one- or two-character given name fitting the generation; gender is "M" or "F"."""
    pools = next(p for upto, p in _PARSED if birth_year <= upto)
    whole, first, second = pools["M" if gender == "M" else "F"]
    roll = rng.random()
    if roll < 0.55:
        return rng.choice(whole)
    if roll < 0.75:
        return rng.choice(second)  # single-character given name: 王强, 李梅
    a, b = rng.choice(first), rng.choice(second)
    return a + b if a != b else a + rng.choice(second)


def person_name(rng: random.Random, gender: str, birth_year: int) -> str:
    """A full name such as 张建国 (born 1950, male) or 李欣怡 (born 2000, female)."""
    return surname(rng) + given_name(rng, gender, birth_year)
