from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class VersionForm(forms.Form):
    region_code = forms.CharField(
        label=_("适用地区编码"),
        max_length=12,
        help_text=_(
            "本辖区的区划编码，如 1522（兴安盟）、152201（乌兰浩特市）；"
            "盟级人员可填 15（内蒙古自治区）"
        ),
    )
    effective_from = forms.DateField(
        label=_("施行日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    value = forms.CharField(
        label=_("取值"),
        max_length=40,
        help_text=_(
            "比例写成 >1/2（过半数）、>=2/3（三分之二以上）；数量和天数写整数；是否写“是”或“否”"
        ),
    )
    source = forms.CharField(
        label=_("依据"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("法规名称和条款，或会议决定的文号"),
    )

    def add_action_errors(self, exc: ValidationError) -> None:
        for field, messages in exc.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)
