"""The audit log's filter form (审计日志筛选)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core.scoping import NOWHERE, contains
from gongzhi.ledger.models import EVENT_AREAS, EventType, Outcome, event_area
from gongzhi.ledger.queries import EventCriteria


def type_choices() -> list[Any]:
    """Event types grouped by area, each group led by a choice for the whole area."""
    choices: list[Any] = [("", _("全部类型"))]
    for area, label in EVENT_AREAS.items():
        group = [(f"area:{area}", _("全部%(area)s事件") % {"area": label})]
        group += [
            (str(value), f"{value} {member_label}")
            for value, member_label in EventType.choices
            if event_area(value) == area
        ]
        choices.append((label, group))
    return choices


class DateInput(forms.DateInput):
    input_type = "date"


class EventFilterForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("起始日期"), required=False, widget=DateInput)
    date_to = forms.DateField(label=gettext_lazy("截止日期"), required=False, widget=DateInput)
    type = forms.ChoiceField(label=gettext_lazy("事件类型"), required=False)
    actor = forms.CharField(label=gettext_lazy("操作账号"), required=False, max_length=150)
    region = forms.CharField(
        label=gettext_lazy("辖区编码前缀"),
        required=False,
        max_length=21,
        help_text=gettext_lazy("例如 152201（乌兰浩特市）；须在您的辖区内"),
    )
    outcome = forms.ChoiceField(label=gettext_lazy("结果"), required=False)
    object_type = forms.CharField(label=gettext_lazy("对象类型"), required=False, max_length=50)
    object_id = forms.CharField(label=gettext_lazy("对象标识"), required=False, max_length=64)

    def __init__(self, *args: Any, scope: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["type"].choices = type_choices()  # type: ignore[attr-defined]
        self.fields["outcome"].choices = [("", _("全部结果")), *Outcome.choices]  # type: ignore[attr-defined]

    def clean_region(self) -> str:
        region: str = self.cleaned_data["region"].strip()
        if not region:
            return ""
        if not region.isdigit():
            raise forms.ValidationError(_("辖区编码前缀只能由数字组成"))
        if self.scope == NOWHERE or not contains(self.scope, region):
            raise forms.ValidationError(
                _("辖区编码前缀 %(code)s 不在您的辖区（%(scope)s）内")
                % {"code": region, "scope": self.scope}
            )
        return region

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("截止日期不能早于起始日期"))
        return data

    def criteria(self) -> EventCriteria:
        """The filter as criteria; call after ``is_valid()``."""
        data = self.cleaned_data
        chosen = data.get("type") or ""
        area = int(chosen.removeprefix("area:")) if chosen.startswith("area:") else None
        event_type = int(chosen) if chosen and area is None else None
        return EventCriteria(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            area=area,
            type=event_type,
            actor=data.get("actor", "").strip(),
            region=data.get("region", ""),
            outcome=data.get("outcome") or "",
            object_type=data.get("object_type", "").strip(),
            object_id=data.get("object_id", "").strip(),
        )
