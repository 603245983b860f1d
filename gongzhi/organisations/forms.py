"""Forms for the organisations directory. They parse input; the actions decide."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import User
from gongzhi.core.scoping import scope_of
from gongzhi.organisations import queries
from gongzhi.organisations.models import (
    SINGLETON_GROUPS,
    Membership,
    Organisation,
    OrganisationKind,
    post_label,
)
from gongzhi.organisations.placement import LEVELS_BY_KIND
from gongzhi.regions.models import Building, Compound, Level, Region

# Office telephone: digits with optional area code, extension and separators.
PHONE_PATTERN = re.compile(r"^[0-9+()\-\s]{5,30}$")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PlaceForm(forms.Form):
    """Step one of adding an organisation: the division it belongs to."""

    region = forms.CharField(
        label=_("所在区划编码"),
        max_length=12,
        help_text=_("如 152201001001（社区）、152201001（街道/苏木乡镇）"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_region(self) -> Region:
        code = self.cleaned_data["region"].strip()
        region = (
            Region.objects.within(scope_of(self.user))
            .filter(region_code=code, is_active=True)
            .first()
            if code.isdigit()
            else None
        )
        if region is None:
            raise forms.ValidationError(
                _("所在区划编码：%(code)s不存在或不在您的辖区内") % {"code": code}
            )
        return region


def add_action_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show an action's ValidationError on the form: on its field where the form has it."""
    if hasattr(error, "error_dict"):
        for field, messages in error.error_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)


class ActionErrorsMixin:
    """Model validation may name fields this form does not show; report those on the form."""

    def _update_errors(self, errors: ValidationError) -> None:
        if hasattr(errors, "error_dict"):
            fields = self.fields  # type: ignore[attr-defined]
            remapped: dict[str, list[Any]] = {}
            for field, messages in errors.error_dict.items():
                key = field if field in fields else NON_FIELD_ERRORS
                remapped.setdefault(key, []).extend(messages)
            errors = ValidationError(remapped)
        super()._update_errors(errors)  # type: ignore[misc]


class BuildingChoiceField(forms.ModelChoiceField):
    """A building named with its compound: two compounds both have a 1号楼."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.compound.name} {obj.name}"


class OrganisationForm(ActionErrorsMixin, forms.ModelForm):
    """Adding or editing one organisation at a fixed division (``region``)."""

    class Meta:
        model = Organisation
        fields = [
            "kind",
            "name",
            "short_name",
            "compound",
            "building",
            "parent",
            "attached_to",
            "credit_code",
            "phone",
            "address",
            "established_on",
            "boundary_description",
            "posts_set",
            "term_start",
            "term_end",
            "description",
        ]
        widgets = {
            "established_on": DateInput(),
            "term_start": DateInput(),
            "term_end": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "boundary_description": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"building": BuildingChoiceField}
        help_texts = {
            "credit_code": _("18 位，由数字和大写字母组成（不用 I、O、Z、S、V）；可不填"),
            "phone": _("单位办公电话，不填个人手机号"),
            "posts_set": _("居民委员会 5–9 人，村民委员会、嘎查委员会 3–7 人"),
            "boundary_description": _("东、西、南、北四至或所辖小区、楼栋"),
            "parent": _("小区党支部的上级为社区党组织，楼栋党小组的上级为小区党支部"),
            "attached_to": _(
                "依托居（村）委会、业主委员会、物业服务企业等建立的党组织填写（R2.1c）"
            ),
        }

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region = region
        self.instance.region = region
        allowed = [kind for kind in OrganisationKind if region.level in LEVELS_BY_KIND[kind]]
        if self.instance.pk is not None:
            group = next(
                (g for g in SINGLETON_GROUPS if self.instance.kind in g),
                frozenset({self.instance.kind}),
            )
            allowed = [kind for kind in allowed if kind in group or kind == self.instance.kind]
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [(kind.value, kind.label) for kind in allowed]
        community = region.region_code if region.level == Level.COMMUNITY else None
        compound_field = self.fields["compound"]
        building_field = self.fields["building"]
        assert isinstance(compound_field, forms.ModelChoiceField)
        assert isinstance(building_field, forms.ModelChoiceField)
        if community is None:
            del self.fields["compound"], self.fields["building"]
        else:
            compound_field.queryset = Compound.objects.within(community).order_by("region_code")
            building_field.queryset = (
                Building.objects.within(community)
                .select_related("compound")
                .order_by("region_code")
            )
        parent_field = self.fields["parent"]
        attached_field = self.fields["attached_to"]
        assert isinstance(parent_field, forms.ModelChoiceField)
        assert isinstance(attached_field, forms.ModelChoiceField)
        parent_field.queryset = queries.parent_choices(region).exclude(pk=self.instance.pk)
        attached_field.queryset = queries.attachable_choices(region).exclude(pk=self.instance.pk)
        if region.level != Level.COMMUNITY:
            for name in (
                "attached_to",
                "boundary_description",
                "posts_set",
                "term_start",
                "term_end",
            ):
                self.fields.pop(name, None)

    def clean_credit_code(self) -> str:
        return str(self.cleaned_data.get("credit_code") or "").strip().upper()

    def clean_phone(self) -> str:
        phone = str(self.cleaned_data.get("phone") or "").strip()
        if phone and not PHONE_PATTERN.match(phone):
            raise forms.ValidationError(_("办公电话：只能包含数字、区号括号、连字符和空格"))
        return phone


class MembershipForm(ActionErrorsMixin, forms.ModelForm):
    username = forms.CharField(
        label=_("关联账号（用户名）"),
        required=False,
        max_length=150,
        help_text=_("成员有平台账号时填写，只能关联本辖区内的账号"),
    )

    class Meta:
        model = Membership
        fields = [
            "person_name",
            "post",
            "is_local_resident",
            "sex",
            "ethnicity",
            "start_date",
            "end_date",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        help_texts = {
            "is_local_resident": _("居（村）委会主任和至少一名成员须为本社区居民（R2.3d）"),
        }

    def __init__(self, *args: Any, organisation: Organisation, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.user = user
        self.instance.organisation = organisation
        post_field = self.fields["post"]
        assert isinstance(post_field, forms.ChoiceField)
        post_field.choices = [
            (post.value, post_label(organisation.kind, post)) for post in organisation.posts
        ]
        if organisation.region.level != Level.COMMUNITY:
            del self.fields["is_local_resident"]
        if self.instance.pk is not None and self.instance.user is not None:
            self.fields["username"].initial = self.instance.user.username

    def clean_username(self) -> User | None:
        username = str(self.cleaned_data.get("username") or "").strip()
        if not username:
            return None
        user = User.objects.within(scope_of(self.user)).filter(username=username).first()
        if user is None:
            raise forms.ValidationError(
                _("关联账号：用户名“%(name)s”不存在或不在您的辖区内") % {"name": username}
            )
        return user

    def build(self) -> Membership:
        """The membership with the form's values, unsaved."""
        membership = self.instance
        membership.user = self.cleaned_data.get("username")
        return membership


class EndMembershipForm(forms.Form):
    end_date = forms.DateField(label=_("离任日期"), widget=DateInput())
