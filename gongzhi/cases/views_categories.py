"""事项管理 — the catalogue of services and event classes, for county and league staff
(``cases.manage_categories``). Writes go through ``actions_categories``."""

from __future__ import annotations

import json
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.cases import actions_categories
from gongzhi.cases.enums import CaseKind
from gongzhi.cases.forms import CategoryForm, add_action_errors
from gongzhi.cases.models import Category
from gongzhi.cases.views import crumbs, require_perm
from gongzhi.console.decorators import staff_required

PERM = "cases.manage_categories"


def _crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    return crumbs((_("事项管理"), reverse("cases:category_list") if items else ""), *items)


@staff_required
def category_list(request: HttpRequest) -> HttpResponse:
    """Every category, active or not, grouped by kind and group (a few hundred rows at
    most: league-wide configuration, not data that grows with the population)."""
    require_perm(request, PERM)
    categories = Category.objects.order_by("kind", "group", "order", "code")
    kinds = []
    for kind, in_kind in groupby(categories, key=lambda c: c.kind):
        groups = [
            {"name": group or _("其他"), "categories": list(items)}
            for group, items in groupby(in_kind, key=lambda c: c.group)
        ]
        kinds.append({"label": CaseKind(kind).label, "groups": groups})
    return render(
        request,
        "cases/category_list.html",
        {"kinds": kinds, "breadcrumb": _crumbs()},
    )


def _initial(category: Category) -> dict[str, Any]:
    initial = {name: getattr(category, name) for name in actions_categories.FIELDS}
    initial["code"] = category.code
    initial["required_documents"] = "\n".join(category.required_documents or [])
    initial["attributes"] = (
        json.dumps(category.attributes, ensure_ascii=False, indent=2) if category.attributes else ""
    )
    return initial


def _save(request: HttpRequest, category: Category | None) -> HttpResponse:
    require_perm(request, PERM)
    initial = _initial(category if category is not None else Category())
    if category is None:
        initial["code"] = ""
    form = CategoryForm(request.POST or None, initial=initial)
    if category is not None:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in actions_categories.FIELDS}
        # An emptied number field means "missing": the action says so in Chinese.
        for name, value in values.items():
            if value is None:
                values[name] = ""
        try:
            saved = actions_categories.do_save_category(
                category,
                code=form.cleaned_data["code"] or "",
                actor=request.user,  # type: ignore[arg-type]
                request=request,
                **values,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("事项“%(name)s”已保存") % {"name": saved.name})
            return redirect("cases:category_list")
    title = _("新增事项") if category is None else _("修改事项：%(name)s") % {"name": category.name}
    return render(
        request,
        "cases/category_form.html",
        {
            "form": form,
            "title": title,
            "category": category,
            "breadcrumb": _crumbs((title, "")),
        },
    )


@staff_required
def category_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@staff_required
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, PERM)
    return _save(request, get_object_or_404(Category, pk=pk))


@require_POST
@staff_required
def category_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, PERM)
    category = get_object_or_404(Category, pk=pk)
    try:
        actions_categories.do_deactivate_category(
            category,
            actor=request.user,  # type: ignore[arg-type]
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("事项“%(name)s”已停用") % {"name": category.name})
    return redirect("cases:category_list")
