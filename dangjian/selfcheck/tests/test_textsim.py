"""The copied-text detector's pure parts (dangjian.lib.textsim): normalization, MinHash and LSH, on
texts with edits of known size; recall and precision of the LSH pipeline against brute force."""

from __future__ import annotations

import itertools
import random

import numpy as np

from dangjian.lib import textsim
from dangjian.selfcheck.tests import corpus

P = textsim.Params()
K = P.shingle


def sim(a: str, b: str, names_a=(), names_b=()) -> float:  # noqa: ANN001
    return textsim.jaccard(
        textsim.shingle_hashes(textsim.normalize(a, names_a), K),
        textsim.shingle_hashes(textsim.normalize(b, names_b), K),
    )


def test_it_normalizes_numbers_names_and_punctuation():
    a = "2024年3月5日，张建国同志主持召开支部党员大会！应到12人。"
    b = "2023年11月20日 王志强同志主持召开支部党员大会。应到9人"
    assert (
        textsim.normalize(a, ["张建国"])
        == textsim.normalize(b, ["王志强"])
        == "#年#月#日@同志主持召开支部党员大会应到#人"
    )
    assert textsim.normalize("二〇二四年十一月五日") == "#年#月#日"


def test_it_maps_every_normalized_character_back_to_the_original():
    text = "  2024年3月，张建国：发言（要点）abc"
    norm, spans = textsim.normalize_with_positions(text, ["张建国"])
    assert norm == textsim.normalize(text, ["张建国"])
    assert [text[s:e] for s, e in spans][:4] == ["2024", "年", "3", "月"]
    assert text[slice(*spans[norm.index("@")])] == "张建国"


def test_it_gives_identical_texts_identical_signatures_and_bands():
    rng = random.Random(1)
    a = corpus.text(rng)
    sig = textsim.minhash(textsim.shingle_hashes(textsim.normalize(a), K), P)
    again = textsim.minhash(textsim.shingle_hashes(textsim.normalize(a), K), P)
    assert sig.dtype == np.uint32 and len(sig) == P.num_perm
    assert (sig == again).all()
    assert (textsim.from_blob(textsim.to_blob(sig)) == sig).all()
    bands = textsim.band_hashes(np.stack([sig, again]), P)
    assert bands.shape == (2, P.bands) and bands.dtype == np.int64 and (bands[0] == bands[1]).all()


def test_it_estimates_jaccard_within_a_few_points():
    rng = random.Random(2)
    errors = []
    for _ in range(30):
        a = corpus.text(rng)
        b = corpus.replace_chars(rng, a, rng.randint(0, 80))
        sa, sb = (textsim.shingle_hashes(textsim.normalize(x), K) for x in (a, b))
        errors.append(
            abs(textsim.estimate(textsim.minhash(sa, P), textsim.minhash(sb, P)) - textsim.jaccard(sa, sb))
        )
    assert np.mean(errors) < 0.04
    assert max(errors) < 0.15


def test_it_batches_signatures_like_one_at_a_time():
    rng = random.Random(3)
    texts = [corpus.text(rng, words=rng.randint(5, 300)) for _ in range(40)] + [""]
    arrays = [textsim.shingle_hashes(textsim.normalize(t), K) for t in texts]
    batch = textsim.minhash_many(arrays, P, chunk=500)
    for arr, row in zip(arrays, batch, strict=True):
        assert (textsim.minhash(arr, P) == row).all()
    assert (batch[-1] == textsim.EMPTY).all()


def test_it_survives_small_edits_reordering_and_changed_names_and_dates():
    rng = random.Random(4)
    base = corpus.text(rng)
    n = len(textsim.normalize(base))
    assert sim(base, corpus.replace_chars(rng, base, n // 50)) >= 0.75  # 2% of the characters changed
    assert sim(base, corpus.replace_chars(rng, base, n // 25)) >= 0.6  # 4%
    assert sim(base, corpus.reorder_sentences(rng, base)) >= 0.85
    changed = corpus.change_names_and_dates(base)
    assert changed != base
    assert sim(base, changed, corpus.NAMES, corpus.NAMES + ["孙建国"]) >= 0.95


def test_it_keeps_unrelated_texts_apart_although_they_share_vocabulary():
    rng = random.Random(5)
    texts = [corpus.text(rng) for _ in range(20)]
    worst = max(sim(a, b) for a, b in itertools.combinations(texts, 2))
    assert worst < 0.3


def test_it_drops_similarity_in_proportion_to_the_edit_size():
    rng = random.Random(6)
    base = corpus.text(rng)
    n = len(textsim.normalize(base))
    values = [
        sim(base, corpus.replace_chars(random.Random(7), base, n * pct // 100)) for pct in (0, 2, 5, 10, 20)
    ]
    assert values[0] == 1.0
    assert values == sorted(values, reverse=True)
    assert values[-1] < 0.5


def lsh_pairs(signatures: np.ndarray) -> set[tuple[int, int]]:
    bands = textsim.band_hashes(signatures, P)
    buckets: dict[tuple[int, int], list[int]] = {}
    for i in range(len(bands)):
        for b in range(P.bands):
            buckets.setdefault((b, int(bands[i, b])), []).append(i)
    out = set()
    for ids in buckets.values():
        out.update(itertools.combinations(sorted(ids), 2))
    return out


def test_it_finds_what_brute_force_finds_on_a_hand_made_set():
    """Base texts and their variants (0-10% of characters replaced, sentences reordered, names and dates
    changed): LSH candidates + exact check against brute-force exact Jaccard at the threshold."""
    rng = random.Random(8)
    texts = []
    for _ in range(25):
        base = corpus.text(rng)
        n = len(textsim.normalize(base))
        texts += [
            base,
            corpus.replace_chars(rng, base, n * rng.choice((1, 2, 3, 5, 8, 10)) // 100),
            corpus.reorder_sentences(rng, base),
            corpus.change_names_and_dates(base),
        ]
    names = corpus.NAMES + ["孙建国"]
    arrays = [textsim.shingle_hashes(textsim.normalize(t, names), K) for t in texts]
    threshold = 0.6
    truth = {
        (i, j)
        for i, j in itertools.combinations(range(len(texts)), 2)
        if textsim.jaccard(arrays[i], arrays[j]) >= threshold
    }
    found = {
        (i, j)
        for i, j in lsh_pairs(textsim.minhash_many(arrays, P))
        if textsim.jaccard(arrays[i], arrays[j]) >= threshold
    }
    assert len(truth) >= 60
    recall = len(found & truth) / len(truth)
    precision = len(found & truth) / len(found)
    assert recall >= 0.95 and precision == 1.0


def test_it_marks_the_shared_passages_of_two_texts():
    a = "会议学习了党的二十大精神。张建国发言：要做好垃圾分类。最后部署了下月工作。"
    b = "王志强发言：要做好垃圾分类。会上还讨论了停车难问题。会议学习了党的二十大精神。"
    seg_a, seg_b = textsim.shared_segments(a, b, 4, ["张建国"], ["王志强"])
    assert "".join(s for s, _ in seg_a) == a and "".join(s for s, _ in seg_b) == b
    shared_a = [s for s, on in seg_a if on]
    assert "会议学习了党的二十大精神。张建国发言：要做好垃圾分类" in shared_a[0]
    assert not any("部署" in s for s in shared_a)
    assert any("停车难" in s for s, on in seg_b if not on)
