"""The 三员 account pages: who sees which accounts, which buttons, and what each POST does."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import COUNTY, OTHER_COUNTY, make_user
from gongzhi.accounts.models import User
from gongzhi.accounts.testing import login
from gongzhi.accounts.tests.helpers import events, post_login
from gongzhi.ledger.models import EventType

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_security(personas):
    """A hypothetical security administrator of 乌兰浩特市 only."""
    return make_user("county_security", "security_admin", COUNTY)


@pytest.fixture
def outsider(personas):
    """A worker of 阿尔山市, outside 乌兰浩特市."""
    return make_user("arxan_staff", "county_staff", OTHER_COUNTY)


def listed(client) -> set[str]:
    html = client.get(reverse("accounts:user_list")).content.decode()
    return {user.username for user in User.objects.all() if f">{user.username}</a>" in html}


def detail(account: User) -> str:
    return reverse("accounts:user_detail", args=[account.pk])


class TestJurisdictionMatrix:
    def test_the_league_security_administrator_sees_every_account(self, client, personas, outsider):
        login(client, personas.security_admin)
        assert listed(client) == set(User.objects.values_list("username", flat=True))

    def test_a_county_security_administrator_sees_the_county_only(
        self, client, personas, county_security, outsider
    ):
        login(client, county_security)
        seen = listed(client)
        assert {"staff_a", "staff_b", "street_staff", "county_admin", "county_security"} <= seen
        assert "arxan_staff" not in seen
        assert "system_admin" not in seen  # bound to the league, above the county

    @pytest.mark.parametrize(
        ("viewer", "target", "status"),
        [
            ("security_admin", "arxan_staff", 200),
            ("security_admin", "staff_a", 200),
            ("county_security", "staff_a", 200),
            ("county_security", "arxan_staff", 404),
            ("county_security", "system_admin", 404),
            ("audit_admin", "staff_b", 200),
            ("system_admin", "arxan_staff", 200),
        ],
    )
    def test_a_detail_page_outside_the_jurisdiction_is_not_found(
        self, client, personas, county_security, outsider, viewer, target, status
    ):
        login(client, User.objects.get(username=viewer))
        response = client.get(detail(User.objects.get(username=target)))
        assert response.status_code == status

    def test_a_county_administrator_cannot_act_outside_the_county(
        self, client, personas, county_security, outsider
    ):
        login(client, county_security)
        response = client.post(
            reverse("accounts:grant_role", args=[outsider.pk]), {"role": "grid_worker"}
        )
        assert response.status_code == 404
        assert outsider.roles == {"county_staff"}

    def test_a_county_administrator_cannot_move_an_account_out_of_the_county(
        self, client, personas, county_security
    ):
        login(client, county_security)
        response = client.post(
            reverse("accounts:change_jurisdiction", args=[personas.staff_a.pk]),
            {"region": OTHER_COUNTY},
        )
        assert "不在您的管辖范围内" in response.content.decode()
        personas.staff_a.refresh_from_db()
        assert personas.staff_a.region_code != OTHER_COUNTY

    @pytest.mark.parametrize("persona", ["resident", "staff_a", "county_admin"])
    def test_non_administrators_are_refused_and_it_is_recorded(self, client, personas, persona):
        login(client, getattr(personas, persona))
        assert client.get(reverse("accounts:user_list")).status_code == 403
        assert client.get(detail(personas.staff_b)).status_code == 403
        [event] = events(EventType.PERMISSION_DENIED)[:1]
        assert event.actor_username == persona


class TestListPage:
    def test_it_filters_by_role_region_status_and_name(self, client, personas, outsider):
        login(client, personas.audit_admin)
        url = reverse("accounts:user_list")
        page = client.get(url, {"role": "community_staff"}).content.decode()
        assert ">staff_a</a>" in page and ">staff_b</a>" in page and ">county_admin</a>" not in page
        page = client.get(url, {"region": OTHER_COUNTY}).content.decode()
        assert ">arxan_staff</a>" in page and ">staff_a</a>" not in page
        page = client.get(url, {"q": "张丽"}).content.decode()
        assert ">staff_a</a>" in page and ">staff_b</a>" not in page
        personas.staff_b.is_active = False
        personas.staff_b.save()
        page = client.get(url, {"status": "disabled"}).content.decode()
        assert ">staff_b</a>" in page and ">staff_a</a>" not in page

    def test_it_filters_locked_accounts(self, client, personas):
        for _ in range(5):
            post_login(client, "staff_b", "Wrong#2026")
        login(client, personas.security_admin)
        page = client.get(reverse("accounts:user_list"), {"status": "locked"}).content.decode()
        assert ">staff_b</a>" in page and ">staff_a</a>" not in page

    def test_it_pages_through_many_accounts_in_a_constant_number_of_queries(
        self, client, personas, django_assert_max_num_queries
    ):
        for n in range(60):
            make_user(f"worker{n:02d}", "grid_worker", "152201001001")
        login(client, personas.audit_admin)
        with django_assert_max_num_queries(20):
            first = client.get(reverse("accounts:user_list")).content.decode()
        assert "第 1 / 2 页" in first
        second = client.get(reverse("accounts:user_list"), {"page": 2}).content.decode()
        assert "第 2 / 2 页" in second


class TestButtons:
    def test_the_audit_administrator_sees_no_action(self, client, personas):
        login(client, personas.audit_admin)
        html = client.get(detail(personas.staff_a)).content.decode()
        for label in ("停用账号", "重置密码", "授予", "变更辖区", "解除锁定"):
            assert label not in html
        assert "新建账号" not in client.get(reverse("accounts:user_list")).content.decode()

    def test_the_system_administrator_sees_account_lifecycle_actions_only(self, client, personas):
        login(client, personas.system_admin)
        html = client.get(detail(personas.staff_a)).content.decode()
        assert "停用账号" in html and "重置密码" in html
        assert "授予" not in html and "变更辖区" not in html
        assert "新建账号" in client.get(reverse("accounts:user_list")).content.decode()

    def test_the_security_administrator_sees_authorisation_actions_only(self, client, personas):
        login(client, personas.security_admin)
        html = client.get(detail(personas.staff_a)).content.decode()
        assert "授予" in html and "变更辖区" in html
        assert "停用账号" not in html and "重置密码" not in html

    def test_no_administrator_sees_actions_on_their_own_account(self, client, personas):
        login(client, personas.security_admin)
        html = client.get(detail(personas.security_admin)).content.decode()
        assert "授予" not in html and "变更辖区" not in html

    def test_an_audit_administrator_post_is_refused_anyway(self, client, personas):
        login(client, personas.audit_admin)
        response = client.post(reverse("accounts:disable_user", args=[personas.staff_a.pk]))
        assert response.status_code == 403
        personas.staff_a.refresh_from_db()
        assert personas.staff_a.is_active


class TestActionsThroughThePages:
    def test_the_system_administrator_creates_an_account_in_the_jurisdiction(
        self, client, personas
    ):
        login(client, personas.system_admin)
        response = client.post(
            reverse("accounts:user_create"),
            {
                "username": "new_worker",
                "full_name": "新网格员",
                "region": "152201001001",
                "roles": ["grid_worker"],
                "password": "Start#2026x",
                "password2": "Start#2026x",
            },
        )
        account = User.objects.get(username="new_worker")
        assert response["Location"] == detail(account)
        assert account.region_code == "152201001001"
        assert account.roles == {"grid_worker"}
        assert account.must_change_password

    def test_a_blank_initial_password_is_generated_and_shown_once(self, client, personas):
        login(client, personas.system_admin)
        response = client.post(
            reverse("accounts:user_create"),
            {
                "username": "gen_pw",
                "full_name": "某人",
                "region": "万佳社区居委会",
                "roles": ["resident"],
            },
        )
        assert response.status_code == 200
        assert "只显示这一次" in response.content.decode()
        password = response.context["password"]
        assert User.objects.get(username="gen_pw").check_password(password)

    def test_a_create_form_error_names_the_field(self, client, personas):
        login(client, personas.system_admin)
        response = client.post(
            reverse("accounts:user_create"),
            {
                "username": "weak",
                "full_name": "某人",
                "region": "999999",
                "roles": ["resident"],
                "password": "weak",
                "password2": "weak",
            },
        )
        html = response.content.decode()
        assert "所属辖区：未找到辖区“999999”" in html
        assert not User.objects.filter(username="weak").exists()

    def test_the_region_field_suggests_places_in_the_jurisdiction(self, client, personas):
        login(client, personas.system_admin)
        html = client.get(reverse("accounts:region_options"), {"region": "万佳"}).content.decode()
        assert '<option value="152201001001">' in html

    def test_the_security_administrator_grants_and_revokes_a_role(self, client, personas):
        login(client, personas.security_admin)
        client.post(
            reverse("accounts:grant_role", args=[personas.staff_a.pk]), {"role": "grid_worker"}
        )
        assert User.objects.get(pk=personas.staff_a.pk).roles == {"community_staff", "grid_worker"}
        client.post(
            reverse("accounts:revoke_role", args=[personas.staff_a.pk]), {"role": "grid_worker"}
        )
        assert User.objects.get(pk=personas.staff_a.pk).roles == {"community_staff"}
        assert [e.summary["role"] for e in events(EventType.ROLE_GRANTED)] == ["grid_worker"]
        assert [e.summary["role"] for e in events(EventType.ROLE_REVOKED)] == ["grid_worker"]

    def test_an_administrator_role_is_not_offered_beside_another_role(self, client, personas):
        login(client, personas.security_admin)
        html = client.get(detail(personas.staff_a)).content.decode()
        assert '<option value="grid_worker">' in html
        assert '<option value="audit_admin">' not in html
        response = client.post(
            reverse("accounts:grant_role", args=[personas.staff_a.pk]), {"role": "audit_admin"}
        )
        assert response.status_code == 400
        assert "授予角色：" in response.content.decode()
        assert User.objects.get(pk=personas.staff_a.pk).roles == {"community_staff"}

    def test_the_security_administrator_changes_a_jurisdiction(self, client, personas):
        login(client, personas.security_admin)
        client.post(
            reverse("accounts:change_jurisdiction", args=[personas.staff_a.pk]),
            {"region": "152201002001"},
        )
        personas.staff_a.refresh_from_db()
        assert personas.staff_a.region_code == "152201002001"
        assert personas.staff_a.region.code == "152201002001"

    def test_disable_and_enable(self, client, personas):
        login(client, personas.system_admin)
        client.post(reverse("accounts:disable_user", args=[personas.staff_a.pk]))
        assert not User.objects.get(pk=personas.staff_a.pk).is_active
        client.post(reverse("accounts:enable_user", args=[personas.staff_a.pk]))
        assert User.objects.get(pk=personas.staff_a.pk).is_active

    def test_reset_password_shows_the_new_one_once(self, client, personas):
        login(client, personas.system_admin)
        response = client.post(reverse("accounts:reset_password", args=[personas.staff_a.pk]))
        password = response.context["password"]
        staff = User.objects.get(pk=personas.staff_a.pk)
        assert staff.check_password(password) and staff.must_change_password
        assert password not in str([e.summary for e in events(EventType.PASSWORD_RESET)])

    def test_clear_lockout(self, client, personas):
        for _ in range(5):
            post_login(client, "staff_a", "Wrong#2026")
        login(client, personas.security_admin)
        page = client.get(detail(personas.staff_a)).content.decode()
        assert "已锁定（连续失败 5 次）" in page
        client.post(reverse("accounts:clear_lockout", args=[personas.staff_a.pk]))
        assert "未锁定" in client.get(detail(personas.staff_a)).content.decode()
        [event] = events(EventType.LOCKOUT_CLEARED)
        assert event.actor_username == "security_admin"
