"""What every app's ``actions.py`` shares: the permission check and field-error collection.

Every action checks its named permission first (DESIGN rule 1) and reports all the bad
fields of one input at once, each with a Chinese message (rule 7).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def require(actor: Any, perm: str, obj: Any = None) -> None:
    """Refuse unless ``actor`` holds ``perm`` (on ``obj``); ``actor=None`` is the operator."""
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied(_("您没有权限执行此操作"))


class FieldErrors:
    """Collects field errors so a form shows all of them at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
