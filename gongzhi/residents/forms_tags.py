"""Forms of the tag configuration page and the portal-account link. They collect input;
the actions (``do_save_tag``, ``do_link_resident_account``) validate it and name the field
in their Chinese messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.residents.actions import TAG_CODE_MAX_LENGTH, TAG_NAME_MAX_LENGTH
from gongzhi.residents.enums import TagCategory
from gongzhi.residents.forms import RegistryForm


class TagForm(RegistryForm):
    code = forms.CharField(
        label=_("代码"),
        error_messages={"required": _("代码不能为空")},
        widget=forms.TextInput(attrs={"maxlength": TAG_CODE_MAX_LENGTH, "autocomplete": "off"}),
        help_text=_(
            "小写英文字母、数字、下划线或连字符，如 elder_living_alone；"
            "导入文件和接口用它，创建后不能修改"
        ),
    )
    name = forms.CharField(
        label=_("名称"),
        error_messages={"required": _("名称不能为空")},
        widget=forms.TextInput(attrs={"maxlength": TAG_NAME_MAX_LENGTH, "autocomplete": "off"}),
    )
    category = forms.ChoiceField(label=_("类别"), choices=TagCategory.choices)
    is_sensitive = forms.BooleanField(
        label=_("敏感"),
        required=False,
        help_text=_(
            "敏感标签只有社区工作者及以上人员可见。已有标签的敏感标记只能由盟级工作人员修改。"
        ),
    )

    def __init__(self, *args: Any, editing: bool, may_change_sensitivity: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        if editing:
            # A disabled field keeps its initial value whatever is posted.
            fields["code"].disabled = True
            fields["is_sensitive"].disabled = not may_change_sensitivity


class AccountLinkForm(RegistryForm):
    username = forms.CharField(
        label=_("居民的门户账号（用户名）"),
        max_length=150,
        error_messages={"required": _("用户名不能为空")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("须为本辖区内的居民账号；居民账号由系统管理员创建"),
    )
