"""Choices of the residents registry that are not national code tables."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResidenceSituation(models.TextChoices):
    """居住情况: how the place of residence and the household registration relate."""

    CONSISTENT = "consistent", _("人户一致")
    REGISTERED_ELSEWHERE = "registered_elsewhere", _("人在户不在")
    LIVING_ELSEWHERE = "living_elsewhere", _("户在人不在")
    MIGRANT = "migrant", _("流动人口")


class ResidentStatus(models.TextChoices):
    """登记状态: records are never deleted; a departure or a merge changes the status."""

    ACTIVE = "active", _("在册")
    MOVED_AWAY = "moved_away", _("已迁出")
    DECEASED = "deceased", _("已死亡")
    MERGED = "merged", _("已合并")


class DepartureKind(models.TextChoices):
    MOVED_AWAY = "moved_away", _("迁出")
    DECEASED = "deceased", _("死亡")


class TagCategory(models.TextChoices):
    CARE = "care", _("关爱服务对象")
    OTHER = "other", _("其他")


# GB/T 4761: 02 户主. A household has at most one active householder.
HOUSEHOLDER = "02"
