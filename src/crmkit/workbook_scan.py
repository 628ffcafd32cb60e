"""What calamine does not say about an .xlsx or .ods: error cells, formulas, the date system.

calamine reads every cell's value but turns an error (#N/A, #REF!) into an empty cell and
does not report formulas. Both matter to a user: an empty phone number is "missing", while
#N/A is a broken VLOOKUP to fix; a column of formulas may hold stale results. So the sheet's
XML is scanned once more, as a stream of bytes in chunks: no DOM, memory bounded by a chunk,
and cheap when there is nothing to find (a few `bytes.count` passes over each chunk).
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

_CHUNK = 1 << 20
# A segment must end on a whole row; a row larger than this is cut anyway, so a hostile
# file cannot make crmkit hold an unbounded carry.
_MAX_CARRY = 32 << 20
_MAX_SMALL_PART = 16 << 20  # workbook.xml, relationships
# A name starts where a name character does not precede it: without the lookbehind every
# position of a long run of letters would start a match that fails at the run's end.
_ATTR = re.compile(rb"""(?<![\w.:-])([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(rb"([A-Za-z]{1,3})(\d{1,7})")
_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\s([^<>]*)>")
_WORKBOOK_PR = re.compile(rb"<(?:[\w.-]+:)?workbookPr\s([^<>]*)>")
# <sst count="2753" uniqueCount="1556">: up to 18 digits, as a hostile file writes them
_UNIQUE_COUNT = re.compile(rb"<(?:[\w.-]+:)?sst\s[^<>]*?uniqueCount\s*=\s*[\"'](\d{1,18})[\"']")
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\s([^<>]*)>")
_ROOT = re.compile(rb"<(?:([\w.-]+):)?(?:worksheet|macrosheet|dialogsheet|chartsheet)[\s>]")
_ERROR_FLAG = (b't="e"', b"t='e'")
_FORMULA_TAG = re.compile(rb"<f[\s>/]")  # <f>, <f t="shared" .../>; not <family>
# Where a t="e" is found: its cell's tag, then the cell's value (<f>..</f><v>#N/A</v>).
_CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c\s([^<>]*?)(/?)>")
# Never past the cell's end or the next cell's start: each byte is looked at once, however
# malformed the file.
_CELL_VALUE = re.compile(
    rb"(?:(?!</?(?:[\w.-]+:)?c[\s/>]).){0,100000}?<(?:[\w.-]+:)?v>([^<]*)</", re.DOTALL
)
# Chunks are cut after a row's tag ("</row>", "</x:row>", "</table:table-row>"): never
# inside a cell or a tag.
_ROW_END = b"row>"
# The two attributes read on every cell looked at, without unescaping all of its attributes.
_TYPE_ERROR = re.compile(rb"(?:^|\s)t\s*=\s*[\"']e[\"']")
_REF_ATTR = re.compile(rb"(?:^|\s)r\s*=\s*[\"']([A-Za-z]*\d+)[\"']")
_CELL_OR_ROW = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])([^<>]*)>")
_MERGE = re.compile(rb"<(?:[\w.-]+:)?mergeCell\s[^<>]*?ref\s*=\s*[\"']([A-Za-z0-9:$]+)[\"']")


@dataclass
class SheetScan:
    """What one sheet's XML holds beyond its values."""

    #: error cells as (row, column), 0-based, to the literal Excel shows ("#N/A")
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas: int = 0
    #: error cells repeated over a block (.ods number-rows-repeated/number-columns-repeated)
    #: as ((first row, first column), (last row, last column), literal), 0-based
    error_blocks: list[tuple[tuple[int, int], tuple[int, int], str]] = field(
        default_factory=list)
    #: merged ranges, only when asked for (calamine reports them itself)
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


@dataclass(frozen=True)
class SheetPart:
    """A sheet as workbook.xml lists it."""

    name: str
    part: str  # the zip member, as stored (possibly with backslashes)
    kind: str  # worksheet, chartsheet, dialogsheet, macrosheet
    visible: bool


