"""Phrase banks for the demo's minutes, talks, lectures and duty reports: realistic Chinese texts of a
community branch, composed from parts so that no two meetings read alike (unless a planted copy
makes them). Deterministic for a given `random.Random`."""

from __future__ import annotations

import datetime as dt
import random

# What was studied, by year (the national study campaigns), and community work that recurs.
YEAR_THEMES: dict[int, list[str]] = {
    2019: [
        "“不忘初心、牢记使命”主题教育",
        "新中国成立70周年",
        "党的十九届四中全会精神",
        "《中国共产党支部工作条例（试行）》",
    ],
    2020: ["疫情防控中党员先锋作用", "党的十九届五中全会精神", "决战决胜脱贫攻坚", "《民法典》"],
    2021: ["党史学习教育", "庆祝中国共产党成立100周年", "党的十九届六中全会精神", "“我为群众办实事”实践活动"],
    2022: ["党的二十大精神", "喜迎党的二十大", "《习近平谈治国理政》第四卷", "新时代文明实践"],
    2023: [
        "学习贯彻习近平新时代中国特色社会主义思想主题教育",
        "大兴调查研究",
        "党的二十大报告",
        "新时代“枫桥经验”",
    ],
    2024: ["党纪学习教育", "《中国共产党纪律处分条例》", "党的二十届三中全会精神", "以学促干推动基层治理"],
    2025: [
        "深入贯彻中央八项规定精神学习教育",
        "党的二十届四中全会精神",
        "纪念中国人民抗日战争胜利80周年",
        "作风建设",
    ],
    2026: ["“十五五”规划建议", "党的二十届四中全会精神", "作风建设常态化长效化", "基层治理现代化"],
}
GENERIC_THEMES = [
    "习近平新时代中国特色社会主义思想",
    "《中国共产党章程》",
    "党的基本理论",
    "党员先锋模范作用",
]

COMMUNITY_WORK = [
    "垃圾分类",
    "老旧小区改造",
    "加装电梯",
    "防汛防台",
    "文明城市创建",
    "防范电信网络诈骗宣传",
    "关爱独居老人",
    "消防安全隐患排查",
    "小区停车秩序整治",
    "楼道堆物清理",
    "平安社区建设",
    "困难党员帮扶",
    "邻里矛盾调解",
    "社区环境整治",
    "为老服务",
    "暑期青少年托管",
    "创建无障碍社区",
    "物业服务监督",
]
PANDEMIC_WORK = ["疫情防控值守", "核酸检测志愿服务", "疫苗接种动员"]

PLACES = ["社区党群服务中心", "社区会议室", "党员活动室", "新时代文明实践站", "社区书屋", "红色议事厅"]

OPENINGS = [
    "会议由{host}同志主持，{recorder}同志记录。",
    "{host}同志主持会议，{recorder}同志负责记录。",
    "本次会议由{host}同志主持，记录人{recorder}。",
]

COMMITTEE_AGENDA = [
    "研究本月主题党日活动安排",
    "通报上月工作完成情况",
    "研究{work}工作方案",
    "研究党费收缴情况",
    "讨论入党积极分子培养考察情况",
    "研究困难党员慰问名单",
    "研究党员志愿服务安排",
    "部署{theme}学习",
    "研究流动党员联系管理",
    "研究在职党员到社区报到情况",
    "讨论组织生活会准备工作",
]

