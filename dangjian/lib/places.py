"""Chinese place names in free text: which provinces, cities and districts a text names, and whether
they lie outside an organization's own locality.

The gazetteer is the province/city/county table (GB/T 2260 codes) shipped by the `cpca` package
(resources/adcodes.csv). The file is read directly, so importing this module does not run cpca's own
import-time setup (which needs pandas and pkg_resources); matching uses pyahocorasick, cpca's own
dependency.

Surface forms: every full name ("南京市", "玄武区", "通州区", "江苏省"), and for provinces and
prefecture-level units the short form (as cpca does: "江苏", "南京", "深圳", "内蒙古", "恩施").
County-level units are matched by full name only: their short forms ("合作", "东方", "新民", "阳春")
are everyday words. Common-word short forms of prefectures ("长治" as in 长治久安, "来宾", "安康",
"朝阳", "中山"…) are matched only in full form, and a name that is the start of a street or facility
("南京路", "南京东路", "中山陵", "深圳湾公园") is not a mention of the place.

A name shared by several places ("通州区" in Beijing and in Nantong, "鼓楼区" in five cities) is
local when ANY of its places is: a text of a Nantong organization naming 通州区 is not flagged.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

PROVINCE, CITY, COUNTY = 0, 1, 2

# Table rows that are not place names.
_SKIP_NAMES = {
    "市辖区",
    "县",
    "省直辖县级行政区划",
    "自治区直辖县级行政区划",
    "城区",
    "郊区",
    "矿区",
    "市中区",
    "城中区",
}
_PROVINCE_SHORT = {
    "内蒙古自治区": "内蒙古",
    "广西壮族自治区": "广西",
    "西藏自治区": "西藏",
    "新疆维吾尔自治区": "新疆",
    "宁夏回族自治区": "宁夏",
    "香港特别行政区": "香港",
    "澳门特别行政区": "澳门",
}
# Short forms of prefectures that are common words or parts of common words; only the full name counts.
DEFAULT_AMBIGUOUS_SHORT = frozenset(
    {
        "大同",
        "长治",
        "日照",
        "安康",
        "吉安",
        "三明",
        "白银",
        "普洱",
        "中山",
        "朝阳",
        "来宾",
        "阿里",
        "海东",
        "北海",
        "金华",
        "四平",
        "黄山",
        "山南",
        "中卫",
        "安顺",
        "长春",
        "开封",
        "通化",
        "白山",
        "和田",
        "哈密",
        "永州",
        "承德",
        "常德",
        "广安",
        "泰安",
        "淮安",
        "新余",
        "宜春",
        "兴安",
        "玉林",
        "保山",
        "丽江",
    }
)
# Places that Party lectures and minutes name for their history, not because the text was written
# elsewhere (中共一大 in 上海, 南湖 in 嘉兴, 延安精神, 遵义会议, 井冈山, 瑞金, 韶山, 党中央 in 北京).
DEFAULT_ALLOWED = frozenset(
    {"北京市", "上海市", "嘉兴市", "延安市", "遵义市", "井冈山市", "瑞金市", "韶山市"}
)

# After a name: a street, road or facility, so the name is part of another name.
_FOLLOWED_BY_FACILITY = re.compile(
    r"[东西南北中]?(?:路|街|大街|大道|巷|弄|桥|广场|公园|小区|花园|陵|饭店|宾馆|酒店|大厦|商场|市场)"
)


class PlacesUnavailable(RuntimeError):
    """The gazetteer package is not installed."""


@dataclass(frozen=True)
class Place:
    code: str  # six digits of GB/T 2260
    name: str

    @property
    def rank(self) -> int:
        if self.code.endswith("0000"):
            return PROVINCE
        if self.code.endswith("00"):
            return CITY
        return COUNTY

    @property
    def prefix(self) -> str:
        return self.code[: 2 * (self.rank + 1)]

    def within(self, other: Place) -> bool:
        return self.code.startswith(other.prefix)


@dataclass(frozen=True)
class Mention:
    surface: str  # the text as written
    start: int
    end: int
    places: tuple[Place, ...]  # every place the surface form may mean


@dataclass(frozen=True)
class Locality:
    """An organization's own place and what counts as local around it."""

    place: Place
    ancestors: tuple[Place, ...]
    region_prefix: str  # everything whose code starts with this is local (its city, or its province)

    def is_local(self, place: Place) -> bool:
        return place.code.startswith(self.region_prefix) or place in self.ancestors

    @property
    def label(self) -> str:
        return "".join(p.name for p in self.ancestors) + self.place.name


