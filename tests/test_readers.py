"""Reading: cells as the text a user sees, the real format told from the bytes, clear refusals."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import python_calamine as calamine
import xlsxwriter

from crmkit import fallback_readers
from crmkit.errors import CrmkitError
from crmkit.readers import ERROR_LITERALS, cell_text, is_error_literal, open_source

from conftest import CORPUS, corpus, write_xlsx

FUZZ = Path(__file__).parent / "data" / "fuzz"

CORPUS_FILES = sorted(p for p in (CORPUS / "sheets").rglob("*") if p.is_file())


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
        ("tafia-calamine__issue_594_dos.ods", "file.too_big"),  # measured before calamine
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


@pytest.mark.parametrize("finding", ["xls-ole-directory-corrupt", "xls-ole-byte-order-marker"])
def test_an_xls_with_a_damaged_compound_document_never_reaches_calamine(
    finding: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Fuzzer findings: calamine allocated over 1.5 GB opening these 23 KB and 61 KB files.
    path = next(p for p in (FUZZ / finding).iterdir() if p.suffix == ".xls")
    opened: list[str] = []

    def record(name: str) -> None:
        opened.append(name)
        raise AssertionError("calamine opened a damaged compound document")

    monkeypatch.setattr(calamine.CalamineWorkbook, "from_path", record)
    with pytest.raises(CrmkitError) as err:
        open_source(path)
    assert (err.value.code, opened) == ("file.unreadable", [])
    assert "复合文档（OLE）结构损坏" in err.value.message("zh")


def test_an_apple_numbers_file_is_unsupported_not_damaged() -> None:
    with pytest.raises(CrmkitError) as err:
        open_source(corpus("sheets", "numbers", "SheetJS-test_files__minimal_112.numbers"))
    assert err.value.code == "file.unsupported" and "Apple Numbers" in err.value.message()


@pytest.mark.parametrize(
    ("name", "kind", "first_row"),
    [
        ("ExcelDataReader-ExcelDataReader__Test_git_issue_466_biff3.xls", "Excel 3.0",
         ["#DIV/0!", "#N/A", "#VALUE!", "#NAME?", "#REF!"]),
        ("python-excel-xlrd__biff4_no_format_no_window2.xls", "Excel 4.0",
         ["ID", "TOTAL", "MAIN", "SUB"]),
        ("SheetJS-test_files__CRLFX5_2.XLS", "Excel 2.x", ["Normal", "abc\ndef"]),
    ],
)
def test_excel_2_to_4_worksheets_are_read(name: str, kind: str, first_row: list[str]) -> None:
    src = open_source(corpus("sheets", "xls", name))
    assert src.format == "xls" and kind in src.detected.en and not src.misnamed
    # A worksheet file has no sheet name: Excel shows the file's.
    assert [s.name for s in src.sheets] == [Path(name).stem]
    assert src.rows(src.sheets[0].name)[0] == first_row


def test_an_excel_2_worksheet_with_an_error_and_the_1904_date_mode(tmp_path: Path) -> None:
    def record(kind: int, data: bytes) -> bytes:
        return struct.pack("<HH", kind, len(data)) + data

    cell = b"\x00\x00\x00"  # BIFF2 cell attributes
    path = tmp_path / "old.xls"
    path.write_bytes(
        record(0x0009, b"\x07\x00\x10\x00") + record(0x0022, b"\x01\x00")  # BOF, DATEMODE
        + record(0x0004, struct.pack("<HH", 0, 0) + cell + b"\x04Name")  # LABEL
        + record(0x0003, struct.pack("<HH", 0, 1) + cell + struct.pack("<d", 13800138000))
        + record(0x0005, struct.pack("<HH", 1, 1) + cell + b"\x2a\x01")  # BOOLERR: #N/A
        + record(0x000A, b""))  # EOF
    src = open_source(path)
    assert src.rows("old") == [["Name", "13800138000"], ["", "#N/A"]]
    assert src.date1904 and src.detected.en == "an Excel 2.x worksheet (.xls)"


def test_an_xlsm_with_macro_and_dialog_sheets_reads_its_worksheets(tmp_path: Path) -> None:
    source = corpus("sheets", "xlsm", "SheetJS-test_files__BlankSheetTypes.xlsm")
    src = open_source(source)
    assert [s.name for s in src.sheets] == ["Sheet1"]  # not the chart, macro, dialog sheets
    assert src.rows("Sheet1") == []
    assert src.detected.en == "a macro-enabled Excel workbook (.xlsm)"
    filled = tmp_path / "filled.xlsm"
    cells = (
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>手机</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>标签</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c><c r="B2"><v>13800138000</v>'
        '</c><c r="C2" t="inlineStr"><is><t>VIP</t></is></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><t>李四</t></is></c>'
        '<c r="B3" t="e"><f>NA()</f><v>#N/A</v></c></row></sheetData>'
        '<mergeCells count="1"><mergeCell ref="C2:C3"/></mergeCells>'
    )
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(filled, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData/>", cells.encode())
            zout.writestr(item, data)
    src = open_source(filled)
    assert src.rows("Sheet1") == [["姓名", "手机", "标签"], ["张三", "13800138000", "VIP"],
                                  ["李四", "#N/A", "VIP"]]
    assert src.merged("Sheet1") == [((1, 2), (2, 2))] and src.formula_count("Sheet1") == 1


def test_the_slow_xlsm_fallback_refuses_large_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fallback_readers, "OPENPYXL_MAX_BYTES", 100)
    with pytest.raises(CrmkitError) as err:
        open_source(corpus("sheets", "xlsm", "SheetJS-test_files__BlankSheetTypes.xlsm"))
    assert err.value.code == "file.unsupported" and "Excel 4 宏表" in err.value.message()


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


@pytest.mark.skipif(not CORPUS_FILES, reason=f"shared corpus not found at {CORPUS}")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_corpus_file_is_read_or_refused_in_seconds(path: Path) -> None:
    started = time.monotonic()
    try:
        src = open_source(path)
        for sheet in src.sheets:
            rows = src.rows(sheet.name)
            assert len({len(row) for row in rows}) <= 1  # rectangular
            assert src.formula_count(sheet.name) >= 0
            src.merged(sheet.name)
        assert src.detected.zh and src.detected.en
    except CrmkitError as err:
        assert err.code.startswith(("file.", "cell."))
    assert time.monotonic() - started < 10


def test_excel_error_cells_read_as_their_literal(tmp_path: Path) -> None:
    path = tmp_path / "errors.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("客户")
    ws.write_row(0, 0, ["姓名", "负责人", "金额"])
    ws.write_string(1, 0, "张三")
    ws.write_formula(1, 1, "=VLOOKUP(A2,员工!A:B,2,0)", None, "#N/A")
    ws.write_formula(1, 2, "=1/0", None, "#DIV/0!")
    ws.write_formula(2, 2, '=IF(1,"")', None, "")  # an empty result is not an error
    book.close()
    src = open_source(path)
    rows = src.rows("客户")
    assert rows[:2] == [["姓名", "负责人", "金额"], ["张三", "#N/A", "#DIV/0!"]]
    assert [c for row in rows[2:] for c in row if c] == []
    assert src.rows("客户", limit=2)[1] == ["张三", "#N/A", "#DIV/0!"]
    assert src.formula_count("客户") == 3
    assert {"#N/A", "#DIV/0!", "#REF!", "#SPILL!", "#GETTING_DATA"} <= ERROR_LITERALS


@pytest.mark.parametrize(
    ("name", "sheet", "cell", "literal"),
    [
        ("xlsx/tafia-calamine__errors.xlsx", "Feuil1", (6, 0), "#N/A"),
        ("xlsx/tafia-calamine__errors.xlsx", "Feuil1", (4, 0), "#REF!"),
        ("wps/SheetJS-test_files__fn.xls", "Sheet1", (2, 2), "#VALUE!"),
        ("wps/SheetJS-test_files__fn.et", "Sheet1", (2, 2), "#VALUE!"),
        ("wps/SheetJS-test_files__fn.xlsx", "Sheet1", (2, 2), "#VALUE!"),
        ("chinese/python-excel-xlrd__invalid_formula.xls", "Sheet1", (0, 0), "#REF!"),
    ],
)
def test_corpus_error_cells_read_as_their_literal(
    name: str, sheet: str, cell: tuple[int, int], literal: str
) -> None:
    src = open_source(corpus("sheets", *name.split("/")))
    assert src.rows(sheet)[cell[0]][cell[1]] == literal


def write_ods(path: Path, rows: str, table: str = "客户") -> Path:
    """An .ods file holding one table made of `rows` (<table:table-row> elements)."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", (
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:'
            '1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
            'vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>'))
        zf.writestr("content.xml", (
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
            'office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:calcext="urn:'
            'org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><office:body><office:spreadsheet>'
            f'<table:table table:name="{table}">{rows}</table:table>'
            "</office:spreadsheet></office:body></office:document-content>"))
    return path


