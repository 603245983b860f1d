"""Identity document numbers: GB 11643 citizen IDs, residence permits, foreigners' IDs."""

from __future__ import annotations

import random
from datetime import date, datetime

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from gongzhi.core.idcard import (
    CHECK_CHARACTERS,
    PROVINCE_CODES,
    WEIGHTS,
    CitizenId,
    Document,
    DocumentType,
    IdError,
    IdNumberError,
    age_on,
    check_character,
    check_declared,
    convert_legacy_id,
    document_type_for,
    generate_citizen_id,
    is_minor_under_14,
    mask_id,
    normalise_number,
    parse_citizen_id,
    parse_document,
)

TODAY = date(2026, 5, 20)
KNOWN = "11010519491231002X"  # GB 11643-1999's own example

# Made-up numbers with check characters computed by hand from WEIGHTS (see below).
ULANHOT_MAN = "152201199001011231"  # 乌兰浩特市, 1990-01-01, sequence 123 (odd)
ULANHOT_WOMAN = "15220120000229024X"  # leap day 2000, sequence 024 (even)
HONG_KONG = "810000199505050014"
MACAO = "820000198812120024"
TAIWAN = "830000200101010031"


def seeded(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311  (synthetic numbers, not secrets)


def refusal(call, *args, **kwargs) -> IdNumberError:
    with pytest.raises(IdNumberError) as raised:
        call(*args, **kwargs)
    return raised.value


def weighted_check(first_17: str) -> str:
    """The standard's definition, spelled out, to check the fast implementation against."""
    return CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(first_17, WEIGHTS, strict=True)) % 11]


class TestKnownNumbers:
    def test_the_standards_example_is_a_woman_born_on_the_last_day_of_1949(self) -> None:
        citizen = parse_citizen_id(KNOWN, today=TODAY)
        assert citizen == CitizenId(
            number=KNOWN,
            address_code="110105",
            birth_date=date(1949, 12, 31),
            sex="2",
            is_legacy=False,
        )

    def test_made_up_numbers_parse_to_their_birth_date_and_sex(self) -> None:
        man = parse_citizen_id(ULANHOT_MAN, today=TODAY)
        woman = parse_citizen_id(ULANHOT_WOMAN, today=TODAY)
        assert (man.birth_date, man.sex, man.address_code) == (date(1990, 1, 1), "1", "152201")
        assert (woman.birth_date, woman.sex) == (date(2000, 2, 29), "2")

    @pytest.mark.parametrize(
        "number", [KNOWN, ULANHOT_MAN, ULANHOT_WOMAN, HONG_KONG, MACAO, TAIWAN]
    )
    def test_the_fast_check_character_agrees_with_the_weighted_sum(self, number: str) -> None:
        assert check_character(number[:17]) == weighted_check(number[:17]) == number[17]

    def test_a_remainder_of_two_gives_the_check_character_x(self) -> None:
        assert check_character(KNOWN[:17]) == "X"

    def test_check_character_refuses_anything_but_17_ascii_digits(self) -> None:
        for bad in ("1101051949123100", "1101051949123100a", "１１０１０５１９４９１２３１００２"):
            with pytest.raises(ValueError):
                check_character(bad)


class TestNormalisation:
    @pytest.mark.parametrize(
        "typed",
        [
            "11010519491231002x",
            " 110105 19491231 002X ",
            "１１０１０５１９４９１２３１００２Ｘ",
            "１１０１０５１９４９１２３１００２ｘ",
            "110105\u300019491231002X\t",
        ],
    )
    def test_blanks_full_width_digits_and_lower_case_x_are_normalised(self, typed: str) -> None:
        assert normalise_number(typed) == KNOWN
        assert parse_citizen_id(typed, today=TODAY).number == KNOWN


