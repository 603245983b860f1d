"""Personal data at rest (DESIGN rule 4): field encryption, blind indexes, masking.

The pure pieces that the residents registry builds on. Nothing here checks a permission
or writes a ledger event: showing a plaintext to a person is an action of the app that
owns the data (``do_unmask_…`` checks the unmask permission, records the event, then calls
``SealedValue.reveal()``).

Encryption
    ``encrypt(plaintext, purpose=…)`` seals a value with AES-256-GCM under a fresh random
    96-bit nonce and returns an ASCII token ``v1.<key id>.<base64url(nonce ‖ ciphertext ‖
    tag)>`` (74 characters for an 18-character ID number). The ``purpose`` (for example
    ``"resident.id_number"``) is authenticated as associated data, so a token copied into
    another column fails to decrypt there. The key id is the first 8 hex digits of the
    SHA-256 of the key, so tokens name the key that sealed them and the keys can be
    rotated: new values are sealed under ``FIELD_ENCRYPTION_KEY`` (env
    ``GONGZHI_FIELD_KEY``), and tokens under the keys listed in
    ``FIELD_ENCRYPTION_KEYS_OLD`` (env ``GONGZHI_FIELD_KEYS_OLD``, comma-separated) still
    decrypt until they are re-sealed with ``reencrypt`` (docs/operations.md §6).
    Random nonces are safe for about 2³² values per key (NIST SP 800-38D); a league
    writes a few million, so rotate long before that at province scale.
    GCM hides the content, not the length: a token shows whether an ID has 15 or 18
    characters, which the document type column tells anyway.

    The empty string is not encrypted: ``encrypt("")`` is ``""`` and ``decrypt("")`` is
    ``""``. An optional phone number that is absent stays visibly absent, as its masked
    column shows anyway, and ``filter(phone="")`` finds the rows without one. Every other
    value, however short, becomes a token.

Blind indexes
    ``blind_index(value, purpose=…)`` is HMAC-SHA-256 under ``BLIND_INDEX_KEY`` (env
    ``GONGZHI_BLIND_INDEX_KEY``) with a key derived per purpose, cut to 32 hex digits
    (128 bits): deterministic, so an indexed column of it serves exact lookup and a
    unique constraint. 128 bits is enough: the chance that two of even 1.4 billion
    distinct values share an index is about n²/2¹²⁹ ≈ 10⁻²¹, and the truncation does
    not help an attacker, who without the key cannot compute any index and with it can
    enumerate the few billion possible ID numbers whatever the length. Callers pass
    normalised values (``normalise_id_number``, ``normalise_phone``) so that the same
    number typed two ways finds the same row. ``blind_index("")`` is ``""``; a unique
    constraint on the column then needs ``condition=~Q(<column>="")``.

Tail indexes
    ``tail_indexes(value, purpose=…)`` computes HMACs of the value's last 4, 5 and 6
    characters (under a key of their own, 16 hex digits each) so that staff can search
    "ID ending in 123X" or "phone ending in 5678" by looking ``tail_index(query)`` up in
    an indexed column, without storing any plaintext tail. The trade-off: a 4-digit tail
    has only 10,000 possible values, so anyone holding the blind-index key can tabulate
    all of their HMACs in milliseconds and read every stored tail — which is why the key
    stays on the application servers and never sits in the database or its backups.
    Someone with the database alone learns only which rows share a tail (equality), not
    what the tail is; the same holds for the full blind index.

Masking
    ``mask_phone`` and ``mask_name`` give the forms that lists and exports show by default.
    ID numbers are masked by ``gongzhi.core.idcard.mask_id`` beside the rest of GB 11643.
    Masks need the plaintext, so the registry computes them when it writes a value and
    stores them in a plain column; list pages then never decrypt (see ``protect`` and
    ``gongzhi.core.fields``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import gettext

FORMAT_VERSION = "v1"
NONCE_BYTES = 12  # 96 bits, GCM's native nonce size
KEY_BYTES = 32  # AES-256, HMAC-SHA-256
INDEX_HEX_LENGTH = 32  # 128 bits: collision-free at any population (module docstring)
# A tail has at most ~10⁶ values, so 64 bits keep tails apart (collision chance ~10⁻⁸)
# and halve the index beside 1.4 M × 4 tail rows.
TAIL_HEX_LENGTH = 16
DEFAULT_TAIL_LENGTHS = (4, 5, 6)

_PURPOSE = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*\Z")
# 28 bytes (nonce and tag) at least: 38 base64url characters without padding.
_TOKEN = re.compile(r"v1\.([0-9a-f]{8})\.([A-Za-z0-9_-]{38,})\Z")
# Whitespace, and the invisible characters that spreadsheets and chat apps slip in.
_INVISIBLE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")
_NON_DIGIT = re.compile(r"[^0-9]+")
_URLSAFE = bytes.maketrans(b"+/", b"-_")


class DecryptionError(ValueError):
    """A token that cannot be opened: malformed, sealed under an unknown key, or altered.

    The message names the reason and at most the key id; never the token or a plaintext.
    """


_valid_purposes: set[str] = set()


def validate_purpose(purpose: str) -> str:
    """``purpose`` if it is a dotted lower-case name such as ``resident.id_number``."""
    if isinstance(purpose, str) and purpose in _valid_purposes:
        return purpose
    if not isinstance(purpose, str) or not _PURPOSE.match(purpose):
        raise ValueError(
            f"purpose must be a dotted lower-case name like 'resident.id_number': {purpose!r}"
        )
    _valid_purposes.add(purpose)
    return purpose


def key_id(key: bytes) -> str:
    """The first 8 hex digits of the key's SHA-256: names a key without revealing it."""
    return hashlib.sha256(key).hexdigest()[:8]