STATEMENTS = [
    "要把{theme}同社区实际结合起来，多听听居民的意见。",
    "我们楼道里老党员多，建议把{theme}的学习材料印成大字版送上门。",
    "{work}关键在落实，支部要明确责任人和时间节点。",
    "党员要带头，在{work}中亮身份、作表率。",
    "上次会议布置的任务大部分已经完成，{work}还需要再加把劲。",
    "建议利用微信群把{theme}的学习材料转发给在职党员和流动党员。",
    "{work}涉及居民切身利益，要把政策讲清楚、把账算明白。",
    "可以联系共建单位，一起开展{work}。",
    "学习{theme}不能只念文件，要结合身边事谈体会。",
    "我所在的楼栋{work}推进得比较顺利，主要是楼长和党员一起上门做工作。",
    "有几位高龄党员行动不便，建议由结对党员上门送学。",
    "{work}中发现有的居民不理解，我们要耐心解释，不能简单化。",
    "希望支部多组织一些实践活动，让大家学了就用。",
    "我年纪大了，但{work}这样的事还能出一份力。",
    "建议把{work}纳入党员积分管理，调动大家的积极性。",
    "通过学习{theme}，我对党员的责任有了更深的认识。",
    "要注意发挥年轻党员的作用，让他们多承担一些工作。",
    "{work}的情况要及时向社区党委汇报，需要协调的事项早提出来。",
]

DECISIONS = [
    "{work}由{name}同志牵头，本月底前完成。",
    "下次会议听取{work}落实情况汇报。",
    "组织党员志愿者每周开展一次{work}。",
    "各党小组结合实际开展{theme}学习讨论，月底前报送学习情况。",
    "对行动不便的党员实行送学上门，由结对党员负责。",
    "同意将{name}同志列为入党积极分子培养对象，报社区党委备案。",
    "党费由组织委员按月收缴，做好登记。",
    "走访慰问困难党员，名单报社区党委审核。",
]

THEMED_DAY_ACTIONS = [
    "重温入党誓词",
    "集中学习{theme}",
    "开展{work}志愿服务",
    "观看专题教育片",
    "参观红色教育基地",
    "为高龄党员过“政治生日”",
    "走访慰问困难群众",
    "开展“党员亮身份”活动",
    "清理楼道堆物",
]
THEMED_DAY_FEELINGS = [
    "大家表示，要在{work}中发挥党员作用。",
    "{name}同志说，这样的活动让老党员感到组织的温暖。",
    "党员们纷纷表示，要把学习成果转化为服务居民的实际行动。",
    "活动结束后，党员们在{work}点位继续值守了一个小时。",
    "{name}同志谈到，入党誓词常学常新，要时刻对照检查自己。",
]

LECTURE_TITLES = [
    "深刻领会{theme}的核心要义",
    "从党史中汲取奋进力量",
    "做新时代合格共产党员",
    "守初心、担使命，争做社区表率",
    "以党建引领基层治理",
    "严守党的纪律和规矩",
    "发扬优良作风，密切联系群众",
    "学习{theme}，践行为民宗旨",
]
LECTURE_POINTS = [
    "一是提高政治站位，深刻认识{theme}的重大意义；",
    "二是联系社区实际，把学习成果转化为{work}的具体举措；",
    "三是党员要在服务居民中亮身份、作表率；",
    "四是严守纪律规矩，做到知敬畏、存戒惧、守底线；",
    "五是加强自身学习，做到学思用贯通、知信行统一。",
]
# Seed 002, problem 13: a lecture text naming another city, copied from elsewhere.
FOREIGN_LECTURE_SENTENCE = "我们要继续解放思想、改革创新，为深圳改革开放和现代化建设做出新的更大贡献。"

SELF_CRITICISMS = [
    "理论学习不够系统，满足于读原文、听报告，结合实际思考不够",
    "联系群众不够紧密，上门走访的次数少",
    "参加组织生活有时请假，发挥作用不够明显",
    "对学习强国等新媒体平台使用不熟练，学习方式单一",
    "工作中有畏难情绪，遇到矛盾有时绕着走",
    "对年轻党员的传帮带做得不够",
    "在{work}中主动性不强，等安排的多、主动想办法的少",
    "批评与自我批评的勇气不足，有好人主义思想",
]
CRITICISMS = [
    "希望{name}同志多参加支部集中学习",
    "{name}同志在{work}中方法还可以更细致一些",
    "建议{name}同志加强理论学习，多写学习体会",
    "{name}同志对楼道里的困难群众关心还不够",
    "希望{name}同志在会上多发言，把意见讲出来",
    "{name}同志按时交纳党费做得好，但参加志愿服务次数偏少",
]
RECTIFICATIONS = [
    "制定个人学习计划，每月至少撰写一篇学习体会",
    "每季度至少走访联系户一次",
    "按时参加组织生活，不无故缺席",
    "主动认领{work}志愿服务岗位",
    "开展结对帮扶，带动身边党员共同进步",
]

