"""Choices of polls: the kind of question, the ballot, the states of a poll and the channels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChoiceKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")


class PollStatus(models.TextChoices):
    """草稿 → 投票中 → 已截止 → 已公布结果."""

    DRAFT = "draft", _("草稿")
    OPEN = "open", _("投票中")
    CLOSED = "closed", _("已截止")
    PUBLISHED = "published", _("已公布结果")


class ResultsVisibility(models.TextChoices):
    AFTER_CLOSE = "after_close", _("截止后公布")
    LIVE = "live", _("实时显示")


class Channel(models.TextChoices):
    """How a person voted: on the portal, or with a paper ballot at a booth (CONSUL's channels)."""

    ONLINE = "online", _("网上投票")
    PAPER = "paper", _("纸质投票")
