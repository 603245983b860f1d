"""Writes of the opinion map (意见地图, R3.1d, R2.3e): conversations, statements, their
moderation, votes, and the computed map.

Every action runs in one transaction, checks its named permission (``opinions.rules``),
validates its input with Chinese messages keyed by field (nothing is written before
validation passes), and records one ledger event as its last write. A vote's ledger
event names the statement, never the value: how a resident stands on a question is not
for the audit trail. ``actor=None`` is the command line or the background worker.

The map is recomputed by ``do_compute_opinion_map``: from the staff button (in the
request while the conversation has at most ``SYNC_VOTE_CAP`` votes, else in the
background worker) and automatically, in the worker, once enough votes changed since
the last computation (``is_stale``), at most once per ``AUTO_INTERVAL``.

A conversation linked to a consultation (议事协商) takes residents' votes and statements
only while the consultation's current phase opens commenting (``Feature.COMMENT``); the
refusal names the phase (``phase_error``). Staff are not held by the phase, and a
conversation without a consultation is not affected.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.consultations import linking
from gongzhi.consultations.enums import Feature
from gongzhi.consultations.models import Consultation
from gongzhi.core.actions import FieldErrors as _Errors
from gongzhi.core.actions import clean_text
from gongzhi.core.actions import require as _require
from gongzhi.core.scoping import contains, scope_of
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.opinions import clustering
from gongzhi.opinions.enums import ConversationStatus, StatementStatus, VoteValue
from gongzhi.opinions.models import (
    DESCRIPTION_MAX_LENGTH,
    REASON_MAX_LENGTH,
    STATEMENT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Conversation,
    OpinionMap,
    Statement,
    Vote,
)
from gongzhi.regions.models import Level, Region

# A conversation holds at most this many statements (pending and accepted): the map's
# matrix is participants × statements.
MAX_STATEMENTS = 500
MAX_SEED_STATEMENTS = 100
REASON_MIN_LENGTH = 2
# The staff button computes in the request up to this many votes (≈ 1–2 s on this
# machine, bench/bench_opinion_map.py); above it the worker computes.
SYNC_VOTE_CAP = 300_000
# A map is stale once this many votes, or this share of the votes it counted, changed.
STALE_MIN_CHANGES = 20
STALE_SHARE = 0.1
# Automatic recomputation is queued at most once per interval per conversation.
AUTO_INTERVAL = timedelta(minutes=2)
CONVERSATION_LEVELS = (Level.TOWNSHIP, Level.COMMUNITY)


def _region(value: Region | str | None, actor: User | None, errors: _Errors) -> Region | None:
    message = _("请选择辖区内的嘎查村（社区）或苏木乡镇（街道）")
    if value is None or value == "":
        errors.add("region", message)
        return None
    region = (
        value
        if isinstance(value, Region)
        else Region.objects.filter(region_code=str(value).strip()).first()
    )
    if (
        region is None
        or region.level not in CONVERSATION_LEVELS
        or not region.is_active
        or (actor is not None and not contains(scope_of(actor), region.region_code))
    ):
        errors.add("region", message)
        return None
    return region


def _normal(text: str) -> str:
    return "".join(text.split()).rstrip("。.!！?？")


def _seed_texts(texts: Sequence[str], errors: _Errors) -> list[str]:
    cleaned: list[str] = []
    seen: set[str] = set()
    for number, raw in enumerate(texts, start=1):
        text = " ".join((raw or "").split())
        if not text:
            continue
        if len(text) > STATEMENT_MAX_LENGTH:
            errors.add(
                "statements",
                _("第 %(n)d 条观点超过 %(limit)d 个字")
                % {"n": number, "limit": STATEMENT_MAX_LENGTH},
            )
            continue
        if _normal(text) in seen:
            errors.add("statements", _("第 %(n)d 条观点与前面的重复") % {"n": number})
            continue
        seen.add(_normal(text))
        cleaned.append(text)
    if len(cleaned) > MAX_SEED_STATEMENTS:
        errors.add("statements", _("初始观点不能超过 %(n)d 条") % {"n": MAX_SEED_STATEMENTS})
    return cleaned


# --- Conversations ----------------------------------------------------------------------------


@transaction.atomic
def do_create_conversation(
    *,
    region: Region | str | None,
    title: str,
    description: str = "",
    statements: Sequence[str] = (),
    allow_statements: bool = True,
    moderate_first: bool = True,
    consultation: Consultation | int | str | None = None,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Conversation:
    """创建意见地图 — for a community or township of the actor's jurisdiction, with seed
    statements (accepted at once: staff wrote them), optionally for a consultation the
    actor sees whose leading region or taking-part communities include the region
    (``consultations.linking``)."""
    _require(actor, "opinions.manage_conversation", None)
    errors = _Errors()
    region_obj = _region(region, actor, errors)
    title = clean_text(title, "title", errors, label=_("议题"), limit=TITLE_MAX_LENGTH)
    description = clean_text(
        description,
        "description",
        errors,
        label=_("说明"),
        limit=DESCRIPTION_MAX_LENGTH,
        required=False,
        one_line=False,
    )
    seeds = _seed_texts(statements, errors)
    linked = linking.linkable_consultation(
        actor,
        consultation,
        region_code=region_obj.region_code if region_obj is not None else None,
        errors=errors,
    )
    errors.raise_any()
    assert region_obj is not None
    conversation = Conversation(
        region=region_obj,
        region_code=region_obj.region_code,
        title=title,
        description=description,
        allow_statements=allow_statements,
        moderate_first=moderate_first,
        consultation=linked,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    _require(actor, "opinions.manage_conversation", conversation)
    conversation.save()
    now = timezone.now()
    Statement.objects.bulk_create(
        [
            Statement(
                conversation=conversation,
                region_code=conversation.region_code,
                text=text,
                author=conversation.created_by,
                is_seed=True,
                status=StatementStatus.ACCEPTED,
                moderated_by=conversation.created_by,
                moderated_at=now,
            )
            for text in seeds
        ]
    )
    record_event(
        EventType.OPINION_CONVERSATION_CREATED,
        actor=actor,
        obj=conversation,
        summary={
            "region": conversation.region_code,
            "statements": len(seeds),
            "consultation": linked.pk if linked is not None else None,
        },
        request=request,
    )
    return conversation


@transaction.atomic
def do_edit_conversation(
    conversation: Conversation,
    *,
    title: str,
    description: str = "",
    allow_statements: bool = True,
    moderate_first: bool = True,
    consultation: Consultation | int | str | None = None,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Conversation:
    """修改意见地图 — its title, description, settings and consultation (as on creation),
    all replaced. Locks the conversation row."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    _require(actor, "opinions.manage_conversation", conversation)
    errors = _Errors()
    title = clean_text(title, "title", errors, label=_("议题"), limit=TITLE_MAX_LENGTH)
    description = clean_text(
        description,
        "description",
        errors,
        label=_("说明"),
        limit=DESCRIPTION_MAX_LENGTH,
        required=False,
        one_line=False,
    )
    linked = linking.linkable_consultation(
        actor, consultation, region_code=conversation.region_code, errors=errors
    )
    errors.raise_any()
    conversation.title = title
    conversation.description = description
    conversation.allow_statements = allow_statements
    conversation.moderate_first = moderate_first
    conversation.consultation = linked
    conversation.save(
        update_fields=[
            "title",
            "description",
            "allow_statements",
            "moderate_first",
            "consultation",
            "updated_at",
        ]
    )
    record_event(
        EventType.OPINION_CONVERSATION_EDITED,
        actor=actor,
        obj=conversation,
        summary={
            "allow_statements": allow_statements,
            "moderate_first": moderate_first,
            "consultation": linked.pk if linked is not None else None,
        },
        request=request,
    )
    return conversation