TALK_OPENINGS = [
    "双方围绕{theme}学习体会和近期工作交换了意见。",
    "{a}同志与{b}同志就{work}中遇到的问题进行了谈心。",
    "谈话在坦诚的氛围中进行，{b}同志谈了近期思想、工作和生活情况。",
    "{a}同志了解了{b}同志家庭和身体情况，听取了对支部工作的意见。",
]
TALK_MIDDLES = [
    "{b}同志提出，希望支部多组织实践类活动，学习形式可以更灵活。",
    "{b}同志表示，在{work}中愿意多承担一些工作。",
    "{a}同志指出，{b}同志在楼道工作中群众基础好，但理论学习还需加强。",
    "双方互相提了意见，{b}同志认为支部会议有时通知太晚。",
    "{b}同志谈到身体原因参加活动不便，{a}同志表示支部将安排送学上门。",
    "{a}同志肯定了{b}同志在{work}中的表现。",
]
TALK_CLOSINGS = [
    "双方表示今后要加强沟通，互相提醒、共同进步。",
    "谈话达到了沟通思想、增进团结的目的。",
    "对提出的意见建议，支部将在下次支委会上研究。",
    "{b}同志表示将按时参加组织生活，发挥党员作用。",
]

DUTY_IDEOLOGY = [
    "认真落实意识形态工作责任制，把意识形态工作纳入支部年度工作计划，定期分析研判党员思想动态，"
    "加强对支部微信群等阵地的管理，及时澄清网络谣言。",
    "履行意识形态工作第一责任人职责，每半年专题研究一次意识形态工作，组织党员学习网络安全和保密知识，"
    "引导党员在网上网下发出正面声音。",
    "落实意识形态工作责任制，利用宣传栏、楼道文化墙宣传社会主义核心价值观，"
    "对居民中出现的不当言论做到早发现、早引导。",
]
DUTY_PROBLEMS = [
    "一是理论学习形式比较单一，学习讨论多是念文件；二是对年轻党员、在职党员的管理还不够到位。",
    "一是“三会一课”记录还不够规范；二是高龄党员多，组织生活参与面有待扩大。",
    "一是创新意识不强，主题党日活动吸引力不够；二是发展党员工作进展较慢。",
]
DUTY_PLANS = [
    "下一步，将严格落实“三会一课”制度，创新学习形式，加强党员日常管理，推动支部工作再上新台阶。",
    "下一步，将围绕社区中心工作，深化党员志愿服务，做好老党员关爱，提升支部凝聚力。",
    "今后，将进一步规范组织生活，加强党员教育管理，发挥好支部战斗堡垒作用。",
]


def themes(year: int) -> list[str]:
    return YEAR_THEMES.get(year, GENERIC_THEMES)


def work_items(year: int) -> list[str]:
    return COMMUNITY_WORK + (PANDEMIC_WORK if 2020 <= year <= 2022 else [])


def _fill(rng: random.Random, template: str, names: list[str], theme: str, work: str) -> str:
    return template.format(theme=theme, work=work, name=rng.choice(names) if names else "有关")


def _statements(rng: random.Random, speakers: list[str], theme: str, work: str, low: int, high: int) -> str:
    if not speakers:
        return ""
    picked = rng.sample(speakers, min(len(speakers), rng.randint(low, high)))
    bank = rng.sample(STATEMENTS, len(picked))
    return "".join(
        f"{name}同志发言：{_fill(rng, s, speakers, theme, work)}"
        for name, s in zip(picked, bank, strict=True)
    )


