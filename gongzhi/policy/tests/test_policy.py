"""The rules store (DESIGN rule 5): thresholds in exact arithmetic, the version that
applies to a place on a day, staff versions through the action, and the pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from conftest import COMMUNITY_A, COUNTY, LEAGUE, Personas, make_user
from gongzhi.accounts.models import Role
from gongzhi.ledger.models import Event, EventType
from gongzhi.policy import registry
from gongzhi.policy.actions import do_add_policy_version, parse_value
from gongzhi.policy.queries import policy_value
from gongzhi.policy.registry import Kind, Policy, Threshold, Version

KEY = "test.meeting.quorum"
QUORUM = Policy(
    key=KEY,
    label="测试：会议到会人数",
    kind=Kind.THRESHOLD,
    versions=[
        Version(Threshold(1, 2), date(1990, 1, 1), source="旧法第十条"),
        Version(Threshold(2, 3, strict=False), date(2026, 1, 1), source="新法第十条"),
        Version(Threshold(3, 5), date(2020, 1, 1), source="自治区办法", region_code="15"),
    ],
)


@pytest.fixture(autouse=True)
def declared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry._POLICIES, KEY, QUORUM)


def test_more_than_half_is_strict() -> None:
    half = Threshold(1, 2, strict=True)
    assert not half.met(50, 100)
    assert half.met(51, 100)
    assert half.minimum(100) == 51
    assert half.minimum(101) == 51
    assert str(half) == "过半数"


def test_two_thirds_or_more_includes_the_number() -> None:
    two_thirds = Threshold(2, 3, strict=False)
    assert two_thirds.met(20, 30)
    assert not two_thirds.met(19, 30)
    assert two_thirds.minimum(30) == 20
    assert two_thirds.minimum(31) == 21
    assert str(two_thirds) == "三分之二以上（含本数）"


@given(
    numerator=st.integers(0, 12),
    denominator=st.integers(1, 12),
    strict=st.booleans(),
    base=st.integers(0, 5000),
)
def test_minimum_is_the_least_count_that_meets(
    numerator: int, denominator: int, strict: bool, base: int
) -> None:
    if numerator > denominator:
        numerator, denominator = denominator, numerator
    threshold = Threshold(numerator, denominator, strict=strict)
    least = threshold.minimum(base)
    assert threshold.met(least, base)
    assert least == 0 or not threshold.met(least - 1, base)


def test_a_threshold_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError):
        Threshold(3, 2)


@pytest.mark.django_db
def test_the_latest_version_in_force_applies() -> None:
    assert policy_value(KEY, "21", date(2025, 12, 31)).value == Threshold(1, 2)
    in_force = policy_value(KEY, "21", date(2026, 1, 1))
    assert in_force.value == Threshold(2, 3, strict=False)
    assert in_force.source == "新法第十条"
    with pytest.raises(LookupError):
        policy_value(KEY, "21", date(1989, 12, 31))


@pytest.mark.django_db
def test_the_most_specific_region_applies() -> None:
    assert policy_value(KEY, COMMUNITY_A, date(2019, 12, 31)).value == Threshold(1, 2)
    assert policy_value(KEY, COMMUNITY_A, date(2026, 6, 1)).value == Threshold(3, 5)
    assert policy_value(KEY, "21", date(2026, 6, 1)).value == Threshold(2, 3, strict=False)


@pytest.mark.django_db
def test_an_undeclared_key_is_an_error() -> None:
    with pytest.raises(LookupError):
        policy_value("no.such.rule", COMMUNITY_A)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (">1/2", Threshold(1, 2, strict=True)),
        (">=2/3", Threshold(2, 3, strict=False)),
        ("＞50%", Threshold(1, 2, strict=True)),
        (">= 20%", Threshold(1, 5, strict=False)),
    ],
)
def test_staff_write_thresholds_as_fractions_or_percentages(text: str, expected: Threshold) -> None:
    assert parse_value(Kind.THRESHOLD, text) == expected


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (Kind.THRESHOLD, "1/2"),
        (Kind.THRESHOLD, ">a/b"),
        (Kind.THRESHOLD, ">3/2"),
        (Kind.DAYS, "-1"),
        (Kind.BOOLEAN, "也许"),
    ],
)
def test_bad_values_get_a_chinese_message(kind: Kind, text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_value(kind, text)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(caught.value))


@pytest.mark.django_db
def test_league_staff_add_a_version_that_then_applies(personas: Personas) -> None:
    league = make_user("league_staff", Role.COUNTY_STAFF, LEAGUE)
    do_add_policy_version(
        key=KEY,
        region_code=LEAGUE,
        effective_from=date(2026, 3, 1),
        value=">=1/2",
        source="兴安盟民政局 2026 年第 3 号通知",
        actor=league,
    )
    value = policy_value(KEY, COMMUNITY_A, date(2026, 3, 1))
    assert value.value == Threshold(1, 2, strict=False)
    assert value.from_database
    assert policy_value(KEY, COMMUNITY_A, date(2026, 2, 28)).value == Threshold(3, 5)
    event = Event.objects.filter(type=EventType.POLICY_VERSION_ADDED).get()
    assert event.summary["key"] == KEY


@pytest.mark.django_db
def test_league_staff_may_enter_their_provinces_measures(personas: Personas) -> None:
    league = make_user("league_staff", Role.COUNTY_STAFF, LEAGUE)
    do_add_policy_version(
        key=KEY,
        region_code="15",
        effective_from=date(2026, 2, 1),
        value=">2/3",
        source="办法",
        actor=league,
    )
    with pytest.raises(ValidationError) as caught:
        do_add_policy_version(
            key=KEY,
            region_code="15",
            effective_from=date(2026, 3, 1),
            value=">2/3",
            source="办法",
            actor=personas.county_admin,
        )
    assert "region_code" in caught.value.message_dict


@pytest.mark.django_db
def test_staff_cannot_set_rules_outside_their_jurisdiction(personas: Personas) -> None:
    with pytest.raises(ValidationError) as caught:
        do_add_policy_version(
            key=KEY,
            region_code="152202",
            effective_from=date(2026, 3, 1),
            value=">1/2",
            source="x",
            actor=personas.county_admin,
        )
    assert caught.value.message_dict["region_code"] == ["只能为本辖区设定规则"]
    with pytest.raises(PermissionDenied):
        do_add_policy_version(
            key=KEY,
            region_code=COMMUNITY_A,
            effective_from=date(2026, 3, 1),
            value=">1/2",
            source="x",
            actor=personas.staff_a,
        )


@pytest.mark.django_db
def test_every_bad_field_is_reported_and_nothing_is_written(personas: Personas) -> None:
    with pytest.raises(ValidationError) as caught:
        do_add_policy_version(
            key=KEY,
            region_code="",
            effective_from=None,
            value="半数",
            source=" ",
            actor=personas.county_admin,
        )
    assert set(caught.value.message_dict) == {"region_code", "effective_from", "value", "source"}
    assert not Event.objects.filter(type=EventType.POLICY_VERSION_ADDED).exists()


@pytest.mark.django_db
def test_two_versions_on_one_day_are_refused(personas: Personas) -> None:
    arguments = dict(
        key=KEY,
        region_code=COUNTY,
        effective_from=date(2026, 3, 1),
        source="x",
        actor=personas.county_admin,
    )
    do_add_policy_version(value=">1/2", **arguments)
    with pytest.raises(ValidationError) as caught:
        do_add_policy_version(value=">2/3", **arguments)
    assert "effective_from" in caught.value.message_dict


@pytest.mark.django_db
def test_the_pages_show_the_rule_in_force_and_its_source(client, personas: Personas) -> None:
    client.force_login(personas.staff_a)
    page = client.get(reverse("policy:list"))
    assert page.status_code == 200
    assert "测试：会议到会人数" in page.text and "自治区办法" in page.text
    detail = client.get(reverse("policy:detail", args=[KEY]))
    assert "新法第十条" in detail.text and "新增版本" not in detail.text
    assert client.post(reverse("policy:detail", args=[KEY]), {}).status_code == 403
    assert client.get(reverse("policy:detail", args=["no.such"])).status_code == 404


@pytest.mark.django_db
def test_county_staff_add_a_version_from_the_page(client, personas: Personas) -> None:
    client.force_login(personas.county_admin)
    url = reverse("policy:detail", args=[KEY])
    bad = client.post(
        url, {"region_code": COUNTY, "effective_from": "2026-03-01", "value": "1/2", "source": "x"}
    )
    assert bad.status_code == 200 and "比例须以" in bad.text
    good = client.post(
        url,
        {
            "region_code": COUNTY,
            "effective_from": "2026-03-01",
            "value": ">1/2",
            "source": "旗县通知",
        },
    )
    assert good.status_code == 302
    assert "旗县通知" in client.get(url).text


def test_the_residents_resident_may_not_see_the_rules(client, personas: Personas) -> None:
    client.force_login(personas.resident)
    assert client.get(reverse("policy:list")).status_code in {302, 403}
