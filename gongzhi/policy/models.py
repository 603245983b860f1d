"""Versions of a rule of law that staff add (DESIGN rule 5): a province's implementing
measures, a league's own setting, a revised law. Rows are never edited or deleted; a
change is a new version with a later ``effective_from``. The versions the law gives are
declared in code (``registry``); ``queries.policy_value`` chooses among both."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyVersion(models.Model):
    key = models.CharField(_("规则"), max_length=100)
    region_code = models.CharField(_("适用地区编码"), max_length=12, blank=True)
    effective_from = models.DateField(_("施行日期"))
    value = models.JSONField(_("取值"))
    source = models.CharField(_("依据"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("规则版本")
        verbose_name_plural = _("规则版本")
        ordering = ["key", "region_code", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "region_code", "effective_from"], name="policyversion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} @{self.region_code or '*'} {self.effective_from}"
