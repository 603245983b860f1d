"""Identity documents (证件): the citizen ID number of GB 11643-1999 and its relatives.

Plain functions and frozen dataclasses, no models: pages, the API and the residents import
(1.42 million rows) call the same code, so the hot path avoids regular expressions, the
clock and per-call translation. Every error is an :class:`IdNumberError` carrying a stable
``code``, the input ``field`` it is about and a Chinese ``message``.

The numbers handled here:

居民身份证 (GB 11643-1999)
    18 characters: 6-digit address code (GB/T 2260), 8-digit birth date, 3-digit sequence
    (odd = male), check character by ISO 7064 MOD 11-2. The first-generation 15-digit
    number (YYMMDD, no check character) is converted to 18.
港澳居民居住证, 台湾居民居住证
    The same structure and checksum; the address code is 810000 (Hong Kong), 820000
    (Macao) or 830000 (Taiwan).
外国人永久居留身份证, 2023 version (issued from 2023-12-01)
    18 characters with the citizen ID's MOD 11-2 check character (National Immigration
    Administration, 新版外国人永久居留身份证机读信息规则): ``9`` + 2-digit province-level
    code of the accepting place + 3-digit nationality (ISO 3166-1 numeric) + 8-digit birth
    date + 3-digit sequence + check character.
外国人永久居留证, 2004 and 2017 versions
    15 characters, "3 Latin letters + 12 digits": nationality (ISO 3166-1 alpha-3) +
    4-digit accepting place (province and city code) + birth date YYMMDD + 2 digits.
    Structure and birth date are checked. The role of the last two digits (sequence, sex,
    check digit) is not published in a source this module could verify, so no checksum
    is applied and no sex is derived.
其他
    Anything printable, at most 30 characters.
"""

from __future__ import annotations

import random
import time as _time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from gongzhi.core.codes import SEX, SEX_FEMALE, SEX_MALE

__all__ = [
    "MINOR_AGE",
    "OTHER_MAX_LENGTH",
    "CitizenId",
    "Document",
    "DocumentType",
    "IdError",
    "IdNumberError",
    "age_on",
    "check_character",
    "check_declared",
    "convert_legacy_id",
    "document_type_for",
    "generate_citizen_id",
    "is_minor_under_14",
    "mask_id",
    "normalise_number",
    "parse_citizen_id",
    "parse_document",
]


class DocumentType(models.TextChoices):
    """证件类型 — the identity documents a resident record may carry."""

    CITIZEN_ID = "citizen_id", gettext_lazy("居民身份证")
    HK_MACAO_PERMIT = "hk_macao_permit", gettext_lazy("港澳居民居住证")
    TAIWAN_PERMIT = "taiwan_permit", gettext_lazy("台湾居民居住证")
    FOREIGN_PERMANENT = "foreign_permanent", gettext_lazy("外国人永久居留身份证")
    OTHER = "other", gettext_lazy("其他")


class IdError(StrEnum):
    """Why a number was refused; stable across languages, for code and tests."""

    EMPTY = "empty"
    LENGTH = "length"
    CHARACTER = "character"
    ADDRESS_CODE = "address_code"
    BIRTH_DATE = "birth_date"
    BIRTH_DATE_FUTURE = "birth_date_future"
    BIRTH_DATE_TOO_EARLY = "birth_date_too_early"
    CHECKSUM = "checksum"
    PERMIT_REGION = "permit_region"
    WRONG_TYPE = "wrong_type"
    FOREIGN_PREFIX = "foreign_prefix"
    ISSUING_PLACE = "issuing_place"
    NOT_PRINTABLE = "not_printable"
    DOCUMENT_TYPE = "document_type"
    SEX_MISMATCH = "sex_mismatch"
    BIRTH_DATE_MISMATCH = "birth_date_mismatch"


