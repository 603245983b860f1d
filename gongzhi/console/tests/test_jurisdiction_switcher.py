"""The jurisdiction switcher: staff with a wide region narrow the console to part of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import COMMUNITY_A, COUNTY, OTHER_COUNTY, TOWNSHIP, TOWNSHIP_B, Personas
from gongzhi.accounts.testing import login
from gongzhi.core.middleware import SESSION_KEY
from gongzhi.regions.models import Region


def logged_in(user: Any) -> Client:
    client = Client()
    login(client, user)  # with the second factor the 三员 must pass
    return client


def switch(client: Client, code: str, next_url: str = "/console/") -> Any:
    return client.post(
        reverse("console:switch_jurisdiction"), {"region_code": code, "next": next_url}
    )


def header_of(html: str) -> str:
    return html.split("<header", 1)[1].split("</header>", 1)[0]


def selected_option(html: str) -> str:
    switcher = html.split('id="jurisdiction-select"', 1)[1].split("</select>", 1)[0]
    return switcher.split(" selected>", 1)[1].split("</option>", 1)[0].strip()


@pytest.mark.django_db
class TestJurisdictionSwitcher:
    def test_a_county_administrator_can_choose_among_the_townships(
        self, personas: Personas
    ) -> None:
        html = logged_in(personas.county_admin).get(reverse("console:home")).content.decode()
        header = header_of(html)
        assert 'id="jurisdiction-select"' in header
        assert "全部（乌兰浩特市）" in header
        assert "爱国街道" in header and "和平街道" in header
        assert "阿尔山市" not in header  # another county is not offered
        assert selected_option(html) == "全部（乌兰浩特市）"

    def test_choosing_a_township_narrows_the_console_to_it(self, personas: Personas) -> None:
        client = logged_in(personas.county_admin)
        response = switch(client, TOWNSHIP)
        assert response.status_code == 302
        assert response["Location"] == "/console/"
        assert client.session[SESSION_KEY] == TOWNSHIP

        response = client.get(reverse("console:home"))
        html = response.content.decode()
        assert selected_option(html).strip("\u3000") == "爱国街道"
        assert "当前辖区：<strong>乌兰浩特市 › 爱国街道</strong>" in html
        assert response.context["summary"]["region"].region_code == TOWNSHIP
        communities = dict(response.context["counts"])["嘎查村社区"]
        in_township = Region.objects.within(TOWNSHIP).filter(level=4, is_active=True)
        assert communities == in_township.count()
        assert "已切换到：爱国街道" in html

    def test_the_narrowed_scope_hides_places_of_the_other_townships(
        self, personas: Personas
    ) -> None:
        client = logged_in(personas.county_admin)
        switch(client, TOWNSHIP)
        community_b = Region.objects.get(region_code=TOWNSHIP_B + "001")
        response = client.get(reverse("regions:region_detail", args=[community_b.region_code]))
        assert response.status_code == 404
        community_a = Region.objects.get(region_code=COMMUNITY_A)
        response = client.get(reverse("regions:region_detail", args=[community_a.region_code]))
        assert response.status_code == 200

    def test_choosing_the_whole_region_widens_it_again(self, personas: Personas) -> None:
        client = logged_in(personas.county_admin)
        switch(client, TOWNSHIP)
        switch(client, COUNTY)
        assert SESSION_KEY not in client.session
        response = client.get(reverse("console:home"))
        assert response.context["summary"]["region"].region_code == COUNTY
        assert "scope-note" not in response.content.decode()

    @pytest.mark.parametrize(
        "forged",
        [OTHER_COUNTY, OTHER_COUNTY + "001", "1522", "152201x", "15220100", "", "../152202"],
    )
    def test_a_forged_or_out_of_scope_choice_is_ignored(
        self, personas: Personas, forged: str
    ) -> None:
        client = logged_in(personas.county_admin)
        switch(client, TOWNSHIP)
        switch(client, forged)
        response = client.get(reverse("console:home"))
        region = response.context["summary"]["region"]
        # An empty choice means "all of my region"; anything else forged changes nothing.
        assert region.region_code == (COUNTY if forged == "" else TOWNSHIP)
        assert response.status_code == 200

    def test_a_forged_choice_is_reported(self, personas: Personas) -> None:
        client = logged_in(personas.county_admin)
        response = switch(client, OTHER_COUNTY)
        html = client.get(response["Location"]).content.decode()
        assert "所选辖区不在您的管辖范围内，未切换。" in html

    def test_a_street_worker_cannot_reach_a_sibling_township(self, personas: Personas) -> None:
        client = logged_in(personas.street_staff)
        switch(client, TOWNSHIP_B)
        assert SESSION_KEY not in client.session
        response = client.get(reverse("console:home"))
        assert response.context["summary"]["region"].region_code == TOWNSHIP

    def test_a_community_worker_sees_the_jurisdiction_without_a_switcher(
        self, personas: Personas
    ) -> None:
        html = logged_in(personas.staff_a).get(reverse("console:home")).content.decode()
        header = header_of(html)
        assert "jurisdiction-select" not in header
        assert "万佳社区居委会" in header

    def test_it_goes_back_to_the_module_page_but_never_off_site(self, personas: Personas) -> None:
        client = logged_in(personas.county_admin)
        assert switch(client, TOWNSHIP, "/console/regions/")["Location"] == "/console/regions/"
        assert switch(client, TOWNSHIP, "https://evil.example/")["Location"] == "/console/"

    def test_the_switcher_returns_to_the_module_not_the_detail_page(
        self, personas: Personas
    ) -> None:
        client = logged_in(personas.county_admin)
        detail = reverse("regions:region_detail", args=[COMMUNITY_A])
        html = client.get(detail).content.decode()
        form = html.split('class="jurisdiction-switcher"', 1)[1].split("</form>", 1)[0]
        assert f'name="next" value="{reverse("regions:tree")}"' in form

    def test_a_scope_narrowed_to_a_community_shows_as_the_choice(self, personas: Personas) -> None:
        client = logged_in(personas.county_admin)
        switch(client, COMMUNITY_A)
        html = client.get(reverse("console:home")).content.decode()
        assert selected_option(html).strip("\u3000") == "万佳社区居委会"
        assert "乌兰浩特市 › 爱国街道 › 万佳社区居委会" in html

    def test_switching_needs_a_post(self, personas: Personas) -> None:
        response = logged_in(personas.county_admin).get(reverse("console:switch_jurisdiction"))
        assert response.status_code == 405
