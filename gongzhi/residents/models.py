"""The real-population registry (实有人口): households, residents and their tags.

Personal data follows DESIGN rule 4: the ID number and the phone are encrypted
(``EncryptedTextField``), with a blind index for exact lookup and league-wide uniqueness,
a masked copy for display and HMAC tail indexes for "ends in 123X" searches. None of
these columns is written outside ``residents.actions``, which keeps them in step.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core import codes
from gongzhi.core.fields import EncryptedTextField
from gongzhi.core.idcard import DocumentType
from gongzhi.core.models import QuickDisplayMixin
from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.residents.enums import ResidenceSituation, ResidentStatus, TagCategory

ID_PURPOSE = "resident.id_number"
PHONE_PURPOSE = "resident.phone"


class IntendedStay(models.TextChoices):
    """拟居住期限 of a migrant (R3.1h)."""

    UNDER_6_MONTHS = "under_6m", _("半年以下")
    SIX_TO_12_MONTHS = "6_12m", _("半年至一年")
    OVER_A_YEAR = "over_1y", _("一年以上")
    LONG_TERM = "long_term", _("长期居住")


class VisitKind(models.TextChoices):
    """走访方式; 关爱探访 is the visit to care targets (R3.5b)."""

    HOME = "home", _("入户走访")
    PHONE = "phone", _("电话回访")
    CARE = "care", _("关爱探访")


class Tag(models.Model):
    """标签 — care categories (R3.5b) and others; sensitive ones need a permission to see."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    category = models.CharField(
        _("类别"), max_length=16, choices=TagCategory.choices, default=TagCategory.OTHER
    )
    is_sensitive = models.BooleanField(_("敏感"), default=False)
    # A tag in use is deactivated, never deleted: it stays on the records that carry it
    # (history) but is no longer offered in forms and imports.
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("标签")
        verbose_name_plural = _("标签")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    """户 — a household at one place, with its members and householder."""

    number = models.CharField(_("户号"), max_length=32, unique=True)
    # The most specific place: building, compound, grid or community code.
    region_code = models.CharField(_("辖区编码"), max_length=21)
    community = models.ForeignKey(
        "regions.Region", verbose_name=_("所属社区"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        "regions.Grid",
        verbose_name=_("网格"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
    )
    compound = models.ForeignKey(
        "regions.Compound",
        verbose_name=_("小区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
    )
    building = models.ForeignKey(
        "regions.Building",
        verbose_name=_("楼栋"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
    )
    room = models.CharField(_("房号"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    householder = models.ForeignKey(
        "Resident",
        verbose_name=_("户主"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        ordering = ["region_code", "id"]
        indexes = [models.Index(fields=["region_code", "id"], name="household_region_id")]

    def __str__(self) -> str:
        return self.number


class Resident(QuickDisplayMixin, models.Model):
    """实有人口 — one person living (or registered) in the league."""

    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(_("姓名拼音"), max_length=200, blank=True)
    name_initials = models.CharField(_("姓名首字母"), max_length=50, blank=True)

    doc_type = models.CharField(
        _("证件类型"), max_length=20, choices=DocumentType.choices, default=DocumentType.CITIZEN_ID
    )
    id_number = EncryptedTextField(_("证件号码"), purpose=ID_PURPOSE)
    id_number_index = models.CharField(max_length=32)
    id_number_masked = models.CharField(_("证件号码"), max_length=40)
    # The last 4 characters only: a search for the last 5 or 6 finds the few records
    # ending in the last 4 and compares the decrypted numbers (``queries.apply_search``).
    id_tail4 = models.CharField(max_length=16, blank=True)

    sex = models.CharField(_("性别"), max_length=1, choices=codes.sex_choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=2, choices=codes.ethnicity_choices)
    education = models.CharField(
        _("文化程度"), max_length=4, choices=codes.education_choices, blank=True
    )
    marital_status = models.CharField(
        _("婚姻状况"), max_length=4, choices=codes.marital_status_choices, blank=True
    )
    political_status = models.CharField(
        _("政治面貌"), max_length=4, choices=codes.political_status_choices, blank=True
    )

    phone = EncryptedTextField(_("联系电话"), purpose=PHONE_PURPOSE, blank=True)
    phone_index = models.CharField(max_length=32, blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    phone_tail4 = models.CharField(max_length=16, blank=True)

    # Foreign keys without their own single-column index (``db_index=False``): the
    # composite ``resident_household`` serves the household's members, nothing reads
    # residents by community (the place is ``region_code``), and the four that most
    # records leave empty get partial indexes over the records that have them. Every index
    # is written for every imported row (bench_import_residents measures what they cost).
    household = models.ForeignKey(
        Household,
        verbose_name=_("户"),
        on_delete=models.PROTECT,
        related_name="members",
        db_index=False,
    )
    relationship = models.CharField(
        _("与户主关系"), max_length=2, choices=codes.relationship_choices
    )
    # Current residence: the household's place (building, compound, grid or community).
    region_code = models.CharField(_("辖区编码"), max_length=21)
    community = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所属社区"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    registered_region_code = models.CharField(_("户籍地区划代码"), max_length=12, blank=True)
    residence_situation = models.CharField(
        _("居住情况"),
        max_length=24,
        choices=ResidenceSituation.choices,
        default=ResidenceSituation.CONSISTENT,
    )
    moved_in_on = models.DateField(_("迁入日期"), null=True, blank=True)
    # R2.3d: counts for the committee's elections and composition.
    is_local_resident = models.BooleanField(_("本社区居民"), default=True)

    # Migrants (流动人口, R3.1h): where they came from, since when, for how long. A residence
    # permit is recorded as held or not, not by its number: taking part where one lives needs
    # the fact, not the number (PIPL Art. 6, collect only what the function needs).
    origin_place = models.CharField(
        _("来源地"),
        max_length=100,
        blank=True,
        help_text=_("区划代码（如 150102）或地名（如 呼和浩特市新城区）"),
    )
    arrived_on = models.DateField(_("来本地日期"), null=True, blank=True)
    has_residence_permit = models.BooleanField(_("持有居住证"), null=True, blank=True)
    intended_stay = models.CharField(
        _("拟居住期限"), max_length=16, choices=IntendedStay.choices, blank=True
    )
    # Party members (R2.1a): the party organisation they belong to in the community's
    # 小三级 tree, and the grid they serve in.
    party_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("所在党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_members",
        db_index=False,
    )
    serving_grid = models.ForeignKey(
        "regions.Grid",
        verbose_name=_("服务网格"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="serving_party_members",
        db_index=False,
    )

    status = models.CharField(
        _("登记状态"), max_length=16, choices=ResidentStatus.choices, default=ResidentStatus.ACTIVE
    )
    status_on = models.DateField(_("状态变更日期"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("门户账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident_records",
        db_index=False,
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("标签"), blank=True, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        ordering = ["region_code", "id"]
        constraints = [
            # Not partial: a partial unique index serves only queries that repeat its
            # condition, so lookups by blind index (duplicates, imports, search by ID)
            # scanned the table. Every record has an ID number.
            models.UniqueConstraint(fields=["id_number_index"], name="resident_id_number_unique"),
        ]
        indexes = [
            models.Index(fields=["region_code", "id"], name="resident_region_id"),
            models.Index(fields=["region_code", "name"], name="resident_region_name"),
            models.Index(fields=["region_code", "name_initials"], name="resident_region_initials"),
            models.Index(fields=["region_code", "name_pinyin"], name="resident_region_pinyin"),
            models.Index(fields=["name_initials", "region_code"], name="resident_initials"),
            models.Index(fields=["name_pinyin", "region_code"], name="resident_pinyin"),
            models.Index(fields=["name", "region_code"], name="resident_name"),
            models.Index(fields=["id_tail4", "region_code"], name="resident_id_tail4"),
            models.Index(fields=["phone_tail4", "region_code"], name="resident_phone_tail4"),
            models.Index(fields=["phone_index"], name="resident_phone_index"),
            models.Index(fields=["household", "id"], name="resident_household"),
            models.Index(fields=["region_code", "birth_date"], name="resident_region_birth"),
            *(
                models.Index(
                    fields=[column],
                    name=f"resident_{column}",
                    condition=models.Q(**{f"{column}__isnull": False}),
                )
                for column in ("party_organisation", "serving_grid", "merged_into", "user")
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active_record(self) -> bool:
        return self.status == ResidentStatus.ACTIVE


VISIT_SUMMARY_MAX_LENGTH = 500


class Visit(models.Model):
    """走访记录 — a grid worker's visit to a household (R2.3c, R3.1e)."""

    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="visits"
    )
    resident = models.ForeignKey(
        Resident,
        verbose_name=_("走访对象"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("走访人"),
        on_delete=models.PROTECT,
        related_name="resident_visits",
    )
    visited_on = models.DateField(_("走访日期"))
    kind = models.CharField(
        _("走访方式"), max_length=16, choices=VisitKind.choices, default=VisitKind.HOME
    )
    summary = models.CharField(
        _("走访情况"),
        max_length=VISIT_SUMMARY_MAX_LENGTH,
        help_text=_("简要记录了解到的情况和诉求。请勿填写身份证号、电话等个人信息。"),
    )
    follow_up_needed = models.BooleanField(_("需要跟进"), default=False)
    follow_up_note = models.CharField(_("跟进事项"), max_length=200, blank=True)
    # The household's place when the visit was made.
    region_code = models.CharField(_("辖区编码"), max_length=21)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["region_code", "visited_on"], name="visit_region_date"),
            models.Index(fields=["household", "visited_on"], name="visit_household_date"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.visited_on}"
