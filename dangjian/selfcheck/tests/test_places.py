"""Foreign place names (dangjian.lib.places): own city, its districts, a foreign city, streets named
after cities, names shared by two places."""

from __future__ import annotations

from dangjian.lib import places

G = places.gazetteer()
XUANWU = G.resolve("江苏省南京市玄武区")


def foreign(text: str, locality: places.Locality = XUANWU, **kw) -> list[str]:  # noqa: ANN003
    return [m.surface for m in places.foreign_mentions(text, locality, **kw)]


def test_it_resolves_a_locality_with_its_ancestors():
    assert XUANWU.place.code == "320102"
    assert [p.name for p in XUANWU.ancestors] == ["江苏省", "南京市"]
    assert G.resolve("北京市朝阳区").place.code == "110105"  # not 朝阳区 of 长春 or 沈阳
    assert G.resolve("南通市通州区").place.code == "320612"
    assert G.resolve("鼓楼区") is None  # five cities have one: ambiguous
    assert G.resolve("火星") is None


def test_it_accepts_the_own_city_province_and_districts():
    assert foreign("南京市玄武区委、江苏省委部署，南京和江苏全省；鼓楼区、秦淮区的兄弟社区") == []


def test_it_flags_a_foreign_city():
    assert foreign("为深圳改革开放和现代化建设做出贡献") == ["深圳"]
    assert foreign("广东省广州市天河区") == ["广东省", "广州市", "天河区"]
    assert foreign("苏州工业园区") == ["苏州"]  # same province, other city
    assert foreign("苏州工业园区", same_province=True) == []


def test_it_ignores_street_names_and_common_words():
    assert foreign("上海路、北京东路、中山路和中山陵", locality=XUANWU) == []
    shanghai = G.resolve("上海市黄浦区")
    assert foreign("组织党员参观南京路步行街", locality=shanghai) == []
    assert foreign("组织党员到南京参观", locality=shanghai) == ["南京"]
    assert foreign("确保社会长治久安，欢迎各位来宾，朝阳产业") == []


def test_it_flags_a_shared_name_only_when_no_place_of_it_is_local():
    nantong = G.resolve("江苏省南通市通州区")
    assert foreign("通州区各社区", locality=nantong) == []
    assert foreign("通州区各社区") == ["通州区"]  # neither Beijing's nor Nantong's is in Nanjing


def test_it_allows_places_of_party_history_by_default_and_by_setting():
    assert foreign("赴延安学习延安精神，重温遵义会议，参观嘉兴南湖红船") == []
    assert foreign("参观深圳改革开放展", allowed=["深圳市"]) == []


def test_the_fast_test_of_many_texts_agrees_with_find():
    texts = [
        "深圳",  # a whole text
        "本次会议学习了文件精神。",  # no place
        "学习了街道里的文件",  # 道里 opens 道里区 but the form is not there
        "为深圳改革开放做出贡献",
        "",
        "会议结束于南",  # 南 | 京 across two texts is no mention
        "京召开的会议精神",
        "组织党员到广州市参观\n学习",
        "平安社区",  # 平安 opens 平安区 only
        "青海省海东市平安区",
    ]
    flags = G.naming(texts)
    assert flags == [bool(G.find(t, ambiguous_short=())) for t in texts]
    assert flags == [True, False, False, True, False, False, False, True, False, True]
    assert G.naming([]) == [] and G.naming([""]) == [False]
