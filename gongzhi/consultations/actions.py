"""Writes of consultations: topics, consultations and their phases, participants,
meetings and decisions, implementation items, the report back and residents' ratings.

Every action runs in one transaction, checks its named permission (``consultations.rules``
— for residents that includes the phase's feature switch), validates its input with
Chinese messages keyed by field (nothing is written before validation passes), and
records one ledger event as its last write. Rows that many people touch at once (a
topic's support count, a consultation's phase) are locked with ``select_for_update``
first. Ledger summaries carry ids, codes, counts and keys — never a name. Messages to
residents are queued with ``transaction.on_commit``. ``actor=None`` is the command line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.cases.actions import notify
from gongzhi.cases.enums import Rating
from gongzhi.consultations import decisions
from gongzhi.consultations.blueprints import blueprint_for
from gongzhi.consultations.enums import (
    CommentKind,
    ConsultationForm,
    DecisionOutcome,
    Feature,
    ItemStatus,
    MeetingStatus,
    MilestoneKind,
    ParticipantCategory,
    PhaseKey,
    TopicStatus,
)
from gongzhi.consultations.models import (
    TEXT_MAX_LENGTH,
    Comment,
    Consultation,
    ConsultationCommunity,
    ImplementationItem,
    ImplementationUpdate,
    Meeting,
    MeetingRegistration,
    Milestone,
    OutcomeRating,
    Participant,
    Phase,
    Topic,
    TopicSupport,
)
from gongzhi.core.actions import FieldErrors as _Errors
from gongzhi.core.actions import clean_text
from gongzhi.core.actions import require as _require
from gongzhi.core.scoping import contains, scope_of
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.organisations.models import Organisation
from gongzhi.regions.models import CODE_LENGTH, Level, Region
from gongzhi.residents import portal as registry

TITLE_MAX_LENGTH = 100
REASON_MIN_LENGTH = 2
REASON_MAX_LENGTH = 500
COMMENT_MAX_LENGTH = 2000
MAX_AFFECTED = 30
MAX_COUNT = 10_000_000
PHASE_ORDER = list(PhaseKey)


def _count(value: object, field: str, errors: _Errors, *, label: str) -> int:
    if value is None or value == "":
        errors.add(field, _("请填写%(label)s") % {"label": label})
        return 0
    try:
        number = int(str(value))
    except ValueError:
        errors.add(field, _("%(label)s须为整数") % {"label": label})
        return 0
    if number < 0 or number > MAX_COUNT:
        errors.add(
            field, _("%(label)s须为 0 到 %(n)d 之间的整数") % {"label": label, "n": MAX_COUNT}
        )
        return 0
    return number


def display_name(user: User) -> str:
    return (user.full_name or user.get_username())[:50]


def mask_name(name: str) -> str:
    """Another resident's name as residents see it: the surname only (张**)."""
    name = name.strip()
    return f"{name[:1]}{'*' * max(1, len(name) - 1)}" if name else ""


def _milestone(consultation: Consultation, kind: MilestoneKind, text: str) -> None:
    Milestone.objects.create(consultation=consultation, kind=kind, text=text[:500])


def _lock_topic(topic: Topic) -> Topic:
    return Topic.objects.select_for_update().get(pk=topic.pk)


