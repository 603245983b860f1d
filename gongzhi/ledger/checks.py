"""System checks for the ledger's retention setting."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

# Cybersecurity Law Art. 21: network logs are kept for no less than six months.
MINIMUM_RETENTION_DAYS = 183
DEFAULT_RETENTION_DAYS = 365


def retention_days() -> int:
    return int(getattr(settings, "GONGZHI_LEDGER_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


@register()
def check_retention(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    configured = getattr(settings, "GONGZHI_LEDGER_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    try:
        days = retention_days()
    except (TypeError, ValueError):
        days = -1
    if days < MINIMUM_RETENTION_DAYS:
        return [
            Error(
                f"GONGZHI_LEDGER_RETENTION_DAYS 为 {configured!r}，"
                f"审计日志须至少保存 {MINIMUM_RETENTION_DAYS} 天（六个月）",
                hint=(
                    "网络安全法第二十一条要求网络日志留存不少于六个月；"
                    "请设为 183 或更大（默认 365）。"
                ),
                id="ledger.E001",
            )
        ]
    return []