def _decode_key(value: object, name: str) -> bytes:
    raw = b""
    if isinstance(value, str):
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
    if len(raw) != KEY_BYTES:
        raise ImproperlyConfigured(f"{name} must be base64 of exactly {KEY_BYTES} random bytes")
    return raw


# --- The keyring --------------------------------------------------------------------------


@dataclass(frozen=True)
class Keyring:
    """The field keys: the current one seals, every one (current and old) opens."""

    current_id: str
    ciphers: Mapping[str, AESGCM]  # by key id, the current key's among them
    current: AESGCM
    prefix: str  # "v1.<current key id>." that every new token starts with


def _old_key_values() -> list[str]:
    value = getattr(settings, "FIELD_ENCRYPTION_KEYS_OLD", [])
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return [str(item).strip() for item in value if str(item).strip()]


def _build_keyring(current: str) -> Keyring:
    raw_current = _decode_key(current, "GONGZHI_FIELD_KEY (FIELD_ENCRYPTION_KEY)")
    keys = {key_id(raw_current): raw_current}
    for position, value in enumerate(_old_key_values(), start=1):
        raw = _decode_key(value, f"GONGZHI_FIELD_KEYS_OLD item {position}")
        identifier = key_id(raw)
        if keys.setdefault(identifier, raw) != raw:
            raise ImproperlyConfigured(
                f"two field keys share the key id {identifier}; generate a new key"
            )
    ciphers = {identifier: AESGCM(raw) for identifier, raw in keys.items()}
    current_id = key_id(raw_current)
    return Keyring(
        current_id=current_id,
        ciphers=ciphers,
        current=ciphers[current_id],
        prefix=f"{FORMAT_VERSION}.{current_id}.",
    )


_keyring: Keyring | None = None


def keyring() -> Keyring:
    """The keyring for the current settings, built on first use.

    Kept until a key setting changes (``setting_changed``, sent by ``override_settings``):
    reading a setting costs as much as a blind index, and keys do not change while a
    process runs.
    """
    global _keyring
    ring = _keyring
    if ring is None:
        ring = _keyring = _build_keyring(settings.FIELD_ENCRYPTION_KEY)
    return ring


# --- Encryption -------------------------------------------------------------------------

_associated_data: dict[str, bytes] = {}


def _aad(purpose: str) -> bytes:
    data = _associated_data.get(purpose)
    if data is None:
        # The format version is authenticated too, so a later format cannot be confused
        # with this one.
        data = _associated_data[purpose] = f"{FORMAT_VERSION}:{validate_purpose(purpose)}".encode()
    return data


