"""Scanning workbook files for what calamine does not report: error cells, formulas, 1904."""

from __future__ import annotations

import struct
import time
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from crmkit.biff_scan import BiffBook, xlsb_date1904
from crmkit.ods_scan import OdsContent
from crmkit.workbook_scan import XlsxPackage

from conftest import corpus

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def handmade_xlsx(path: Path, sheet_data: str, *, prefix: str = "x",
                  workbook_pr: str = "") -> Path:
    """A minimal package as some SDKs write it: namespace prefixes, inline strings."""
    p = f"{prefix}:" if prefix else ""
    ns = f"xmlns:{prefix}" if prefix else "xmlns"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/></Types>'))
        zf.writestr("_rels/.rels", f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
                    f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        zf.writestr("xl/workbook.xml", (
            f'<{p}workbook {ns}="{MAIN}" xmlns:r="{OFFICE}">{workbook_pr}<{p}sheets>'
            f'<{p}sheet name="客户&amp;名单" sheetId="1" r:id="rId1"/></{p}sheets></{p}workbook>'))
        zf.writestr("xl/_rels/workbook.xml.rels", (
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{OFFICE}/worksheet" '
            'Target="/xl/worksheets/sheet1.xml"/></Relationships>'))
        zf.writestr("xl/worksheets/sheet1.xml", (
            f'<{p}worksheet {ns}="{MAIN}"><{p}sheetData>{sheet_data}</{p}sheetData>'
            f'</{p}worksheet>'))
    return path


def test_xlsx_error_cells_formulas_and_date_system(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(path), {"date_1904": True})
    ws = book.add_worksheet("客户")
    ws.write_row(0, 0, ["姓名", "手机", "负责人"])
    ws.write_formula(1, 2, "=VLOOKUP(A2,员工!A:B,2,0)", None, "#N/A")
    ws.write_formula(2, 2, "=1/0", None, "#DIV/0!")
    ws.write_formula(3, 1, "=1+1", None, 2)
    book.close()
    package = XlsxPackage(path)
    assert package.date1904 and not package.macros
    scan = package.scan("客户")
    assert scan.errors == {(1, 2): "#N/A", (2, 2): "#DIV/0!"}
    assert scan.formulas == 3
    assert package.scan("no such sheet").formulas == 0


def test_prefixed_xml_without_cell_references_is_counted_by_position(tmp_path: Path) -> None:
    rows = ("<x:row><x:c t='inlineStr'><x:is><x:t>姓名</x:t></x:is></x:c></x:row>"
            "<x:row r='3'><x:c/><x:c t='e'><x:f>NA()</x:f><x:v>#N/A</x:v></x:c></x:row>"
            "<x:row><x:c t='e'/><x:c><x:f>1+1</x:f><x:v>2</x:v></x:c></x:row>")
    package = XlsxPackage(handmade_xlsx(tmp_path / "p.xlsx", rows,
                                        workbook_pr='<x:workbookPr date1904="true"/>'))
    assert [s.name for s in package.sheets] == ["客户&名单"] and package.date1904
    scan = package.scan("客户&名单")
    # <c t="e"/> holds no value to show: it stays as calamine reads it.
    assert scan.errors == {(2, 1): "#N/A"} and scan.formulas == 2


def test_errors_across_chunk_boundaries_are_all_found(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet("S")
    expected = {}
    for r in range(40000):  # several megabytes of XML: many chunks
        ws.write_string(r, 0, f"客户{r}")
        ws.write_number(r, 1, 13800000000 + r)
        if r % 997 == 0:
            ws.write_formula(r, 2, "=NA()", None, "#N/A")
            expected[(r, 2)] = "#N/A"
    book.close()
    package = XlsxPackage(path)
    scan = package.scan("S")
    assert scan.errors == expected and scan.formulas == len(expected)
    # Enough for the header search: the first rows, without reading the whole sheet.
    head = package.scan("S", rows=30)
    assert head.errors[(0, 2)] == "#N/A" and head.formulas < len(expected)


def test_merged_ranges_and_sheet_kinds_of_an_xlsm() -> None:
    package = XlsxPackage(corpus("sheets", "xlsm", "SheetJS-test_files__BlankSheetTypes.xlsm"))
    assert [(s.name, s.kind) for s in package.sheets] == [
        ("Sheet1", "worksheet"), ("Chart1", "chartsheet"), ("Macro1", "macrosheet"),
        ("Dialog1", "dialogsheet")]
    assert package.macros
    merged = XlsxPackage(corpus("sheets", "xlsx", "SheetJS-test_files__merge_cells.xlsx"))
    assert merged.scan("Merge", merged=True).merged[:2] == [((0, 0), (1, 1)), ((0, 2), (1, 2))]


@pytest.mark.parametrize(
    ("name", "sheet", "errors", "formulas"),
    [
        ("tafia-calamine__errors.xlsx", "Feuil1",
         ["#DIV/0!", "#NAME?", "#VALUE!", "#NULL!", "#REF!", "#NUM!", "#N/A"], 7),
        ("SheetJS-test_files__1904.xlsx", "Sheet1", [], 10),
        ("SheetJS-test_files__metadata_2019.xlsx", "Sheet1", ["#VALUE!"] * 8, 8),
    ],
)
def test_corpus_xlsx_errors_and_formulas(
    name: str, sheet: str, errors: list[str], formulas: int
) -> None:
    scan = XlsxPackage(corpus("sheets", "xlsx", name)).scan(sheet)
    assert [scan.errors[k] for k in sorted(scan.errors)] == errors
    assert scan.formulas == formulas


def test_odd_package_paths_are_followed() -> None:
    # wtf/workbook.xml found through _rels/.rels; backslash part names.
    wtf = XlsxPackage(corpus("sheets", "xlsx", "SheetJS-test_files__wtf_path.xlsx"))
    assert [(s.name, s.visible) for s in wtf.sheets] == [("SheetJS", True), ("Hidden", False)]
    assert wtf.scan("SheetJS").formulas == 4
    slashes = XlsxPackage(corpus(
        "sheets", "broken", "ExcelDataReader-ExcelDataReader__Test_git_issue_385_backslash.xlsx"))
    assert [s.name for s in slashes.sheets] == ["Sheet1"]


def ods(path: Path, tables: str) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", (
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
            'office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:calcext='
            '"urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0">'
            f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
            "</office:document-content>"))
    return path


