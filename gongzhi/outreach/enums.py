"""Choices of outreach: the kinds of resident service (R3.2b) and the states of a need."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceKind(models.TextChoices):
    """R3.2b: public-welfare, convenience and mutual-aid services."""

    PUBLIC_WELFARE = "public_welfare", _("公益服务")
    CONVENIENCE = "convenience", _("便民服务")
    MUTUAL_AID = "mutual_aid", _("邻里互助")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("待对接")
    MATCHED = "matched", _("已对接")
    CLOSED = "closed", _("已关闭")


class ProviderKind(models.TextChoices):
    """Who gives the service: an organisation of the directory, a business or a volunteer
    recorded by staff, or a resident offering mutual aid (R3.2i)."""

    ORGANISATION = "organisation", _("组织")
    BUSINESS = "business", _("商户企业")
    VOLUNTEER = "volunteer", _("志愿者")
    RESIDENT = "resident", _("居民互助")
