"""What calamine does not say about a binary workbook: error cells, formulas, date system.

.xls: the Workbook stream is taken out of its compound document by xlrd's reader (Excel
2.x-4.0 files are a bare stream already) and its records walked: DATEMODE (the 1904 date
system), BOUNDSHEET (where each sheet starts), and per worksheet FORMULA (counted; its cached
result may be an error) and BOOLERR (a constant error). Walking a record at a time in Python
would cost as much as calamine's whole read, so runs of the common fixed-size cell records are
skipped by one regular expression.

.xlsb: only the date system is read (BrtWbProp in workbook.bin). Its error cells come out
empty, as calamine gives them, and its formulas are not counted (formula_count is 0): that
means walking every cell record of the sheet in Python, and .xlsb lists are rare.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from xlrd import compdoc  # type: ignore[import-untyped]

from crmkit.file_limits import UsedArea
from crmkit.workbook_scan import SheetScan, relationships

_BOF, _EOF, _BOUNDSHEET, _DATEMODE, _CODEPAGE = 0x0809, 0x000A, 0x0085, 0x0022, 0x0042
_BOOLERR = 0x0205
# Excel 2.x-4.0 number their BOF and FORMULA records by version: 0x0009/0x0209/0x0409 ...
_FORMULAS = frozenset({0x0006, 0x0206, 0x0406})
#: BIFF error codes as Excel shows them
ERROR_CODES = {
    0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?",
    0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA",
}
_HEADER = struct.Struct("<HH")
_CELL = struct.Struct("<HH")
# LABELSST, RK, NUMBER, BLANK and ROW records: nearly every record of a data sheet.
_COMMON_RUN = re.compile(
    rb"(?:(?:\xfd\x00|\x7e\x02)\x0a\x00.{10}|\x03\x02\x0e\x00.{14}|\x01\x02\x06\x00.{6}"
    rb"|\x08\x02\x10\x00.{16})+",
    re.DOTALL,
)
_MAX_RECORDS_GLOBALS = 5_000_000  # a hostile stream must not loop for long
_MAX_RECORD = 8224  # bytes of data in one record ([MS-XLS] 2.1.4)
_DIMENSIONS = 0x0200
_MAX_ROWS, _MAX_COLUMNS = 65536, 256  # of an .xls sheet
_MAX_RECORDS_BEFORE_DIMENSIONS = 10_000  # it follows BOF and the sheet's settings
# .xlsb ([MS-XLSB] 2.3): BrtRowHdr, and the cell records that hold a value, each starting
# with its column: BrtCellRk (2) to BrtFmlaError (11), BrtCellRString (62). BrtCellBlank (1)
# is formatting only.
_XLSB_ROW = 0
_XLSB_CELLS = frozenset({2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 62})
# BrtShortRk (13) to BrtShortIsst (18): a value in the column after the previous cell
_XLSB_SHORT_CELLS = frozenset({13, 14, 15, 16, 17, 18})
# the raw Target of each relationship, as calamine joins it to "xl/"
_RAW_TARGET = re.compile(r"""\bTarget\s*=\s*["']([^"']*)["']""")


@dataclass(frozen=True)
class _Sheet:
    name: str
    offset: int


class DamagedCompoundFile(ValueError):
    """The compound document (OLE) around an .xls's record stream is corrupt: its header,
    directory or sector chains contradict themselves."""


class BiffBook:
    """An .xls workbook's record stream: its BIFF version, date system and worksheets.

    Raises DamagedCompoundFile when xlrd's compound-document reader refuses the file."""

    def __init__(self, path: Path) -> None:
        data = path.read_bytes()
        self.version = 8
        self.date1904 = False
        self.sheets: list[_Sheet] = []
        if data.startswith(compdoc.SIGNATURE):
            try:
                doc = compdoc.CompDoc(
                    data, logfile=io.StringIO(), ignore_workbook_corruption=True)
                for name in ("Workbook", "Book"):
                    mem, base, size = doc.locate_named_stream(name)
                    if mem:
                        break
                else:
                    mem = None
            # xlrd checks its chains with asserts and indexes, besides CompDocError
            except (compdoc.CompDocError, AssertionError, IndexError, struct.error) as exc:
                raise DamagedCompoundFile(str(exc)) from None
            if mem is None:
                raise ValueError("no Workbook stream")
        else:
            # Excel 2.x-4.0: the file is one worksheet's record stream, named as the file.
            mem, base, size = data, 0, len(data)
            self.sheets.append(_Sheet(path.stem, 0))
        self._mem: bytes = mem
        self._base: int = base
        self._end: int = base + size
        self._read_globals()

    def _read_globals(self) -> None:
        codepage = "latin-1"
        boundsheets: list[tuple[int, bytes]] = []
        for kind, data in self._records(self._base, _MAX_RECORDS_GLOBALS):
            if kind & 0xFF == 0x09 and kind >> 8 in (0, 2, 4):  # BOF of BIFF2, 3, 4
                self.version = {0: 2, 2: 3, 4: 4}[kind >> 8]
            elif kind == _BOF and len(data) >= 2:
                self.version = 8 if data[:2] == b"\x00\x06" else 5
            elif kind == _DATEMODE and len(data) >= 2:
                self.date1904 = data[:2] != b"\x00\x00"
            elif kind == _CODEPAGE and len(data) >= 2:
                codepage = _codec(int.from_bytes(data[:2], "little"))
            elif kind == _BOUNDSHEET and len(data) >= 7 and data[5] == 0:  # a worksheet
                boundsheets.append((int.from_bytes(data[:4], "little"), data[6:]))
            elif kind == _EOF:
                break
        for offset, raw in boundsheets:
            self.sheets.append(_Sheet(self._sheet_name(raw, codepage), self._base + offset))

    def _sheet_name(self, raw: bytes, codepage: str) -> str:
        length = raw[0]
        if self.version == 8 and len(raw) >= 2:
            wide = raw[1] & 1
            text = raw[2:2 + length * (2 if wide else 1)]
            return text.decode("utf-16-le" if wide else "latin-1", "replace")
        return raw[1:1 + length].decode(codepage, "replace")

    def scan(self, sheet: str, index: int) -> SheetScan:
        """Error cells and formula count of a worksheet, found by name or else by its
        position among the worksheets (names in old code pages may decode differently)."""
        match = next((s for s in self.sheets if s.name == sheet), None)
        if match is None and 0 <= index < len(self.sheets):
            match = self.sheets[index]
        scan = SheetScan()
        if match is None:
            return scan
        mem, pos, end = self._mem, match.offset, self._end
        if pos + 4 > end or _HEADER.unpack_from(mem, pos)[0] & 0xFF != 0x09:  # a BOF
            return scan
        for at, kind, size in self._uncommon_records(pos):
            body = at + 4
            if kind in _FORMULAS and size >= 14:
                scan.formulas += 1
                # A cached result that is not a number: byte 0 says its type, 2 an error.
                # (Excel 2.x-4.0 errors come from xlrd, which reads those files.)
                if (self.version >= 5 and mem[body + 12:body + 14] == b"\xff\xff"
                        and mem[body + 6] == 2):
                    self._error(scan, body, mem[body + 8])
            elif kind == _BOOLERR and self.version >= 5 and size >= 8 and mem[body + 7] == 1:
                self._error(scan, body, mem[body + 6])
            elif kind == _EOF:
                break
        return scan

    def _uncommon_records(self, pos: int) -> Iterator[tuple[int, int, int]]:
        """(position, kind, size) of each record from `pos` on, but the runs of common cell
        records (see _COMMON_RUN), which are skipped."""
        mem, end = self._mem, self._end
        skip = _COMMON_RUN.match
        while pos + 4 <= end:
            run = skip(mem, pos, end)
            if run:
                pos = run.end()
                if pos + 4 > end:
                    break
            kind, size = _HEADER.unpack_from(mem, pos)
            yield pos, kind, size
            pos += 4 + size

    def damage(self) -> str | None:
        """What makes this stream unsafe to hand to calamine, or None: "record" for a record
        longer than the format allows, "dimensions" for a sheet whose DIMENSIONS record
        declares more than an .xls sheet can hold (65,536 rows x 256 columns) or ends before
        it starts. calamine makes room for the declared area as it opens the file: a first
        row of 2,147,483,648 (bits flipped by the fuzzer) asked it for 1.5 TB."""
        if self.oversized_record() is not None:
            return "record"
        if any(not self._dimensions_fit(sheet.offset) for sheet in self.sheets):
            return "dimensions"
        return None

    def _dimensions_fit(self, pos: int) -> bool:
        for kind, data in self._records(pos, _MAX_RECORDS_BEFORE_DIMENSIONS):
            if kind == _DIMENSIONS:
                if len(data) >= 14:  # BIFF8: 4-byte rows
                    first, last, first_col, last_col = struct.unpack_from("<IIHH", data)
                elif len(data) >= 8:  # BIFF2-5: 2-byte rows
                    first, last, first_col, last_col = struct.unpack_from("<HHHH", data)
                else:
                    return False
                return bool(first <= last <= _MAX_ROWS and first_col <= last_col <= _MAX_COLUMNS)
            if kind == _EOF:
                break
        return True

    def oversized_record(self) -> int | None:
        """Where (a byte offset in the stream) the first record longer than the format
        allows starts, in the globals or a worksheet, or None. [MS-XLS] 2.1.4: a record
        holds at most 8,224 bytes; every .xls in the corpus keeps to it, and calamine, given
        a bogus 26 KB formula record (one byte of a damaged file), allocated 4.5 GB. Runs of
        the common cell records, which are short by their kind, are skipped as in scan()."""
        for start in (self._base, *(sheet.offset for sheet in self.sheets)):
            found = self._oversized_from(start)
            if found is not None:
                return found - self._base
        return None

    def _oversized_from(self, pos: int) -> int | None:
        """The first record over the size limit from `pos` to the next EOF record: the
        globals, or one sheet (calamine reads no further, so neither does this)."""
        for at, kind, size in self._uncommon_records(pos):
            if size > _MAX_RECORD:
                return at
            if kind == _EOF:
                break
        return None

    def _error(self, scan: SheetScan, body: int, code: int) -> None:
        row, col = _CELL.unpack_from(self._mem, body)
        scan.errors[(row, col)] = ERROR_CODES.get(code, "#VALUE!")

    def _records(self, pos: int, limit: int) -> Iterator[tuple[int, bytes]]:
        for _ in range(limit):
            if pos + 4 > self._end:
                return
            kind, size = _HEADER.unpack_from(self._mem, pos)
            yield kind, self._mem[pos + 4:pos + 4 + size]
            pos += 4 + size


