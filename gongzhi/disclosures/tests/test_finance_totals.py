"""R2.3f: finance disclosures keep amounts in fen and compute their totals."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas
from gongzhi.disclosures.actions import parse_amount
from gongzhi.disclosures.models import yuan
from gongzhi.disclosures.queries import finance_summary
from gongzhi.disclosures.tests.conftest import draft_finances


@pytest.mark.parametrize(
    ("typed", "fen"),
    [("12,000.00", 1_200_000), ("1280.5", 128_050), ("￥305.25", 30_525), ("１２3元", 12_300)],
)
def test_amounts_typed_in_yuan_become_fen(typed: str, fen: int) -> None:
    assert parse_amount(typed) == fen


@pytest.mark.parametrize("typed", ["1.234", "abc", "", "NaN", "1e3.5"])
def test_it_refuses_what_is_not_an_amount_with_two_decimals(typed: str) -> None:
    assert parse_amount(typed) is None


def test_yuan_prints_thousands_and_two_decimals() -> None:
    assert yuan(1_200_000) == "12,000.00"
    assert yuan(-5) == "-0.05"


@pytest.mark.django_db
class TestTotals:
    def test_income_spending_and_balance_are_summed_from_the_lines(
        self, personas: Personas
    ) -> None:
        disclosure = draft_finances(personas.staff_a)
        summary = finance_summary(disclosure)
        assert summary is not None
        assert summary.income_fen == 1_200_000
        assert summary.spending_fen == 128_050 + 30_525
        assert summary.balance == "10,414.25"

    def test_each_bad_line_is_named_by_its_row(self, personas: Personas) -> None:
        with pytest.raises(ValidationError) as caught:
            draft_finances(
                personas.staff_a,
                lines=[
                    {"item": "电费", "direction": "expense", "amount": "12.345"},
                    {"item": "", "direction": "income", "amount": "0"},
                ],
            )
        messages = caught.value.message_dict["lines"]
        assert "第 1 行：金额须为数字，最多两位小数（如 1280.50）" in messages
        assert "第 2 行：请填写项目" in messages
        assert "第 2 行：金额须大于零" in messages

    def test_lines_belong_only_to_finance_disclosures(self, personas: Personas) -> None:
        with pytest.raises(ValidationError) as caught:
            draft_finances(personas.staff_a, category="decisions", body="决定事项")
        assert caught.value.message_dict["lines"] == ["只有“财务收支”类的公开事项填写收支明细"]
