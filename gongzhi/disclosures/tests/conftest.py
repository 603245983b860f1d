"""Fixtures of the 居务公开 tests: community A's committees and a published disclosure.

Personas added here (STYLE.md), built through real actions:
    supervisor     居民, member (委员) of community A's supervision committee, account linked
    committee_man  居民, member (委员) of community A's residents' committee, account linked
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from conftest import COMMUNITY_A, Personas, make_user
from gongzhi.disclosures import actions
from gongzhi.disclosures.enums import Category, Direction
from gongzhi.disclosures.models import Disclosure
from gongzhi.organisations.actions import do_save_member, do_save_organisation
from gongzhi.organisations.models import Membership, Organisation, OrganisationKind, Post
from gongzhi.regions.models import Region

START = datetime.date(2024, 4, 1)


def organisation(kind: str, name: str, code: str = COMMUNITY_A) -> Organisation:
    return do_save_organisation(
        Organisation(kind=kind, name=name, region=Region.objects.get(region_code=code)),
        actor=None,
    )


def member(org: Organisation, name: str, user: Any = None, post: str = Post.MEMBER) -> Membership:
    return do_save_member(
        Membership(
            organisation=org,
            person_name=name,
            post=post,
            is_local_resident=True,
            sex="1",
            ethnicity="01",
            start_date=START,
            user=user,
        ),
        actor=None,
    )


@dataclass
class Committees:
    residents_committee: Organisation
    supervision_committee: Organisation
    supervisor: Any
    committee_man: Any
    supervisor_membership: Membership
    committee_membership: Membership


@pytest.fixture
def committees(personas: Personas) -> Committees:
    residents = organisation(OrganisationKind.RESIDENTS_COMMITTEE, "万佳社区居民委员会")
    supervision = organisation(OrganisationKind.SUPERVISION_COMMITTEE, "万佳社区居务监督委员会")
    supervisor = make_user("supervisor", "resident", COMMUNITY_A, full_name="高娃")
    committee_man = make_user("committee_man", "resident", COMMUNITY_A, full_name="刘军")
    return Committees(
        residents_committee=residents,
        supervision_committee=supervision,
        supervisor=supervisor,
        committee_man=committee_man,
        supervisor_membership=member(supervision, "高娃", supervisor),
        committee_membership=member(residents, "刘军", committee_man),
    )


def draft_finances(staff: Any, **extra: Any) -> Disclosure:
    fields: dict[str, Any] = {
        "community": COMMUNITY_A,
        "category": Category.FINANCES,
        "period_start": datetime.date(2026, 10, 1),
        "period_end": datetime.date(2026, 10, 31),
        "title": "2026年10月财务收支公开",
        "body": "",
        "lines": [
            {"item": "上级拨付办公经费", "direction": Direction.INCOME, "amount": "12,000.00"},
            {"item": "党群服务中心电费", "direction": Direction.EXPENSE, "amount": "1280.5"},
            {"item": "文体活动用品", "direction": Direction.EXPENSE, "amount": "￥305.25"},
        ],
    }
    fields.update(extra)
    return actions.do_draft_disclosure(actor=staff, **fields)


def publish(disclosure: Disclosure, staff: Any, supervisor: Any) -> Disclosure:
    actions.do_submit_disclosure(disclosure, actor=staff)
    actions.do_sign_off_disclosure(disclosure, actor=supervisor)
    return actions.do_publish_disclosure(disclosure, actor=staff)


@pytest.fixture
def published(personas: Personas, committees: Committees) -> Disclosure:
    return publish(draft_finances(personas.staff_a), personas.staff_a, committees.supervisor)
