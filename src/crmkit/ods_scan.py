"""What calamine does not say about an .ods, and what it must not be given.

content.xml is read as a stream of bytes in pieces, one table at a time, as workbook_scan
reads an .xlsx sheet: the formulas and error cells of each table (OdsContent), and, before
calamine opens the file, each table's used area with the repeats counted and the XML's
well-formedness (ods_table_extents): calamine lays out every table as it opens an .ods.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO
from xml.parsers import expat

from crmkit.file_limits import UsedArea
from crmkit.workbook_scan import Readable, SheetScan, xml_attrs, xml_segments, xml_text


class OdsContent:
    """An .ods file's content.xml: formula count and error cells of each table."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._scans: dict[str, SheetScan] | None = None

    def scan(self, sheet: str) -> SheetScan:
        """Error cells and formula count of the table named `sheet`."""
        if self._scans is None:
            self._scans = self._read()
        return self._scans.get(sheet, SheetScan())

    def _read(self) -> dict[str, SheetScan]:
        scans: dict[str, SheetScan] = {}
        with_errors: set[str] = set()
        with zipfile.ZipFile(self.path) as zf, zf.open("content.xml") as fh:
            for name, piece in _ods_tables(fh):
                scan = scans.setdefault(name, SheetScan())
                if piece.find(b"table:formula=") >= 0:
                    scan.formulas += sum(_repeat(m.group(1), b"number-columns-repeated")
                                         for m in _ODS_FORMULA_CELL.finditer(piece))
                if piece.find(b'value-type="error"') >= 0:
                    with_errors.add(name)
        if with_errors:
            # Positions are counted, in a second pass, only for tables that hold an error:
            # LibreOffice writes those as text with an empty value, which calamine reads as "".
            position: dict[str, list[int]] = {}
            with zipfile.ZipFile(self.path) as zf, zf.open("content.xml") as fh:
                for name, piece in _ods_tables(fh):
                    if name in with_errors:
                        _ods_errors(piece, position.setdefault(name, [-1, 0, 1]), scans[name])
        return scans


_ODS_TABLE = re.compile(rb"<table:table\s([^<>]*)>")
_ODS_FORMULA_CELL = re.compile(rb"<table:table-cell\s([^<>]*?table:formula=[^<>]*)>")
_ODS_TOKEN = re.compile(
    rb"<table:(table-row|table-cell|covered-table-cell)(?=[\s/>])([^<>]*)>")
# Where a cell's content ends: the next cell or row, opening or closing.
_ODS_CELL_END = re.compile(rb"</?table:(?:(?:covered-)?table-cell|table-row)[\s/>]")
# What a cell shows is its first paragraph outside a comment (<office:annotation>), whose
# own paragraphs come first in the cell and may hold anything, a phone number say.
_ODS_PART = re.compile(rb"<(text:p|office:annotation)(?=[\s/>])[^<>]*?(/?)>")
_ODS_MARKUP = re.compile(rb"<[^<>]*>")
_MAX_ODS_CELL = 100_000
_CHUNK = 1 << 20
_CELLS = frozenset({"table:table-cell", "table:covered-table-cell"})
# C0 controls other than tab, line feed and carriage return
_CONTROLS_TO_SPACES = bytes.maketrans(
    bytes(c for c in range(32) if c not in (9, 10, 13)), b" " * 29)


def _ods_tables(fh: Readable) -> Iterator[tuple[str, bytes]]:
    """content.xml in pieces, each with the name of the table it belongs to."""
    name = ""
    for segment, end, _ in xml_segments(fh):
        pos = 0
        for match in _ODS_TABLE.finditer(segment, 0, end):
            if match.start() > pos:
                yield name, segment[pos:match.start()]
            name = xml_attrs(match.group(1)).get("table:name", "")
            pos = match.end()
        yield name, segment[pos:end]


def ods_table_extents(path: Path) -> dict[str, UsedArea]:
    """Each table's used area in an .ods, up to the last cell holding something, repeats
    counted as calamine lays them out; MalformedXml when content.xml is not well-formed XML
    or declares entities, OdsEncrypted when the file has a password.

    calamine reads every table when it opens the file: a repeat count
    (number-columns-repeated="999999999") asks it for billions of cells, and a table closed
    by a misspelt tag (</table:tacle>) made it loop forever (both found by the fuzzer). So
    content.xml is parsed by expat first, which checks it and reads each attribute as
    calamine does (a count written with leading zeros, a '>' in another attribute's value).
    Repeated empty rows and cells, which LibreOffice writes to the sheet's end, count only
    where something follows them."""
    with zipfile.ZipFile(path) as zf:
        manifest = "META-INF/manifest.xml"
        if manifest in zf.namelist() and b"encryption-data" in zf.read(manifest):
            raise OdsEncrypted(path.name)
        with zf.open("content.xml") as fh:
            measure = _OdsMeasure()
            read = _WellFormed(fh, "content.xml", measure.start, measure.end)
            while read.read(_CHUNK):
                pass
    return measure.tables


class OdsEncrypted(ValueError):
    """The .ods has a password: its content.xml is ciphertext."""


