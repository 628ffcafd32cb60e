"""validate() end to end: where every row goes, what the files hold, and what is never touched."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmkit import validate
from crmkit.errors import CrmkitError
from crmkit.headers import REASON_HEADER, SOURCE_ROW_HEADER

from conftest import HEADER, sha256, write_csv, write_xlsx


def sheet_rows(path: Path, sheet: str | None = None) -> list[list[object]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    name = sheet or book.sheet_names[0]
    return book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def test_customers_end_to_end(customers: Path) -> None:
    before = sha256(customers)
    report = validate(customers)
    assert sha256(customers) == before  # the input is never changed

    rows = report.rows
    assert (rows.read, rows.blank, rows.valid, rows.rejected, rows.duplicates, rows.overflow) == (
        6, 1, 2, 4, 1, 0
    )
    assert report.input.header_row == 2 and report.input.sheet == "Sheet1"
    assert [(i.row, i.code) for i in report.issues] == [
        (5, "required.missing"), (7, "phone.digits_lost"), (8, "duplicate.in_file"),
        (9, "email.invalid"),
    ]
    out = customers.parent / "customers.crmkit"
    assert report.outputs == {
        "upload": str(out / "upload.xlsx"), "errors": str(out / "errors.xlsx"),
        "report": str(out / "report.json"),
    }

    upload = sheet_rows(out / "upload.xlsx")
    assert upload[0] == ["姓名", "手机号码", "标签", "公司", "职位", "邮箱", "地址", "备注",
                         "负责人", "共享给"]
    assert [r[:3] for r in upload[1:]] == [["张三", "13800138000", "VIP"],
                                           ["李四", "13900139000", "VIP"]]

    saved = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert saved == report.to_dict()
    assert saved["schema_version"] and saved["input"]["sha256"] == before


def test_errors_workbook_lists_issues_and_hands_back_rejected_rows(customers: Path) -> None:
    report = validate(customers)
    book = openpyxl.load_workbook(report.outputs["errors"])
    assert book.sheetnames == ["概要", "问题明细", "待修正", "重复"]
    issues = list(book["问题明细"].iter_rows(values_only=True))
    assert issues[0] == ("工作表", "行号", "列", "列名", "原始值", "问题代码", "级别", "说明",
                         "建议修改为")
    assert [(r[1], r[2], r[5]) for r in issues[1:]] == [
        (5, "A", "required.missing"), (7, "B", "phone.digits_lost"),
        (8, "B", "duplicate.in_file"), (9, "E", "email.invalid"),
    ]  # row numbers are numbers, so the admin can sort by them
    fix = book["待修正"]
    rows = list(fix.iter_rows(values_only=True))
    assert rows[0] == (*HEADER, REASON_HEADER, SOURCE_ROW_HEADER)
    # The duplicate (row 8) is not offered for fixing: re-importing it would be refused.
    assert [(r[1], r[-1]) for r in rows[1:]] == [
        ("13700137000", 5), ("1.38001E+10", 7), ("13600136000", 9),
    ]
    assert "必填项" in rows[1][-2]
    assert fix["A2"].fill.fgColor.rgb.endswith("FFC7CE")  # the bad cell is highlighted
    assert not fix["B2"].fill.fgColor.rgb.endswith("FFC7CE")
    dups = list(book["重复"].iter_rows(values_only=True))
    assert dups[0][-2:] == ("crmkit 状态", SOURCE_ROW_HEADER)
    assert [(r[1], r[-2], r[-1]) for r in dups[1:]] == [
        ("13800138000", "保留：已放入 upload.xlsx", 3),
        ("138 0013 8000", "重复第 3 行，不导入", 8),
    ]


def test_fixing_the_rejected_rows_in_errors_xlsx_and_rerunning_passes(customers: Path) -> None:
    report = validate(customers)
    errors = Path(report.outputs["errors"])
    book = openpyxl.load_workbook(errors)
    fix = book["待修正"]
    fix["A2"] = "孙八"                 # row 5: name filled
    fix["B3"] = "13500135000"          # row 7: the full number found again
    fix["E4"] = "qq@example.com"       # row 9: email fixed
    fixed = customers.parent / "fixed.xlsx"
    book.save(fixed)

    again = validate(fixed)
    assert again.input.sheet == "待修正"
    assert again.exit_code == 0, [i.message() for i in again.issues]
    assert again.rows.valid == 3 and not again.issues
    own = [c for c in again.header_map if c.match == "own"]
    assert [c.header for c in own] == ["crmkit 问题说明", "crmkit 原行号"]


def test_rerunning_errors_xlsx_unchanged_offers_no_row_twice(customers: Path) -> None:
    report = validate(customers)
    again = validate(report.outputs["errors"], out=customers.parent / "again")
    assert again.input.sheet == "待修正"
    assert (again.rows.read, again.rows.valid) == (3, 0)  # the duplicate is not back
    assert not any(i.code == "header.unmapped" for i in again.issues)  # own columns skipped


def test_rerun_finds_the_fix_sheet_even_when_the_issue_list_looks_like_a_header(
    tmp_path: Path,
) -> None:
    # The sheet name 联系人 is an alias of 姓名: in 问题明细 a row then names two fields.
    path = write_xlsx(tmp_path / "in.xlsx", [HEADER, ["张三", "12345", "VIP"]], sheet="联系人")
    report = validate(path)
    again = validate(report.outputs["errors"], write=False)
    assert again.input.sheet == "待修正"
    assert [i.code for i in again.issues] == ["phone.invalid"]


def test_output_folder_can_be_chosen_and_never_overwrites_the_input(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "upload.xlsx", [HEADER, ["张三", "13800138000", "VIP"]])
    before = sha256(path)
    with pytest.raises(CrmkitError) as err:
        validate(path, out=tmp_path)
    assert err.value.code == "output.conflict"
    assert sha256(path) == before
    report = validate(path, out=tmp_path / "elsewhere")
    assert Path(report.outputs["upload"]).parent == tmp_path / "elsewhere"


def test_the_first_visible_sheet_with_the_header_is_chosen(tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    write_xlsx(book, [HEADER, ["张三", "13800138000", "VIP"]], sheet="名单", hidden=["下拉选项"])
    assert validate(book, write=False).input.sheet == "名单"
    # Numbers count the tabs the user sees; a hidden sheet is still reachable by name.
    assert validate(book, sheet="1", write=False).input.sheet == "名单"
    with pytest.raises(CrmkitError) as err:
        validate(book, sheet="客户", write=False)
    assert err.value.code == "sheet.not_found"
    assert "1「名单」、「下拉选项」（隐藏）" in err.value.message()


@pytest.mark.parametrize(
    ("rows", "code"),
    [
        ([["日期", "金额"], ["2024-01-01", "3"]], "header.not_found"),
        ([["姓名", "手机号码", "公司"], ["张三", "13800138000", "甲"]], "header.missing"),
        ([["姓名", "手机号码", "手机号码", "标签"]], "header.duplicate"),
    ],
)
def test_files_that_cannot_be_checked_raise_one_clear_error(
    tmp_path: Path, rows: list[list[object]], code: str
) -> None:
    with pytest.raises(CrmkitError) as err:
        validate(write_xlsx(tmp_path / "x.xlsx", rows), write=False)
    assert err.value.code == code
    assert "\n" not in err.value.message()


def test_merged_data_cells_are_filled_and_flagged(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "merged.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("S")
    ws.write_row(0, 0, ["姓名", "手机号码", "标签"])
    ws.write_column(1, 0, ["张三", "李四"])
    ws.write_column(1, 1, ["13800138000", "13900139000"])
    ws.merge_range(1, 2, 2, 2, "VIP")
    book.close()
    report = validate(path, write=False)
    assert report.rows.valid == 2 and report.tables is not None
    assert report.tables.upload["标签"].to_list() == ["VIP", "VIP"]
    (issue,) = report.issues
    assert (issue.code, issue.row, issue.column, issue.value) == ("cell.merged", 2, "C", "VIP")
    assert "C2:C3 是合并单元格" in issue.message()


def test_a_header_without_rows_warns_that_there_is_nothing_to_import(tmp_path: Path) -> None:
    report = validate(write_xlsx(tmp_path / "in.xlsx", [HEADER]), write=False)
    assert [i.code for i in report.issues] == ["rows.empty"]
    assert report.exit_code == 0 and report.rows.read == 0


def test_gbk_csv_end_to_end(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes("姓名,手机号码,标签\n张三,+86 13800138000,VIP\n李四,010-12345678,VIP\n"
                     .encode("gbk"))
    report = validate(path, write=False)
    assert report.input.format == "csv"
    assert [(i.row, i.code) for i in report.issues] == [(3, "phone.not_mobile")]
    assert report.tables is not None
    assert report.tables.upload.row(0)[:3] == ("张三", "13800138000", "VIP")


def test_region_option_reads_local_numbers_of_another_country(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "hk.xlsx", [HEADER, ["陈大文", "61234567", "VIP"]])
    assert validate(path, write=False).issues[0].code == "phone.invalid"
    report = validate(path, region="HK", write=False)
    assert report.ok and report.tables is not None
    assert report.tables.upload["手机号码"].to_list() == ["61234567"]
    with pytest.raises(CrmkitError):
        validate(path, region="XX", write=False)


# --- conservation: every non-blank row ends in exactly one output -----------------------------

KINDS = st.sampled_from(["valid", "valid", "valid", "bad_phone", "no_tag", "dup", "blank",
                         "landline", "formula", "wide"])
EXTRA_HEADER = ["来源", "来源", ""]  # unmapped columns: a repeated name and a blank one



@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(KINDS, min_size=1, max_size=40), limit=st.integers(1, 30),
       existing=st.integers(0, 10), fmt=st.sampled_from(["xlsx", "csv"]))
def test_no_row_is_lost(
    tmp_path: Path, kinds: list[str], limit: int, existing: int, fmt: str
) -> None:
    rows: list[list[object]] = [[*HEADER, *EXTRA_HEADER]]
    marks = []
    for i, kind in enumerate(kinds):
        mark = f"m{i}"
        phone: object = f"1380000{i:04d}"
        tag, extra = "VIP", ["展会", "", ""]
        if kind == "blank":
            rows.append([])
            continue
        if kind == "bad_phone":
            phone = "12345"
        elif kind == "no_tag":
            tag = ""
        elif kind == "dup":
            phone = "13800000000" if i else 13800000000.0
        elif kind == "landline":
            phone = "010-12345678"
        elif kind == "formula":
            mark = f"=HYPERLINK(\"x\",\"m{i}\")"
        elif kind == "wide":
            extra = ["", "官网", "孤儿数据", "表头之外"]  # data under a blank header and beyond
        rows.append([f"客户{i}", phone, tag, "", "", mark, *extra])
        marks.append(mark)
    folder = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    path = (write_xlsx(folder / "in.xlsx", rows) if fmt == "xlsx"
            else write_csv(folder / "in.csv", rows))
    report = validate(path, limit=limit, existing_count=existing)

    r = report.rows
    assert r.read == len(marks) == r.valid + r.rejected + r.overflow
    assert r.valid <= max(limit - existing, 0)
    found: list[str] = []
    for name, sheet, column in (("upload", None, 7), ("overflow", None, 7),
                                ("errors", "待修正", 5)):
        if name in report.outputs:
            found += [str(row[column]) for row in sheet_rows(Path(report.outputs[name]),
                                                             sheet)[1:]]
    dups = sheet_rows(Path(report.outputs["errors"]), "重复")[1:]
    found += [str(row[5]) for row in dups if str(row[-2]).startswith("重复")]
    assert sorted(found) == sorted(marks)
    # A rejected row comes back whole: every cell of the input, unmapped ones too.
    fixable = sheet_rows(Path(report.outputs["errors"]), "待修正")[1:]
    for row in fixable:
        source = rows[int(row[-1]) - 1]
        assert [str(v) for v in row[:len(source)]] == [
            "" if v is None else (str(int(v)) if isinstance(v, float) else str(v))
            for v in source
        ]
