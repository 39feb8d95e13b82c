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
    "提高政治站位，深刻认识{theme}的重大意义",
    "联系社区实际，把学习成果转化为{work}的具体举措",
    "党员要在服务居民中亮身份、作表率",
    "严守纪律规矩，做到知敬畏、存戒惧、守底线",
    "加强自身学习，做到学思用贯通、知信行统一",
    "回顾党的百年奋斗历程，从中汲取坚定信仰的力量",
    "把群众的急难愁盼作为支部工作的着力点，{work}要让居民看得见变化",
    "发挥老党员的传帮带作用，带动年轻党员参与社区治理",
    "在职党员要主动到社区报到，八小时以外也要体现党员身份",
    "弘扬艰苦奋斗、勤俭节约的优良作风，反对形式主义",
    "用身边人身边事教育党员，学习社区先进党员的事迹",
    "落实“三会一课”制度，让组织生活严肃起来、活跃起来",
    "依法依规办事，在{work}中做到公开透明、公平公正",
    "关心困难党员和高龄党员，让党组织的温暖传到每个家庭",
    "加强网络阵地建设，引导党员在网上传播正能量",
    "坚持问题导向，对照党章党规查找差距、立行立改",
]
LECTURE_INTROS = [
    "党课从{theme}的主要内容讲起，结合社区发展变化谈了认识。",
    "授课人结合自己多年从事社区工作的经历，讲述了学习{theme}的体会。",
    "党课采用“讲故事、谈体会”的方式进行，先播放了一段教育短片。",
    "授课人从近期{work}中的几件具体事情切入，引出本次党课主题。",
    "党课围绕支部党员关心的问题展开，课前收集了党员的提问。",
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
    "{a}同志到{b}同志家中走访并谈心，先询问了近况。",
    "结合开展{theme}学习，{a}同志约{b}同志进行了一次谈心。",
    "{a}同志利用{work}间隙，与{b}同志在活动室进行了交流。",
    "这次谈话是支部年度谈心谈话安排的一部分，由{a}同志与{b}同志面谈。",
    "{b}同志主动找到{a}同志，谈了自己对支部工作的一些想法。",
    "在楼道议事角，{a}同志和{b}同志拉起了家常。",
    "借{work}的机会，{a}同志与{b}同志进行了一次深入交流。",
    "按照支部书记与党员谈心全覆盖的要求，{a}同志电话预约后与{b}同志面谈。",
]
TALK_SITUATIONS = [
    "{b}同志介绍，{family}，平时照顾家里的时间比较多。",
    "{b}同志说自己{health}，参加集中学习有时力不从心。",
    "{b}同志谈到最近在{work}中跑了不少楼栋，对小区情况更熟悉了。",
    "{b}同志讲，单位工作较忙，晚上和周末才有时间参加社区活动。",
    "{b}同志提到{family}，希望社区在{help}方面给予关心。",
    "{b}同志反映，楼里{issue}，居民意见比较大。",
    "{b}同志说，通过学习{theme}，对为群众办实事有了新的体会。",
    "{b}同志坦言，对手机上的学习平台用得不熟，学习主要靠听广播、看报纸。",
    "{b}同志谈到，退休后时间宽裕，愿意多参加{work}。",
    "{b}同志说，前段时间{health}，现在已基本恢复。",
    "{b}同志表示，在{work}中感到个别居民不理解，有时心里着急。",
    "{b}同志介绍了自己担任楼道长以来调解{issue}的情况。",
    "{b}同志说，这半年主要精力放在{help}上，社区帮了不少忙。",
    "{b}同志讲起刚入党时的情景，说现在更要守住党员的本色。",
    "{b}同志谈到，小区里独居老人多，{help}的需求很迫切。",
    "{b}同志反映，自己所在的单位党组织和社区联系不多，希望多通报情况。",
    "{b}同志说，参加{work}以后，和邻居们走动多了，说话也更有分量了。",
    "{b}同志提出，自己{health}，希望把学习材料发到手机上。",
    "{b}同志介绍，{family}，最近家里的事情已经理顺。",
    "{b}同志说，去年没能按时参加组织生活会，心里一直过意不去。",
]
TALK_VIEWS = [
    "{b}同志建议支部{suggestion}。",
    "{b}同志希望{suggestion}，让学习更接地气。",
    "{a}同志指出，{b}同志群众基础好，但理论学习还需加强，可以多参加集中研讨。",
    "{a}同志肯定了{b}同志在{work}中的表现，希望继续发挥带头作用。",
    "双方互相提了意见，{b}同志认为{suggestion}。",
    "{a}同志提醒{b}同志注意身体，量力而行参加活动。",
    "{a}同志请{b}同志多留意{issue}，发现情况及时告诉网格员。",
    "{a}同志向{b}同志通报了支部近期在{work}方面的安排。",
    "{a}同志请{b}同志结合自身经历，在下次主题党日上给年轻党员讲一讲。",
    "{a}同志谈了自己在{work}中的不足，请{b}同志多提意见。",
    "{a}同志希望{b}同志带头遵守居民公约，在{issue}问题上做表率。",
    "双方对{theme}中关于基层治理的论述交流了看法。",
    "{a}同志介绍了社区在{help}方面的新政策，请{b}同志帮忙向邻居宣传。",
    "{b}同志对支部工作提出，希望{suggestion}，{a}同志当场作了记录。",
]
TALK_CLOSINGS = [
    "双方表示今后要加强沟通，互相提醒、共同进步。",
    "谈话达到了沟通思想、增进团结的目的。",
    "对提出的意见建议，支部将在下次支委会上研究。",
    "{b}同志表示将按时参加组织生活，发挥党员作用。",
    "{a}同志表示将把{b}同志反映的情况向社区党委报告。",
    "最后，双方约定{help}的事情下周再碰一次头。",
    "谈话结束后，{a}同志将本次谈话情况记入支部谈心谈话台账。",
    "{b}同志对支部的关心表示感谢。",
]
TALK_FOLLOWUPS = [
    "支部将安排结对党员每月上门看望一次。",
    "针对{issue}的问题，支部准备联系物业和网格员一起协调。",
    "关于{help}，{a}同志答应帮助联系社区居家养老服务站。",
    "{a}同志建议{b}同志参加下个月的{work}志愿服务。",
    "双方商定，由{b}同志负责收集本楼栋居民对{work}的意见。",
    "{a}同志把最近的学习资料留给了{b}同志，约定下次交流学习体会。",
    "对{b}同志提出的{suggestion}的建议，支部将在下次支委会上研究。",
    "{a}同志请{b}同志在楼道议事会上把{issue}的情况再讲一讲。",
]
TALK_FAMILY = [
    "老伴身体不好，需要人照顾",
    "女儿在外地工作，家里只有老两口",
    "孙子今年上小学，每天要接送",
    "家里刚办完老人的后事",
    "儿子一家刚搬回来同住",
    "爱人去年做了手术",
    "家中有一位九十多岁的老母亲",
]
TALK_HEALTH = [
    "腿脚不太方便",
    "血压一直偏高",
    "今年住了一次院",
    "眼睛做过白内障手术",
    "腰椎不好，久坐困难",
]
TALK_HELP = ["送学上门", "就医陪护", "加装电梯", "居家养老服务", "老年助餐", "适老化改造"]
TALK_ISSUES = [
    "楼道堆放杂物",
    "电动车飞线充电",
    "高空抛物",
    "停车位紧张",
    "邻里漏水纠纷",
    "广场舞噪音",
    "宠物扰民",
]
TALK_SUGGESTIONS = [
    "多组织实践类活动，学习形式可以更灵活",
    "开会通知早一点发，便于在职党员安排时间",
    "把学习材料印成大字版",
    "组织党员到红色教育基地参观",
    "在楼道里设党员示范岗",
    "多听听年轻党员的想法",
    "把志愿服务和党员积分结合起来",
    "定期通报居民反映问题的办理情况",
]


