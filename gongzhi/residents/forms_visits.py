"""Forms of the visit, migrant and party-member pages. They collect input; the actions
(``do_record_visit``, ``do_update_migrant_details``, ``do_set_party_membership``) validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.organisations.models import Organisation
from gongzhi.regions.models import Grid
from gongzhi.residents.forms import RegistryForm
from gongzhi.residents.models import (
    VISIT_SUMMARY_MAX_LENGTH,
    IntendedStay,
    Resident,
    VisitKind,
)

_DATE = {"type": "date"}


class VisitForm(RegistryForm):
    visited_on = forms.DateField(label=_("走访日期"), widget=forms.DateInput(attrs=_DATE))
    kind = forms.ChoiceField(
        label=_("走访方式"), choices=VisitKind.choices, widget=forms.RadioSelect
    )
    resident = forms.ModelChoiceField(
        label=_("走访对象"),
        queryset=Resident.objects.none(),
        required=False,
        empty_label=_("全户"),
    )
    summary = forms.CharField(
        label=_("走访情况"),
        max_length=VISIT_SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "简要记录了解到的情况和诉求，不超过 500 字。请勿填写身份证号、电话等个人信息。"
        ),
    )
    follow_up_needed = forms.BooleanField(label=_("需要跟进"), required=False)
    follow_up_note = forms.CharField(label=_("跟进事项"), max_length=200, required=False)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("visited_on", timezone.localdate())
        kwargs["initial"].setdefault("kind", VisitKind.HOME)
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["resident"].queryset = members
        fields["visited_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class MigrantForm(RegistryForm):
    origin_place = forms.CharField(
        label=_("来源地"),
        max_length=100,
        required=False,
        help_text=_("区划代码（如 150102）或地名（如 呼和浩特市新城区）"),
    )
    arrived_on = forms.DateField(
        label=_("来本地日期"), required=False, widget=forms.DateInput(attrs=_DATE)
    )
    has_residence_permit = forms.NullBooleanField(
        label=_("持有居住证"),
        required=False,
        widget=forms.Select(choices=[("unknown", "—"), ("true", _("是")), ("false", _("否"))]),
        help_text=_("只记是否持有，不登记居住证号码"),
    )
    intended_stay = forms.ChoiceField(
        label=_("拟居住期限"), choices=[("", "—"), *IntendedStay.choices], required=False
    )


class PartyForm(RegistryForm):
    party_organisation = forms.ModelChoiceField(
        label=_("所在党组织"), queryset=Organisation.objects.none(), required=False
    )
    serving_grid = forms.ModelChoiceField(
        label=_("服务网格"), queryset=Grid.objects.none(), required=False
    )

    def __init__(self, *args: Any, organisations: Any, grids: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["party_organisation"].queryset = organisations
        fields["serving_grid"].queryset = grids