class IdNumberError(ValueError):
    """A document number (or a value declared beside it) that cannot be accepted.

    ``field`` names the input the message is about: ``"number"``, ``"doc_type"``,
    ``"sex"`` or ``"birth_date"``, so a form or an import can put it on the right column.
    """

    def __init__(self, code: IdError, message: str, *, field: str = "number") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


@dataclass(frozen=True, slots=True)
class CitizenId:
    """A valid GB 11643 number and what it encodes."""

    number: str  # normalised, 18 characters
    address_code: str  # GB/T 2260 code of the registration place when it was issued
    birth_date: date
    sex: str  # GB/T 2261.1: "1" male (odd sequence), "2" female (even)
    is_legacy: bool  # converted from a 15-digit first-generation number


@dataclass(frozen=True, slots=True)
class Document:
    """A valid identity document number and whatever it encodes (``None`` where nothing)."""

    doc_type: DocumentType
    number: str  # normalised: what is stored and blind-indexed
    birth_date: date | None
    sex: str | None  # GB/T 2261.1 code, where the number encodes it
    # The place code the number carries: the 6-digit GB/T 2260 address code of a GB 11643
    # number; for foreigners the accepting place (2 digits in 2023 numbers, 4 in older ones).
    address_code: str | None = None
    nationality: str | None = None  # ISO 3166-1: numeric (2023 version), alpha-3 (older)
    is_legacy: bool = False  # a converted 15-digit citizen ID, or a 15-character foreigner ID
    # True when the number writes the year with two digits (15-character foreigner IDs):
    # the century was inferred, and check_declared compares only what the number holds.
    birth_century_inferred: bool = False


MINOR_AGE = 14  # PIPL Art. 28 and 31: under-14s' data is sensitive; a guardian consents
OTHER_MAX_LENGTH = 30
EARLIEST_BIRTH_YEAR = 1900

# ISO 7064 MOD 11-2 as GB 11643 applies it: the weight of position i (1-based, 17 digits)
# is 2^(18-i) mod 11; remainder r of the weighted sum gives CHECK_CHARACTERS[r].
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"

# Province-level codes (GB/T 2260) of the mainland: where a foreigner's permanent
# residence card is accepted, and the first two digits of most citizen IDs.
MAINLAND_PROVINCES = (
    *(11, 12, 13, 14, 15),  # 华北
    *(21, 22, 23),  # 东北
    *(31, 32, 33, 34, 35, 36, 37),  # 华东
    *(41, 42, 43, 44, 45, 46),  # 中南
    *(50, 51, 52, 53, 54),  # 西南
    *(61, 62, 63, 64, 65),  # 西北
)
MAINLAND_PROVINCE_CODES = frozenset(str(code) for code in MAINLAND_PROVINCES)
# A GB 11643 number may also start with 71 台湾, 81 香港 and 82 澳门 (residence permits
# use 810000/820000), 83 (Taiwan residents' permits use 830000) and 91, which some tables
# list for 国外. A foreigner's 2023 number opens with 9 too: parse_document tells them apart.
PROVINCE_CODES = MAINLAND_PROVINCE_CODES | {"71", "81", "82", "83", "91"}
PERMIT_ADDRESS_CODES = {
    DocumentType.HK_MACAO_PERMIT: frozenset({"810000", "820000"}),
    DocumentType.TAIWAN_PERMIT: frozenset({"830000"}),
}
# The last day 15-character foreigner cards were issued (the 18-character version started
# on 2023-12-01). Their holders were born by then, which settles YY as 20YY when that is
# not later, else 19YY; only people over 100 would be misread.
LAST_15_CHARACTER_ISSUE = date(2023, 11, 30)

_DIGITS = frozenset("0123456789")
_ODD_DIGITS = frozenset("13579")
_CHECK_ALLOWED = frozenset("0123456789X")
_UPPER_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_GB11643_POSITIONS = [_DIGITS] * 17 + [_CHECK_ALLOWED]
_FOREIGN_15_POSITIONS = [_UPPER_LETTERS] * 3 + [_DIGITS] * 12