def minutes(
    rng: random.Random,
    *,
    kind: str,
    day: dt.date,
    org_name: str,
    place: str,
    host: str,
    recorder: str,
    attendees: list[str],
    theme: str,
    work: str,
    criticism: bool = True,
    foreign_place: bool = False,
) -> tuple[str, str, str]:
    """(topic, minutes, resolutions) for one activity."""
    opening = f"{day:%Y年%m月%d日}，{org_name}在{place}召开"
    who = rng.choice(OPENINGS).format(host=host, recorder=recorder)
    if kind == "committee_meeting":
        agenda = [a.format(work=work, theme=theme) for a in rng.sample(COMMITTEE_AGENDA, rng.randint(2, 3))]
        topic = agenda[0]
        body = (
            f"{opening}支委会。{who}会议议程："
            + "；".join(f"{i}.{a}" for i, a in enumerate(agenda, 1))
            + "。"
            + _statements(rng, attendees, theme, work, 2, 3)
            + f"{host}同志最后强调，支委要带头抓好落实，{rng.choice(['按时向社区党委报告进展', '及时通报党员', '做好记录存档'])}。"
        )
        decisions = rng.sample(DECISIONS, 2)
    elif kind == "general_meeting":
        topic = rng.choice([f"学习{theme}", f"通报支部工作并部署{work}", f"半年工作总结暨{theme}学习"])
        body = (
            f"{opening}支部党员大会。{who}会议首先{rng.choice(['传达了上级党委有关文件精神', '通报了上季度支部工作', '领学了' + theme + '有关内容'])}，"
            f"随后围绕{work}进行了讨论。"
            + _statements(rng, attendees, theme, work, 2, 4)
            + f"会议对下阶段工作作了安排，要求全体党员{rng.choice(['按时参加组织生活', '在' + work + '中发挥先锋作用', '带头遵守居民公约'])}。"
        )
        decisions = rng.sample(DECISIONS, rng.randint(1, 3))
    elif kind == "group_meeting":
        topic = rng.choice([f"学习{theme}", f"交流{work}情况", f"党小组学习{theme}"])
        body = (
            f"{opening}党小组会。{who}组长带领大家学习了{theme}相关内容，小组成员结合{work}交流了体会。"
            + _statements(rng, attendees, theme, work, 1, 3)
            + rng.choice(
                [
                    "会后，组长将学习材料送到未到会的党员家中。",
                    "大家约定下月继续交流学习体会。",
                    "小组将本月情况报支部。",
                ]
            )
        )
        decisions = []
    elif kind == "themed_day":
        actions = [
            a.format(theme=theme, work=work) for a in rng.sample(THEMED_DAY_ACTIONS, rng.randint(2, 3))
        ]
        topic = rng.choice(
            [f"“{work}”主题党日", f"学习{theme}主题党日", f"{day.month}月主题党日：{actions[-1]}"]
        )
        body = (
            f"{opening}主题党日活动。{who}活动内容："
            + "；".join(f"{i}.{a}" for i, a in enumerate(actions, 1))
            + "。"
            + _fill(rng, rng.choice(THEMED_DAY_FEELINGS), attendees, theme, work)
            + _statements(rng, attendees, theme, work, 1, 2)
        )
        decisions = []
    elif kind == "lecture":
        title = rng.choice(LECTURE_TITLES).format(theme=theme)
        topic = title
        points = "".join(p.format(theme=theme, work=work) for p in LECTURE_POINTS[: rng.randint(3, 5)])
        body = (
            f"{opening}党课。{who}{host}同志以“{title}”为题讲授党课。授课提纲：{points}"
            + (FOREIGN_LECTURE_SENTENCE if foreign_place else "")
            + "课后交流："
            + _statements(rng, attendees, theme, work, 1, 2)
        )
        decisions = []
    elif kind == "life_meeting":
        topic = f"{day.year if day.month > 6 else day.year - 1}年度组织生活会暨民主评议党员"
        speakers = attendees[: max(2, min(len(attendees), rng.randint(4, 7)))]
        parts = [
            f"{opening}组织生活会。{who}会前，支部组织党员集中学习了{theme}，广泛征求了居民意见，"
            f"支委之间、支委与党员之间开展了谈心谈话。对照检查：{host}同志代表支委会作对照检查，"
            f"查摆了{rng.choice(['理论学习不深入', '联系服务群众不够', '组织生活不够规范'])}等问题。"
        ]
        if criticism:
            parts.append("批评与自我批评：")
            for i, name in enumerate(speakers):
                other = speakers[(i + 1) % len(speakers)]
                self_c = rng.choice(SELF_CRITICISMS).format(work=work)
                crit = rng.choice(CRITICISMS).format(name=name, work=work)
                parts.append(f"{name}同志作自我批评：{self_c}。{other}同志对其提出批评意见：{crit}。")
        else:
            parts.append("党员逐一发言：")
            for name in speakers:
                parts.append(
                    f"{name}同志谈了一年来的学习和工作情况，表示{rng.choice(['收获很大', '今后要继续努力', '要向先进党员学习'])}。"
                )
        parts.append(
            "会议进行了民主评议党员。整改措施："
            + "；".join(r.format(work=work) for r in rng.sample(RECTIFICATIONS, 2))
            + "。"
        )
        body = "".join(parts)
        decisions = ["通过民主评议党员结果，报社区党委备案。"]
    else:
        topic = rng.choice([f"{work}志愿服务", f"参观学习：{theme}", f"{work}专题活动"])
        body = f"{opening}{topic}活动。{who}" + _statements(rng, attendees, theme, work, 1, 2)
        decisions = []
    resolutions = "\n".join(
        f"{i}.{_fill(rng, d, attendees, theme, work)}" for i, d in enumerate(decisions, 1)
    )
    return topic[:200], body, resolutions