def _codec(codepage: int) -> str:
    name = {1200: "utf-16-le", 10000: "mac_roman", 32768: "mac_roman"}.get(
        codepage, f"cp{codepage}")
    try:
        "".encode(name)
    except LookupError:
        return "latin-1"
    return name


def xlsb_date1904(path: Path) -> bool:
    """Whether an .xlsb counts dates from 1904: bit 0 of BrtWbProp in xl/workbook.bin."""
    with zipfile.ZipFile(path) as zf:
        name = next((n for n in zf.namelist()
                     if n.replace("\\", "/").lower() == "xl/workbook.bin"), None)
        if name is None:
            return False
        with zf.open(name) as fh:
            data = fh.read(1 << 20)  # BrtWbProp comes before the sheet list
    pos = 0
    while pos < len(data):
        kind, pos = _varint(data, pos, 2)
        size, pos = _varint(data, pos, 4)
        if kind == 153:  # BrtWbProp
            return bool(data[pos:pos + 1]) and bool(data[pos] & 1)
        pos += size
    return False


def xlsb_used_areas(path: Path) -> list[UsedArea]:
    """The used area of each worksheet of an .xlsb, up to its last cell holding a value:
    calamine lays a sheet out as one block of rows x columns, and one cell record changed to
    hold a far column (found by the fuzzer) aborted the process. Every part the workbook's
    relationships name is measured, by the name calamine opens ("xl/" + the target, whatever
    the relationship's type) and by its normalised name. DamagedXlsb when a row or cell
    record is too short to hold its row or column: calamine then reads a stale one."""
    areas = []
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        rels = next((n for n in names if n.replace("\\", "/").lower()
                     == "xl/_rels/workbook.bin.rels"), None)
        xml = zf.read(rels) if rels else b""
        parts = {target for target, _ in relationships(xml, "xl").values()}
        parts |= {"xl/" + target for target in _RAW_TARGET.findall(xml.decode("utf-8", "replace"))}
        for part in sorted(parts & names):
            if not part.lower().endswith(".bin") or "/worksheets/binaryindex" in part.lower():
                continue
            areas.append(_xlsb_used_area(zf.read(part)))
    return areas


