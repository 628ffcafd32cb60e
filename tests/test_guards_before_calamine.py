"""What crmkit measures before calamine opens a workbook: calamine lays out an .ods's tables,
an .xlsx's shared strings, an .xlsb's sheets and every .xls record as it opens the file, and a
few damaged bytes there made it allocate gigabytes, abort the process or loop forever (the
fuzzer's findings, issue 7). Each test checks the refusal and that calamine was never asked
to open the file."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import python_calamine as calamine

import crmkit
from crmkit.errors import CrmkitError
from crmkit.file_limits import FileLimits, using
from crmkit.readers import open_source

from conftest import ROOT, corpus

EXAMPLE = ROOT / "examples" / "customers.xlsx"
FUZZ = Path(__file__).parent / "data" / "fuzz"


@pytest.fixture
def calamine_opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files calamine was asked to open (it is asked to open none: it raises)."""
    opened: list[str] = []

    def record(name: str) -> None:
        opened.append(name)
        raise AssertionError("calamine opened a file crmkit should have refused first")

    monkeypatch.setattr(calamine.CalamineWorkbook, "from_path", record)
    return opened


def rewrite(source: Path, target: Path, member: str, change: Callable[[bytes], bytes]) -> Path:
    """`source` with one zip member changed."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item.filename, change(data) if item.filename == member else data)
    return target


def refused(path: Path) -> CrmkitError:
    with pytest.raises(CrmkitError) as err:
        open_source(path)
    return err.value


def unique_count(count: int) -> Callable[[bytes], bytes]:
    return lambda xml: re.sub(rb'uniqueCount="\d+"', f'uniqueCount="{count}"'.encode(), xml)


def test_an_absurd_shared_string_count_is_refused_as_damaged(
    tmp_path: Path, calamine_opens: list[str]
) -> None:
    # calamine reserved room for 2,147,483,648 texts and aborted the process.
    path = rewrite(EXAMPLE, tmp_path / "list.xlsx", "xl/sharedStrings.xml",
                   unique_count(2_147_483_648))
    err = refused(path)
    assert (err.code, calamine_opens) == ("file.unreadable", [])
    assert "2,147,483,648" in err.message("en")


def test_a_shared_string_count_the_part_could_hold_meets_the_cells_limit(
    tmp_path: Path, calamine_opens: list[str]
) -> None:
    # 1,556 texts in the example: honest, but past a cells limit lowered to 1,000.
    with using(FileLimits(cells=1_000)):
        err = refused(EXAMPLE)
    assert (err.code, calamine_opens) == ("file.too_big", [])
    assert "--max-cells" in err.message("en")


def test_a_wrong_but_modest_shared_string_count_is_read(tmp_path: Path) -> None:
    # Some writers get uniqueCount wrong; a count within the limits is calamine's to use.
    path = rewrite(EXAMPLE, tmp_path / "list.xlsx", "xl/sharedStrings.xml",
                   unique_count(5_000_000))
    report = crmkit.validate(path, write=False)
    assert report.rows.read == crmkit.validate(EXAMPLE, write=False).rows.read


def dos_ods(target: Path, rows: int) -> Path:
    """The corpus's DoS .ods (one cell repeated 999,999,999 x 999,999,999) with its row
    element written `rows` times: 5,000 took calamine past 3 GB before its own cell limit."""
    def repeat(xml: bytes) -> bytes:
        row = re.search(rb"<table:table-row.*?</table:table-row>", xml, re.DOTALL)
        assert row is not None
        return xml.replace(row.group(0), row.group(0) * rows)

    source = corpus("sheets", "broken", "tafia-calamine__issue_594_dos.ods")
    return rewrite(source, target, "content.xml", repeat)


def test_an_ods_asking_for_billions_of_cells_is_refused_before_calamine(
    tmp_path: Path, calamine_opens: list[str]
) -> None:
    err = refused(dos_ods(tmp_path / "dos.ods", rows=5_000))
    assert (err.code, calamine_opens) == ("file.too_big", [])
    assert "--max-rows" in err.message("en")


def test_repeated_empty_rows_and_cells_at_an_ods_end_are_not_counted(tmp_path: Path) -> None:
    # LibreOffice writes the sheet's unused rest as repeated empty rows and cells.
    source = corpus("sheets", "ods", "tafia-calamine__number_rows_repeated.ods")
    tail = (b'<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
            b'table:number-columns-repeated="1024"/></table:table-row></table:table>')
    path = rewrite(source, tmp_path / "tail.ods", "content.xml",
                   lambda xml: xml.replace(b"</table:table>", tail, 1))
    with using(FileLimits(rows=1_000, columns=100)):
        source_sheets = open_source(source).sheets
        assert open_source(path).sheets == source_sheets  # opened, not refused


def test_an_xls_record_longer_than_the_format_allows_is_refused(
    tmp_path: Path, calamine_opens: list[str]
) -> None:
    # The fuzzer changed one byte of the corpus's OOM_alloc2.xls: a 26 KB formula record
    # appeared, and calamine allocated 4.5 GB on it. The limit is 8,224 bytes ([MS-XLS]).
    data = bytearray(corpus("sheets", "broken", "tafia-calamine__OOM_alloc2.xls").read_bytes())
    data[28510] = 82
    path = tmp_path / "list.xls"
    path.write_bytes(bytes(data))
    err = refused(path)
    assert (err.code, calamine_opens) == ("file.unreadable", [])
    assert "longer than the .xls format allows" in err.message("en")


def test_every_good_xls_in_the_corpus_keeps_to_the_record_size() -> None:
    from xlrd import compdoc  # type: ignore[import-untyped]

    from crmkit.biff_scan import BiffBook

    # .xls by content: the corpus's .xls names also hold text exports
    good = [p for folder in ("xls", "chinese", "wps") for p in corpus("sheets", folder).glob("*")
            if p.read_bytes()[:8] == compdoc.SIGNATURE]
    assert len(good) >= 10
    assert [p.name for p in good if BiffBook(p).oversized_record() is not None] == []


def test_an_xlsb_cell_in_a_far_column_is_refused_before_calamine(
    calamine_opens: list[str]
) -> None:
    # One byte of a cell record changed (the fuzzer): a number in column 1,040,187,393.
    err = refused(FUZZ / "xlsb-far-column" / "upload.xlsb")
    assert (err.code, calamine_opens) == ("file.too_big", [])
    assert "--max-columns" in err.message("en")


def test_xlsb_sheets_are_measured_to_their_last_value() -> None:
    from crmkit.biff_scan import xlsb_used_areas

    areas = xlsb_used_areas(corpus("sheets", "xlsb", "SheetJS-test_files__text_and_numbers.xlsb"))
    # Sheet1 holds 4 rows of 3 columns; Sheet2, Sheet3 and the other parts named by the
    # relationships (styles, shared strings) hold no cell.
    assert sorted((a.rows, a.columns) for a in areas)[-2:] == [(0, 0), (4, 3)]


@pytest.mark.parametrize(("old", "new"), [
    # calamine looped forever on this one (the fuzzer flipped 4 bits)
    (b"</table:table>", b"</table:tacle>"),
    (b"</table:table-row>", b"</table:table-roX>"),
])
def test_an_ods_whose_content_is_not_well_formed_xml_is_refused(
    old: bytes, new: bytes, tmp_path: Path, calamine_opens: list[str]
) -> None:
    source = corpus("sheets", "ods", "frictionlessdata-frictionless-py__table-output.ods")
    path = rewrite(source, tmp_path / "list.ods", "content.xml",
                   lambda xml: xml.replace(old, new, 1))
    err = refused(path)
    assert (err.code, calamine_opens) == ("file.unreadable", [])
    assert "content.xml is not well-formed XML: mismatched tag" in err.message("en")


def test_an_ods_cut_short_after_a_row_is_refused(tmp_path: Path, calamine_opens: list[str]) -> None:
    source = corpus("sheets", "ods", "frictionlessdata-frictionless-py__table-output.ods")
    path = rewrite(source, tmp_path / "list.ods", "content.xml",
                   lambda xml: xml[:xml.index(b"</table:table-row>") + 18])
    err = refused(path)
    assert (err.code, calamine_opens) == ("file.unreadable", [])
    assert "第" in err.message("zh") and "XML 不完整或有错" in err.message("zh")


def test_an_ods_declaring_entities_is_refused(tmp_path: Path, calamine_opens: list[str]) -> None:
    source = corpus("sheets", "ods", "frictionlessdata-frictionless-py__table-output.ods")
    bomb = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    path = rewrite(source, tmp_path / "list.ods", "content.xml",
                   lambda xml: xml.replace(b"?>", b"?>" + bomb, 1))
    err = refused(path)
    assert (err.code, calamine_opens) == ("file.unreadable", [])
    assert "declares XML entities" in err.message("en")


def test_an_xlsb_cell_record_too_short_for_its_column_is_refused(
    calamine_opens: list[str]
) -> None:
    # A record's size changed from 6 to 62 (the fuzzer): the records after it are read
    # out of step, a cell record of 0 bytes among them, whose column calamine takes from
    # the record before (it asked for 30 GB).
    err = refused(FUZZ / "xlsb-short-cell-record" / "客户 名单.xlsb")
    assert (err.code, calamine_opens) == ("file.unreadable", [])
    assert "a cell record in it is incomplete" in err.message("en")


def test_an_xls_sheet_declaring_more_rows_than_xls_holds_is_refused(
    tmp_path: Path, calamine_opens: list[str]
) -> None:
    # The fuzzer flipped bits of a DIMENSIONS record: first row 2,147,483,648, last 21;
    # calamine asked for 1.5 TB.
    from crmkit.biff_scan import BiffBook

    source = corpus("sheets", "chinese", "tafia-calamine__issue_271.xls")
    book = BiffBook(source)
    data = bytearray(source.read_bytes())
    stream = bytes(book._mem[book._base:book._end])  # the Workbook stream
    dims = stream.index(b"\x00\x02\x0e\x00", book.sheets[1].offset - book._base)
    at = bytes(data).index(stream[dims:dims + 18])  # the stream is contiguous in this file
    data[at + 4:at + 8] = (2_147_483_648).to_bytes(4, "little")
    path = tmp_path / "list.xls"
    path.write_bytes(bytes(data))
    err = refused(path)
    assert (err.code, calamine_opens) == ("file.unreadable", [])
    assert "65,536 rows x 256 columns" in err.message("en")


def test_an_ods_count_is_read_as_calamine_reads_it(
    tmp_path: Path, calamine_opens: list[str]
) -> None:
    # Leading zeros and a '>' in an attribute before the count: valid XML, and a regular
    # expression over the tags would have missed the count.
    far = (b'<table:table-row><table:table-cell table:style-name="a>b" '
           b'table:number-columns-repeated="0000000000999999999" office:value-type="string">'
           b"<text:p>X</text:p></table:table-cell></table:table-row>")
    source = corpus("sheets", "ods", "frictionlessdata-frictionless-py__table-output.ods")
    path = rewrite(source, tmp_path / "list.ods", "content.xml",
                   lambda xml: xml.replace(b"</table:table>", far + b"</table:table>", 1))
    err = refused(path)
    assert (err.code, calamine_opens) == ("file.too_big", [])
    assert "999,999,999" in err.message("en")


@pytest.mark.parametrize("change", [
    # a control character in a cell: not XML, but calamine reads it
    lambda xml: xml.replace(b"<text:p>", b"<text:p>\x0b", 1),
    # an empty cell repeated to the sheet's last column, written with an end tag
    lambda xml: xml.replace(b"</table:table>", b'<table:table-row><table:table-cell '
                            b'table:number-columns-repeated="16383"></table:table-cell>'
                            b"</table:table-row></table:table>", 1),
], ids=["control-character", "empty-repeated-cell"])
def test_odd_but_honest_ods_files_are_read(
    change: Callable[[bytes], bytes], tmp_path: Path
) -> None:
    source = corpus("sheets", "ods", "frictionlessdata-frictionless-py__table-output.ods")
    path = rewrite(source, tmp_path / "list.ods", "content.xml", change)
    src = open_source(path)
    assert [s.name for s in src.sheets] == [s.name for s in open_source(source).sheets]


@pytest.mark.parametrize("change", [
    # the count after a comment longer than the first 4 KB the check used to read
    lambda xml: xml.replace(b"<sst ", b"<!--" + b"x" * 8000 + b"--><sst ", 1),
    # the count written with leading zeros
    lambda xml: re.sub(rb'uniqueCount="\d+"', b'uniqueCount="00000000002147483648"', xml),
], ids=["after-a-comment", "leading-zeros"])
def test_a_shared_string_count_is_read_as_calamine_reads_it(
    change: Callable[[bytes], bytes], tmp_path: Path, calamine_opens: list[str]
) -> None:
    path = rewrite(EXAMPLE, tmp_path / "list.xlsx", "xl/sharedStrings.xml",
                   lambda xml: change(unique_count(2_147_483_648)(xml)))
    err = refused(path)
    assert (err.code, calamine_opens) == ("file.unreadable", [])