# How LibreOffice saves an error result: text, with an empty value.
ODS_ERROR = ('<table:table-cell table:formula="of:=1/0" office:value-type="string" '
             'office:string-value="" calcext:value-type="error"><text:p>#DIV/0!</text:p>'
             "</table:table-cell>")


def test_ods_errors_are_placed_through_repeated_and_covered_cells(tmp_path: Path) -> None:
    path = ods(tmp_path / "t.ods", (
        '<table:table table:name="客户">'
        '<table:table-row table:number-rows-repeated="2"><table:table-cell '
        'table:number-columns-repeated="3"/></table:table-row>'
        f"<table:table-row><table:table-cell/><table:covered-table-cell/>{ODS_ERROR}"
        "</table:table-row></table:table>"
        '<table:table table:name="B&amp;C"><table:table-row><table:table-cell '
        'table:formula="of:=2" table:number-columns-repeated="3" office:value-type="float" '
        'office:value="2"><text:p>2</text:p></table:table-cell></table:table-row>'
        "</table:table>"))
    content = OdsContent(path)
    assert content.scan("客户").errors == {(2, 2): "#DIV/0!"}
    assert content.scan("客户").formulas == 1
    assert content.scan("B&C").formulas == 3 and not content.scan("B&C").errors


def test_ods_corpus_formulas_are_counted_per_table() -> None:
    content = OdsContent(corpus("sheets", "ods", "SheetJS-test_files__sheet_visibility.ods"))
    assert [content.scan(n).formulas for n in ("Visible", "Hidden", "VeryHidden")] == [7, 6, 10]


def biff2(*records: bytes) -> bytes:
    """An Excel 2.x worksheet: BOF, the records, EOF."""
    return (struct.pack("<HH", 0x0009, 4) + b"\x07\x00\x10\x00" + b"".join(records)
            + struct.pack("<HH", 0x000A, 0))


def record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


@pytest.mark.parametrize(
    ("name", "errors", "formulas"),
    [
        ("wps/SheetJS-test_files__fn.xls", {(2, 2): "#VALUE!"}, 2),
        ("wps/SheetJS-test_files__fn.et", {(2, 2): "#VALUE!"}, 2),
        ("chinese/python-excel-xlrd__invalid_formula.xls", {(0, 0): "#REF!"}, 1),
        ("xls/SheetJS-test_files__merge_cells.xls", {}, 0),
    ],
)
def test_xls_error_results_and_formulas(
    name: str, errors: dict[tuple[int, int], str], formulas: int
) -> None:
    book = BiffBook(corpus("sheets", *name.split("/")))
    assert book.version == 8 and not book.date1904
    scan = book.scan(book.sheets[0].name, 0)
    assert (scan.errors, scan.formulas) == (errors, formulas)


def test_xls_biff5_and_bare_biff_streams() -> None:
    assert BiffBook(corpus("sheets", "xls",
                           "SheetJS-test_files__defined_names_unicode.biff5.xls")).version == 5
    biff3 = BiffBook(corpus("sheets", "xls",
                            "ExcelDataReader-ExcelDataReader__Test_git_issue_466_biff3.xls"))
    assert biff3.version == 3 and biff3.scan("", 0).formulas == 5


