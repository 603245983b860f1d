"""Choices of the opinion map (意见地图): a conversation's state, a statement's moderation
state, and a vote."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConversationStatus(models.TextChoices):
    OPEN = "open", _("征集中")
    CLOSED = "closed", _("已结束")


class StatementStatus(models.TextChoices):
    """Moderation (审核) of a statement: staff accept or reject it with a reason."""

    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("已采用")
    REJECTED = "rejected", _("未采用")


class VoteValue(models.IntegerChoices):
    """Agree 1, disagree −1, pass 0: the values of ``clustering``'s matrix."""

    AGREE = 1, _("同意")
    DISAGREE = -1, _("不同意")
    PASS = 0, _("跳过")
