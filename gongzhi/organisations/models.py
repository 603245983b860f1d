"""Organisations directory (组织机构): departments, offices, committees, party organisations."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import ScopedQuerySet


class OrganisationKind(models.TextChoices):
    DEPARTMENT = "department", _("职能部门")
    TOWNSHIP_OFFICE = "township_office", _("街道办事处/苏木乡镇人民政府")
    RESIDENTS_COMMITTEE = "residents_committee", _("居民委员会")
    VILLAGERS_COMMITTEE = "villagers_committee", _("村民委员会")
    GACHA_COMMITTEE = "gacha_committee", _("嘎查委员会")
    PARTY_COMMITTEE = "party_committee", _("社区党委/党总支")
    PARTY_BRANCH = "party_branch", _("小区党支部")
    PARTY_GROUP = "party_group", _("楼栋党小组")


class Organisation(models.Model):
    """组织 — a body that work is attached to, placed in a region."""

    kind = models.CharField(_("类别"), max_length=32, choices=OrganisationKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="organisations"
    )
    region_code = models.CharField(_("辖区编码"), max_length=21, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_active = models.BooleanField(_("有效"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["region_code", "kind", "name"]

    def __str__(self) -> str:
        return self.name
