"""The statistics period: this month, last month, this year, or chosen dates, with
clear Chinese errors for bad dates (DESIGN rule 7)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from gongzhi.accounts.testing import client_for
from gongzhi.dashboards.forms import Period, PeriodForm
from gongzhi.dashboards.tests.conftest import Scenario


def chosen(data: dict[str, str], today: date) -> Period:
    form = PeriodForm(data, today=today)
    assert form.is_valid(), form.errors
    return form.chosen()


class TestPeriods:
    def test_this_month_runs_to_the_months_last_day(self) -> None:
        assert chosen({}, date(2026, 2, 10)) == Period(date(2026, 2, 1), date(2026, 2, 28))
        assert chosen({"period": "this_month"}, date(2026, 12, 31)) == Period(
            date(2026, 12, 1), date(2026, 12, 31)
        )

    def test_last_month_crosses_the_year(self) -> None:
        assert chosen({"period": "last_month"}, date(2026, 1, 15)) == Period(
            date(2025, 12, 1), date(2025, 12, 31)
        )

    def test_this_year(self) -> None:
        assert chosen({"period": "this_year"}, date(2026, 7, 1)) == Period(
            date(2026, 1, 1), date(2026, 12, 31)
        )

    def test_custom_dates_include_the_last_day(self) -> None:
        period = chosen({"since": "2026-03-01", "until": "2026-03-31"}, date(2026, 4, 1))
        assert period.since.isoformat() == "2026-03-01T00:00:00+08:00"
        assert period.until.isoformat() == "2026-04-01T00:00:00+08:00"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"period": "custom"}, "since", "请填写开始日期"),
        ({"period": "custom", "since": "2026-03-01"}, "until", "请填写结束日期"),
        ({"period": "custom", "since": "2026/3/1", "until": "2026-03-31"}, "since", "开始日期应为"),
        ({"period": "custom", "since": "2026-03-01", "until": "三月底"}, "until", "结束日期应为"),
        ({"since": "2026-03-31", "until": "2026-03-01"}, "until", "结束日期不能早于开始日期"),
        ({"since": "2026-05-01", "until": "2026-05-31"}, "since", "开始日期不能晚于今天"),
        ({"since": "1999-12-31", "until": "2026-03-01"}, "since", "开始日期不能早于 2000 年"),
        ({"period": "forever"}, "period", "请选择本月、上月、本年或自定义"),
    ],
)
def test_bad_periods_are_refused_in_chinese(data: dict[str, str], field: str, message: str) -> None:
    form = PeriodForm(data, today=date(2026, 4, 1))
    assert not form.is_valid()
    assert any(message in error for error in form.errors[field])


@pytest.mark.django_db
class TestPeriodOnThePages:
    def test_the_page_shows_the_error_beside_the_field_and_no_figures(
        self, scenario: Scenario
    ) -> None:
        client = client_for(scenario.personas.county_admin)
        response = client.get(
            reverse("dashboards:indicators"),
            {"period": "custom", "since": "2026-03-31", "until": "2026-03-01"},
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "结束日期不能早于开始日期" in html
        assert "db-total" not in html

    def test_a_drill_down_with_bad_dates_says_why(self, scenario: Scenario) -> None:
        client = client_for(scenario.personas.county_admin)
        response = client.get(
            reverse("dashboards:cases"), {"count": "closed", "since": "昨天", "until": ""}
        )
        assert response.status_code == 400
        assert "开始日期应为" in response.content.decode()
