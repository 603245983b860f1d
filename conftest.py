"""Shared test fixtures: the real division tree and the named personas (STYLE.md).

Personas, each built through real actions:
    resident          居民, lives in community A
    grid_worker       网格员 of community A
    staff_a           社区工作者 of community A (万佳社区, 爱国街道)
    staff_b           社区工作者 of community B (红云社区, 和平街道)
    street_staff      街道工作人员 of 爱国街道 (contains A, not B)
    county_admin      旗县市工作人员 of 乌兰浩特市 (contains A and B)
    system_admin, security_admin, audit_admin — the 三员, league-wide
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

# Timings belong in bench/, not in tests: a busy two-core CI machine must not turn a slow
# example into a failure (Hypothesis' default deadline is 200 ms per example).
hypothesis_settings.register_profile("gongzhi", deadline=None)
hypothesis_settings.load_profile("gongzhi")

PASSWORD = "Gongzhi#2026"
LEAGUE = "1522"
COUNTY = "152201"  # 乌兰浩特市
TOWNSHIP = "152201001"  # 爱国街道
COMMUNITY_A = "152201001001"  # 万佳社区居委会
TOWNSHIP_B = "152201002"  # 和平街道
COMMUNITY_B = "152201002001"  # 红云社区居委会
OTHER_COUNTY = "152202"  # 阿尔山市


@dataclass
class Personas:
    resident: Any
    grid_worker: Any
    staff_a: Any
    staff_b: Any
    street_staff: Any
    county_admin: Any
    system_admin: Any
    security_admin: Any
    audit_admin: Any

    def all(self) -> dict[str, Any]:
        return dict(self.__dict__)


@pytest.fixture
def regions(db: None) -> None:
    """The league's real division tree (loaded once per database state)."""
    from gongzhi.regions.loader import load_regions
    from gongzhi.regions.models import Region

    if not Region.objects.exists():
        load_regions()


def make_user(username: str, role: str, region_code: str, **extra: Any) -> Any:
    from gongzhi.accounts.actions import do_create_user
    from gongzhi.regions.models import Region

    return do_create_user(
        username,
        roles=[role],
        region=Region.objects.get(region_code=region_code),
        password=PASSWORD,
        actor=None,
        **extra,
    )


@pytest.fixture
def personas(regions: None) -> Personas:
    return Personas(
        resident=make_user("resident", "resident", COMMUNITY_A, full_name="乌云"),
        grid_worker=make_user("grid_worker", "grid_worker", COMMUNITY_A, full_name="巴特尔"),
        staff_a=make_user("staff_a", "community_staff", COMMUNITY_A, full_name="张丽"),
        staff_b=make_user("staff_b", "community_staff", COMMUNITY_B, full_name="王强"),
        street_staff=make_user("street_staff", "township_staff", TOWNSHIP, full_name="李明"),
        county_admin=make_user("county_admin", "county_staff", COUNTY, full_name="赵刚"),
        system_admin=make_user("system_admin", "system_admin", LEAGUE, full_name="系统管理员"),
        security_admin=make_user(
            "security_admin", "security_admin", LEAGUE, full_name="安全管理员"
        ),
        audit_admin=make_user("audit_admin", "audit_admin", LEAGUE, full_name="审计管理员"),
    )


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Rate-limit counters live in the cache, which outlasts each test's rollback."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """A request in English leaves English active in the thread; start every test in Chinese."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
