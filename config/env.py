"""Typed environment helpers that fail loudly, and the development secrets file."""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()


def envstr(name: str, default: str | object = _MISSING) -> str:
    value = os.environ.get(name)
    if value is not None:
        return value
    if default is _MISSING:
        raise ImproperlyConfigured(f"Environment variable {name} is required")
    return str(default)


def envbool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true or false)")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from None


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_NAMES = ("SECRET_KEY", "GONGZHI_FIELD_KEY", "GONGZHI_BLIND_INDEX_KEY")


def _new_secrets() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "GONGZHI_FIELD_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "GONGZHI_BLIND_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }


def load_secrets(var_dir: Path, *, production: bool) -> dict[str, str]:
    """Secrets from the environment; in development, missing ones come from var/dev-secrets.json.

    The file is created on first run with fresh random keys and is never committed
    (var/ is ignored). Production requires every secret in the environment.
    """
    found = {name: os.environ[name] for name in SECRET_NAMES if os.environ.get(name)}
    if production:
        missing = [name for name in SECRET_NAMES if name not in found]
        if missing:
            raise ImproperlyConfigured(
                "Production needs these environment variables: " + ", ".join(missing)
            )
        return found
    path = var_dir / "dev-secrets.json"
    if not path.exists():
        # Write to a private temporary file, then link it into place: a second process
        # starting at the same moment either wins or reads the complete winner.
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(_new_secrets(), handle, indent=2)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    stored = json.loads(path.read_text())
    return {name: found.get(name, stored[name]) for name in SECRET_NAMES}
