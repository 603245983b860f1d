"""HTML forms of outreach. They collect and parse input; the actions validate it, and
their Chinese field errors are put back beside the inputs (``add_action_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.enums import CaseKind
from gongzhi.cases.forms import ConsoleForm, add_action_errors
from gongzhi.cases.queries import active_categories
from gongzhi.core.scoping import scope_of, within
from gongzhi.organisations.models import Organisation
from gongzhi.outreach.actions import NEED_CASE_KINDS, needs_answers, provider_label
from gongzhi.outreach.enums import ProviderKind, ServiceKind
from gongzhi.outreach.models import Need, ServiceRoute
from gongzhi.outreach.queries import _ancestors, offers_serving
from gongzhi.regions.models import Level, Region

__all__ = ["add_action_errors"]

MAX_CHOICES = 500


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _region_label(region: Region) -> str:
    return f"{region.name}（{region.region_code}）"


def _regions(user: Any, *levels: int) -> list[tuple[str, str]]:
    regions = (
        Region.objects.within(scope_of(user))
        .filter(level__in=levels, is_active=True)
        .order_by("region_code")
        .only("region_code", "name")[:MAX_CHOICES]
    )
    return [("", "—"), *((r.region_code, _region_label(r)) for r in regions)]


def _organisations(user: Any) -> Any:
    """Active organisations of the jurisdiction and of the divisions above it."""
    scope = scope_of(user)
    condition = within(scope)
    if scope.isdigit():
        condition |= Q(region_code__in=_ancestors(scope))
    return Organisation.objects.active().filter(condition).order_by("region_code", "name")


class _OrganisationField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


# --- Mobile service (R3.2a) ---------------------------------------------------------------


class RouteForm(ConsoleForm):
    name = forms.CharField(label=_("线路名称"), max_length=100, required=False)
    township = forms.ChoiceField(label=_("所属苏木乡镇（街道）"), required=False)
    vehicle = forms.CharField(
        label=_("服务车辆/代办点"),
        max_length=200,
        required=False,
        help_text=_("如：流动服务车（蒙J·12345）或 某嘎查便民代办点"),
    )
    organisation = _OrganisationField(
        label=_("责任单位（可选）"), queryset=Organisation.objects.none(), required=False
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["township"].choices = _regions(user, Level.TOWNSHIP)
        fields["organisation"].queryset = _organisations(user)


class StopForm(ConsoleForm):
    community = forms.ChoiceField(label=_("所在嘎查村（社区）"), required=False)
    place_name = forms.CharField(
        label=_("地点"),
        max_length=100,
        required=False,
        help_text=_("如：嘎查村委会门前、牧民合作社院内"),
    )
    lon = forms.CharField(
        label=_("经度（可选）"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    lat = forms.CharField(
        label=_("纬度（可选）"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, route: ServiceRoute, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        communities = (
            Region.objects.within(route.region_code)
            .filter(level=Level.COMMUNITY, is_active=True)
            .order_by("region_code")
            .only("region_code", "name")
        )
        fields: Any = self.fields
        fields["community"].choices = [
            ("", "—"),
            *((r.region_code, _region_label(r)) for r in communities),
        ]


def service_choices() -> list[tuple[str, str]]:
    """The case categories staff may offer at a stop: applications and complaints."""
    return [(c.code, c.name) for c in active_categories().filter(kind__in=NEED_CASE_KINDS)]


class VisitForm(ConsoleForm):
    date = forms.DateField(
        label=_("服务日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label=_("开始时间"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(
        label=_("结束时间"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    services = forms.MultipleChoiceField(
        label=_("服务事项"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("居民可在服务点现场办理的事项"),
    )
    note = forms.CharField(label=_("说明（可选）"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["services"].choices = service_choices()


class ReasonForm(ConsoleForm):
    reason = forms.CharField(label=_("取消原因"), required=False, widget=_textarea(2))


# --- Supply and demand (R3.2b) ------------------------------------------------------------


class OfferForm(ConsoleForm):
    """Staff record the offer of an organisation, a business or a volunteer."""

    provider_kind = forms.ChoiceField(
        label=_("提供方类别"),
        choices=[
            (k.value, k.label)
            for k in (ProviderKind.ORGANISATION, ProviderKind.BUSINESS, ProviderKind.VOLUNTEER)
        ],
    )
    organisation = _OrganisationField(
        label=_("提供组织"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("提供方为组织时选择"),
    )
    provider_name = forms.CharField(
        label=_("提供方名称"),
        max_length=100,
        required=False,
        help_text=_("提供方为商户企业或志愿者时填写"),
    )
    region = forms.ChoiceField(label=_("服务范围"), required=False)
    kind = forms.ChoiceField(label=_("服务类别"), choices=ServiceKind.choices)
    title = forms.CharField(label=_("服务名称"), max_length=100, required=False)
    description = forms.CharField(label=_("服务内容"), required=False, widget=_textarea(4))
    capacity = forms.CharField(
        label=_("服务能力（可选）"),
        max_length=100,
        required=False,
        help_text=_("如：每周可服务 10 户"),
    )
    available_times = forms.CharField(label=_("可服务时间（可选）"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["organisation"].queryset = _organisations(user)
        fields["region"].choices = _regions(user, Level.COUNTY, Level.TOWNSHIP, Level.COMMUNITY)


class _DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class MatchForm(ConsoleForm):
    offer = forms.ChoiceField(label=_("对接的服务"))
    appointment_at = forms.DateTimeField(
        label=_("预约时间（可选）"), required=False, widget=_DateTimeLocalInput()
    )
    note = forms.CharField(label=_("对接说明（可选）"), max_length=500, required=False)

    def __init__(self, *args: Any, need: Need, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["offer"].choices = [
            ("", "—"),
            *(
                (str(o.pk), f"{o.title} · {provider_label(o)}")
                for o in offers_serving(need.region_code)[:MAX_CHOICES]
            ),
        ]


class ToCaseForm(ConsoleForm):
    category = forms.ChoiceField(label=_("办件事项"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        kinds = dict(CaseKind.choices)
        fields["category"].choices = [
            ("", "—"),
            *(
                (c.code, f"{kinds[c.kind]} · {c.name}")
                for c in active_categories().filter(kind__in=NEED_CASE_KINDS)
                if not needs_answers(c)
            ),
        ]


class CloseForm(ConsoleForm):
    note = forms.CharField(label=_("关闭说明（可选）"), max_length=500, required=False)


# --- Portal -------------------------------------------------------------------------------


class NeedForm(ConsoleForm):
    kind = forms.ChoiceField(label=_("服务类别"), choices=ServiceKind.choices)
    title = forms.CharField(
        label=_("需要什么"),
        max_length=100,
        required=False,
        help_text=_("一句话，如：需要有人帮忙代购药品"),
    )
    description = forms.CharField(
        label=_("具体情况"),
        required=False,
        widget=_textarea(4),
        help_text=_("时间、地点等；请不要填写身份证号等个人信息"),
    )


class MutualAidForm(ConsoleForm):
    title = forms.CharField(
        label=_("我能帮什么"),
        max_length=100,
        required=False,
        help_text=_("如：周末可帮邻居接送孩子"),
    )
    description = forms.CharField(label=_("具体说明"), required=False, widget=_textarea(4))
    capacity = forms.CharField(label=_("能帮几户（可选）"), max_length=100, required=False)
    available_times = forms.CharField(
        label=_("什么时间方便（可选）"), max_length=200, required=False
    )