@dataclass
class Gazetteer:
    places: dict[str, Place]
    surfaces: dict[str, tuple[Place, ...]] = field(default_factory=dict)
    _automaton: object = None
    _tables: tuple[Any, ...] | None = field(default=None, repr=False, compare=False)

    def naming(self, texts: Sequence[str]) -> list[bool]:
        """For each text, whether some surface form occurs in it: the fast test before `find` over
        many texts. pyahocorasick walks Chinese text at some 300 ns a character (its root has a child
        for each of thousands of first characters) and most texts name no place, so the texts are
        first scanned together in numpy: positions whose character may begin a form and whose next
        character may follow it, then those whose two characters open a form, then the forms of
        that opening compared there."""
        import numpy as np

        if self._tables is None:
            if any(len(surface) < 2 for surface in self.surfaces):
                raise ValueError("place names of one character are not supported")
            first, second = np.zeros(0x110000, dtype=bool), np.zeros(0x110000, dtype=bool)
            forms: dict[int, list[str]] = {}
            for surface in self.surfaces:
                first[ord(surface[0])] = second[ord(surface[1])] = True
                forms.setdefault(ord(surface[0]) << 21 | ord(surface[1]), []).append(surface)
            self._tables = (first, second, np.array(sorted(forms), dtype=np.int64), forms)
        first, second, openings, forms = self._tables
        joined = "\n".join(texts)  # no form holds a line break
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        if len(codes) < 2:
            return [False] * len(texts)
        maybe = np.flatnonzero(first[codes[:-1]] & second[codes[1:]])
        pairs = codes[maybe] << 21 | codes[maybe + 1]
        at = np.searchsorted(openings, pairs).clip(max=len(openings) - 1)
        maybe, pairs = maybe[openings[at] == pairs], pairs[openings[at] == pairs]
        starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
        owner = np.searchsorted(starts, maybe, side="right") - 1
        found = [False] * len(texts)
        for index, pos, pair in zip(owner.tolist(), maybe.tolist(), pairs.tolist(), strict=True):
            if not found[index] and any(joined.startswith(surface, pos) for surface in forms[pair]):
                found[index] = True
        return found

    def find(self, text: str, ambiguous_short: Iterable[str] = DEFAULT_AMBIGUOUS_SHORT) -> list[Mention]:
        """Leftmost-longest non-overlapping mentions, streets and facilities left out."""
        if not text:
            return []
        skip = set(ambiguous_short)
        hits: list[tuple[int, int, str]] = []
        for end_index, surface in self._automaton.iter(text):  # type: ignore[attr-defined]
            start = end_index - len(surface) + 1
            hits.append((start, end_index + 1, surface))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        out: list[Mention] = []
        covered = -1
        for start, end, surface in hits:
            if start < covered:
                continue
            places = self.surfaces[surface]
            is_short = all(p.name != surface for p in places)
            if is_short and surface in skip:
                continue
            if _FOLLOWED_BY_FACILITY.match(text, end):
                continue
            out.append(Mention(surface, start, end, places))
            covered = end
        return out

    def resolve(self, locality: str) -> Locality | None:
        """ "江苏省南京市玄武区" → 玄武区 (320102) with its ancestors; None if unknown or ambiguous."""
        current: Place | None = None
        chain: list[Place] = []
        for mention in self.find(locality, ambiguous_short=()):
            candidates = [p for p in mention.places if current is None or p.within(current)]
            if not candidates:
                continue
            if len(candidates) > 1:
                deeper = [p for p in candidates if current is None or p.rank > current.rank]
                if len(deeper) != 1:
                    return None
                candidates = deeper
            if current is not None and candidates[0].rank <= current.rank:
                continue
            current = candidates[0]
            chain.append(current)
        if current is None:
            return None
        ancestors = tuple(self.ancestors_of(current))
        region = current.code[:4] if current.rank >= CITY else current.code[:2]
        return Locality(current, ancestors, region)

    def ancestors_of(self, place: Place) -> list[Place]:
        out = []
        if place.rank >= CITY:
            province = self.places.get(place.code[:2] + "0000")
            if province:
                out.append(province)
        if place.rank == COUNTY:
            city = self.places.get(place.code[:4] + "00")
            if city:
                out.append(city)
        return out