def encrypt(plaintext: str, *, purpose: str) -> str:
    """Seal ``plaintext`` for the column named by ``purpose``; ``""`` stays ``""``."""
    if not isinstance(plaintext, str):
        raise TypeError(f"encrypt() takes text, not {type(plaintext).__name__}")
    aad = _aad(purpose)
    if not plaintext:
        return ""
    ring = _keyring or keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = nonce + ring.current.encrypt(nonce, plaintext.encode(), aad)
    # base64url without padding, by hand: urlsafe_b64encode costs two more Python calls.
    encoded = binascii.b2a_base64(sealed, newline=False).translate(_URLSAFE).rstrip(b"=")
    return ring.prefix + encoded.decode("ascii")


def decrypt(token: str, *, purpose: str) -> str:
    """The plaintext sealed in ``token`` for ``purpose``, or ``DecryptionError``."""
    aad = _aad(purpose)
    if token == "":
        return ""
    match = _TOKEN.match(token) if isinstance(token, str) else None
    if match is None:
        raise DecryptionError(gettext("不是有效的加密数据"))
    identifier, body = match.groups()
    cipher = (_keyring or keyring()).ciphers.get(identifier)
    if cipher is None:
        raise DecryptionError(
            gettext("密钥编号 %(key_id)s 不在密钥环中（GONGZHI_FIELD_KEY、GONGZHI_FIELD_KEYS_OLD）")
            % {"key_id": identifier}
        )
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        plaintext = cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
        return plaintext.decode("utf-8")
    except (InvalidTag, binascii.Error, ValueError):
        raise DecryptionError(gettext("解密失败：用途不符、密钥不对或密文被改动")) from None


def token_key_id(token: str) -> str | None:
    """The id of the key that sealed ``token``; None for ``""`` or a malformed token."""
    match = _TOKEN.match(token)
    return match.group(1) if match else None


def needs_reencryption(token: str) -> bool:
    """Whether ``token`` was sealed under a key other than the current one."""
    return token != "" and token_key_id(token) != keyring().current_id


def reencrypt(token: str, *, purpose: str) -> str:
    """``token`` sealed again under the current key (itself when it already is)."""
    if not needs_reencryption(token):
        return token
    return encrypt(decrypt(token, purpose=purpose), purpose=purpose)


# --- Blind and tail indexes --------------------------------------------------------------

_DERIVATION_LABEL = b"gongzhi blind index v1\x00"
EXACT, TAIL = "exact", "tail"
_index_key: bytes | None = None
# kind → purpose → the precomputed HMAC inner and outer SHA-256 states of its derived key.
_index_states: dict[str, dict[str, tuple[Any, Any]]] = {EXACT: {}, TAIL: {}}


def _states(purpose: str, kind: str) -> tuple[Any, Any]:
    """The HMAC states for indexes of ``kind`` over values of ``purpose``.

    HMAC(k, m) = H((k ⊕ opad) ‖ H((k ⊕ ipad) ‖ m)); hashing the two padded keys once and
    copying the states per value gives the same HMAC-SHA-256 at half the cost of
    ``hmac.digest``, which sets the key up again on every call.
    """
    global _index_key
    states = _index_states[kind].get(purpose)
    if states is None:
        master = _index_key
        if master is None:
            master = _index_key = _decode_key(
                settings.BLIND_INDEX_KEY, "GONGZHI_BLIND_INDEX_KEY (BLIND_INDEX_KEY)"
            )
        # A derived key per purpose and kind: indexes of two columns, or the exact and
        # the tail index of one, never coincide, so equal values cannot be linked.
        label = f"{kind}\x00{validate_purpose(purpose)}".encode()
        derived = hmac.digest(master, _DERIVATION_LABEL + label, "sha256")
        padded = derived.ljust(64, b"\x00")
        inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in padded))
        outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in padded))
        states = _index_states[kind][purpose] = (inner, outer)
    return states


def _hmac_hex(states: tuple[Any, Any], value: str, length: int) -> str:
    inner = states[0].copy()
    inner.update(value.encode())
    outer = states[1].copy()
    outer.update(inner.digest())
    return outer.hexdigest()[:length]


def blind_index(value: str, *, purpose: str) -> str:
    """32 hex digits identifying the normalised ``value`` of ``purpose``; ``""`` for ``""``."""
    if not value:
        validate_purpose(purpose)
        return ""
    return _hmac_hex(_states(purpose, EXACT), value, INDEX_HEX_LENGTH)


