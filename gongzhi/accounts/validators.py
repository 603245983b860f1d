"""Password rules beyond Django's own (等保 level 3: character classes, not the username)."""

from __future__ import annotations

import secrets
import string
from typing import Any

from django.contrib.auth import password_validation
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


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with its message in Chinese: Django 5.2 changed the message's
    placeholder, so its zh-hans catalogue no longer matches and would show English."""

    def get_error_message(self) -> str:
        return _("密码太短，至少需要%(n)d个字符") % {"n": self.min_length}

    def get_help_text(self) -> str:
        return _("密码至少需要%(n)d个字符") % {"n": self.min_length}


class CharacterClassesValidator:
    """At least ``min_classes`` of: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)d类")
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)d类") % {
            "n": self.min_classes
        }


class NotUsernameValidator:
    """The password may not contain the username, forwards or backwards."""

    def validate(self, password: str, user: Any = None) -> None:
        username = (getattr(user, "username", "") or "").lower()
        lowered = password.lower()
        if username and (username in lowered or username[::-1] in lowered):
            raise ValidationError(_("密码不能包含用户名"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("密码不能包含用户名")


def generate_password(length: int = 12) -> str:
    """A random password that passes every rule: all four classes, no ambiguous characters.

    Used for administrator resets and for accounts created without a chosen password; the
    account must change it at first login.
    """
    lower = "abcdefghijkmnpqrstuvwxyz"
    upper = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    digits = "23456789"
    symbols = "#%+=@!?"
    pool = lower + upper + digits + symbols
    chars = [secrets.choice(group) for group in (lower, upper, digits, symbols)]
    chars += [secrets.choice(pool) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)
