"""三员 separation: an administrator role is held alone, and no administrator can make an
account for another administrator's duties or act on their own account."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from conftest import COMMUNITY_A, LEAGUE, make_user
from gongzhi.accounts.actions import do_create_user, do_grant_role, do_revoke_role
from gongzhi.accounts.models import RoleGrant, User
from gongzhi.accounts.tests.helpers import PASSWORD
from gongzhi.regions.models import Region

pytestmark = pytest.mark.django_db


def region(code: str) -> Region:
    return Region.objects.get(region_code=code)


class TestExclusivity:
    @pytest.mark.parametrize(
        "roles",
        [
            ["system_admin", "security_admin"],
            ["security_admin", "audit_admin"],
            ["system_admin", "audit_admin"],
            ["audit_admin", "community_staff"],
        ],
    )
    def test_an_account_cannot_be_created_with_an_administrator_role_and_another(
        self, regions, roles
    ):
        with pytest.raises(ValidationError) as caught:
            do_create_user(
                "both", roles=roles, region=region(LEAGUE), password=PASSWORD, actor=None
            )
        assert "须由不同账号担任" in str(caught.value)
        assert not User.objects.filter(username="both").exists()

    def test_an_administrator_role_cannot_be_granted_to_an_account_with_another_role(
        self, personas
    ):
        with pytest.raises(ValidationError):
            do_grant_role(personas.county_admin, "audit_admin", actor=personas.security_admin)
        assert personas.county_admin.roles == {"county_staff"}

    def test_another_role_cannot_be_granted_to_an_administrator(self, personas):
        with pytest.raises(ValidationError):
            do_grant_role(personas.system_admin, "security_admin", actor=personas.security_admin)

    def test_business_roles_combine(self, personas):
        do_grant_role(personas.grid_worker, "community_staff", actor=personas.security_admin)
        assert personas.grid_worker.roles == {"grid_worker", "community_staff"}


class TestSelfAndSplit:
    def test_an_administrator_cannot_grant_a_role_to_their_own_account(self, personas):
        with pytest.raises(PermissionDenied) as caught:
            do_grant_role(personas.security_admin, "grid_worker", actor=personas.security_admin)
        assert "自己的账号" in str(caught.value)

    def test_only_the_security_administrator_grants_roles(self, personas):
        for actor in (personas.system_admin, personas.audit_admin, personas.county_admin):
            with pytest.raises(PermissionDenied):
                do_grant_role(personas.staff_a, "grid_worker", actor=actor)

    def test_a_system_administrator_cannot_create_an_administrator_account(self, personas):
        with pytest.raises(PermissionDenied) as caught:
            do_create_user(
                "new_auditor",
                roles=["audit_admin"],
                region=region(LEAGUE),
                password=PASSWORD,
                actor=personas.system_admin,
            )
        assert "命令行" in str(caught.value)

    def test_the_last_role_is_never_revoked(self, personas):
        with pytest.raises(ValidationError):
            do_revoke_role(personas.staff_a, "community_staff", actor=personas.security_admin)
        assert personas.staff_a.roles == {"community_staff"}


@pytest.mark.django_db(transaction=True)
class TestConcurrentGrants:
    def test_two_concurrent_administrator_grants_cannot_both_succeed(self, regions):
        if connection.vendor != "postgresql":
            pytest.skip("row locks are observable only on PostgreSQL (SQLite serialises writers)")
        target = make_user("future_admin", "grid_worker", COMMUNITY_A)
        actor_a = make_user("sec_a", "security_admin", LEAGUE)
        actor_b = make_user("sec_b", "security_admin", LEAGUE)
        # An account with no role yet: each grant alone would be allowed.
        RoleGrant.objects.filter(user=target).delete()
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def grant(actor, role: str) -> None:
            try:
                barrier.wait()
                do_grant_role(User.objects.get(pk=target.pk), role, actor=actor)
                outcomes.append("granted")
            except ValidationError:
                outcomes.append("refused")
            finally:
                connection.close()

        threads = [
            threading.Thread(target=grant, args=(actor_a, "system_admin")),
            threading.Thread(target=grant, args=(actor_b, "security_admin")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["granted", "refused"]
        assert RoleGrant.objects.filter(user=target).count() == 1
