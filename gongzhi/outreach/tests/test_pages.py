"""The outreach pages render for the people who use them (R3.2a, R3.2b)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import TOWNSHIP, Personas
from gongzhi.accounts.testing import client_for
from gongzhi.outreach import actions
from gongzhi.outreach.enums import ServiceKind
from gongzhi.outreach.models import Offer, ServiceStop, ServiceVisit
from gongzhi.outreach.tests.conftest import schedule

pytestmark = pytest.mark.django_db


def test_planners_pages_render(world: Personas, stop_a: ServiceStop) -> None:
    visit = schedule(stop_a, world.street_staff)
    client = client_for(world.street_staff)
    for url in (
        reverse("outreach:index"),
        reverse("outreach:route", args=[stop_a.route_id]),
        reverse("outreach:route_edit", args=[stop_a.route_id]),
        reverse("outreach:stop_create", args=[stop_a.route_id]),
        reverse("outreach:stop_edit", args=[stop_a.pk]),
        reverse("outreach:visit_create", args=[stop_a.pk]),
        reverse("outreach:visit_cancel", args=[visit.pk]),
        reverse("outreach:needs"),
        reverse("outreach:offers"),
        reverse("outreach:offer_create"),
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(reverse("outreach:visit_cancel", args=[visit.pk]), {"reason": ""})
    assert "请填写取消原因" in response.content.decode()
    client.post(reverse("outreach:visit_cancel", args=[visit.pk]), {"reason": "牧道积雪"})
    assert ServiceVisit.objects.get().cancel_reason == "牧道积雪"


def test_recording_and_withdrawing_an_offer_through_the_pages(world: Personas) -> None:
    client = client_for(world.street_staff)
    response = client.post(
        reverse("outreach:offer_create"),
        {
            "provider_kind": "business",
            "provider_name": "兴安超市",
            "region": TOWNSHIP,
            "kind": ServiceKind.CONVENIENCE,
            "title": "送货上门",
            "description": "满 50 元免费送货",
        },
    )
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert offer.provider_name == "兴安超市"
    listing = client.get(reverse("outreach:offers")).content.decode()
    assert "送货上门" in listing
    # Community staff of A see the township's offer but may not withdraw it.
    assert "送货上门" in client_for(world.staff_a).get(reverse("outreach:offers")).content.decode()
    assert (
        client_for(world.staff_a)
        .post(reverse("outreach:offer_withdraw", args=[offer.pk]))
        .status_code
        == 404
    )
    client.post(reverse("outreach:offer_withdraw", args=[offer.pk]))
    offer.refresh_from_db()
    assert not offer.is_active


def test_resident_forms_render(world: Personas, linked: Any) -> None:
    client = client_for(world.resident)
    for name in ("mobile_service", "supply_demand", "need_new", "offer_new"):
        assert client.get(reverse(f"portal:{name}")).status_code == 200, name
    response = client.post(
        reverse("portal:offer_new"), {"title": "帮忙剪羊毛", "description": "五月有空"}
    )
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert offer.kind == ServiceKind.MUTUAL_AID
    client.post(reverse("portal:offer_withdraw", args=[offer.pk]))
    offer.refresh_from_db()
    assert not offer.is_active
    assert actions.provider_label(offer) == "乌*"


def test_staff_are_sent_away_from_resident_forms(world: Personas) -> None:
    assert client_for(world.staff_a).get(reverse("portal:need_new")).status_code == 403
