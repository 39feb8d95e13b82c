"""Near-duplicate texts: normalization, character shingles, MinHash signatures and LSH bands (numpy).

Pure code, no Django. The self-check (dangjian.selfcheck.textindex) stores what this module computes.

- `normalize(text, names)` keeps letters and CJK characters only, replaces every number (dates
  included: "2024年3月5日" and "2023年11月2日" both become "#年#月#日") by "#" and every listed
  person name by "@", so that changed dates and names do not hide a copy.
- Shingles are the k-character substrings of the normalized text, hashed to 64 bits in one
  vectorized pass (polynomial rolling hash with a splitmix64 finish).
- A MinHash signature takes, for each of `num_perm` multiply-shift hash functions
  h_i(x) = ((a_i·x + b_i) mod 2^64) >> 32, the minimum over the shingles: P[sig_a[i] == sig_b[i]]
  is the Jaccard similarity of the two shingle sets.
- LSH: the signature is cut into `bands` bands of `rows` values; each band is hashed to a signed
  64-bit integer (a database bigint). Two texts sharing any band hash are a candidate pair: the
  probability is 1 - (1 - J^rows)^bands (with 32×4 of 128: 0.99 at J=0.6, 0.23 at J=0.3).
- Candidates are then checked exactly (`jaccard` on the shingle sets), so precision is exact.
- `shared_segments` finds the passages two texts share, as (text, shared) pieces of the ORIGINAL
  texts, for highlighting (the caller escapes each piece).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

NUMBER = "#"
NAME = "@"
_MASK64 = (1 << 64) - 1

# Digit runs (with decimal points/commas inside), and Chinese numerals that count years, months,
# days and hours ("二〇二四年", "十一月", "五日").
_NUMBER_RE = r"\d+(?:[.,:：]\d+)*|[〇零一二三四五六七八九十两]+(?=[年月日号时])"
# Everything that is not a letter or digit (punctuation, whitespace, symbols) and the underscore.
_JUNK_RE = r"[\W_]+"


@dataclass(frozen=True)
class Params:
    """What a signature depends on; stored with it so that a change of parameters re-indexes."""

    shingle: int = 4
    num_perm: int = 128
    bands: int = 32
    seed: int = 1

    def __post_init__(self) -> None:
        if self.num_perm % self.bands:
            raise ValueError("num_perm must be a multiple of bands")
        if not 2 <= self.shingle <= 8:
            raise ValueError("shingle must be 2..8 characters")

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands

    @property
    def key(self) -> str:
        return f"k{self.shingle}-p{self.num_perm}-b{self.bands}-s{self.seed}"

    def candidate_probability(self, similarity: float) -> float:
        return 1.0 - (1.0 - similarity**self.rows) ** self.bands


# ---------------------------------------------------------------------------------- normalize


@lru_cache(maxsize=512)
def _pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    parts = []
    if names:
        parts.append("(?P<name>" + "|".join(re.escape(n) for n in names) + ")")
    parts.append(f"(?P<num>{_NUMBER_RE})")
    parts.append(f"(?P<junk>{_JUNK_RE})")
    return re.compile("|".join(parts))


def _names_key(names: Iterable[str]) -> tuple[str, ...]:
    """Names of two or more characters, longest first (so 欧阳明 wins over 欧阳)."""
    return tuple(sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=lambda n: (-len(n), n)))


def _replacement(match: re.Match[str]) -> str:
    if match.lastgroup == "name":
        return NAME
    if match.lastgroup == "num":
        return NUMBER
    return ""


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def normalize(text: str, names: Iterable[str] = ()) -> str:
    """Letters and CJK characters only; numbers → "#", the given person names → "@"."""
    return _pattern(_names_key(names)).sub(_replacement, (text or "").translate(_ASCII_LOWER))


def normalize_with_positions(text: str, names: Iterable[str] = ()) -> tuple[str, list[tuple[int, int]]]:
    """The same normalized string as `normalize`, with the original [start, end) of each character."""
    text = (text or "").translate(_ASCII_LOWER)
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in _pattern(_names_key(names)).finditer(text):
        for i in range(pos, match.start()):
            out.append(text[i])
            spans.append((i, i + 1))
        repl = _replacement(match)
        if repl:
            out.append(repl)
            spans.append((match.start(), match.end()))
        pos = match.end()
    for i in range(pos, len(text)):
        out.append(text[i])
        spans.append((i, i + 1))
    return "".join(out), spans


def content_hash(text: str, params: Params, extra: str = "") -> str:
    """What decides whether a stored signature is still current: the raw text and the parameters."""
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(params.key.encode())
    digest.update(b"\x00")
    digest.update(extra.encode())
    digest.update(b"\x00")
    digest.update((text or "").encode())
    return digest.hexdigest()


# ---------------------------------------------------------------------------------- shingles

_PRIME = np.uint64(0x100000001B3)


def _mix64(h: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer (in place on a uint64 array)."""
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return h