class TestRefusals:
    @pytest.mark.parametrize(
        ("value", "code", "message"),
        [
            ("", IdError.EMPTY, "证件号码不能为空"),
            ("   ", IdError.EMPTY, "证件号码不能为空"),
            ("11010519491231002", IdError.LENGTH, "证件号码长度不对（须为18位）"),
            ("11010519491231002X1", IdError.LENGTH, "证件号码长度不对（须为18位）"),
            ("1101051949123100AX", IdError.CHARACTER, "证件号码含有非法字符“A”"),
            ("11010519491231002Y", IdError.CHARACTER, "证件号码含有非法字符“Y”"),
            ("110105194912310X2X", IdError.CHARACTER, "证件号码含有非法字符“X”"),
            ("11010519491231002٣", IdError.CHARACTER, "证件号码含有非法字符“٣”"),
            ("11010519491331002X", IdError.BIRTH_DATE, "证件号码中的出生日期无效"),
            ("11010519490229002X", IdError.BIRTH_DATE, "证件号码中的出生日期无效"),
            ("11010520991231002X", IdError.BIRTH_DATE_FUTURE, "证件号码中的出生日期晚于今天"),
            ("11010518991231002X", IdError.BIRTH_DATE_TOO_EARLY, "证件号码中的出生日期早于1900年"),
            ("110105194912310021", IdError.CHECKSUM, "证件号码校验码错误（应为X）"),
            (
                "99010519491231002X",
                IdError.ADDRESS_CODE,
                "证件号码的地址码无效（前两位“99”不是省级行政区划代码）",
            ),
            (
                "16010519491231002X",
                IdError.ADDRESS_CODE,
                "证件号码的地址码无效（前两位“16”不是省级行政区划代码）",
            ),
        ],
    )
    def test_each_fault_is_refused_with_its_chinese_reason(
        self, value: str, code: IdError, message: str
    ) -> None:
        error = refusal(parse_citizen_id, value, today=TODAY)
        assert (error.code, error.message, error.field) == (code, message, "number")
        assert isinstance(error, ValueError)
        assert str(error) == message

    def test_a_birth_date_after_the_given_today_is_refused_even_when_valid_before(self) -> None:
        parse_citizen_id(ULANHOT_WOMAN, today=TODAY)  # 2000-02-29 is remembered as valid
        error = refusal(parse_citizen_id, ULANHOT_WOMAN, today=date(2000, 2, 28))
        assert error.code == IdError.BIRTH_DATE_FUTURE

    def test_a_birth_on_the_given_today_is_accepted(self) -> None:
        number = generate_citizen_id(seeded(1), address_code="152201", birth_date=TODAY, sex="1")
        assert parse_citizen_id(number, today=TODAY).birth_date == TODAY

    def test_without_a_given_today_the_local_calendar_decides(self) -> None:
        born = date(2029, 6, 1)
        number = generate_citizen_id(seeded(2), address_code="152201", birth_date=born, sex="2")
        with time_machine.travel(datetime(2030, 1, 1, 12, 0), tick=False):
            assert parse_citizen_id(number).birth_date == born
        with time_machine.travel(datetime(2029, 5, 31, 12, 0), tick=False):
            assert refusal(parse_citizen_id, number).code == IdError.BIRTH_DATE_FUTURE


class TestLegacyNumbers:
    def test_a_15_digit_number_becomes_18_with_19_and_a_check_character(self) -> None:
        assert convert_legacy_id("110105491231002") == KNOWN

    def test_a_15_digit_number_parses_as_its_18_digit_form(self) -> None:
        citizen = parse_citizen_id("110105491231002", today=TODAY)
        assert citizen.number == KNOWN
        assert citizen.is_legacy
        assert (citizen.birth_date, citizen.sex) == (date(1949, 12, 31), "2")

    def test_a_15_digit_number_with_a_letter_or_a_bad_date_is_refused(self) -> None:
        assert refusal(parse_citizen_id, "11010549123100X", today=TODAY).code == IdError.CHARACTER
        assert refusal(parse_citizen_id, "110105491331002", today=TODAY).code == IdError.BIRTH_DATE

    def test_convert_refuses_other_lengths(self) -> None:
        assert refusal(convert_legacy_id, KNOWN).code == IdError.LENGTH

    @given(
        st.sampled_from(sorted(PROVINCE_CODES)),
        st.text("0123456789", min_size=4, max_size=4),
        st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)),
        st.sampled_from(["1", "2"]),
        st.randoms(use_true_random=False),
    )
    def test_dropping_19_and_the_check_character_round_trips(
        self, province: str, rest: str, born: date, sex: str, rng: random.Random
    ) -> None:
        number = generate_citizen_id(rng, address_code=province + rest, birth_date=born, sex=sex)
        legacy = number[:6] + number[8:17]
        assert convert_legacy_id(legacy) == number
        assert parse_citizen_id(legacy, today=TODAY).birth_date == born


