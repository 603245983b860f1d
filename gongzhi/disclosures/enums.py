"""Choices of 居务公开 (R2.3f): what is disclosed and where a disclosure stands."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """公开内容 — the five kinds of matters the committee laws require to be made public
    (村民委员会组织法 第三十条; 城市居民委员会组织法 居务公开)."""

    DECISIONS = "decisions", _("决策事项及落实")
    FINANCES = "finances", _("财务收支")
    RELIEF = "relief", _("救灾救助、补贴补助资金物资")
    GOVERNMENT_ASSIST = "government_assist", _("协助政府工作事项")
    OTHER = "other", _("群众关心的其他事项")


class Status(models.TextChoices):
    """公开事项的状态: 草稿 → 待审核 → 已审核 → 已公开; a returned draft is a draft again."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待监督委员会审核")
    SIGNED_OFF = "signed_off", _("监督委员会已审核")
    PUBLISHED = "published", _("已公开")


class Direction(models.TextChoices):
    INCOME = "income", _("收入")
    EXPENSE = "expense", _("支出")


class Timeliness(models.TextChoices):
    """按期公开情况 of one community and category for its latest due period."""

    ON_TIME = "on_time", _("按时公开")
    LATE = "late", _("逾期公开")
    MISSING = "missing", _("未公开")
    PENDING = "pending", _("公开期限未到")


FLAGGED = frozenset({Timeliness.LATE, Timeliness.MISSING})
