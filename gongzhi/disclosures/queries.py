"""Reads of 居务公开, scoped (DESIGN rule 2).

- Staff read the disclosures of their jurisdiction, in any state (``disclosures_for``,
  ``access_disclosure``); anything outside it is 404.
- Supervision committee members read what is submitted in their communities
  (``awaiting_review``, ``access_for_review``), whatever their role.
- Everyone reads **published** disclosures of any community (``public_*``): a draft,
  a submitted or a signed-off disclosure does not exist for the public (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from gongzhi.core.scoping import access, scope_of, within
from gongzhi.disclosures import supervision
from gongzhi.disclosures.actions import totals
from gongzhi.disclosures.enums import Category, Status
from gongzhi.disclosures.models import Disclosure, FinanceLine, Question, yuan
from gongzhi.regions.models import Level, Region

PAGE_SIZE = 20
PUBLIC_PAGE_SIZE = 30


def disclosures_for(user: Any) -> QuerySet[Disclosure]:
    return (
        Disclosure.objects.filter(within(scope_of(user)))
        .select_related("community")
        .order_by("-id")
    )


def access_disclosure(user: Any, pk: Any) -> Disclosure:
    return access(Disclosure.objects.select_related("community", "supersedes"), user, pk=pk)


def access_question(user: Any, pk: Any) -> Question:
    return access(Question.objects.select_related("disclosure"), user, pk=pk)


def questions_for(user: Any, *, unanswered: bool = False) -> QuerySet[Question]:
    rows = Question.objects.for_user(user).select_related("disclosure").order_by("-asked_at", "-id")
    return rows.filter(answered_at__isnull=True) if unanswered else rows


def awaiting_review(user: Any) -> QuerySet[Disclosure]:
    """Submitted disclosures of the communities whose supervision committee the user is on."""
    codes = supervision.supervised_communities(user)
    return (
        Disclosure.objects.filter(region_code__in=codes, status=Status.SUBMITTED)
        .select_related("community")
        .order_by("submitted_at", "id")
    )


def access_for_review(user: Any, pk: Any) -> Disclosure:
    codes = supervision.supervised_communities(user)
    found = (
        Disclosure.objects.filter(region_code__in=codes, pk=pk)
        .exclude(status=Status.PUBLISHED)
        .select_related("community")
        .first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise Http404
    return found


# --- Public reads ----------------------------------------------------------------------------


def public_community(code: str) -> Region:
    if not code.isdigit():
        raise Http404
    return get_object_or_404(
        Region.objects.only("region_code", "name", "level", "parent_id"),
        region_code=code,
        level=Level.COMMUNITY,
        is_active=True,
    )


def public_list(community: Region, *, category: str = "") -> QuerySet[Disclosure]:
    rows = Disclosure.objects.filter(region_code=community.region_code, status=Status.PUBLISHED)
    if category:
        rows = rows.filter(category=category)
    return rows.only(
        "id",
        "category",
        "period_start",
        "period_end",
        "title",
        "version",
        "supersedes_id",
        "published_at",
        "is_major",
        "region_code",
    ).order_by("-period_end", "-published_at", "-id")


def public_disclosure(code: str, pk: Any) -> Disclosure:
    if not str(pk).isdigit():
        raise Http404
    return get_object_or_404(
        Disclosure.objects.select_related("community", "supersedes").prefetch_related(
            Prefetch("lines", queryset=FinanceLine.objects.order_by("position")),
            "sign_offs",
            Prefetch(
                "questions",
                queryset=Question.objects.only(
                    "id",
                    "disclosure_id",
                    "asker_display",
                    "text",
                    "asked_at",
                    "answer",
                    "answered_at",
                ).order_by("asked_at", "id"),
            ),
        ),
        pk=pk,
        region_code=code,
        status=Status.PUBLISHED,
    )


def published_correction(disclosure: Disclosure) -> Disclosure | None:
    """The published version that corrects ``disclosure``, if any."""
    return (
        Disclosure.objects.filter(supersedes=disclosure, status=Status.PUBLISHED)
        .only("id", "version", "published_at", "correction_note", "region_code")
        .first()
    )


def corrected_ids(ids: list[int]) -> set[int]:
    """Which of the disclosures ``ids`` have a published correction (one query)."""
    return set(
        Disclosure.objects.filter(supersedes_id__in=ids, status=Status.PUBLISHED).values_list(
            "supersedes_id", flat=True
        )
    )


@dataclass(frozen=True)
class FinanceSummary:
    income_fen: int
    spending_fen: int

    @property
    def balance_fen(self) -> int:
        return self.income_fen - self.spending_fen

    @property
    def income(self) -> str:
        return yuan(self.income_fen)

    @property
    def spending(self) -> str:
        return yuan(self.spending_fen)

    @property
    def balance(self) -> str:
        return yuan(self.balance_fen)


def finance_summary(disclosure: Disclosure) -> FinanceSummary | None:
    if disclosure.category != Category.FINANCES:
        return None
    income, spending = totals(disclosure.lines.all())
    return FinanceSummary(income, spending)
