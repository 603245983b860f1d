"""Public disclosure pages under /gongkai/ (居务公开, R2.3f), readable without logging in.

Small, fast and cacheable by design: rendered without the request context (no session,
no CSRF token, no per-user content), one stylesheet of a few kilobytes and no script.
Every response to an anonymous visitor carries ``Cache-Control: public`` (``private`` when
the request carries a session cookie) and a weak ETag derived from what the page shows
(the published rows, the corrections, the answered questions) and its language, so a browser
or a proxy revalidates with ``If-None-Match`` and gets 304 without the page being
rendered. Only published disclosures exist here: anything else is 404.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from gongzhi.disclosures import queries, schedule
from gongzhi.disclosures.enums import Category, Status
from gongzhi.disclosures.models import Disclosure, Question

MAX_AGE = 60  # seconds a cache may serve a page before revalidating


def _etag(*parts: Any) -> str:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:20]
    return f'W/"{digest}"'


def _respond(request: HttpRequest, etag: str, render: Any) -> HttpResponse:
    # The same rows in Chinese and in English are two pages: the language is in the tag.
    etag = _etag(etag, get_language())
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(render(), content_type="text/html; charset=utf-8")
    response["ETag"] = etag
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        # A logged-in visitor's response may carry the session's refreshed cookie: only
        # their own browser may keep it. Anonymous visitors get the shared-cache header.
        patch_cache_control(response, private=True, max_age=MAX_AGE)
    else:
        patch_cache_control(response, public=True, max_age=MAX_AGE)
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


@require_safe
def community(request: HttpRequest, code: str) -> HttpResponse:
    """/gongkai/<社区代码>/ — the community's published disclosures by category and period."""
    region = queries.public_community(code)
    category = request.GET.get("category", "")
    if category not in Category.values:
        category = ""
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    rows = queries.public_list(region, category=category)
    state = Disclosure.objects.filter(
        region_code=region.region_code, status=Status.PUBLISHED
    ).aggregate(n=Count("id"), last=Max("published_at"))
    etag = _etag("list", region.region_code, category, page_number, state["n"], state["last"])

    def render() -> str:
        size = queries.PUBLIC_PAGE_SIZE
        start = (page_number - 1) * size
        items = list(rows[start : start + size + 1])
        has_next = len(items) > size
        items = items[:size]
        corrected = queries.corrected_ids([d.pk for d in items])
        rules = schedule.schedule_rules(region.region_code)
        return render_to_string(
            "disclosures/public_list.html",
            {
                "region": region,
                "township": region.parent,
                "items": items,
                "corrected": corrected,
                "category": category,
                "categories": Category.choices,
                "page_number": page_number,
                "has_next": has_next,
                "rules": rules,
            },
        )

    return _respond(request, etag, render)


@require_safe
def disclosure(request: HttpRequest, code: str, pk: str) -> HttpResponse:
    """/gongkai/<社区代码>/<编号>/ — one published disclosure, its corrections and Q&A."""
    item = queries.public_disclosure(code, pk)
    correction = queries.published_correction(item)
    answered = Question.objects.filter(disclosure=item).aggregate(
        n=Count("id"), last=Max("answered_at")
    )
    etag = _etag(
        "item", item.pk, correction.pk if correction else 0, answered["n"], answered["last"]
    )

    def render() -> str:
        lines = list(item.lines.all())
        return render_to_string(
            "disclosures/public_detail.html",
            {
                "region": item.community,
                "item": item,
                "lines": lines,
                "summary": queries.finance_summary(item),
                "sign_offs": list(item.sign_offs.all()),
                "correction": correction,
                "questions": [q for q in item.questions.all() if q.is_answered],
                "pending_questions": sum(1 for q in item.questions.all() if not q.is_answered),
            },
        )

    return _respond(request, etag, render)