class TestGeneratedNumbers:
    @given(
        st.sampled_from(sorted(PROVINCE_CODES)),
        st.text("0123456789", min_size=4, max_size=4),
        st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
        st.sampled_from(["1", "2"]),
        st.randoms(use_true_random=False),
    )
    def test_a_generated_number_parses_back_to_its_birth_date_and_sex(
        self, province: str, rest: str, born: date, sex: str, rng: random.Random
    ) -> None:
        number = generate_citizen_id(rng, address_code=province + rest, birth_date=born, sex=sex)
        citizen = parse_citizen_id(number, today=TODAY)
        assert (citizen.number, citizen.address_code) == (number, province + rest)
        assert (citizen.birth_date, citizen.sex) == (born, sex)
        assert number[14:17] != "000"

    @given(
        st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
        st.sampled_from(["1", "2"]),
        st.randoms(use_true_random=False),
        st.integers(min_value=0, max_value=17),
        st.data(),
    )
    def test_changing_any_one_character_makes_the_number_invalid(
        self, born: date, sex: str, rng: random.Random, position: int, data: st.DataObject
    ) -> None:
        number = generate_citizen_id(rng, address_code="152222", birth_date=born, sex=sex)
        parse_citizen_id(number, today=TODAY)  # valid, and its birth date is now familiar
        alphabet = "0123456789X" if position == 17 else "0123456789"
        replacement = data.draw(st.sampled_from([c for c in alphabet if c != number[position]]))
        changed = number[:position] + replacement + number[position + 1 :]
        with pytest.raises(IdNumberError):
            parse_citizen_id(changed, today=TODAY)

    def test_generate_refuses_a_bad_address_code_or_sex(self) -> None:
        rng = seeded(3)
        with pytest.raises(ValueError):
            generate_citizen_id(rng, address_code="992201", birth_date=TODAY, sex="1")
        with pytest.raises(ValueError):
            generate_citizen_id(rng, address_code="152201", birth_date=TODAY, sex="9")


class TestResidencePermits:
    @pytest.mark.parametrize(
        ("doc_type", "number", "sex"),
        [
            (DocumentType.HK_MACAO_PERMIT, HONG_KONG, "1"),
            (DocumentType.HK_MACAO_PERMIT, MACAO, "2"),
            (DocumentType.TAIWAN_PERMIT, TAIWAN, "1"),
        ],
    )
    def test_permits_with_their_address_codes_are_accepted(
        self, doc_type: DocumentType, number: str, sex: str
    ) -> None:
        document = parse_document(doc_type, number, today=TODAY)
        assert (document.doc_type, document.number, document.sex) == (doc_type, number, sex)
        assert document.address_code == number[:6]
        assert document.birth_date == date(
            int(number[6:10]), int(number[10:12]), int(number[12:14])
        )

    def test_a_permit_from_elsewhere_is_refused_with_the_expected_prefix(self) -> None:
        error = refusal(parse_document, DocumentType.TAIWAN_PERMIT, HONG_KONG, today=TODAY)
        assert (error.code, error.message) == (
            IdError.PERMIT_REGION,
            "台湾居民居住证号码须以830000开头",
        )
        error = refusal(parse_document, DocumentType.HK_MACAO_PERMIT, KNOWN, today=TODAY)
        assert error.message == "港澳居民居住证号码须以810000（香港）或820000（澳门）开头"

    def test_a_permit_keeps_the_citizen_id_checksum(self) -> None:
        broken = HONG_KONG[:17] + "7"
        error = refusal(parse_document, DocumentType.HK_MACAO_PERMIT, broken, today=TODAY)
        assert error.code == IdError.CHECKSUM

    def test_a_permit_has_no_15_digit_form(self) -> None:
        error = refusal(parse_document, DocumentType.TAIWAN_PERMIT, "830000010101003", today=TODAY)
        assert error.code == IdError.LENGTH

    def test_a_permit_number_under_citizen_id_names_the_right_type(self) -> None:
        error = refusal(parse_document, DocumentType.CITIZEN_ID, TAIWAN, today=TODAY)
        assert (error.code, error.field) == (IdError.WRONG_TYPE, "doc_type")
        assert error.message == "这是台湾居民居住证号码，证件类型应选“台湾居民居住证”"


