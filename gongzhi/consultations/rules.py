"""Named permissions of consultations (R2.3e, R3.1a, R3.1c, R3.1f, R3.1h).

- **Residents** (role resident with a registry record, migrants included, R3.1h) take
  part in the topics and consultations of their community, and in the cross-community
  consultations their community is part of (R3.1a). What they may do depends on the
  phase: each phase's ``features`` switch proposing, supporting, commenting, signing up
  for a meeting and rating on and off (``phase_open``). A topic not yet taken into
  consultation is being collected: support and comments are open. The same switches
  govern the polls (``poll``) and opinion maps (``comment``) linked to a consultation;
  the polls and opinions actions check them through ``consultations.linking``.
- **Staff** (community, township and county) review the topics of their jurisdiction,
  raise topics themselves, and run the consultations whose owner region lies in their
  jurisdiction; staff of a community that takes part in a consultation led by the
  street see it. Recording a decision needs the phase that opens ``decide``. Grid
  workers read.
"""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.accounts.models import Role
from gongzhi.accounts.predicates import has_role, is_in_jurisdiction
from gongzhi.consultations.blueprints import PROPOSED_TOPIC_FEATURES
from gongzhi.consultations.enums import Feature, TopicStatus
from gongzhi.core.scoping import contains, scope_of
from gongzhi.residents import portal as registry

is_resident = has_role(Role.RESIDENT)
is_staff = has_role(Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)
is_reader = is_staff | has_role(Role.GRID_WORKER)


def consultation_of(obj: Any) -> Any:
    """The consultation a topic, meeting or item belongs to (None for a topic not taken in)."""
    from gongzhi.consultations.models import Consultation, Topic

    if obj is None or isinstance(obj, Consultation):
        return obj
    if isinstance(obj, Topic):
        return getattr(obj, "consultation", None) if obj.status == TopicStatus.ACCEPTED else None
    return getattr(obj, "consultation", None)


def community_codes(obj: Any) -> list[str]:
    """The communities whose residents take part in ``obj``."""
    consultation = consultation_of(obj)
    if consultation is not None:
        cached = getattr(consultation, "_community_codes", None)
        if cached is None:
            cached = list(consultation.communities.values_list("region_code", flat=True))
            consultation._community_codes = cached
        return list(cached)
    return [obj.region_code] if obj is not None else []


def current_features(obj: Any) -> frozenset[str]:
    """What is open now: the current phase's switches, or a topic's collection."""
    from gongzhi.consultations.models import Topic

    if isinstance(obj, Topic) and obj.status in (TopicStatus.PROPOSED, TopicStatus.ROUTED):
        return frozenset(PROPOSED_TOPIC_FEATURES)
    consultation = consultation_of(obj)
    if consultation is None:
        return frozenset()
    phase = consultation.phases.filter(key=consultation.phase).first()
    return frozenset(phase.features if phase is not None else [])


def resident_community_code(user: Any) -> str:
    """The community of the account's registry record, looked up once per user object."""
    cached = getattr(user, "_consultation_community", None)
    if cached is None:
        record = registry.own_record(user)
        cached = record.community.region_code if record is not None else ""
        user._consultation_community = cached
    return str(cached)


@rules.predicate
def takes_part(user: Any, obj: Any) -> bool:
    """The resident's community is one of those taking part (R3.1a, R3.1h)."""
    if obj is None:
        return True
    code = resident_community_code(user)
    return bool(code) and code in community_codes(obj)


@rules.predicate
def is_proposer(user: Any, obj: Any) -> bool:
    return obj is not None and getattr(obj, "proposer_id", None) == user.pk


@rules.predicate
def sees_participating_community(user: Any, obj: Any) -> bool:
    """A community of the staff member's jurisdiction takes part in the consultation."""
    if obj is None:
        return True
    scope = scope_of(user)
    return any(contains(scope, code) for code in community_codes(obj))


def phase_open(feature: Feature) -> rules.Predicate:
    """True when the object's current phase opens ``feature``."""

    @rules.predicate(name=f"phase_open({feature.value})")
    def predicate(user: Any, obj: Any) -> bool:
        return obj is not None and feature.value in current_features(obj)

    return predicate


manages = is_staff & is_in_jurisdiction

rules.add_perm("consultations.use_console", is_reader)
rules.add_perm(
    "consultations.view_consultation",
    is_reader & (is_in_jurisdiction | sees_participating_community),
)
# 议题.
rules.add_perm("consultations.propose_topic", is_resident)
rules.add_perm("consultations.raise_topic", is_staff)
rules.add_perm("consultations.review_topic", manages)
rules.add_perm(
    "consultations.support_topic",
    is_resident & takes_part & ~is_proposer & phase_open(Feature.SUPPORT),
)
rules.add_perm(
    "consultations.comment_topic",
    (is_resident & takes_part & phase_open(Feature.COMMENT)) | manages,
)
rules.add_perm("consultations.suggest", is_resident & takes_part & phase_open(Feature.PROPOSE))
# 协商.
rules.add_perm("consultations.manage_consultation", manages)
rules.add_perm(
    "consultations.register_meeting", is_resident & takes_part & phase_open(Feature.REGISTER)
)
rules.add_perm("consultations.decide", manages & phase_open(Feature.DECIDE))
rules.add_perm("consultations.rate_outcome", is_resident & takes_part & phase_open(Feature.RATE))
# 参与记录 (R3.1f): staff count a resident's participation inside their jurisdiction.
rules.add_perm("consultations.view_participation", is_staff & is_in_jurisdiction)