def shingle_hashes(normalized: str, k: int) -> np.ndarray:
    """Sorted distinct 64-bit hashes of the k-character shingles (one shingle if the text is shorter)."""
    if not normalized:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(normalized.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    k = min(k, len(codes))
    n = len(codes) - k + 1
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * _PRIME + codes[j : j + n]
        _mix64(h)
    h.sort()  # sorted distinct values, as np.unique (whose hash-based path is ~10× slower on these)
    return h[np.concatenate(([True], h[1:] != h[:-1]))]


def shingle_set(normalized: str, k: int) -> set[str]:
    if len(normalized) <= k:
        return {normalized} if normalized else set()
    return {normalized[i : i + k] for i in range(len(normalized) - k + 1)}


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted distinct hash arrays."""
    if len(a) == 0 and len(b) == 0:
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


# ---------------------------------------------------------------------------------- MinHash


@lru_cache(maxsize=8)
def _coefficients(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)  # odd
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    return a, b


@lru_cache(maxsize=8)
def _band_multipliers(rows: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed + 7919)
    return rng.integers(0, 2**63, size=rows, dtype=np.uint64) * np.uint64(2) + np.uint64(1)


EMPTY = np.uint32(0xFFFFFFFF)


def minhash(shingles: np.ndarray, params: Params) -> np.ndarray:
    """Signature of one shingle-hash array: `num_perm` uint32 values."""
    return minhash_many([shingles], params)[0]


def minhash_many(shingle_arrays: Sequence[np.ndarray], params: Params, chunk: int = 16384) -> np.ndarray:
    """Signatures of many texts at once, shape (len(shingle_arrays), num_perm), uint32.

    Texts are processed in chunks of about `chunk` shingles: one (shingles × num_perm) product and
    one `minimum.reduceat` per chunk, so the Python work is per chunk, not per shingle."""
    a, b = _coefficients(params.num_perm, params.seed)
    out = np.full((len(shingle_arrays), params.num_perm), EMPTY, dtype=np.uint32)
    shift = np.uint64(32)
    i = 0
    count = len(shingle_arrays)
    while i < count:
        j, size = i, 0
        while j < count and (size == 0 or size + len(shingle_arrays[j]) <= chunk):
            size += len(shingle_arrays[j])
            j += 1
        batch = [s for s in shingle_arrays[i:j]]
        lengths = np.fromiter((len(s) for s in batch), dtype=np.int64, count=len(batch))
        nonempty = lengths > 0
        if nonempty.any():
            values = np.concatenate([s for s in batch if len(s)])
            with np.errstate(over="ignore"):
                hashed = ((values[:, None] * a[None, :] + b[None, :]) >> shift).astype(np.uint32)
            starts = np.concatenate(([0], np.cumsum(lengths[nonempty])[:-1]))
            out[np.arange(i, j)[nonempty]] = np.minimum.reduceat(hashed, starts, axis=0)
        i = j
    return out


def estimate(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    return float(np.count_nonzero(sig_a == sig_b)) / len(sig_a)


def band_hashes(signatures: np.ndarray, params: Params) -> np.ndarray:
    """Signed 64-bit band hashes, shape (n, bands), from signatures of shape (n, num_perm)."""
    sigs = np.atleast_2d(signatures).astype(np.uint64).reshape(-1, params.bands, params.rows)
    mult = _band_multipliers(params.rows, params.seed)
    with np.errstate(over="ignore"):
        h = np.zeros(sigs.shape[:2], dtype=np.uint64)
        for j in range(params.rows):
            h = (h ^ sigs[:, :, j]) * mult[j]
        _mix64(h)
    return h.view(np.int64)


def to_blob(signature: np.ndarray) -> bytes:
    return np.asarray(signature, dtype="<u4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(bytes(blob), dtype="<u4")


# ---------------------------------------------------------------------------------- highlighting


def shared_segments(
    text_a: str, text_b: str, k: int = 4, names_a: Iterable[str] = (), names_b: Iterable[str] = ()
) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Each text cut into (piece, shared) segments: a piece is shared when it lies in a k-shingle
    (after normalization) that the other text also has. Punctuation between two shared characters
    of one run is shared too, so a copied sentence shows as one passage."""
    norm_a, pos_a = normalize_with_positions(text_a, names_a)
    norm_b, pos_b = normalize_with_positions(text_b, names_b)
    grams_a, grams_b = shingle_set(norm_a, k), shingle_set(norm_b, k)
    common = grams_a & grams_b
    return _segments(text_a, norm_a, pos_a, common, k), _segments(text_b, norm_b, pos_b, common, k)


def _segments(
    text: str, norm: str, pos: list[tuple[int, int]], common: set[str], k: int
) -> list[tuple[str, bool]]:
    marked = [False] * len(norm)
    width = min(k, len(norm))
    for i in range(len(norm) - width + 1):
        if norm[i : i + width] in common:
            for j in range(i, i + width):
                marked[j] = True
    flags = [False] * len(text)
    run_start: int | None = None
    for i, on in enumerate([*marked, False]):
        if on and run_start is None:
            run_start = i
        elif not on and run_start is not None:
            start, end = pos[run_start][0], pos[i - 1][1]
            for c in range(start, end):
                flags[c] = True
            run_start = None
    segments: list[tuple[str, bool]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or flags[i] != flags[start]:
            segments.append((text[start:i], flags[start]))
            start = i
    return segments


def shared_ratio(segments: list[tuple[str, bool]]) -> float:
    total = sum(len(s) for s, _ in segments)
    return sum(len(s) for s, on in segments if on) / total if total else 0.0
