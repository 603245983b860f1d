"""办件统计 — the managers' indicators per region, with drill-down to the cases.

Read-only (DESIGN: dashboards only read): every figure comes from
``cases.queries.indicators`` and every list from ``cases.queries.indicator_cases``, which
use the same conditions, so a list holds exactly the cases behind its number. A page
costs a constant number of queries whatever the number of regions or cases: the grouped
indicators, the totals, and the names of the places shown.

The breakdown is one level below the region shown: the league by county, a county by
township, a township by community, a community by the unit that answers for its cases
now (the committee itself, or the street or county after escalation). A region outside
the jurisdiction is 404 (DESIGN rule 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.cases import queries
from gongzhi.console.decorators import staff_required
from gongzhi.core.scoping import scope_of, within
from gongzhi.dashboards.forms import Period, PeriodForm
from gongzhi.regions.models import CODE_LENGTH, Level, Region

# The grouping of ``indicators`` one level below a region, by the length of its code.
GROUPING = {4: "county", 6: "township", 9: "community"}
CHILD_LEVEL = {"county": Level.COUNTY, "township": Level.TOWNSHIP, "community": Level.COMMUNITY}
GROUP_HEADINGS = {
    "county": gettext_lazy("旗县市"),
    "township": gettext_lazy("苏木乡镇街道"),
    "community": gettext_lazy("嘎查村社区"),
    "unit": gettext_lazy("责任单位"),
}
# What each count of ``indicators`` is, as the drill-down list is titled.
COUNT_LABELS = {
    "submitted": gettext_lazy("收件"),
    "decided": gettext_lazy("已作受理决定"),
    "filed": gettext_lazy("已立案（受理）"),
    "closed": gettext_lazy("已结案"),
    "closed_on_time": gettext_lazy("按期结案"),
    "reworked": gettext_lazy("返工后结案"),
    "overdue_now": gettext_lazy("当前超期"),
    "rated": gettext_lazy("已评价"),
    "satisfied": gettext_lazy("评价满意"),
}


def _require_indicators(request: HttpRequest) -> None:
    if not request.user.has_perm("cases.view_indicators"):
        raise PermissionDenied(_("您没有查看办件统计的权限"))


def _grouping(code: str) -> str:
    return GROUPING.get(len(code), "unit")


def _region_param(request: HttpRequest, name: str = "region") -> str | None:
    """A region code from the query string, or ``None``; anything but digits is 404."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > max(CODE_LENGTH.values()):
        raise Http404
    return raw


def _ancestors(scope: str, code: str) -> list[str]:
    """The division codes from the jurisdiction down to ``code``, both included."""
    return [code[:n] for n in sorted(CODE_LENGTH.values()) if len(scope) <= n <= len(code)]


@dataclass
class Row:
    """One line of the table: a place (or a unit) and its figures."""

    code: str
    name: str
    figures: dict[str, Any]
    drill: str
    url: str = ""
    is_total: bool = False


def _drill(period: Period, region: str, unit: str | None = None) -> str:
    params = {**period.query(), "region": region}
    if unit is not None:
        params["unit"] = unit
    return f"{reverse('dashboards:cases')}?{urlencode(params)}"


def _page_url(period: Period, period_key: str, region: str, scope: str) -> str:
    params: dict[str, str] = {"period": period_key}
    if period_key == "custom":
        params.update(period.query())
    if region != scope:
        params["region"] = region
    return f"{reverse('dashboards:indicators')}?{urlencode(params)}"


def _empty_figures() -> dict[str, Any]:
    figures: dict[str, Any] = dict.fromkeys(queries.INDICATOR_FILTERS, 0)
    figures["avg_handling_hours"] = None
    return figures


