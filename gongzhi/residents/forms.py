"""Forms of the registry pages. They only collect input: the actions validate it
(ID checksums, codes, duplicates) and their field errors are put back beside the inputs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core import codes
from gongzhi.core.idcard import DocumentType
from gongzhi.core.scoping import scope_of
from gongzhi.regions.forms import add_action_errors
from gongzhi.regions.models import Building, Compound, Grid, Level, Region
from gongzhi.residents.enums import DepartureKind, ResidenceSituation
from gongzhi.residents.models import Tag

__all__ = [
    "DepartureForm",
    "HouseholdForm",
    "MergeForm",
    "MoveForm",
    "ResidentForm",
    "add_action_errors",
]


def _blank(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


class RegistryForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class HouseholdForm(RegistryForm):
    community = forms.ModelChoiceField(label=_("所属社区"), queryset=Region.objects.none())
    grid = forms.ModelChoiceField(label=_("网格"), queryset=Grid.objects.none(), required=False)
    compound = forms.ModelChoiceField(
        label=_("小区"), queryset=Compound.objects.none(), required=False
    )
    building = forms.ModelChoiceField(
        label=_("楼栋"), queryset=Building.objects.none(), required=False
    )
    room = forms.CharField(label=_("房号"), max_length=20, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    number = forms.CharField(
        label=_("户号"),
        max_length=32,
        required=False,
        help_text=_("留空则按社区代码自动编号"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        fields: Any = self.fields
        fields["community"].queryset = Region.objects.within(scope).filter(
            level=Level.COMMUNITY, is_active=True
        )
        fields["grid"].queryset = Grid.objects.within(scope)
        fields["compound"].queryset = Compound.objects.within(scope)
        fields["building"].queryset = Building.objects.within(scope)


class ResidentForm(RegistryForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    doc_type = forms.ChoiceField(label=_("证件类型"), choices=DocumentType.choices)
    id_number = forms.CharField(label=_("证件号码"), max_length=40)
    sex = forms.ChoiceField(
        label=_("性别"),
        required=False,
        help_text=_("可不填，按证件号码自动识别"),
    )
    birth_date = forms.DateField(
        label=_("出生日期"),
        required=False,
        help_text=_("可不填，按证件号码自动识别"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ethnicity = forms.ChoiceField(label=_("民族"))
    relationship = forms.ChoiceField(label=_("与户主关系"))
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    education = forms.ChoiceField(label=_("文化程度"), required=False)
    marital_status = forms.ChoiceField(label=_("婚姻状况"), required=False)
    political_status = forms.ChoiceField(label=_("政治面貌"), required=False)
    registered_region_code = forms.CharField(
        label=_("户籍地区划代码"), max_length=12, required=False
    )
    residence_situation = forms.ChoiceField(label=_("居住情况"), choices=ResidenceSituation.choices)
    moved_in_on = forms.DateField(
        label=_("迁入日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    is_local_resident = forms.BooleanField(label=_("本社区居民"), required=False, initial=True)
    tags = forms.ModelMultipleChoiceField(
        label=_("标签"),
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, tags: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["sex"].choices = _blank(codes.sex_choices())
        fields["ethnicity"].choices = _blank(codes.ethnicity_choices())
        fields["relationship"].choices = _blank(codes.relationship_choices())
        fields["education"].choices = _blank(codes.education_choices())
        fields["marital_status"].choices = _blank(codes.marital_status_choices())
        fields["political_status"].choices = _blank(codes.political_status_choices())
        fields["tags"].queryset = tags
        if editing:
            for name in ("id_number", "phone"):
                fields[name].required = False
                fields[name].help_text = _("留空则不修改")


class MoveForm(RegistryForm):
    household = forms.CharField(label=_("迁入户的户号"), max_length=32)
    relationship = forms.ChoiceField(label=_("与新户主关系"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["relationship"].choices = _blank(codes.relationship_choices())  # type: ignore[attr-defined]


class DepartureForm(RegistryForm):
    kind = forms.ChoiceField(label=_("类型"), choices=DepartureKind.choices)
    on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))


class MergeForm(RegistryForm):
    duplicate = forms.IntegerField(
        label=_("重复记录编号"),
        min_value=1,
        help_text=_("另一条记录的编号（见其详情页）；它将标为已合并，并指向本记录"),
    )