@transaction.atomic
def do_close_conversation(
    conversation: Conversation, *, actor: User | None, request: HttpRequest | None = None
) -> Conversation:
    """结束征集 — no more votes or statements; the map stays readable."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    _require(actor, "opinions.manage_conversation", conversation)
    if not conversation.is_open:
        raise ValidationError({"status": _("该意见地图已结束征集")})
    conversation.status = ConversationStatus.CLOSED
    conversation.closed_at = timezone.now()
    conversation.save(update_fields=["status", "closed_at", "updated_at"])
    record_event(
        EventType.OPINION_CONVERSATION_CLOSED, actor=actor, obj=conversation, request=request
    )
    return conversation


@transaction.atomic
def do_reopen_conversation(
    conversation: Conversation, *, actor: User | None, request: HttpRequest | None = None
) -> Conversation:
    """重新开放征集."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    _require(actor, "opinions.manage_conversation", conversation)
    if conversation.is_open:
        raise ValidationError({"status": _("该意见地图正在征集中")})
    conversation.status = ConversationStatus.OPEN
    conversation.closed_at = None
    conversation.save(update_fields=["status", "closed_at", "updated_at"])
    record_event(
        EventType.OPINION_CONVERSATION_REOPENED, actor=actor, obj=conversation, request=request
    )
    return conversation


