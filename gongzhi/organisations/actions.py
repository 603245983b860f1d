"""Writes to the organisations directory. Each is atomic, checks permission and invariants,
and records one ledger event as its last write.

``actor=None`` means the command-line operator (seeding, demo data), who works outside the
web's permission model but is still written to the ledger.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateField, F, Q, Value
from django.db.models.functions import Greatest
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.core.actions import require as _require
from gongzhi.core.scoping import contains, scope_of
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.organisations.models import (
    SINGLE_HOLDER_POSTS,
    SINGLETON_GROUPS,
    Membership,
    Organisation,
    OrganisationKind,
    post_label,
)
from gongzhi.organisations.placement import normalise_place
from gongzhi.regions.models import Region

# Fields whose change the ledger records by value (none of them is personal data).
AUDITED_FIELDS = (
    "kind",
    "name",
    "short_name",
    "region_id",
    "compound_id",
    "building_id",
    "region_code",
    "parent_id",
    "attached_to_id",
    "credit_code",
    "phone",
    "address",
    "description",
    "established_on",
    "boundary_description",
    "posts_set",
    "term_start",
    "term_end",
    "is_active",
)
# Membership fields that may change; the ledger names them but keeps no personal values.
MEMBER_FIELDS = (
    "person_name",
    "post",
    "is_local_resident",
    "sex",
    "ethnicity",
    "start_date",
    "end_date",
    "user_id",
)


def _day(day: datetime.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _kind_group(kind: str) -> frozenset[str]:
    for group in SINGLETON_GROUPS:
        if kind in group:
            return group
    return frozenset({kind})


def _check_one_per_place(organisation: Organisation) -> None:
    """A community has one committee and one party committee; a township one office."""
    group = _kind_group(organisation.kind)
    if not any(group == singleton for singleton in SINGLETON_GROUPS) or not organisation.is_active:
        return
    # Lock the place so that two concurrent creations cannot both pass this check.
    Region.objects.select_for_update().filter(pk=organisation.region_id).first()
    clash = (
        Organisation.objects.filter(
            region_id=organisation.region_id, kind__in=group, is_active=True
        )
        .exclude(pk=organisation.pk)
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "kind": _("类别：%(region)s已有%(name)s，不能重复设立")
                % {"region": organisation.region.name, "name": clash.name}
            }
        )


def _changes(before: dict[str, Any], after: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    changed = {}
    for field in fields:
        old, new = before.get(field), getattr(after, field)
        if old != new:
            changed[field] = [old, new]
    return changed


@transaction.atomic
def do_save_organisation(
    organisation: Organisation, *, actor: User | None, request: Any = None
) -> Organisation:
    """Create ``organisation`` (no pk) or save the edits made to it.

    Locks the stored row when editing, and the place's region row for kinds a place holds
    once. The division (``region``) of an existing organisation does not change here.
    """
    creating = organisation.pk is None
    before: dict[str, Any] = {}
    if not creating:
        stored = Organisation.objects.select_for_update().get(pk=organisation.pk)
        _require(actor, "organisations.manage_organisation", stored)
        if stored.region_id != organisation.region_id:
            raise ValidationError({"region": _("所在区划：已建组织不能在此变更所在区划")})
        if (
            _kind_group(stored.kind) != _kind_group(organisation.kind)
            and stored.kind != organisation.kind
        ):
            raise ValidationError(
                {"kind": _("类别：只能在同类组织之间变更（如村民委员会改为居民委员会）")}
            )
        before = {field: getattr(stored, field) for field in AUDITED_FIELDS}
    if organisation.region_id is not None or organisation.compound_id is not None:
        normalise_place(organisation)
    _require(actor, "organisations.manage_organisation", organisation)
    organisation.credit_code = organisation.credit_code.strip().upper()
    organisation.full_clean()
    _check_one_per_place(organisation)
    organisation.save()
    summary: dict[str, Any] = {
        "created": creating,
        "kind": organisation.kind,
        "name": organisation.name,
    }
    if not creating:
        summary["changes"] = _changes(before, organisation, AUDITED_FIELDS)
    record_event(
        EventType.ORGANISATION_SAVED,
        actor=actor,
        obj=organisation,
        summary=summary,
        request=request,
    )
    return organisation


@transaction.atomic
def do_deactivate_organisation(
    organisation: Organisation, *, actor: User | None, request: Any = None
) -> Organisation:
    """Mark the organisation as no longer existing (撤销) and end its current memberships.

    Refused while organisations under it are active: a party committee keeps its branches.
    """
    stored = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _require(actor, "organisations.manage_organisation", stored)
    if not stored.is_active:
        raise ValidationError({"is_active": _("该组织已撤销")})
    active_children = stored.children.filter(is_active=True).count()
    if active_children:
        raise ValidationError(
            {
                "is_active": _("该组织下还有 %(count)d 个有效的下级组织，请先撤销下级组织")
                % {"count": active_children}
            }
        )
    today = timezone.localdate()
    # Holdings still open end today; one that has not started yet ends on its first day.
    ended = stored.memberships.filter(Q(end_date__isnull=True) | Q(end_date__gt=today)).update(
        end_date=Greatest(F("start_date"), Value(today, output_field=DateField())),
        updated_at=timezone.now(),
    )
    stored.is_active = False
    stored.save(update_fields=["is_active", "updated_at"])
    organisation.is_active = False
    record_event(
        EventType.ORGANISATION_SAVED,
        actor=actor,
        obj=stored,
        summary={
            "deactivated": True,
            "kind": stored.kind,
            "name": stored.name,
            "memberships_ended": ended,
        },
        request=request,
    )
    return stored


@transaction.atomic
def do_save_member(
    membership: Membership, *, actor: User | None, request: Any = None
) -> Membership:
    """Create ``membership`` (no pk) or save the edits made to it.

    Locks the organisation row, so two concurrent saves cannot both give a single-holder
    post (主任, 书记, 组长, 主要负责人) to two people.
    """
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    _require(actor, "organisations.manage_member", organisation)
    creating = membership.pk is None
    before: dict[str, Any] = {}
    if not creating:
        stored = Membership.objects.select_for_update().get(pk=membership.pk)
        if stored.organisation_id != organisation.pk:
            raise ValidationError(
                {"organisation": _("组织：成员不能转到其他组织，请结束任职后在新组织添加")}
            )
        before = {field: getattr(stored, field) for field in MEMBER_FIELDS}
    if not organisation.is_active:
        raise ValidationError(
            {
                "organisation": _("组织：%(name)s已撤销，不能再保存成员")
                % {"name": organisation.name}
            }
        )
    if membership.post not in organisation.posts:
        raise ValidationError(
            {
                "post": _("职务：%(kind)s不设此职务")
                % {"kind": OrganisationKind(organisation.kind).label}
            }
        )
    if membership.user_id is not None and actor is not None:
        linked = User.objects.get(pk=membership.user_id)
        if not contains(scope_of(actor), linked.region_code):
            raise ValidationError({"user": _("关联账号：只能关联本辖区内的账号")})
    membership.organisation = organisation
    membership.region_code = organisation.region_code
    membership.person_name = membership.person_name.strip()
    membership.full_clean()
    _check_single_holder(membership, organisation)
    _check_supervision_bar(membership, organisation)
    membership.save()
    summary: dict[str, Any] = {
        "created": creating,
        "organisation": organisation.pk,
        "post": membership.post,
    }
    if not creating:
        summary["changed_fields"] = sorted(_changes(before, membership, MEMBER_FIELDS))
    record_event(
        EventType.MEMBER_SAVED, actor=actor, obj=membership, summary=summary, request=request
    )
    return membership


def _check_supervision_bar(membership: Membership, organisation: Organisation) -> None:
    """R2.3f: members of the residents' committee and their close relatives may not serve
    on the affairs supervision committee (村民委员会组织法 第三十二条). The check reads the
    residents registry (households and relationships), so it lives with the disclosures
    that the supervision committee signs off; it is imported here, at call time, because
    organisations sit below the domain apps."""
    if organisation.kind != OrganisationKind.SUPERVISION_COMMITTEE or membership.end_date:
        return
    from gongzhi.disclosures.supervision import Candidate, bar_reasons

    reasons = bar_reasons(
        Candidate(name=membership.person_name, user_id=membership.user_id),
        organisation.region_code[:12],
        on=membership.start_date,
    )
    if reasons:
        raise ValidationError({"person_name": reasons})


def _check_single_holder(membership: Membership, organisation: Organisation) -> None:
    if membership.post not in SINGLE_HOLDER_POSTS:
        return
    # Two holdings of one post clash when their periods overlap.
    others = organisation.memberships.filter(post=membership.post).exclude(pk=membership.pk)
    for other in others:
        other_end = other.end_date or datetime.date.max
        this_end = membership.end_date or datetime.date.max
        if other.start_date < this_end and membership.start_date < other_end:
            raise ValidationError(
                {
                    "post": _("职务：%(name)s已有在任的%(post)s（%(holder)s），请先结束其任职")
                    % {
                        "name": organisation.name,
                        "post": post_label(organisation.kind, membership.post),
                        "holder": other.person_name,
                    }
                }
            )


@transaction.atomic
def do_end_membership(
    membership: Membership,
    *,
    end_date: datetime.date | None = None,
    actor: User | None,
    request: Any = None,
) -> Membership:
    """End a membership on ``end_date`` (today): the person leaves the post (离任)."""
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    _require(actor, "organisations.manage_member", organisation)
    stored = Membership.objects.select_for_update().get(pk=membership.pk)
    day = end_date or timezone.localdate()
    if stored.end_date is not None and stored.end_date <= timezone.localdate():
        raise ValidationError(
            {"end_date": _("离任日期：该成员已于 %(date)s 离任") % {"date": _day(stored.end_date)}}
        )
    if day < stored.start_date:
        raise ValidationError(
            {
                "end_date": _("离任日期：不能早于任职日期 %(date)s")
                % {"date": _day(stored.start_date)}
            }
        )
    stored.end_date = day
    stored.save(update_fields=["end_date", "updated_at"])
    membership.end_date = day
    record_event(
        EventType.MEMBER_REMOVED,
        actor=actor,
        obj=stored,
        summary={"organisation": organisation.pk, "post": stored.post, "end_date": day.isoformat()},
        request=request,
    )
    return stored
