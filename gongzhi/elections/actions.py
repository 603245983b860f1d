"""Writes of committee elections (R2.3d). Each is atomic, checks permission and the rules of
law in force for the community on election day (``rulebook``), refuses a breach with a
Chinese message citing the rule, and records one ledger event as its last write.

Certification is the one step that writes through another app: the elected become the new
term's memberships through ``organisations.actions`` (each of which records its own event)
before the certification event.

``actor=None`` is the command-line operator (demo data, benchmarks).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.core.actions import FieldErrors, require
from gongzhi.core.pii import blind_index, normalise_id_number
from gongzhi.elections import ballots, checks, deadlines, policies, tally, voterlist
from gongzhi.elections.enums import (
    LIST_FROZEN,
    CandidatePost,
    CandidateStatus,
    CommitteeRole,
    ElectionKind,
    ElectionMode,
    ElectionStatus,
    EntryMode,
    ProxyChannel,
    RequestKind,
    RequestStatus,
    StationKind,
    VoterCategory,
)
from gongzhi.elections.models import (
    BallotBundle,
    BallotMark,
    Candidate,
    CandidateResult,
    Election,
    ElectionCommitteeMember,
    EnteredBallot,
    ListRequest,
    PollingStation,
    Proxy,
    TallyRound,
    TallySheet,
    Voter,
)
from gongzhi.elections.rulebook import as_int, cited, integer, rule, threshold
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.organisations import actions as organisation_actions
from gongzhi.organisations.composition import composition_rules
from gongzhi.organisations.models import (
    COMMITTEE_MEMBER_POSTS,
    Membership,
    Organisation,
    OrganisationKind,
)
from gongzhi.policy import registry
from gongzhi.policy.queries import PolicyValue, policy_value
from gongzhi.regions.models import Grid
from gongzhi.residents.models import ID_PURPOSE, Resident

SCHEDULE = "elections.schedule_election"
RUN = "elections.run_election"
# Open elections of a committee: a second one cannot be scheduled beside them.
OPEN_STATUSES = (
    ElectionStatus.SCHEDULED,
    ElectionStatus.LIST_PUBLISHED,
    ElectionStatus.CANDIDATES_PUBLISHED,
    ElectionStatus.VOTED,
    ElectionStatus.TALLIED,
)
# 近亲属 (民法典 第一千零四十五条): 配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女.
NEAR_RELATIVES = ("配偶", "父母", "子女", "兄弟姐妹", "祖父母", "外祖父母", "孙子女", "外孙子女")


def _day(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _lock(election: Election) -> Election:
    return (
        Election.objects.select_for_update(of=("self",))
        .select_related("committee", "region")
        .get(pk=election.pk)
    )


def _status_is(election: Election, *allowed: str) -> None:
    if election.status not in allowed:
        raise ValidationError(
            {
                "status": _("选举当前为“%(status)s”，不能进行此操作")
                % {"status": election.get_status_display()}
            }
        )


def _event(
    type: EventType,
    election: Election,
    *,
    actor: User | None,
    obj: Any = None,
    summary: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> None:
    record_event(
        type,
        actor=actor,
        obj=obj or election,
        region_code=election.region_code,
        summary={"election": election.pk, **(summary or {})},
        request=request,
    )


# ---------------------------------------------------------------- scheduling (street)


def _check_seats(
    errors: FieldErrors, committee: Organisation, kind: str, seats: Mapping[str, int], day: date
) -> None:
    total = sum(seats.values())
    if seats["seats_director"] > 1:
        errors.add("seats_director", _("应选主任：最多 1 名"))
    if total < 1:
        errors.add("seats_member", _("应选名额：至少 1 名"))
        return
    if kind == ElectionKind.REGULAR:
        if seats["seats_director"] != 1:
            errors.add("seats_director", _("应选主任：换届选举应选主任 1 名"))
        low, high = composition_rules(committee.kind, committee.region_code, day).size_range
        if committee.posts_set is not None and total != committee.posts_set:
            errors.add(
                "seats_member",
                _("应选名额：共 %(total)d 名，与核定职数 %(posts)d 名不符（R2.3a）")
                % {"total": total, "posts": committee.posts_set},
            )
        elif not low <= total <= high:
            errors.add(
                "seats_member",
                _("应选名额：共 %(total)d 名，不在法定的 %(low)d–%(high)d 人范围内（R2.3a）")
                % {"total": total, "low": low, "high": high},
            )


def allowed_modes(committee: Organisation, day: date) -> tuple[list[str], PolicyValue | None]:
    """The election modes the law allows ``committee`` on ``day``, the first the default,
    and the rule that allows the indirect modes (``None`` for village committees, which the
    villagers elect directly: 村民委员会组织法 第十一条)."""
    if committee.kind != OrganisationKind.RESIDENTS_COMMITTEE:
        return [ElectionMode.DIRECT], None
    found = policy_value(policies.URBAN_INDIRECT_ALLOWED, committee.region_code, day)
    if not found.value:
        return [ElectionMode.DIRECT], found
    return list(ElectionMode.values), found


def _check_mode(errors: FieldErrors, committee: Organisation, mode: str, day: date) -> None:
    allowed, found = allowed_modes(committee, day)
    if mode in allowed:
        return
    if mode not in ElectionMode.values:
        errors.add("mode", _("选举方式：请选择"))
    elif found is None:
        errors.add(
            "mode",
            _(
                "选举方式：村（嘎查）民委员会主任、副主任和委员由村民直接选举产生"
                "（《中华人民共和国村民委员会组织法》第十一条）"
            ),
        )
    else:
        errors.add(
            "mode",
            _("选举方式：按现行规定，居民委员会由选民直接选举产生（依据：%(source)s）")
            % {"source": found.source},
        )


@transaction.atomic
def do_schedule_election(
    *,
    committee: Organisation,
    election_day: date,
    seats_director: int = 1,
    seats_deputy: int = 0,
    seats_member: int = 0,
    kind: str = ElectionKind.REGULAR,
    mode: str = "",
    note: str = "",
    actor: User | None,
    request: HttpRequest | None = None,
) -> Election:
    """部署选举: the street schedules an election of ``committee``. ``mode`` (选举方式)
    defaults to the first the law allows the committee (``allowed_modes``): direct election.

    Locks the committee row, so that two concurrent schedulings cannot both pass the
    one-open-election check.
    """
    committee = (
        Organisation.objects.select_for_update().select_related("region").get(pk=committee.pk)
    )
    require(actor, SCHEDULE, committee)
    errors = FieldErrors()
    if not committee.is_committee or not committee.is_active:
        errors.add("committee", _("委员会：只能为有效的居（村、嘎查）民委员会部署选举"))
        errors.raise_any()
    today = timezone.localdate()
    if election_day <= today:
        errors.add("election_day", _("选举日：应晚于今天"))
    seats = {
        "seats_director": seats_director,
        "seats_deputy": seats_deputy,
        "seats_member": seats_member,
    }
    _check_seats(errors, committee, kind, seats, election_day)
    mode = mode or allowed_modes(committee, election_day)[0][0]
    _check_mode(errors, committee, mode, election_day)
    clash = Election.objects.filter(committee=committee, status__in=OPEN_STATUSES).first()
    if clash is not None:
        errors.add(
            "committee",
            _("委员会：%(name)s已有进行中的选举（选举日 %(day)s）")
            % {"name": committee.name, "day": _day(clash.election_day)},
        )
    errors.raise_any()
    election = Election.objects.create(
        committee=committee,
        region=committee.region,
        region_code=committee.region_code,
        kind=kind,
        mode=mode,
        election_day=election_day,
        note=note.strip(),
        created_by=actor,
        **seats,
    )
    _event(
        EventType.ELECTION_SCHEDULED,
        election,
        actor=actor,
        summary={
            "kind": kind,
            "mode": mode,
            "election_day": election_day.isoformat(),
            **seats,
        },
        request=request,
    )
    return election


@transaction.atomic
def do_reschedule_election(
    election: Election,
    *,
    election_day: date,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Election:
    """Move election day. Once the list is published the new day must still leave the
    statutory interval after publication."""
    election = _lock(election)
    require(actor, SCHEDULE, election)
    _status_is(election, ElectionStatus.SCHEDULED, ElectionStatus.LIST_PUBLISHED)
    if election_day <= timezone.localdate():
        raise ValidationError({"election_day": _("选举日：应晚于今天")})
    before = election.election_day
    election.election_day = election_day
    if election.list_published_on is not None:
        found = rule(election, policies.LIST_PUBLISHED_DAYS_BEFORE)
        due = deadlines.list_published_by(election)
        if election.list_published_on > due:
            raise ValidationError(
                {
                    "election_day": cited(
                        _("选举日：名单已于 %(day)s 公布，选举日应在公布后至少 %(n)s 日")
                        % {"day": _day(election.list_published_on), "n": found.value},
                        found,
                    )
                }
            )
    election.save(update_fields=["election_day", "updated_at"])
    _event(
        EventType.ELECTION_EDITED,
        election,
        actor=actor,
        summary={"election_day": [before.isoformat(), election_day.isoformat()]},
        request=request,
    )
    return election


@transaction.atomic
def do_cancel_election(
    election: Election, *, reason: str, actor: User | None, request: HttpRequest | None = None
) -> Election:
    election = _lock(election)
    require(actor, SCHEDULE, election)
    _status_is(
        election,
        ElectionStatus.SCHEDULED,
        ElectionStatus.LIST_PUBLISHED,
        ElectionStatus.CANDIDATES_PUBLISHED,
    )
    if not reason.strip():
        raise ValidationError({"reason": _("取消原因：请填写")})
    election.status = ElectionStatus.CANCELLED
    election.note = reason.strip()[:500]
    election.save(update_fields=["status", "note", "updated_at"])
    _event(EventType.ELECTION_CANCELLED, election, actor=actor, request=request)
    return election


@transaction.atomic
def do_appoint_committee_member(
    election: Election,
    *,
    person_name: str,
    role: str = CommitteeRole.MEMBER,
    resident: Resident | None = None,
    actor: User | None,
    request: HttpRequest | None = None,
) -> ElectionCommitteeMember:
    """推选选举委员会成员. ``resident`` links the registry record, so that a nominated
    member leaves the committee (村民委员会组织法 第十二条)."""
    election = _lock(election)
    require(actor, SCHEDULE, election)
    _status_is(
        election,
        ElectionStatus.SCHEDULED,
        ElectionStatus.LIST_PUBLISHED,
        ElectionStatus.CANDIDATES_PUBLISHED,
    )
    errors = FieldErrors()
    name = person_name.strip()
    if not name:
        errors.add("person_name", _("姓名：请填写"))
    if role not in CommitteeRole.values:
        errors.add("role", _("职务：请选择"))
    if resident is not None and not resident.region_code.startswith(election.region_code):
        errors.add("resident", _("居民档案：选举委员会成员应为本社区居民"))
    serving = election.committee_members.filter(left_on__isnull=True)
    if role == CommitteeRole.CHAIR and serving.filter(role=CommitteeRole.CHAIR).exists():
        errors.add("role", _("职务：选举委员会已有主任"))
    if resident is not None and serving.filter(resident=resident).exists():
        errors.add("resident", _("居民档案：此人已是选举委员会成员"))
    errors.raise_any()
    member = ElectionCommitteeMember.objects.create(
        election=election,
        region_code=election.region_code,
        person_name=name,
        role=role,
        resident=resident,
        appointed_on=timezone.localdate(),
    )
    _event(
        EventType.ELECTION_COMMITTEE_APPOINTED,
        election,
        actor=actor,
        obj=member,
        summary={"role": role},
        request=request,
    )
    return member


# ---------------------------------------------------------------- the voter list


@transaction.atomic
def do_build_voter_list(
    election: Election, *, actor: User | None, request: HttpRequest | None = None
) -> voterlist.BuildReport:
    """选民登记: add the registered-and-living adults of the registry to the list.

    Locks the election; may run again before publication and adds only the new.
    """
    election = _lock(election)
    require(actor, RUN, election)
    _status_is(election, ElectionStatus.SCHEDULED)
    report = voterlist.build(election, timezone.localdate())
    _event(
        EventType.ELECTION_VOTER_LIST_BUILT,
        election,
        actor=actor,
        summary=report.as_summary(),
        request=request,
    )
    return report


@transaction.atomic
def do_publish_voter_list(
    election: Election, *, actor: User | None, request: HttpRequest | None = None
) -> Election:
    """公布选民名单, no later than the statutory days before election day."""
    election = _lock(election)
    require(actor, RUN, election)
    _status_is(election, ElectionStatus.SCHEDULED)
    today = timezone.localdate()
    found = rule(election, policies.LIST_PUBLISHED_DAYS_BEFORE)
    due = deadlines.list_published_by(election)
    if today > due:
        raise ValidationError(
            {
                "list_published_on": cited(
                    _(
                        "选民名单应在选举日的 %(n)s 日以前（%(due)s 以前）公布，"
                        "现已逾期；请先推迟选举日"
                    )
                    % {"n": found.value, "due": _day(due)},
                    found,
                )
            }
        )
    listed = election.voters.filter(is_listed=True).count()
    if not listed:
        raise ValidationError({"voters": _("选民名单：名单为空，请先生成选民名单")})
    election.status = ElectionStatus.LIST_PUBLISHED
    election.list_published_on = today
    election.save(update_fields=["status", "list_published_on", "updated_at"])
    _event(
        EventType.ELECTION_VOTER_LIST_PUBLISHED,
        election,
        actor=actor,
        summary={"voters": listed, "published_on": today.isoformat()},
        request=request,
    )
    return election


@transaction.atomic
def do_file_list_request(
    election: Election,
    *,
    kind: str,
    resident: Resident,
    filed_by: str,
    reason: str,
    meeting_approved_on: date | None = None,
    actor: User | None,
    request: HttpRequest | None = None,
) -> ListRequest:
    """受理选民登记申请或对名单的异议. Objections are taken within the statutory days of
    publication; applications until then, or before publication."""
    election = _lock(election)
    require(actor, RUN, election)
    errors = FieldErrors()
    if election.status in LIST_FROZEN or election.status not in (
        ElectionStatus.SCHEDULED,
        ElectionStatus.LIST_PUBLISHED,
        ElectionStatus.CANDIDATES_PUBLISHED,
    ):
        errors.add(
            "status", _("选举当前为“%(s)s”，不再受理") % {"s": election.get_status_display()}
        )
        errors.raise_any()
    today = timezone.localdate()
    if kind not in RequestKind.values:
        errors.add("kind", _("类别：请选择"))
    objection = kind in (RequestKind.OBJECT_INCLUDED, RequestKind.OBJECT_OMITTED)
    if objection and election.list_published_on is None:
        errors.add("kind", _("类别：选民名单尚未公布，还不能提出异议"))
    until = deadlines.objections_until(election)
    if until is not None and today > until:
        found = rule(election, policies.OBJECTION_DAYS)
        errors.add(
            "filed_on",
            cited(
                _("名单公布之日起 %(n)s 日内（%(until)s 以前）提出，现已逾期")
                % {"n": found.value, "until": _day(until)},
                found,
            ),
        )
    if (
        not resident.region_code.startswith(election.region_code)
        and kind != RequestKind.OBJECT_INCLUDED
    ):
        errors.add("resident", _("居民档案：该居民不在本社区居住"))
    listed = election.voters.filter(resident=resident, is_listed=True).exists()
    if kind in (RequestKind.APPLY, RequestKind.OBJECT_OMITTED) and listed:
        errors.add("resident", _("居民档案：该居民已在选民名单上"))
    if kind == RequestKind.OBJECT_INCLUDED and not listed:
        errors.add("resident", _("居民档案：该居民不在选民名单上"))
    if not filed_by.strip():
        errors.add("filed_by", _("申请人/申诉人：请填写"))
    if not reason.strip():
        errors.add("reason", _("理由：请填写"))
    if meeting_approved_on is not None and meeting_approved_on > today:
        errors.add("meeting_approved_on", _("会议同意日期：不能晚于今天"))
    errors.raise_any()
    item = ListRequest.objects.create(
        election=election,
        region_code=election.region_code,
        kind=kind,
        resident=resident,
        filed_by=filed_by.strip(),
        filed_on=today,
        reason=reason.strip(),
        meeting_approved_on=meeting_approved_on,
    )
    _event(
        EventType.ELECTION_LIST_REQUEST_FILED,
        election,
        actor=actor,
        obj=item,
        summary={"kind": kind, "resident": resident.pk},
        request=request,
    )
    return item


def _add_voter(election: Election, resident: Resident, item: ListRequest) -> Voter:
    problem = voterlist.ineligibility(election, resident)
    if problem:
        raise ValidationError({"resident": problem})
    category = voterlist.category_for(resident)
    if category == VoterCategory.RESIDENT_APPLIED and item.meeting_approved_on is None:
        raise ValidationError(
            {
                "meeting_approved_on": _(
                    "会议同意日期：户籍不在本社区的居民登记，须经居民（村民）会议或代表会议同意"
                    "（《中华人民共和国村民委员会组织法》第十三条）"
                )
            }
        )
    if category == VoterCategory.REGISTERED_LIVING and item.kind == RequestKind.APPLY:
        category = VoterCategory.REGISTERED_LIVING
    voter, _created = Voter.objects.update_or_create(
        election=election,
        resident=resident,
        defaults={
            "region_code": resident.region_code,
            "grid_id": resident.household.grid_id,
            "category": category,
            "registered_elsewhere": voterlist.registered_elsewhere(resident, election.region_code)
            or category == VoterCategory.RESIDENT_APPLIED,
            "is_listed": True,
            "removed_reason": "",
            "added_on": timezone.localdate(),
        },
    )
    return voter


@transaction.atomic
def do_decide_list_request(
    item: ListRequest,
    *,
    upheld: bool,
    note: str,
    actor: User | None,
    request: HttpRequest | None = None,
) -> ListRequest:
    """处理申请或异议 and correct the list. The statutory days to answer are shown on the
    overview; a late answer is still recorded, and shows as missed there."""
    election = _lock(item.election)
    require(actor, RUN, election)
    item = (
        ListRequest.objects.select_for_update()
        .select_related("resident__household")
        .get(pk=item.pk)
    )
    if item.status != RequestStatus.PENDING:
        raise ValidationError({"status": _("该事项已处理")})
    if election.status in LIST_FROZEN:
        raise ValidationError({"status": _("已开始投票，名单不再变更")})
    if not note.strip():
        raise ValidationError({"decision_note": _("处理意见：请填写")})
    # Lock the person's registry row: two elections adding the same person at once could
    # otherwise both pass the one-list check.
    resident = (
        Resident.objects.select_for_update().select_related("household").get(pk=item.resident_id)
    )
    if upheld:
        if item.kind == RequestKind.OBJECT_INCLUDED:
            Voter.objects.filter(election=election, resident=resident).update(
                is_listed=False, removed_reason=note.strip()[:200]
            )
        else:
            _add_voter(election, resident, item)
    item.status = RequestStatus.UPHELD if upheld else RequestStatus.REJECTED
    item.decided_on = timezone.localdate()
    item.decision_note = note.strip()
    item.save(update_fields=["status", "decided_on", "decision_note"])
    _event(
        EventType.ELECTION_LIST_REQUEST_DECIDED,
        election,
        actor=actor,
        obj=item,
        summary={
            "status": item.status,
            "late": item.decided_on > deadlines.answer_by(item),
        },
        request=request,
    )
    return item


# ---------------------------------------------------------------- proxies


def _standing(voter: Voter) -> bool:
    return voter.candidacies.exclude(status=CandidateStatus.WITHDRAWN).exists()


@transaction.atomic
def do_record_proxy(
    election: Election,
    *,
    grantor: Voter,
    holder: Voter,
    relationship: str,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Proxy:
    """办理委托投票, refused with the rule cited when it breaks one.

    Locks the holder's row, so that two proxies filed at once cannot both pass the cap.
    """
    election = _lock(election)
    require(actor, RUN, election)
    return _record_proxy(
        election,
        grantor=grantor,
        holder=holder,
        relationship=relationship,
        channel=ProxyChannel.OFFICE,
        actor=actor,
        request=request,
    )


def _record_proxy(
    election: Election,
    *,
    grantor: Voter,
    holder: Voter,
    relationship: str,
    channel: str,
    actor: User | None,
    request: HttpRequest | None,
) -> Proxy:
    """The proxy rules and the write, for the office and the portal; the election row is
    locked by the caller."""
    _status_is(election, ElectionStatus.LIST_PUBLISHED, ElectionStatus.CANDIDATES_PUBLISHED)
    holder = Voter.objects.select_for_update().select_related("resident").get(pk=holder.pk)
    grantor = Voter.objects.select_related("resident").get(pk=grantor.pk)
    errors = FieldErrors()
    today = timezone.localdate()
    if grantor.election_id != election.pk or not grantor.is_listed:
        errors.add("grantor", _("委托人：不在本次选举的选民名单上"))
    if holder.election_id != election.pk or not holder.is_listed:
        errors.add("holder", _("受委托人：不在本次选举的选民名单上"))
    errors.raise_any()
    if grantor.pk == holder.pk:
        errors.add("holder", _("受委托人：不能委托本人"))
    if relationship not in NEAR_RELATIVES:
        errors.add(
            "relationship",
            _("亲属关系：只能委托有选举权的近亲属（%(list)s）")
            % {"list": "、".join(NEAR_RELATIVES)},
        )
    filed = rule(election, policies.PROXY_FILED_DAYS_BEFORE)
    by = deadlines.proxies_by(election)
    if today > by or today >= election.election_day:
        errors.add(
            "filed_on",
            cited(
                _("委托投票应在选举日 %(n)s 日以前（%(by)s 以前）办理，现已逾期")
                % {"n": filed.value, "by": _day(by)},
                filed,
            ),
        )
    if Proxy.objects.filter(grantor=grantor, is_active=True).exists():
        errors.add("grantor", _("委托人：已办理委托投票，不能重复委托"))
    if Proxy.objects.filter(grantor=holder, is_active=True).exists():
        errors.add("holder", _("受委托人：本人已委托他人投票，不能再接受委托"))
    cap = rule(election, policies.MAX_PROXIES)
    held = Proxy.objects.filter(holder=holder, is_active=True).count()
    if held >= as_int(cap):
        errors.add(
            "holder",
            cited(
                _("受委托人：已接受 %(held)d 人委托，每一选民接受委托不得超过 %(cap)s 人")
                % {"held": held, "cap": cap.value},
                cap,
            ),
        )
    may_hold = rule(election, policies.CANDIDATE_MAY_HOLD_PROXY)
    if not may_hold.value and _standing(holder):
        errors.add("holder", cited(_("受委托人：候选人不得接受委托投票"), may_hold))
    errors.raise_any()
    try:
        with transaction.atomic():
            proxy = Proxy.objects.create(
                election=election,
                region_code=election.region_code,
                grantor=grantor,
                holder=holder,
                relationship=relationship,
                filed_on=today,
                channel=channel,
            )
    except IntegrityError:
        raise ValidationError({"grantor": _("委托人：已办理委托投票，不能重复委托")}) from None
    _event(
        EventType.ELECTION_PROXY_RECORDED,
        election,
        actor=actor,
        obj=proxy,
        summary={"grantor": grantor.pk, "holder": holder.pk, "channel": channel},
        request=request,
    )
    return proxy


@transaction.atomic
def do_file_own_proxy(
    election: Election,
    *,
    holder_name: str,
    holder_id_number: str,
    relationship: str,
    actor: User,
    request: HttpRequest | None = None,
) -> Proxy:
    """A voter away from home files their own proxy on the portal (委托投票, R2.3d: migrant
    workers vote in their registered home by proxy). The holder is named by name and ID
    number, which must match a voter on the same list; the same rules apply as at the office.
    """
    require(actor, "elections.file_own_proxy")
    election = _lock(election)
    grantor = (
        Voter.objects.filter(election=election, resident__user=actor, is_listed=True)
        .select_related("resident")
        .first()
    )
    if grantor is None:
        raise ValidationError({"grantor": _("您不在本次选举的选民名单上")})
    index = blind_index(normalise_id_number(holder_id_number), purpose=ID_PURPOSE)
    holder = (
        Voter.objects.filter(
            election=election,
            is_listed=True,
            resident__id_number_index=index,
            resident__name=holder_name.strip(),
        ).first()
        if index
        else None
    )
    if holder is None:
        raise ValidationError(
            {"holder": _("受委托人：本次选举的选民名单上没有此姓名和身份证号的选民")}
        )
    return _record_proxy(
        election,
        grantor=grantor,
        holder=holder,
        relationship=relationship,
        channel=ProxyChannel.PORTAL,
        actor=actor,
        request=request,
    )


@transaction.atomic
def do_withdraw_proxy(
    proxy: Proxy, *, actor: User | None, request: HttpRequest | None = None
) -> Proxy:
    election = _lock(proxy.election)
    require(actor, RUN, election)
    _status_is(election, ElectionStatus.LIST_PUBLISHED, ElectionStatus.CANDIDATES_PUBLISHED)
    proxy = Proxy.objects.select_for_update().get(pk=proxy.pk)
    if not proxy.is_active:
        raise ValidationError({"proxy": _("该委托已撤销")})
    proxy.is_active = False
    proxy.save(update_fields=["is_active"])
    _event(EventType.ELECTION_PROXY_WITHDRAWN, election, actor=actor, obj=proxy, request=request)
    return proxy


# ---------------------------------------------------------------- candidates


@transaction.atomic
def do_nominate_candidate(
    election: Election,
    *,
    voter: Voter,
    post: str,
    nominations: int,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Candidate:
    """登记提名: a voter nominated directly by voters for ``post``.

    A nominated member of the election committee leaves it (第十二条), in this same action.
    """
    election = _lock(election)
    require(actor, RUN, election)
    _status_is(election, ElectionStatus.LIST_PUBLISHED)
    voter = Voter.objects.select_related("resident").get(pk=voter.pk)
    errors = FieldErrors()
    if voter.election_id != election.pk or not voter.is_listed:
        errors.add("voter", _("被提名人：不在本次选举的选民名单上"))
    if post not in CandidatePost.values:
        errors.add("post", _("竞选职务：请选择"))
    elif not election.seats_for(post):
        errors.add(
            "post", _("竞选职务：本次选举不选%(post)s") % {"post": CandidatePost(post).label}
        )
    if nominations < 1:
        errors.add("nominations", _("提名人数：至少 1 人"))
    if Candidate.objects.filter(election=election, voter=voter).exists():
        errors.add("voter", _("被提名人：已登记提名"))
    may_hold = rule(election, policies.CANDIDATE_MAY_HOLD_PROXY)
    if not may_hold.value and Proxy.objects.filter(holder=voter, is_active=True).exists():
        errors.add(
            "voter",
            cited(_("被提名人：已接受他人委托投票，候选人不得接受委托，请先撤销委托"), may_hold),
        )
    errors.raise_any()
    resident = voter.resident
    candidate = Candidate.objects.create(
        election=election,
        region_code=election.region_code,
        voter=voter,
        name=resident.name,
        sex=resident.sex,
        ethnicity=resident.ethnicity,
        is_local_resident=resident.is_local_resident,
        post=post,
        nominations=nominations,
        nominated_on=timezone.localdate(),
    )
    left = 0
    if rule(election, policies.NOMINEE_LEAVES_COMMITTEE).value:
        left = election.committee_members.filter(resident=resident, left_on__isnull=True).update(
            left_on=timezone.localdate(), left_reason=str(_("被提名为候选人，退出选举委员会"))
        )
    _event(
        EventType.ELECTION_CANDIDATE_NOMINATED,
        election,
        actor=actor,
        obj=candidate,
        summary={"post": post, "nominations": nominations, "left_election_committee": left},
        request=request,
    )
    return candidate


@transaction.atomic
def do_withdraw_candidate(
    candidate: Candidate, *, actor: User | None, request: HttpRequest | None = None
) -> Candidate:
    election = _lock(candidate.election)
    require(actor, RUN, election)
    _status_is(election, ElectionStatus.LIST_PUBLISHED, ElectionStatus.CANDIDATES_PUBLISHED)
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status == CandidateStatus.WITHDRAWN:
        raise ValidationError({"candidate": _("该候选人已退出")})
    if election.status == ElectionStatus.CANDIDATES_PUBLISHED:
        others = [
            c
            for c in election.candidates.exclude(pk=candidate.pk)
            if c.status != CandidateStatus.WITHDRAWN
        ]
        problems = checks.slate_errors(election, others)
        if problems:
            raise ValidationError(
                {
                    "candidate": [
                        _("退出后候选人名单将不符合规定，请先补充提名："),
                        *problems["candidates"],
                    ]
                }
            )
    candidate.status = CandidateStatus.WITHDRAWN
    candidate.save(update_fields=["status"])
    _event(
        EventType.ELECTION_CANDIDATE_WITHDRAWN,
        election,
        actor=actor,
        obj=candidate,
        request=request,
    )
    return candidate


@transaction.atomic
def do_publish_candidates(
    election: Election, *, actor: User | None, request: HttpRequest | None = None
) -> Election:
    """公布正式候选人: the slate must be competitive per post and include a woman and, in a
    multi-ethnic community, a member of a smaller group where the rules say so."""
    election = _lock(election)
    require(actor, RUN, election)
    _status_is(election, ElectionStatus.LIST_PUBLISHED)
    candidates = list(election.candidates.exclude(status=CandidateStatus.WITHDRAWN))
    problems = checks.slate_errors(election, candidates)
    if problems:
        raise ValidationError(problems)
    election.candidates.filter(status=CandidateStatus.NOMINEE).update(
        status=CandidateStatus.CANDIDATE
    )
    election.status = ElectionStatus.CANDIDATES_PUBLISHED
    election.candidates_published_on = timezone.localdate()
    election.save(update_fields=["status", "candidates_published_on", "updated_at"])
    _event(
        EventType.ELECTION_CANDIDATES_PUBLISHED,
        election,
        actor=actor,
        summary={"candidates": len(candidates)},
        request=request,
    )
    return election


# ---------------------------------------------------------------- stations and tally sheets


@transaction.atomic
def do_save_station(
    election: Election,
    *,
    name: str,
    kind: str = StationKind.STATION,
    place: str = "",
    grid: Grid | None = None,
    entry_mode: str = EntryMode.SHEET,
    actor: User | None,
    request: HttpRequest | None = None,
) -> PollingStation:
    """设立投票站: ``entry_mode`` says whether its tally sheet or every paper ballot is
    entered; a station uses one or the other."""
    election = _lock(election)
    require(actor, RUN, election)
    _status_is(
        election,
        ElectionStatus.SCHEDULED,
        ElectionStatus.LIST_PUBLISHED,
        ElectionStatus.CANDIDATES_PUBLISHED,
    )
    errors = FieldErrors()
    if not name.strip():
        errors.add("name", _("名称：请填写"))
    elif election.stations.filter(name=name.strip()).exists():
        errors.add("name", _("名称：已有同名投票站"))
    if kind not in StationKind.values:
        errors.add("kind", _("类别：请选择"))
    if entry_mode not in EntryMode.values:
        errors.add("entry_mode", _("录入方式：请选择"))
    if grid is not None and not grid.region_code.startswith(election.region_code):
        errors.add("grid", _("居民小组：应为本社区的网格"))
    errors.raise_any()
    station = PollingStation.objects.create(
        election=election,
        region_code=election.region_code,
        name=name.strip(),
        kind=kind,
        place=place.strip(),
        grid=grid,
        entry_mode=entry_mode,
    )
    _event(
        EventType.ELECTION_STATION_SAVED,
        election,
        actor=actor,
        obj=station,
        summary={"entry_mode": entry_mode},
        request=request,
    )
    return station


def round_candidates(election: Election) -> list[Candidate]:
    """The candidates on the ballot of the current round."""
    queryset = election.candidates.exclude(status=CandidateStatus.WITHDRAWN)
    if election.current_round > 1:
        queryset = queryset.filter(in_further_round=True)
    return list(queryset.order_by("post", "pk"))


def round_seats(election: Election) -> dict[str, int]:
    """Seats per post to fill in the current round."""
    seats = {post.value: election.seats_for(post) for post in CandidatePost}
    if election.current_round > 1:
        elected = CandidateResult.objects.filter(
            tally__election=election, elected=True
        ).values_list("candidate__post", flat=True)
        for post in elected:
            seats[post] -= 1
    return {post: count for post, count in seats.items() if count > 0}


@transaction.atomic
def do_enter_sheet(
    station: PollingStation,
    *,
    ballots_issued: int,
    ballots_cast: int,
    ballots_invalid: int,
    votes: Mapping[int, int],
    other_votes: int = 0,
    actor: User,
    request: HttpRequest | None = None,
) -> TallySheet:
    """录入计票单: one clerk's entry of the station's sheet for the current round.

    A clerk's first entry takes the next free place (1 or 2); entering again corrects their
    own entry. Two different clerks must enter each sheet. Locks the station row, so that
    two clerks entering the same sheet at once are ordered and cannot both take place 1.
    """
    election = _lock(station.election)
    require(actor, RUN, election)
    _status_is(election, ElectionStatus.CANDIDATES_PUBLISHED, ElectionStatus.VOTED)
    station = PollingStation.objects.select_for_update().get(pk=station.pk)
    errors = FieldErrors()
    if timezone.localdate() < election.election_day:
        errors.add(
            "station", _("选举日 %(day)s 之前不能录入计票单") % {"day": _day(election.election_day)}
        )
        errors.raise_any()
    if station.entry_mode != EntryMode.SHEET:
        errors.add("station", _("该投票站逐张录入选票，不录入计票单"))
        errors.raise_any()
    numbers = {
        "ballots_issued": ballots_issued,
        "ballots_cast": ballots_cast,
        "ballots_invalid": ballots_invalid,
        "other_votes": other_votes,
    }
    for field, number in numbers.items():
        if number < 0:
            errors.add(field, _("不能为负数"))
    if ballots_cast > ballots_issued:
        errors.add("ballots_cast", _("收回选票：不能多于发出选票 %(n)d 张") % {"n": ballots_issued})
    if ballots_invalid > ballots_cast:
        errors.add("ballots_invalid", _("无效票：不能多于收回选票 %(n)d 张") % {"n": ballots_cast})
    valid = ballots_cast - ballots_invalid
    on_ballot = {c.pk: c for c in round_candidates(election)}
    seats = round_seats(election)
    per_post: dict[str, int] = {}
    for cid, count in votes.items():
        candidate = on_ballot.get(int(cid))
        if candidate is None:
            errors.add("votes", _("候选人得票：%(id)s 不是本轮候选人") % {"id": cid})
            continue
        if count < 0:
            errors.add(f"votes_{cid}", _("%(name)s的得票：不能为负数") % {"name": candidate.name})
        elif count > valid:
            errors.add(
                f"votes_{cid}",
                _("%(name)s的得票：不能多于有效票 %(n)d 张") % {"name": candidate.name, "n": valid},
            )
        per_post[candidate.post] = per_post.get(candidate.post, 0) + max(count, 0)
    for post, total in per_post.items():
        limit = valid * seats.get(post, 0)
        if total > limit:
            errors.add(
                "votes",
                _("%(post)s候选人得票合计 %(total)d，超过有效票数乘以应选名额 %(limit)d")
                % {"post": CandidatePost(post).label, "total": total, "limit": limit},
            )
    errors.raise_any()
    sheets = list(station.sheets.filter(round=election.current_round))
    own = next((s for s in sheets if s.clerk_id == actor.pk), None)
    if own is None:
        taken = {s.entry for s in sheets}
        if taken >= {1, 2}:
            raise ValidationError({"station": _("该计票单已由两名录入员录入，只能由他们更正")})
        own = TallySheet(
            election=election,
            station=station,
            region_code=election.region_code,
            round=election.current_round,
            entry=1 if 1 not in taken else 2,
            clerk=actor,
        )
    correcting = own.pk is not None
    own.ballots_issued = ballots_issued
    own.ballots_cast = ballots_cast
    own.ballots_invalid = ballots_invalid
    own.other_votes = other_votes
    own.votes = {str(cid): int(count) for cid, count in votes.items()}
    own.save()
    if election.status == ElectionStatus.CANDIDATES_PUBLISHED:
        election.status = ElectionStatus.VOTED
        election.save(update_fields=["status", "updated_at"])
    _event(
        EventType.ELECTION_SHEET_ENTERED,
        election,
        actor=actor,
        obj=own,
        summary={
            "station": station.pk,
            "round": own.round,
            "entry": own.entry,
            "correction": correcting,
            "figures": {**numbers, "votes": own.votes},
        },
        request=request,
    )
    return own


@transaction.atomic
def do_enter_bundle(
    station: PollingStation,
    *,
    number: int,
    papers: list[ballots.PaperBallot],
    actor: User,
    request: HttpRequest | None = None,
) -> BallotBundle:
    """录入选票捆: one clerk's entry of a numbered bundle of the station's paper ballots for
    the current round, each ballot with its marks (``ballots.PaperBallot``).

    A clerk's first entry of a bundle takes the next free place (1 or 2); entering it again
    corrects their own entry and replaces its ballots. Two different clerks must enter each
    bundle. Locks the station row, so that two clerks entering the same bundle at once are
    ordered and cannot both take place 1. One ledger event per bundle lists its ballots.
    """
    election = _lock(station.election)
    require(actor, RUN, election)
    _status_is(election, ElectionStatus.CANDIDATES_PUBLISHED, ElectionStatus.VOTED)
    station = PollingStation.objects.select_for_update().get(pk=station.pk)
    errors = FieldErrors()
    if timezone.localdate() < election.election_day:
        errors.add(
            "station", _("选举日 %(day)s 之前不能录入选票") % {"day": _day(election.election_day)}
        )
    if station.entry_mode != EntryMode.BALLOTS:
        errors.add("station", _("该投票站录入计票单，不逐张录入选票"))
    errors.raise_any()
    if not 1 <= number <= 9999:
        errors.add("number", _("捆号：应为 1–9999"))
    candidates = round_candidates(election)
    ballots.check_ballots(papers, candidates=candidates, seats=round_seats(election), errors=errors)
    errors.raise_any()
    entries = list(station.bundles.filter(round=election.current_round, number=number))
    own = next((b for b in entries if b.clerk_id == actor.pk), None)
    before: list[ballots.PaperBallot] = []
    if own is None:
        taken = {b.entry for b in entries}
        if taken >= {1, 2}:
            raise ValidationError(
                {"number": _("第 %(n)d 捆已由两名录入员录入，只能由他们更正") % {"n": number}}
            )
        own = BallotBundle(
            election=election,
            station=station,
            region_code=election.region_code,
            round=election.current_round,
            number=number,
            entry=1 if 1 not in taken else 2,
            clerk=actor,
        )
    else:
        before = ballots.read_bundle(own)
        own.papers.all().delete()
    correcting = own.pk is not None
    own.ballots = len(papers)
    own.signature = ballots.signature(papers)
    own.save()
    saved = EnteredBallot.objects.bulk_create(ballots.rows_for(own, papers))
    BallotMark.objects.bulk_create(ballots.marks_for(saved, papers))
    if election.status == ElectionStatus.CANDIDATES_PUBLISHED:
        election.status = ElectionStatus.VOTED
        election.save(update_fields=["status", "updated_at"])
    order = {c.pk: n for n, c in enumerate(ballots.numbered(candidates), start=1)}
    summary: dict[str, Any] = {
        "station": station.pk,
        "round": own.round,
        "bundle": number,
        "entry": own.entry,
        "correction": correcting,
        "candidates": {str(n): cid for cid, n in order.items()},
        "ballots": [ballots.as_line(p, order) for p in papers],
        "signature": own.signature,
    }
    if correcting:
        summary["changed"] = [
            {
                "position": n,
                "before": ballots.as_line(before[n - 1], order) if n <= len(before) else "—",
                "after": ballots.as_line(papers[n - 1], order) if n <= len(papers) else "—",
            }
            for n in range(1, max(len(before), len(papers)) + 1)
            if (before[n - 1] if n <= len(before) else None)
            != (papers[n - 1] if n <= len(papers) else None)
        ]
    _event(
        EventType.ELECTION_BUNDLE_ENTERED,
        election,
        actor=actor,
        obj=own,
        summary=summary,
        request=request,
    )
    return own


def sheet_status(election: Election) -> list[dict[str, Any]]:
    """Per station: its entries of the current round and whether they agree."""
    rows = []
    sheets: dict[int, list[TallySheet]] = {}
    for sheet in election.sheets.filter(round=election.current_round).select_related("clerk"):
        sheets.setdefault(sheet.station_id, []).append(sheet)
    for station in election.stations.filter(entry_mode=EntryMode.SHEET):
        entries = sorted(sheets.get(station.pk, []), key=lambda s: s.entry)
        agreed = len(entries) == 2 and entries[0].figures() == entries[1].figures()
        rows.append(
            {
                "station": station,
                "entries": entries,
                "agreed": agreed,
                "mismatch": len(entries) == 2 and not agreed,
            }
        )
    return rows


def count_round(election: Election) -> tuple[tally.Totals, tally.Outcome, int]:
    """Re-count the current round from the agreed sheets and the entered ballots (their
    first entries, counted in SQL): totals, outcome, registered."""
    statuses = sheet_status(election)
    from_sheets = tally.add_up(
        (
            row["entries"][0].ballots_issued,
            row["entries"][0].ballots_cast,
            row["entries"][0].ballots_invalid,
            row["entries"][0].other_votes,
            row["entries"][0].votes,
        )
        for row in statuses
        if row["agreed"]
    )
    totals = ballots.combine(from_sheets, ballots.totals(election, election.current_round))
    registered = election.voters.filter(is_listed=True).count()
    candidates = round_candidates(election)
    first = election.current_round == 1
    outcome = tally.decide(
        seats=round_seats(election),
        posts={c.pk: c.post for c in candidates},
        votes=totals.votes,
        registered=registered,
        cast=totals.cast,
        valid_turnout=threshold(election, policies.VALID_TURNOUT),
        needed=threshold(
            election, policies.ELECTED_MAJORITY if first else policies.FURTHER_ROUND_MINIMUM
        ),
    )
    return totals, outcome, registered


@transaction.atomic
def do_tally(
    election: Election, *, actor: User | None, request: HttpRequest | None = None
) -> TallyRound:
    """计票: count the current round once every station's two entries agree."""
    election = _lock(election)
    require(actor, RUN, election)
    _status_is(election, ElectionStatus.VOTED)
    statuses = sheet_status(election)
    by_ballot = ballots.station_states(election)
    if not statuses and not by_ballot:
        raise ValidationError({"stations": _("还没有设立投票站")})
    missing = [str(row["station"]) for row in statuses if len(row["entries"]) < 2]
    mismatched = [str(row["station"]) for row in statuses if row["mismatch"]]
    errors = FieldErrors()
    for state in by_ballot:
        _ballot_station_errors(errors, state)
    if missing:
        errors.add(
            "sheets", _("以下投票站的计票单尚未由两人录入：%(list)s") % {"list": "、".join(missing)}
        )
    if mismatched:
        errors.add(
            "sheets",
            _("以下投票站两次录入不一致，请核对纸质计票单后更正：%(list)s")
            % {"list": "、".join(mismatched)},
        )
    errors.raise_any()
    totals, outcome, registered = count_round(election)
    if totals.issued > registered:
        raise ValidationError(
            {
                "sheets": _(
                    "各投票站发出选票合计 %(issued)d 张，多于登记选民 %(registered)d 人，请核对"
                )
                % {"issued": totals.issued, "registered": registered}
            }
        )
    first = election.current_round == 1
    needed_key = policies.ELECTED_MAJORITY if first else policies.FURTHER_ROUND_MINIMUM
    rules = {
        key: {
            "label": str(registry.get(key).label),
            "value": rule(election, key).display,
            "source": rule(election, key).source,
        }
        for key in (policies.VALID_TURNOUT, needed_key)
    }
    round_row, _created = TallyRound.objects.update_or_create(
        election=election,
        round=election.current_round,
        defaults={
            "region_code": election.region_code,
            "registered": registered,
            "ballots_issued": totals.issued,
            "ballots_cast": totals.cast,
            "ballots_invalid": totals.invalid,
            "is_valid": outcome.is_valid,
            "rules": rules,
        },
    )
    round_row.results.all().delete()
    CandidateResult.objects.bulk_create(
        CandidateResult(
            tally=round_row,
            candidate=c,
            votes=totals.votes.get(c.pk, 0),
            elected=c.pk in outcome.elected,
        )
        for c in round_candidates(election)
    )
    election.status = ElectionStatus.TALLIED if outcome.is_valid else ElectionStatus.FAILED
    election.save(update_fields=["status", "updated_at"])
    _event(
        EventType.ELECTION_TALLIED,
        election,
        actor=actor,
        obj=round_row,
        summary={
            "round": round_row.round,
            "registered": registered,
            "cast": totals.cast,
            "valid": outcome.is_valid,
            "elected": sorted(outcome.elected),
            "empty": dict(outcome.empty),
        },
        request=request,
    )
    return round_row


