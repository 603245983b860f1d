"""The directory pages: scoped list with filters, detail with members and warnings, the
party tree, forms for those who may manage, 404 outside the jurisdiction."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import COMMUNITY_A, COMMUNITY_B, OTHER_COUNTY, Personas, make_user
from gongzhi.accounts.testing import client_for
from gongzhi.console.tests.a11y import assert_accessible
from gongzhi.organisations.models import Membership, Organisation, OrganisationKind, Post

from .conftest import add_member, committee_of, make_branch, party_committee_of

K = OrganisationKind


def get(user: Any, url: str, **params: str) -> Any:
    return client_for(user).get(url, params)


@pytest.fixture
def people(personas: Personas, department_staff: Any, seeded: None) -> dict[str, Any]:
    everyone = personas.all()
    everyone["department_staff"] = department_staff
    return everyone


def detail_url(organisation: Organisation) -> str:
    return reverse("organisations:detail", args=[organisation.pk])


@pytest.mark.django_db
class TestList:
    @pytest.mark.parametrize(
        ("persona", "status"),
        [
            ("resident", 403),
            ("grid_worker", 200),
            ("staff_a", 200),
            ("street_staff", 200),
            ("county_admin", 200),
            ("department_staff", 200),
            ("system_admin", 403),
            ("security_admin", 403),
            ("audit_admin", 403),
        ],
    )
    def test_who_may_open_the_directory(
        self, people: dict[str, Any], persona: str, status: int
    ) -> None:
        assert get(people[persona], reverse("organisations:list")).status_code == status

    def test_anonymous_visitors_are_sent_to_log_in(self, seeded: None) -> None:
        response = Client().get(reverse("organisations:list"))
        assert response.status_code == 302 and "login" in response["Location"]

    def test_community_staff_see_only_their_community(self, people: dict[str, Any]) -> None:
        response = get(people["staff_a"], reverse("organisations:list"))
        names = [o.name for o in response.context["page"].object_list]
        assert "万佳社区居委会" in names and "万佳社区党委" in names
        assert "红云社区居委会" not in names and "爱国街道办事处" not in names
        assert all(
            o.region_code.startswith(COMMUNITY_A) for o in response.context["page"].object_list
        )
        assert_accessible(response.content.decode())

    def test_it_filters_by_kind_region_and_name(self, people: dict[str, Any]) -> None:
        response = get(
            people["county_admin"],
            reverse("organisations:list"),
            kind=K.RESIDENTS_COMMITTEE,
            region="152201002",
            q="红",
        )
        rows = response.context["page"].object_list
        assert rows and all(
            o.kind == K.RESIDENTS_COMMITTEE and o.region_code.startswith("152201002") for o in rows
        )
        assert all("红" in o.name for o in rows)

    def test_a_region_outside_the_jurisdiction_is_not_found(self, people: dict[str, Any]) -> None:
        response = get(people["staff_a"], reverse("organisations:list"), region=COMMUNITY_B)
        assert response.status_code == 404

    def test_it_pages_fifty_at_a_time(self, people: dict[str, Any]) -> None:
        first = get(people["county_admin"], reverse("organisations:list"))
        assert len(first.context["page"].object_list) == 50
        second = get(people["county_admin"], reverse("organisations:list"), page="2")
        assert second.context["page"].number == 2
        assert set(first.context["page"].object_list).isdisjoint(second.context["page"].object_list)

    def test_the_query_count_does_not_grow_with_the_page(self, people: dict[str, Any]) -> None:
        client = client_for(people["county_admin"])
        client.get(reverse("organisations:list"))

        def queries_for(**params: str) -> tuple[int, int]:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(reverse("organisations:list"), params)
            return len(captured), len(response.context["page"].object_list)

        full_count, full_rows = queries_for()
        small_count, small_rows = queries_for(q="万佳")
        assert (full_rows, small_rows) == (50, 2)
        assert full_count == small_count


@pytest.mark.django_db
class TestDetail:
    def test_it_shows_members_with_their_posts_and_residence(self, people: dict[str, Any]) -> None:
        committee = committee_of(COMMUNITY_A)
        add_member(committee, Post.DIRECTOR, name="乌日娜", local=False, sex="2")
        add_member(committee, Post.MEMBER, name="巴特尔", local=True)
        response = get(people["staff_a"], detail_url(committee))
        html = response.content.decode()
        assert response.status_code == 200
        assert "乌日娜" in html and "巴特尔" in html
        assert [m.post_label for m in response.context["current_members"]] == ["主任", "委员"]
        assert_accessible(html)

    def test_it_shows_the_composition_warnings_prominently(self, people: dict[str, Any]) -> None:
        committee = committee_of(COMMUNITY_A)
        add_member(committee, Post.DIRECTOR, name="外来主任", local=False)
        html = get(people["street_staff"], detail_url(committee)).content.decode()
        assert 'role="alert"' in html
        assert "外来主任不是本社区居民" in html
        assert "成员中没有女性" in html

    @pytest.mark.parametrize("persona", ["staff_a", "street_staff", "grid_worker"])
    def test_another_communitys_committee_is_not_found(
        self, people: dict[str, Any], persona: str
    ) -> None:
        assert get(people[persona], detail_url(committee_of(COMMUNITY_B))).status_code == 404

    def test_department_staff_of_another_county_find_nothing_here(
        self, people: dict[str, Any]
    ) -> None:
        arxan = make_user("arxan_dept", "department_staff", OTHER_COUNTY)
        assert get(arxan, detail_url(committee_of(COMMUNITY_A))).status_code == 404
        assert (
            get(people["department_staff"], detail_url(committee_of(COMMUNITY_A))).status_code
            == 200
        )

    @pytest.mark.parametrize(
        "persona", ["resident", "system_admin", "security_admin", "audit_admin"]
    )
    def test_residents_and_administrators_find_no_organisation(
        self, people: dict[str, Any], persona: str
    ) -> None:
        assert get(people[persona], detail_url(committee_of(COMMUNITY_A))).status_code == 404

    def test_department_staff_read_without_the_forms(self, people: dict[str, Any]) -> None:
        committee = committee_of(COMMUNITY_A)
        response = get(people["department_staff"], detail_url(committee))
        assert response.status_code == 200
        assert response.context["can_manage"] is False
        assert reverse("organisations:edit", args=[committee.pk]) not in response.content.decode()

    def test_it_draws_the_party_tree_under_the_community(
        self, people: dict[str, Any], places: dict[str, Any]
    ) -> None:
        party = party_committee_of(COMMUNITY_A)
        branch = make_branch(places["compound_1"], party, name="甲一小区党支部")
        response = get(people["staff_a"], detail_url(committee_of(COMMUNITY_A)))
        tree = response.context["party_tree"]
        assert [node.organisation for node in tree] == [party]
        assert [node.organisation for node in tree[0].children] == [branch]
        assert "甲一小区党支部" in response.content.decode()


@pytest.mark.django_db
class TestForms:
    @pytest.mark.parametrize(
        ("persona", "status"),
        [
            ("staff_a", 200),
            ("street_staff", 200),
            ("grid_worker", 403),
            ("department_staff", 403),
            ("staff_b", 404),
        ],
    )
    def test_who_may_open_the_edit_form(
        self, people: dict[str, Any], persona: str, status: int
    ) -> None:
        url = reverse("organisations:edit", args=[committee_of(COMMUNITY_A).pk])
        response = get(people[persona], url)
        assert response.status_code == status
        if status == 200:
            assert_accessible(response.content.decode())

    def test_staff_edit_their_committee(self, people: dict[str, Any]) -> None:
        committee = committee_of(COMMUNITY_A)
        url = reverse("organisations:edit", args=[committee.pk])
        response = client_for(people["staff_a"]).post(
            url,
            {
                "kind": K.RESIDENTS_COMMITTEE,
                "name": committee.name,
                "parent": committee.parent_id,
                "posts_set": "7",
                "phone": "0482-8266403",
                "boundary_description": "东至兴安南大路，西至五一南街",
            },
        )
        assert response.status_code == 302
        committee.refresh_from_db()
        assert (committee.posts_set, committee.phone) == (7, "0482-8266403")

    def test_a_bad_credit_code_comes_back_with_a_chinese_error(
        self, people: dict[str, Any]
    ) -> None:
        committee = committee_of(COMMUNITY_A)
        response = client_for(people["staff_a"]).post(
            reverse("organisations:edit", args=[committee.pk]),
            {
                "kind": K.RESIDENTS_COMMITTEE,
                "name": committee.name,
                "credit_code": "91350100M000100Y44",
            },
        )
        assert response.status_code == 200
        assert "统一社会信用代码校验位不符" in response.content.decode()

    def test_staff_add_a_branch_at_a_compound_through_the_form(
        self, people: dict[str, Any], places: dict[str, Any]
    ) -> None:
        party = party_committee_of(COMMUNITY_A)
        client = client_for(people["staff_a"])
        url = (
            reverse("organisations:create")
            + f"?region={COMMUNITY_A}&kind={K.PARTY_BRANCH}&parent={party.pk}"
        )
        page = client.get(url)
        assert page.status_code == 200
        assert_accessible(page.content.decode())
        response = client.post(
            url,
            {
                "kind": K.PARTY_BRANCH,
                "name": "甲一小区党支部",
                "compound": places["compound_1"].pk,
                "parent": party.pk,
            },
        )
        assert response.status_code == 302
        branch = Organisation.objects.get(name="甲一小区党支部")
        assert branch.region_code == places["compound_1"].region_code

    def test_the_place_step_refuses_a_division_outside_the_jurisdiction(
        self, people: dict[str, Any]
    ) -> None:
        response = get(people["staff_a"], reverse("organisations:create"), region=COMMUNITY_B)
        assert response.status_code == 200
        assert "不存在或不在您的辖区内" in response.content.decode()
        assert_accessible(response.content.decode())

    def test_department_staff_may_not_add_organisations(self, people: dict[str, Any]) -> None:
        response = get(people["department_staff"], reverse("organisations:create"))
        assert response.status_code == 403

    def test_staff_add_and_end_a_member(self, people: dict[str, Any]) -> None:
        committee = committee_of(COMMUNITY_A)
        client = client_for(people["staff_a"])
        form_url = reverse("organisations:member_create", args=[committee.pk])
        page = client.get(form_url)
        assert_accessible(page.content.decode())
        assert "phone" not in page.content.decode()
        response = client.post(
            form_url,
            {
                "person_name": "乌日娜",
                "post": Post.DIRECTOR,
                "is_local_resident": "on",
                "sex": "2",
                "ethnicity": "02",
                "start_date": "2024-04-01",
            },
        )
        assert response.status_code == 302
        member = Membership.objects.get(person_name="乌日娜")
        assert member.is_local_resident and member.ethnicity == "02"
        end = client.post(
            reverse("organisations:member_end", args=[member.pk]), {"end_date": "2025-04-01"}
        )
        assert end.status_code == 302
        member.refresh_from_db()
        assert str(member.end_date) == "2025-04-01"

    def test_a_post_the_kind_lacks_is_refused_beside_the_field(
        self, people: dict[str, Any]
    ) -> None:
        committee = committee_of(COMMUNITY_A)
        response = client_for(people["staff_a"]).post(
            reverse("organisations:member_create", args=[committee.pk]),
            {"person_name": "某人", "post": Post.SECRETARY, "sex": "1", "start_date": "2024-04-01"},
        )
        assert response.status_code == 200
        assert "post" in response.context["form"].errors

    def test_another_communitys_member_is_not_found(self, people: dict[str, Any]) -> None:
        member = add_member(committee_of(COMMUNITY_B), Post.MEMBER)
        client = client_for(people["staff_a"])
        assert client.get(reverse("organisations:member_edit", args=[member.pk])).status_code == 404
        end = client.post(
            reverse("organisations:member_end", args=[member.pk]), {"end_date": "2025-04-01"}
        )
        assert end.status_code == 404

    def test_a_grid_worker_may_not_deactivate(self, people: dict[str, Any]) -> None:
        committee = committee_of(COMMUNITY_A)
        response = client_for(people["grid_worker"]).post(
            reverse("organisations:deactivate", args=[committee.pk])
        )
        assert response.status_code == 403
        committee.refresh_from_db()
        assert committee.is_active


@pytest.mark.django_db
class TestOtherLevels:
    def test_league_staff_edit_a_department(self, seeded: None, league_staff: Any) -> None:
        department = Organisation.objects.get(kind=K.DEPARTMENT, short_name="盟民政局")
        url = reverse("organisations:edit", args=[department.pk])
        page = get(league_staff, url)
        assert page.status_code == 200
        assert "attached_to" not in page.context["form"].fields
        assert_accessible(page.content.decode())
        response = client_for(league_staff).post(
            url,
            {
                "kind": K.DEPARTMENT,
                "name": department.name,
                "short_name": "盟民政局",
                "address": "乌兰浩特市察干西街106号",
                "phone": "0482-8266403",
            },
        )
        assert response.status_code == 302
        department.refresh_from_db()
        assert department.address == "乌兰浩特市察干西街106号"

    def test_a_township_office_lists_its_committees(self, people: dict[str, Any]) -> None:
        office = Organisation.objects.get(region__region_code="152201001", kind=K.TOWNSHIP_OFFICE)
        response = get(people["street_staff"], detail_url(office))
        assert "万佳社区居委会" in [child.name for child in response.context["children"]]
        assert_accessible(response.content.decode())

    def test_the_detail_query_count_does_not_grow_with_members(
        self, people: dict[str, Any]
    ) -> None:
        committee = committee_of(COMMUNITY_A)
        add_member(committee, Post.DIRECTOR, name="主任", sex="2")
        client = client_for(people["staff_a"])
        url = detail_url(committee)
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for index in range(5):
            add_member(committee, Post.MEMBER, name=f"委员{index}")
        with CaptureQueriesContext(connection) as many:
            response = client.get(url)
        assert len(response.context["current_members"]) == 6
        assert len(many) == len(few)


@pytest.mark.django_db
class TestFormErrors:
    def test_an_actions_refusal_shows_beside_the_field(self, people: dict[str, Any]) -> None:
        response = client_for(people["staff_a"]).post(
            reverse("organisations:create") + f"?region={COMMUNITY_A}",
            {"kind": K.PARTY_COMMITTEE, "name": "第二个社区党委"},
        )
        assert response.status_code == 200
        assert "不能重复设立" in str(response.context["form"].errors["kind"])
        assert Organisation.objects.filter(name="第二个社区党委").count() == 0

    def test_a_branch_without_a_compound_is_refused_beside_the_compound(
        self, people: dict[str, Any]
    ) -> None:
        party = party_committee_of(COMMUNITY_A)
        response = client_for(people["staff_a"]).post(
            reverse("organisations:create") + f"?region={COMMUNITY_A}",
            {"kind": K.PARTY_BRANCH, "name": "无处安放党支部", "parent": party.pk},
        )
        assert response.status_code == 200
        assert "须设在小区" in str(response.context["form"].errors["compound"])

    def test_staff_edit_a_member_through_the_form(self, people: dict[str, Any]) -> None:
        member = add_member(committee_of(COMMUNITY_A), Post.MEMBER, name="巴特尔", local=False)
        response = client_for(people["staff_a"]).post(
            reverse("organisations:member_edit", args=[member.pk]),
            {
                "person_name": "巴特尔",
                "post": Post.DEPUTY_DIRECTOR,
                "is_local_resident": "on",
                "sex": "1",
                "ethnicity": "02",
                "start_date": "2024-04-01",
            },
        )
        assert response.status_code == 302
        member.refresh_from_db()
        assert (member.post, member.is_local_resident) == (Post.DEPUTY_DIRECTOR, True)
