"""Organisations directory (组织机构): departments, offices, committees, party organisations.

Every organisation sits at a place and stores that place's ``region_code`` (DESIGN rule
3): a division (``region``), or for the lower party tiers and owner committees a compound
or a building inside the community (``compound``/``building``), whose longer code then is
the organisation's ``region_code``. The placement rules per kind live in
``gongzhi.organisations.placement``; the committee composition rules in
``gongzhi.organisations.composition``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.codes import ethnicity_choices, sex_choices
from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.organisations.validators import validate_credit_code


class OrganisationKind(models.TextChoices):
    DEPARTMENT = "department", _("职能部门（责任单位）")
    TOWNSHIP_OFFICE = "township_office", _("街道办事处/苏木乡镇人民政府")
    MANAGEMENT_COMMITTEE = "management_committee", _("管理委员会（农牧场、园区等）")
    RESIDENTS_COMMITTEE = "residents_committee", _("居民委员会")
    VILLAGERS_COMMITTEE = "villagers_committee", _("村民委员会")
    GACHA_COMMITTEE = "gacha_committee", _("嘎查委员会")
    PARTY_COMMITTEE = "party_committee", _("社区党委/党总支")
    PARTY_BRANCH = "party_branch", _("小区党支部")
    PARTY_GROUP = "party_group", _("楼栋党小组")
    OWNER_COMMITTEE = "owner_committee", _("业主委员会")
    PROPERTY_COMPANY = "property_company", _("物业服务企业")
    SOCIAL_ORGANISATION = "social_organisation", _("社会组织")
    # R2.3f: 居务监督委员会 (村民委员会组织法 第三十二条: 村务监督委员会), one per community.
    SUPERVISION_COMMITTEE = "supervision_committee", _("居务监督委员会/村务监督委员会")


# Self-governing committees (基层群众性自治组织, R2.3).
COMMITTEE_KINDS = frozenset(
    {
        OrganisationKind.RESIDENTS_COMMITTEE,
        OrganisationKind.VILLAGERS_COMMITTEE,
        OrganisationKind.GACHA_COMMITTEE,
    }
)
# R2.1a "小三级": community party committee → compound branch → building group.
PARTY_KINDS = frozenset(
    {OrganisationKind.PARTY_COMMITTEE, OrganisationKind.PARTY_BRANCH, OrganisationKind.PARTY_GROUP}
)
# Township-level government: one per township-level division.
OFFICE_KINDS = frozenset({OrganisationKind.TOWNSHIP_OFFICE, OrganisationKind.MANAGEMENT_COMMITTEE})
# R2.1c: bodies a party organisation may be built on (依托).
ATTACHABLE_KINDS = COMMITTEE_KINDS | {
    OrganisationKind.OWNER_COMMITTEE,
    OrganisationKind.PROPERTY_COMPANY,
    OrganisationKind.SOCIAL_ORGANISATION,
}
# Kinds whose body serves a fixed term (届).
TERM_KINDS = (
    COMMITTEE_KINDS
    | PARTY_KINDS
    | {OrganisationKind.OWNER_COMMITTEE, OrganisationKind.SUPERVISION_COMMITTEE}
)
# Kinds of which a place holds at most one active organisation, grouped: a community has
# one committee whatever its kind, one community party organisation, a township one office.
SINGLETON_GROUPS: tuple[frozenset[str], ...] = (
    frozenset(COMMITTEE_KINDS),
    frozenset({OrganisationKind.PARTY_COMMITTEE}),
    frozenset(OFFICE_KINDS),
    frozenset({OrganisationKind.SUPERVISION_COMMITTEE}),
)


class Post(models.TextChoices):
    """岗位 — the post a member holds; which posts a kind has is ``POSTS_BY_KIND``."""

    DIRECTOR = "director", _("主任")
    DEPUTY_DIRECTOR = "deputy_director", _("副主任")
    MEMBER = "member", _("委员")
    SECRETARY = "secretary", _("书记")
    DEPUTY_SECRETARY = "deputy_secretary", _("副书记")
    PARTY_COMMITTEE_MEMBER = "party_committee_member", _("党组织委员")
    GROUP_LEADER = "group_leader", _("党小组组长")
    GRID_HEAD = "grid_head", _("网格长")
    HEAD = "head", _("主要负责人")
    DEPUTY_HEAD = "deputy_head", _("分管负责人")
    PROJECT_MANAGER = "project_manager", _("项目经理")
    LIAISON = "liaison", _("联络员")
    STAFF = "staff", _("工作人员")


_COMMITTEE_POSTS = (Post.DIRECTOR, Post.DEPUTY_DIRECTOR, Post.MEMBER, Post.GRID_HEAD, Post.STAFF)
_PARTY_POSTS = (Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.PARTY_COMMITTEE_MEMBER)
POSTS_BY_KIND: dict[str, tuple[Post, ...]] = {
    OrganisationKind.DEPARTMENT: (Post.HEAD, Post.DEPUTY_HEAD, Post.LIAISON),
    OrganisationKind.TOWNSHIP_OFFICE: (Post.HEAD, Post.DEPUTY_HEAD, Post.LIAISON, Post.STAFF),
    OrganisationKind.MANAGEMENT_COMMITTEE: (Post.HEAD, Post.DEPUTY_HEAD, Post.LIAISON, Post.STAFF),
    OrganisationKind.RESIDENTS_COMMITTEE: _COMMITTEE_POSTS,
    OrganisationKind.VILLAGERS_COMMITTEE: _COMMITTEE_POSTS,
    OrganisationKind.GACHA_COMMITTEE: _COMMITTEE_POSTS,
    OrganisationKind.PARTY_COMMITTEE: _PARTY_POSTS,
    OrganisationKind.PARTY_BRANCH: _PARTY_POSTS,
    OrganisationKind.PARTY_GROUP: (Post.GROUP_LEADER,),
    OrganisationKind.OWNER_COMMITTEE: (Post.DIRECTOR, Post.DEPUTY_DIRECTOR, Post.MEMBER),
    OrganisationKind.PROPERTY_COMPANY: (Post.HEAD, Post.PROJECT_MANAGER, Post.STAFF),
    OrganisationKind.SOCIAL_ORGANISATION: (Post.HEAD, Post.DEPUTY_HEAD, Post.STAFF),
    OrganisationKind.SUPERVISION_COMMITTEE: (Post.DIRECTOR, Post.MEMBER),
}
# Posts that count as members of a self-governing committee (主任、副主任、委员).
COMMITTEE_MEMBER_POSTS = frozenset({Post.DIRECTOR, Post.DEPUTY_DIRECTOR, Post.MEMBER})
# Posts one person holds at a time in an organisation.
SINGLE_HOLDER_POSTS = frozenset({Post.DIRECTOR, Post.SECRETARY, Post.GROUP_LEADER, Post.HEAD})


def post_label(kind: str, post: str) -> str:
    """The post's name as the organisation calls it: a gacha's director is the 嘎查达."""
    if kind == OrganisationKind.GACHA_COMMITTEE and post == Post.DIRECTOR:
        return str(_("主任（嘎查达）"))
    return str(Post(post).label)


class OrganisationQuerySet(ScopedQuerySet["Organisation"]):
    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)


class Organisation(models.Model):
    """组织 — a body that work is attached to, placed in a region."""

    kind = models.CharField(_("类别"), max_length=32, choices=OrganisationKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所在区划"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    # The compound (小区) or building (楼栋) the organisation sits at, inside ``region``.
    compound = models.ForeignKey(
        "regions.Compound",
        verbose_name=_("所在小区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    building = models.ForeignKey(
        "regions.Building",
        verbose_name=_("所在楼栋"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    region_code = models.CharField(_("辖区编码"), max_length=21, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # R2.1c: the committee, owner committee or property company a party organisation is built on.
    attached_to = models.ForeignKey(
        "self",
        verbose_name=_("依托组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_organisations",
    )
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    # The organisation's office contact, not a person's (personal phones are not kept here).
    phone = models.CharField(_("办公电话"), max_length=30, blank=True)
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    description = models.TextField(_("职责与简介"), blank=True)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    # R2.3a: a committee's defined jurisdiction (its 四至) and size (the posts set, 职数).
    boundary_description = models.TextField(_("管辖范围（四至）"), blank=True)
    posts_set = models.PositiveSmallIntegerField(_("核定职数"), null=True, blank=True)
    term_start = models.DateField(_("本届任期开始"), null=True, blank=True)
    term_end = models.DateField(_("本届任期届满"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["region_code", "kind", "name"]
        indexes = [
            models.Index(fields=["kind", "region_code"], name="organisation_kind_code"),
            models.Index(fields=["name"], name="organisation_name"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="organisation_unique_credit_code",
                violation_error_message=_("统一社会信用代码已被其他组织使用"),
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_start__isnull=True)
                | Q(term_end__gte=models.F("term_start")),
                name="organisation_term_ordered",
                violation_error_message=_("任期届满日期不能早于任期开始日期"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_committee(self) -> bool:
        return self.kind in COMMITTEE_KINDS

    @property
    def is_party(self) -> bool:
        return self.kind in PARTY_KINDS

    @property
    def posts(self) -> tuple[Post, ...]:
        return POSTS_BY_KIND.get(self.kind, ())

    @property
    def place_code(self) -> str:
        """The code of the most specific place it sits at: building, compound or division."""
        building, compound = self.building, self.compound
        if building is not None:
            return building.region_code
        if compound is not None:
            return compound.region_code
        return self.region.region_code

    def clean(self) -> None:
        from gongzhi.organisations.placement import check_placement, normalise_place

        normalise_place(self)
        check_placement(self)


class MembershipQuerySet(ScopedQuerySet["Membership"]):
    def current(self, on: datetime.date | None = None) -> MembershipQuerySet:
        """Memberships held on ``on`` (today): started and not yet ended."""
        day = on or timezone.localdate()
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=day)
        )


class Membership(models.Model):
    """组织成员 — a person holding a post in an organisation.

    Only what the directory needs is kept (PIPL Art. 6): name, post, whether the person
    lives in the community (R2.3d), sex and ethnicity by national code (the composition
    rules need them), and the dates. No phone or ID number: those belong to the residents
    registry with its encryption.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("组织"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    # Copy of the organisation's code, so that members scope like any other row.
    region_code = models.CharField(_("辖区编码"), max_length=21, db_index=True)
    person_name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=32, choices=Post.choices)
    # R2.3d: the director and at least one member must be residents of the community.
    is_local_resident = models.BooleanField(_("本社区居民"), default=False)
    sex = models.CharField(_("性别"), max_length=1, choices=sex_choices)
    ethnicity = models.CharField(_("民族"), max_length=2, choices=ethnicity_choices, blank=True)
    start_date = models.DateField(_("任职日期"))
    end_date = models.DateField(_("离任日期"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("关联账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织成员")
        verbose_name_plural = _("组织成员")
        ordering = ["organisation", "start_date", "pk"]
        indexes = [
            models.Index(fields=["organisation", "end_date"], name="membership_org_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_dates_ordered",
                violation_error_message=_("离任日期不能早于任职日期"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name}（{self.post_label}）"

    @property
    def post_label(self) -> str:
        return post_label(self.organisation.kind, self.post)

    def is_current(self, on: datetime.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.start_date <= day and (self.end_date is None or self.end_date > day)
