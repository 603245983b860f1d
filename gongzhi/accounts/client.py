"""The client's address, as lockout and rate limiting see it.

Behind a reverse proxy ``REMOTE_ADDR`` is the proxy, so every user would share one
address and one rate-limit bucket. ``GONGZHI_PROXY_COUNT`` says how many trusted proxies
stand in front of the application; the client is then the address the outermost of them
appended to ``X-Forwarded-For`` (counted from the right, so a client cannot forge it by
sending its own header). With no proxy the header is ignored altogether.

Written here rather than taken from django-ipware: the rule is four lines, and ipware's
defaults read forwarding headers even when no proxy is configured, which lets a client
choose its own address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address, or None when it cannot be told."""
    proxies = settings.GONGZHI_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR") or None
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    if address is None:
        return None
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_bucket(group: str, request: HttpRequest) -> str:
    """Rate-limit key: the client address, with IPv6 clients grouped by their /64 network
    (one subscriber usually holds a whole /64)."""
    address = client_ip(request) or "unknown"
    if ":" in address:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return address