def _lock_consultation(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


# --- Topics (议题) ---------------------------------------------------------------------------


def _topic_fields(title: str, description: str, errors: _Errors) -> tuple[str, str]:
    title = clean_text(title, "title", errors, label=_("议题"), limit=TITLE_MAX_LENGTH, minimum=4)
    description = clean_text(
        description,
        "description",
        errors,
        label=_("议题说明"),
        limit=TEXT_MAX_LENGTH,
        one_line=False,
        minimum=10,
    )
    return title, description


@transaction.atomic
def do_propose_topic(
    *, title: str, description: str, actor: User, request: HttpRequest | None = None
) -> Topic:
    """提出议题 — a resident puts a matter to their own community (R2.3e, R3.1h). The
    community comes from the account's registry record (a migrant's is where they live),
    never from the request."""
    _require(actor, "consultations.propose_topic")
    errors = _Errors()
    title, description = _topic_fields(title, description, errors)
    record = registry.own_record(actor)
    if record is None:
        errors.add("community", _("您的账号还没有关联居民档案，请联系社区工作人员关联后再提出议题"))
    errors.raise_any()
    assert record is not None
    topic = Topic.objects.create(
        community=record.community,
        region_code=record.community.region_code,
        title=title,
        description=description,
        proposer=actor,
        proposer_name=display_name(actor),
    )
    record_event(
        EventType.TOPIC_PROPOSED,
        actor=actor,
        obj=topic,
        summary={"community": topic.region_code, "by": "resident"},
        request=request,
    )
    return topic


def _community(value: Region | str | None, field: str, errors: _Errors) -> Region | None:
    code = value.region_code if isinstance(value, Region) else str(value or "").strip()
    region = Region.objects.filter(region_code=code).first() if code else None
    if region is None or region.level != Level.COMMUNITY or not region.is_active:
        errors.add(field, _("请选择有效的嘎查村社区"))
        return None
    return region


@transaction.atomic
def do_raise_topic(
    *,
    community: Region | str,
    title: str,
    description: str,
    actor: User,
    request: HttpRequest | None = None,
) -> Topic:
    """工作人员提出议题 — staff put a matter of a community of their jurisdiction."""
    _require(actor, "consultations.raise_topic")
    errors = _Errors()
    title, description = _topic_fields(title, description, errors)
    region = _community(community, "community", errors)
    if region is not None and not contains(scope_of(actor), region.region_code):
        errors.add("community", _("只能为本辖区的社区提出议题"))
    errors.raise_any()
    assert region is not None
    topic = Topic.objects.create(
        community=region,
        region_code=region.region_code,
        title=title,
        description=description,
        proposer=actor,
        proposer_name=display_name(actor),
        raised_by_staff=True,
    )
    record_event(
        EventType.TOPIC_PROPOSED,
        actor=actor,
        obj=topic,
        summary={"community": topic.region_code, "by": "staff"},
        request=request,
    )
    return topic


@transaction.atomic
def do_support_topic(topic: Topic, *, actor: User, request: HttpRequest | None = None) -> Topic:
    """附议 — one resident supports a topic once. Locks the topic row so the count stays
    equal to the rows."""
    topic = _lock_topic(topic)
    _require(actor, "consultations.support_topic", topic)
    try:
        with transaction.atomic():
            TopicSupport.objects.create(topic=topic, user=actor, region_code=topic.region_code)
    except IntegrityError:
        raise ValidationError({"topic": [_("您已经附议过这个议题")]}) from None
    Topic.objects.filter(pk=topic.pk).update(support_count=F("support_count") + 1)
    topic.refresh_from_db()
    record_event(
        EventType.TOPIC_SUPPORTED,
        actor=actor,
        obj=topic,
        summary={"supports": topic.support_count},
        request=request,
    )
    return topic


@transaction.atomic
def do_comment_topic(
    topic: Topic,
    *,
    body: str,
    actor: User,
    kind: str = CommentKind.COMMENT,
    request: HttpRequest | None = None,
) -> Comment:
    """发表意见 / 提出方案建议 — in a phase that opens comments (or proposals); staff who
    run the consultation may answer in any phase."""
    topic = _lock_topic(topic)
    if kind == CommentKind.SUGGESTION:
        _require(actor, "consultations.suggest", topic)
    elif kind == CommentKind.COMMENT:
        _require(actor, "consultations.comment_topic", topic)
    else:
        raise ValidationError({"kind": [_("请选择意见类别")]})
    errors = _Errors()
    label = _("方案建议") if kind == CommentKind.SUGGESTION else _("意见")
    body = clean_text(body, "body", errors, label=label, limit=COMMENT_MAX_LENGTH, one_line=False)
    errors.raise_any()
    by_staff = actor is not None and actor.has_perm("consultations.review_topic", topic)
    comment = Comment.objects.create(
        topic=topic,
        kind=kind,
        author=actor,
        author_name=display_name(actor),
        by_staff=by_staff,
        body=body,
        region_code=topic.region_code,
    )
    Topic.objects.filter(pk=topic.pk).update(comment_count=F("comment_count") + 1)
    record_event(
        EventType.TOPIC_COMMENTED,
        actor=actor,
        obj=topic,
        summary={"comment": comment.pk, "kind": kind, "staff": by_staff},
        request=request,
    )
    return comment


def _affected(topic: Topic, codes: Sequence[str | Region], errors: _Errors) -> list[Region]:
    """The other communities a topic touches, each an active community, without repeats."""
    found: list[Region] = []
    seen = {topic.region_code}
    if len(codes) > MAX_AFFECTED:
        errors.add("affected", _("涉及的社区不能超过 %(n)d 个") % {"n": MAX_AFFECTED})
        return []
    for value in codes:
        region = _community(value, "affected", errors)
        if region is not None and region.region_code not in seen:
            seen.add(region.region_code)
            found.append(region)
    return found


def owner_code(codes: Sequence[str]) -> str:
    """R3.1a: the division that leads — the community itself, or the street/township
    (county, league) that contains every affected community."""
    if len(set(codes)) == 1:
        return codes[0]
    for level in (Level.TOWNSHIP, Level.COUNTY, Level.LEAGUE):
        length = CODE_LENGTH[level]
        if len({code[:length] for code in codes}) == 1:
            return codes[0][:length]
    return ""


@transaction.atomic
def do_route_topic(
    topic: Topic,
    *,
    affected: Sequence[str | Region],
    note: str = "",
    actor: User,
    request: HttpRequest | None = None,
) -> Topic:
    """转街道牵头 — community staff send a topic touching other communities to the
    street/township, which leads it (R3.1a)."""
    topic = _lock_topic(topic)
    _require(actor, "consultations.review_topic", topic)
    errors = _Errors()
    if topic.status != TopicStatus.PROPOSED:
        errors.add("topic", _("只有征集中的议题可以转街道牵头"))
    others = _affected(topic, affected, errors)
    if not others and "affected" not in errors.errors:
        errors.add("affected", _("请选择议题涉及的其他社区"))
    note = clean_text(
        note, "note", errors, label=_("说明"), limit=REASON_MAX_LENGTH, required=False
    )
    errors.raise_any()
    topic.status = TopicStatus.ROUTED
    topic.affected_region_codes = [r.region_code for r in others]
    topic.route_note = note
    topic.reviewed_by = actor
    topic.reviewed_at = timezone.now()
    topic.save()
    owner = owner_code([topic.region_code, *topic.affected_region_codes])
    record_event(
        EventType.TOPIC_ROUTED,
        actor=actor,
        obj=topic,
        summary={"affected": topic.affected_region_codes, "owner": owner},
        request=request,
    )
    notify(
        [topic.proposer_id],
        None,
        _("您提出的议题“%(title)s”涉及多个社区，已转街道（苏木乡镇）牵头协商")
        % {"title": topic.title},
    )
    return topic


@transaction.atomic
def do_accept_topic(
    topic: Topic,
    *,
    form: str,
    affected: Sequence[str | Region] | None = None,
    title: str = "",
    actor: User,
    request: HttpRequest | None = None,
) -> Consultation:
    """纳入协商 (采纳) — take a topic into a consultation of the chosen form, copying the
    blueprint's phases. A topic touching two or more communities is led by the
    street/township that contains them (R3.1a): the consultation belongs to it, every
    affected community takes part, and only staff of that street (or above) may accept."""
    topic = _lock_topic(topic)
    _require(actor, "consultations.review_topic", topic)
    errors = _Errors()
    if topic.status not in (TopicStatus.PROPOSED, TopicStatus.ROUTED):
        errors.add("topic", _("该议题已经处理，不能再纳入协商"))
    if form not in ConsultationForm.values:
        errors.add("form", _("请选择协商形式"))
    title = clean_text(
        title or topic.title, "title", errors, label=_("协商事项"), limit=TITLE_MAX_LENGTH
    )
    codes = affected if affected is not None else topic.affected_region_codes
    others = _affected(topic, codes, errors)
    communities = [topic.community, *others]
    code = owner_code([c.region_code for c in communities])
    if others and not errors.errors and not contains(scope_of(actor), code):
        errors.add(
            "affected",
            _("涉及两个以上社区的议题由街道（苏木乡镇）牵头协商，请转街道牵头"),
        )
    errors.raise_any()
    owner = Region.objects.get(region_code=code)
    consultation = Consultation.objects.create(
        topic=topic,
        title=title,
        form=form,
        owner=owner,
        region_code=owner.region_code,
        phase=PHASE_ORDER[0],
        created_by=actor,
    )
    ConsultationCommunity.objects.bulk_create(
        [
            ConsultationCommunity(consultation=consultation, community=c, region_code=c.region_code)
            for c in communities
        ]
    )
    now = timezone.now()
    Phase.objects.bulk_create(
        [
            Phase(
                consultation=consultation,
                key=key,
                order=index,
                features=sorted(features),
                started_at=now if index == 0 else None,
            )
            for index, (key, features) in enumerate(blueprint_for(form))
        ]
    )
    topic.status = TopicStatus.ACCEPTED
    topic.affected_region_codes = [r.region_code for r in others]
    topic.reviewed_by = actor
    topic.reviewed_at = now
    topic.save()
    _milestone(
        consultation,
        MilestoneKind.ACCEPTED,
        _("议题已纳入协商，协商形式：%(form)s，牵头：%(owner)s")
        % {"form": ConsultationForm(form).label, "owner": owner.name},
    )
    record_event(
        EventType.TOPIC_ACCEPTED,
        actor=actor,
        obj=consultation,
        summary={
            "topic": topic.pk,
            "form": form,
            "owner": owner.region_code,
            "communities": [c.region_code for c in communities],
        },
        request=request,
    )
    notify(
        [topic.proposer_id],
        None,
        _("您提出的议题“%(title)s”已纳入协商") % {"title": topic.title},
    )
    return consultation


@transaction.atomic
def do_decline_topic(
    topic: Topic, *, reason: str, actor: User, request: HttpRequest | None = None
) -> Topic:
    """不予协商 — with a reason the proposer sees on their topic and in their messages."""
    topic = _lock_topic(topic)
    _require(actor, "consultations.review_topic", topic)
    errors = _Errors()
    if topic.status not in (TopicStatus.PROPOSED, TopicStatus.ROUTED):
        errors.add("topic", _("该议题已经处理"))
    reason = clean_text(
        reason,
        "reason",
        errors,
        label=_("不予协商的理由"),
        limit=REASON_MAX_LENGTH,
        minimum=REASON_MIN_LENGTH,
    )
    errors.raise_any()
    topic.status = TopicStatus.DECLINED
    topic.decline_reason = reason
    topic.reviewed_by = actor
    topic.reviewed_at = timezone.now()
    topic.save()
    record_event(EventType.TOPIC_DECLINED, actor=actor, obj=topic, summary={}, request=request)
    notify(
        [topic.proposer_id],
        None,
        _("您提出的议题“%(title)s”不予协商，理由：%(reason)s")
        % {"title": topic.title, "reason": reason},
    )
    return topic


# --- Phases -------------------------------------------------------------------------------------


@transaction.atomic
def do_advance_phase(
    consultation: Consultation, *, actor: User, request: HttpRequest | None = None
) -> Consultation:
    """进入下一阶段. Leaving 决策 needs a recorded decision: there is nothing to carry out
    otherwise."""
    consultation = _lock_consultation(consultation)
    _require(actor, "consultations.manage_consultation", consultation)
    index = PHASE_ORDER.index(PhaseKey(consultation.phase))
    if index + 1 >= len(PHASE_ORDER):
        raise ValidationError({"phase": [_("已是最后一个阶段")]})
    if (
        consultation.phase == PhaseKey.DECIDE
        and not consultation.meetings.exclude(outcome="").exists()
    ):
        raise ValidationError({"phase": [_("决策阶段还没有记录会议决定，不能进入落实阶段")]})
    now = timezone.now()
    following = PHASE_ORDER[index + 1]
    consultation.phases.filter(key=consultation.phase).update(ended_at=now)
    consultation.phases.filter(key=following).update(started_at=now)
    previous = consultation.phase
    consultation.phase = following
    consultation.save(update_fields=["phase", "updated_at"])
    _milestone(
        consultation,
        MilestoneKind.PHASE,
        _("进入%(phase)s阶段") % {"phase": PhaseKey(following).label},
    )
    record_event(
        EventType.CONSULTATION_PHASE_ADVANCED,
        actor=actor,
        obj=consultation,
        summary={"from": previous, "to": following},
        request=request,
    )
    return consultation


@transaction.atomic
def do_set_phase_features(
    consultation: Consultation,
    *,
    phase: str,
    features: Iterable[str],
    actor: User,
    request: HttpRequest | None = None,
) -> Phase:
    """调整阶段功能 — switch what a phase opens (the blueprint's copy is data)."""
    consultation = _lock_consultation(consultation)
    _require(actor, "consultations.manage_consultation", consultation)
    row = consultation.phases.filter(key=phase).first()
    if row is None:
        raise ValidationError({"phase": [_("请选择阶段")]})
    chosen = sorted(set(features))
    unknown = [f for f in chosen if f not in Feature.values]
    if unknown:
        raise ValidationError({"features": [_("功能选择无效")]})
    row.features = chosen
    row.save(update_fields=["features"])
    record_event(
        EventType.CONSULTATION_FEATURES_SET,
        actor=actor,
        obj=consultation,
        summary={"phase": phase, "features": chosen},
        request=request,
    )
    return row


# --- Participants (R3.1c) -----------------------------------------------------------------------


@transaction.atomic
def do_invite_participant(
    consultation: Consultation,
    *,
    category: str,
    name: str,
    affiliation: str = "",
    actor: User,
    request: HttpRequest | None = None,
) -> Participant:
    """邀请参与人员 by category (专家学者, 老干部, 居民代表, 党代表, 人大代表, 政协委员…)."""
    _require(actor, "consultations.manage_consultation", consultation)
    errors = _Errors()
    if category not in ParticipantCategory.values:
        errors.add("category", _("请选择参与人员类别"))
    name = clean_text(name, "name", errors, label=_("姓名"), limit=50)
    affiliation = clean_text(
        affiliation, "affiliation", errors, label=_("单位或身份"), limit=100, required=False
    )
    errors.raise_any()
    participant = Participant.objects.create(
        consultation=consultation,
        category=category,
        name=name,
        affiliation=affiliation,
        region_code=consultation.region_code,
        invited_by=actor,
    )
    record_event(
        EventType.PARTICIPANT_INVITED,
        actor=actor,
        obj=consultation,
        summary={"participant": participant.pk, "category": category},
        request=request,
    )
    return participant


# --- Meetings -----------------------------------------------------------------------------------


@transaction.atomic
def do_schedule_meeting(
    consultation: Consultation,
    *,
    title: str,
    starts_at: datetime | None,
    place: str,
    agenda: str,
    form: str = "",
    actor: User,
    request: HttpRequest | None = None,
) -> Meeting:
    """安排协商会议 — with its agenda; residents of the taking-part communities see it."""
    _require(actor, "consultations.manage_consultation", consultation)
    errors = _Errors()
    form = form or consultation.form
    if form not in ConsultationForm.values:
        errors.add("form", _("请选择会议形式"))
    title = clean_text(title, "title", errors, label=_("会议名称"), limit=TITLE_MAX_LENGTH)
    place = clean_text(place, "place", errors, label=_("地点"), limit=200)
    agenda = clean_text(
        agenda, "agenda", errors, label=_("议程"), limit=TEXT_MAX_LENGTH, one_line=False
    )
    if starts_at is None:
        errors.add("starts_at", _("请填写召开时间"))
    if consultation.phase in (PhaseKey.IMPLEMENT, PhaseKey.REPORT):
        errors.add("consultation", _("落实、反馈阶段不再安排协商会议"))
    errors.raise_any()
    assert starts_at is not None
    meeting = Meeting.objects.create(
        consultation=consultation,
        region_code=consultation.region_code,
        form=form,
        title=title,
        starts_at=starts_at,
        place=place,
        agenda=agenda,
    )
    _milestone(
        consultation,
        MilestoneKind.MEETING,
        _("定于%(when)s在%(place)s召开%(title)s")
        % {
            "when": timezone.localtime(starts_at).strftime("%Y年%-m月%-d日 %H:%M"),
            "place": place,
            "title": title,
        },
    )
    record_event(
        EventType.MEETING_SCHEDULED,
        actor=actor,
        obj=meeting,
        summary={"consultation": consultation.pk, "form": form},
        request=request,
    )
    return meeting


@transaction.atomic
def do_register_for_meeting(
    meeting: Meeting, *, actor: User, request: HttpRequest | None = None
) -> MeetingRegistration:
    """报名参会 — a resident of a taking-part community, while the phase opens it."""
    meeting = Meeting.objects.select_for_update().select_related("consultation").get(pk=meeting.pk)
    _require(actor, "consultations.register_meeting", meeting)
    if meeting.status != MeetingStatus.SCHEDULED or meeting.starts_at <= timezone.now():
        raise ValidationError({"meeting": [_("会议已召开或已取消，不能再报名")]})
    try:
        with transaction.atomic():
            registration = MeetingRegistration.objects.create(
                meeting=meeting,
                user=actor,
                name=display_name(actor),
                region_code=meeting.region_code,
            )
    except IntegrityError:
        raise ValidationError({"meeting": [_("您已经报名了这次会议")]}) from None
    record_event(
        EventType.MEETING_REGISTERED,
        actor=actor,
        obj=meeting,
        summary={"registration": registration.pk},
        request=request,
    )
    return registration


@transaction.atomic
def do_record_attendance(
    meeting: Meeting,
    *,
    base_kind: str,
    base_count: object,
    present_count: object,
    minutes: str = "",
    attended: Iterable[int] = (),
    actor: User,
    request: HttpRequest | None = None,
) -> Meeting:
    """登记出席和会议纪要 — present against the base the meeting's form counts (adult
    residents or households for a residents' meeting, members for a representatives'
    meeting), and which registered residents came."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require(actor, "consultations.manage_consultation", meeting)
    errors = _Errors()
    if meeting.status == MeetingStatus.CANCELLED:
        errors.add("meeting", _("会议已取消"))
    if meeting.is_decided:
        errors.add("meeting", _("会议已记录决定，出席情况不能再修改"))
    if base_kind not in decisions.quorum_bases(meeting.form):
        errors.add("base_kind", _("请选择该会议形式适用的应到人数口径"))
    base = _count(base_count, "base_count", errors, label=_("应到人数"))
    present = _count(present_count, "present_count", errors, label=_("实到人数"))
    if "base_count" not in errors.errors and base == 0:
        errors.add("base_count", _("应到人数须大于 0"))
    if not errors.errors and present > base:
        errors.add("present_count", _("实到人数不能多于应到人数"))
    minutes = clean_text(
        minutes,
        "minutes",
        errors,
        label=_("会议纪要"),
        limit=TEXT_MAX_LENGTH * 2,
        required=False,
        one_line=False,
    )
    ids = {int(pk) for pk in attended}
    if not errors.errors and len(ids) > present:
        errors.add("attended", _("登记出席的报名居民多于实到人数"))
    errors.raise_any()
    meeting.base_kind = base_kind
    meeting.base_count = base
    meeting.present_count = present
    meeting.minutes = minutes
    meeting.status = MeetingStatus.HELD
    meeting.recorded_by = actor
    meeting.save()
    meeting.registrations.update(attended=False)
    marked = meeting.registrations.filter(pk__in=ids).update(attended=True)
    record_event(
        EventType.MEETING_ATTENDANCE_RECORDED,
        actor=actor,
        obj=meeting,
        summary={"base_kind": base_kind, "base": base, "present": present, "marked": marked},
        request=request,
    )
    return meeting


@transaction.atomic
def do_record_decision(
    meeting: Meeting,
    *,
    motion: str,
    votes_for: object,
    votes_against: object,
    votes_abstain: object,
    decision_text: str = "",
    minority_opinion: str = "",
    actor: User,
    on: date | None = None,
    request: HttpRequest | None = None,
) -> Meeting:
    """记录会议决定 — the vote checked against the law's quorum and majority as the
    policy store gives them for the meeting's place and day (DESIGN rule 5). A decision
    that fails either is recorded as not adopted, with the reason. The minority's
    opinions are kept beside the majority's (R3.1d)."""
    meeting = Meeting.objects.select_for_update().select_related("consultation").get(pk=meeting.pk)
    _require(actor, "consultations.decide", meeting)
    errors = _Errors()
    if meeting.status != MeetingStatus.HELD or meeting.present_count is None:
        errors.add("meeting", _("请先登记会议的出席情况"))
    if meeting.is_decided:
        errors.add("meeting", _("这次会议已记录决定"))
    motion = clean_text(motion, "motion", errors, label=_("表决事项"), limit=500)
    yes = _count(votes_for, "votes_for", errors, label=_("赞成票"))
    no = _count(votes_against, "votes_against", errors, label=_("反对票"))
    abstain = _count(votes_abstain, "votes_abstain", errors, label=_("弃权票"))
    decision_text = clean_text(
        decision_text,
        "decision_text",
        errors,
        label=_("决定内容"),
        limit=TEXT_MAX_LENGTH,
        required=False,
        one_line=False,
    )
    minority_opinion = clean_text(
        minority_opinion,
        "minority_opinion",
        errors,
        label=_("少数意见"),
        limit=TEXT_MAX_LENGTH,
        required=False,
        one_line=False,
    )
    present = meeting.present_count or 0
    if not errors.errors and yes + no + abstain > present:
        errors.add(
            "votes_for", _("赞成、反对、弃权合计不能多于实到人数（%(n)d 人）") % {"n": present}
        )
    errors.raise_any()
    day = on or timezone.localdate(meeting.starts_at)
    result = decisions.evaluate(
        form=meeting.form,
        base_kind=meeting.base_kind,
        base_count=meeting.base_count,
        present=present,
        votes_for=yes,
        region_code=meeting.region_code,
        on=day,
    )
    meeting.motion = motion
    meeting.votes_for = yes
    meeting.votes_against = no
    meeting.votes_abstain = abstain
    meeting.decision_text = decision_text
    meeting.minority_opinion = minority_opinion
    meeting.outcome = DecisionOutcome.ADOPTED if result.adopted else DecisionOutcome.NOT_ADOPTED
    meeting.outcome_reason = result.reason[:500]
    meeting.rules_applied = [check.to_json() for check in result.checks]
    meeting.decided_at = timezone.now()
    meeting.recorded_by = actor
    meeting.save()
    _milestone(
        meeting.consultation,
        MilestoneKind.DECISION,
        _("%(title)s表决“%(motion)s”：赞成 %(yes)d，反对 %(no)d，弃权 %(abstain)d，%(outcome)s")
        % {
            "title": meeting.title,
            "motion": motion,
            "yes": yes,
            "no": no,
            "abstain": abstain,
            "outcome": meeting.get_outcome_display(),
        },
    )
    record_event(
        EventType.MEETING_DECISION_RECORDED,
        actor=actor,
        obj=meeting,
        summary={
            "for": yes,
            "against": no,
            "abstain": abstain,
            "present": present,
            "outcome": meeting.outcome,
            "rules": [check.key for check in result.checks],
        },
        request=request,
    )
    return meeting


# --- Implementation (落实) --------------------------------------------------------------------


@transaction.atomic
def do_create_item(
    consultation: Consultation,
    *,
    meeting: Meeting,
    title: str,
    owner_name: str = "",
    owner_organisation: Organisation | None = None,
    deadline: date | None,
    actor: User,
    request: HttpRequest | None = None,
) -> ImplementationItem:
    """落实事项 — an adopted decision given to a person or an organisation, with a
    deadline."""
    _require(actor, "consultations.manage_consultation", consultation)
    errors = _Errors()
    if meeting.consultation_id != consultation.pk:
        errors.add("meeting", _("请选择本协商的会议决定"))
    elif meeting.outcome != DecisionOutcome.ADOPTED:
        errors.add("meeting", _("只有通过的决定才能转为落实事项"))
    title = clean_text(title, "title", errors, label=_("落实事项"), limit=200)
    owner_name = clean_text(
        owner_name or (owner_organisation.name if owner_organisation else ""),
        "owner_name",
        errors,
        label=_("责任人或责任单位"),
        limit=100,
    )
    if deadline is None:
        errors.add("deadline", _("请填写完成期限"))
    errors.raise_any()
    assert deadline is not None
    item = ImplementationItem.objects.create(
        consultation=consultation,
        meeting=meeting,
        region_code=consultation.region_code,
        title=title,
        owner_name=owner_name,
        owner_organisation=owner_organisation,
        deadline=deadline,
    )
    _milestone(
        consultation,
        MilestoneKind.ITEM,
        _("落实事项“%(title)s”由%(owner)s负责，%(deadline)s前完成")
        % {"title": title, "owner": owner_name, "deadline": deadline.isoformat()},
    )
    record_event(
        EventType.IMPLEMENTATION_ITEM_CREATED,
        actor=actor,
        obj=item,
        summary={"consultation": consultation.pk, "deadline": deadline.isoformat()},
        request=request,
    )
    return item


@transaction.atomic
def do_update_item(
    item: ImplementationItem,
    *,
    progress: object,
    status: str,
    note: str,
    evidence: str = "",
    actor: User,
    request: HttpRequest | None = None,
) -> ImplementationUpdate:
    """落实进展 — progress, status and evidence (text and links), shown to residents."""
    item = (
        ImplementationItem.objects.select_for_update()
        .select_related("consultation")
        .get(pk=item.pk)
    )
    _require(actor, "consultations.manage_consultation", item)
    errors = _Errors()
    percent = _count(progress, "progress", errors, label=_("进度"))
    if "progress" not in errors.errors and percent > 100:
        errors.add("progress", _("进度须在 0 到 100 之间"))
    if status not in ItemStatus.values:
        errors.add("status", _("请选择状态"))
    elif status == ItemStatus.DONE and percent != 100 and "progress" not in errors.errors:
        errors.add("progress", _("已完成的事项进度应为 100"))
    note = clean_text(note, "note", errors, label=_("进展说明"), limit=2000, one_line=False)
    evidence = clean_text(
        evidence,
        "evidence",
        errors,
        label=_("佐证材料"),
        limit=2000,
        required=False,
        one_line=False,
    )
    errors.raise_any()
    item.progress = percent
    item.status = status
    item.completed_on = timezone.localdate() if status == ItemStatus.DONE else None
    item.save()
    update = ImplementationUpdate.objects.create(
        item=item, progress=percent, status=status, note=note, evidence=evidence, actor=actor
    )
    _milestone(
        item.consultation,
        MilestoneKind.PROGRESS,
        _("“%(title)s”%(status)s，进度 %(progress)d%%：%(note)s")
        % {
            "title": item.title,
            "status": ItemStatus(status).label,
            "progress": percent,
            "note": note,
        },
    )
    record_event(
        EventType.IMPLEMENTATION_PROGRESS_UPDATED,
        actor=actor,
        obj=item,
        summary={"progress": percent, "status": status, "update": update.pk},
        request=request,
    )
    return update


@transaction.atomic
def do_report_outcome(
    consultation: Consultation,
    *,
    report: str,
    actor: User,
    request: HttpRequest | None = None,
) -> Consultation:
    """结果反馈 — tell residents what became of the matter (R2.3e); the proposer and
    every supporter get a message."""
    consultation = _lock_consultation(consultation)
    _require(actor, "consultations.manage_consultation", consultation)
    errors = _Errors()
    if consultation.phase != PhaseKey.REPORT:
        errors.add("report", _("进入反馈阶段后才能发布结果反馈"))
    report = clean_text(
        report, "report", errors, label=_("结果反馈"), limit=TEXT_MAX_LENGTH, one_line=False
    )
    errors.raise_any()
    consultation.report = report
    consultation.reported_at = timezone.now()
    consultation.save(update_fields=["report", "reported_at", "updated_at"])
    _milestone(consultation, MilestoneKind.REPORTED, _("结果反馈：%(text)s") % {"text": report})
    record_event(
        EventType.CONSULTATION_REPORTED, actor=actor, obj=consultation, summary={}, request=request
    )
    topic = consultation.topic
    supporters = list(topic.supports.values_list("user_id", flat=True))
    notify(
        [topic.proposer_id, *supporters],
        None,
        _("议题“%(title)s”有了结果反馈，请查看并评价落实情况") % {"title": topic.title},
    )
    return consultation


@transaction.atomic
def do_rate_outcome(
    consultation: Consultation,
    *,
    rating: object,
    comment: str = "",
    actor: User,
    request: HttpRequest | None = None,
) -> OutcomeRating:
    """评价落实情况 — the 好差评 scale, one rating per resident (a later one replaces it)."""
    _require(actor, "consultations.rate_outcome", consultation)
    errors = _Errors()
    try:
        value = int(str(rating))
    except ValueError:
        value = 0
    if value not in Rating.values:
        errors.add("rating", _("请选择评价"))
    comment = clean_text(comment, "comment", errors, label=_("评价意见"), limit=500, required=False)
    errors.raise_any()
    row, created = OutcomeRating.objects.update_or_create(
        consultation=consultation,
        user=actor,
        defaults={"rating": value, "comment": comment, "region_code": consultation.region_code},
    )
    record_event(
        EventType.OUTCOME_RATED,
        actor=actor,
        obj=consultation,
        summary={"rating": value, "first": created},
        request=request,
    )
    return row
