"""The console form for issuing an Open311 key."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.service_requests.actions import NAME_MAX_LENGTH


class IssueKeyForm(forms.Form):
    name = forms.CharField(
        label=_("名称"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("使用该密钥的系统或单位，如“12345 热线平台”"),
    )
    region_code = forms.CharField(
        label=_("限定辖区编码"),
        max_length=12,
        required=False,
        help_text=_("只允许在该辖区内创建服务请求；留空则不限（全盟）"),
    )

    def clean_region_code(self) -> str:
        value = self.cleaned_data["region_code"].strip()
        if value and not value.isdigit():
            raise forms.ValidationError(_("辖区编码只能是数字"))
        return value