def tail_index(tail: str, *, purpose: str) -> str:
    """The index a search for values of ``purpose`` ending in ``tail`` looks up."""
    if not tail:
        raise ValueError("a tail search needs at least one character")
    return _hmac_hex(_states(purpose, TAIL), tail, TAIL_HEX_LENGTH)


def tail_indexes(
    value: str, *, purpose: str, lengths: Iterable[int] = DEFAULT_TAIL_LENGTHS
) -> dict[int, str]:
    """``{n: tail_index(value[-n:])}`` for each length ``n`` the value is long enough for.

    Store each in an indexed column (or a row of a tail table); a search for the last
    ``n`` characters computes ``tail_index`` of them and looks it up. See the module
    docstring for what a tail index does and does not reveal.
    """
    inner, outer = _states(purpose, TAIL)
    tails: dict[int, str] = {}
    size = len(value)
    for length in lengths:
        if length <= 0:
            raise ValueError(f"tail lengths must be positive: {length}")
        if length <= size:
            # _hmac_hex, inlined: this loop runs five times for every imported row.
            state = inner.copy()
            state.update(value[size - length :].encode())
            final = outer.copy()
            final.update(state.digest())
            tails[length] = final.hexdigest()[:TAIL_HEX_LENGTH]
    return tails


# --- Normalisation --------------------------------------------------------------------


def normalise_id_number(value: str) -> str:
    """An ID number as typed → its canonical form for the blind index.

    Full-width characters become ASCII (NFKC: ``１５２２`` → ``1522``, ``ｘ`` → ``x``),
    spaces and invisible characters go, letters become upper case (``x`` → ``X``).
    """
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", value)).upper()
    # Once more: dropping a space or upper-casing can leave a sequence NFKC composes.
    return unicodedata.normalize("NFKC", text)


def normalise_phone(value: str) -> str:
    """A phone number as typed → digits only, national form for Chinese numbers.

    ``+86 138-1234-5678``, ``0086 13812345678``, ``8613812345678`` and ``１３８１２３４５６７８``
    all become ``13812345678``; ``+86 482 826 1234`` becomes ``04828261234`` (a landline
    written internationally drops the trunk 0, which comes back). Foreign numbers keep
    their country code without the ``+`` (``+976 8811 2233`` → ``97688112233``); domestic
    numbers start with 0 or 1, so the two never meet.
    """
    if value.isdigit() and value.isascii() and value[:2] != "00" and len(value) != 13:
        return value  # already national digits: the common case, on the import's hot path
    text = unicodedata.normalize("NFKC", value).strip()
    digits = _NON_DIGIT.sub("", text)
    # Country codes never start with 0, so "00" then a zero is a domestic number.
    international = text.startswith("+") or (digits.startswith("00") and digits[2:3] > "0")
    if not international and len(digits) == 13 and digits.startswith("861"):
        international = True  # a mobile number with the country code but no "+"
    if not international:
        return digits
    digits = digits.lstrip("0")
    if not digits.startswith("86"):
        return digits
    national = digits[2:].lstrip("0")
    if len(national) == 11 and national.startswith("1"):
        return national
    return "0" + national if national else ""


# --- Masking ------------------------------------------------------------------------------


def mask_phone(value: str) -> str:
    """The phone number with its middle digits hidden, for lists and default exports.

    - mobile (11 digits from 1), and any number of 11 digits or more that is not a
      landline: the first 3 and the last 4 stay, ``13812345678`` → ``138****5678``;
    - landline with its area code (010, 02x: 3 digits; other 0xxx: 4): the area code and
      the last 4 digits of an 8-digit local number (3 of a shorter one) stay,
      ``04828261234`` → ``0482-****234``, ``01062345678`` → ``010-****5678``;
    - 8 to 10 digits: only the last 4 stay;
    - shorter numbers: at least 4 digits are hidden, all of them up to 4 digits.

    The number is normalised first (``normalise_phone``). At least 4 digits, and always
    the middle ones, are hidden.
    """
    digits = normalise_phone(value)
    count = len(digits)
    if count >= 10 and digits[0] == "0":
        area = 3 if digits[1] in "12" else 4
        local = digits[area:]
        shown = min(4, len(local) - 4)
        return f"{digits[:area]}-{'*' * (len(local) - shown)}{local[len(local) - shown :]}"
    if count >= 11:
        head, tail = 3, 4
    else:
        head, tail = 0, max(0, min(4, count - 4))
    return digits[:head] + "*" * (count - head - tail) + digits[count - tail :]