class TestForeignersPermanentResidence:
    # 9 + 11 (Beijing) + 398 (Kazakhstan) + 1990-12-31 + 002 + check 1
    NEW = "911398199012310021"
    # KAZ + 1100 (Beijing) + 901231 + 05
    OLD = "KAZ110090123105"

    def test_a_2023_number_gives_its_birth_date_place_and_nationality(self) -> None:
        document = parse_document(DocumentType.FOREIGN_PERMANENT, self.NEW, today=TODAY)
        assert document == Document(
            doc_type=DocumentType.FOREIGN_PERMANENT,
            number=self.NEW,
            birth_date=date(1990, 12, 31),
            sex=None,
            address_code="11",
            nationality="398",
        )

    @pytest.mark.parametrize(
        ("number", "code"),
        [
            ("811398199012310021", IdError.FOREIGN_PREFIX),
            ("999398199012310021", IdError.ISSUING_PLACE),
            ("981398199012310021", IdError.ISSUING_PLACE),  # 81 Hong Kong accepts no cards
            ("911398199002310021", IdError.BIRTH_DATE),
            ("911398199012310022", IdError.CHECKSUM),
            ("91139819901231002", IdError.LENGTH),
            ("9113981990123100A1", IdError.CHARACTER),
        ],
    )
    def test_a_2023_number_is_checked_like_a_citizen_id(self, number: str, code: IdError) -> None:
        assert refusal(parse_document, "foreign_permanent", number, today=TODAY).code == code

    def test_a_15_character_number_gives_its_birth_date_with_the_century_inferred(self) -> None:
        document = parse_document(DocumentType.FOREIGN_PERMANENT, "kaz110090123105", today=TODAY)
        assert document.number == self.OLD
        assert (document.nationality, document.address_code) == ("KAZ", "1100")
        assert document.birth_date == date(1990, 12, 31)
        assert document.is_legacy and document.birth_century_inferred
        assert document.sex is None

    def test_a_15_character_number_reads_yy_as_this_century_only_up_to_its_last_issue(
        self,
    ) -> None:
        young = parse_document(DocumentType.FOREIGN_PERMANENT, "USA310015060101", today=TODAY)
        old = parse_document(DocumentType.FOREIGN_PERMANENT, "USA310025060101", today=TODAY)
        assert young.birth_date == date(2015, 6, 1)
        assert old.birth_date == date(1925, 6, 1)

    @pytest.mark.parametrize(
        ("number", "code"),
        [
            ("KA1110090123105", IdError.CHARACTER),
            ("KAZ11009012310A", IdError.CHARACTER),
            ("KAZ990090123105", IdError.ISSUING_PLACE),
            ("KAZ110090133105", IdError.BIRTH_DATE),
            ("KAZ11009012310", IdError.LENGTH),
        ],
    )
    def test_a_15_character_number_is_checked_for_structure_and_date(
        self, number: str, code: IdError
    ) -> None:
        assert refusal(parse_document, "foreign_permanent", number, today=TODAY).code == code

    @pytest.mark.parametrize("number", [NEW, OLD])
    def test_a_foreigners_number_under_citizen_id_names_the_right_type(self, number: str) -> None:
        error = refusal(parse_document, DocumentType.CITIZEN_ID, number, today=TODAY)
        assert error.code == IdError.WRONG_TYPE
        assert "外国人永久居留身份证" in error.message


