"""HTML forms for grids, compounds and buildings. They parse input; the actions decide."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Role, User
from gongzhi.regions.geo import parse_boundary
from gongzhi.regions.models import Compound, Grid, Level, ManagementMode, Region


def add_action_errors(form: forms.Form, error: ValidationError) -> None:
    """Show an action's field errors beside the form's fields (others at the top)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def grid_workers_of(community: Region) -> Any:
    return (
        User.objects.within(community.region_code)
        .filter(is_active=True, role_grants__role=Role.GRID_WORKER)
        .distinct()
        .order_by("username")
    )


class PlaceForm(forms.Form):
    """Labels without Django's colon: the layout puts each label above its field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class GridForm(PlaceForm):
    name = forms.CharField(label=_("网格名称"), max_length=100)
    code = forms.CharField(
        label=_("网格编码"),
        max_length=15,
        required=False,
        help_text=_("3 位数字；留空则自动分配下一个编码"),
    )
    boundary = forms.CharField(
        label=_("边界（GeoJSON）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "code-input"}),
        help_text=_(
            "WGS84 经纬度的 GeoJSON Polygon 或 MultiPolygon，例如 "
            '{"type": "Polygon", "coordinates": [[[122.05, 46.08], [122.06, 46.08], '
            "[122.06, 46.09], [122.05, 46.09], [122.05, 46.08]]]}"
        ),
    )
    head = forms.ModelChoiceField(
        label=_("网格长"), queryset=User.objects.none(), required=False, empty_label=_("（暂无）")
    )
    workers = forms.ModelMultipleChoiceField(
        label=_("网格员"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, community: Region, grid: Grid | None = None, **kwargs: Any
    ) -> None:
        if grid is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": grid.name,
                    "boundary": json.dumps(grid.boundary, ensure_ascii=False)
                    if grid.boundary
                    else "",
                    "head": grid.head_id,
                    "workers": list(grid.workers.all()),
                },
            )
        super().__init__(*args, **kwargs)
        workers = grid_workers_of(community)
        self.fields["head"].queryset = workers  # type: ignore[attr-defined]
        self.fields["workers"].queryset = workers  # type: ignore[attr-defined]
        if grid is not None:
            del self.fields["code"]

    def clean_boundary(self) -> dict[str, Any] | None:
        text = self.cleaned_data["boundary"].strip()
        if not text:
            return None
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                gettext("边界不是有效的 JSON：第 %(line)d 行第 %(col)d 列附近有误")
                % {"line": exc.lineno, "col": exc.colno}
            ) from exc
        try:
            parse_boundary(value)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["boundary"]) from exc
        return value if isinstance(value, dict) else None


class CompoundForm(PlaceForm):
    name = forms.CharField(label=_("小区名称"), max_length=100)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    total_units = forms.IntegerField(label=_("总户数"), min_value=0)
    occupied_units = forms.IntegerField(label=_("入住户数"), min_value=0)
    management_mode = forms.ChoiceField(
        label=_("管理方式"),
        choices=ManagementMode.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "入住率达到 50% 的新建小区应成立居委会；此前由居民小组或相邻居委会代管（R2.3b）"
        ),
    )
    committee_region = forms.ModelChoiceField(
        label=_("管理或代管的居委会"), queryset=Region.objects.none()
    )
    lon = forms.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90)

    def __init__(
        self, *args: Any, grid: Grid, compound: Compound | None = None, **kwargs: Any
    ) -> None:
        community = grid.community
        if compound is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": compound.name,
                    "address": compound.address,
                    "total_units": compound.total_units,
                    "occupied_units": compound.occupied_units,
                    "management_mode": compound.management_mode,
                    "committee_region": compound.committee_region_id,
                    "lon": compound.lon,
                    "lat": compound.lat,
                },
            )
        else:
            kwargs.setdefault(
                "initial",
                {"management_mode": ManagementMode.OWN_COMMITTEE, "committee_region": community.pk},
            )
        super().__init__(*args, **kwargs)
        # The grid's own community and its neighbours in the same township.
        self.fields["committee_region"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
            parent_id=community.parent_id, level=Level.COMMUNITY, is_active=True
        ).order_by("code")


class BuildingForm(PlaceForm):
    name = forms.CharField(label=_("楼栋名称"), max_length=50)
    floors = forms.IntegerField(label=_("层数"), required=False, min_value=1, max_value=200)
    units = forms.IntegerField(label=_("户数"), min_value=0, initial=0)
