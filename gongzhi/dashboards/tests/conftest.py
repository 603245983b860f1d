"""A month of casework built through the case engine's actions, for the indicators.

All cases but one are submitted on Monday 2026-03-02 09:00 (Asia/Shanghai); the period
asked for is March 2026. The deadline sweep runs on 2026-03-25, when every case still
open is past its deadline. ``exposed-garbage`` (暴露垃圾) has to be accepted within 2
working hours and resolved within 3 working days.

Community A (万佳社区, 爱国街道, 乌兰浩特市):
    a_good      accepted, dispatched, handled, closed the same day (6 h), rated 非常满意
    a_rework    sent back once, closed ten days later (240 h, late), rated 不满意
    a_refused   refused
    a_handling  accepted and dispatched, never handled: overdue at the sweep
    a_waiting   never accepted: overdue at the sweep
    a_escalated accepted, then escalated to 爱国街道 (the unit above): overdue at the sweep
    a_february  submitted in February: outside the period
Community B (红云社区, 和平街道, 乌兰浩特市):
    b_good      closed the same day (4 h), rated 满意
阿尔山市 (another county):
    other_county submitted, waiting
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from conftest import COMMUNITY_A, COMMUNITY_B, LEAGUE, Personas, make_user
from gongzhi.cases import actions
from gongzhi.cases.calendar import TIME_ZONE
from gongzhi.cases.models import Case
from gongzhi.cases.seed import seed_categories
from gongzhi.cases.sweep import do_sweep_cases

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=TIME_ZONE)
SWEEP_AT = datetime(2026, 3, 25, 9, 0, tzinfo=TIME_ZONE)
OTHER_COMMUNITY = "152202001001"  # 兴林社区, 阿尔山市
MARCH = {"period": "custom", "since": "2026-03-01", "until": "2026-03-31"}


@dataclass
class Scenario:
    personas: Personas
    league_staff: Any
    cases: dict[str, Case]

    def pks(self, *names: str) -> set[int]:
        return {self.cases[name].pk for name in names}


def _submit(actor: Any, community: str, now: datetime = MONDAY) -> Case:
    return actions.do_submit_case(
        category="exposed-garbage",
        description="楼下垃圾堆放三天无人清理",
        community=community,
        actor=actor,
        now=now,
    )


def _handling(p: Personas, staff: Any, community: str) -> Case:
    case = _submit(p.resident, community)
    at = MONDAY + timedelta(minutes=30)
    actions.do_accept_case(case, actor=staff, now=at)
    return actions.do_dispatch_case(case, actor=staff, region_code=community, now=at)


def _closed(p: Personas, staff: Any, community: str, closed_at: datetime, rating: int) -> Case:
    case = _handling(p, staff, community)
    actions.do_feedback_case(case, actor=staff, note="已清理完毕", now=closed_at)
    case = actions.do_verify_close_case(case, actor=p.county_admin, now=closed_at)
    return actions.do_rate_case(case, actor=p.resident, rating=rating, now=closed_at)


@pytest.fixture
def scenario(personas: Personas) -> Scenario:
    seed_categories()
    p = personas
    cases: dict[str, Case] = {}
    cases["a_good"] = _closed(p, p.staff_a, COMMUNITY_A, MONDAY + timedelta(hours=6), 5)

    rework = _handling(p, p.staff_a, COMMUNITY_A)
    rework = actions.do_feedback_case(rework, actor=p.staff_a, note="已清理", now=MONDAY)
    rework = actions.do_rework_case(rework, actor=p.grid_worker, reason="未清理干净", now=MONDAY)
    late = MONDAY + timedelta(days=10)
    rework = actions.do_feedback_case(rework, actor=p.staff_a, note="再次清理", now=late)
    rework = actions.do_verify_close_case(rework, actor=p.street_staff, now=late)
    cases["a_rework"] = actions.do_rate_case(rework, actor=p.resident, rating=2, now=late)

    refused = _submit(p.resident, COMMUNITY_A)
    cases["a_refused"] = actions.do_refuse_case(
        refused, actor=p.staff_a, reason="重复反映", now=MONDAY
    )
    cases["a_handling"] = _handling(p, p.staff_a, COMMUNITY_A)
    cases["a_waiting"] = _submit(p.resident, COMMUNITY_A)
    escalated = _submit(p.resident, COMMUNITY_A)
    actions.do_accept_case(escalated, actor=p.staff_a, now=MONDAY)
    cases["a_escalated"] = actions.do_escalate_case(
        escalated, actor=p.staff_a, reason="涉及多个社区", now=MONDAY
    )
    cases["a_february"] = _submit(p.resident, COMMUNITY_A, now=MONDAY - timedelta(days=28))
    cases["b_good"] = _closed(p, p.staff_b, COMMUNITY_B, MONDAY + timedelta(hours=4), 4)
    cases["other_county"] = _submit(p.resident, OTHER_COMMUNITY)
    do_sweep_cases(now=SWEEP_AT)
    for case in cases.values():
        case.refresh_from_db()
    league_staff = make_user("league_staff", "county_staff", LEAGUE, full_name="盟工作人员")
    return Scenario(personas=p, league_staff=league_staff, cases=cases)