def _normalising_table() -> dict[int, int | None]:
    table: dict[int, int | None] = {}
    for ascii_code in range(0x21, 0x7F):  # full-width forms of printable ASCII
        table[ascii_code + 0xFEE0] = ascii_code
    for blank in " \t\n\r\v\f\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff":
        table[ord(blank)] = None
    return table


_NORMALISE = _normalising_table()


def normalise_number(value: str) -> str:
    """The number as stored: blanks removed, full-width forms to ASCII, letters upper-case.

    ``"１１０１０５ １９４９１２３１００２ｘ"`` becomes ``"11010519491231002X"``.
    """
    if value.isascii() and value.isalnum():
        return value.upper()
    return value.translate(_NORMALISE).upper()


def check_character(first_17: str) -> str:
    """The MOD 11-2 check character of 17 ASCII digits.

    The weights are 2^k mod 11 and 13 ≡ 2 (mod 11), so the weighted sum is congruent to
    twice the digits read as a base-13 number: one ``int()`` in C instead of a loop.
    """
    if not (len(first_17) == 17 and first_17.isascii() and first_17.isdigit()):
        raise ValueError(f"expected 17 ASCII digits, not {first_17!r}")
    return CHECK_CHARACTERS[(2 * int(first_17, 13)) % 11]


# --- Today, cheaply -----------------------------------------------------------------------
# timezone.localdate() costs microseconds and an import checks a million birth dates
# against it. The date is kept until the next local midnight, or until the clock goes
# backwards (tests that travel in time).


class _Today:
    value = date.min
    valid_from = 0.0
    valid_until = 0.0


def local_today() -> date:
    """Today in the platform's time zone, read from the clock once a day (see above)."""
    now = _time.time()
    if _Today.valid_from <= now < _Today.valid_until:
        return _Today.value
    if settings.USE_TZ:
        today = timezone.localdate()
        midnight = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    else:
        today = date.today()
        midnight = datetime.combine(today, datetime.min.time())
    _Today.value = today
    _Today.valid_from = now
    _Today.valid_until = (midnight + timedelta(days=1)).timestamp()
    return today


# --- Errors and checks shared by the parsers ----------------------------------------------


def _empty() -> IdNumberError:
    return IdNumberError(IdError.EMPTY, gettext("证件号码不能为空"))


def _length(message: str) -> IdNumberError:
    return IdNumberError(IdError.LENGTH, message)


def _bad_character(number: str, allowed_at: list[frozenset[str]]) -> IdNumberError:
    """The error naming the first character not allowed at its position."""
    character = next(
        (c for c, allowed in zip(number, allowed_at, strict=False) if c not in allowed),
        number[-1],
    )
    shown = character if character.isprintable() else repr(character)
    return IdNumberError(
        IdError.CHARACTER, gettext("证件号码含有非法字符“%(character)s”") % {"character": shown}
    )


# Valid past dates by their 8-digit text. Only dates not after today are kept, so the
# cache holds at most one entry per day since 1900 (about 46,000).
_BIRTH_DATES: dict[str, date] = {}


def _birth_date(digits: str, today: date) -> date:
    birth = _BIRTH_DATES.get(digits)
    if birth is None:
        year = int(digits[:4])
        try:
            birth = date(year, int(digits[4:6]), int(digits[6:8]))
        except ValueError:
            raise IdNumberError(IdError.BIRTH_DATE, gettext("证件号码中的出生日期无效")) from None
        if year < EARLIEST_BIRTH_YEAR:
            raise IdNumberError(
                IdError.BIRTH_DATE_TOO_EARLY, gettext("证件号码中的出生日期早于1900年")
            )
        if birth <= today:
            _BIRTH_DATES[digits] = birth
    if birth > today:
        raise IdNumberError(IdError.BIRTH_DATE_FUTURE, gettext("证件号码中的出生日期晚于今天"))
    return birth


