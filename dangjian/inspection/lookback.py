"""回头看: which earlier findings a new finding probably repeats. Pure functions over plain data, so the
rule is easy to test and to tune: same organization or one inside the other's subtree, the same aspect
(compared loosely: rounds word their headings differently), and similar text by character bigram
Jaccard similarity (Chinese needs no word segmentation for this)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Thresholds: defaults that a deployment may override in settings.DOMAIN_RULES.
TEXT_THRESHOLD = 0.25
ASPECT_THRESHOLD = 0.4

_NOISE = re.compile(r"[\s\d０-９a-zA-Z（）()【】\[\]、，,。.：:；;“”\"'‘’！!？?—\-·]+")
_ASPECT_PREFIX = re.compile(r"^(聚焦|关于|在|对)")
_ASPECT_SUFFIX = re.compile(r"(方面的问题|方面问题|方面|的问题|问题)$")
_LEADING_ORDINAL = re.compile(r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]?")


@dataclass(frozen=True)
class FindingText:
    id: int
    org_path: str
    aspect: str
    text: str  # title and description
    found_on_ordinal: int = 0  # date.toordinal(); earlier findings have smaller values


@dataclass(frozen=True)
class Proposal:
    finding_id: int
    earlier_id: int
    score: float  # text similarity, 0..1
    aspect_score: float


def normalize(text: str) -> str:
    return _NOISE.sub("", text or "")


def normalize_aspect(aspect: str) -> str:
    text = _LEADING_ORDINAL.sub("", (aspect or "").strip())
    text = normalize(text)
    text = _ASPECT_PREFIX.sub("", text)
    return _ASPECT_SUFFIX.sub("", text)


def shingles(text: str, k: int = 2) -> frozenset[str]:
    """Character k-grams of the text without punctuation, digits and spaces."""
    clean = normalize(text)
    if len(clean) < k:
        return frozenset({clean}) if clean else frozenset()
    return frozenset(clean[i : i + k] for i in range(len(clean) - k + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity(a: str, b: str, k: int = 2) -> float:
    return jaccard(shingles(a, k), shingles(b, k))


def related_orgs(path_a: str, path_b: str) -> bool:
    """Same organization, or one is inside the other's subtree (materialized paths)."""
    return path_a.startswith(path_b) or path_b.startswith(path_a)


def propose_links(
    new: Iterable[FindingText],
    earlier: Iterable[FindingText],
    *,
    text_threshold: float = TEXT_THRESHOLD,
    aspect_threshold: float = ASPECT_THRESHOLD,
    per_finding: int = 3,
) -> list[Proposal]:
    """For each new finding, up to `per_finding` earlier findings it may repeat, best first."""
    earlier = list(earlier)
    prepared = [(e, shingles(e.text), shingles(normalize_aspect(e.aspect))) for e in earlier]
    out: list[Proposal] = []
    for finding in new:
        text = shingles(finding.text)
        aspect = shingles(normalize_aspect(finding.aspect))
        found: list[Proposal] = []
        for candidate, c_text, c_aspect in prepared:
            if candidate.id == finding.id or candidate.found_on_ordinal > finding.found_on_ordinal:
                continue
            if not related_orgs(finding.org_path, candidate.org_path):
                continue
            aspect_score = 1.0 if aspect == c_aspect else jaccard(aspect, c_aspect)
            if aspect_score < aspect_threshold:
                continue
            score = jaccard(text, c_text)
            if score >= text_threshold:
                found.append(Proposal(finding.id, candidate.id, round(score, 3), round(aspect_score, 3)))
        found.sort(key=lambda p: (-p.score, -p.aspect_score, p.earlier_id))
        out.extend(found[:per_finding])
    return out