def test_the_1904_date_mode_of_an_xls(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(biff2(record(0x0022, b"\x01\x00")))
    assert BiffBook(path).date1904
    path.write_bytes(biff2(record(0x0022, b"\x00\x00")))
    assert not BiffBook(path).date1904


def test_the_1904_date_system_of_an_xlsb(tmp_path: Path) -> None:
    source = corpus("sheets", "xlsb", "SheetJS-test_files__text_and_numbers.xlsb")
    assert not xlsb_date1904(source)
    # Set f1904, bit 0 of BrtWbProp (record 153: bytes 99 01, a one-byte size, the flags).
    flipped = tmp_path / "1904.xlsb"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(flipped, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/workbook.bin":
                at = data.index(b"\x99\x01") + 3
                data = data[:at] + bytes([data[at] | 1]) + data[at + 1:]
            zout.writestr(item, data)
    assert xlsb_date1904(flipped)


def _rewrite(path: Path, member: str, change: dict[bytes, bytes]) -> Path:
    """The package with `member`'s bytes changed: each key replaced by its value."""
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    for old, new in change.items():
        parts[member] = parts[member].replace(old, new, 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize("where", ["comment", "text"])
def test_error_flags_repeated_in_a_comment_or_text_are_scanned_in_linear_time(
    tmp_path: Path, where: str
) -> None:
    # 2.4 MB of t="e" that belong to no cell (a 10 KB file); the scan looked back to the
    # comment's or text's start from each of them: 8 seconds here, 47 for 6 MB.
    junk = 't="e" ' * 400_000
    cells = ('<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>'
             + (junk if where == "text" else "姓名") + "</x:t></x:is></x:c></x:row>"
             + (f"<!--{junk}-->" if where == "comment" else "")
             + '<x:row r="2"><x:c r="B2" t="e"><x:f>NA()</x:f><x:v>#N/A</x:v></x:c></x:row>')
    package = XlsxPackage(handmade_xlsx(tmp_path / "t.xlsx", cells))
    started = time.monotonic()
    scan = package.scan("客户&名单")
    assert time.monotonic() - started < 2
    assert scan.errors == {(1, 1): "#N/A"}


def test_a_long_run_of_letters_in_a_package_part_is_parsed_in_linear_time(
    tmp_path: Path,
) -> None:
    # Every position of a 30,000-letter word started an attribute match that failed at its
    # end: 10 seconds for this part alone.
    path = handmade_xlsx(tmp_path / "w.xlsx", '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>')
    _rewrite(path, "xl/_rels/workbook.xml.rels", {b'sheet1.xml"': b'sheet1.xml" ' + b"a" * 30_000})
    started = time.monotonic()
    package = XlsxPackage(path)
    assert time.monotonic() - started < 2
    assert [s.name for s in package.sheets] == ["客户&名单"]


ODS_NA = ('<table:table-cell table:formula="of:=NA()" office:value-type="string" '
          'office:string-value="" calcext:value-type="error">')


def test_an_ods_comment_is_never_taken_for_the_error_it_sits_on(tmp_path: Path) -> None:
    # LibreOffice writes a cell's comment before its text: the comment's paragraph came first.
    comment = ("<office:annotation><dc:creator>王经理</dc:creator><text:p>13900139000</text:p>"
               "</office:annotation>")
    path = ods(tmp_path / "c.ods", (
        '<table:table table:name="客户"><table:table-row>'
        f"{ODS_NA}{comment}<text:p>#N/A</text:p></table:table-cell>"
        f"{ODS_NA}<text:p><text:span>Err:502</text:span></text:p></table:table-cell>"
        "</table:table-row></table:table>"))
    assert OdsContent(path).scan("客户").errors == {(0, 0): "#N/A", (0, 1): "Err:502"}


def test_an_ods_error_in_repeated_rows_and_columns_is_on_every_copy(tmp_path: Path) -> None:
    path = ods(tmp_path / "r.ods", (
        '<table:table table:name="客户"><table:table-row><table:table-cell/></table:table-row>'
        f'<table:table-row table:number-rows-repeated="3"><table:table-cell/>{ODS_NA}'
        "<text:p>#N/A</text:p></table:table-cell></table:table-row><table:table-row>"
        + ODS_NA.replace("<table:table-cell ", '<table:table-cell '
                         'table:number-columns-repeated="2" ')
        + "<text:p>#REF!</text:p></table:table-cell></table:table-row></table:table>"))
    scan = OdsContent(path).scan("客户")
    assert scan.error_blocks == [((1, 1), (3, 1), "#N/A"), ((4, 0), (4, 1), "#REF!")]
    assert not scan.errors
