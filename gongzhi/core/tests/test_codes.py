"""National code tables: codes, names and short forms in; codes out; Chinese errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongzhi.core import codes
from gongzhi.core.codes import (
    EDUCATION,
    ETHNICITY,
    MARITAL_STATUS,
    POLITICAL_STATUS,
    RELATIONSHIP,
    SEX,
    CodeError,
    CodeTable,
)


class TestTables:
    @pytest.mark.parametrize(
        ("table", "rows"),
        [
            (SEX, 4),
            (ETHNICITY, 56),
            (MARITAL_STATUS, 8),
            (RELATIONSHIP, 84),
            (EDUCATION, 40),
            (POLITICAL_STATUS, 13),
        ],
    )
    def test_each_table_loads_every_row_of_its_file(self, table: CodeTable, rows: int) -> None:
        assert len(table) == rows
        assert len(table.choices) == rows
        assert len({code for code, _ in table.choices}) == rows

    def test_a_table_is_read_once(self) -> None:
        assert ETHNICITY.names is ETHNICITY.names
        assert ETHNICITY.choices is ETHNICITY.choices

    def test_names_come_from_the_standard(self) -> None:
        assert ETHNICITY.name("02") == "蒙古族"
        assert SEX.name("2") == "女"
        assert RELATIONSHIP.name("02") == "户主"
        assert EDUCATION.name("21") == "大学本科毕业"
        assert MARITAL_STATUS.name("20") == "已婚"
        assert POLITICAL_STATUS.name("01") == "中国共产党党员"

    def test_political_status_is_labelled_by_its_short_names(self) -> None:
        assert POLITICAL_STATUS.label("01") == "中共党员"
        assert ("13", "群众") in POLITICAL_STATUS.choices
        assert ("03", "共青团员") in POLITICAL_STATUS.choices
        assert ETHNICITY.label("02") == "蒙古族"  # no short names: the name is the label

    def test_an_unknown_code_has_no_name(self) -> None:
        with pytest.raises(CodeError):
            ETHNICITY.name("99")
        assert "99" not in ETHNICITY
        assert "02" in ETHNICITY


class TestLookup:
    @pytest.mark.parametrize(
        ("table", "value", "code"),
        [
            (ETHNICITY, "02", "02"),
            (ETHNICITY, "2", "02"),
            (ETHNICITY, 2, "02"),
            (ETHNICITY, "蒙古族", "02"),
            (ETHNICITY, "蒙古", "02"),
            (ETHNICITY, "蒙族", "02"),
            (ETHNICITY, "汉", "01"),
            (ETHNICITY, "汉族", "01"),
            (ETHNICITY, "土", "30"),
            (ETHNICITY, "土家", "15"),
            (ETHNICITY, "MG", "02"),
            (ETHNICITY, "mongol", "02"),
            (ETHNICITY, " 蒙古族 ", "02"),
            (ETHNICITY, "０２", "02"),
            (SEX, "1", "1"),
            (SEX, "男", "1"),
            (SEX, "女性", "2"),
            (MARITAL_STATUS, "离婚", "40"),
            (MARITAL_STATUS, "离异", "40"),
            (RELATIONSHIP, "户主", "02"),
            (RELATIONSHIP, "02", "02"),
            (RELATIONSHIP, "妻", "12"),
            (RELATIONSHIP, "妻子", "12"),
            (RELATIONSHIP, "长子", "22"),
            (RELATIONSHIP, "儿子", "20"),
            (EDUCATION, "21", "21"),
            (EDUCATION, "大学本科毕业", "21"),
            (EDUCATION, "大学本科", "20"),
            (EDUCATION, "本科", "20"),
            (EDUCATION, "初中毕业", "71"),
            (EDUCATION, "初中", "70"),
            (POLITICAL_STATUS, "群众", "13"),
            (POLITICAL_STATUS, "中共党员", "01"),
            (POLITICAL_STATUS, "中国共产党党员", "01"),
            (POLITICAL_STATUS, "共青团员", "03"),
            (POLITICAL_STATUS, "1", "01"),
            (POLITICAL_STATUS, "13", "13"),
        ],
    )
    def test_a_code_a_name_or_a_short_form_gives_the_code(
        self, table: CodeTable, value: str | int, code: str
    ) -> None:
        assert table.lookup(value) == code
        assert table.find(value) == code

    def test_a_relationship_code_keeps_its_leading_zero(self) -> None:
        # "2" is GB/T 4761's group code for sons, so it may not be read as 02 户主.
        assert RELATIONSHIP.find("2") is None
        with pytest.raises(CodeError):
            RELATIONSHIP.lookup("2")

    def test_every_short_form_of_every_table_points_at_a_real_code(self) -> None:
        for table in codes.TABLES:
            assert table.find("not a code") is None
            for code in table.names:
                assert table.lookup(code) == code
                assert table.lookup(table.names[code]) == code
                assert table.lookup(table.labels[code]) == code


class TestErrors:
    def test_an_unknown_value_is_refused_naming_the_table_and_the_value(self) -> None:
        with pytest.raises(CodeError) as raised:
            ETHNICITY.lookup("火星族")
        assert raised.value.message == "民族“火星族”不在 GB 3304 代码表中"
        assert str(raised.value) == raised.value.message
        assert isinstance(raised.value, ValueError)

    @pytest.mark.parametrize(
        ("table", "value", "message"),
        [
            (SEX, "X", "性别“X”不在 GB/T 2261.1 代码表中"),
            (MARITAL_STATUS, "同居", "婚姻状况“同居”不在 GB/T 2261.2 代码表中"),
            (RELATIONSHIP, "邻居", "与户主关系“邻居”不在 GB/T 4761 代码表中"),
            (EDUCATION, "99", "文化程度“99”不在 GB/T 4658 代码表中"),
            (POLITICAL_STATUS, "14", "政治面貌“14”不在 GB/T 4762 代码表中"),
            (ETHNICITY, "97", "民族“97”不在 GB 3304 代码表中"),  # a local extension
            (ETHNICITY, "", "民族不能为空"),
            (ETHNICITY, "汉" * 30, "民族“" + "汉" * 20 + "…”不在 GB 3304 代码表中"),
        ],
    )
    def test_each_table_names_itself_in_the_message(
        self, table: CodeTable, value: str, message: str
    ) -> None:
        with pytest.raises(CodeError) as raised:
            table.lookup(value)
        assert raised.value.message == message


class TestAmbiguity:
    def test_a_short_form_two_codes_claim_is_not_accepted(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        (tmp_path / "toy.csv").write_text(
            "code,name,short_name\n01,甲类人员,人员\n02,乙类人员,人员\n03,丙类,丙\n",
            encoding="utf-8",
        )
        monkeypatch.setattr(codes, "CODES_DIR", tmp_path)
        toy = CodeTable("toy", field="类别", standard="T 1", unpadded_codes=True)
        assert toy.find("人员") is None
        assert toy.lookup("丙") == "03"
        assert toy.lookup("3") == "03"
        assert toy.choices == [("01", "人员"), ("02", "人员"), ("03", "丙")]

    def test_a_name_outranks_another_rows_short_form(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        (tmp_path / "toy.csv").write_text(
            "code,name,short_name\n1,其他,\n2,其他人员,其他\n", encoding="utf-8"
        )
        monkeypatch.setattr(codes, "CODES_DIR", tmp_path)
        toy = CodeTable("toy", field="类别", standard="T 1")
        assert toy.lookup("其他") == "1"


class TestFirstVersionApi:
    """What gongzhi/organisations and its migrations were written against still works."""

    def test_choices_functions_list_code_and_name(self) -> None:
        assert codes.sex_choices() == [
            ("0", "未知的性别"),
            ("1", "男"),
            ("2", "女"),
            ("9", "未说明的性别"),
        ]
        assert codes.ethnicity_choices()[1] == ("02", "蒙古族")
        assert len(codes.ethnicity_choices()) == 56

    def test_choices_functions_hand_out_copies(self) -> None:
        codes.ethnicity_choices().clear()
        assert len(codes.ethnicity_choices()) == 56

    def test_the_new_tables_have_choices_functions_for_model_fields(self) -> None:
        assert codes.marital_status_choices() == MARITAL_STATUS.choices
        assert codes.relationship_choices() == RELATIONSHIP.choices
        assert codes.education_choices() == EDUCATION.choices
        assert codes.political_status_choices() == POLITICAL_STATUS.choices

    @pytest.mark.parametrize("table", ["ethnicity_gb3304", ETHNICITY])
    def test_tables_are_reached_by_file_name_or_object(self, table: CodeTable | str) -> None:
        assert codes.code_table(table)["02"] == "蒙古族"
        assert codes.name_of(table, "02") == "蒙古族"
        assert codes.name_of(table, "99") == ""
        assert codes.code_for(table, " 蒙古族 ") == "02"
        assert codes.code_for(table, "火星族") is None

    def test_the_sex_constants_are_the_gb_t_2261_1_codes(self) -> None:
        assert SEX.name(codes.SEX_MALE) == "男"
        assert SEX.name(codes.SEX_FEMALE) == "女"
        assert codes.MARITAL is MARITAL_STATUS
        assert codes.POLITICAL is POLITICAL_STATUS
