"""The organization tree (street → community → general branch → branch → group), committees and
their seats and terms, partner units."""

from __future__ import annotations

import datetime as dt

from django.db import models
from simple_history.models import HistoricalRecords

from dangjian.accounts.roles import Domain
from dangjian.core.scope import Scope, ScopedQuerySet
from dangjian.lib.periods import add_years
from dangjian.orgs.fields import PathField


class OrgKind(models.TextChoices):
    STREET_COMMITTEE = "street_committee", "街道党工委"
    COMMUNITY_COMMITTEE = "community_committee", "社区党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    GROUP = "group", "党小组"


class BranchBasis(models.TextChoices):
    BUILDING = "building", "楼幢"
    GRID = "grid", "网格"
    NON_PUBLIC = "non_public", "两新组织"
    RETIRED = "retired", "离退休"
    OTHER = "other", "其他"


# Which kinds may sit under which (a group only inside a branch).
ALLOWED_CHILDREN: dict[str, set[str]] = {
    OrgKind.STREET_COMMITTEE: {OrgKind.COMMUNITY_COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH},
    OrgKind.COMMUNITY_COMMITTEE: {OrgKind.GENERAL_BRANCH, OrgKind.BRANCH},
    OrgKind.GENERAL_BRANCH: {OrgKind.BRANCH},
    OrgKind.BRANCH: {OrgKind.GROUP},
    OrgKind.GROUP: set(),
}


class OrganizationQuerySet(ScopedQuerySet):
    def active(self) -> OrganizationQuerySet:
        return self.filter(dissolved_on__isnull=True)

    def subtree(self, root: Organization) -> OrganizationQuerySet:
        return self.filter(path__startswith=root.path)


class Organization(models.Model):
    code = models.CharField("组织代码", max_length=40, unique=True)
    name = models.CharField("组织名称", max_length=100)
    kind = models.CharField("组织类别", max_length=24, choices=OrgKind.choices)
    basis = models.CharField("组建方式", max_length=16, choices=BranchBasis.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级党组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialized path of primary keys ("/1/7/42/"): a subtree is one indexed prefix match.
    path = PathField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    locality = models.CharField(
        "所在地区", max_length=60, blank=True, help_text="如：江苏省南京市玄武区；下级组织未填写时沿用上级"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["path", "depth"])
    scope = Scope(path="path", domain=Domain.ORGS)
    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_branch(self) -> bool:
        return self.kind == OrgKind.BRANCH

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p][:-1]

    def is_within(self, other: Organization) -> bool:
        return self.path.startswith(other.path)


class CommitteeRole(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    ORGANIZATION = "organization", "组织委员"
    PROPAGANDA = "propaganda", "宣传委员"
    DISCIPLINE = "discipline", "纪检委员"
    MEMBER = "member", "委员"


class Committee(models.Model):
    """The elected committee (or the secretary alone, for small branches) of one organization, one term."""

    organization = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="committees"
    )
    elected_on = models.DateField("选举日期")
    term_years = models.PositiveSmallIntegerField("任期（年）")
    ends_on = models.DateField("任期届满日期", editable=False)
    is_current = models.BooleanField("本届", default=True)
    secretary_is_director = models.BooleanField("书记兼任居委会主任（一肩挑）", default=False)

    history = HistoricalRecords()
    scope = Scope(path="organization__path", domain=Domain.ORGS)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "委员会"
        verbose_name_plural = "委员会"
        ordering = ["organization", "-elected_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"], condition=models.Q(is_current=True), name="one_current_committee"
            ),
            models.CheckConstraint(
                condition=models.Q(term_years__gte=1, term_years__lte=5), name="term_1_to_5_years"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization.name}（{self.elected_on:%Y}年选举）"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.ends_on = add_years(self.elected_on, self.term_years)  # derived field only
        super().save(*args, **kwargs)

    def is_expired(self, on: dt.date) -> bool:
        return self.ends_on < on


class CommitteeSeat(models.Model):
    committee = models.ForeignKey(
        Committee, verbose_name="委员会", on_delete=models.PROTECT, related_name="seats"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="committee_seats"
    )
    role = models.CharField("职务", max_length=20, choices=CommitteeRole.choices)
    part_time = models.BooleanField("兼职委员", default=False)
    since = models.DateField("任职日期")
    until = models.DateField("离任日期", null=True, blank=True)

    history = HistoricalRecords()
    scope = Scope(path="committee__organization__path", domain=Domain.ORGS, member="member_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "委员职务"
        verbose_name_plural = "委员职务"
        ordering = ["committee", "role"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.member}"


class PartnerKind(models.TextChoices):
    RESIDENT_UNIT = "resident_unit", "驻区单位"
    DUAL_REPORT = "dual_report", "双报到单位"
    PAIRED = "paired", "结对共建单位"


class PartnerUnit(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="partner_units"
    )
    name = models.CharField("单位名称", max_length=100)
    kind = models.CharField("类别", max_length=20, choices=PartnerKind.choices)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    agreement_on = models.DateField("共建协议签订日期", null=True, blank=True)
    note = models.TextField("备注", blank=True)

    history = HistoricalRecords()
    scope = Scope(path="organization__path", domain=Domain.ORGS)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "共建单位"
        verbose_name_plural = "共建单位"
        ordering = ["organization", "name"]

    def __str__(self) -> str:
        return self.name
