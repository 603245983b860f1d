"""Forms for the login, second-factor, password and 三员 pages. They parse input only;
the rules live in the actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import ADMIN_ROLES, Role
from gongzhi.accounts.queries import Status

BUSINESS_ROLES = [(value, label) for value, label in Role.choices if value not in ADMIN_ROLES]


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put an action's ``ValidationError`` on the form: on the named field when the form has
    it, otherwise above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpForm(forms.Form):
    code = forms.CharField(
        label=_("动态口令"),
        max_length=10,
        help_text=_("身份验证器上显示的6位数字，每30秒更新一次"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("原密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password = forms.CharField(
        label=_("新密码"),
        strip=False,
        help_text=password_validators_help_text_html,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("确认新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("new_password")
            and data.get("new_password2")
            and data["new_password"] != data["new_password2"]
        ):
            self.add_error("new_password2", _("两次输入的新密码不一致"))
        return data


class AccountFilterForm(forms.Form):
    q = forms.CharField(label=_("用户名或姓名"), required=False, max_length=50)
    role = forms.ChoiceField(
        label=_("角色"), required=False, choices=[("", _("全部角色")), *Role.choices]
    )
    region = forms.CharField(
        label=_("辖区编码"),
        required=False,
        max_length=21,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *Status.choices]
    )


class RegionInput(forms.TextInput):
    """A region typed as a code or name, with suggestions filled in by htmx as one types."""

    def __init__(self, options_url: str = "") -> None:
        attrs = {
            "list": "region-options",
            "autocomplete": "off",
            "hx-trigger": "input changed delay:300ms",
            "hx-target": "#region-options",
            "hx-swap": "innerHTML",
        }
        if options_url:
            attrs["hx-get"] = options_url
        super().__init__(attrs=attrs)


class AccountCreateForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        help_text=_("登录用，创建后不能修改；可用字母、数字、汉字和 @.+-_"),
    )
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    region = forms.CharField(
        label=_("所属辖区"),
        max_length=100,
        help_text=_("填写区划代码（如 152201001001）或名称，输入时会提示匹配的辖区"),
    )
    roles = forms.MultipleChoiceField(
        label=_("角色"),
        choices=BUSINESS_ROLES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("三员账号由运维人员在命令行创建"),
    )
    password = forms.CharField(
        label=_("初始密码"),
        required=False,
        strip=False,
        help_text=_("留空则自动生成；用户首次登录时须修改"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("确认初始密码"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, options_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].widget = RegionInput(options_url)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("password") or data.get("password2")) and data.get("password") != data.get(
            "password2"
        ):
            self.add_error("password2", _("两次输入的初始密码不一致"))
        return data


class GrantRoleForm(forms.Form):
    """Offers only the roles the 三员 rule allows next to those held: none beside an
    administrator role, no administrator role beside another role."""

    role = forms.ChoiceField(label=_("授予角色"), choices=Role.choices)

    def __init__(self, *args: Any, held: frozenset[str] = frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        assert isinstance(field, forms.ChoiceField)
        if held & ADMIN_ROLES:
            allowed: list[tuple[str, Any]] = []
        elif held:
            allowed = [(value, label) for value, label in BUSINESS_ROLES if value not in held]
        else:
            allowed = list(Role.choices)
        field.choices = allowed

    @property
    def has_choices(self) -> bool:
        field = self.fields["role"]
        return bool(getattr(field, "choices", None))


class RevokeRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("收回角色"), choices=Role.choices)


class JurisdictionForm(forms.Form):
    region = forms.CharField(
        label=_("新辖区"),
        max_length=100,
        help_text=_("填写区划代码或名称"),
    )

    def __init__(self, *args: Any, options_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].widget = RegionInput(options_url)
