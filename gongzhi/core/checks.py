"""System checks for the keys that protect personal data (DESIGN rule 4)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

KEY_SETTINGS = ("FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY")
ENV_NAMES = {
    "FIELD_ENCRYPTION_KEY": "GONGZHI_FIELD_KEY",
    "BLIND_INDEX_KEY": "GONGZHI_BLIND_INDEX_KEY",
}


def _decode(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return b""


@register("security", deploy=False)
def check_data_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Each key must be base64 of 32 random bytes (AES-256-GCM, HMAC-SHA-256); the two differ."""
    errors: list[CheckMessage] = []
    decoded: dict[str, bytes] = {}
    for name in KEY_SETTINGS:
        raw = _decode(getattr(settings, name, ""))
        if len(raw) != 32:
            errors.append(
                Error(
                    f"{ENV_NAMES[name]} must be base64 of exactly 32 random bytes",
                    hint='python -c "import base64, secrets; '
                    'print(base64.b64encode(secrets.token_bytes(32)).decode())"',
                    id="core.E001",
                )
            )
        decoded[name] = raw
    for position, value in enumerate(getattr(settings, "FIELD_ENCRYPTION_KEYS_OLD", [])):
        if len(_decode(value)) != 32:
            errors.append(
                Error(
                    f"GONGZHI_FIELD_KEYS_OLD item {position + 1} must be base64 of 32 bytes",
                    id="core.E003",
                )
            )
    if (
        decoded["FIELD_ENCRYPTION_KEY"]
        and decoded["FIELD_ENCRYPTION_KEY"] == decoded["BLIND_INDEX_KEY"]
    ):
        errors.append(
            Error("GONGZHI_FIELD_KEY and GONGZHI_BLIND_INDEX_KEY must differ", id="core.E002")
        )
    return errors