def _numbers(numbers: list[int]) -> str:
    return "、".join(str(n) for n in numbers[:20]) + ("……" if len(numbers) > 20 else "")


def _ballot_station_errors(errors: FieldErrors, state: ballots.StationBallots) -> None:
    """What keeps a ballot-entry station from the tally, per station."""
    name = str(state.station)
    if not state.bundles:
        errors.add("ballots", _("%(s)s：尚未录入选票") % {"s": name})
    if state.single:
        errors.add(
            "ballots",
            _("%(s)s：以下选票捆尚未由两人录入：第 %(list)s 捆")
            % {"s": name, "list": _numbers(state.single)},
        )
    if state.mismatched:
        errors.add(
            "ballots",
            _("%(s)s：以下选票捆两次录入不一致，请核对纸质选票后更正：第 %(list)s 捆")
            % {"s": name, "list": _numbers(state.mismatched)},
        )
    if state.gaps:
        errors.add(
            "ballots",
            _("%(s)s：捆号不连续，缺第 %(list)s 捆") % {"s": name, "list": _numbers(state.gaps)},
        )


def empty_seats(election: Election) -> dict[str, int]:
    """Seats per post still empty after the rounds counted so far."""
    seats = {post.value: election.seats_for(post) for post in CandidatePost}
    for post in CandidateResult.objects.filter(tally__election=election, elected=True).values_list(
        "candidate__post", flat=True
    ):
        seats[post] -= 1
    return {post: count for post, count in seats.items() if count > 0}


