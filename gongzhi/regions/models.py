"""The division tree (区划), and below it grids, compounds and buildings.

``region_code`` is the short hierarchical code used for jurisdiction (DESIGN rule 3):
the statistical code without the zero groups of the levels below it. Grids, compounds and
buildings extend their parent's code by three digits each, so one prefix test covers a
place and everything in it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import ScopedQuerySet

# Length of region_code at each division level (league, county, township, community).
CODE_LENGTH = {1: 4, 2: 6, 3: 9, 4: 12}
CHILD_CODE_DIGITS = 3


class Level(models.IntegerChoices):
    LEAGUE = 1, _("盟")
    COUNTY = 2, _("旗县市")
    TOWNSHIP = 3, _("苏木乡镇街道")
    COMMUNITY = 4, _("嘎查村社区")


def short_code(code: str, level: int) -> str:
    """``152201001000`` at level 3 → ``152201001``."""
    return code[: CODE_LENGTH[level]]


class Region(models.Model):
    """行政区划 — a division from the statistical division codes (统计用区划代码)."""

    code = models.CharField(_("统计用区划代码"), max_length=12, unique=True)
    region_code = models.CharField(_("辖区编码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    parent_code = models.CharField(_("上级代码"), max_length=12)
    urban_rural_code = models.CharField(_("城乡分类代码"), max_length=3, blank=True)
    name_pinyin = models.CharField(_("拼音"), max_length=300, blank=True, db_index=True)
    name_initials = models.CharField(_("拼音首字母"), max_length=100, blank=True, db_index=True)
    is_active = models.BooleanField(_("有效"), default=True)
    # A division abolished or merged in a newer release points to the one that took it over.
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("并入"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced",
    )
    source_year = models.PositiveSmallIntegerField(_("数据年份"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "code"], name="region_parent_code")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_community(self) -> bool:
        return self.level == Level.COMMUNITY


class Grid(models.Model):
    """网格 — the smallest unit of community management.

    R2.3c: each grid belongs to one committee's community.
    """

    region_code = models.CharField(_("网格编码"), max_length=15, unique=True)
    community = models.ForeignKey(
        Region, verbose_name=_("所属社区"), on_delete=models.PROTECT, related_name="grids"
    )
    name = models.CharField(_("网格名称"), max_length=100)
    # GeoJSON Polygon or MultiPolygon geometry in WGS84 (lon, lat).
    boundary = models.JSONField(_("边界"), null=True, blank=True)
    # Bounding box of the boundary, kept for index-friendly prefiltering.
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("网格长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_grids",
    )
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("网格员"), blank=True, related_name="grids"
    )
    # Changes with every save; the point-in-polygon index compares it to know when to rebuild.
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["region_code"]

    def __str__(self) -> str:
        return self.name


class ManagementMode(models.TextChoices):
    OWN_COMMITTEE = "own", _("本社区居委会管理")
    NEIGHBOUR_COMMITTEE = "neighbour", _("相邻居委会代管")
    RESIDENTS_GROUP = "group", _("居民小组代管")


class Compound(models.Model):
    """小区 — a residential compound; R2.3b tracks its occupancy and who looks after it."""

    region_code = models.CharField(_("小区编码"), max_length=18, unique=True)
    grid = models.ForeignKey(
        Grid, verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="compounds"
    )
    name = models.CharField(_("小区名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    total_units = models.PositiveIntegerField(_("总户数"), default=0)
    occupied_units = models.PositiveIntegerField(_("入住户数"), default=0)
    # R2.3b: the committee that runs the compound, or the neighbouring one that looks after it.
    committee_region = models.ForeignKey(
        Region,
        verbose_name=_("管理居委会所在社区"),
        on_delete=models.PROTECT,
        related_name="managed_compounds",
    )
    management_mode = models.CharField(
        _("管理方式"),
        max_length=16,
        choices=ManagementMode.choices,
        default=ManagementMode.OWN_COMMITTEE,
    )
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        ordering = ["region_code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(occupied_units__lte=models.F("total_units")),
                name="compound_occupied_le_total",
                violation_error_message=_("入住户数不能多于总户数"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def occupancy(self) -> float:
        return self.occupied_units / self.total_units if self.total_units else 0.0


class Building(models.Model):
    """楼栋 — a building in a compound."""

    region_code = models.CharField(_("楼栋编码"), max_length=21, unique=True)
    compound = models.ForeignKey(
        Compound, verbose_name=_("所属小区"), on_delete=models.PROTECT, related_name="buildings"
    )
    name = models.CharField(_("楼栋名称"), max_length=50)
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)
    units = models.PositiveIntegerField(_("户数"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["region_code"]

    def __str__(self) -> str:
        return self.name
