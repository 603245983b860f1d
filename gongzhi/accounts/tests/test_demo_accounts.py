"""The demo accounts that ``make run`` prints: one per role, idempotent, able to log in."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password

from gongzhi.accounts.demo import DEMO_ACCOUNTS, create_demo_accounts
from gongzhi.accounts.models import Role, User
from gongzhi.accounts.tests.helpers import post_login
from gongzhi.ledger.models import Event, EventType

pytestmark = pytest.mark.django_db


def test_one_account_per_role_bound_to_its_place(regions):
    rows = create_demo_accounts()
    roles = [User.objects.get(username=name).roles for name, *_ in rows]
    assert all(len(held) == 1 for held in roles)
    assert set().union(*roles) == set(Role.values)
    assert ("demo_community", "Demo#2026a", "社区工作者", "万佳社区居委会") in rows
    assert User.objects.get(username="demo_county").region_code == "152201"
    assert User.objects.get(username="demo_sysadmin").region_code == "1522"


def test_it_is_idempotent(regions):
    first = create_demo_accounts()
    second = create_demo_accounts()
    assert first == second
    assert User.objects.filter(username__startswith="demo_").count() == len(DEMO_ACCOUNTS)
    assert Event.objects.filter(type=EventType.USER_CREATED).count() == len(DEMO_ACCOUNTS)


def test_the_demo_passwords_pass_the_rules_and_log_in(client, regions):
    rows = create_demo_accounts()
    for username, password, *_ in rows:
        validate_password(password, User.objects.get(username=username))
    assert post_login(client, "demo_county", "Demo#2026a")["Location"] == "/console/"


def test_the_administrators_bind_an_authenticator_at_first_login(client, regions):
    create_demo_accounts()
    assert post_login(client, "demo_secadmin", "Demo#2026a")["Location"] == "/accounts/otp/enrol/"
