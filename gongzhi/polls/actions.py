"""Writes of polls (R2.3e, R3.1f, R3.1h): draft, open, vote online, mark paper voters,
count booths, close and publish.

Every action runs in one transaction, checks its named permission (``polls.rules``),
validates its input with Chinese messages keyed by field (nothing is written before
validation passes) and records one ledger event as its last write. The event of a vote
names the poll and the channel; for a secret poll it never holds the choice.

A poll linked to a consultation (议事协商) takes votes, online and at a booth, only while
the consultation's current phase opens voting (``Feature.POLL``); the refusal names the
phase (``phase_error``). A poll without a consultation is not affected.

Locking: a vote takes a shared lock on the poll row (PostgreSQL ``FOR SHARE``), so votes
run side by side, while closing takes the exclusive lock (``FOR UPDATE``) and so waits
for the votes in flight and makes every later vote see the poll closed. The unique
constraint ``turnout_one_vote`` settles two votes of one person, online or on paper.
``actor=None`` is the command line.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
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
from gongzhi.core.scoping import contains, within
from gongzhi.ledger.chain import record_event
from gongzhi.ledger.models import EventType
from gongzhi.policy.queries import policy_value
from gongzhi.polls import policies
from gongzhi.polls.enums import Channel, ChoiceKind, PollStatus, ResultsVisibility
from gongzhi.polls.models import (
    BOOTH_NAME_MAX_LENGTH,
    OPTION_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Ballot,
    Booth,
    BoothCount,
    Poll,
    PollOption,
    Turnout,
)
from gongzhi.regions.models import Level, Region
from gongzhi.residents import portal as registry
from gongzhi.residents.enums import ResidenceSituation, ResidentStatus
from gongzhi.residents.models import Resident

MIN_OPTIONS = 2
MAX_OPTIONS = 20
# Polls are run by a community (嘎查村社区) or by a township (苏木乡镇街道) for its communities.
POLL_LEVELS = (Level.COMMUNITY, Level.TOWNSHIP)
EDITABLE = (PollStatus.DRAFT,)


# --- Who may vote ---------------------------------------------------------------------------


def adult_cutoff(poll: Poll, on: date) -> date:
    """Anyone born on or before this day is an adult on ``on`` (``polls.voting_age``)."""
    age = int(policy_value(policies.VOTING_AGE, poll.region_code, on).value)  # type: ignore[arg-type]
    try:
        return on.replace(year=on.year - age)
    except ValueError:  # ``on`` is 29 February and that year has none
        return date(on.year - age, 2, 28)


def electorate(poll: Poll, on: date) -> Any:
    """The registry persons entitled to vote in ``poll`` on ``on``: current records living in
    its region (R3.1h: migrants too, unless the poll excludes them), adults when it says so."""
    queryset = Resident.objects.filter(within(poll.region_code), status=ResidentStatus.ACTIVE)
    queryset = queryset.exclude(residence_situation=ResidenceSituation.LIVING_ELSEWHERE)
    if not poll.include_migrants:
        queryset = queryset.exclude(residence_situation=ResidenceSituation.MIGRANT)
    if poll.adults_only:
        queryset = queryset.filter(birth_date__lte=adult_cutoff(poll, on))
    return queryset


def ineligibility(poll: Poll, record: Resident | None, on: date, *, own: bool = True) -> str | None:
    """Why ``record`` may not vote in ``poll`` on ``on``, in Chinese; None when it may.
    ``own``: the message speaks to the resident (portal), else about them (staff)."""
    if record is None:
        return _("您的账号还没有关联居民档案，不能参加投票。请到所在社区居委会（村委会）登记。")
    if record.status != ResidentStatus.ACTIVE:
        return _("该居民档案已不在册，不能参加投票。")
    if not contains(poll.region_code, record.region_code):
        message = (
            _("本次投票只面向%(region)s的居民，您不在投票范围内。")
            if own
            else _("本次投票只面向%(region)s的居民，该居民不在投票范围内。")
        )
        return message % {"region": poll.region.name}
    if record.residence_situation == ResidenceSituation.LIVING_ELSEWHERE:
        return _("档案登记为“户在人不在”，本次投票只面向在本地居住的居民。")
    if not poll.include_migrants and record.residence_situation == ResidenceSituation.MIGRANT:
        return _("本次投票仅限本地常住居民参加，流动人口不在投票范围内。")
    if poll.adults_only:
        cutoff = adult_cutoff(poll, on)
        if record.birth_date is None or record.birth_date > cutoff:
            age = policy_value(policies.VOTING_AGE, poll.region_code, on).value
            return _("本次投票仅限年满%(age)s周岁的居民参加。") % {"age": age}
    return None


# --- Drafting -------------------------------------------------------------------------------


def _clean_options(labels: Iterable[str] | None, errors: _Errors) -> list[str]:
    cleaned: list[str] = []
    for raw in labels or []:
        label = " ".join(str(raw).split())
        if not label:
            continue
        if len(label) > OPTION_MAX_LENGTH:
            errors.add("options", _("每个选项不能超过 %(n)d 个字") % {"n": OPTION_MAX_LENGTH})
            return []
        if label in cleaned:
            errors.add("options", _("选项“%(label)s”重复了") % {"label": label})
            return []
        cleaned.append(label)
    if not MIN_OPTIONS <= len(cleaned) <= MAX_OPTIONS:
        errors.add(
            "options",
            _("请填写 %(min)d 至 %(max)d 个选项，每行一个")
            % {"min": MIN_OPTIONS, "max": MAX_OPTIONS},
        )
    return cleaned


def _region(value: Region | str | None, errors: _Errors) -> Region | None:
    message = _("请选择有效的嘎查村（社区）或苏木乡镇（街道）")
    if value is None or value == "":
        errors.add("region", message)
        return None
    region = (
        value
        if isinstance(value, Region)
        else Region.objects.filter(region_code=str(value).strip()).first()
    )
    if region is None or region.level not in POLL_LEVELS or not region.is_active:
        errors.add("region", message)
        return None
    return region


@transaction.atomic
def do_save_poll(
    poll: Poll | None = None,
    *,
    region: Region | str | None,
    title: str,
    question: str,
    options: Sequence[str],
    opens_at: datetime | None,
    closes_at: datetime | None,
    choice_kind: str = ChoiceKind.SINGLE,
    max_choices: int | None = None,
    adults_only: bool = True,
    include_migrants: bool = True,
    is_secret: bool = True,
    results_visibility: str = ResultsVisibility.AFTER_CLOSE,
    requires_turnout: bool = False,
    consultation: Consultation | int | str | None = None,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Poll:
    """保存投票草稿 — create a poll or change a draft. The region (a community or a township)
    must lie in the actor's jurisdiction, before and after a change. The options of a draft
    are replaced as a whole, and so is its consultation: one the actor sees, of which the
    region is the leading region or a community taking part (``consultations.linking``).
    Locks the poll row on change."""
    if poll is not None:
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        _require(actor, "polls.manage_poll", poll)
        if poll.status not in EDITABLE:
            raise ValidationError({"status": _("投票已经开始，不能再修改")})
    else:
        _require(actor, "polls.manage_poll", None)
    errors = _Errors()
    region_obj = _region(region, errors)
    title = clean_text(title, "title", errors, label=_("标题"), limit=TITLE_MAX_LENGTH)
    question = clean_text(
        question, "question", errors, label=_("投票事项"), limit=QUESTION_MAX_LENGTH
    )
    labels = _clean_options(options, errors)
    if choice_kind not in ChoiceKind.values:
        errors.add("choice_kind", _("请选择单选或多选"))
    if choice_kind == ChoiceKind.MULTIPLE:
        if max_choices is None or not 2 <= max_choices <= max(len(labels), 2):
            errors.add("max_choices", _("多选时最多可选项数应在 2 至选项总数之间"))
    else:
        max_choices = 1
    if results_visibility not in ResultsVisibility.values:
        errors.add("results_visibility", _("请选择结果显示方式"))
    elif is_secret and results_visibility == ResultsVisibility.LIVE:
        # A count that moves while the turnout list shows who voted when would tell how
        # each late voter voted: a secret ballot shows its result only after the close.
        errors.add(
            "results_visibility",
            _("无记名投票不能实时显示结果：边投边看票数，结合已投票名单就能推知个人的选择"),
        )
    if opens_at is None:
        errors.add("opens_at", _("请填写开始时间"))
    if closes_at is None:
        errors.add("closes_at", _("请填写截止时间"))
    elif opens_at is not None and closes_at <= opens_at:
        errors.add("closes_at", _("截止时间须晚于开始时间"))
    elif closes_at <= timezone.now():
        errors.add("closes_at", _("截止时间须晚于现在"))
    linked = linking.linkable_consultation(
        actor,
        consultation,
        region_code=region_obj.region_code if region_obj is not None else None,
        errors=errors,
    )
    if (
        region_obj is not None
        and actor is not None
        and not actor.has_perm("polls.manage_poll", region_obj)
    ):
        errors.add("region", _("组织单位须在您的辖区内"))
    errors.raise_any()
    assert region_obj is not None and opens_at is not None and closes_at is not None
    created = poll is None
    poll = poll or Poll(created_by=actor)
    poll.region = region_obj
    poll.region_code = region_obj.region_code
    poll.title = title
    poll.question = question
    poll.choice_kind = choice_kind
    poll.max_choices = max_choices or 1
    poll.adults_only = adults_only
    poll.include_migrants = include_migrants
    poll.is_secret = is_secret
    poll.results_visibility = results_visibility
    poll.requires_turnout = requires_turnout
    poll.opens_at = opens_at
    poll.closes_at = closes_at
    poll.consultation = linked
    poll.save()
    poll.options.all().delete()
    PollOption.objects.bulk_create(
        [PollOption(poll=poll, position=n, label=label) for n, label in enumerate(labels, 1)]
    )
    record_event(
        EventType.POLL_SAVED,
        actor=actor,
        obj=poll,
        summary={
            "created": created,
            "options": len(labels),
            "choice_kind": choice_kind,
            "secret": is_secret,
            "results": results_visibility,
            "consultation": linked.pk if linked is not None else None,
        },
        request=request,
    )
    return poll


def _locked(poll: Poll) -> Poll:
    return Poll.objects.select_for_update().select_related("region").get(pk=poll.pk)


@transaction.atomic
def do_open_poll(poll: Poll, *, actor: User | None, request: HttpRequest | None = None) -> Poll:
    """开始投票 — a draft goes live: residents see it and may vote from ``opens_at``."""
    poll = _locked(poll)
    _require(actor, "polls.manage_poll", poll)
    if poll.status != PollStatus.DRAFT:
        raise ValidationError({"status": _("只有草稿状态的投票可以开始")})
    if poll.closes_at <= timezone.now():
        raise ValidationError({"closes_at": _("截止时间已过，请先修改截止时间")})
    if poll.options.count() < MIN_OPTIONS:
        raise ValidationError({"options": _("至少需要两个选项")})
    poll.status = PollStatus.OPEN
    poll.opened_at = timezone.now()
    poll.save(update_fields=["status", "opened_at", "updated_at"])
    record_event(EventType.POLL_OPENED, actor=actor, obj=poll, request=request)
    return poll


def count_ballots(poll: Poll) -> dict[int, int]:
    """Online votes per option id, counted from the ballots (one pass over the poll's ballots)."""
    counts = {pk: 0 for pk in poll.options.values_list("pk", flat=True)}
    for choices in Ballot.objects.filter(poll=poll).values_list("choices", flat=True).iterator():
        for pk in choices:
            counts[int(pk)] = counts.get(int(pk), 0) + 1
    return counts


def _shake_ballot_box(poll: Poll) -> int:
    """Rewrite the poll's ballots in a random order with fresh keys (see ``models``)."""
    ballots = list(Ballot.objects.filter(poll=poll).values_list("choices", flat=True))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    Ballot.objects.filter(poll=poll).delete()
    secrets.SystemRandom().shuffle(ballots)
    Ballot.objects.bulk_create([Ballot(poll=poll, choices=choices) for choices in ballots])
    if connection.vendor == "postgresql":
        transaction.on_commit(_vacuum_ballots)
    return len(ballots)


def _vacuum_ballots() -> None:
    """Reclaim the dead row versions that still hold the old ballot order (PostgreSQL).

    VACUUM cannot run inside a transaction; when the close itself ran inside an outer one
    (a management command's batch), autovacuum reclaims them later."""
    if connection.in_atomic_block:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM polls_ballot")
    except DatabaseError:
        pass  # autovacuum reclaims the rows later; the close has committed either way


@transaction.atomic
def do_close_poll(poll: Poll, *, actor: User | None, request: HttpRequest | None = None) -> Poll:
    """截止投票 — stop voting, count the electorate, tally and shake the ballot box.

    Takes the poll row's exclusive lock, so it waits for the votes in flight (which hold
    the shared lock) and every later vote sees the poll closed."""
    poll = _locked(poll)
    _require(actor, "polls.manage_poll", poll)
    if poll.status != PollStatus.OPEN:
        raise ValidationError({"status": _("只有投票中的投票可以截止")})
    now = timezone.now()
    on = timezone.localdate(min(now, poll.closes_at))
    poll.eligible_count = electorate(poll, on).count()
    ballots = _shake_ballot_box(poll)
    online_voters = Turnout.objects.filter(poll=poll, channel=Channel.ONLINE).count()
    counts = count_ballots(poll)
    options = list(poll.options.all())
    for option in options:
        option.online_votes = counts.get(option.pk, 0)
    PollOption.objects.bulk_update(options, ["online_votes"])
    poll.status = PollStatus.CLOSED
    poll.closed_at = now
    poll.save(update_fields=["status", "closed_at", "eligible_count", "updated_at"])
    record_event(
        EventType.POLL_CLOSED,
        actor=actor,
        obj=poll,
        summary={
            "early": now < poll.closes_at,
            "eligible": poll.eligible_count,
            "online_ballots": ballots,
            "online_voters": online_voters,
        },
        request=request,
    )
    return poll


@transaction.atomic
def do_publish_results(
    poll: Poll, *, actor: User | None, request: HttpRequest | None = None
) -> Poll:
    """公布投票结果 — once every booth's count is in; decides validity by the turnout rule."""
    poll = _locked(poll)
    _require(actor, "polls.manage_poll", poll)
    if poll.status != PollStatus.CLOSED:
        raise ValidationError({"status": _("投票截止后才能公布结果")})
    missing = list(
        poll.booths.filter(results_entered_at__isnull=True).values_list("name", flat=True)
    )
    if missing:
        raise ValidationError(
            {"booths": _("以下投票站还没有录入计票结果：%(names)s") % {"names": "、".join(missing)}}
        )
    voters = Turnout.objects.filter(poll=poll).count()
    if poll.requires_turnout:
        rule = policy_value(policies.VALID_TURNOUT, poll.region_code, timezone.localdate())
        poll.is_valid = rule.value.met(voters, poll.eligible_count or 0)  # type: ignore[union-attr]
    poll.status = PollStatus.PUBLISHED
    poll.published_at = timezone.now()
    poll.save(update_fields=["status", "published_at", "is_valid", "updated_at"])
    record_event(
        EventType.POLL_RESULTS_PUBLISHED,
        actor=actor,
        obj=poll,
        summary={"voters": voters, "eligible": poll.eligible_count, "valid": poll.is_valid},
        request=request,
    )
    return poll


# --- Paper ----------------------------------------------------------------------------------


@transaction.atomic
def do_add_booth(
    poll: Poll, *, name: str, actor: User | None, request: HttpRequest | None = None
) -> Booth:
    """设立投票站 — a paper polling station, before or during the poll."""
    poll = _locked(poll)
    _require(actor, "polls.record_paper", poll)
    if poll.status not in (PollStatus.DRAFT, PollStatus.OPEN):
        raise ValidationError({"name": _("投票已截止，不能再设立投票站")})
    errors = _Errors()
    name = clean_text(name, "name", errors, label=_("投票站名称"), limit=BOOTH_NAME_MAX_LENGTH)
    if name and poll.booths.filter(name=name).exists():
        errors.add("name", _("已有同名的投票站"))
    errors.raise_any()
    booth = Booth.objects.create(poll=poll, name=name)
    record_event(
        EventType.POLL_BOOTH_SAVED,
        actor=actor,
        obj=poll,
        summary={"booth": booth.pk},
        request=request,
    )
    return booth


def _voted_message(existing: Turnout | None, *, own: bool) -> str:
    booth = existing.booth.name if existing is not None and existing.booth is not None else ""
    if own:
        if existing is not None and existing.channel == Channel.PAPER:
            return _("您已在投票站“%(booth)s”领取纸质选票，不能再网上投票") % {"booth": booth}
        return _("您已经投过票了，每人只能投一次")
    if existing is not None and existing.channel == Channel.ONLINE:
        return _("该居民已在网上投票，不能再领取纸质选票")
    return _("该居民已在投票站“%(booth)s”领取纸质选票") % {"booth": booth}


def _insert_turnout(turnout: Turnout, field: str, *, own: bool) -> None:
    """Insert the turnout row; the unique constraint refuses a second vote of the person."""
    try:
        with transaction.atomic():
            turnout.save(force_insert=True)
    except IntegrityError:
        existing = (
            Turnout.objects.filter(poll_id=turnout.poll_id, resident_id=turnout.resident_id)
            .select_related("booth")
            .first()
        )
        raise ValidationError({field: _voted_message(existing, own=own)}) from None


@transaction.atomic
def do_mark_paper_voter(
    booth: Booth,
    resident: Resident,
    *,
    actor: User | None,
    request: HttpRequest | None = None,
) -> Turnout:
    """登记纸质投票人 — the person received a paper ballot at ``booth``; from now on they
    cannot vote online. Allowed while the poll is open, and after the close until the
    booth's count is entered (for ballots handed out just before the close)."""
    poll = Poll.objects.select_related("region").get(pk=booth.poll_id)
    _lock_shared(poll)
    poll.refresh_from_db()
    _require(actor, "polls.record_paper", poll)
    booth = Booth.objects.select_for_update().get(pk=booth.pk)
    if poll.status not in (PollStatus.OPEN, PollStatus.CLOSED) or booth.has_results:
        raise ValidationError({"resident": _("投票站已计票或投票未开始，不能再登记领票")})
    # While the poll is open a booth hands out ballots only when the consultation's phase
    # opens voting; after the close it records the ballots handed out before.
    refused = phase_error(poll) if poll.status == PollStatus.OPEN else None
    if refused is not None:
        raise ValidationError({"resident": refused})
    record = Resident.objects.filter(pk=resident.pk).first()
    on = timezone.localdate(min(timezone.now(), poll.closes_at))
    reason = ineligibility(poll, record, on, own=False)
    if reason is not None:
        raise ValidationError({"resident": reason})
    assert record is not None
    turnout = Turnout(
        poll=poll, resident=record, channel=Channel.PAPER, booth=booth, recorded_by=actor
    )
    _insert_turnout(turnout, "resident", own=False)
    record_event(
        EventType.POLL_PAPER_VOTER_MARKED,
        actor=actor,
        obj=poll,
        summary={"booth": booth.pk, "resident": record.pk},
        request=request,
    )
    return turnout


@transaction.atomic
def do_unmark_paper_voter(
    turnout: Turnout, *, actor: User | None, request: HttpRequest | None = None
) -> None:
    """撤销纸质投票登记 — a person marked by mistake, before the booth's count is entered."""
    turnout = Turnout.objects.select_for_update().select_related("poll", "booth").get(pk=turnout.pk)
    poll = turnout.poll
    _require(actor, "polls.record_paper", poll)
    if turnout.channel != Channel.PAPER or turnout.booth is None or turnout.booth.has_results:
        raise ValidationError({"resident": _("只能撤销尚未计票的投票站的纸质投票登记")})
    summary = {"booth": turnout.booth_id, "resident": turnout.resident_id}
    turnout.delete()
    record_event(
        EventType.POLL_PAPER_VOTER_UNMARKED, actor=actor, obj=poll, summary=summary, request=request
    )


def _count(value: Any, field: str, label: str, errors: _Errors) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.add(field, _("%(label)s须为整数") % {"label": label})
        return 0
    if number < 0:
        errors.add(field, _("%(label)s不能为负数") % {"label": label})
        return 0
    return number


@transaction.atomic
def do_enter_booth_results(
    booth: Booth,
    *,
    ballots_issued: Any,
    ballots_cast: Any,
    invalid_ballots: Any,
    counts: Mapping[int, Any],
    actor: User | None,
    request: HttpRequest | None = None,
) -> Booth:
    """录入投票站计票 — the booth's count after the close; entering again corrects it until
    the results are published. ``counts`` maps option id to votes."""
    booth = Booth.objects.select_for_update().select_related("poll").get(pk=booth.pk)
    poll = booth.poll
    _require(actor, "polls.record_paper", poll)
    if poll.status != PollStatus.CLOSED:
        raise ValidationError({"ballots_cast": _("投票截止后、公布结果前才能录入计票")})
    errors = _Errors()
    issued = _count(ballots_issued, "ballots_issued", _("发出选票数"), errors)
    cast = _count(ballots_cast, "ballots_cast", _("收回选票数"), errors)
    invalid = _count(invalid_ballots, "invalid_ballots", _("无效票数"), errors)
    options = list(poll.options.all())
    votes: dict[int, int] = {}
    for option in options:
        votes[option.pk] = _count(
            counts.get(option.pk),
            f"option_{option.pk}",
            _("“%(label)s”的得票") % {"label": option.label},
            errors,
        )
    marked = booth.voters.count()
    if not errors.errors:
        valid = cast - invalid
        total = sum(votes.values())
        if issued != marked:
            errors.add(
                "ballots_issued",
                _("发出选票数（%(issued)d）应等于本站登记领票的人数（%(marked)d）")
                % {"issued": issued, "marked": marked},
            )
        if cast > issued:
            errors.add("ballots_cast", _("收回选票数不能多于发出选票数"))
        if invalid > cast:
            errors.add("invalid_ballots", _("无效票数不能多于收回选票数"))
        elif poll.is_multiple and not valid <= total <= valid * poll.max_choices:
            errors.add(
                "ballots_cast",
                _("各选项得票之和（%(total)d）应在有效票数（%(valid)d）与其 %(max)d 倍之间")
                % {"total": total, "valid": valid, "max": poll.max_choices},
            )
        elif not poll.is_multiple and total != valid:
            errors.add(
                "ballots_cast",
                _("各选项得票之和（%(total)d）应等于有效票数（%(valid)d）")
                % {"total": total, "valid": valid},
            )
    errors.raise_any()
    booth.ballots_issued, booth.ballots_cast, booth.invalid_ballots = issued, cast, invalid
    booth.results_entered_at = timezone.now()
    booth.results_entered_by = actor
    booth.save()
    booth.counts.all().delete()
    BoothCount.objects.bulk_create(
        [BoothCount(booth=booth, option=option, votes=votes[option.pk]) for option in options]
    )
    record_event(
        EventType.POLL_BOOTH_COUNTED,
        actor=actor,
        obj=poll,
        summary={"booth": booth.pk, "issued": issued, "cast": cast, "invalid": invalid},
        request=request,
    )
    return booth


# --- Voting online --------------------------------------------------------------------------


def _lock_shared(poll: Poll) -> None:
    """Share the poll row's lock with other votes; closing waits for it (PostgreSQL).

    SQLite serialises every write transaction, which gives the same order."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM polls_poll WHERE id = %s FOR SHARE", [poll.pk])


def phase_error(poll: Poll) -> str | None:
    """Why the poll's consultation does not let residents vote now — its current phase
    does not open voting (``Feature.POLL``) — naming the phase; None for a poll without a
    consultation or while the phase opens voting."""
    if poll.consultation_id is None:
        return None
    return linking.phase_refusal(poll.consultation, Feature.POLL)


def voting_window_error(poll: Poll, now: datetime | None = None) -> str | None:
    """Why nobody can vote in ``poll`` now, in Chinese; None while voting is open: the
    poll's own times and status, then its consultation's phase (``phase_error``)."""
    now = now or timezone.now()
    if poll.status == PollStatus.DRAFT:
        return _("投票尚未发布")
    if poll.status != PollStatus.OPEN or now >= poll.closes_at:
        return _("投票已经截止")
    if now < poll.opens_at:
        return _("投票还没有开始")
    return phase_error(poll)


def _clean_choices(poll: Poll, choices: Iterable[Any] | None, errors: _Errors) -> list[int]:
    known = set(poll.options.values_list("pk", flat=True))
    chosen: set[int] = set()
    for raw in choices or []:
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            errors.add("choices", _("所选选项无效"))
            return []
        if pk not in known:
            errors.add("choices", _("所选选项不属于本次投票"))
            return []
        chosen.add(pk)
    if not chosen:
        errors.add("choices", _("请选择一个选项") if not poll.is_multiple else _("请至少选择一项"))
    elif len(chosen) > poll.max_choices:
        errors.add(
            "choices",
            _("本次投票只能选一项")
            if not poll.is_multiple
            else _("最多只能选 %(n)d 项") % {"n": poll.max_choices},
        )
    return sorted(chosen)


@transaction.atomic
def do_cast_vote(
    poll: Poll,
    *,
    choices: Iterable[Any] | None,
    actor: User,
    request: HttpRequest | None = None,
) -> Turnout:
    """网上投票 — the resident's own vote, once, through their registry record.

    Writes the turnout row (who) and, separately, the ballot (what); for an open ballot
    the turnout row also holds the choice. Takes the poll row's shared lock; a second vote
    of the same person, on any channel, fails on the unique constraint."""
    _require(actor, "polls.vote", poll)
    _lock_shared(poll)
    poll = Poll.objects.select_related("region", "consultation").get(pk=poll.pk)
    closed = voting_window_error(poll)
    if closed is not None:
        raise ValidationError({"poll": closed})
    record = registry.own_record(actor)
    reason = ineligibility(poll, record, timezone.localdate())
    if reason is not None:
        raise ValidationError({"poll": reason})
    assert record is not None
    errors = _Errors()
    chosen = _clean_choices(poll, choices, errors)
    errors.raise_any()
    turnout = Turnout(
        poll=poll,
        resident=record,
        channel=Channel.ONLINE,
        recorded_by=actor,
        open_choices=[] if poll.is_secret else chosen,
    )
    _insert_turnout(turnout, "poll", own=True)
    Ballot.objects.create(poll=poll, choices=chosen)
    summary: dict[str, Any] = {"channel": Channel.ONLINE}
    if not poll.is_secret:
        summary["choices"] = chosen
    record_event(EventType.POLL_VOTE_CAST, actor=actor, obj=poll, summary=summary, request=request)
    return turnout
