"""Open311 API keys (Open311 GeoReport v2 ``api_key``): who may create service requests.

A key belongs to an outside system (a city app, a 12345 hotline platform, a partner's
reporting tool), not to a person. Only the SHA-256 of the key is stored, so the key is
shown once when issued; ``prefix`` (its first characters) names it in lists and in the
ledger. A key bound to a jurisdiction (``region_code``) creates requests only for places
inside it; a blank code is the whole deployment (the league).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PREFIX_LENGTH = 8


class Open311ApiKeyQuerySet(models.QuerySet["Open311ApiKey"]):
    def active(self) -> Open311ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True)


class Open311ApiKey(models.Model):
    """Open311 接口密钥 — the ``api_key`` an outside system posts service requests with."""

    name = models.CharField(_("名称"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("密钥前缀"), max_length=PREFIX_LENGTH, db_index=True)
    # Blank: anywhere in the deployment; else only places inside this jurisdiction.
    region_code = models.CharField(_("限定辖区"), max_length=12, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    objects = Open311ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 接口密钥")
        verbose_name_plural = _("Open311 接口密钥")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
