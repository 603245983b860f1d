"""The statistics period (统计期): this month, last month, this year or chosen dates.

The period is read from the query string, so a page of figures and every drill-down
link below it can be bookmarked and passed on. Dates are local dates (Asia/Shanghai);
a period is the half-open range of moments ``[first day 00:00, day after last 00:00)``
that ``cases.queries.indicators`` takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

THIS_MONTH = "this_month"
LAST_MONTH = "last_month"
THIS_YEAR = "this_year"
CUSTOM = "custom"
DATE_FORMAT = "%Y-%m-%d"
# The earliest date a custom period may start: before it no case can exist, and a year
# of four digits keeps the dates readable in links.
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class Period:
    """A chosen period: its first and last local day, and the moments it covers."""

    first: date
    last: date

    @property
    def since(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=timezone.get_default_timezone())

    @property
    def until(self) -> datetime:
        day_after = self.last + timedelta(days=1)
        return datetime.combine(day_after, time.min, tzinfo=timezone.get_default_timezone())

    @property
    def label(self) -> str:
        # The date format is a msgid too: English shows "1 March 2026".
        shape = _("Y年n月j日")
        return _("%(first)s 至 %(last)s") % {
            "first": date_format(self.first, shape),
            "last": date_format(self.last, shape),
        }

    def query(self) -> dict[str, str]:
        """The period as query parameters of a drill-down link (always explicit dates)."""
        return {"since": self.first.strftime(DATE_FORMAT), "until": self.last.strftime(DATE_FORMAT)}


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


class PeriodForm(forms.Form):
    """统计期. Without ``period`` and without dates the period is this month; dates
    alone (as drill-down links carry them) are a custom period."""

    period = forms.ChoiceField(
        label=gettext_lazy("统计期"),
        required=False,
        choices=[
            (THIS_MONTH, gettext_lazy("本月")),
            (LAST_MONTH, gettext_lazy("上月")),
            (THIS_YEAR, gettext_lazy("本年")),
            (CUSTOM, gettext_lazy("自定义")),
        ],
        error_messages={"invalid_choice": gettext_lazy("请选择本月、上月、本年或自定义")},
    )
    since = forms.DateField(
        label=gettext_lazy("开始日期"),
        required=False,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        error_messages={"invalid": gettext_lazy("开始日期应为“年-月-日”，如 2026-03-01")},
    )
    until = forms.DateField(
        label=gettext_lazy("结束日期"),
        required=False,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        error_messages={"invalid": gettext_lazy("结束日期应为“年-月-日”，如 2026-03-31")},
    )

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        period = data.get("period") or ""
        since, until = data.get("since"), data.get("until")
        if not period:
            has_dates = bool(self.data.get("since") or self.data.get("until"))
            period = CUSTOM if has_dates else THIS_MONTH
            data["period"] = period
        if period != CUSTOM or self.errors:
            return data
        if since is None:
            self.add_error("since", _("请填写开始日期"))
        if until is None:
            self.add_error("until", _("请填写结束日期"))
        if since is None or until is None:
            return data
        if since < EARLIEST:
            self.add_error("since", _("开始日期不能早于 2000 年 1 月 1 日"))
        elif since > self.today:
            self.add_error("since", _("开始日期不能晚于今天"))
        if until < since:
            self.add_error("until", _("结束日期不能早于开始日期"))
        return data

    def chosen(self) -> Period:
        """The period of a valid form."""
        data = self.cleaned_data
        today = self.today
        if data["period"] == LAST_MONTH:
            last = today.replace(day=1) - timedelta(days=1)
            return Period(last.replace(day=1), last)
        if data["period"] == THIS_YEAR:
            return Period(date(today.year, 1, 1), date(today.year, 12, 31))
        if data["period"] == CUSTOM:
            return Period(data["since"], data["until"])
        return Period(today.replace(day=1), _month_end(today))