def ods_cell(text: str) -> str:
    return (f'<table:table-cell office:value-type="string"><text:p>{text}</text:p>'
            "</table:table-cell>")


def ods_error(text: str, inside: str = "", attrs: str = "") -> str:
    """A formula cell whose result is an error, as LibreOffice saves it: text, empty value."""
    return (f'<table:table-cell {attrs}table:formula="of:=NA()" office:value-type="string" '
            f'office:string-value="" calcext:value-type="error">{inside}<text:p>{text}</text:p>'
            "</table:table-cell>")


def test_ods_error_results_read_as_their_literal(tmp_path: Path) -> None:
    path = write_ods(tmp_path / "t.ods",
                     f"<table:table-row>{ods_cell('张三')}{ods_error('#N/A')}</table:table-row>")
    src = open_source(path)
    assert src.rows("客户") == [["张三", "#N/A"]] and src.formula_count("客户") == 1
    assert src.detected.en == "an OpenDocument spreadsheet (.ods)"


def test_ods_errors_read_as_libreoffice_shows_them_and_comments_never_as_data(
    tmp_path: Path,
) -> None:
    comment = ("<office:annotation><dc:creator>王经理</dc:creator>"
               "<text:p>13900139000</text:p></office:annotation>")
    twice = ods_error("#N/A", attrs='table:number-columns-repeated="2" ')
    path = write_ods(tmp_path / "e.ods", (
        f"<table:table-row>{ods_cell('姓名')}{ods_cell('手机号码')}{ods_cell('负责人')}"
        "</table:table-row>"
        f"<table:table-row>{ods_cell('张三')}{ods_error('Err:502')}{ods_error('#N/A', comment)}"
        '</table:table-row><table:table-row table:number-rows-repeated="2">'
        f"{ods_cell('李四')}{twice}</table:table-row>"
        # Not a literal: what a scan finds in an error cell is never taken as its value.
        f"<table:table-row>{ods_cell('王五')}{ods_error('13700137000')}</table:table-row>"))
    assert open_source(path).rows("客户") == [
        ["姓名", "手机号码", "负责人"], ["张三", "Err:502", "#N/A"], ["李四", "#N/A", "#N/A"],
        ["李四", "#N/A", "#N/A"], ["王五", "", ""]]
    assert is_error_literal("Err:502") and "Err:532" in ERROR_LITERALS
    assert not is_error_literal("13900139000")