def _short_form(name: str, code: str, nations: tuple[str, ...]) -> str | None:
    if name in _PROVINCE_SHORT:
        return _PROVINCE_SHORT[name]
    if code.endswith("0000") or code.endswith("00"):
        if name.endswith("自治州"):
            short = name[: -len("自治州")]
            stripped = True
            while stripped:  # 恩施土家族苗族 → 恩施土家族 → 恩施
                stripped = False
                for nation in nations:
                    if short.endswith(nation) and len(short) - len(nation) >= 2:
                        short, stripped = short[: -len(nation)], True
                        break
            return short if short != name[: -len("自治州")] else None
        short = re.sub(r"(省|市|地区|盟|自治区|特别行政区)$", "", name)
        return short if short != name and len(short) >= 2 else None
    return None


def _data_file(name: str = "adcodes.csv") -> Path:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise PlacesUnavailable("未安装地名库 cpca（pip install cpca）")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / name
    if not path.exists():
        raise PlacesUnavailable(f"地名库文件缺失：{path}")
    return path


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    import ahocorasick

    places: dict[str, Place] = {}
    with _data_file().open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name = row["name"].strip()
            if not name or name in _SKIP_NAMES:
                continue
            code = row["adcode"][:6]
            places[code] = Place(code, name)
    nations_text = _data_file("56_nations.csv").read_text(encoding="utf-8")
    nations = tuple(sorted({n.strip() for n in nations_text.split() if n.strip()}, key=len, reverse=True))
    surfaces: dict[str, list[Place]] = {}
    for place in places.values():
        surfaces.setdefault(place.name, []).append(place)
        short = _short_form(place.name, place.code, nations)
        if short:
            surfaces.setdefault(short, []).append(place)
    automaton = ahocorasick.Automaton()
    for surface in surfaces:
        automaton.add_word(surface, surface)
    automaton.make_automaton()
    frozen = {k: tuple(sorted(v, key=lambda p: p.code)) for k, v in surfaces.items()}
    return Gazetteer(places, frozen, automaton)


@dataclass(frozen=True)
class ForeignMention:
    surface: str
    count: int
    places: tuple[Place, ...]

    @property
    def label(self) -> str:
        names = "、".join(dict.fromkeys(_full_label(p) for p in self.places[:3]))
        return f"{self.surface}（{names}）" if names and names != self.surface else self.surface


def _full_label(place: Place) -> str:
    g = gazetteer()
    return "".join(p.name for p in g.ancestors_of(place)) + place.name


def foreign_mentions(
    text: str,
    locality: Locality,
    allowed: Iterable[str] = DEFAULT_ALLOWED,
    ambiguous_short: Iterable[str] = DEFAULT_AMBIGUOUS_SHORT,
    same_province: bool = False,
) -> list[ForeignMention]:
    """Places named in `text` that lie outside `locality` (its city and everything in it, and the
    city's province), skipping the `allowed` names (full or short). Grouped by surface form."""
    g = gazetteer()
    allowed_set = set(allowed)
    province_prefix = locality.place.code[:2]
    counts: dict[str, list[Mention]] = {}
    for mention in g.find(text, ambiguous_short):
        if mention.surface in allowed_set or any(p.name in allowed_set for p in mention.places):
            continue
        if any(locality.is_local(p) for p in mention.places):
            continue
        if same_province and any(p.code.startswith(province_prefix) for p in mention.places):
            continue
        counts.setdefault(mention.surface, []).append(mention)
    return [ForeignMention(s, len(ms), ms[0].places) for s, ms in counts.items()]