def phase_error(conversation: Conversation) -> str | None:
    """Why residents may not vote or add statements now because the conversation's
    consultation is in a phase that does not open commenting (``Feature.COMMENT``),
    naming the phase; None without a consultation or while the phase opens it."""
    if conversation.consultation_id is None:
        return None
    return linking.phase_refusal(conversation.consultation, Feature.COMMENT)


# --- Statements -------------------------------------------------------------------------------


def _check_duplicate(
    conversation: Conversation, text: str, errors: _Errors, *, exclude: int | None = None
) -> None:
    wanted = _normal(text)
    others = Statement.objects.filter(conversation=conversation).exclude(
        status=StatementStatus.REJECTED
    )
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if any(_normal(other) == wanted for other in others.values_list("text", flat=True)):
        errors.add("text", _("已有相同的观点，请直接对它表态"))


@transaction.atomic
def do_add_statement(
    conversation: Conversation,
    *,
    text: str,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Statement:
    """提出观点 — staff add a statement that is live at once; a resident of the place adds
    one when the conversation allows it, live at once or after moderation (先审后发) as
    the conversation's setting says. Locks the conversation row: the statement cap
    holds under concurrent additions."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    is_staff = actor is None or actor.has_perm("opinions.manage_conversation", conversation)
    if not is_staff:
        _require(actor, "opinions.take_part", conversation)
    errors = _Errors()
    text = clean_text(text, "text", errors, label=_("观点"), limit=STATEMENT_MAX_LENGTH)
    if not conversation.is_open:
        errors.add("text", _("该意见地图已结束征集，不能再提出观点"))
    elif not is_staff and not conversation.allow_statements:
        errors.add("text", _("本次意见地图不接受居民提出观点"))
    elif not is_staff and (refused := phase_error(conversation)) is not None:
        errors.add("text", refused)
    if text and not errors.errors:
        _check_duplicate(conversation, text, errors)
    if (
        Statement.objects.filter(conversation=conversation)
        .exclude(status=StatementStatus.REJECTED)
        .count()
        >= MAX_STATEMENTS
    ):
        errors.add("text", _("观点已达 %(n)d 条上限") % {"n": MAX_STATEMENTS})
    errors.raise_any()
    live = is_staff or not conversation.moderate_first
    author = actor if actor is not None and actor.is_authenticated else None
    statement = Statement.objects.create(
        conversation=conversation,
        region_code=conversation.region_code,
        text=text,
        author=author,
        is_seed=is_staff,
        status=StatementStatus.ACCEPTED if live else StatementStatus.PENDING,
        moderated_by=author if is_staff else None,
        moderated_at=timezone.now() if is_staff else None,
    )
    record_event(
        EventType.OPINION_STATEMENT_ADDED,
        actor=actor,
        obj=statement,
        summary={"conversation": conversation.pk, "seed": is_staff, "status": statement.status},
        request=request,
    )
    return statement


@transaction.atomic
def do_edit_statement(
    statement: Statement,
    *,
    text: str,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Statement:
    """修改观点 — staff correct a statement's wording while nobody has voted on it (a vote
    is on the words the voter read)."""
    statement = (
        Statement.objects.select_for_update().select_related("conversation").get(pk=statement.pk)
    )
    _require(actor, "opinions.manage_conversation", statement.conversation)
    errors = _Errors()
    text = clean_text(text, "text", errors, label=_("观点"), limit=STATEMENT_MAX_LENGTH)
    if Vote.objects.filter(statement=statement).exists():
        errors.add("text", _("已有居民对该观点表态，不能再修改；可将其设为未采用并另提新观点"))
    if text and not errors.errors:
        _check_duplicate(statement.conversation, text, errors, exclude=statement.pk)
    errors.raise_any()
    statement.text = text
    statement.save(update_fields=["text"])
    record_event(
        EventType.OPINION_STATEMENT_EDITED,
        actor=actor,
        obj=statement,
        summary={"conversation": statement.conversation_id},
        request=request,
    )
    return statement


@transaction.atomic
def do_moderate_statement(
    statement: Statement,
    *,
    accept: bool,
    reason: str = "",
    actor: User | None,
    request: HttpRequest | None = None,
) -> Statement:
    """审核观点 — accept a statement (it goes live) or reject it with a reason its author
    reads. A decision may be reversed; the votes on a rejected statement are kept but
    leave the map."""
    statement = (
        Statement.objects.select_for_update().select_related("conversation").get(pk=statement.pk)
    )
    _require(actor, "opinions.manage_conversation", statement.conversation)
    errors = _Errors()
    reason = clean_text(
        reason,
        "reason",
        errors,
        label=_("未采用原因"),
        limit=REASON_MAX_LENGTH,
        required=not accept,
    )
    if not accept and reason and len(reason) < REASON_MIN_LENGTH:
        errors.add("reason", _("请写明未采用的原因"))
    target = StatementStatus.ACCEPTED if accept else StatementStatus.REJECTED
    if statement.status == target:
        errors.add("status", _("该观点已是“%(s)s”") % {"s": statement.get_status_display()})
    errors.raise_any()
    from_status = statement.status
    statement.status = target
    statement.reject_reason = "" if accept else reason
    statement.moderated_by = actor if actor is not None and actor.is_authenticated else None
    statement.moderated_at = timezone.now()
    statement.save(update_fields=["status", "reject_reason", "moderated_by", "moderated_at"])
    record_event(
        EventType.OPINION_STATEMENT_MODERATED,
        actor=actor,
        obj=statement,
        summary={"conversation": statement.conversation_id, "from": from_status, "to": target},
        request=request,
    )
    return statement


# --- Votes ------------------------------------------------------------------------------------


def _clean_value(value: Any, errors: _Errors) -> int | None:
    names = {"agree": VoteValue.AGREE, "disagree": VoteValue.DISAGREE, "pass": VoteValue.PASS}
    if isinstance(value, str) and value in names:
        return int(names[value])
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number not in VoteValue.values:
        errors.add("value", _("请选择同意、不同意或跳过"))
        return None
    return number


@transaction.atomic
def do_vote(
    statement: Statement,
    value: Any,
    *,
    actor: User,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Vote:
    """表态 — a resident of the place agrees, disagrees or passes on a live statement of an
    open conversation; voting again changes the vote (one per participant and statement,
    held by the unique constraint ``opinion_vote_once`` under concurrent requests).

    The ledger event names the statement and whether the vote changed, not the value. When
    the map has gone stale a recomputation is queued for the worker after commit."""
    statement = Statement.objects.select_related("conversation__consultation").get(pk=statement.pk)
    conversation = statement.conversation
    _require(actor, "opinions.take_part", conversation)
    errors = _Errors()
    number = _clean_value(value, errors)
    if not conversation.is_open:
        errors.add("value", _("该意见地图已结束征集，不能再表态"))
    elif (refused := phase_error(conversation)) is not None:
        errors.add("value", refused)
    if statement.status != StatementStatus.ACCEPTED:
        errors.add("value", _("该观点未公开，不能表态"))
    errors.raise_any()
    assert number is not None
    vote = Vote.objects.select_for_update().filter(statement=statement, voter=actor).first()
    changed = vote is not None
    if vote is None:
        try:
            with transaction.atomic():
                vote = Vote.objects.create(
                    conversation=conversation, statement=statement, voter=actor, value=number
                )
        except IntegrityError:
            # A concurrent request of the same voter created it first: change that one.
            vote = Vote.objects.select_for_update().get(statement=statement, voter=actor)
            changed = True
    if changed and vote.value == number:
        return vote
    if changed:
        vote.value = number
        vote.save(update_fields=["value", "updated_at"])
    _queue_if_stale(conversation, now or timezone.now())
    record_event(
        EventType.OPINION_VOTED,
        actor=actor,
        obj=statement,
        summary={"conversation": conversation.pk, "changed": changed},
        request=request,
    )
    return vote


def is_stale(conversation: Conversation) -> bool:
    """Enough votes changed since the last map (or there is none and someone voted)."""
    snapshot = (
        OpinionMap.objects.filter(conversation=conversation).only("computed_at", "votes").first()
    )
    votes = Vote.objects.filter(conversation=conversation)
    if snapshot is None:
        return votes.exists()
    needed = max(STALE_MIN_CHANGES, int(snapshot.votes * STALE_SHARE))
    changed = votes.filter(updated_at__gt=snapshot.computed_at).values("pk")[:needed].count()
    return bool(changed >= needed)


def _queue_if_stale(conversation: Conversation, now: datetime) -> None:
    if not is_stale(conversation):
        return
    claimed = (
        Conversation.objects.filter(pk=conversation.pk)
        .filter(Q(map_queued_at__isnull=True) | Q(map_queued_at__lt=now - AUTO_INTERVAL))
        .update(map_queued_at=now)
    )
    if claimed:
        from gongzhi.opinions.tasks import compute_opinion_map_task

        pk = conversation.pk
        transaction.on_commit(lambda: compute_opinion_map_task.enqueue(pk))


# --- The map ----------------------------------------------------------------------------------


def map_inputs(conversation: Conversation) -> tuple[list[int], list[int], list[int], list[int]]:
    """The votes on live statements as parallel lists, and the live statements' ids."""
    live = list(
        Statement.objects.filter(
            conversation=conversation, status=StatementStatus.ACCEPTED
        ).values_list("pk", flat=True)
    )
    rows = Vote.objects.filter(
        conversation=conversation, statement__status=StatementStatus.ACCEPTED
    ).values_list("voter_id", "statement_id", "value")
    voters: list[int] = []
    statements: list[int] = []
    values: list[int] = []
    for voter, statement, value in rows.iterator(chunk_size=5000):
        voters.append(voter)
        statements.append(statement)
        values.append(value)
    return voters, statements, values, live


