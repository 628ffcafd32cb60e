"""What calamine does not say about an .xlsx: error cells, formulas, the date system.

calamine reads every cell's value but turns an error (#N/A, #REF!) into an empty cell and
does not report formulas. Both matter to a user: an empty phone number is "missing", while
#N/A is a broken VLOOKUP to fix; a column of formulas may hold stale results. So the sheet's
XML is scanned once more, as a stream of bytes in chunks: no DOM, memory bounded by a chunk,
and cheap when there is nothing to find (a few `bytes.count` passes over each chunk). An
.ods is read the same way (ods_scan).
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol
from xml.parsers import expat

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
            root_rels = relationships(self._read(zf, "_rels/.rels"), "")
            workbook = next((t for t, kind in root_rels.values()
                             if kind.endswith("/officeDocument")), "xl/workbook.xml")
            book = self._read(zf, workbook)
            folder, name = posixpath.split(workbook)
            rels = relationships(self._read(zf, f"{folder}/_rels/{name}.rels"), folder)
        pr = _WORKBOOK_PR.search(book)
        self.date1904 = bool(pr) and xml_attrs(pr.group(1) if pr else b"").get(
            "date1904", "").lower() in ("1", "true")
        self.macros = "xl/vbaproject.bin" in self._members
        self.sheets: list[SheetPart] = []
        for match in _SHEET.finditer(book):
            attrs = xml_attrs(match.group(1))
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
    for segment, end, first in xml_segments(fh):
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


class Readable(Protocol):
    """What the scans read from: a binary stream's read()."""

    def read(self, size: int = -1, /) -> bytes: ...


def xml_segments(fh: Readable) -> Iterator[tuple[bytes, int, bool]]:
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
    return _ref_attr(match.group(1)) or "", xml_text(value.group(1))


def _ref_attr(attrs: bytes) -> str | None:
    found = _REF_ATTR.search(attrs)
    return found.group(1).decode("ascii") if found else None


def xml_attrs(raw: bytes) -> dict[str, str]:
    return {m.group(1).decode("utf-8", "replace"):
            html.unescape((m.group(2) if m.group(2) is not None else m.group(3) or b"")
                          .decode("utf-8", "replace"))
            for m in _ATTR.finditer(raw)}


def xml_text(raw: bytes) -> str:
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


def declared_strings(path: Path) -> list[tuple[int, int]]:
    """For each shared-strings part of an .xlsx (xl/sharedStrings.xml, which calamine reads
    whatever the relationships say, in any letter case): how many distinct texts its root
    declares (uniqueCount, however it is written) and the part's size in bytes."""
    found = []
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.filename.replace("\\", "/").lower() != "xl/sharedstrings.xml":
                continue
            with zf.open(info) as fh:
                attrs = _root_attributes(fh)
            count = next((v for k, v in attrs.items() if k.rsplit(":", 1)[-1] == "uniqueCount"),
                         "").strip()
            if count.isascii() and count.isdigit():
                found.append((int(count), info.file_size))
    return found


class _Root(Exception):
    def __init__(self, attrs: dict[str, str]) -> None:
        super().__init__()
        self.attrs = attrs


def _root_attributes(fh: IO[bytes]) -> dict[str, str]:
    """The attributes of an XML part's root element, parsed by expat (whatever comes before
    the root, a comment of any size say, is read past); {} when the part is not XML."""
    parser = expat.ParserCreate()

    def root(_: str, attrs: dict[str, str]) -> None:
        raise _Root(attrs)

    def entity(*_: object) -> None:
        raise expat.ExpatError("entity")

    parser.StartElementHandler = root
    parser.EntityDeclHandler = entity
    try:
        while chunk := fh.read(1 << 16):
            parser.Parse(chunk, False)
    except _Root as found:
        return found.attrs
    except expat.ExpatError:
        pass
    return {}


def relationships(xml: bytes, folder: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (target part name, relationship type) of a .rels part."""
    rels = {}
    for match in _RELATIONSHIP.finditer(xml):
        attrs = xml_attrs(match.group(1))
        target = attrs.get("Target", "").replace("\\", "/")
        if attrs.get("TargetMode") == "External" or not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        rels[attrs.get("Id", "")] = (path, attrs.get("Type", ""))
    return rels
