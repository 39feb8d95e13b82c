"""The copied-text index (signatures computed once, bands in an indexed table, re-index only what
changed) and the two text rules (TEXT-001 copies, TEXT-002 foreign place names)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from dangjian.life.models import Activity, ActivityKind, DutyReport, Talk
from dangjian.orgs.models import Organization
from dangjian.selfcheck import engine, textindex
from dangjian.selfcheck.models import TextBand, TextKind, TextSignature
from dangjian.selfcheck.tests import corpus
from dangjian.selfcheck.tests.helpers import activity, findings

pytestmark = pytest.mark.django_db


def orgs_of(root: Organization) -> dict[int, Organization]:
    return {o.pk: o for o in Organization.objects.filter(path__startswith=root.path)}


def test_it_indexes_a_text_once_and_again_only_when_it_changes(world):  # noqa: ANN001
    text = corpus.text(random.Random(1))
    a = activity(world.b1, ActivityKind.THEMED_DAY, dt.date(2024, 3, 1), text)
    sig = textindex.index_text(obj=a, text=text, kind=TextKind.MINUTES, organization=world.b1, date=a.date)
    assert sig is not None and TextBand.objects.filter(signature=sig).count() == textindex.DEFAULTS["bands"]
    same = textindex.index_text(obj=a, text=text, kind=TextKind.MINUTES, organization=world.b1, date=a.date)
    assert same.pk == sig.pk and same.indexed_at == sig.indexed_at
    changed = textindex.index_text(
        obj=a, text=text + "补充。", kind=TextKind.MINUTES, organization=world.b1, date=a.date
    )
    assert changed.pk != sig.pk and TextSignature.objects.count() == 1
    assert TextBand.objects.count() == textindex.DEFAULTS["bands"]
    assert (
        textindex.index_text(obj=a, text="太短", kind=TextKind.MINUTES, organization=world.b1, date=a.date)
        is None
    )
    assert TextSignature.objects.count() == 0 and TextBand.objects.count() == 0


def test_a_text_saved_is_indexed_when_its_transaction_commits(world, django_capture_on_commit_callbacks):  # noqa: ANN001
    """Recorded through the pages, a text is indexed as it is saved, so the next run finds the index
    current; a lecture turned into a meeting is re-indexed under its new kind; a deleted record and
    an emptied text leave the index."""
    text = corpus.text(random.Random(3))
    with django_capture_on_commit_callbacks(execute=True):
        a = activity(world.b1, ActivityKind.LECTURE, dt.date(2024, 3, 1), text)
    sig = TextSignature.objects.get(object_id=a.pk)
    assert (sig.kind, sig.organization_id, sig.date) == (TextKind.LECTURE, world.b1.pk, a.date)
    assert textindex.sync_index(world.street, orgs_of(world.street), []).indexed == 0  # nothing left to do
    with django_capture_on_commit_callbacks(execute=True):
        a.kind = ActivityKind.GENERAL_MEETING
        a.save()
    assert list(TextSignature.objects.filter(object_id=a.pk).values_list("kind", flat=True)) == [
        TextKind.MINUTES
    ]
    with django_capture_on_commit_callbacks(execute=True):
        a.minutes = ""
        a.save()
    assert not TextSignature.objects.filter(object_id=a.pk).exists()
    b = activity(world.b2, ActivityKind.LECTURE, dt.date(2024, 4, 1), text)  # no commit: not indexed yet
    assert not TextSignature.objects.filter(object_id=b.pk).exists()
    textindex.sync_index(world.street, orgs_of(world.street), [])
    assert TextSignature.objects.filter(object_id=b.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        b.delete()
    assert TextSignature.objects.count() == 0 and TextBand.objects.count() == 0


def test_it_syncs_only_new_changed_and_removed_texts(world):  # noqa: ANN001
    rng = random.Random(2)
    acts = [
        activity(world.b1, ActivityKind.THEMED_DAY, dt.date(2024, m, 1), corpus.text(rng)) for m in (1, 2, 3)
    ]
    talk = Talk.objects.create(
        organization=world.b2,
        participant_a=world.members["m3"],
        participant_b=world.members["m1"],
        date=dt.date(2024, 5, 1),
        summary=corpus.text(rng),
    )
    notes: list[str] = []
    first = textindex.sync_index(world.street, orgs_of(world.street), notes)
    assert (first.scanned, first.indexed, first.removed) == (4, 4, 0)
    kinds = dict(
        TextSignature.objects.values_list("object_id", "kind").filter(object_id=talk.pk, kind=TextKind.TALK)
    )
    assert kinds == {talk.pk: TextKind.TALK}
    again = textindex.sync_index(world.street, orgs_of(world.street), notes)
    assert (again.indexed, again.unchanged) == (0, 4)
    Activity.objects.filter(pk=acts[0].pk).update(minutes=acts[0].minutes + "又及。")
    Activity.objects.filter(pk=acts[1].pk).update(minutes="")
    third = textindex.sync_index(world.street, orgs_of(world.street), notes)
    assert (third.indexed, third.removed, third.unchanged) == (1, 1, 2)
    assert TextSignature.objects.count() == 3
    assert notes == []


def test_it_skips_a_source_whose_field_is_missing_and_says_so(world, monkeypatch):  # noqa: ANN001
    broken = textindex.TextSource(
        key="x",
        app="dangjian.life",
        model="life.Activity",
        field="no_such_field",
        label="测试材料",
        kind=lambda r: TextKind.OTHER,
        date=lambda r: r["date"],
        extra=("date",),
    )
    monkeypatch.setattr(textindex, "SOURCES", [*textindex.SOURCES, broken])
    notes: list[str] = []
    textindex.sync_index(world.street, orgs_of(world.street), notes)
    assert notes == ["life.Activity缺少字段no_such_field，未检查测试材料"]


def copied_pair(world, rng):  # noqa: ANN001, ANN201
    text = corpus.text(rng)
    a = activity(world.b1, ActivityKind.GENERAL_MEETING, dt.date(2024, 6, 1), text)
    b = activity(
        world.b3,
        ActivityKind.GENERAL_MEETING,
        dt.date(2023, 6, 1),
        corpus.replace_chars(rng, corpus.change_names_and_dates(text), 6),
    )
    return a, b


def test_it_finds_a_copy_across_branches_and_years_with_dates_and_names_changed(world):  # noqa: ANN001
    rng = random.Random(3)
    a, b = copied_pair(world, rng)
    for _ in range(5):
        activity(world.b1, ActivityKind.THEMED_DAY, dt.date(2024, rng.randint(1, 12), 2), corpus.text(rng))
    found = findings("TEXT-001", world.street)
    assert len(found) == 1
    f = found[0]
    assert f.organization_id == world.b1.pk and f.period == "2024年"
    assert f.subjects == (f"life.Activity:{a.pk}",) and f.data["b"] == ["activity", b.pk]
    assert "唱经楼第一党支部的2023年06月01日支部党员大会记录高度相似" in f.message
    assert f.links[0].url() == f"/selfcheck/compare/activity/{a.pk}/activity/{b.pk}/"
    assert f.data["similarity"] >= 0.7


def test_it_compares_only_inside_the_scope_and_the_period(world):  # noqa: ANN001
    copied_pair(world, random.Random(4))
    assert findings("TEXT-001", world.c1) == []  # the earlier text is in another community
    assert findings("TEXT-001", world.street, dt.date(2025, 1, 1), dt.date(2025, 12, 31)) == []
    assert len(findings("TEXT-001", world.street, dt.date(2023, 1, 1), dt.date(2024, 12, 31))) == 1


def test_it_finds_two_identical_talk_summaries(world):  # noqa: ANN001
    summary = "与该同志谈心谈话，交流了学习党的二十大精神的体会，该同志表示要发挥党员先锋模范作用，积极参加社区志愿服务，带头做好垃圾分类。"
    m1, m2 = world.members["m1"], world.members["m2"]
    t1 = Talk.objects.create(
        organization=world.b1, participant_a=m1, participant_b=m2, date=dt.date(2024, 3, 1), summary=summary
    )
    t2 = Talk.objects.create(
        organization=world.b1, participant_a=m2, participant_b=m1, date=dt.date(2024, 9, 1), summary=summary
    )
    found = findings("TEXT-001", world.street)
    assert [(f.subjects, f.data["b"]) for f in found] == [((f"life.Talk:{t2.pk}",), ["talk", t1.pk])]
    assert "2024年03月01日谈心谈话记录相同" in found[0].message
    Talk.objects.filter(pk=t2.pk).update(
        summary="与该同志谈话，了解到其家庭困难，孩子上学需要帮助，支部将联系社区协调解决，并安排党员结对帮扶。"
    )
    assert findings("TEXT-001", world.street) == []


def test_it_flags_foreign_place_names_in_a_lecture_and_not_local_ones(world):  # noqa: ANN001
    lecture = activity(
        world.b1,
        ActivityKind.LECTURE,
        dt.date(2024, 7, 1),
        "党课提纲：我们要立足岗位，为深圳改革开放和现代化建设做出贡献。",
    )
    local = activity(
        world.b2,
        ActivityKind.LECTURE,
        dt.date(2024, 7, 2),
        "党课提纲：立足玄武区、服务南京市，学习江苏省委精神，到鼓楼区兄弟社区交流，走中山路。",
    )
    found = findings("TEXT-002", world.street)
    assert [f.subjects for f in found] == [(f"life.Activity:{lecture.pk}",)]
    assert "深圳（广东省深圳市）" in found[0].message and "江苏省南京市玄武区" in found[0].message
    assert local.pk


def test_it_uses_the_nearest_locality_and_notes_organizations_without_one(world):  # noqa: ANN001
    Organization.objects.filter(pk=world.c2.pk).update(locality="广东省深圳市南山区")
    activity(world.b3, ActivityKind.LECTURE, dt.date(2024, 7, 1), "为深圳改革开放和现代化建设做出贡献。")
    assert findings("TEXT-002", world.street) == []
    Organization.objects.filter(pk__in=[world.c2.pk, world.street.pk]).update(locality="")
    r = engine.load_rules()["TEXT-002"]
    ctx = engine.build_context(world.street, dt.date(2024, 1, 1), dt.date(2024, 12, 31), dt.date(2025, 1, 1))
    assert engine.run_rule(r, ctx).findings == []
    assert ctx.notes == ["1个党组织及其上级均未填写所在地区，未检查其材料中的外地地名"]


def test_it_checks_duty_reports_for_place_names(world):  # noqa: ANN001
    report = DutyReport.objects.create(
        organization=world.b1,
        year=2024,
        secretary=world.members["m1"],
        text="本人认真履职，带领支部为杭州市城市建设贡献力量。",
    )
    assert [f.subjects for f in findings("TEXT-002", world.street)] == [(f"life.DutyReport:{report.pk}",)]


def test_it_reports_a_group_of_identical_texts_once_per_copy(world):  # noqa: ANN001
    """Five identical minutes: four findings (each copy names the earliest), not ten pairs."""
    text = corpus.text(random.Random(11))
    acts = [activity(world.b1, ActivityKind.THEMED_DAY, dt.date(2024, m, 3), text) for m in (1, 2, 3, 4, 5)]
    found = findings("TEXT-001", world.street)
    assert sorted(f.subjects[0] for f in found) == sorted(f"life.Activity:{a.pk}" for a in acts[1:])
    assert {tuple(f.data["b"]) for f in found} == {("activity", acts[0].pk)}
    assert all(f.data["others"] == 0 for f in found)


def test_it_leaves_out_stock_phrases_shared_by_very_many_texts(world, settings):  # noqa: ANN001
    """Texts sharing only a stock sentence fill one LSH bucket; buckets larger than max_bucket are not
    joined, and nothing is reported as copied."""
    stock = "对提出的意见建议，支部将在下次支委会上研究。"
    rng = random.Random(12)
    for m in range(1, 13):
        activity(world.b1, ActivityKind.THEMED_DAY, dt.date(2024, m, 3), corpus.text(rng, words=20) + stock)
    notes: list[str] = []
    textindex.sync_index(world.street, orgs_of(world.street), notes)
    small = textindex.candidate_pairs(world.street, dt.date(2024, 1, 1), dt.date(2024, 12, 31), max_bucket=2)
    large = textindex.candidate_pairs(
        world.street, dt.date(2024, 1, 1), dt.date(2024, 12, 31), max_bucket=100
    )
    assert set(small) <= set(large)
    assert len(large) > len(small)  # the stock sentence's buckets pair texts only when they are allowed
    assert findings("TEXT-001", world.street) == []


def test_candidates_share_two_bands_so_a_stock_sentence_alone_pairs_nothing(world):  # noqa: ANN001
    """Texts sharing only a stock sentence share one band here and there; a copy shares many. With
    two bands required the stock pairs drop out of the candidates and the copy stays."""
    stock = "对提出的意见建议，支部将在下次支委会上研究，并及时向党员群众反馈办理结果。"
    rng = random.Random(13)
    for m in range(1, 13):
        activity(world.b1, ActivityKind.THEMED_DAY, dt.date(2024, m, 3), corpus.text(rng, words=30) + stock)
    original = corpus.text(rng)
    first = activity(world.b2, ActivityKind.LECTURE, dt.date(2024, 3, 9), original)
    copy = activity(
        world.b3, ActivityKind.LECTURE, dt.date(2024, 9, 9), corpus.replace_chars(rng, original, 8)
    )
    textindex.sync_index(world.street, orgs_of(world.street), [])
    sig = {a.pk: TextSignature.objects.get(object_id=a.pk, kind=TextKind.LECTURE).pk for a in (first, copy)}
    period = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    one = {frozenset(p) for p in textindex.candidate_pairs(world.street, *period, min_bands=1)}
    two = {frozenset(p) for p in textindex.candidate_pairs(world.street, *period, min_bands=2)}
    assert frozenset(sig.values()) in two
    assert two < one  # some stock pairs shared a single band
    assert [f.subjects for f in findings("TEXT-001", world.street)] == [(f"life.Activity:{copy.pk}",)]