def _gb11643_body(number: str, today: date) -> tuple[date, str]:
    """Check an 18-character number of GB 11643 structure: characters, date, checksum.

    Returns the birth date and the sex; the address code is the caller's to judge.
    """
    head = number[:17]
    last = number[17]
    if not (number.isascii() and head.isdigit() and last in _CHECK_ALLOWED):
        raise _bad_character(number, _GB11643_POSITIONS)
    birth = _birth_date(number[6:14], today)
    expected = CHECK_CHARACTERS[(2 * int(head, 13)) % 11]
    if last != expected:
        raise IdNumberError(
            IdError.CHECKSUM,
            gettext("证件号码校验码错误（应为%(expected)s）") % {"expected": expected},
        )
    return birth, SEX_MALE if number[16] in _ODD_DIGITS else SEX_FEMALE


# --- Citizen ID ---------------------------------------------------------------------------


def convert_legacy_id(value15: str) -> str:
    """A first-generation 15-digit number as 18: ``19`` put before YYMMDD, check appended.

    Only the form is converted; :func:`parse_citizen_id` judges the result.
    """
    number = normalise_number(value15)
    if len(number) != 15:
        raise _length(gettext("旧身份证号码长度不对（须为15位）"))
    if not (number.isascii() and number.isdigit()):
        raise _bad_character(number, [_DIGITS] * 15)
    first_17 = f"{number[:6]}19{number[6:]}"
    return first_17 + CHECK_CHARACTERS[(2 * int(first_17, 13)) % 11]


def _citizen_fields(value: str, today: date) -> tuple[str, date, str, bool]:
    """Number, birth date, sex and legacy flag of a citizen ID, or :class:`IdNumberError`.

    The common case is settled in one pass: 18 ASCII characters (upper-casing handles a
    lower-case x), a province code, a birth date already seen and a matching check
    character. Anything else is normalised and takes the full checks, which name the fault.
    """
    if len(value) == 18 and value.isascii():
        number = value.upper()
        head = number[:17]
        birth = _BIRTH_DATES.get(number[6:14])
        if (
            birth is not None
            and birth <= today
            and number[:2] in PROVINCE_CODES
            and head.isdigit()
            and CHECK_CHARACTERS[(2 * int(head, 13)) % 11] == number[17]
        ):
            return number, birth, SEX_MALE if number[16] in _ODD_DIGITS else SEX_FEMALE, False
    return _checked_citizen_fields(normalise_number(value), today)


def _checked_citizen_fields(number: str, today: date) -> tuple[str, date, str, bool]:
    length = len(number)
    if length == 18:
        is_legacy = False
    elif length == 15:
        number = convert_legacy_id(number)
        is_legacy = True
    elif length == 0:
        raise _empty()
    else:
        raise _length(gettext("证件号码长度不对（须为18位）"))
    if number[:2] not in PROVINCE_CODES:
        if not (number.isascii() and number[:17].isdigit()):
            raise _bad_character(number, _GB11643_POSITIONS)
        raise IdNumberError(
            IdError.ADDRESS_CODE,
            gettext("证件号码的地址码无效（前两位“%(prefix)s”不是省级行政区划代码）")
            % {"prefix": number[:2]},
        )
    birth, sex = _gb11643_body(number, today)
    return number, birth, sex, is_legacy


def parse_citizen_id(value: str, *, today: date | None = None) -> CitizenId:
    """Parse a 居民身份证 number (18 characters, or a 15-digit legacy number).

    Checks, in this order: length, characters, address code (its first two digits must be
    a province-level code; the full code is not looked up, because division codes change
    and the registry keeps people registered under old ones), birth date (a real date,
    1900 or later, not after ``today``), check character. Raises :class:`IdNumberError`.
    Pass ``today`` when checking many numbers in one go.
    """
    number, birth, sex, is_legacy = _citizen_fields(value, today or local_today())
    return CitizenId(number, number[:6], birth, sex, is_legacy)


# --- Other document types -----------------------------------------------------------------


