"""What crmkit measures before calamine opens a workbook: calamine lays out an .ods's tables,
an .xlsx's shared strings and every .xls record as it opens the file, and a few damaged bytes
there made it allocate gigabytes or abort the process (the fuzzer's findings, issue 7). Each
test checks the refusal and that calamine was never asked to open the file."""

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
