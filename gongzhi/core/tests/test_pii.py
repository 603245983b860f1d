"""Encryption, blind and tail indexes, normalisation and masking of personal data (rule 4)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import pickle
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import engines
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from gongzhi.core import pii
from gongzhi.core.pii import DecryptionError, SealedValue

ID_NUMBER = "15220119800101123X"
PHONE = "13812345678"
PURPOSE = "resident.id_number"


def make_key(seed: int) -> str:
    return base64.b64encode(bytes([seed]) * 32).decode()


KEY_A, KEY_B, KEY_C, INDEX_KEY = make_key(1), make_key(2), make_key(3), make_key(9)


def kid(key: str) -> str:
    return hashlib.sha256(base64.b64decode(key)).hexdigest()[:8]


def body(token: str) -> bytes:
    encoded = token.split(".")[2]
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))


def with_body(token: str, raw: bytes) -> str:
    version, key, _ = token.split(".")
    return f"{version}.{key}." + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class TestEncryption:
    @pytest.mark.parametrize(
        "plaintext", [ID_NUMBER, PHONE, "乌云其其格", "孛儿只斤·巴特尔", "x", "家 🏠\n\t" * 50]
    )
    def test_it_round_trips_text(self, plaintext: str) -> None:
        token = pii.encrypt(plaintext, purpose=PURPOSE)
        assert pii.decrypt(token, purpose=PURPOSE) == plaintext

    @given(st.text(min_size=1))
    def test_any_text_round_trips(self, plaintext: str) -> None:
        assert pii.decrypt(pii.encrypt(plaintext, purpose=PURPOSE), purpose=PURPOSE) == plaintext

    @override_settings(FIELD_ENCRYPTION_KEY=KEY_A)
    def test_the_token_is_compact_ascii_naming_its_key(self) -> None:
        token = pii.encrypt(ID_NUMBER, purpose=PURPOSE)
        assert re.fullmatch(rf"v1\.{kid(KEY_A)}\.[A-Za-z0-9_-]+", token)
        assert len(body(token)) == 12 + len(ID_NUMBER) + 16  # nonce, ciphertext, tag
        assert len(token) == 74
        assert ID_NUMBER not in token

    def test_the_empty_string_stays_empty(self) -> None:
        assert pii.encrypt("", purpose=PURPOSE) == ""
        assert pii.decrypt("", purpose=PURPOSE) == ""

    def test_two_encryptions_of_one_value_differ(self) -> None:
        tokens = [pii.encrypt(PHONE, purpose=PURPOSE) for _ in range(1000)]
        assert len(set(tokens)) == 1000
        assert len({body(token)[:12] for token in tokens}) == 1000  # fresh nonce each time

    def test_a_token_does_not_open_under_another_purpose(self) -> None:
        token = pii.encrypt(ID_NUMBER, purpose="resident.id_number")
        with pytest.raises(DecryptionError):
            pii.decrypt(token, purpose="resident.phone")

    @pytest.mark.parametrize("position", [0, 11, 12, 29, 30, 45])  # nonce, ciphertext, tag
    def test_it_refuses_a_token_with_a_flipped_byte(self, position: int) -> None:
        token = pii.encrypt(ID_NUMBER, purpose=PURPOSE)
        raw = bytearray(body(token))
        raw[position] ^= 0x01
        with pytest.raises(DecryptionError):
            pii.decrypt(with_body(token, bytes(raw)), purpose=PURPOSE)

    def test_it_refuses_a_token_cut_short_or_lengthened(self) -> None:
        token = pii.encrypt(ID_NUMBER, purpose=PURPOSE)
        for altered in (with_body(token, body(token)[:-1]), with_body(token, body(token) + b"0")):
            with pytest.raises(DecryptionError):
                pii.decrypt(altered, purpose=PURPOSE)

    @pytest.mark.parametrize(
        "token",
        [ID_NUMBER, "v1.zzzzzzzz.AAAA", "v2.00000000." + "A" * 60, "v1.00000000.short", "v1..x"],
    )
    def test_it_refuses_what_is_not_a_token(self, token: str) -> None:
        with pytest.raises(DecryptionError):
            pii.decrypt(token, purpose=PURPOSE)

    def test_no_error_message_contains_the_plaintext_or_the_token(self) -> None:
        token = pii.encrypt(ID_NUMBER, purpose=PURPOSE)
        raw = bytearray(body(token))
        raw[20] ^= 0x80
        attempts = [
            (with_body(token, bytes(raw)), PURPOSE),
            (token, "resident.phone"),
            (token.replace(token.split(".")[1], "0badc0de"), PURPOSE),
            (ID_NUMBER, PURPOSE),
        ]
        for attempt, purpose in attempts:
            with pytest.raises(DecryptionError) as caught:
                pii.decrypt(attempt, purpose=purpose)
            message = str(caught.value)
            assert message
            assert ID_NUMBER not in message and token.split(".")[2] not in message
            error = caught.value  # no chained library error that could carry data
            assert error.__cause__ is None
            assert error.__context__ is None or error.__suppress_context__

    @pytest.mark.parametrize("purpose", ["", "Resident.ID", "resident id", "resident#tail", "1x"])
    def test_it_refuses_a_purpose_that_is_not_a_dotted_name(self, purpose: str) -> None:
        with pytest.raises(ValueError, match="purpose"):
            pii.encrypt(PHONE, purpose=purpose)
        with pytest.raises(ValueError, match="purpose"):
            pii.blind_index(PHONE, purpose=purpose)
        with pytest.raises(ValueError, match="purpose"):
            pii.tail_indexes(PHONE, purpose=purpose)

    def test_it_refuses_bytes(self) -> None:
        with pytest.raises(TypeError):
            pii.encrypt(PHONE.encode(), purpose=PURPOSE)  # type: ignore[arg-type]


class TestKeyRotation:
    def test_tokens_under_an_old_key_still_open_after_rotation(self) -> None:
        with override_settings(FIELD_ENCRYPTION_KEY=KEY_A):
            old = pii.encrypt(ID_NUMBER, purpose=PURPOSE)
        with override_settings(FIELD_ENCRYPTION_KEY=KEY_B, FIELD_ENCRYPTION_KEYS_OLD=[KEY_A]):
            assert pii.decrypt(old, purpose=PURPOSE) == ID_NUMBER
            new = pii.encrypt(ID_NUMBER, purpose=PURPOSE)
        assert pii.token_key_id(old) == kid(KEY_A)
        assert pii.token_key_id(new) == kid(KEY_B)

    def test_a_token_under_a_key_no_longer_in_the_ring_is_refused(self) -> None:
        with override_settings(FIELD_ENCRYPTION_KEY=KEY_A):
            old = pii.encrypt(ID_NUMBER, purpose=PURPOSE)
        with (
            override_settings(FIELD_ENCRYPTION_KEY=KEY_B, FIELD_ENCRYPTION_KEYS_OLD=[KEY_C]),
            pytest.raises(DecryptionError, match=kid(KEY_A)),
        ):
            pii.decrypt(old, purpose=PURPOSE)

    def test_reencrypt_moves_old_tokens_to_the_current_key(self) -> None:
        with override_settings(FIELD_ENCRYPTION_KEY=KEY_A):
            old = pii.encrypt(ID_NUMBER, purpose=PURPOSE)
        with override_settings(FIELD_ENCRYPTION_KEY=KEY_B, FIELD_ENCRYPTION_KEYS_OLD=[KEY_A]):
            assert pii.needs_reencryption(old)
            new = pii.reencrypt(old, purpose=PURPOSE)
            assert not pii.needs_reencryption(new)
            assert pii.reencrypt(new, purpose=PURPOSE) == new
            assert pii.reencrypt("", purpose=PURPOSE) == ""
        with override_settings(FIELD_ENCRYPTION_KEY=KEY_B, FIELD_ENCRYPTION_KEYS_OLD=[]):
            assert pii.decrypt(new, purpose=PURPOSE) == ID_NUMBER

    def test_the_old_keys_may_be_one_comma_separated_string(self) -> None:
        with override_settings(FIELD_ENCRYPTION_KEY=KEY_A):
            under_a = pii.encrypt(PHONE, purpose=PURPOSE)
        with override_settings(FIELD_ENCRYPTION_KEY=KEY_C):
            under_c = pii.encrypt(PHONE, purpose=PURPOSE)
        with override_settings(
            FIELD_ENCRYPTION_KEY=KEY_B, FIELD_ENCRYPTION_KEYS_OLD=f" {KEY_C} ,{KEY_A},"
        ):
            assert pii.decrypt(under_a, purpose=PURPOSE) == PHONE
            assert pii.decrypt(under_c, purpose=PURPOSE) == PHONE

    @pytest.mark.parametrize(
        "settings",
        [
            {"FIELD_ENCRYPTION_KEY": "not base64!"},
            {"FIELD_ENCRYPTION_KEY": base64.b64encode(b"short").decode()},
            {"FIELD_ENCRYPTION_KEY": KEY_A, "FIELD_ENCRYPTION_KEYS_OLD": [make_key(4)[:-4]]},
        ],
    )
    def test_it_refuses_a_key_that_is_not_32_bytes_of_base64(self, settings: dict) -> None:
        with override_settings(**settings), pytest.raises(ImproperlyConfigured):
            pii.encrypt(PHONE, purpose=PURPOSE)


class TestBlindIndex:
    def test_it_is_deterministic_hex_of_128_bits(self) -> None:
        first = pii.blind_index(ID_NUMBER, purpose=PURPOSE)
        assert first == pii.blind_index(ID_NUMBER, purpose=PURPOSE)
        assert re.fullmatch(r"[0-9a-f]{32}", first)
        assert first != pii.blind_index("15220119800101124X", purpose=PURPOSE)

    @override_settings(BLIND_INDEX_KEY=INDEX_KEY)
    def test_it_is_hmac_sha256_under_a_key_derived_per_purpose(self) -> None:
        master = base64.b64decode(INDEX_KEY)
        derived = hmac.digest(
            master, b"gongzhi blind index v1\x00exact\x00" + PURPOSE.encode(), "sha256"
        )
        expected = hmac.new(derived, ID_NUMBER.encode(), hashlib.sha256).hexdigest()[:32]
        assert pii.blind_index(ID_NUMBER, purpose=PURPOSE) == expected

    def test_purposes_do_not_share_indexes(self) -> None:
        assert pii.blind_index(PHONE, purpose="resident.phone") != pii.blind_index(
            PHONE, purpose="organisation.phone"
        )

    def test_another_key_gives_other_indexes(self) -> None:
        with override_settings(BLIND_INDEX_KEY=make_key(7)):
            under_7 = pii.blind_index(PHONE, purpose=PURPOSE)
        with override_settings(BLIND_INDEX_KEY=make_key(8)):
            under_8 = pii.blind_index(PHONE, purpose=PURPOSE)
        assert under_7 != under_8

    def test_the_empty_string_has_an_empty_index(self) -> None:
        assert pii.blind_index("", purpose=PURPOSE) == ""

    def test_one_number_typed_two_ways_finds_the_same_index(self) -> None:
        typed = pii.normalise_id_number(" １５２２０１ １９８００１０１ １２３ｘ ")
        assert pii.blind_index(typed, purpose=PURPOSE) == pii.blind_index(
            ID_NUMBER, purpose=PURPOSE
        )
        assert pii.blind_index(pii.normalise_phone("+86 138-1234-5678"), purpose="p.phone") == (
            pii.blind_index(PHONE, purpose="p.phone")
        )


class TestTailIndexes:
    def test_it_indexes_the_last_four_to_six_characters(self) -> None:
        tails = pii.tail_indexes(ID_NUMBER, purpose=PURPOSE)
        assert sorted(tails) == [4, 5, 6]
        assert tails[4] == pii.tail_index("123X", purpose=PURPOSE)
        assert tails[5] == pii.tail_index("1123X", purpose=PURPOSE)
        assert tails[6] == pii.tail_index("01123X", purpose=PURPOSE)
        assert all(re.fullmatch(r"[0-9a-f]{16}", value) for value in tails.values())

    def test_values_sharing_a_tail_share_its_index_only(self) -> None:
        one = pii.tail_indexes("15220119800101123X", purpose=PURPOSE)
        other = pii.tail_indexes("15222219750505123X", purpose=PURPOSE)
        assert one[4] == other[4]  # both end in 123X
        assert one[5] != other[5]  # 1123X, 5123X
        assert one[6] != other[6]

    def test_a_search_for_a_phone_tail_finds_the_stored_tail(self) -> None:
        stored = pii.tail_indexes(PHONE, purpose="resident.phone", lengths=(4,))
        assert stored == {4: pii.tail_index("5678", purpose="resident.phone")}
        assert stored[4] != pii.tail_index("5679", purpose="resident.phone")

    def test_a_tail_index_differs_from_the_blind_index_of_the_same_text(self) -> None:
        assert not pii.blind_index("5678", purpose=PURPOSE).startswith(
            pii.tail_index("5678", purpose=PURPOSE)
        )

    def test_tails_longer_than_the_value_are_left_out(self) -> None:
        assert sorted(pii.tail_indexes("12345", purpose=PURPOSE)) == [4, 5]
        assert pii.tail_indexes("", purpose=PURPOSE) == {}

    def test_it_refuses_lengths_below_one_and_empty_searches(self) -> None:
        with pytest.raises(ValueError):
            pii.tail_indexes(PHONE, purpose=PURPOSE, lengths=(0,))
        with pytest.raises(ValueError):
            pii.tail_index("", purpose=PURPOSE)

    def test_purposes_do_not_share_tail_indexes(self) -> None:
        assert pii.tail_index("5678", purpose="resident.phone") != pii.tail_index(
            "5678", purpose="resident.id_number"
        )


class TestNormalisation:
    @pytest.mark.parametrize(
        ("typed", "normalised"),
        [
            ("15220119800101123x", ID_NUMBER),
            (" 152201 19800101 123X ", ID_NUMBER),
            ("１５２２０１１９８００１０１１２３Ｘ", ID_NUMBER),
            ("１５２２０１１９８００１０１１２３ｘ", ID_NUMBER),
            ("152201\u3000198001011\u200b23X\ufeff", ID_NUMBER),
            ("152201800101123", "152201800101123"),
            ("h0123456(7)", "H0123456(7)"),
        ],
    )
    def test_id_numbers(self, typed: str, normalised: str) -> None:
        assert pii.normalise_id_number(typed) == normalised

    @pytest.mark.parametrize(
        ("typed", "normalised"),
        [
            ("13812345678", PHONE),
            ("138 1234 5678", PHONE),
            ("138-1234-5678", PHONE),
            ("+86 138 1234 5678", PHONE),
            ("+8613812345678", PHONE),
            ("0086 13812345678", PHONE),
            ("8613812345678", PHONE),
            ("１３８１２３４５６７８", PHONE),
            ("＋８６ １３８１２３４５６７８", PHONE),
            ("0482-8261234", "04828261234"),
            ("(0482) 826 1234", "04828261234"),
            ("+86 482 826 1234", "04828261234"),
            ("+86 10 6234 5678", "01062345678"),
            ("+86 010 6234 5678", "01062345678"),
            ("+976 8811 2233", "97688112233"),
            ("00976 8811 2233", "97688112233"),
            ("", ""),
            ("无", ""),
        ],
    )
    def test_phones(self, typed: str, normalised: str) -> None:
        assert pii.normalise_phone(typed) == normalised

    @given(st.text())
    def test_normalising_twice_changes_nothing(self, text: str) -> None:
        once = pii.normalise_id_number(text)
        assert pii.normalise_id_number(once) == once
        phone = pii.normalise_phone(text)
        assert pii.normalise_phone(phone) == phone
        assert phone.isdigit() or phone == ""


def visible_positions(masked: str) -> list[int]:
    return [index for index, char in enumerate(masked.replace("-", "")) if char != "*"]


class TestMaskPhone:
    @pytest.mark.parametrize(
        ("phone", "masked"),
        [
            (PHONE, "138****5678"),
            ("+86 138 1234 5678", "138****5678"),
            ("04828261234", "0482-****234"),
            ("0471-62345678", "0471-****5678"),
            ("010-62345678", "010-****5678"),
            ("02161234567", "021-****4567"),
            ("97688112233", "976****2233"),
            ("4008123123", "******3123"),
            ("8261234", "****234"),
            ("12345", "****5"),
            ("110", "***"),
            ("", ""),
        ],
    )
    def test_it_hides_the_middle(self, phone: str, masked: str) -> None:
        assert pii.mask_phone(phone) == masked

    @given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
    def test_a_mobile_shows_only_its_first_three_and_last_four(self, phone: str) -> None:
        assert pii.mask_phone(phone) == phone[:3] + "****" + phone[7:]

    @given(st.text(alphabet="0123456789", max_size=16))
    def test_the_middle_digits_never_show(self, digits: str) -> None:
        masked = pii.mask_phone(digits)
        normalised = pii.normalise_phone(digits)
        flat = masked.replace("-", "")
        assert len(flat) == len(normalised)
        for index, char in enumerate(flat):
            assert char in ("*", normalised[index])  # a digit shows only in its own place
        assert flat.count("*") >= min(4, len(normalised))
        middle = range(4, len(normalised) - 4)
        assert not set(middle) & set(visible_positions(masked))


class TestMaskName:
    @pytest.mark.parametrize(
        ("name", "masked"),
        [
            ("乌云其其格", "乌**格"),
            ("孛儿只斤·巴特尔", "孛**尔"),
            ("张小三", "张*三"),
            ("张三", "张*"),
            ("王", "*"),
            (" 王丽 ", "王*"),
            ("", ""),
        ],
    )
    def test_it_keeps_only_the_edges(self, name: str, masked: str) -> None:
        assert pii.mask_name(name) == masked

    @given(st.text(alphabet=st.characters(categories=["Lo"]), min_size=1, max_size=20))
    def test_only_the_first_and_last_characters_show(self, name: str) -> None:
        masked = pii.mask_name(name)
        assert len(masked) <= 4
        if len(name) >= 2:
            assert masked[0] == name[0] and set(masked[1:-1]) <= {"*"}
            assert masked[-1] == (name[-1] if len(name) >= 3 else "*")
        else:
            assert masked == "*"


class TestSealedValue:
    def test_it_reveals_its_plaintext_on_demand(self) -> None:
        sealed = SealedValue.seal(ID_NUMBER, purpose=PURPOSE)
        assert sealed.reveal() == ID_NUMBER
        assert sealed.key_id == pii.keyring().current_id

    def test_printing_it_never_shows_the_plaintext(self) -> None:
        sealed = SealedValue.seal(ID_NUMBER, purpose=PURPOSE)
        for shown in (str(sealed), f"{sealed}", "%s" % sealed, repr(sealed)):  # noqa: UP031
            assert ID_NUMBER not in shown and sealed.token not in shown
        assert str(sealed) == "已加密"

    def test_a_template_can_neither_print_nor_reveal_it(self) -> None:
        sealed = SealedValue.seal(ID_NUMBER, purpose=PURPOSE)
        template = engines["django"].from_string("[{{ v }}][{{ v.reveal }}][{{ v|safe }}]")
        assert template.render({"v": sealed}) == "[已加密][][已加密]"

    def test_an_empty_value_is_empty_and_false(self) -> None:
        empty = SealedValue.seal("", purpose=PURPOSE)
        assert (str(empty), bool(empty), empty.reveal()) == ("", False, "")
        assert bool(SealedValue.seal("0", purpose=PURPOSE))

    def test_it_survives_pickling_as_a_cache_stores_it(self) -> None:
        sealed = SealedValue.seal(PHONE, purpose=PURPOSE)
        copied = pickle.loads(pickle.dumps(sealed))  # noqa: S301  (our own bytes)
        assert copied == sealed and copied.reveal() == PHONE

    def test_equality_is_of_the_ciphertext(self) -> None:
        sealed = SealedValue.seal(PHONE, purpose=PURPOSE)
        assert sealed == SealedValue(sealed.token, PURPOSE)
        assert sealed != SealedValue.seal(PHONE, purpose=PURPOSE)
        assert sealed != SealedValue(sealed.token, "resident.phone")
        assert len({sealed, SealedValue(sealed.token, PURPOSE)}) == 1


class TestProtect:
    def test_it_computes_every_stored_part_in_one_pass(self) -> None:
        parts = pii.protect(PHONE, purpose="resident.phone", mask=pii.mask_phone, tail_lengths=(4,))
        assert parts.sealed.reveal() == PHONE and parts.sealed.purpose == "resident.phone"
        assert parts.blind_index == pii.blind_index(PHONE, purpose="resident.phone")
        assert parts.masked == "138****5678"
        assert parts.tails == {4: pii.tail_index("5678", purpose="resident.phone")}

    def test_an_empty_value_gives_empty_parts(self) -> None:
        parts = pii.protect("", purpose="resident.phone", mask=pii.mask_phone, tail_lengths=(4,))
        assert (parts.sealed.token, parts.blind_index, parts.masked, parts.tails) == (
            "",
            "",
            "",
            {},
        )