class DamagedXlsb(ValueError):
    """An .xlsb worksheet record too short for what calamine reads from it."""


def _xlsb_used_area(data: bytes) -> UsedArea:
    area = UsedArea()
    row, column, pos, end = 0, 0, 0, len(data)
    try:
        while pos < end:
            kind, pos = _varint(data, pos, 2)
            size, pos = _varint(data, pos, 4)
            if kind == _XLSB_ROW or kind in _XLSB_CELLS:
                if size < 4:
                    raise DamagedXlsb(f"record {kind} of {size} bytes")
                value = int.from_bytes(data[pos:pos + 4], "little")
                if kind == _XLSB_ROW:
                    row = value + 1
                else:
                    column = value + 1
                    area.hold(row, column)
            elif kind in _XLSB_SHORT_CELLS:  # no column: the one after the last cell's
                column += 1
                area.hold(row, column)
            pos += size
    except IndexError:  # a truncated record: what came before is measured
        pass
    return area


def _varint(data: bytes, pos: int, most: int) -> tuple[int, int]:
    """An .xlsb record number or size: 7 bits a byte, low first; a set high bit says
    another byte follows (at most 2 for a number, 4 for a size)."""
    value = 0
    for i in range(most):
        if pos >= len(data):
            break
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            break
    return value, pos