class XlsxPackage:
    """An .xlsx/.xlsm package's workbook part: its sheets, date system and macros."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        with zipfile.ZipFile(path) as zf:
            # Some writers store backslashes (xl\workbook.xml); part names ignore case.
            self._members = {n.replace("\\", "/").lower(): n for n in zf.namelist()}
            root_rels = _relationships(self._read(zf, "_rels/.rels"), "")
            workbook = next((t for t, kind in root_rels.values()
                             if kind.endswith("/officeDocument")), "xl/workbook.xml")
            book = self._read(zf, workbook)
            folder, name = posixpath.split(workbook)
            rels = _relationships(self._read(zf, f"{folder}/_rels/{name}.rels"), folder)
        strings = next((t for t, kind in rels.values() if kind.endswith("/sharedStrings")),
                       "xl/sharedStrings.xml")
        #: the shared-strings part, where the workbook's texts are
        self.strings_part = self._members.get(strings.lower())
        pr = _WORKBOOK_PR.search(book)
        self.date1904 = bool(pr) and _attrs(pr.group(1) if pr else b"").get(
            "date1904", "").lower() in ("1", "true")
        self.macros = "xl/vbaproject.bin" in self._members
        self.sheets: list[SheetPart] = []
        for match in _SHEET.finditer(book):
            attrs = _attrs(match.group(1))
            rel_id = next((v for k, v in attrs.items() if k.endswith(":id")), "")
            target, kind = rels.get(rel_id, ("", ""))
            member = self._members.get(target.lower())
            if member is None:
                continue
            self.sheets.append(SheetPart(
                name=attrs.get("name", ""), part=member,
                kind=kind.rsplit("/", 1)[-1].lower().removeprefix("xl"),
                visible=attrs.get("state", "visible") == "visible",
            ))

    def _read(self, zf: zipfile.ZipFile, name: str) -> bytes:
        member = self._members.get(name.lstrip("/").lower())
        if member is None:
            return b""
        with zf.open(member) as fh:
            return fh.read(_MAX_SMALL_PART)

    def declared_strings(self) -> tuple[int, int] | None:
        """How many distinct texts the shared-strings part declares (its uniqueCount), and
        the part's size in bytes; None without the part or the count."""
        if self.strings_part is None:
            return None
        with self.open_part(self.strings_part) as fh:
            found = _UNIQUE_COUNT.search(fh.read(4096))
        if found is None:
            return None
        assert self._zip is not None  # open_part opened it
        return int(found.group(1)), self._zip.getinfo(self.strings_part).file_size

    def part_of(self, sheet: str) -> str | None:
        """The zip member of the worksheet named `sheet`."""
        return next((s.part for s in self.sheets if s.name == sheet), None)

    def open_part(self, part: str) -> IO[bytes]:
        """A zip member, read from the zip kept open for this workbook."""
        if self._zip is None:
            # Kept open: a workbook of a thousand sheets is scanned a thousand times.
            self._zip = zipfile.ZipFile(self.path)
        return self._zip.open(part)

    def scan(self, sheet: str, *, merged: bool = False, rows: int | None = None) -> SheetScan:
        """Error cells and formula count of the worksheet named `sheet`; with `rows`, only
        as far as needed for its first `rows` rows (formulas then are not all counted)."""
        part = self.part_of(sheet)
        if part is None:
            return SheetScan()
        with self.open_part(part) as fh:
            scan = _scan_sheet_xml(fh, merged=merged, positional=False, rows=rows)
        if scan is None:  # an error cell without a reference: count positions
            with self.open_part(part) as fh:
                scan = _scan_sheet_xml(fh, merged=merged, positional=True, rows=rows)
        return scan or SheetScan()


