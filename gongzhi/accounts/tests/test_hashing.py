"""Passwords are hashed with Argon2 (the test settings swap in MD5 only for speed)."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password, make_password
from django.test import override_settings

import config.settings as production_settings


def test_argon2_is_the_configured_hasher():
    assert (
        production_settings.PASSWORD_HASHERS[0]
        == "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_a_password_is_stored_as_an_argon2_hash():
    with override_settings(PASSWORD_HASHERS=production_settings.PASSWORD_HASHERS):
        encoded = make_password("Good#Pass2026")
        assert encoded.startswith("argon2$argon2id$")
        assert check_password("Good#Pass2026", encoded)
        assert not check_password("Good#Pass2027", encoded)