class TestOtherDocuments:
    def test_anything_printable_up_to_30_characters_is_accepted_as_typed(self) -> None:
        document = parse_document(DocumentType.OTHER, "  E12345678 ", today=TODAY)
        assert document == Document(DocumentType.OTHER, "E12345678", None, None)
        assert parse_document(DocumentType.OTHER, "护照 E" + "1" * 24).number == "护照 E" + "1" * 24

    @pytest.mark.parametrize(
        ("value", "code", "message"),
        [
            ("  ", IdError.EMPTY, "证件号码不能为空"),
            ("1" * 31, IdError.LENGTH, "证件号码不能超过30个字符"),
            ("E123\x00456", IdError.NOT_PRINTABLE, "证件号码含有不可打印的字符"),
        ],
    )
    def test_empty_long_or_unprintable_values_are_refused(
        self, value: str, code: IdError, message: str
    ) -> None:
        error = refusal(parse_document, DocumentType.OTHER, value)
        assert (error.code, error.message) == (code, message)


class TestDocumentTypes:
    def test_a_citizen_id_document_carries_the_citizen_id_data(self) -> None:
        document = parse_document("citizen_id", "110105491231002", today=TODAY)
        assert document == Document(
            DocumentType.CITIZEN_ID,
            KNOWN,
            date(1949, 12, 31),
            "2",
            "110105",
            is_legacy=True,
        )

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("居民身份证", DocumentType.CITIZEN_ID),
            (" 身份证 ", DocumentType.CITIZEN_ID),
            ("citizen_id", DocumentType.CITIZEN_ID),
            ("港澳居民居住证", DocumentType.HK_MACAO_PERMIT),
            ("台湾居民居住证", DocumentType.TAIWAN_PERMIT),
            ("外国人永久居留证", DocumentType.FOREIGN_PERMANENT),
            ("其他", DocumentType.OTHER),
        ],
    )
    def test_a_type_is_found_by_value_or_chinese_name(
        self, value: str, expected: DocumentType
    ) -> None:
        assert document_type_for(value) == expected

    def test_an_unknown_type_is_refused_on_the_type_field(self) -> None:
        error = refusal(document_type_for, "驾驶证")
        assert (error.code, error.field, error.message) == (
            IdError.DOCUMENT_TYPE,
            "doc_type",
            "证件类型“驾驶证”无效",
        )
        assert refusal(parse_document, "passport", "E1234567").code == IdError.DOCUMENT_TYPE

    def test_every_type_has_a_chinese_label(self) -> None:
        assert [str(label) for label in DocumentType.labels] == [
            "居民身份证",
            "港澳居民居住证",
            "台湾居民居住证",
            "外国人永久居留身份证",
            "其他",
        ]


