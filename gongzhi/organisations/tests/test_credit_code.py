"""The unified social credit code (统一社会信用代码) and its GB 32100-2015 check character."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from gongzhi.organisations.validators import (
    CREDIT_CODE_CHARSET,
    credit_code_check_character,
    validate_credit_code,
)


class TestCreditCode:
    @pytest.mark.parametrize(
        "code",
        [
            "91350100M000100Y43",  # the standard's own example
            "91110000802100433B",
            "91152201701451756X",
        ],
    )
    def test_it_accepts_valid_codes(self, code: str) -> None:
        validate_credit_code(code)

    @pytest.mark.parametrize(
        ("code", "reason"),
        [
            ("91350100M000100Y44", "校验位"),  # wrong check character
            ("911522017014517563", "校验位"),
            ("91350100M000100Y4", "18 位"),  # too short
            ("91350100M000100Y433", "18 位"),  # too long
            ("91350100M0001O0Y43", "不允许的字符"),  # letter O is not in the charset
            ("91350100m000100Y43", "不允许的字符"),  # lower case
            ("9135A100M000100Y43", "行政区划代码"),  # positions 3–8 must be digits
        ],
    )
    def test_it_rejects_invalid_codes_with_a_chinese_reason(self, code: str, reason: str) -> None:
        with pytest.raises(ValidationError) as raised:
            validate_credit_code(code)
        assert reason in raised.value.messages[0]

    def test_a_remainder_of_zero_gives_check_character_zero(self) -> None:
        # Σ = 0 → 31 - 0 = 31, written as 0.
        assert credit_code_check_character("0" * 17) == "0"

    @given(
        st.text(alphabet=CREDIT_CODE_CHARSET, min_size=2, max_size=2),
        st.text(alphabet="0123456789", min_size=6, max_size=6),
        st.text(alphabet=CREDIT_CODE_CHARSET, min_size=9, max_size=9),
    )
    def test_any_code_with_its_computed_check_character_is_valid(
        self, head: str, division: str, body: str
    ) -> None:
        first_17 = head + division + body
        validate_credit_code(first_17 + credit_code_check_character(first_17))

    @given(
        st.text(alphabet=CREDIT_CODE_CHARSET, min_size=2, max_size=2),
        st.text(alphabet="0123456789", min_size=6, max_size=6),
        st.text(alphabet=CREDIT_CODE_CHARSET, min_size=9, max_size=9),
        st.integers(min_value=0, max_value=16),
        st.integers(min_value=1, max_value=30),
    )
    def test_changing_one_character_is_caught(
        self, head: str, division: str, body: str, position: int, shift: int
    ) -> None:
        first_17 = head + division + body
        code = first_17 + credit_code_check_character(first_17)
        alphabet = "0123456789" if 2 <= position < 8 else CREDIT_CODE_CHARSET
        index = alphabet.index(code[position])
        replaced = alphabet[(index + shift) % len(alphabet)]
        if replaced == code[position]:
            return
        altered = code[:position] + replaced + code[position + 1 :]
        with pytest.raises(ValidationError):
            validate_credit_code(altered)