def _scan_sheet_xml(
    fh: IO[bytes], *, merged: bool, positional: bool, rows: int | None
) -> SheetScan | None:
    scan = SheetScan()
    formula_tag = _FORMULA_TAG
    row_tag = b"<row"
    rows_seen = 0
    flags: tuple[bytes, ...] = _ERROR_FLAG[:1]
    position = [-1, -1]  # the last row and column seen, for cells without a reference
    for segment, end, first in _segments(fh):
        if first:
            root = _ROOT.search(segment, 0, min(end, 4096))
            if root and root.group(1):  # <x:worksheet>: <x:f>, <x:row>
                prefix = root.group(1)
                formula_tag = re.compile(b"<" + re.escape(prefix) + rb":f[\s>/]")
                row_tag = b"<" + prefix + b":row"
            if segment.find(b"='", 0, end) >= 0:
                flags = _ERROR_FLAG  # a writer that quotes attributes with ' (rare)
        # A regular expression with a literal start searches as fast as bytes.count.
        scan.formulas += len(formula_tag.findall(segment, 0, end))
        if positional:
            _errors_by_position(segment, end, position, scan.errors)
        elif not _errors_by_reference(segment, end, flags, scan.errors):
            return None
        if merged and segment.find(b"mergeCell", 0, end) >= 0:
            scan.merged += [r for m in _MERGE.finditer(segment, 0, end)
                            if (r := _range(m.group(1))) is not None]
        if rows is not None:
            # Row numbers only grow: after n row tags, every row before the n-th is seen.
            rows_seen += segment.count(row_tag, 0, end)
            if rows_seen >= rows:
                break
    return scan


def _segments(fh: IO[bytes]) -> Iterator[tuple[bytes, int, bool]]:
    """The stream in pieces that end after a row's tag: (buffer, end, is the first), the
    piece being buffer[:end], so that callers search in place instead of copying."""
    carry = b""
    first = True
    while True:
        chunk = fh.read(_CHUNK)
        buf = carry + chunk if carry else chunk
        if not chunk:
            if buf:
                yield buf, len(buf), first
            return
        cut = buf.rfind(_ROW_END)
        if cut < 0:
            if len(buf) < _MAX_CARRY:
                carry = buf
                continue
            cut = buf.rfind(b">")
            cut = len(buf) if cut < 0 else cut + 1
        else:
            cut += len(_ROW_END)
        yield buf, cut, first
        first = False
        carry = buf[cut:]


def _errors_by_reference(
    buf: bytes, end: int, flags: tuple[bytes, ...], errors: dict[tuple[int, int], str]
) -> bool:
    """Record the error cells of buf[:end] by their r="B2"; False when one has none."""
    for flag in flags:
        # A flag's tag is the last "<" before it. Looking back only as far as the previous
        # flag keeps the scan linear when t="e" is repeated inside one comment or text: the
        # tag is then the same one, already looked at.
        previous = -1
        found = buf.find(flag, 0, end)
        while found >= 0:
            tag = buf.rfind(b"<", previous + 1, found)
            if tag >= 0 or previous < 0:
                cell = _error_cell(buf, tag)
                if cell is not None:
                    where = _cell(cell[0].encode()) if cell[0] else None
                    if where is None:
                        return False
                    errors[where] = cell[1]
            previous = found
            found = buf.find(flag, found + len(flag), end)
    return True


def _errors_by_position(
    buf: bytes, end: int, position: list[int], errors: dict[tuple[int, int], str]
) -> None:
    """Like `_errors_by_reference`, counting rows and cells where references are missing."""
    for match in _CELL_OR_ROW.finditer(buf, 0, end):
        ref = _ref_attr(match.group(2))
        if match.group(1) == b"row":
            position[0] = int(ref) - 1 if ref and ref.isdigit() else position[0] + 1
            position[1] = -1
            continue
        where = _cell(ref.encode()) if ref else None
        position[:] = list(where) if where else [max(position[0], 0), position[1] + 1]
        cell = _error_cell(buf, match.start())
        if cell is not None:
            errors[(position[0], position[1])] = cell[1]


def _error_cell(buf: bytes, tag: int) -> tuple[str, str] | None:
    """(its reference or "", the error literal) when the tag at `tag` is an error cell."""
    match = _CELL_TAG.match(buf, tag) if tag >= 0 else None
    if match is None or match.group(2) or not _TYPE_ERROR.search(match.group(1)):
        return None  # not a cell, or an error cell without a value (<c t="e"/>)
    value = _CELL_VALUE.match(buf, match.end())
    if value is None:
        return None
    return _ref_attr(match.group(1)) or "", _text(value.group(1))


def _ref_attr(attrs: bytes) -> str | None:
    found = _REF_ATTR.search(attrs)
    return found.group(1).decode("ascii") if found else None


def _attrs(raw: bytes) -> dict[str, str]:
    return {m.group(1).decode("utf-8", "replace"):
            html.unescape((m.group(2) if m.group(2) is not None else m.group(3) or b"")
                          .decode("utf-8", "replace"))
            for m in _ATTR.finditer(raw)}


