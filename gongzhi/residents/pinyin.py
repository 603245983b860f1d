"""Pinyin of residents' names, for search by full pinyin and by initials.

``pypinyin.lazy_pinyin`` segments a text against its phrase dictionary before reading
it: about 0.1 ms a name, the largest single cost of importing a league's population (one
call per distinct name, and a league has hundreds of thousands). What it computes is
simple for a name: a run of characters found in the phrase dictionary takes the
phrase's readings, every other character its first (most common) reading. A name none of
whose two-or-more-character runs is a phrase (巴特尔, 乌云其其格 and 98 % of the names of
the synthetic league) is therefore read here character by character from pypinyin's own
character dictionary, in a few microseconds; any other name, or one with a character
pypinyin does not know, goes through ``lazy_pinyin`` itself. Both ways give the same
text: the tests compare them over every character and over random and synthetic names.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

FULL_MAX_LENGTH = 200
INITIALS_MAX_LENGTH = 50
MAX_PHRASE_LENGTH = 10  # the longest entry of pypinyin's phrase dictionary


def _toneless(reading: str) -> str:
    """``lǚ`` → ``lv``: the tone marks dropped, ü written v (pypinyin's ``Style.NORMAL``)."""
    decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def first_readings() -> dict[str, str]:
    """Every character pypinyin knows → its first reading, toneless (built once, 0.3 s)."""
    from pypinyin.constants import PINYIN_DICT

    return {
        chr(codepoint): _toneless(readings.split(",", 1)[0])
        for codepoint, readings in PINYIN_DICT.items()
    }


def _has_phrase(name: str) -> bool:
    """Whether a run of two or more of the name's characters is in pypinyin's phrases."""
    from pypinyin.constants import PHRASES_DICT

    size = len(name)
    for start in range(size - 1):
        for end in range(start + 2, min(size, start + MAX_PHRASE_LENGTH) + 1):
            if name[start:end] in PHRASES_DICT:
                return True
    return False


def slow_pinyin_of(name: str) -> tuple[str, str]:
    """``pinyin_of`` through pypinyin's segmentation (names holding a phrase)."""
    full = "".join(lazy_pinyin(name, style=Style.NORMAL, errors="ignore")).lower()
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()
    return (
        full.replace(" ", "")[:FULL_MAX_LENGTH],
        initials.replace(" ", "")[:INITIALS_MAX_LENGTH],
    )


def pinyin_of(name: str) -> tuple[str, str]:
    """Full pinyin and initials of a name, lower case, no tones: 张三 → ("zhangsan", "zs")."""
    table = first_readings()
    readings = []
    for ch in name:
        reading = table.get(ch)
        if reading is None:
            return slow_pinyin_of(name)
        readings.append(reading)
    if _has_phrase(name):
        return slow_pinyin_of(name)
    return (
        "".join(readings)[:FULL_MAX_LENGTH],
        "".join(reading[0] for reading in readings)[:INITIALS_MAX_LENGTH],
    )