class _OdsMeasure:
    """expat's handlers that measure each table as content.xml is parsed."""

    def __init__(self) -> None:
        self.tables: dict[str, UsedArea] = {}
        self._open: list[UsedArea] = []  # the tables being read (a table may hold one)
        self._empty_cell: tuple[int, int] | None = None  # where a cell without a value ends

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "table:table":
            area = self.tables.setdefault(attrs.get("table:name", ""), UsedArea())
            self._open.append(area)
            return
        if not self._open:
            return
        area = self._open[-1]
        if name == "table:table-row":
            area.row_end += _number(attrs.get("table:number-rows-repeated"))
            area.next_column = 0
        elif name in _CELLS:
            area.next_column += _number(attrs.get("table:number-columns-repeated"))
            self._empty_cell = None
            if "office:value-type" in attrs:
                area.hold(area.row_end, area.next_column)
            else:  # it holds something if an element (a paragraph) follows inside it
                self._empty_cell = (area.row_end, area.next_column)
        elif self._empty_cell is not None:
            area.hold(*self._empty_cell)
            self._empty_cell = None

    def end(self, name: str) -> None:
        if name == "table:table" and self._open:
            self._open.pop()
        elif name in _CELLS:
            self._empty_cell = None


def _number(value: str | None) -> int:
    """A repeat count as written, however large; 1 when absent or not a number."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() else 1


class MalformedXml(ValueError):
    """A part of the file is not well-formed XML (`why`, near `line`), or declares entities
    (`line` 0)."""

    def __init__(self, part: str, why: str, line: int = 0) -> None:
        super().__init__(f"{part}: {why}" + (f", line {line}" if line else ""))
        self.part, self.why, self.line = part, why, line


class _WellFormed:
    """A stream of XML parsed by expat as it is read, with element handlers: a part that is
    not well-formed (a tag closed by another name, a part cut short) raises MalformedXml
    once read to its end, and entity declarations are refused, as defusedxml refuses them.
    Control characters, which XML forbids but calamine reads, are spaces to expat."""

    def __init__(self, fh: IO[bytes], part: str, start: Callable[[str, dict[str, str]], None],
                 end: Callable[[str], None]) -> None:
        self._fh, self.part = fh, part
        self._parser = expat.ParserCreate()
        self._parser.EntityDeclHandler = self._entity
        self._parser.StartElementHandler = start
        self._parser.EndElementHandler = end

    def _entity(self, *_: object) -> None:
        raise MalformedXml(self.part, "entities")

    def read(self, size: int = -1) -> bytes:
        data = self._fh.read(size)
        try:
            self._parser.Parse(data.translate(_CONTROLS_TO_SPACES), not data)
        except expat.ExpatError as exc:
            raise MalformedXml(self.part, expat.ErrorString(exc.code) or "",
                               exc.lineno) from None
        return data


def _ods_errors(piece: bytes, position: list[int], scan: SheetScan) -> None:
    """Record the error cells of a piece of a table; position is [the last row seen, the
    column of the next cell, how many times the current row repeats]."""
    for match in _ODS_TOKEN.finditer(piece):
        attrs = match.group(2)
        if match.group(1) == b"table-row":
            # position[0] is the last row; a row repeated n times ends n - 1 rows further.
            position[2] = _repeat(attrs, b"number-rows-repeated")
            position[0] += position[2]
            position[1] = 0
            continue
        columns = _repeat(attrs, b"number-columns-repeated")
        if b'value-type="error"' in attrs and not attrs.endswith(b"/"):
            literal = _ods_cell_text(piece, match.end())
            if literal:
                first = (position[0] - position[2] + 1, position[1])
                last = (position[0], position[1] + columns - 1)
                if first == last:
                    scan.errors[first] = literal
                else:  # one entry for the block: a repeat count is no reason to use memory
                    scan.error_blocks.append((first, last, literal))
        position[1] += columns


def _ods_cell_text(piece: bytes, start: int) -> str | None:
    """The text of the cell whose content starts at `start`: its first paragraph that is
    not in a comment, markup inside it (<text:span>) dropped."""
    limit = min(len(piece), start + _MAX_ODS_CELL)
    end_match = _ODS_CELL_END.search(piece, start, limit)
    end = end_match.start() if end_match else limit
    pos = start
    while (part := _ODS_PART.search(piece, pos, end)) is not None:
        if part.group(2):  # <text:p/>, <office:annotation/>: empty
            if part.group(1) == b"text:p":
                return ""
            pos = part.end()
            continue
        closing = b"</" + part.group(1) + b">"
        close = piece.find(closing, part.end(), end)
        if close < 0:
            return None
        if part.group(1) == b"text:p":
            return xml_text(_ODS_MARKUP.sub(b"", piece[part.end():close]))
        pos = close + len(closing)
    return None


def _repeat(attrs: bytes, name: bytes) -> int:
    found = re.search(rb"table:" + name + rb"\s*=\s*[\"'](\d{1,9})[\"']", attrs)
    return int(found.group(1)) if found else 1
