"""Reading: cells as the text a user sees, the real format told from the bytes, clear refusals."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crmkit.errors import CrmkitError
from crmkit.readers import cell_text, open_source

from conftest import corpus, write_xlsx


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (13800138000.0, "13800138000"),  # a phone number Excel stored as a float
        (42.0, "42"),
        (0.1, "0.1"),
        (123456789012345678.0, "1.23456789012346E+17"),  # digits lost, shown as Excel does
        (3, "3"),
        (True, "TRUE"),
        (dt.date(2024, 1, 5), "2024-01-05"),
        (dt.datetime(2024, 1, 5), "2024-01-05"),
        (dt.datetime(2024, 1, 5, 10, 30), "2024-01-05 10:30:00"),
        (dt.time(9, 5), "09:05:00"),
        ("  kept as is ", "  kept as is "),
        (None, ""),
    ],
)
def test_cell_text_is_what_excel_shows(value: object, shown: str) -> None:
    assert cell_text(value) == shown


def test_workbook_rows_keep_the_users_row_numbers_and_hidden_sheets_are_marked(
    tmp_path: Path,
) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [[None], [None, "姓名", 13800138000]],
                      sheet="客户", hidden=["字典"])
    src = open_source(path)
    assert src.format == "xlsx"
    assert [(s.name, s.visible) for s in src.sheets] == [("字典", False), ("客户", True)]
    rows = src.rows("客户")
    # Row 1 and column A are empty but kept: rows[1][1] is cell B2.
    assert rows[1][1:] == ["姓名", "13800138000"]
    assert src.rows("客户", limit=1) == [rows[0]]


def test_an_xlsx_named_xls_is_read_by_its_content(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "real.xlsx", [["姓名", "手机"]])
    renamed = tmp_path / "misnamed.xls"
    shutil.copy(path, renamed)
    src = open_source(renamed)
    assert src.format == "xlsx"
    assert src.rows(src.sheets[0].name)[0] == ["姓名", "手机"]


def test_a_text_export_named_xls_is_read_as_text_with_excel_quotes_unwrapped() -> None:
    src = open_source(
        corpus("sheets", "chinese", "deb-sig-double-entry-generator__example-hxsec-records.xls")
    )
    assert src.format == "csv"
    header = src.rows(src.sheets[0].name)[0]
    assert header[:3] == ["交收日期", "成交时间", "业务名称"]  # GBK, tab-separated, ="..."


def test_gbk_csv_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("姓名,手机号码,标签\n张三,13800138000,VIP\n".encode("gbk"))
    src = open_source(path)
    assert src.rows(src.sheets[0].name) == [["姓名", "手机号码", "标签"],
                                             ["张三", "13800138000", "VIP"]]


def test_utf16_csv_with_bom_is_decoded() -> None:
    src = open_source(corpus("sheets", "csv", "ExcelDataReader-ExcelDataReader__utf16le_bom.csv"))
    assert src.rows(src.sheets[0].name)[0] == ["a", "b", "c"]


def test_semicolon_csv_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_bytes("\ufeff姓名;手机号码\n李四;=\"013800138000\"\n".encode())
    src = open_source(path)
    assert src.rows(src.sheets[0].name) == [["姓名", "手机号码"], ["李四", "013800138000"]]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("ExcelDataReader-ExcelDataReader__standard_AES128_SHA1_ECB_pwd_password.xlsx",
         "file.encrypted"),
        ("ExcelDataReader-ExcelDataReader__agile_AES256_SHA512_CBC_pwd_password.xlsx",
         "file.encrypted"),
        ("dimastbk-python-calamine__password.xls", "file.encrypted"),
        ("tafia-calamine__pass_protected.ods", "file.encrypted"),
        ("tafia-calamine__pass_protected.xlsb", "file.encrypted"),
        ("dimastbk-python-calamine__empty_file.xlsx", "file.empty"),
        ("ExcelDataReader-ExcelDataReader__EmptyZipFile.xlsx", "file.unsupported"),
        ("theorchard-openpyxl__null_archive.xlsx", "file.unsupported"),
        ("ExcelDataReader-ExcelDataReader__Test_Issue_12556_corrupt.xls", "file.unreadable"),
        ("tafia-calamine__issue_594_dos.ods", "file.unreadable"),
        ("ExcelDataReader-ExcelDataReader__TestFail_Binary.xls", "file.unsupported"),
        ("SheetJS-test_files__password_2002_40_xor.xls", "file.encrypted"),
        ("SheetJS-test_files__password_2002_128_strong.xls", "file.encrypted"),
    ],
)
def test_broken_files_are_refused_with_a_reason(name: str, code: str) -> None:
    path = corpus("sheets", "broken", name)
    with pytest.raises(CrmkitError) as err:
        src = open_source(path)
        for sheet in src.sheets:
            src.rows(sheet.name)
    assert err.value.code == code


@pytest.mark.parametrize(
    ("folder", "name", "detail"),
    [
        ("xls", "ExcelDataReader-ExcelDataReader__Test_git_issue_466_biff3.xls", "Excel 2.x"),
        ("xls", "python-excel-xlrd__biff4_no_format_no_window2.xls", "Excel 2.x"),
        ("xls", "SheetJS-test_files__CRLFX5_2.XLS", "Excel 2.x"),
        ("xlsm", "SheetJS-test_files__BlankSheetTypes.xlsm", "Excel 4 宏表"),
        ("numbers", "SheetJS-test_files__minimal_112.numbers", "Apple Numbers"),
    ],
)
def test_valid_files_crmkit_cannot_read_are_unsupported_not_damaged(
    folder: str, name: str, detail: str
) -> None:
    with pytest.raises(CrmkitError) as err:
        src = open_source(corpus("sheets", folder, name))
        for sheet in src.sheets:
            src.rows(sheet.name)
    assert err.value.code == "file.unsupported"
    assert detail in err.value.message()


@pytest.mark.parametrize(
    ("folder", "name", "first_cell"),
    [
        ("broken", "ExcelDataReader-ExcelDataReader__Test_git_issue_385_backslash.xlsx", "col1"),
        ("broken", "tafia-calamine__issue_530.xlsx", "报表导出人："),
        ("xlsx", "SheetJS-test_files__wtf_path.xlsx", None),
    ],
)
def test_workbooks_with_odd_zip_paths_are_read(
    folder: str, name: str, first_cell: str | None
) -> None:
    # Backslash part names (xl\workbook.xml) and parts outside xl/ are real Excel files.
    src = open_source(corpus("sheets", folder, name))
    assert src.format == "xlsx"
    rows = src.rows(src.sheets[0].name)
    assert rows
    if first_cell is not None:
        assert first_cell in rows[0]


def test_a_stray_nul_byte_does_not_make_a_csv_binary() -> None:
    src = open_source(corpus("sheets", "csv", "wireservice-csvkit__null_byte.csv"))
    assert src.format == "csv"
    assert src.rows(src.sheets[0].name)[0] == ["a", "b", "c"]


def test_a_reader_crash_prints_one_line_and_no_panic_text(tmp_path: Path) -> None:
    path = corpus(
        "sheets", "broken", "ExcelDataReader-ExcelDataReader__Test_Issue_12556_corrupt.xls"
    )
    done = subprocess.run(
        [sys.executable, "-m", "crmkit", "validate", str(path), "--out", str(tmp_path)],
        capture_output=True, text=True, env={**os.environ, "RUST_BACKTRACE": "1"}, check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "[file.unreadable]" in done.stderr
    assert "panicked" not in done.stderr and "slice index" not in done.stderr


def test_merged_ranges_read_as_the_user_sees_them(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "merged.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("S")
    ws.write_row(0, 0, ["姓名", "标签"])
    ws.write_column(1, 0, ["张三", "李四", "王五"])
    ws.merge_range(1, 1, 3, 1, "VIP")
    book.close()
    src = open_source(path)
    assert [r[1] for r in src.rows("S")] == ["标签", "VIP", "VIP", "VIP"]
    assert src.merged("S") == [((1, 1), (3, 1))]


def test_a_utf8_csv_with_a_few_broken_bytes_is_refused_not_misread(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("name,phone,tag\n张三,13800138000,VIP\n李四,13900139000,VIP\n".encode()
                     + b"caf\xe9,13700137000,VIP\n")
    with pytest.raises(CrmkitError) as err:
        open_source(path)
    assert err.value.code == "file.encoding" and "UTF-8" in err.value.message()


def test_a_csv_cell_longer_than_an_excel_cell_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("姓名,备注\n张三," + "长" * 40000 + "\n", encoding="utf-8")
    with pytest.raises(CrmkitError) as err:
        open_source(path)
    assert err.value.code == "cell.too_long"
    assert "第 2 行 B 列有 40000 个字符" in err.value.message()


def test_classic_mac_line_endings() -> None:
    src = open_source(corpus("sheets", "csv", "wireservice-csvkit__mac_newlines.csv"))
    assert len(src.rows(src.sheets[0].name)) > 1


def test_missing_empty_and_folder_inputs(tmp_path: Path) -> None:
    (tmp_path / "empty.xlsx").write_bytes(b"")
    for path, code in [
        (tmp_path / "nope.xlsx", "file.not_found"),
        (tmp_path / "empty.xlsx", "file.empty"),
        (tmp_path, "file.unsupported"),
    ]:
        with pytest.raises(CrmkitError) as err:
            open_source(path)
        assert err.value.code == code
