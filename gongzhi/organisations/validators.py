"""Validation of the unified social credit code (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# GB 32100-2015: the code uses digits and upper-case letters without I, O, Z, S, V.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_LENGTH = 18


def credit_code_check_character(first_17: str) -> str:
    """The check character (position 18) for the first 17 characters, GB 32100-2015 §5.

    ``31 - (Σ value × weight mod 31)``, with 31 written as 0.
    """
    total = sum(
        CREDIT_CODE_CHARSET.index(char) * weight
        for char, weight in zip(first_17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    check = 31 - total % 31
    return CREDIT_CODE_CHARSET[0 if check == 31 else check]


def validate_credit_code(value: str) -> None:
    """Raise a Chinese ValidationError unless ``value`` is a well-formed credit code."""
    if len(value) != CREDIT_CODE_LENGTH:
        raise ValidationError(
            _("统一社会信用代码应为 18 位，当前为 %(length)d 位") % {"length": len(value)},
            code="credit_code_length",
        )
    bad = sorted({char for char in value if char not in CREDIT_CODE_CHARSET})
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符：%(chars)s（不用 I、O、Z、S、V）")
            % {"chars": "".join(bad)},
            code="credit_code_charset",
        )
    # Positions 3–8 are the administrative division code of the registering authority.
    if not value[2:8].isdigit():
        raise ValidationError(
            _("统一社会信用代码第 3–8 位应为行政区划代码（数字）"), code="credit_code_division"
        )
    expected = credit_code_check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验位不符，请逐位核对（可能有输错的字符）"),
            code="credit_code_checksum",
        )
