"""System checks for the accounts settings: a typo must fail loudly, not weaken security."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_security_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from gongzhi.accounts.models import Role

    errors = []
    unknown = set(settings.GONGZHI_OTP_REQUIRED_ROLES) - set(Role.values)
    if unknown:
        errors.append(
            Error(
                f"GONGZHI_OTP_REQUIRED_ROLES names unknown roles: {', '.join(sorted(unknown))}",
                hint=f"Use role codes: {', '.join(Role.values)}",
                id="accounts.E001",
            )
        )
    if settings.GONGZHI_AUTH_RATE_PER_MINUTE < 1:
        errors.append(Error("GONGZHI_AUTH_RATE_PER_MINUTE must be at least 1", id="accounts.E002"))
    if settings.SESSION_COOKIE_AGE < settings.GONGZHI_IDLE_TIMEOUT_MINUTES * 60:
        errors.append(
            Error(
                "SESSION_COOKIE_AGE is shorter than the idle timeout; sessions would end early "
                "and timeouts would go unrecorded",
                id="accounts.E003",
            )
        )
    if not settings.AXES_COOLOFF_TIME:
        errors.append(
            Error("AXES_COOLOFF_TIME must be set so that a lockout ends", id="accounts.E004")
        )
    return errors
