"""Test helpers for every app: log a persona in as a complete login would.

The three administrators (and roles in GONGZHI_OTP_REQUIRED_ROLES) must verify a TOTP
code before any page but the login pages; ``Client.force_login`` alone leaves them at the
second-factor step. ``login(client, user)`` also binds and verifies an authenticator;
``client_for(user)`` is a new client logged in that way.
"""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongzhi.accounts.auth import confirmed_device, otp_required


def login(client: Client, user: Any) -> None:
    """Log ``user`` in on ``client`` with every factor it needs already passed."""
    client.force_login(user)
    if otp_required(user):
        device = confirmed_device(user) or TOTPDevice.objects.create(
            user=user, name="test", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def client_for(user: Any) -> Client:
    """A new client with ``user`` logged in, every factor it needs already passed."""
    client = Client()
    login(client, user)
    return client


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app would show for ``device`` now."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return str(code).zfill(device.digits)


def code_for_key(key_hex: str) -> str:
    """The code now for a secret that is not a device yet (an enrolment in progress)."""
    return str(totp(bytes.fromhex(key_hex))).zfill(6)
