"""Templates end to end: a derived template's custom fields and tag groups are enforced by
`validate`, and its blank workbook, filled in and saved, validates without header or type
trouble."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from crmkit.pipeline import validate
from crmkit.report import Report
from crmkit.template import load_template
from crmkit.template_excel import write_blank_workbook

from conftest import write_xlsx

ROOT = Path(__file__).resolve().parents[1]
ACME = ROOT / "examples" / "templates" / "acme-customers.toml"


def upload_rows(report: Report) -> list[list[str]]:
    rows = CalamineWorkbook.from_path(report.outputs["upload"]).get_sheet_by_index(0).to_python()
    return [[str(c) for c in row] for row in rows]


def test_the_filled_blank_workbook_validates_with_every_field_type(tmp_path: Path) -> None:
    tpl = load_template(ACME)
    blank = tmp_path / "blank.xlsx"
    write_blank_workbook(tpl, blank)
    book = openpyxl.load_workbook(blank)
    ws = book.worksheets[0]
    column = {cell.value: cell.column for cell in ws[1]}
    filled = [
        {"姓名": "张三", "手机号码": "13800138000", "会员编号": "VIP000123", "客户级别": "重点",
         "标签": "潜在客户,茶叶", "是否签约": "是", "年消费额": 12800.5,
         "重要日期": dt.datetime(2024, 1, 5), "官网": "https://acme.example.com",
         "兴趣爱好": "围棋", "邮箱": "zhang@example.com"},
        {"姓名": "李四", "手机号码": "+86 139 0013 9000", "标签": "来源渠道:展会",
         "是否签约": "否", "年消费额": 0},
    ]
    for r, values in enumerate(filled, start=2):
        for header, value in values.items():
            ws.cell(row=r, column=column[header], value=value)
    book.save(blank)

    report = validate(blank, template=tpl, out=tmp_path / "out")
    assert [i.code for i in report.issues] == []
    assert report.rows.valid == 2
    header, first, second = upload_rows(report)
    got = dict(zip(header, first, strict=True))
    assert got | {"客户级别": "A", "重要日期": "2024-01-05", "年消费额": "12800.5",
                  "是否签约": "是"} == got
    assert dict(zip(header, second, strict=True))["客户级别"] == "B"  # the template's default
    assert header[:4] == ["姓名", "手机号码", "会员编号", "客户级别"]  # the template's order


def test_a_derived_template_enforces_its_custom_fields_and_tag_groups(tmp_path: Path) -> None:
    rows = [
        ["姓名", "手机号码", "标签", "地址", "客户级别", "会员编号", "年消费额", "是否签约", "官网",
         "重要日期"],
        ["张三", "13800138000", "潜在客户", "杭州", "A", "VIP000001", "100", "是",
         "https://a.cn", "2024-01-05"],
        ["李四", "13800138001", "潜在客戶", "", "", "", "", "", "", ""],
        ["王五", "13800138002", "潜在客户,成交客户", "", "", "", "", "", "", ""],
        ["赵六", "13800138003", "展会", "", "D", "", "", "", "", ""],
        ["钱七", "13800138004", "展会", "", "", "VIP12", "", "", "", ""],
        ["孙八", "13800138005", "展会", "", "", "", "-5", "", "", ""],
        ["周九", "13800138006", "展会", "", "", "", "", "也许", "", ""],
        ["吴十", "13800138007", "展会", "", "", "", "", "", "www.a.cn", ""],
        ["郑一", "13800138008", "展会", "", "", "", "", "", "", "01/02/2024"],
    ]
    path = write_xlsx(tmp_path / "acme.xlsx", rows)
    report = validate(path, template=ACME, out=tmp_path / "out")
    found = {(i.row, i.header, i.code) for i in report.issues}
    assert found == {
        (3, "标签", "tag.unknown"), (4, "标签", "tag.group_conflict"),
        (5, "客户级别", "choice.invalid"), (6, "会员编号", "text.pattern"),
        (7, "年消费额", "number.out_of_range"), (8, "是否签约", "bool.invalid"),
        (9, "官网", "url.invalid"), (10, "重要日期", "date.ambiguous"),
    }
    unknown = next(i for i in report.issues if i.code == "tag.unknown")
    assert unknown.suggestion == "潜在客户"
    assert report.rows.valid == 1
    # 地址 is the renamed field's old header: it still maps to 联系地址.
    assert dict(zip(*upload_rows(report), strict=True))["联系地址"] == "杭州"


STATE_CODE = """
    name = "split"
    extends = "dingtalk-external-contact"
    [output]
    phone = "state_code+mobile"
"""


def test_state_code_and_mobile_are_written_as_two_columns(tmp_path: Path) -> None:
    tpl_path = tmp_path / "split.toml"
    tpl_path.write_text(textwrap.dedent(STATE_CODE), encoding="utf-8")
    path = write_xlsx(tmp_path / "in.xlsx", [
        ["姓名", "手机号码", "标签"], ["张三", "138 0013 8000", "VIP"],
        ["Chan", "+852 6123 4567", "VIP"],
    ])
    report = validate(path, template=tpl_path, out=tmp_path / "out")
    header, *rows = upload_rows(report)
    assert header[:3] == ["姓名", "国家码", "手机号码"]
    assert [r[1:3] for r in rows] == [["86", "13800138000"], ["852", "61234567"]]


@pytest.mark.parametrize("name", ["dingtalk-external-contact", "dingtalk-crm-customer"])
def test_each_shipped_templates_blank_workbook_reads_back_without_header_trouble(
    tmp_path: Path, name: str
) -> None:
    tpl = load_template(name)
    blank = tmp_path / "blank.xlsx"
    write_blank_workbook(tpl, blank)
    book = openpyxl.load_workbook(blank)
    ws = book.worksheets[0]
    for c, f in enumerate(tpl.fields, start=1):
        mobile = not f.number_types or "mobile" in f.number_types
        example = {"phone": "13800138000" if mobile else "010-12345678", "tags": "VIP",
                   "date": "2024-01-05", "choice": f.options[0].value if f.options else "",
                   "email": "a@b.cn", "number": "1", "bool": "是",
                   "url": "https://a.cn"}.get(f.type, "文本")
        ws.cell(row=2, column=c, value=example)
    book.save(blank)
    report = validate(blank, template=tpl, out=tmp_path / "out")
    assert [i.code for i in report.issues] == []
    assert report.rows.valid == 1


def test_a_repeated_member_number_is_a_row_to_fix_not_a_duplicate_contact(
    tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "m.xlsx", [
        ["姓名", "手机号码", "标签", "会员编号"],
        ["甲", "13800138000", "茶叶", "VIP000001"],
        ["乙", "13900139000", "茶叶", "VIP000001"],
    ])
    report = validate(path, template=ACME, out=tmp_path / "out")
    assert [(i.row, i.code) for i in report.issues] == [(3, "duplicate.value")]
    assert report.rows.duplicates == 0
    assert report.tables.to_fix.height == 1 and report.tables.duplicates.height == 0
    assert "这一列的值不能重复" in report.issues[0].message("zh")