def _wrong_type(actual: DocumentType) -> IdNumberError:
    return IdNumberError(
        IdError.WRONG_TYPE,
        gettext("这是%(type)s号码，证件类型应选“%(type)s”") % {"type": actual.label},
        field="doc_type",
    )


_PERMIT_BY_ADDRESS_CODE = {
    code: permit for permit, codes in PERMIT_ADDRESS_CODES.items() for code in codes
}


def _looks_foreign(number: str) -> bool:
    """Whether the number has a foreigner's form: 18 characters opening with 9 (province
    codes run 1–8), or 15 opening with three letters."""
    if len(number) == 18:
        return number[0] == "9"
    return len(number) == 15 and number[:3].isascii() and number[:3].isalpha()


def _citizen(value: str, today: date) -> Document:
    # A foreigner's or a residence permit's number typed as a citizen ID is refused with
    # the right type named, rather than recorded under the wrong one or refused for a
    # fault it does not have.
    try:
        number, birth, sex, is_legacy = _citizen_fields(value, today)
    except IdNumberError:
        if _looks_foreign(normalise_number(value)):
            raise _wrong_type(DocumentType.FOREIGN_PERMANENT) from None
        raise
    address_code = number[:6]
    if address_code in _PERMIT_BY_ADDRESS_CODE:
        raise _wrong_type(_PERMIT_BY_ADDRESS_CODE[address_code])
    if number[0] == "9":
        raise _wrong_type(DocumentType.FOREIGN_PERMANENT)
    return Document(DocumentType.CITIZEN_ID, number, birth, sex, address_code, None, is_legacy)


def _permit(doc_type: DocumentType, number: str, today: date) -> Document:
    if not number:
        raise _empty()
    if len(number) != 18:
        raise _length(gettext("证件号码长度不对（须为18位）"))
    birth, sex = _gb11643_body(number, today)
    if number[:6] not in PERMIT_ADDRESS_CODES[doc_type]:
        if doc_type == DocumentType.TAIWAN_PERMIT:
            message = gettext("台湾居民居住证号码须以830000开头")
        else:
            message = gettext("港澳居民居住证号码须以810000（香港）或820000（澳门）开头")
        raise IdNumberError(IdError.PERMIT_REGION, message)
    return Document(doc_type, number, birth, sex, number[:6])


def _issuing_place_error() -> IdNumberError:
    return IdNumberError(IdError.ISSUING_PLACE, gettext("证件号码中的受理地代码无效"))


def _foreign_18(number: str, today: date) -> Document:
    if number[0] != "9":
        raise IdNumberError(
            IdError.FOREIGN_PREFIX,
            gettext("外国人永久居留身份证号码须以9开头（旧版为3个字母开头）"),
        )
    place = number[1:3]
    if place.isascii() and place.isdigit() and place not in MAINLAND_PROVINCE_CODES:
        raise _issuing_place_error()
    # The nationality (positions 4–6) is checked for form only: no ISO 3166-1 table is
    # kept in data/, and the check character catches typing errors in it.
    birth, _ = _gb11643_body(number, today)
    # No sex is derived: the published rule does not say the sequence's parity follows
    # GB 11643.
    return Document(
        DocumentType.FOREIGN_PERMANENT,
        number,
        birth,
        None,
        number[1:3],
        nationality=number[3:6],
    )


def _foreign_15(number: str, today: date) -> Document:
    if not (number.isascii() and number[:3].isalpha() and number[3:].isdigit()):
        raise _bad_character(number, _FOREIGN_15_POSITIONS)
    if number[3:5] not in MAINLAND_PROVINCE_CODES:
        raise _issuing_place_error()
    yymmdd = number[7:13]
    birth: date | None = None
    for century in ("20", "19"):
        try:
            candidate = _birth_date(century + yymmdd, today)
        except IdNumberError:
            continue
        if century == "20" and candidate > LAST_15_CHARACTER_ISSUE:
            continue
        birth = candidate
        break
    if birth is None:
        raise IdNumberError(IdError.BIRTH_DATE, gettext("证件号码中的出生日期无效"))
    return Document(
        DocumentType.FOREIGN_PERMANENT,
        number,
        birth,
        None,
        number[3:7],
        nationality=number[:3],
        is_legacy=True,
        birth_century_inferred=True,
    )


