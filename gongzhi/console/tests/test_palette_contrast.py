"""The stylesheet's colours meet WCAG 2.1 AA contrast (1.4.3 text, 1.4.11 controls)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

CSS = (settings.BASE_DIR / "static" / "css" / "gongzhi.css").read_text(encoding="utf-8")
ROOT = CSS.split(":root {", 1)[1].split("}", 1)[0]
TOKENS = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", ROOT))
ELDER = CSS.split("body.elder-mode {", 1)[1].split("}", 1)[0]
ELDER_TOKENS = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", ELDER))
WHITE = "#ffffff"


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# (foreground, background, minimum): text needs 4.5:1, borders of controls 3:1.
PAIRS = [
    ("text", "bg", 4.5),
    ("text", "bg-page", 4.5),
    ("text-muted", "bg", 4.5),
    ("text-muted", "bg-page", 4.5),
    ("text-muted", "bg-zebra", 4.5),
    ("blue", "bg", 4.5),
    ("blue", "bg-page", 4.5),
    ("blue", "blue-tint", 4.5),
    ("blue-dark", "blue-tint", 4.5),
    ("red", "bg", 4.5),
    ("red-dark", "red-tint", 4.5),
    ("green", "green-tint", 4.5),
    ("amber-text", "amber-tint", 4.5),
    ("border-strong", "bg", 3.0),
    ("amber-edge", "bg", 3.0),
    ("focus", "bg", 3.0),
    ("focus", "bg-page", 3.0),
]


class TestPaletteContrast:
    @pytest.mark.parametrize(("fg", "bg", "minimum"), PAIRS)
    def test_each_pair_in_use_is_readable(self, fg: str, bg: str, minimum: float) -> None:
        assert contrast(TOKENS[fg], TOKENS[bg]) >= minimum

    @pytest.mark.parametrize("background", ["blue", "blue-dark", "red", "red-dark"])
    def test_white_text_on_filled_buttons_is_readable(self, background: str) -> None:
        assert contrast(WHITE, TOKENS[background]) >= 4.5

    def test_elder_mode_raises_the_contrast_of_muted_text(self) -> None:
        elder = contrast(ELDER_TOKENS["text-muted"], WHITE)
        assert elder >= 7.0
        assert elder > contrast(TOKENS["text-muted"], WHITE)
