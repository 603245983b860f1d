"""Production settings: `manage.py check --deploy` is clean, and missing secrets stop start-up."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def run_manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GONGZHI_", "DJANGO_")) and key not in {"SECRET_KEY", "DEBUG"}
    }
    environment.update(
        GONGZHI_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings",
        **env,
    )
    return subprocess.run(  # noqa: S603  (our own manage.py with fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production(**overrides: str) -> dict[str, str]:
    env = {
        "GONGZHI_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "GONGZHI_FIELD_KEY": key(),
        "GONGZHI_BLIND_INDEX_KEY": key(),
        "ALLOWED_HOSTS": "gongzhi.example.gov.cn",
    }
    env.update(overrides)
    return env


def test_check_deploy_reports_no_warnings(tmp_path: Path) -> None:
    result = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_its_secrets(tmp_path: Path) -> None:
    env = production()
    del env["GONGZHI_FIELD_KEY"]
    result = run_manage(tmp_path, "check", **env)
    assert result.returncode != 0
    assert "GONGZHI_FIELD_KEY" in result.stderr
    assert not (tmp_path / "dev-secrets.json").exists()


def test_a_malformed_field_key_is_an_error(tmp_path: Path) -> None:
    result = run_manage(tmp_path, "check", **production(GONGZHI_FIELD_KEY="too-short"))
    assert result.returncode != 0
    assert "core.E001" in result.stderr


def test_development_generates_its_secrets_once(tmp_path: Path) -> None:
    first = run_manage(tmp_path, "check")
    assert first.returncode == 0, first.stderr
    secrets_file = tmp_path / "dev-secrets.json"
    written = secrets_file.read_text()
    assert oct(secrets_file.stat().st_mode & 0o777) == "0o600"
    assert run_manage(tmp_path, "check").returncode == 0
    assert secrets_file.read_text() == written


def test_a_malformed_old_field_key_is_an_error(tmp_path: Path) -> None:
    result = run_manage(tmp_path, "check", **production(GONGZHI_FIELD_KEYS_OLD=f"{key()},nope"))
    assert result.returncode != 0
    assert "core.E003" in result.stderr
    assert "item 2" in result.stderr