@transaction.atomic
def do_start_further_round(
    election: Election, *, actor: User | None, request: HttpRequest | None = None
) -> Election:
    """另行选举: the seats left empty go to a further round whose candidates are the
    unelected of round 1 in order of their votes, one more than the seats (第十五条)."""
    election = _lock(election)
    require(actor, RUN, election)
    _status_is(election, ElectionStatus.TALLIED)
    if election.current_round != 1:
        raise ValidationError({"status": _("另行选举已进行过；仍不足的名额可在以后补选")})
    empty = empty_seats(election)
    if not empty:
        raise ValidationError({"status": _("应选名额已全部选出，无需另行选举")})
    first = TallyRound.objects.get(election=election, round=1)
    chosen: list[int] = []
    for post, seats in empty.items():
        ranked = [
            r.candidate_id
            for r in first.results.filter(elected=False, candidate__post=post).order_by(
                "-votes", "candidate_id"
            )
        ]
        chosen += ranked[: seats + 1]
    Candidate.objects.filter(pk__in=chosen).update(in_further_round=True)
    election.current_round = 2
    election.status = ElectionStatus.CANDIDATES_PUBLISHED
    election.save(update_fields=["current_round", "status", "updated_at"])
    _event(
        EventType.ELECTION_FURTHER_ROUND_STARTED,
        election,
        actor=actor,
        summary={"empty": empty, "candidates": chosen},
        request=request,
    )
    return election