def _foreign(number: str, today: date) -> Document:
    if not number:
        raise _empty()
    if len(number) == 18:
        return _foreign_18(number, today)
    if len(number) == 15:
        return _foreign_15(number, today)
    raise _length(gettext("外国人永久居留身份证号码长度不对（须为18位，旧版为15位）"))


def _other(value: str) -> Document:
    number = value.strip()
    if not number:
        raise _empty()
    if len(number) > OTHER_MAX_LENGTH:
        raise _length(gettext("证件号码不能超过%(limit)d个字符") % {"limit": OTHER_MAX_LENGTH})
    if not number.isprintable():
        raise IdNumberError(IdError.NOT_PRINTABLE, gettext("证件号码含有不可打印的字符"))
    return Document(DocumentType.OTHER, number, None, None)


def _unknown_type(value: str) -> IdNumberError:
    shown = value if len(value) <= 20 else value[:20] + "…"
    return IdNumberError(
        IdError.DOCUMENT_TYPE,
        gettext("证件类型“%(value)s”无效") % {"value": shown},
        field="doc_type",
    )


def parse_document(
    doc_type: DocumentType | str, value: str, *, today: date | None = None
) -> Document:
    """Parse a number of ``doc_type`` (a :class:`DocumentType` or its value).

    A number typed under the wrong type (a permit's 810000…, a foreigner's 9… under
    居民身份证) is refused with the right type named. Raises :class:`IdNumberError`.
    Pass ``today`` when checking many numbers in one go.
    """
    kind = _DOCUMENT_TYPES.get(doc_type)
    if kind is None:
        raise _unknown_type(str(doc_type))
    if kind is DocumentType.CITIZEN_ID:
        return _citizen(value, today or local_today())
    if kind is DocumentType.OTHER:
        return _other(value)
    number = normalise_number(value)
    day = today or local_today()
    if kind is DocumentType.FOREIGN_PERMANENT:
        return _foreign(number, day)
    return _permit(kind, number, day)


# Members hash and compare as their values, so one dictionary answers for both.
_DOCUMENT_TYPES: dict[str, DocumentType] = {kind.value: kind for kind in DocumentType}


# What people write in a 证件类型 column besides the labels themselves.
_DOCUMENT_TYPE_NAMES = {
    "居民身份证": DocumentType.CITIZEN_ID,
    "身份证": DocumentType.CITIZEN_ID,
    "港澳居民居住证": DocumentType.HK_MACAO_PERMIT,
    "港澳居住证": DocumentType.HK_MACAO_PERMIT,
    "台湾居民居住证": DocumentType.TAIWAN_PERMIT,
    "台湾居住证": DocumentType.TAIWAN_PERMIT,
    "外国人永久居留身份证": DocumentType.FOREIGN_PERMANENT,
    "外国人永久居留证": DocumentType.FOREIGN_PERMANENT,
    "永居证": DocumentType.FOREIGN_PERMANENT,
    "其他": DocumentType.OTHER,
    "其它": DocumentType.OTHER,
}


def document_type_for(value: str) -> DocumentType:
    """The type for its value (``citizen_id``) or a Chinese name (``居民身份证``, ``身份证``)."""
    key = value.strip()
    found = _DOCUMENT_TYPE_NAMES.get(key)
    if found is not None:
        return found
    try:
        return DocumentType(key)
    except ValueError:
        raise _unknown_type(key) from None


# --- Declared values, ages, masking -------------------------------------------------------

_SEX_NAMES = {SEX_MALE: gettext_lazy("男"), SEX_FEMALE: gettext_lazy("女")}


