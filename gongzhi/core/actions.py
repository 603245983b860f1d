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


def clean_text(
    value: str | None,
    field: str,
    errors: FieldErrors,
    *,
    label: str,
    limit: int,
    required: bool = True,
    one_line: bool = True,
    minimum: int = 1,
) -> str:
    """A text field as the user typed it, tidied: runs of white space become one space
    (``one_line``) or the ends are trimmed; a missing, too short or too long text adds a
    Chinese error naming the field (DESIGN rule 7). Returns the tidied text either way."""
    raw = value or ""
    text = " ".join(raw.split()) if one_line else raw.strip()
    if required and not text:
        errors.add(field, _("请填写%(label)s") % {"label": label})
    elif text and len(text) < minimum:
        errors.add(field, _("%(label)s至少 %(n)d 个字") % {"label": label, "n": minimum})
    elif len(text) > limit:
        errors.add(
            field,
            _("%(label)s不能超过 %(n)d 个字（现有 %(len)d 个字）")
            % {"label": label, "n": limit, "len": len(text)},
        )
    return text