@staff_required
def indicators(request: HttpRequest) -> HttpResponse:
    """办件统计: the period form, the totals and the breakdown one level down."""
    _require_indicators(request)
    user: Any = request.user
    scope = scope_of(user)
    region = _region_param(request) or scope
    form = PeriodForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "region_code": region, "scope": scope}
    if request.GET and not form.is_valid():
        context.update(_names(scope, region, []))
        context["breadcrumb"] = _crumbs(context, None, "", scope)
        return render(request, "dashboards/indicators.html", context)
    if not request.GET:
        form = PeriodForm({})
        form.is_valid()
        context["form"] = form
    period = form.chosen()
    period_key = form.cleaned_data["period"]
    grouping = _grouping(region)
    try:
        grouped = cast(
            list[dict[str, Any]],
            queries.indicators(
                user, since=period.since, until=period.until, region_code=region, by=grouping
            ),
        )
        total = cast(
            dict[str, Any],
            queries.indicators(user, since=period.since, until=period.until, region_code=region),
        )
    except PermissionDenied:
        raise Http404 from None
    by_code = {row["code"]: row for row in grouped}
    context.update(_names(scope, region, list(by_code), child_level=CHILD_LEVEL.get(grouping)))
    names: dict[str, str] = context["names"]
    codes = context["children"] if grouping != "unit" else []
    codes = codes + sorted(code for code in by_code if code not in codes)
    rows = []
    for code in codes:
        figures = by_code.get(code) or _empty_figures()
        if grouping == "unit":
            drill = _drill(period, region, unit=code)
            url = ""
        else:
            drill = _drill(period, code)
            url = _page_url(period, period_key, code, scope)
        rows.append(
            Row(code=code, name=names.get(code, code), figures=figures, drill=drill, url=url)
        )
    context.update(
        {
            "period": period,
            "period_key": period_key,
            "grouping": grouping,
            "group_heading": GROUP_HEADINGS[grouping],
            "rows": rows,
            "total": Row(
                code=region,
                name=_("合计"),
                figures=total,
                drill=_drill(period, region),
                is_total=True,
            ),
            "breadcrumb": _crumbs(context, period, period_key, scope),
        }
    )
    return render(request, "dashboards/indicators.html", context)


def _names(
    scope: str, region: str, codes: list[str], *, child_level: int | None = None
) -> dict[str, Any]:
    """Names of the region shown, the divisions above it up to the jurisdiction, the
    places or units of the rows, and the active divisions one level below: one query.

    Names of divisions are public (the statistical division list); the codes asked for
    come from the jurisdiction and from the scoped figures.
    """
    wanted = set(_ancestors(scope, region)) | set(codes)
    condition = Q(region_code__in=wanted)
    if child_level is not None:
        condition |= within(region, "region_code") & Q(level=child_level, is_active=True)
    places = list(
        Region.objects.filter(condition)
        .only("region_code", "name", "level", "is_active")
        .order_by("code")
    )
    children = [
        p.region_code
        for p in places
        if child_level is not None
        and p.level == child_level
        and p.region_code.startswith(region)
        and (p.region_code in codes or p.is_active)
    ]
    return {
        "names": {p.region_code: p.name for p in places},
        "children": children,
        "region_name": next((p.name for p in places if p.region_code == region), region),
    }


def _crumbs(context: dict[str, Any], period: Period | None, key: str, scope: str) -> list[Any]:
    region = context["region_code"]
    names = context["names"]
    crumbs = [{"label": _("办件统计"), "url": reverse("dashboards:indicators")}]
    for code in _ancestors(scope, region):
        url = _page_url(period, key, code, scope) if period is not None else ""
        crumbs.append({"label": names.get(code, code), "url": url})
    return crumbs


@staff_required
def indicator_cases(request: HttpRequest) -> HttpResponse:
    """The cases behind one number of the indicators page, newest first, by keyset pages."""
    _require_indicators(request)
    user: Any = request.user
    scope = scope_of(user)
    count = request.GET.get("count", "")
    if count not in queries.INDICATOR_FILTERS:
        raise Http404
    region = _region_param(request) or scope
    unit = _region_param(request, "unit")
    form = PeriodForm(request.GET)
    context: dict[str, Any] = {
        "form": form,
        "count": count,
        "count_label": COUNT_LABELS[count],
        "region_code": region,
    }
    context.update(_names(scope, region, [unit] if unit else []))
    if not form.is_valid():
        context["breadcrumb"] = _crumbs(context, None, "", scope)
        return render(request, "dashboards/case_list.html", context, status=400)
    period = form.chosen()
    raw_after = request.GET.get("after", "").strip()
    after = int(raw_after) if raw_after.isdigit() else None
    size = queries.PAGE_SIZE
    try:
        cases = list(
            queries.indicator_cases(
                user,
                count,
                since=period.since,
                until=period.until,
                region_code=region,
                unit_code=unit,
                after=after,
                limit=size + 1,
            )
        )
    except PermissionDenied:
        raise Http404 from None
    has_next = len(cases) > size
    cases = cases[:size]
    base = {**period.query(), "count": count, "region": region}
    if unit:
        base["unit"] = unit
    crumbs = _crumbs(context, period, "custom", scope)
    crumbs.append({"label": str(COUNT_LABELS[count]), "url": ""})
    context.update(
        {
            "period": period,
            "unit_name": context["names"].get(unit, unit) if unit else "",
            "cases": cases,
            "first_url": f"?{urlencode(base)}" if after is not None else "",
            "next_url": f"?{urlencode({**base, 'after': cases[-1].pk})}"
            if has_next and cases
            else "",
            "back_url": _page_url(period, "custom", region, scope),
            "breadcrumb": crumbs,
        }
    )
    return render(request, "dashboards/case_list.html", context)
