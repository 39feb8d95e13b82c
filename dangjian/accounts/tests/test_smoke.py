import pytest

from dangjian.members.models import Member


@pytest.mark.django_db
def test_it_stores_id_numbers_encrypted_and_finds_them_by_hash(world):
    m = world.members["m1"]
    raw = Member.objects.filter(pk=m.pk).values("id_number_enc", "id_number_last4").get()
    assert m.id_number not in raw["id_number_enc"]
    assert raw["id_number_last4"] == m.id_number[-4:]
    fresh = Member.objects.get(pk=m.pk)
    assert fresh.id_number == m.id_number


@pytest.mark.django_db
def test_it_scopes_members_to_the_subtree(world):
    visible = set(Member.objects.for_user(world.user("branch_secretary")).values_list("name", flat=True))
    assert visible == {"张建国", "李秀英"}
    assert Member.objects.for_user(world.user("system_admin")).count() == 0
    assert list(Member.objects.for_user(world.user("member"))) == [world.members["m1"]]