def elected_candidates(election: Election) -> list[Candidate]:
    ids = CandidateResult.objects.filter(tally__election=election, elected=True).values_list(
        "candidate_id", flat=True
    )
    return list(Candidate.objects.filter(pk__in=list(ids)).order_by("post", "pk"))


def new_committee_breaches(election: Election) -> list[str]:
    """The composition breaches of the committee the result would make (R2.3d)."""
    seats = checks.seats_of_candidates(elected_candidates(election))
    if election.kind == ElectionKind.BY_ELECTION:
        seats = checks.continuing_seats(election) + seats
    return checks.composition_breaches(election, seats)


@transaction.atomic
def do_certify_election(
    election: Election,
    *,
    acknowledge_breaches: bool = False,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Election:
    """确认并公布选举结果; the elected become the new term's members.

    A composition breach is shown and must be acknowledged: the platform cannot refuse the
    voters' choice, but it makes sure the breach was seen. A regular election ends the
    current members' terms; a by-election adds to them.
    """
    election = _lock(election)
    require(actor, RUN, election)
    _status_is(election, ElectionStatus.TALLIED)
    elected = elected_candidates(election)
    if not elected:
        raise ValidationError({"status": _("没有当选人，不能确认结果")})
    breaches = new_committee_breaches(election)
    if breaches and not acknowledge_breaches:
        raise ValidationError(
            {"acknowledge_breaches": [_("新一届委员会构成不符合规定："), *breaches]}
        )
    today = timezone.localdate()
    committee = Organisation.objects.select_for_update().get(pk=election.committee_id)
    ended = 0
    if election.kind == ElectionKind.REGULAR:
        for membership in committee.memberships.current(today).filter(
            post__in=COMMITTEE_MEMBER_POSTS
        ):
            organisation_actions.do_end_membership(
                membership, end_date=today, actor=actor, request=request
            )
            ended += 1
    for candidate in elected:
        organisation_actions.do_save_member(
            Membership(
                organisation=committee,
                person_name=candidate.name,
                post=candidate.post,
                is_local_resident=candidate.is_local_resident,
                sex=candidate.sex,
                ethnicity=candidate.ethnicity,
                start_date=today,
            ),
            actor=actor,
            request=request,
        )
    if election.kind == ElectionKind.REGULAR:
        years = integer(election, policies.TERM_YEARS)
        committee.term_start = today
        try:
            end = today.replace(year=today.year + years)
        except ValueError:
            end = date(today.year + years, 3, 1)
        committee.term_end = end - timedelta(days=1)
        organisation_actions.do_save_organisation(committee, actor=actor, request=request)
    election.status = ElectionStatus.CERTIFIED
    election.certified_on = today
    election.certified_warnings = breaches
    election.save(update_fields=["status", "certified_on", "certified_warnings", "updated_at"])
    _event(
        EventType.ELECTION_CERTIFIED,
        election,
        actor=actor,
        summary={
            "elected": [c.pk for c in elected],
            "memberships_ended": ended,
            "breaches": len(breaches),
        },
        request=request,
    )
    return election


@transaction.atomic
def do_record_handover(
    election: Election,
    *,
    handover_on: date,
    note: str,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Election:
    """记录工作移交; a handover after the statutory days is recorded and shows as late."""
    election = _lock(election)
    require(actor, RUN, election)
    _status_is(election, ElectionStatus.CERTIFIED)
    assert election.certified_on is not None
    errors = FieldErrors()
    if handover_on < election.certified_on:
        errors.add(
            "handover_on",
            _("移交完成日：不能早于结果确认日 %(d)s") % {"d": _day(election.certified_on)},
        )
    if handover_on > timezone.localdate():
        errors.add("handover_on", _("移交完成日：不能晚于今天"))
    if not note.strip():
        errors.add("note", _("移交情况：请填写移交的印章、档案、财务等情况"))
    errors.raise_any()
    election.handover_on = handover_on
    election.handover_note = note.strip()[:500]
    election.status = ElectionStatus.HANDED_OVER
    election.save(update_fields=["handover_on", "handover_note", "status", "updated_at"])
    by = deadlines.handover_by(election)
    _event(
        EventType.ELECTION_HANDED_OVER,
        election,
        actor=actor,
        summary={"handover_on": handover_on.isoformat(), "late": bool(by and handover_on > by)},
        request=request,
    )
    return election