def test_a_pipe_is_refused_not_read_twice(tmp_path: Path) -> None:
    # `crmkit validate <(cat list.csv)`: the format check took the table's first 4 KB.
    read_end, write_end = os.pipe()
    os.write(write_end, ("姓名,手机号码\n" + "张三,13800138000\n" * 500).encode())
    os.close(write_end)
    try:
        with pytest.raises(CrmkitError) as err:
            open_source(f"/dev/fd/{read_end}")
    finally:
        os.close(read_end)
    assert err.value.code == "file.unsupported"
    assert "管道" in err.value.message() and "pipe" in err.value.message("en")


def test_the_1904_date_system(tmp_path: Path) -> None:
    src = open_source(corpus("sheets", "xlsx", "SheetJS-test_files__1904.xlsx"))
    assert src.date1904
    # Date-formatted cells come out as the dates Excel shows (its own TEXT() results sit
    # beside them); bare serial numbers stay numbers, for the date field type to convert.
    assert src.rows("Sheet1")[:2] == [["1", "1904-01-02", "1904-01-02", "1904-01-02"],
                                      ["11", "1904-01-12", "1904-01-12", "1904-01-12"]]
    assert src.formula_count("Sheet1") == 10
    assert open_source(corpus("sheets", "xlsx", "frictionlessdata-frictionless-py__skip-rows.xlsx")
                       ).date1904
    path = tmp_path / "mac.xlsx"
    book = xlsxwriter.Workbook(str(path), {"date_1904": True})
    ws = book.add_worksheet("S")
    ws.write_datetime(0, 0, dt.datetime(2024, 3, 1), book.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write_number(0, 1, 43890)
    book.close()
    src = open_source(path)
    assert src.date1904 and src.rows("S") == [["2024-03-01", "43890"]]
    assert not open_source(write_xlsx(tmp_path / "a.xlsx", [["x"]])).date1904


@pytest.mark.parametrize(
    ("name", "misnamed", "detected"),
    [
        ("chinese/deb-sig-double-entry-generator__example-hxsec-records.xls", True,
         "a text table (GB18030, tab-separated)"),
        ("broken/tafia-calamine__too_small.xls", True, "a text table (UTF-8, comma-separated)"),
        ("wps/SheetJS-test_files__fn.et", False,
         "a WPS Spreadsheets file (.et, in the Excel 97-2003 format)"),
        ("xls/SheetJS-test_files__CRLFX5_2.XLS", False, "an Excel 2.x worksheet (.xls)"),
        ("xls/SheetJS-test_files__defined_names_unicode.biff5.xls", False,
         "an Excel 5.0/95 workbook (.xls)"),
        ("xlsb/tafia-calamine__any_sheets.xlsb", False, "an Excel binary workbook (.xlsb)"),
        ("csv/wireservice-csvkit__test_utf16_big.csv", False,
         "a text table (UTF-16, comma-separated)"),
    ],
)
def test_what_was_detected_and_whether_the_name_says_otherwise(
    name: str, misnamed: bool, detected: str
) -> None:
    src = open_source(corpus("sheets", *name.split("/")))
    assert (src.misnamed, src.detected.en) == (misnamed, detected)


def test_an_xlsx_renamed_xls_is_misnamed(tmp_path: Path) -> None:
    real = write_xlsx(tmp_path / "real.xlsx", [["姓名"]])
    renamed = tmp_path / "导出.xls"
    shutil.copy(real, renamed)
    src = open_source(renamed)
    assert src.misnamed and src.detected == ("Excel 工作簿（.xlsx）", "an Excel workbook (.xlsx)")
    assert not open_source(real).misnamed


def test_text_options_are_ignored_for_a_workbook(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [["姓名"]])
    src = open_source(path, encoding="no-such-codec", delimiter=";;")
    assert src.encoding is None and src.delimiter is None
    assert src.rows(src.sheets[0].name) == [["姓名"]]