def talk_summary(rng: random.Random, a: str, b: str, theme: str, work: str) -> str:
    """A talk record: an opening, one or two things the member told, one or two views exchanged and a
    closing, with the details drawn at random (real records differ from talk to talk)."""
    slots = {
        "a": a,
        "b": b,
        "theme": theme,
        "work": work,
        "family": rng.choice(TALK_FAMILY),
        "health": rng.choice(TALK_HEALTH),
        "help": rng.choice(TALK_HELP),
        "issue": rng.choice(TALK_ISSUES),
        "suggestion": rng.choice(TALK_SUGGESTIONS),
    }
    parts = [rng.choice(TALK_OPENINGS)]
    parts += rng.sample(TALK_SITUATIONS, 2)
    parts += rng.sample(TALK_VIEWS, 2)
    parts.append(rng.choice(TALK_FOLLOWUPS))
    parts.append(rng.choice(TALK_CLOSINGS))
    return "".join(p.format(**slots) for p in parts)


DUTY_IDEOLOGY = [
    "坚持把意识形态工作作为支部党建的重要内容，与业务工作同部署、同检查。",
    "每季度向社区党委报告一次意识形态工作情况，落实重大事项请示报告制度。",
    "认真落实意识形态工作责任制，把意识形态工作纳入支部年度工作计划，定期分析研判党员思想动态，"
    "加强对支部微信群等阵地的管理，及时澄清网络谣言。",
    "履行意识形态工作第一责任人职责，每半年专题研究一次意识形态工作，组织党员学习网络安全和保密知识，"
    "引导党员在网上网下发出正面声音。",
    "落实意识形态工作责任制，利用宣传栏、楼道文化墙宣传社会主义核心价值观，"
    "对居民中出现的不当言论做到早发现、早引导。",
]
DUTY_PROBLEMS = [
    "理论学习形式比较单一，学习讨论多是念文件",
    "对年轻党员、在职党员的管理还不够到位",
    "“三会一课”记录还不够规范",
    "高龄党员多，组织生活参与面有待扩大",
    "创新意识不强，主题党日活动吸引力不够",
    "发展党员工作进展较慢，入党积极分子储备不足",
    "流动党员联系不够紧密，有的长期未参加组织生活",
    "党员志愿服务的长效机制还没有建立起来",
    "支部书记本人抓党建的精力投入还不够",
]
DUTY_PLANS = [
    "下一步，将严格落实“三会一课”制度，创新学习形式。",
    "围绕社区中心工作，深化党员志愿服务，做好老党员关爱。",
    "进一步规范组织生活，加强党员教育管理，发挥好支部战斗堡垒作用。",
    "加强对入党积极分子的培养考察，按程序做好发展党员工作。",
    "用好微信群等平台，把流动党员、在职党员纳入日常管理。",
    "推行党员积分管理，调动党员参与社区治理的积极性。",
    "主动对接共建单位，整合资源为居民办实事。",
]
DUTY_DONE = [
    "带头讲党课，落实“第一议题”学习制度。",
    "坚持每月走访困难党员和高龄党员，帮助解决实际困难。",
    "组织党员参加{theme}专题学习研讨，撰写心得体会。",
    "带领支委定期研究支部建设，及时向社区党委请示报告。",
    "推动在职党员到社区报到，参与楼道微治理。",
    "督促党员按月交纳党费，及时公布党费收缴情况。",
    "牵头开展支部标准化规范化建设，完善支部工作台账。",
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


MIN_BODY = 200
CLOSING_REMARKS = [
    "会议要求大家把学习体会落实到{work}中去。",
    "会后将有关情况整理存档，并报社区党委。",
    "主持人对本次活动进行了小结，布置了下阶段任务。",
]


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
            + _statements(rng, attendees, theme, work, 3, 4)
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
            + _statements(rng, attendees, theme, work, 2, 4)
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
            + _statements(rng, attendees, theme, work, 2, 3)
        )
        decisions = []
    elif kind == "lecture":
        title = rng.choice(LECTURE_TITLES).format(theme=theme)
        topic = title
        chosen = rng.sample(LECTURE_POINTS, rng.randint(3, 5))
        points = (
            "；".join(f"{'一二三四五'[i]}是{p.format(theme=theme, work=work)}" for i, p in enumerate(chosen))
            + "。"
        )
        intro = rng.choice(LECTURE_INTROS).format(theme=theme, work=work)
        body = (
            f"{opening}党课。{who}{host}同志以“{title}”为题讲授党课。{intro}授课提纲：{points}"
            + (FOREIGN_LECTURE_SENTENCE if foreign_place else "")
            + "课后交流："
            + _statements(rng, attendees, theme, work, 2, 3)
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
        body = f"{opening}{topic}活动。{who}" + _statements(rng, attendees, theme, work, 2, 3)
        decisions = []
    # A real record is more than a line or two (the self-check flags minutes under 150 characters).
    for _ in range(4):
        if len(body) >= MIN_BODY:
            break
        body += _statements(rng, attendees, theme, work, 1, 1) or rng.choice(CLOSING_REMARKS).format(
            work=work
        )
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
    # Each part draws several sentences: one secretary's reports differ from year to year.
    done = "".join(rng.sample(DUTY_DONE, 2)).format(theme=theme)
    parts[-1] += done
    problems = "；".join(f"{'一二三'[i]}是{p}" for i, p in enumerate(rng.sample(DUTY_PROBLEMS, 2))) + "。"
    plans = "".join(rng.sample(DUTY_PLANS, 2))
    numbered = ["落实意识形态工作责任制情况。" + "".join(rng.sample(DUTY_IDEOLOGY, 2))] if ideology else []
    numbered += ["存在的问题。" + problems, "下一步打算。" + plans]
    parts += [f"{'二三四五'[i]}、{text}" for i, text in enumerate(numbered)]
    return "\n".join(parts)
