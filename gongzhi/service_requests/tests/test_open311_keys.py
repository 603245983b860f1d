"""Open311 API keys: issued by the system administrator or on the command line, shown
once, stored as a hash, revocable (三员: configuration is the system administrator's;
DESIGN interface ``manage.py open311_key NAME`` prints the key as its last line)."""

from __future__ import annotations

import hashlib
import re
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from conftest import COUNTY, TOWNSHIP, Personas, make_user
from gongzhi.accounts.testing import client_for
from gongzhi.ledger.models import Event, EventType
from gongzhi.service_requests.actions import (
    authenticate_open311_key,
    do_issue_open311_key,
    do_revoke_open311_key,
)
from gongzhi.service_requests.models import Open311ApiKey
from gongzhi.service_requests.tests.conftest import BASE

pytestmark = pytest.mark.django_db


def run(*args: str) -> list[str]:
    out = StringIO()
    call_command("open311_key", *args, stdout=out)
    return out.getvalue().splitlines()


class TestTheCommand:
    def test_it_prints_the_key_as_its_last_line_and_stores_only_a_hash(
        self, world: Personas
    ) -> None:
        lines = run("12345 热线平台")
        raw = lines[-1]
        key = Open311ApiKey.objects.get()
        assert key.name == "12345 热线平台"
        assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
        assert raw.startswith(key.prefix) and len(raw) >= 40
        assert raw not in str(list(Open311ApiKey.objects.values()))
        assert key.issued_by is None
        event = Event.objects.get(type=EventType.OPEN311_KEY_ISSUED)
        assert raw not in str(event.summary)
        assert authenticate_open311_key(raw) == key

    def test_the_key_works_for_creating_a_request(self, world: Personas) -> None:
        raw = run("城市服务 App")[-1]
        response = Client().post(
            f"{BASE}/requests.json",
            {"api_key": raw, "service_code": "exposed-garbage", "address_id": "152201001001"},
        )
        assert response.status_code == 200

    def test_region_binds_the_key(self, world: Personas) -> None:
        run("街道 App", "--region", TOWNSHIP)
        assert Open311ApiKey.objects.get().region_code == TOWNSHIP

    def test_an_unknown_region_is_refused(self, world: Personas) -> None:
        with pytest.raises(CommandError, match="限定辖区不存在"):
            run("街道 App", "--region", "999999")
        assert not Open311ApiKey.objects.exists()

    def test_a_name_is_required(self, world: Personas) -> None:
        with pytest.raises(CommandError, match="名称"):
            run("")

    def test_revoke_by_prefix(self, world: Personas) -> None:
        raw = run("App")[-1]
        run("--revoke", Open311ApiKey.objects.get().prefix)
        assert authenticate_open311_key(raw) is None


class TestPermissions:
    def test_the_system_administrator_issues_and_revokes(self, world: Personas) -> None:
        key, raw = do_issue_open311_key("App", actor=world.system_admin)
        assert key.issued_by == world.system_admin
        do_revoke_open311_key(key, actor=world.system_admin)
        assert authenticate_open311_key(raw) is None
        assert Event.objects.filter(type=EventType.OPEN311_KEY_REVOKED).count() == 1

    @pytest.mark.parametrize(
        "persona", ["security_admin", "audit_admin", "county_admin", "staff_a", "resident"]
    )
    def test_no_one_else_issues_or_revokes(self, world: Personas, persona: str) -> None:
        actor = getattr(world, persona)
        with pytest.raises(PermissionDenied):
            do_issue_open311_key("App", actor=actor)
        key, _raw = do_issue_open311_key("App", actor=None)
        with pytest.raises(PermissionDenied):
            do_revoke_open311_key(key, actor=actor)
        assert Open311ApiKey.objects.get().revoked_at is None

    def test_a_county_administrator_issues_only_inside_the_county(self, world: Personas) -> None:
        admin = make_user("county_sysadmin", "system_admin", COUNTY)
        assert do_issue_open311_key("App", region_code=TOWNSHIP, actor=admin)
        with pytest.raises(PermissionDenied):
            do_issue_open311_key("App", actor=admin)
        with pytest.raises(PermissionDenied):
            do_issue_open311_key("App", region_code="152202", actor=admin)

    def test_a_key_is_revoked_once(self, world: Personas) -> None:
        key, _raw = do_issue_open311_key("App", actor=None)
        do_revoke_open311_key(key, actor=None)
        with pytest.raises(ValidationError):
            do_revoke_open311_key(key, actor=None)


class TestTheConsolePage:
    URL = "/console/open311/keys/"

    def test_the_system_administrator_issues_a_key_shown_once(self, world: Personas) -> None:
        client = client_for(world.system_admin)
        assert client.get(self.URL).status_code == 200
        response = client.post(self.URL, {"name": "12345 热线平台", "region_code": ""})
        assert response.status_code == 200
        key = Open311ApiKey.objects.get()
        match = re.search(r'class="otp-secret">([^<]+)<', response.content.decode())
        assert match is not None
        raw = match.group(1)
        assert authenticate_open311_key(raw) == key
        assert raw not in client.get(self.URL).content.decode()
        assert key.prefix in client.get(self.URL).content.decode()

    def test_bad_input_is_shown_on_the_form(self, world: Personas) -> None:
        client = client_for(world.system_admin)
        response = client.post(self.URL, {"name": "", "region_code": "abc"})
        assert response.status_code == 400
        assert "辖区编码只能是数字" in response.content.decode()
        assert not Open311ApiKey.objects.exists()

    def test_the_system_administrator_revokes_from_the_list(self, world: Personas) -> None:
        key, raw = do_issue_open311_key("App", actor=None)
        client = client_for(world.system_admin)
        response = client.post(f"/console/open311/keys/{key.pk}/revoke/")
        assert response.status_code == 302
        assert authenticate_open311_key(raw) is None

    @pytest.mark.parametrize("persona", ["security_admin", "audit_admin", "staff_a"])
    def test_other_roles_are_refused(self, world: Personas, persona: str) -> None:
        key, _raw = do_issue_open311_key("App", actor=None)
        client = client_for(getattr(world, persona))
        assert client.get(self.URL).status_code == 403
        assert client.post(self.URL, {"name": "x"}).status_code == 403
        assert client.post(f"/console/open311/keys/{key.pk}/revoke/").status_code == 403
        assert Open311ApiKey.objects.count() == 1

    def test_the_accounts_page_links_to_it(self, world: Personas) -> None:
        content = client_for(world.system_admin).get("/console/accounts/").content.decode()
        assert self.URL in content
        assert (
            self.URL
            not in client_for(world.security_admin).get("/console/accounts/").content.decode()
        )