def check_declared(
    document: Document | CitizenId, *, sex: str | None = None, birth_date: date | None = None
) -> None:
    """Refuse a declared sex or birth date that the number contradicts.

    ``sex`` is a GB/T 2261.1 code or its name (``2``, ``女``). What the number does not
    encode is not compared, and a declared sex of ``0`` (unknown) or ``9`` (not stated)
    contradicts nothing; an unreadable sex is the caller's to refuse (``SEX.lookup``).
    For 15-character foreigner numbers only YYMMDD is compared, as they have no century.
    """
    if sex is not None and sex not in _SEX_NAMES:
        sex = SEX.find(sex)
    if sex in _SEX_NAMES and document.sex is not None and sex != document.sex:
        raise IdNumberError(
            IdError.SEX_MISMATCH,
            gettext("性别与证件号码不符（按证件号码应为“%(expected)s”）")
            % {"expected": _SEX_NAMES[document.sex]},
            field="sex",
        )
    encoded = document.birth_date
    if birth_date is None or encoded is None:
        return
    if isinstance(document, Document) and document.birth_century_inferred:
        matches = f"{birth_date:%y%m%d}" == f"{encoded:%y%m%d}"
        expected = f"{encoded:%y-%m-%d}"
    else:
        matches = birth_date == encoded
        expected = encoded.isoformat()
    if not matches:
        raise IdNumberError(
            IdError.BIRTH_DATE_MISMATCH,
            gettext("出生日期与证件号码不符（按证件号码应为%(expected)s）")
            % {"expected": expected},
            field="birth_date",
        )


def age_on(birth_date: date, day: date) -> int:
    """Completed years (周岁) on ``day``; the year is added on the birthday itself.

    Someone born on 29 February turns a year older on 1 March in common years.
    """
    if day < birth_date:
        raise ValueError(f"{day} is before the birth date {birth_date}")
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def is_minor_under_14(birth_date: date, day: date) -> bool:
    """Whether the person is under 14 on ``day`` (PIPL Art. 31: a guardian consents)."""
    return age_on(birth_date, day) < MINOR_AGE


def mask_id(number: str) -> str:
    """The number with its middle hidden: ``152201********123X``.

    18 characters or more keep the first 6 and the last 4 (the usual display); 10 to 17
    keep the first 3 and the last 2; 4 to 9 keep one at each end; shorter ones show
    nothing. At most 10 of 18 characters, otherwise at most half, are ever shown.
    """
    length = len(number)
    if length >= 18:
        head, tail = 6, 4
    elif length >= 10:
        head, tail = 3, 2
    elif length >= 4:
        head, tail = 1, 1
    else:
        return "*" * length
    return number[:head] + "*" * (length - head - tail) + number[length - tail :]


# --- Synthetic data -----------------------------------------------------------------------


def generate_citizen_id(
    rng: random.Random, *, address_code: str, birth_date: date, sex: str
) -> str:
    """A valid synthetic 居民身份证 number, for demo data and benchmarks.

    The sequence is random but never 000, its last digit odd for ``sex="1"`` and even for
    ``sex="2"``; the check character is computed.
    """
    if not (
        len(address_code) == 6 and address_code.isdigit() and address_code[:2] in PROVINCE_CODES
    ):
        raise ValueError(f"not a GB/T 2260 address code: {address_code!r}")
    if sex not in _SEX_NAMES:
        raise ValueError(f"sex must be {SEX_MALE!r} or {SEX_FEMALE!r}, not {sex!r}")
    if birth_date.year < EARLIEST_BIRTH_YEAR:
        raise ValueError(f"birth date before {EARLIEST_BIRTH_YEAR}: {birth_date}")
    parity = 1 if sex == SEX_MALE else 0
    sequence = 0
    while not sequence:
        sequence = rng.randrange(100) * 10 + rng.randrange(5) * 2 + parity
    first_17 = f"{address_code}{birth_date:%Y%m%d}{sequence:03d}"
    return first_17 + CHECK_CHARACTERS[(2 * int(first_17, 13)) % 11]