def _text(raw: bytes) -> str:
    return html.unescape(raw.decode("utf-8", "replace")).strip()


def _cell(ref: bytes) -> tuple[int, int] | None:
    """(row, column), 0-based, of a reference like b"AB12"."""
    match = _REF.fullmatch(ref.replace(b"$", b""))
    if not match:
        return None
    col = 0
    for ch in match.group(1).upper():
        col = col * 26 + ch - 64
    return int(match.group(2)) - 1, col - 1


def _range(ref: bytes) -> tuple[tuple[int, int], tuple[int, int]] | None:
    first, _, last = ref.partition(b":")
    a, b = _cell(first), _cell(last or first)
    return (a, b) if a and b else None


def _relationships(xml: bytes, folder: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (target part name, relationship type) of a .rels part."""
    rels = {}
    for match in _RELATIONSHIP.finditer(xml):
        attrs = _attrs(match.group(1))
        target = attrs.get("Target", "").replace("\\", "/")
        if attrs.get("TargetMode") == "External" or not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        rels[attrs.get("Id", "")] = (path, attrs.get("Type", ""))
    return rels


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


def _ods_tables(fh: IO[bytes]) -> Iterator[tuple[str, bytes]]:
    """content.xml in pieces, each with the name of the table it belongs to."""
    name = ""
    for segment, end, _ in _segments(fh):
        pos = 0
        for match in _ODS_TABLE.finditer(segment, 0, end):
            if match.start() > pos:
                yield name, segment[pos:match.start()]
            name = _attrs(match.group(1)).get("table:name", "")
            pos = match.end()
        yield name, segment[pos:end]


def ods_table_extents(path: Path) -> dict[str, OdsExtent]:
    """Each table's used area in an .ods, up to the last cell holding something, repeats
    counted as calamine lays them out. calamine reads every table when it opens the file, and
    a repeat count (number-columns-repeated="999999999") asks it for billions of cells:
    file_limits measures this first. Repeated empty rows and cells, which LibreOffice writes
    to the sheet's end, count only where something follows them."""
    extents: dict[str, OdsExtent] = {}
    with zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
        for name, piece in _ods_tables(fh):
            extent = extents.setdefault(name, OdsExtent())
            for match in _ODS_TOKEN.finditer(piece):
                attrs = match.group(2)
                if match.group(1) == b"table-row":
                    extent.row_end += _count(attrs, b"number-rows-repeated")
                    extent.next_column = 0
                    continue
                extent.next_column += _count(attrs, b"number-columns-repeated")
                if not attrs.endswith(b"/") or b"value-type" in attrs:  # it holds something
                    extent.hold(extent.row_end, extent.next_column)
    return extents


@dataclass
class OdsExtent:
    """An .ods table's used area while content.xml is read: rows and columns (1-based
    counts), and the last row and column of the cells that reach them."""

    rows: int = 0
    columns: int = 0
    deepest: tuple[int, int] = (0, 0)  # (row, column) of a cell in the last row
    farthest: tuple[int, int] = (0, 0)  # of a cell in the last column
    row_end: int = 0  # the last row of the current row element (a block when repeated)
    next_column: int = 0

    def hold(self, row: int, column: int) -> None:
        """A cell (a block when repeated) ending at `row`, `column` holds something."""
        if row > self.rows:
            self.rows, self.deepest = row, (row, column)
        if column > self.columns:
            self.columns, self.farthest = column, (row, column)


def _count(attrs: bytes, name: bytes) -> int:
    """A repeat count as written, however large (_repeat reads up to 9 digits)."""
    found = re.search(rb"table:" + name + rb"\s*=\s*[\"'](\d{1,18})[\"']", attrs)
    return int(found.group(1)) if found else 1


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
            return _text(_ODS_MARKUP.sub(b"", piece[part.end():close]))
        pos = close + len(closing)
    return None


def _repeat(attrs: bytes, name: bytes) -> int:
    found = re.search(rb"table:" + name + rb"\s*=\s*[\"'](\d{1,9})[\"']", attrs)
    return int(found.group(1)) if found else 1
