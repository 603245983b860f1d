"""Forms of the resident portal's case pages. They collect input and check its shape;
the actions (``actions.do_submit_case``, ``attachments.do_attach_files``…) decide the
rest, and their field errors land beside these fields (``forms.add_action_errors``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.actions import PHONE_MAX_DIGITS, PHONE_MIN_DIGITS
from gongzhi.cases.enums import CaseKind, Rating
from gongzhi.cases.forms import add_attribute_fields, photos_field
from gongzhi.cases.models import DESCRIPTION_MAX_LENGTH, NOTE_MAX_LENGTH, Category
from gongzhi.core.pii import normalise_phone
from gongzhi.regions.models import Level, Region
from gongzhi.residents import portal as registry
from gongzhi.residents.models import Resident

COMMUNITY_MATCHES = 20
# The category attribute that names the wrong item of a correction (seed: 居民信息更正).
CORRECTION_FIELD_ATTRIBUTE = "field"


class PortalForm(forms.Form):
    """Labels above their fields, without Django's colon; required labels get a star."""

    required_css_class = "required"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def community_label(region: Region) -> str:
    parent = region.parent.name if region.parent_id and region.parent else ""
    return f"{region.name}（{parent}）" if parent else region.name


def community_matches(q: str, default: Region | None) -> list[tuple[str, str]]:
    """Radio choices for the place: the resident's own community first, then the
    communities whose name (or its pinyin) contains ``q``. Community names are public."""
    choices: list[tuple[str, str]] = []
    if default is not None:
        choices.append((default.region_code, community_label(default)))
    if q:
        condition = Q(name__icontains=q)
        letters = "".join(q.split()).lower()
        if letters.isascii() and letters.isalpha():
            condition |= Q(name_pinyin__contains=letters) | Q(name_initials__contains=letters)
        matches = (
            Region.objects.filter(condition, level=Level.COMMUNITY, is_active=True)
            .select_related("parent")
            .order_by("code")[:COMMUNITY_MATCHES]
        )
        seen = {code for code, _label in choices}
        choices += [
            (r.region_code, community_label(r)) for r in matches if r.region_code not in seen
        ]
    return choices


def correction_prefill(
    category: Category, record: Resident | None, params: Mapping[str, str]
) -> dict[str, Any]:
    """Initial answers for 居民信息更正 opened from 我的家庭档案: which person's record
    (``member``: the resident or someone of their own household) and which item."""
    if category.kind != CaseKind.CORRECTION or record is None:
        return {}
    initial: dict[str, Any] = {}
    member_id = params.get("member", "")
    if member_id.isdigit():
        member = next(
            (m for m in registry.household_members(record) if m.pk == int(member_id)), None
        )
        if member is not None:
            whose = _("本人") if member.pk == record.pk else member.name
            initial["description"] = _("申请更正%(whose)s的居民登记信息。") % {"whose": whose}
    item = params.get("field", "").strip()[:50]
    if item:
        initial[f"attr_{CORRECTION_FIELD_ATTRIBUTE}"] = item
    return initial


class ApplyForm(PortalForm):
    """一号申请 — the category's form. The description and the phone are asked here; the
    extra fields are typed inputs whose answers the action checks with everything else."""

    description = forms.CharField(
        label=_("具体内容"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("请填写具体内容")},
        help_text=_("请写清楚需要办理什么事、发生了什么问题。"),
    )
    community = forms.ChoiceField(
        label=_("所属社区（嘎查村）"), required=False, widget=forms.RadioSelect
    )
    address = forms.CharField(
        label=_("详细地址"),
        required=False,
        max_length=200,
        help_text=_("如小区、楼栋、单元、门牌号，或附近的标志性建筑"),
    )
    lon = forms.FloatField(
        label=_("经度"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    lat = forms.FloatField(
        label=_("纬度"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    reporter_phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"required": _("请填写联系电话，方便工作人员与您联系")},
        help_text=_("只有办理您这件事的工作人员能看到完整号码。"),
    )

    def __init__(
        self, category: Category, communities: list[tuple[str, str]], *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.category = category
        community = self.fields["community"]
        assert isinstance(community, forms.ChoiceField)
        community.choices = communities
        self.attribute_names = add_attribute_fields(self, category)
        for name in self.attribute_names:
            field = self.fields[name]
            if getattr(field, "is_attribute_required", False):
                # Marked and checked here too, with the action's own words (the view
                # drops the action's repeat of the same message).
                field.required = True
                field.error_messages["required"] = _("请填写“%(label)s”") % {"label": field.label}
        self.fields["photos"] = photos_field(_("照片"))

    def clean_reporter_phone(self) -> str:
        value = self.cleaned_data["reporter_phone"]
        digits = normalise_phone(value)
        if not (digits.isdigit() and PHONE_MIN_DIGITS <= len(digits) <= PHONE_MAX_DIGITS):
            raise forms.ValidationError(
                _("联系电话须为 %(min)d–%(max)d 位数字")
                % {"min": PHONE_MIN_DIGITS, "max": PHONE_MAX_DIGITS}
            )
        return digits

    def clean_photos(self) -> list[Any]:
        value = self.cleaned_data.get("photos")
        if not value:
            return []
        return list(value) if isinstance(value, list | tuple) else [value]

    def attribute_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.attribute_names]


class RateForm(PortalForm):
    """好差评 — five levels, best first, with an optional comment."""

    rating = forms.TypedChoiceField(
        label=_("您对办理结果满意吗？"),
        coerce=int,
        choices=[(r.value, r.label) for r in sorted(Rating, reverse=True)],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择评价等级（非常满意至非常不满意）")},
    )
    comment = forms.CharField(
        label=_("意见和建议"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(PortalForm):
    """重新办理 — the matter was not really solved."""

    reason = forms.CharField(
        label=_("没有解决的情况"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写重新办理的理由")},
    )
