"""Outreach: mobile service in sparse pastoral areas (R3.2a) and the supply-and-demand
platform for residents' services (R3.2b).

Mobile service (流动服务): a ``ServiceRoute`` of one township (a service vehicle or an
agency point) calls at ``ServiceStop``\\ s in its communities and gachas on scheduled
``ServiceVisit``\\ s, each offering some categories of the case catalogue; at a stop
staff take cases with the channel ``mobile_stop``.

Supply and demand (供需对接): residents post ``Need``\\ s for their community;
organisations, businesses and volunteers (recorded by staff) and residents (mutual aid)
post ``Offer``\\ s for a community, township or county; community staff pair a need
with an offer (``Match``, with an optional appointment) or turn it into a case.

Every row stores ``region_code`` (DESIGN rule 3): the township for a route, the
community for stops, visits, needs and matches, the area served for an offer. Columns
are written only by ``outreach.actions``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.outreach.enums import NeedStatus, ProviderKind, ServiceKind

TEXT_MAX_LENGTH = 1000


class ServiceRoute(models.Model):
    """流动服务线路 — a service vehicle or agency point of one township (苏木乡镇)."""

    name = models.CharField(_("线路名称"), max_length=100)
    township = models.ForeignKey(
        "regions.Region", verbose_name=_("所属苏木乡镇"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    vehicle = models.CharField(_("服务车辆/代办点"), max_length=200)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("流动服务线路")
        verbose_name_plural = _("流动服务线路")
        ordering = ["region_code", "name", "id"]
        indexes = [models.Index(fields=["region_code", "id"], name="route_region")]

    def __str__(self) -> str:
        return self.name


class ServiceStop(models.Model):
    """流动服务点 — a place in a community or gacha where the route stops."""

    route = models.ForeignKey(ServiceRoute, on_delete=models.CASCADE, related_name="stops")
    community = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所在嘎查村社区"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    place_name = models.CharField(_("地点"), max_length=100)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("流动服务点")
        verbose_name_plural = _("流动服务点")
        ordering = ["route", "region_code", "id"]
        indexes = [models.Index(fields=["region_code", "id"], name="stop_region")]

    def __str__(self) -> str:
        return self.place_name


class ServiceVisit(models.Model):
    """流动服务日程 — one scheduled call of a route at a stop, with the services offered.

    ``services`` holds the codes of case categories (``cases.Category.code``) that staff
    take at the stop. ``region_code`` is the stop's community.
    """

    stop = models.ForeignKey(ServiceStop, on_delete=models.PROTECT, related_name="visits")
    region_code = models.CharField(_("辖区编码"), max_length=12)
    date = models.DateField(_("服务日期"))
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    services = models.JSONField(_("服务事项"), default=list, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    is_cancelled = models.BooleanField(_("已取消"), default=False)
    cancel_reason = models.CharField(_("取消原因"), max_length=500, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("排班人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    # The offered categories' names, set for display by ``queries.attach_service_names``.
    service_names: list[str]

    class Meta:
        verbose_name = _("流动服务日程")
        verbose_name_plural = _("流动服务日程")
        ordering = ["date", "start_time", "id"]
        indexes = [models.Index(fields=["region_code", "date"], name="visit_region_date_or")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="visit_time_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.stop_id}"


class Need(models.Model):
    """服务需求 — what a resident asks for in their community (R3.2b)."""

    community = models.ForeignKey(
        "regions.Region", verbose_name=_("所在社区"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    poster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.PROTECT,
        related_name="service_needs",
    )
    poster_name = models.CharField(_("发布人"), max_length=50)
    kind = models.CharField(_("服务类别"), max_length=16, choices=ServiceKind.choices)
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("具体需求"), max_length=TEXT_MAX_LENGTH)
    status = models.CharField(
        _("状态"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    # The case it became (需求转办件).
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("转办办件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    close_note = models.CharField(_("关闭说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务需求")
        verbose_name_plural = _("服务需求")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["region_code", "status", "id"], name="need_region_status"),
            models.Index(fields=["poster", "id"], name="need_poster"),
        ]

    def __str__(self) -> str:
        return self.title


class Offer(models.Model):
    """服务供给 — a service an organisation, business, volunteer or resident offers.

    ``region_code`` is the area served: a community, a township or a county; the offer
    serves every need whose community lies inside it.
    """

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("服务范围"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("辖区编码"), max_length=12)
    provider_kind = models.CharField(_("提供方类别"), max_length=16, choices=ProviderKind.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("提供组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    provider_name = models.CharField(_("提供方"), max_length=100)
    poster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="service_offers",
    )
    kind = models.CharField(_("服务类别"), max_length=16, choices=ServiceKind.choices)
    title = models.CharField(_("服务名称"), max_length=100)
    description = models.TextField(_("服务内容"), max_length=TEXT_MAX_LENGTH)
    capacity = models.CharField(_("服务能力"), max_length=100, blank=True)
    available_times = models.CharField(_("可服务时间"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务供给")
        verbose_name_plural = _("服务供给")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["region_code", "is_active", "id"], name="offer_region_active"),
            models.Index(fields=["poster", "id"], name="offer_poster"),
        ]

    def __str__(self) -> str:
        return self.title


class Match(models.Model):
    """供需对接 — a need paired with an offer by community staff, with an appointment."""

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="matches")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="matches")
    region_code = models.CharField(_("辖区编码"), max_length=12)
    appointment_at = models.DateTimeField(_("预约时间"), null=True, blank=True)
    note = models.CharField(_("对接说明"), max_length=500, blank=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("对接人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("对接时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("供需对接")
        verbose_name_plural = _("供需对接")
        ordering = ["-id"]
        indexes = [models.Index(fields=["region_code", "id"], name="match_region")]
        constraints = [
            models.UniqueConstraint(fields=["need", "offer"], name="match_need_offer"),
        ]

    def __str__(self) -> str:
        return f"{self.need_id} ↔ {self.offer_id}"