def lightly_edited(rng: random.Random, text: str, replacements: dict[str, str]) -> str:
    """A copy with the names swapped and a word or two changed: what copied minutes look like."""
    for old, new in replacements.items():
        if old and new:
            text = text.replace(old, new)
    swaps = [("认真", "积极"), ("要求", "强调"), ("随后", "接着"), ("大家", "党员们"), ("进行了", "开展了")]
    for old, new in rng.sample(swaps, 2):
        text = text.replace(old, new, 1)
    return text


def talk_summary(rng: random.Random, a: str, b: str, theme: str, work: str) -> str:
    return "".join(
        rng.choice(bank).format(a=a, b=b, theme=theme, work=work)
        for bank in (TALK_OPENINGS, TALK_MIDDLES, TALK_CLOSINGS)
    )


def duty_report(
    rng: random.Random,
    *,
    year: int,
    org_name: str,
    secretary: str,
    counts: dict[str, int],
    ideology: bool,
    theme: str,
) -> str:
    held = (
        f"全年召开支部党员大会{counts.get('general_meeting', 0)}次、支委会{counts.get('committee_meeting', 0)}次，"
        f"讲党课{counts.get('lecture', 0)}次，开展主题党日{counts.get('themed_day', 0)}次"
    )
    parts = [
        f"{org_name}书记{secretary}{year}年度述职报告",
        f"一、履行党建工作职责情况。{year}年，本人认真履行支部书记抓党建第一责任人职责，"
        f"组织党员深入学习{theme}。{held}，按时召开组织生活会，开展民主评议党员。",
    ]
    if ideology:
        parts.append("二、落实意识形态工作责任制情况。" + rng.choice(DUTY_IDEOLOGY))
        parts.append("三、存在的问题。" + rng.choice(DUTY_PROBLEMS))
        parts.append("四、下一步打算。" + rng.choice(DUTY_PLANS))
    else:
        parts.append("二、存在的问题。" + rng.choice(DUTY_PROBLEMS))
        parts.append("三、下一步打算。" + rng.choice(DUTY_PLANS))
    return "\n".join(parts)
