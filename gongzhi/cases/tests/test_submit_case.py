"""Submitting a case: routing, places, first-asked responsibility, validation.

R3.6b 一号申请 (residents apply online), R3.2e 首问负责 and 一窗受理 (window staff
register), R3.1e (grid workers report events placed in their grid), R3.1a (a matter
touching two communities goes to the township).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import COMMUNITY_A, COMMUNITY_B, TOWNSHIP, Personas
from gongzhi.cases.actions import do_submit_case
from gongzhi.cases.enums import CaseStatus, Channel, DueState, ResponsibleLevel
from gongzhi.cases.models import Case, CaseEvent, CaseNumberCounter, Category, Notification
from gongzhi.cases.tests.conftest import MONDAY, at_hm, submit
from gongzhi.core.pii import SealedValue
from gongzhi.ledger.models import Event, EventType
from gongzhi.regions.actions import do_save_grid
from gongzhi.regions.models import Region

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[122.05, 46.08], [122.06, 46.08], [122.06, 46.09], [122.05, 46.09], [122.05, 46.08]]
    ],
}


def counts() -> tuple[int, int, int, int, int]:
    return (
        Case.objects.count(),
        CaseEvent.objects.count(),
        Event.objects.count(),
        CaseNumberCounter.objects.count(),
        Notification.objects.count(),
    )


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, Any]:
    return exc.value.message_dict


class TestResidentApplies:
    def test_a_resident_applies_and_the_community_must_accept_by_the_commitment(
        self, world: Personas
    ) -> None:
        case = submit(world.resident, "residence-certificate", attributes={"purpose": "school"})
        assert case.status == CaseStatus.SUBMITTED
        assert case.reporter == world.resident
        assert case.reporter_name == "乌云"
        assert case.first_responsible is None
        assert case.region_code == COMMUNITY_A
        assert case.assigned_region_code == COMMUNITY_A
        assert case.assigned_level == ResponsibleLevel.COMMUNITY
        # 居住证明: accept within 4 working hours: Monday 09:00 → 14:30 + 1 h.
        assert case.accept_by == at_hm(2026, 3, 2, 15, 30)
        assert case.due_at == case.accept_by
        assert case.due_state == DueState.NORMAL
        assert case.attributes == {"purpose": "school"}

    def test_the_number_is_the_day_and_a_sequence(self, world: Personas) -> None:
        first = submit(world.resident)
        second = submit(world.resident)
        assert re.fullmatch(r"20260302\d{6}", first.number)
        assert int(second.number) == int(first.number) + 1

    def test_the_submission_is_a_timeline_step_and_a_ledger_event(self, world: Personas) -> None:
        case = submit(world.resident)
        step = case.events.get()
        assert (step.action, step.to_status, step.actor) == ("submit", "submitted", world.resident)
        event = Event.objects.filter(type=EventType.CASE_SUBMITTED).get()
        assert event.object_id == str(case.pk)
        assert event.summary["number"] == case.number

    def test_notifications_are_written_only_after_commit(
        self, world: Personas, django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            case = submit(world.resident)
        assert Notification.objects.count() == 0
        for callback in callbacks:
            callback()
        mine = Notification.objects.get(user=world.resident)
        assert case.number in mine.text
        assert Notification.objects.filter(user=world.staff_a, case=case).exists()

    def test_a_resident_cannot_submit_in_another_persons_name(self, world: Personas) -> None:
        with pytest.raises(ValidationError) as exc:
            submit(world.resident, reporter=world.staff_a)
        assert "reporter" in errors_of(exc)


class TestWindowStaff:
    def test_window_staff_become_first_responsible_and_the_phone_is_protected(
        self, world: Personas
    ) -> None:
        case = submit(
            world.staff_a,
            "minimum-living-allowance",
            channel=Channel.WINDOW,
            reporter_name="王芳",
            reporter_phone="138 1234 5678",
            attributes={"household_size": "3", "monthly_income": 1200},
            agent=world.staff_a,
        )
        assert case.first_responsible == world.staff_a  # R3.2e 首问负责
        assert case.agent == world.staff_a  # 全程代办
        assert case.reporter is None
        assert case.reporter_phone_masked == "138****5678"
        stored = Case.objects.values_list("reporter_phone", flat=True).get(pk=case.pk)
        assert isinstance(stored, SealedValue) and stored.reveal() == "13812345678"
        assert "13812345678" not in str(Event.objects.filter(object_id=str(case.pk)).values())
        # 低保 is decided by the township.
        assert case.assigned_region_code == TOWNSHIP
        assert case.attributes == {"household_size": 3, "monthly_income": 1200}

    def test_staff_cannot_register_a_case_outside_their_jurisdiction(self, world: Personas) -> None:
        before = counts()
        with pytest.raises(PermissionDenied):
            submit(world.staff_a, community=COMMUNITY_B, channel=Channel.WINDOW)
        assert counts() == before

    def test_the_three_administrators_do_no_casework(self, world: Personas) -> None:
        for admin in (world.system_admin, world.security_admin, world.audit_admin):
            with pytest.raises(PermissionDenied):
                submit(admin, channel=Channel.WINDOW)


class TestPlaces:
    def test_a_grid_workers_point_is_placed_in_its_grid(self, world: Personas) -> None:
        community = Region.objects.get(region_code=COMMUNITY_A)
        grid = do_save_grid(community, name="测试网格", boundary=SQUARE, actor=None)
        case = submit(
            world.grid_worker,
            community=None,
            lon=122.055,
            lat=46.085,
            channel=Channel.GRID_PATROL,
        )
        assert case.grid == grid
        assert case.region_code == grid.region_code
        assert case.community.region_code == COMMUNITY_A
        assert case.reporter == world.grid_worker  # the patrol's own report
        assert case.first_responsible == world.grid_worker

    def test_a_point_outside_the_league_is_refused(self, world: Personas) -> None:
        before = counts()
        with pytest.raises(ValidationError) as exc:
            submit(world.resident, lon=116.4, lat=39.9)  # Beijing
        assert errors_of(exc) == {"location": ["标出的位置不在本盟范围内"]}
        assert counts() == before

    def test_a_point_in_another_communitys_grid_contradicts_the_community(
        self, world: Personas
    ) -> None:
        community = Region.objects.get(region_code=COMMUNITY_A)
        do_save_grid(community, name="测试网格", boundary=SQUARE, actor=None)
        with pytest.raises(ValidationError) as exc:
            submit(world.resident, community=COMMUNITY_B, lon=122.055, lat=46.085)
        assert "community" in errors_of(exc)

    def test_a_point_no_grid_covers_needs_a_community(self, world: Personas) -> None:
        with pytest.raises(ValidationError) as exc:
            submit(world.resident, community=None, lon=122.2, lat=46.2)
        assert errors_of(exc) == {"community": ["该位置尚未划入网格，请选择所属社区"]}
        case = submit(world.resident, lon=122.2, lat=46.2)
        assert (case.lon, case.lat, case.grid) == (122.2, 46.2, None)

    def test_a_matter_touching_two_communities_goes_to_the_township(self, world: Personas) -> None:
        neighbour = "152201001002"  # R3.1a: same township as A
        case = submit(world.resident, "noise-nuisance", affected_communities=[neighbour])
        assert case.assigned_region_code == TOWNSHIP
        assert case.assigned_level == ResponsibleLevel.TOWNSHIP
        assert case.affected_region_codes == [neighbour]

    def test_a_matter_touching_two_townships_goes_to_the_county(self, world: Personas) -> None:
        case = submit(world.resident, "noise-nuisance", affected_communities=[COMMUNITY_B])
        assert case.assigned_region_code == "152201"
        assert case.assigned_level == ResponsibleLevel.COUNTY


class TestBadInput:
    @pytest.mark.parametrize(
        ("extra", "expected"),
        [
            ({"category": "no-such-thing"}, {"category": ["事项不存在或已停用，请重新选择"]}),
            ({"description": "  "}, {"description": ["请填写具体内容"]}),
            ({"community": None}, {"community": ["请选择所属社区或在地图上标出位置"]}),
            ({"community": "152201001"}, {"community": ["请选择有效的社区（嘎查村）"]}),
            ({"urgency": "panic"}, {"urgency": ["紧急程度无效"]}),
            ({"channel": "fax"}, {"channel": ["受理渠道无效"]}),
            ({"lon": "东经", "lat": 46}, {"location": ["位置须为经度、纬度两个数字"]}),
            ({"reporter_phone": "12"}, {"reporter_phone": ["联系电话须为 7–15 位数字"]}),
        ],
    )
    def test_each_mistake_gets_a_chinese_message_and_nothing_is_written(
        self, world: Personas, extra: dict[str, Any], expected: dict[str, list[str]]
    ) -> None:
        code = extra.pop("category", "exposed-garbage")
        before = counts()
        with pytest.raises(ValidationError) as exc:
            submit(world.resident, code, **extra)
        assert errors_of(exc) == expected
        assert counts() == before

    def test_an_inactive_category_is_refused(self, world: Personas) -> None:
        Category.objects.filter(code="exposed-garbage").update(is_active=False)
        with pytest.raises(ValidationError) as exc:
            submit(world.resident)
        assert "category" in errors_of(exc)

    def test_attributes_are_checked_against_the_service_definition(self, world: Personas) -> None:
        before = counts()
        with pytest.raises(ValidationError) as exc:
            submit(
                world.staff_a,
                "minimum-living-allowance",
                attributes={"household_size": "三口人"},
            )
        assert errors_of(exc) == {
            "attributes.household_size": ["“共同生活家庭成员人数”须为数字"],
            "attributes.monthly_income": ["请填写“家庭月收入（元）”"],
        }
        with pytest.raises(ValidationError) as exc:
            submit(world.resident, "residence-certificate", attributes={"purpose": "travel"})
        assert errors_of(exc) == {"attributes.purpose": ["“证明用途”不是可选的值"]}
        with pytest.raises(ValidationError) as exc:
            submit(
                world.resident,
                "disability-subsidies",
                attributes={"subsidy": ["living", "pension"]},
            )
        assert errors_of(exc) == {"attributes.subsidy": ["“申请补贴”含有不可选的值"]}
        assert counts() == before

    def test_several_mistakes_are_reported_together(self, world: Personas) -> None:
        with pytest.raises(ValidationError) as exc:
            do_submit_case(
                category="nope", description="", community=None, actor=world.resident, now=MONDAY
            )
        assert set(errors_of(exc)) == {"category", "description", "community"}