def mask_name(value: str) -> str:
    """A name with all but its edges hidden: ``乌云其其格`` → ``乌**格``.

    The first character stays; the last stays when the name has 3 characters or more;
    the middle becomes ``*`` (1 for a 3-character name, 2 for longer ones, so a long name
    does not give away its length): ``张三`` → ``张*``, ``张小三`` → ``张*三``. A
    one-character name becomes ``*``.
    """
    name = value.strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * min(len(name) - 2, 2) + name[-1]


# --- Sealed values ----------------------------------------------------------------------


class SealedValue:
    """An encrypted value as it sits in the database: a token and the purpose it is for.

    Rendering it never shows the plaintext: ``str()`` (and so ``{{ value }}`` in a
    template, an f-string or a log line) is ``已加密`` (``""`` when empty), and templates
    cannot call ``reveal`` (``alters_data``). Only code that has checked the unmask
    permission and recorded the ledger event calls ``reveal()``.
    """

    __slots__ = ("purpose", "token")

    purpose: str
    token: str

    def __init__(self, token: str, purpose: str) -> None:
        if not isinstance(token, str):
            raise TypeError(f"a token is text, not {type(token).__name__}")
        self.token = token
        self.purpose = validate_purpose(purpose)

    def __reduce__(self) -> tuple[type[SealedValue], tuple[str, str]]:
        # The token and purpose, not the slots: an import's worker processes send back
        # two of these a row, and the default pickling took 20 µs for each.
        return (SealedValue, (self.token, self.purpose))

    @classmethod
    def seal(cls, plaintext: str, *, purpose: str) -> SealedValue:
        return cls(encrypt(plaintext, purpose=purpose), purpose)

    def reveal(self) -> str:
        """The plaintext. Call it only after the permission check and the ledger event."""
        return decrypt(self.token, purpose=self.purpose)

    reveal.alters_data = True  # type: ignore[attr-defined]  # templates must not call it

    @property
    def key_id(self) -> str | None:
        return token_key_id(self.token)

    def __bool__(self) -> bool:
        return bool(self.token)

    def __eq__(self, other: object) -> bool:
        # The same ciphertext, not the same plaintext: two seals of one value differ.
        if not isinstance(other, SealedValue):
            return NotImplemented
        return self.token == other.token and self.purpose == other.purpose

    def __hash__(self) -> int:
        return hash((self.token, self.purpose))

    def __str__(self) -> str:
        return gettext("已加密") if self.token else ""

    def __repr__(self) -> str:
        state = f"key {self.key_id}" if self.token else "empty"
        return f"<SealedValue {self.purpose} ({state})>"


class Protected(NamedTuple):
    """Everything the registry stores for one personal value, computed in one pass.

    (A named tuple: built once per value on the import's hot path, where a frozen
    dataclass costs a third of a microsecond more.)
    """

    sealed: SealedValue  # assign to the EncryptedTextField
    blind_index: str  # for exact lookup and uniqueness
    masked: str  # the display form, for the plain ``…_masked`` column
    tails: dict[int, str]  # tail indexes by length


def protect(
    value: str,
    *,
    purpose: str,
    mask: Callable[[str], str],
    tail_lengths: Iterable[int] = (),
) -> Protected:
    """Seal, index and mask a normalised ``value`` at once (the import's hot path).

    ``mask`` is ``mask_phone``, ``gongzhi.core.idcard.mask_id`` or the like. An empty
    value gives empty parts and no tails.
    """
    return Protected(
        sealed=SealedValue.seal(value, purpose=purpose),
        blind_index=blind_index(value, purpose=purpose),
        masked=mask(value) if value else "",
        tails=tail_indexes(value, purpose=purpose, lengths=tail_lengths) if value else {},
    )


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs: Any) -> None:
    """Tests override the keys; rebuild from the new settings on next use."""
    global _keyring, _index_key
    if setting in {"FIELD_ENCRYPTION_KEY", "FIELD_ENCRYPTION_KEYS_OLD"}:
        _keyring = None
    if setting == "BLIND_INDEX_KEY":
        _index_key = None
        for cache in _index_states.values():
            cache.clear()
