"""Password rules beyond Django's own (等保 level 3: length, character classes, not the username)."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (
    ("lower", string.ascii_lowercase),
    ("upper", string.ascii_uppercase),
    ("digit", string.digits),
)


def character_classes(password: str) -> int:
    found = {name for name, chars in CLASSES for ch in password if ch in chars}
    if any(not ch.isalnum() or not ch.isascii() for ch in password):
        found.add("symbol")
    return len(found)


class CharacterClassesValidator:
    """At least ``min_classes`` of: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)d类") % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)d类") % {"n": self.min_classes}


class NotUsernameValidator:
    """The password may not contain the username, forwards or backwards."""

    def validate(self, password: str, user: Any = None) -> None:
        username = (getattr(user, "username", "") or "").lower()
        lowered = password.lower()
        if username and (username in lowered or username[::-1] in lowered):
            raise ValidationError(_("密码不能包含用户名"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("密码不能包含用户名")
