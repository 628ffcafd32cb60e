"""The blank import workbook: headers, comments, formats, dropdowns, the guide, and that a
filled-in copy passes crmkit's own check."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string

from crmkit import template_excel
from crmkit.errors import CrmkitError
from crmkit.pipeline import validate
from crmkit.template import Field, Option, Output, TagGroup, Template, Tier, load_template
from crmkit.template_excel import (
    GUIDE_SHEET,
    OPTIONS_SHEET,
    rule_text,
    tag_choices,
    write_blank_workbook,
)

MIXED = Template(
    name="mixed",
    title="测试客户",
    version="2.1.0",
    fields=(
        Field(key="mobile", header="手机号码", type="phone", required=True, unique=True,
              number_types=("mobile",), help="客户的手机号码"),
        Field(key="name", header="姓名", required=True, max_length=64, help="客户的姓名"),
        Field(key="level", header="客户等级", type="choice",
              options=(Option("A"), Option("B", aliases=("乙",)), Option("C"))),
        Field(key="since", header="首次联系日期", type="date"),
        Field(key="amount", header="金额", type="number", minimum=0, maximum=100, decimals=2),
        Field(key="tags", header="标签", type="tags", help="客户标签"),
    ),
    output=Output(sheet="客户"),
    tag_groups=(
        TagGroup(name="行业", tags=("制造", "零售")),
        TagGroup(name="来源", tags=("零售", "展会"), exclusive=False),
    ),
)

#: the DingTalk external-contact fields, as the shipped template defines them
DINGTALK = Template(
    name="dingtalk-external-contact",
    title="钉钉外部联系人",
    version="1.0.0",
    fields=(
        Field(key="name", header="姓名", required=True, max_length=64, help="客户的姓名"),
        Field(key="mobile", header="手机号码", type="phone", required=True, unique=True,
              number_types=("mobile",), help="客户的手机号码，一格一个；导入后不能修改"),
        Field(key="tags", header="标签", type="tags", required=True,
              help="一个或多个标签，用逗号分隔"),
        Field(key="company", header="公司", max_length=128),
        Field(key="title", header="职位", max_length=64),
        Field(key="email", header="邮箱", type="email", max_length=254),
        Field(key="address", header="地址", max_length=256),
        Field(key="notes", header="备注", max_length=1000),
        Field(key="owner", header="负责人", type="person", max_length=64,
              help="一位同事在企业通讯录中的真实姓名（不是昵称，不是手机号）"),
        Field(key="share_to", header="共享给", type="person", multiple=True,
              help="一位或多位同事的真实姓名，用逗号分隔"),
    ),
    tiers=(Tier(key="team", label="团队", max=2000),),
    default_tier="team",
    output=Output(sheet="外部联系人"),
)


def _write(tmp_path: Path, tpl: Template = MIXED) -> openpyxl.Workbook:
    path = tmp_path / "blank.xlsx"
    write_blank_workbook(tpl, path)
    return openpyxl.load_workbook(path)


def _column_format(ws: Any, letter: str) -> str:
    """The number format xlsxwriter's set_column gave a column (openpyxl groups equal
    neighbouring columns into one dimension keyed by the first letter)."""
    index = column_index_from_string(letter)
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.min <= index <= dim.max:
            return str(dim.number_format)
    return "General"


def _validation(ws: Any, letter: str) -> Any:
    found = [dv for dv in ws.data_validations.dataValidation
             if str(dv.sqref).startswith(f"{letter}2:")]
    assert len(found) == 1
    return found[0]


def test_header_row_holds_the_field_headers_in_template_order(tmp_path: Path) -> None:
    ws = _write(tmp_path).worksheets[0]
    assert [c.value for c in ws[1]] == [f.header for f in MIXED.fields]
    assert ws.max_row == 1  # no example row for a salesperson to forget to delete


def test_required_headers_are_bold_red_and_optional_headers_bold(tmp_path: Path) -> None:
    ws = _write(tmp_path).worksheets[0]
    for cell, f in zip(ws[1], MIXED.fields, strict=True):
        assert cell.font.b
        is_red = cell.font.color is not None and cell.font.color.rgb == "FFFF0000"
        assert is_red is f.required, f.header


def test_every_header_has_a_comment_with_help_and_rule(tmp_path: Path) -> None:
    ws = _write(tmp_path).worksheets[0]
    for cell, f in zip(ws[1], MIXED.fields, strict=True):
        text = cell.comment.text
        assert text.startswith("必填") is f.required
        assert f.help in text
        assert rule_text(f, MIXED) in text
    assert "13800138000" in ws["A1"].comment.text


def test_columns_carry_text_date_and_general_formats(tmp_path: Path) -> None:
    ws = _write(tmp_path).worksheets[0]
    # phone, text, choice and tags stay text so Excel never turns 13800138000 into a float
    for letter in "ABCF":
        assert _column_format(ws, letter) == "@", letter
    assert _column_format(ws, "D") == "yyyy-mm-dd"
    assert _column_format(ws, "E") == "General"


def test_choice_column_has_a_stopping_dropdown_from_the_options_sheet(tmp_path: Path) -> None:
    book = _write(tmp_path)
    dv = _validation(book.worksheets[0], "C")
    assert dv.type == "list"
    assert dv.formula1 == f"'{OPTIONS_SHEET}'!$A$2:$A$4"
    assert str(dv.sqref) == "C2:C1048576"
    assert dv.showErrorMessage
    assert dv.errorStyle in (None, "stop")  # stop is the default and may be left out
    assert "A、B、C" in dv.error
    options = book[OPTIONS_SHEET]
    assert [c.value for c in options["A"] if c.value is not None] == ["客户等级", "A", "B", "C"]


def test_tags_dropdown_lists_every_tag_and_never_blocks(tmp_path: Path) -> None:
    book = _write(tmp_path)
    dv = _validation(book.worksheets[0], "F")
    assert dv.type == "list"
    assert dv.formula1 == f"'{OPTIONS_SHEET}'!$B$2:$B$5"
    assert not dv.showErrorMessage
    assert [c.value for c in book[OPTIONS_SHEET]["B"]] == [
        "标签", "制造", "行业:零售", "来源:零售", "展会",
    ]


def test_tag_choices_name_the_group_only_for_shared_tag_names() -> None:
    assert tag_choices(MIXED) == ["制造", "行业:零售", "来源:零售", "展会"]
    assert tag_choices(dataclasses.replace(MIXED, tag_groups=())) == []


def test_no_tag_dropdown_without_tag_groups(tmp_path: Path) -> None:
    ws = _write(tmp_path, DINGTALK).worksheets[0]
    assert ws.data_validations.dataValidation == []


def test_long_choice_lists_keep_their_dropdown_and_a_short_message(tmp_path: Path) -> None:
    options = tuple(Option(f"选项名称很长的第{i}个值") for i in range(300))
    tpl = dataclasses.replace(MIXED, fields=(
        *MIXED.fields[:2], Field(key="many", header="很多", type="choice", options=options),
    ), tag_groups=())
    book = _write(tmp_path, tpl)
    dv = _validation(book.worksheets[0], "C")
    assert dv.formula1 == f"'{OPTIONS_SHEET}'!$A$2:$A$301"
    assert len(dv.error) <= 255
    assert book[OPTIONS_SHEET]["A301"].value == "选项名称很长的第299个值"


def test_header_row_is_frozen_and_sheets_are_in_order(tmp_path: Path) -> None:
    book = _write(tmp_path)
    assert book.sheetnames == ["客户", GUIDE_SHEET, OPTIONS_SHEET]
    assert [book[s].sheet_state for s in book.sheetnames] == ["visible", "visible", "hidden"]
    assert book.worksheets[0].freeze_panes == "A2"
    assert book.active.title == "客户"


def test_no_cell_holds_a_formula(tmp_path: Path) -> None:
    tpl = dataclasses.replace(MIXED, title="=HYPERLINK(\"x\")", fields=(
        *MIXED.fields,
        Field(key="f", header="=1+1", help="=SUM(A1)", type="choice", options=(Option("=2"),)),
    ))
    book = _write(tmp_path, tpl)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
    # the text survives as text, so a formula-looking header still maps back
    assert book.worksheets[0]["G1"].value == "=1+1"
    assert book.worksheets[0]["G1"].data_type == "s"


def test_state_code_phone_output_still_gets_one_column(tmp_path: Path) -> None:
    tpl = dataclasses.replace(DINGTALK, output=Output(sheet="联系人", phone="state_code+mobile"))
    ws = _write(tmp_path, tpl).worksheets[0]
    assert [c.value for c in ws[1]] == [f.header for f in DINGTALK.fields]


def test_column_widths_fit_the_header_within_bounds(tmp_path: Path) -> None:
    tpl = dataclasses.replace(MIXED, fields=(
        Field(key="a", header="名"), Field(key="b", header="首次联系日期备注"),
        Field(key="c", header="很" * 40),
    ), tag_groups=())
    ws = _write(tmp_path, tpl).worksheets[0]

    def width(letter: str) -> float:
        index = column_index_from_string(letter)
        dim = next(d for d in ws.column_dimensions.values() if d.min <= index <= d.max)
        return float(dim.width)

    # xlsxwriter stores a little padding on top of the character width asked for
    assert 10 <= width("A") < 11
    assert 18 <= width("B") < 19  # 8 CJK characters count 16, plus 2
    assert 40 <= width("C") < 41


def test_guide_sheet_explains_every_field_and_tag_group(tmp_path: Path) -> None:
    ws = _write(tmp_path)[GUIDE_SHEET]
    rows = [[c for c in row if c not in (None, "")] for row in ws.iter_rows(values_only=True)]
    text = "\n".join(str(c) for row in rows for c in row)
    assert "测试客户" in rows[0][0] and "2.1.0" in rows[0][0]
    assert "每行一位客户" in text and "第 1 行的列名" in text and "“,”分隔" in text
    start = rows.index(["列名", "必填", "类型", "说明"])
    table = {row[0]: row for row in rows[start + 1:start + 1 + len(MIXED.fields)]}
    assert table["手机号码"][1:3] == ["是", "电话"]
    assert table["客户等级"][1] == "单选"
    assert "客户标签" in table["标签"][-1] and rule_text(MIXED.fields[5], MIXED) in text
    assert ["组名", "标签", "互斥"] in rows
    assert ["来源", "零售、展会", "否"] in rows


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        (Field(key="m", header="手机", type="phone", number_types=("mobile",)),
         "手机号码，11 位，例如 13800138000"),
        (Field(key="c", header="级", type="choice", options=(Option("A"), Option("B"))),
         "可选：A、B"),
        (Field(key="d", header="日", type="date"), "日期，例如 2024-01-05"),
        (Field(key="d", header="日", type="date", date_order="dmy"), "日/月/年"),
        (Field(key="n", header="数", type="number", minimum=1.5, maximum=10, decimals=0),
         "数字，范围 1.5 到 10，只能是整数"),
        (Field(key="n", header="数", type="number", decimals=2), "最多 2 位小数"),
        (Field(key="t", header="签", type="tags"), "制造、零售（同组只能选一个）"),
        (Field(key="p", header="人", type="person"), "同事在通讯录中的真实姓名"),
        (Field(key="p", header="人", type="person", multiple=True), "多位用“,”分隔"),
        (Field(key="b", header="是否", type="bool"), "是 / 否"),
        (Field(key="x", header="文", min_length=2, max_length=8, pattern=r"[A-Z]+"),
         "文本；2 到 8 个字；须符合格式 [A-Z]+"),
        (Field(key="e", header="邮", type="email"), "name@example.com"),
        (Field(key="u", header="网", type="url"), "https://"),
        (Field(key="k", header="编号", unique=True, default="无"),
         "不能与其他行重复；留空时填入“无”"),
    ],
)
def test_rule_text_describes_each_type_in_chinese(field: Field, expected: str) -> None:
    assert expected in rule_text(field, MIXED)


def test_a_failed_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(template_excel, "_write_guide", broken)
    path = tmp_path / "blank.xlsx"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        write_blank_workbook(MIXED, path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["blank.xlsx"]


def test_a_sheet_name_clashing_with_the_guide_is_a_template_error(tmp_path: Path) -> None:
    tpl = dataclasses.replace(MIXED, output=Output(sheet=GUIDE_SHEET))
    with pytest.raises(CrmkitError) as caught:
        write_blank_workbook(tpl, tmp_path / "blank.xlsx")
    assert caught.value.code == "template.invalid"
    assert not (tmp_path / "blank.xlsx").exists()


def test_the_shipped_template_gets_its_headers_and_required_marks(tmp_path: Path) -> None:
    shipped = load_template()
    assert [f.header for f in shipped.fields] == [f.header for f in DINGTALK.fields]
    book = _write(tmp_path, shipped)
    ws = book.worksheets[0]
    assert book.sheetnames[0] == shipped.output.sheet
    assert [c.value for c in ws[1]] == [f.header for f in shipped.fields]
    red = [c.value for c in ws[1] if c.font.color is not None and c.font.color.rgb == "FFFF0000"]
    assert red == ["姓名", "手机号码", "标签"]
    assert _column_format(ws, "B") == "@"


@pytest.mark.parametrize("which", ["dataclasses", "shipped"])
def test_a_filled_in_blank_workbook_passes_the_check(tmp_path: Path, which: str) -> None:
    tpl = DINGTALK if which == "dataclasses" else load_template()
    path = tmp_path / "blank.xlsx"
    write_blank_workbook(tpl, path)
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    filled = [
        ("张三", "13800138000", "重要客户", "zhang@example.com"),
        ("李四", "13900139000", "重要客户,展会", None),
        ("王五", "13700137000", "新客户", "wang@example.cn"),
    ]
    for i, (name, mobile, tags, email) in enumerate(filled, start=2):
        ws.cell(i, 1, name)
        ws.cell(i, 2, mobile)
        ws.cell(i, 3, tags)
        ws.cell(i, 6, email)
    book.save(path)

    report = validate(path, template=tpl, out=tmp_path / "out")

    assert [i.code for i in report.issues if i.code.startswith("header.")] == []
    assert report.input.sheet == "外部联系人"
    assert report.rows.valid == 3
    assert report.rows.rejected == 0
