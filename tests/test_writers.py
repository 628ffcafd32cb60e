"""Writers: every value is text (never a formula or a number), files appear whole or not at all."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest
import python_calamine

from crmkit import writers
from crmkit.errors import CrmkitError

PAYLOADS = [
    "=1+1", "=HYPERLINK(\"http://evil.example\",\"点击\")", "=cmd|' /C calc'!A0",
    "+86 138 0013 8000", "-2+3", "@SUM(A1:A2)", "\t=1+1", "13800138000", "00123",
    "2024-01-05", "TRUE", "1.5E+10", "http://example.com",
]


def test_every_value_is_written_as_a_text_cell(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    frame = pl.DataFrame({"值": PAYLOADS, "空": [None] * len(PAYLOADS)})
    writers.write_table(path, "外部联系人", ["值", "空"], frame)

    sheet = openpyxl.load_workbook(path)["外部联系人"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == PAYLOADS
    assert {c.data_type for c in cells} == {"s"}  # no "f" (formula), no "n" (number)
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == [None] * len(PAYLOADS)

    read_back = python_calamine.CalamineWorkbook.from_path(str(path))
    assert [r[0] for r in read_back.get_sheet_by_index(0).to_python()[1:]] == PAYLOADS


def test_columns_carry_the_text_format_so_edits_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    writers.write_table(path, "S", ["手机号码"], pl.DataFrame({"p": ["13800138000"]}))
    sheet = openpyxl.load_workbook(path)["S"]
    assert sheet["A2"].number_format == "@"


def test_a_failed_write_leaves_neither_the_file_nor_a_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(writers, "_write_sheet", broken)
    monkeypatch.setattr(writers, "write_fast", broken)
    with pytest.raises(KeyboardInterrupt):
        writers.write_table(tmp_path / "upload.xlsx", "S", ["a"], pl.DataFrame({"a": ["x"]}))
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_keeps_the_previous_complete_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "upload.xlsx"
    writers.write_table(target, "S", ["a"], pl.DataFrame({"a": ["old"]}))
    before = target.read_bytes()
    def full(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(writers, "_write_sheet", full)
    monkeypatch.setattr(writers, "write_fast", full)
    with pytest.raises(RuntimeError):
        writers.write_table(target, "S", ["a"], pl.DataFrame({"a": ["new"]}))
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["upload.xlsx"]


def test_an_unwritable_target_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "upload.xlsx").mkdir()  # a folder where the file should go
    with pytest.raises(CrmkitError) as err:
        writers.write_table(tmp_path / "upload.xlsx", "S", ["a"], pl.DataFrame({"a": ["x"]}))
    assert err.value.code == "output.failed"


def test_finished_files_get_the_usual_permissions_not_private_ones(tmp_path: Path) -> None:
    import os
    import stat

    from crmkit.atomic import atomic_path

    target = tmp_path / "blank.xlsx"
    old = os.umask(0o022)
    try:
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


# --- errors.xlsx, laid out for fixing -------------------------------------------------------

def _errors_book(customers: Path, **options: object) -> tuple[object, openpyxl.Workbook]:
    from crmkit import validate

    report = validate(customers, **options)  # type: ignore[arg-type]
    return report, openpyxl.load_workbook(report.outputs["errors"])


def _lines(book: openpyxl.Workbook) -> dict[str, tuple[object, ...]]:
    """概要 as label -> the rest of its line."""
    return {row[0]: row[1:] for row in book["概要"].iter_rows(values_only=True) if row[0]}


def test_errors_xlsx_opens_on_a_summary_then_issues_fix_and_duplicates(customers: Path) -> None:
    report, book = _errors_book(customers)
    assert book.sheetnames == ["概要", "问题明细", "待修正", "重复"]
    assert book.active.title == "概要"
    lines = _lines(book)
    assert lines["输入文件"][0] == "customers.xlsx"
    assert lines["SHA-256"][0] == report.input.sha256  # type: ignore[attr-defined]
    assert lines["工作表"][:2] == ("Sheet1", "表头在第 2 行")
    assert lines["导入模板"][0] == "dingtalk-external-contact 1.0.0"
    assert lines["检查时间"][0].startswith("20")  # an ISO local time
    expected = {"读取": 6, "可导入": 2, "待修正": 3, "重复，不导入": 1, "超出上限": 0, "空行": 1}
    assert {k: lines[k][0] for k in expected} == expected
    assert lines["认证等级"][:2] == ("团队", "上限 2000 个联系人")
    assert (lines["导入后合计"][0], lines["导入后剩余名额"][0]) == (2, 1998)
    assert (lines["错误"][0], lines["警告"][0]) == (4, 0)
    assert lines["必填项为空"][1:] == ("required.missing（错误）", "第 5 行")
    steps = [k for k in lines if k[:2] in ("1.", "2.", "3.", "4.", "5.")]
    assert any("crmkit validate errors.xlsx" in s for s in steps)
    assert any("待修正" in s for s in steps)


def test_summary_shows_the_overflow_and_the_reference_files(tmp_path: Path) -> None:
    from crmkit import validate

    from conftest import HEADER, write_csv, write_xlsx

    rows = [HEADER] + [[f"客户{i}", f"1380013800{i}", "VIP", "", "", ""] for i in range(4)]
    path = write_xlsx(tmp_path / "list.xlsx", rows)
    staff = write_csv(tmp_path / "staff.csv", [["姓名", "手机号", "状态"],
                                               ["张伟", "13910001001", "在职"]])
    report = validate(path, limit=3, existing_count=1, staff=staff)
    lines = _lines(openpyxl.load_workbook(report.outputs["errors"]))
    assert lines["超出上限"][:2] == (2, "已写入 overflow.xlsx")
    assert lines["超出上限的行"][1] == "只能再导入 2 个，其余在 overflow.xlsx"
    assert (lines["已有联系人"][0], lines["导入后合计"][0], lines["导入后剩余名额"][0]) == (1, 3, 0)
    assert lines["通讯录（--staff）"][:2] == ("staff.csv", "1 位同事")
    assert any("overflow.xlsx" in k for k in lines if k.startswith(("1.", "2.")))


def test_summary_never_passes_for_a_customer_list_on_a_rerun() -> None:
    # A re-run reads the first sheet whose header row names two fields; 概要 comes first.
    import dataclasses

    from crmkit.errors_summary import summary_lines
    from crmkit.header_match import NameIndex
    from crmkit.report import InputInfo, Issue, LimitInfo, Report, RowCounts, Tables
    from crmkit.template import load_template

    from conftest import ROOT

    report = Report(
        input=InputInfo("联系人.xlsx", "0" * 64, "xlsx", "姓名", 1),
        template_name="t", template_version="1", rows=RowCounts(9, 1, 2, 3, 1, 3, 1),
        limit=LimitInfo(None, "自定义", 5, 1, 4, True), header_map=[],
        issues=[Issue(code=c, row=2) for c in ("required.missing", "phone.invalid",
                                                 "person.ambiguous", "row.example")],
    )
    empty = pl.DataFrame({"row": [1]})
    tables = Tables(**{f.name: empty for f in dataclasses.fields(Tables)})
    lines = summary_lines(report, tables)
    templates = [load_template(n) for n in ("dingtalk-external-contact", "dingtalk-crm-customer")]
    templates.append(load_template(ROOT / "examples" / "templates" / "acme-customers.toml"))
    for tpl in templates:
        index = NameIndex(tpl)
        for line in lines:
            cells = [str(x) for x in (line.label, line.value, line.detail, line.extra) if x]
            named = [c for c in cells if (m := index.match(c)) is not None and m.field]
            assert len(named) <= 1, (tpl.name, cells)


def test_fix_sheet_marks_each_bad_cell_with_its_message_and_suggestion(tmp_path: Path) -> None:
    from crmkit import validate
    from crmkit.headers import REASON_HEADER

    from conftest import HEADER, write_xlsx

    path = write_xlsx(tmp_path / "in.xlsx", [
        HEADER,
        ["张三", "13800l38000", "VIP", "", "zs@qq,com", ""],   # two suggestions
        ["", "13900139000", "VIP", "", "", ""],              # name missing
    ])
    report = validate(path)
    fix = openpyxl.load_workbook(report.outputs["errors"])["待修正"]
    assert fix.freeze_panes == "A2" and fix.auto_filter.ref == "A1:H3"
    phone, email, name = fix["B2"], fix["E2"], fix["A3"]
    for cell in (phone, email, name):
        assert cell.fill.fgColor.rgb.endswith("FFC7CE")
        assert cell.comment is not None and cell.comment.author == "crmkit"
    assert "含有字母 l" in phone.comment.text and "建议修改为：13800138000" in phone.comment.text
    assert "建议修改为：zs@qq.com" in email.comment.text
    assert "必填项" in name.comment.text
    assert fix["A2"].comment is None and not fix["A2"].fill.fgColor.rgb.endswith("FFC7CE")
    assert phone.value == "13800l38000"  # the value is the user's, as typed
    reason = fix.cell(2, HEADER.__len__() + 1)
    assert fix.cell(1, len(HEADER) + 1).value == REASON_HEADER
    assert reason.alignment.wrap_text and "含有字母 l" in reason.value


def test_a_cell_with_only_a_warning_on_a_rejected_row_is_yellow(tmp_path: Path) -> None:
    from crmkit.catalogue import Severity
    from crmkit.report import Issue

    issues = [Issue(code="required.missing", row=3, column="A", header="姓名"),
              Issue(code="person.ambiguous", row=3, column="B", header="负责人",
                    params={"count": 2, "detail": "x"})]
    assert issues[1].severity is Severity.WARNING
    found = writers._cell_issues(issues, ["姓名", "负责人"], {3: {0, 1}})
    assert [i.code for i in found[3, 1]] == ["person.ambiguous"]
    assert writers.comment_text(found[3, 1]).startswith("（警告）")


def test_cells_are_found_by_header_even_after_crmkit_columns(tmp_path: Path) -> None:
    # On a re-run the user may have moved crmkit's columns: letters then disagree with
    # positions, the header still names the column.
    from crmkit.report import Issue

    issue = Issue(code="required.missing", row=2, column="C", header="姓名")
    assert list(writers._cell_issues([issue], ["备注", "姓名"], {2: {1}})) == [(2, 1)]


def test_errors_xlsx_uses_a_chinese_font_and_widths_that_fit_cjk(customers: Path) -> None:
    _, book = _errors_book(customers)
    for name in book.sheetnames:
        assert book[name]["A1"].font.name == "等线"
    issues = book["问题明细"]
    # 建议修改为: five CJK characters take ten columns, plus a margin
    assert issues.column_dimensions["I"].width >= 12
    assert issues.freeze_panes == "A2" and issues.auto_filter.ref


def test_the_summary_writes_names_from_the_user_as_text(tmp_path: Path) -> None:
    from crmkit import validate

    from conftest import HEADER, write_xlsx

    path = write_xlsx(tmp_path / "=1+1.xlsx", [HEADER, ["", "13800138000", "VIP"]],
                      sheet="=SUM(A1)")
    report = validate(path)
    book = openpyxl.load_workbook(report.outputs["errors"])
    cells = [c for row in book["概要"].iter_rows() for c in row if c.value is not None]
    assert "f" not in {c.data_type for c in cells}
    assert {"=1+1.xlsx", "=SUM(A1)"} <= {c.value for c in cells}


def test_a_sheet_over_excels_rows_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    # xlsxwriter drops the rows beyond 1,048,576 without a word: the customers would be lost.
    writers.check_fits(tmp_path / "upload.xlsx", "S", writers.EXCEL_MAX_ROWS - 1)
    rows = pl.DataFrame({"a": pl.repeat("x", writers.EXCEL_MAX_ROWS, eager=True)})
    with pytest.raises(CrmkitError) as err:
        writers.write_table(tmp_path / "upload.xlsx", "外部联系人", ["姓名"], rows)
    assert err.value.code == "output.too_many_rows"
    assert "--batch-size" in err.value.message("zh") and "--batch-size" in err.value.message("en")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(CrmkitError) as err:
        writers.write_table(tmp_path / "overflow.xlsx", "外部联系人", ["姓名"], rows)
    assert "--batch-size" not in err.value.message("zh")