class TestDeclaredValues:
    def test_values_matching_the_number_pass(self) -> None:
        citizen = parse_citizen_id(KNOWN, today=TODAY)
        check_declared(citizen, sex="2", birth_date=date(1949, 12, 31))
        check_declared(citizen)

    def test_a_contradicting_sex_is_refused_on_the_sex_field(self) -> None:
        citizen = parse_citizen_id(KNOWN, today=TODAY)
        error = refusal(check_declared, citizen, sex="1")
        assert (error.code, error.field) == (IdError.SEX_MISMATCH, "sex")
        assert error.message == "性别与证件号码不符（按证件号码应为“女”）"

    def test_a_sex_given_by_name_is_compared_too(self) -> None:
        citizen = parse_citizen_id(KNOWN, today=TODAY)
        check_declared(citizen, sex="女")
        assert refusal(check_declared, citizen, sex="男").code == IdError.SEX_MISMATCH

    def test_unknown_or_unstated_sex_contradicts_nothing(self) -> None:
        citizen = parse_citizen_id(KNOWN, today=TODAY)
        check_declared(citizen, sex="0")
        check_declared(citizen, sex="9")

    def test_a_contradicting_birth_date_is_refused_on_the_birth_date_field(self) -> None:
        document = parse_document(DocumentType.CITIZEN_ID, KNOWN, today=TODAY)
        error = refusal(check_declared, document, birth_date=date(1949, 12, 30))
        assert (error.code, error.field) == (IdError.BIRTH_DATE_MISMATCH, "birth_date")
        assert error.message == "出生日期与证件号码不符（按证件号码应为1949-12-31）"

    def test_a_document_without_sex_or_birth_date_accepts_what_is_declared(self) -> None:
        document = parse_document(DocumentType.OTHER, "E1234567")
        check_declared(document, sex="1", birth_date=date(1980, 1, 1))
        foreign = parse_document(DocumentType.FOREIGN_PERMANENT, "911398199012310021", today=TODAY)
        check_declared(foreign, sex="1")

    def test_a_two_digit_year_compares_only_yymmdd(self) -> None:
        document = parse_document(DocumentType.FOREIGN_PERMANENT, "USA310015060101", today=TODAY)
        check_declared(document, birth_date=date(1915, 6, 1))  # the declared date settles it
        error = refusal(check_declared, document, birth_date=date(2015, 6, 2))
        assert error.message == "出生日期与证件号码不符（按证件号码应为15-06-01）"


class TestAge:
    BORN = date(2012, 3, 15)

    def test_a_child_is_under_14_the_day_before_the_14th_birthday(self) -> None:
        assert age_on(self.BORN, date(2026, 3, 14)) == 13
        assert is_minor_under_14(self.BORN, date(2026, 3, 14))

    def test_a_child_is_no_longer_under_14_on_the_14th_birthday(self) -> None:
        assert age_on(self.BORN, date(2026, 3, 15)) == 14
        assert not is_minor_under_14(self.BORN, date(2026, 3, 15))

    def test_a_leap_day_birthday_counts_from_the_first_of_march_in_common_years(self) -> None:
        born = date(2012, 2, 29)
        assert age_on(born, date(2026, 2, 28)) == 13
        assert age_on(born, date(2026, 3, 1)) == 14

    def test_age_before_birth_is_an_error(self) -> None:
        with pytest.raises(ValueError):
            age_on(self.BORN, date(2012, 3, 14))


class TestMasking:
    def test_an_18_character_number_keeps_6_and_4(self) -> None:
        assert mask_id("15220119900101123X") == "152201********123X"

    @pytest.mark.parametrize(
        ("number", "masked"),
        [
            ("KAZ110090123105", "KAZ**********05"),
            ("E12345678", "E*******8"),
            ("ABCD", "A**D"),
            ("ABC", "***"),
            ("", ""),
        ],
    )
    def test_shorter_numbers_show_less(self, number: str, masked: str) -> None:
        assert mask_id(number) == masked

    @given(st.text(alphabet="0123456789X", min_size=18, max_size=18))
    def test_the_middle_of_an_18_character_number_is_never_shown(self, number: str) -> None:
        masked = mask_id(number)
        assert masked[6:14] == "*" * 8
        assert masked[:6] + masked[14:] == number[:6] + number[14:]

    @given(st.text(alphabet=st.characters(exclude_characters="*"), max_size=40))
    def test_at_most_half_is_shown_below_18_characters_and_10_above(self, number: str) -> None:
        masked = mask_id(number)
        shown = sum(1 for c in masked if c != "*")
        assert len(masked) == len(number)
        assert shown <= (len(number) // 2 if len(number) < 18 else 10)
        assert all(m in ("*", n) for m, n in zip(masked, number, strict=True))
