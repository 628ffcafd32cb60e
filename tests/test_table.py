"""read_table on real files: two-row headers, example rows, fuzzy headers and --map, as
validate() reports them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
import xlsxwriter

from crmkit import validate
from crmkit.errors import CrmkitError
from crmkit.report import Report
from crmkit.rules import ROW
from crmkit.table import Table, read_table
from crmkit.template import load_template

from conftest import HEADER, write_csv, write_xlsx

ZH = ["姓名", "手机号码", "标签", "兴趣爱好"]
EN = ["name", "mobile", "tags", "hobby"]


def names(table: Table) -> list[tuple[int, str]]:
    """(user's row number, name) of each row read."""
    return list(zip(table.frame.get_column(ROW), table.frame.get_column("name"), strict=True))


def codes(report: Report) -> list[tuple[int | None, str]]:
    return [(i.row, i.code) for i in report.issues]


def conserved(report: Report) -> bool:
    rows = report.rows
    return rows.read == rows.valid + rows.rejected + rows.overflow



# --- two-row headers -------------------------------------------------------------------------


def test_chinese_names_over_english_keys_are_one_header(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [
        ["客户导入"], ZH, EN,
        ["张三", 13800138000, "VIP", "钓鱼"], ["李四", "13900139000", "VIP", ""],
    ])
    report = validate(path, out=tmp_path / "out")
    assert report.input.header_row == 2  # the first header row
    assert [(c.column, c.header, c.field) for c in report.header_map] == [
        ("A", "姓名 / name", "name"), ("B", "手机号码 / mobile", "mobile"),
        ("C", "标签 / tags", "tags"), ("D", "兴趣爱好 / hobby", None),
    ]
    (notice,) = [i for i in report.issues if i.code == "header.two_rows"]
    assert notice.message() == ("表头占两行（第 2 行和第 3 行），crmkit 按两行合起来识别列名，"
                                "数据从第 4 行开始。")
    assert notice.message("en").startswith("The header spans two rows (2 and 3)")
    assert (report.rows.read, report.rows.valid) == (2, 2)
    assert [i.header for i in report.issues if i.code == "header.unmapped"] == [
        "兴趣爱好 / hobby"]


def test_a_two_row_header_in_a_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", [ZH, EN, ["张三", "13800138000", "VIP", ""]])
    table = read_table(path, load_template())
    assert (table.header_map.row, table.header_map.second_row, table.header_map.data_row) == (
        0, 1, 2)
    assert names(table) == [(3, "张三")]


def group_header(path: Path, data: Sequence[Sequence[str]]) -> Path:
    """基本信息 (merged over A:B) | 联系方式 (merged over C:D) | 标签 (merged down E1:E2),
    then 姓名 | 公司 | 手机号码 | 邮箱 and the data rows."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("客户")
    ws.merge_range(0, 0, 0, 1, "基本信息")
    ws.merge_range(0, 2, 0, 3, "联系方式")
    ws.merge_range(0, 4, 1, 4, "标签")
    for i, row in enumerate([["姓名", "公司", "手机号码", "邮箱"], *data], start=1):
        for j, value in enumerate(row):
            ws.write_string(i, j, value)
    book.close()
    return path


def test_group_labels_merged_over_the_real_names(tmp_path: Path) -> None:
    path = group_header(tmp_path / "in.xlsx", [
        ["张三", "甲公司", "13800138000", "zs@example.com", "VIP"],
    ])
    report = validate(path, out=tmp_path / "out")
    assert [(c.header, c.field) for c in report.header_map] == [
        ("基本信息 / 姓名", "name"), ("基本信息 / 公司", "company"),
        ("联系方式 / 手机号码", "mobile"), ("联系方式 / 邮箱", "email"), ("标签", "tags"),
    ]
    assert codes(report) == [(1, "header.two_rows")]  # the header's merges are not data's
    assert report.input.header_row == 1 and report.rows.valid == 1


def test_rejected_rows_of_a_two_row_header_can_be_fixed_and_rerun(tmp_path: Path) -> None:
    path = group_header(tmp_path / "in.xlsx", [
        ["张三", "甲公司", "13800138000", "zs@example.com", "VIP"],
        ["李四", "乙公司", "12345", "", "VIP"],
    ])
    report = validate(path, out=tmp_path / "out")
    assert report.rows.rejected == 1
    again = validate(report.outputs["errors"], out=tmp_path / "again")
    assert again.input.sheet == "待修正"
    assert [c.field for c in again.header_map][:5] == ["name", "company", "mobile", "email",
                                                        "tags"]
    assert codes(again) == [(2, "phone.invalid")]


# --- example rows ----------------------------------------------------------------------------


def test_the_example_row_under_the_header_is_skipped_with_a_notice(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [
        HEADER,
        ["示例：张三", 13800138000, "VIP", "示例科技有限公司", "", "可不填"],
        ["李四", "13900139000", "VIP", "", "", ""],
    ])
    report = validate(path, out=tmp_path / "out")
    (notice,) = [i for i in report.issues if i.code == "row.example"]
    assert notice.row == 2 and notice.value == (
        "示例：张三 | 13800138000 | VIP | 示例科技有限公司 | 可不填")
    assert notice.message().startswith("第 2 行是模板自带的示例行（示例：张三")
    assert (report.rows.read, report.rows.blank, report.rows.valid) == (1, 0, 1)
    assert conserved(report) and report.exit_code == 0


@pytest.mark.parametrize("marker", ["例", "示例", "例如：", "样例", "范例", "举例", "Example",
                                    "e.g.", "【示例】", "填写示例", "示例数据", "Sample", "例:王五",
                                    "示例：王五", "例如：王五", "样例:王五", "e.g. 王五",
                                    "王五（示例）", "(示例)王五", "【示例】王五", "[例]王五"])
def test_a_cell_that_is_only_a_marker_marks_the_example(tmp_path: Path, marker: str) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [
        HEADER, ["张三", "13800138000", "VIP", "", "", marker], ["李四", "13900139000", "VIP"],
    ])
    table = read_table(path, load_template())
    assert table.examples == (1,) and names(table) == [(3, "李四")]


def test_a_customer_named_like_a_marker_further_down_is_data(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [
        HEADER,
        ["张三", "13800138000", "VIP", "", "", "例如周末回访"],  # notes mention an example
        ["例", "13900139000", "VIP", "", "", ""],               # a customer named 例
        ["李四", "13700137000", "VIP", "", "", "例如"],          # a bare 例如 in the notes
    ])
    table = read_table(path, load_template())
    assert table.examples == () and [n for _, n in names(table)] == ["张三", "例", "李四"]
    assert not [i for i in table.issues if i.code == "row.example"]


@pytest.mark.parametrize("notes", ["示例客户介绍的", "例会后回访", "示例科技推荐",
                                   "Example Corp 介绍", "样例间"])
def test_a_marker_without_a_separator_does_not_make_an_example(
    tmp_path: Path, notes: str,
) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [
        HEADER, ["张三", "13800138000", "VIP", "", "", notes], ["李四", "13900139000", "VIP"],
    ])
    table = read_table(path, load_template())
    assert table.examples == () and [n for _, n in names(table)] == ["张三", "李四"]


@pytest.mark.parametrize("notes", ["示例客户介绍的", "例：周末回访"])
def test_a_rejected_row_rerun_from_errors_xlsx_is_never_an_example(
    tmp_path: Path, notes: str,
) -> None:
    # the first run's rejected rows head 待修正, right under its header
    path = write_xlsx(tmp_path / "in.xlsx", [
        HEADER, ["张三", "13800138000", "VIP"], ["李四", "12345", "VIP", "", "", notes],
    ])
    report = validate(path, out=tmp_path / "out")
    assert report.rows.rejected == 1
    again = validate(report.outputs["errors"], out=tmp_path / "again")
    assert again.input.sheet == "待修正"
    assert codes(again) == [(2, "phone.invalid")]
    assert (again.rows.read, again.rows.rejected, again.exit_code) == (1, 1, 1)


def test_the_notice_of_a_skipped_row_holds_all_its_text(tmp_path: Path) -> None:
    notes = "示例：" + "老客户介绍，" * 20
    path = write_xlsx(tmp_path / "in.xlsx", [
        HEADER, ["王五", "13800138000", "VIP", "示例科技有限公司", "", notes],
        ["李四", "13900139000", "VIP"],
    ])
    (notice,) = [i for i in read_table(path, load_template()).issues if i.code == "row.example"]
    assert notice.value == f"王五 | 13800138000 | VIP | 示例科技有限公司 | {notes}"


def test_instructions_and_an_example_under_a_two_row_header_are_both_skipped(
    tmp_path: Path,
) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [
        ZH, EN,
        ["必填", "必填，11 位手机号", "选填", "选填"],
        ["例", "13800138000", "VIP", "钓鱼"],
        ["张三", "13900139000", "VIP", ""],
    ])
    report = validate(path, out=tmp_path / "out")
    assert codes(report) == [(None, "header.unmapped"), (1, "header.two_rows"),
                             (3, "row.instructions"), (4, "row.example")]
    assert (report.rows.read, report.rows.valid) == (1, 1) and conserved(report)


def test_an_instruction_word_in_one_cell_does_not_make_a_row_instructions(
    tmp_path: Path,
) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [
        HEADER, ["张三", "13800138000", "VIP", "", "", "选填"],
    ])
    assert names(read_table(path, load_template())) == [(2, "张三")]


# --- fuzzy headers ---------------------------------------------------------------------------


def test_a_misspelt_header_is_mapped_with_a_warning(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [
        ["姓名", "手机号吗", "标签", "备注1", "备注2"], ["张三", "13800138000", "VIP", "a", "b"],
    ])
    report = validate(path, out=tmp_path / "out")
    (fuzzy,) = [i for i in report.issues if i.code == "header.fuzzy"]
    assert (fuzzy.column, fuzzy.header, fuzzy.field, fuzzy.sheet) == (
        "B", "手机号吗", "mobile", "Sheet1")
    assert fuzzy.message() == (
        "列「手机号吗」与模板的「手机号码」不完全相同，crmkit 按相似度（86%）把它当作「手机号码」。"
        "如果不对，请改列名，或用 --map '手机号吗=字段' 指定。")
    assert [c.field for c in report.header_map] == ["name", "mobile", "tags", None, None]
    assert report.rows.valid == 1
    assert validate(path, out=tmp_path / "out", strict=True).exit_code == 1  # it is a warning


def test_a_fuzzy_header_issue_is_located_at_the_header_row(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [
        ["客户名单"], ["姓名", "手机号吗", "标签"], ["张三", "13800138000", "VIP"],
    ])
    report = validate(path, out=tmp_path / "out")
    assert [(i.row, i.column) for i in report.issues if i.code == "header.fuzzy"] == [(2, "B")]


# --- columns naming one field ----------------------------------------------------------------


def test_a_second_column_for_a_field_is_left_out_with_a_warning(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [
        ["姓名", "手机号码", "手机号码(备用)", "标签"],
        ["张三", "13800138000", "13900139000", "VIP"],
    ])
    report = validate(path, out=tmp_path / "out")
    assert [(c.column, c.field) for c in report.header_map] == [
        ("A", "name"), ("B", "mobile"), ("C", None), ("D", "tags")]
    (unmapped,) = [i for i in report.issues if i.code == "header.unmapped"]
    assert (unmapped.column, unmapped.header) == ("C", "手机号码(备用)")
    assert "不会被导入" in unmapped.message()
    assert report.rows.valid == 1 and report.exit_code == 0


# --- --map -----------------------------------------------------------------------------------


def test_map_forces_columns_ignores_one_and_keeps_the_rest(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [
        ["姓名", "手机", "标签", "联系电话", "备注2"],
        ["张三", "13800138000", "VIP", "13900139000", "x"],
    ])
    table = read_table(path, load_template(), mapping={"联系电话": "手机号码", "E": ""})
    columns = {c.letter: (c.field.key if c.field else None, c.match)
               for c in table.header_map.columns}
    assert columns == {"A": ("name", "exact"), "B": (None, ""), "C": ("tags", "exact"),
                       "D": ("mobile", "forced"), "E": (None, "ignored")}
    assert table.frame.get_column("mobile").to_list() == ["13900139000"]
    assert [c.letter for c in table.header_map.unmapped()] == ["B"]


def test_map_finds_a_header_of_words_crmkit_does_not_know(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [
        ["Customer list"], ["Client", "Cell No", "Group"], ["张三", "13800138000", "VIP"],
    ])
    tpl = load_template()
    with pytest.raises(CrmkitError) as err:
        read_table(path, tpl)
    assert err.value.code == "header.not_found"
    table = read_table(path, tpl, mapping={"Client": "name", "Cell No": "mobile", "C": "tags"})
    assert table.header_map.row == 1 and names(table) == [(3, "张三")]


def test_a_bad_map_target_fails_before_the_file_is_read(tmp_path: Path) -> None:
    with pytest.raises(CrmkitError) as err:
        read_table(tmp_path / "missing.xlsx", load_template(), mapping={"A": "phone?"})
    assert err.value.code == "options.invalid"