def vote_count(conversation: Conversation) -> int:
    return int(Vote.objects.filter(conversation=conversation).count())


@transaction.atomic
def do_compute_opinion_map(
    conversation: Conversation,
    *,
    actor: User | None,
    request: HttpRequest | None = None,
    params: clustering.Params | None = None,
) -> OpinionMap:
    """重新计算意见地图 — group the participants by their votes (``clustering``) and keep
    the result as the conversation's map, replacing the previous one. The seed is the
    conversation's id, so the same votes always give the same map. Votes cast while it
    computes count as changed since (``computed_at`` is taken before reading them)."""
    conversation = Conversation.objects.get(pk=conversation.pk)
    _require(actor, "opinions.manage_conversation", conversation)
    computed_at = timezone.now()
    started = time.perf_counter()
    voters, statements, values, live = map_inputs(conversation)
    result = clustering.compute_map(
        voters,
        statements,
        values,
        statement_ids=live,
        params=params or clustering.Params(seed=conversation.pk),
    )
    seconds = round(time.perf_counter() - started, 3)
    snapshot, _created = OpinionMap.objects.update_or_create(
        conversation=conversation,
        defaults={
            "region_code": conversation.region_code,
            "computed_at": computed_at,
            "participants": result.participants_counted,
            "votes": result.votes,
            "problem": result.problem or "",
            "data": result.as_dict(),
            "seconds": seconds,
        },
    )
    record_event(
        EventType.OPINION_MAP_COMPUTED,
        actor=actor,
        obj=conversation,
        summary={
            "participants": result.participants_counted,
            "votes": result.votes,
            "groups": result.k,
            "problem": result.problem or "",
            "seconds": seconds,
        },
        request=request,
    )
    return snapshot
