"""HTML forms of 居务公开. They collect and parse input; the actions validate it, and
their Chinese field errors are put back beside the inputs (``add_action_errors``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.forms import ConsoleForm
from gongzhi.core.scoping import scope_of, within
from gongzhi.disclosures.actions import LineInput
from gongzhi.disclosures.enums import Category, Direction
from gongzhi.disclosures.models import (
    ANSWER_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    Disclosure,
    period_label,
)
from gongzhi.disclosures.schedule import period_containing
from gongzhi.regions.forms import add_action_errors
from gongzhi.regions.models import Level, Region

__all__ = ["add_action_errors"]

CUSTOM = "custom"
BLANK_LINES = 5
MAX_COMMUNITIES = 500


def period_choices(today: date) -> list[tuple[str, str]]:
    """Recent months, quarters and years, newest first, then 自定义."""
    choices: list[tuple[str, str]] = []
    for months, count in ((1, 13), (3, 5), (12, 2)):
        day = today
        for _n in range(count):
            period = period_containing(day, months)
            value = f"{period.start.isoformat()}:{period.end.isoformat()}"
            choices.append((value, period_label(period.start, period.end)))
            day = period.start - timedelta(days=1)
    choices.append((CUSTOM, str(_("自定义起止日期"))))
    return choices


class DisclosureForm(ConsoleForm):
    community = forms.ChoiceField(label=_("社区（村、嘎查）"))
    category = forms.ChoiceField(label=_("公开类别"), choices=Category.choices)
    period = forms.ChoiceField(label=_("公开期间"))
    period_start = forms.DateField(
        label=_("自定义开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("自定义结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(
        label=_("正文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "财务收支可只填收支明细；其他类别须填写正文。请勿填写身份证号、电话等个人信息。"
        ),
    )
    is_major = forms.BooleanField(label=_("涉及居民利益的重大事项（须随时公开）"), required=False)
    decided_on = forms.DateField(
        label=_("决定日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # Where the action's errors about the finance lines land (rendered beside the table).
    lines = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, instance: Disclosure | None = None, **kwargs: Any):
        if instance is not None and "initial" not in kwargs:
            value = f"{instance.period_start.isoformat()}:{instance.period_end.isoformat()}"
            kwargs["initial"] = {
                "community": instance.region_code,
                "category": instance.category,
                "period": value,
                "period_start": instance.period_start,
                "period_end": instance.period_end,
                "title": instance.title,
                "body": instance.body,
                "is_major": instance.is_major,
                "decided_on": instance.decided_on,
            }
        super().__init__(*args, **kwargs)
        choices = period_choices(timezone.localdate())
        initial_period = self.initial.get("period")
        if initial_period and all(value != initial_period for value, _l in choices):
            self.initial["period"] = CUSTOM
        period_field: Any = self.fields["period"]
        period_field.choices = choices
        communities = (
            Region.objects.filter(within(scope_of(user)), level=Level.COMMUNITY, is_active=True)
            .order_by("region_code")
            .values_list("region_code", "name")[:MAX_COMMUNITIES]
        )
        community_field: Any = self.fields["community"]
        community_field.choices = [(c, f"{n}（{c}）") for c, n in communities]
        if instance is not None:
            self.fields["community"].disabled = True
            if instance.supersedes_id is not None:
                self.fields["category"].disabled = True

    def period_dates(self) -> tuple[date | None, date | None]:
        data = self.cleaned_data
        value = data.get("period") or CUSTOM
        if value == CUSTOM:
            return data.get("period_start"), data.get("period_end")
        start, end = value.split(":")
        return date.fromisoformat(start), date.fromisoformat(end)


def lines_from_post(data: QueryDict) -> list[LineInput]:
    items = data.getlist("line_item")
    directions = data.getlist("line_direction")
    amounts = data.getlist("line_amount")
    count = max(len(items), len(directions), len(amounts))
    return [
        LineInput(
            item=items[i] if i < len(items) else "",
            direction=directions[i] if i < len(directions) else "",
            amount=amounts[i] if i < len(amounts) else "",
        )
        for i in range(count)
    ]


def line_rows(lines: list[LineInput]) -> list[LineInput]:
    """The rows the form shows: the given lines and a few blank ones."""
    return [*lines, *[LineInput("", Direction.EXPENSE, "") for _n in range(BLANK_LINES)]]


class NoteForm(ConsoleForm):
    note = forms.CharField(
        label=_("审核意见（可不填）"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(ConsoleForm):
    reason = forms.CharField(
        label=_("退回理由"), max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class CorrectionForm(ConsoleForm):
    correction_note = forms.CharField(
        label=_("更正说明"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("写明哪里有误、如何更正。更正经审核公开后，原公开内容仍然保留并标注“已更正”。"),
    )


class QuestionForm(ConsoleForm):
    text = forms.CharField(
        label=_("您的问题"),
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AnswerForm(ConsoleForm):
    answer = forms.CharField(
        label=_("答复"), max_length=ANSWER_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
