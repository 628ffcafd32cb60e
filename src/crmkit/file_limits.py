"""What one input file may cost crmkit: unzipped size, compression ratio, rows, columns, cells.

A spreadsheet from a stranger can be built to exhaust the machine: an .xlsx is a zip of XML,
and a 1 KB file can inflate to gigabytes (a zip bomb) or hold one cell in column XFD and
another in row 1,048,576, which the reader would lay out as 17 billion cells and abort on.
Each limit is checked before the costly step it guards, from what the file really holds
(not what it declares), and a file past one is refused in one line that names the limit and
the option that raises it (file.too_big). The defaults serve real customer lists, millions
of rows, not billions.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import lzma
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError

_MB = 1 << 20
#: deflate cannot expand a byte to more than about 1032: a member whose compressed size
#: times this fits in what is left of the budget needs no inflating to be trusted
_DEFLATE_MAX_RATIO = 1032
#: members smaller than this are never refused for their ratio (a theme or styles part of a
#: few hundred KB compresses very well and costs nothing)
_RATIO_GRACE = _MB
_CHUNK = _MB
_MAX_CARRY = 32 * _MB


@dataclass(frozen=True)
class FileLimits:
    """The most a file may cost; each field is raised by the option of the same name."""

    #: --max-unzipped-mb: the size of a zip-based workbook's parts once inflated, in MiB
    unzipped_mb: int = 2048
    #: --max-zip-ratio: how many times larger than stored a part (over 1 MiB) may inflate
    zip_ratio: int = 200
    #: --max-rows: rows of a sheet or text file, counting the header and blank rows
    rows: int = 2_000_000
    #: --max-columns: columns of a sheet or text file. No import template has a hundred
    #: fields; past a thousand columns each one's checks add up to minutes (a text line of
    #: 16,000 commas), and a far workbook cell is a stray entry to delete.
    columns: int = 1_000
    #: --max-cells: rows x columns of a sheet's used area (what the reader holds in memory)
    cells: int = 50_000_000


    @classmethod
    def from_options(cls, **given: int | None) -> FileLimits:
        """The limits with the values given (not None) in place of the defaults; a value
        below 1 is options.invalid."""
        for name, value in given.items():
            if value is not None and value < 1:
                option = _LIMIT_NAMES[name][0]
                raise CrmkitError("options.invalid", detail=Bilingual(
                    f"{option} 必须是正整数", f"{option} must be a positive number"))
        return cls(**{k: v for k, v in given.items() if v is not None})


_LIMIT_NAMES = {
    "unzipped_mb": ("--max-unzipped-mb", "解压后大小（MB）", "unzipped size (MB)"),
    "zip_ratio": ("--max-zip-ratio", "压缩比", "compression ratio"),
    "rows": ("--max-rows", "行数", "number of rows"),
    "columns": ("--max-columns", "列数", "number of columns"),
    "cells": ("--max-cells", "单元格数（行数×列数）", "number of cells (rows x columns)"),
}

_DEFAULT = FileLimits()
_current: contextvars.ContextVar[FileLimits | None] = contextvars.ContextVar(
    "crmkit_file_limits", default=None)


def current() -> FileLimits:
    """The limits in force: FileLimits() unless a caller chose others with `using`."""
    return _current.get() or _DEFAULT


@contextlib.contextmanager
def using(limits: FileLimits | None) -> Iterator[None]:
    """Check every file read inside the block against `limits` (None: the defaults)."""
    token = _current.set(limits)
    try:
        yield
    finally:
        _current.reset(token)


def too_big(path: Path, limit: str, found: int, where: str = "") -> CrmkitError:
    """file.too_big for `limit` (a FileLimits field) exceeded by `found`."""
    option, zh, en = _LIMIT_NAMES[limit]
    value = getattr(current(), limit)
    return CrmkitError(
        "file.too_big", path=str(path), what=Bilingual(zh, en), found=f"{found:,}",
        limit=f"{value:,}", option=option,
        where=Bilingual(f"（最远的单元格在 {where}）", f" (its farthest cell is {where})")
        if where else Bilingual("", ""),
    )


def check_archive(path: Path) -> None:
    """Refuse a zip-based workbook (.xlsx, .xlsm, .xlsb, .ods) that inflates past the limits.

    Declared sizes are checked first, which refuses an honest bomb at once. A zip's sizes
    can lie, and the reader trusts the data, not the header; so unless every member's
    compressed size proves it small, the members are inflated once (about 0.2 s for a
    200,000-row list) and what they really hold is counted, stopping at the limit."""
    limits = current()
    budget = limits.unzipped_mb * _MB
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            declared = sum(i.file_size for i in infos)
            if declared > budget:
                raise too_big(path, "unzipped_mb", declared // _MB)
            for info in infos:
                _check_ratio(path, info.file_size, info.compress_size, limits)
            if sum(i.compress_size for i in infos) * _DEFLATE_MAX_RATIO <= budget:
                return
            total = 0
            for info in infos:
                total = _inflate(zf, info, path, total, budget, limits)
    except CrmkitError:
        raise
    except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, OSError, EOFError, ValueError,
            RuntimeError, NotImplementedError):
        # A member crmkit cannot inflate (broken, encrypted, an odd method) is the reader's
        # to refuse with its own reason; what could be counted stayed within the limits.
        return


def _inflate(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, total: int, budget: int,
    limits: FileLimits,
) -> int:
    """`total` plus what `info` really inflates to; too_big past the budget or the ratio."""
    # zipfile stops at the declared size: claiming one past the budget reads what is there.
    claimed = copy.copy(info)
    claimed.file_size = budget + 1
    size = 0
    with zf.open(claimed) as fh:
        while chunk := fh.read(_CHUNK):
            size += len(chunk)
            if total + size > budget:
                raise too_big(path, "unzipped_mb", (total + size) // _MB)
            _check_ratio(path, size, info.compress_size, limits)
    return total + size


def _check_ratio(path: Path, size: int, stored: int, limits: FileLimits) -> None:
    if size > _RATIO_GRACE and size > limits.zip_ratio * max(stored, 1):
        raise too_big(path, "zip_ratio", size // max(stored, 1))


# A cell's or row's reference, r="XFD1048576" or r="12". The fast form starts with a literal
# (the regex engine then skips ahead) and may also catch the tail of another attribute
# (header="12"), which can only overstate the extent. The precise form, used only when the
# fast one finds a sheet too big, also reads the tag's end: an empty cell
# (<c r="XFD1" s="1"/>, formatting only) is skipped by readers and does not count.
_REF_FAST = re.compile(rb"""r\s*=\s*["']([A-Za-z]+)(\d+)["']""")
_REF = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]*)(\d+)["'][^<>]*?(/?)>""")
_CELL_OPEN = re.compile(rb"<(?:[\w.-]+:)?c[\s>]")
_ROW_OPEN = re.compile(rb"<(?:[\w.-]+:)?row[\s>/]")


@dataclass
class Extent:
    """How far a sheet's cells reach: the last row and column holding something (1-based)
    and the reference of the cell that reaches farthest."""

    rows: int = 0
    columns: int = 0
    farthest: str = ""  # the cell in the last column
    deepest: str = ""  # the cell in the last row


@dataclass
class UsedArea:
    """A sheet's used area as it is read (an .ods table, an .xlsb worksheet): rows and
    columns (1-based counts), and the row and column of the cells that reach them."""

    rows: int = 0
    columns: int = 0
    deepest: tuple[int, int] = (0, 0)  # (row, column) of a cell in the last row
    farthest: tuple[int, int] = (0, 0)  # of a cell in the last column
    row_end: int = 0  # the last row of the current row (element, block when repeated)
    next_column: int = 0  # the column after the last cell read

    def hold(self, row: int, column: int) -> None:
        """A cell (a block when repeated) ending at `row`, `column` holds something."""
        if row > self.rows:
            self.rows, self.deepest = row, (row, column)
        if column > self.columns:
            self.columns, self.farthest = column, (row, column)


def xlsx_sheet_extent(chunks: Iterator[bytes], *, precise: bool = False) -> Extent:
    """The used area of an .xlsx worksheet part, read as a stream of chunks; at least as
    large as what a reader lays out, and exactly that when `precise` (slower).

    Cells without a reference (some writers omit r=) are placed by counting, as readers
    do: then a row's cell count bounds its width, and the row count the height."""
    extent = Extent()
    counts = [0, 0, 0, 0]  # cell tags, cells with a reference, row tags, widest row
    for piece in _whole_rows(chunks):
        _measure(piece, extent, counts, precise)
    cells, refs, rows_seen, widest_row = counts
    if cells > refs:
        extent.columns = max(extent.columns, widest_row)
        extent.rows = max(extent.rows, rows_seen)
    return extent


def _whole_rows(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The stream cut after a row's end, so a row's cells are looked at together; a row
    longer than _MAX_CARRY is cut at a tag's end (it is past any column limit anyway)."""
    carry = b""
    for chunk in chunks:
        data = carry + chunk
        cut = data.rfind(b"row>") + 4
        if cut < 4:
            # No row's end yet: carry on, but never more than _MAX_CARRY (a part with no
            # tags at all is cut anywhere: it holds no reference to split).
            cut = (data.rfind(b">") + 1 or len(data)) if len(data) > _MAX_CARRY else 0
        piece, carry = data[:cut], data[cut:]
        if piece:
            yield piece
    if carry:
        yield carry


def _measure(data: bytes, extent: Extent, counts: list[int], precise: bool) -> None:
    counts[0] += data.count(b"<c ") + data.count(b"<c>") if b":c" not in data else len(
        _CELL_OPEN.findall(data))
    # Counted only to place cells that have no reference: an upper bound is enough.
    counts[2] += (data.count(b"<row") if b":row" not in data
                  else len(_ROW_OPEN.findall(data)))
    if precise:
        found = _REF.findall(data)
        counts[1] += sum(1 for col, _, _ in found if col)
        # Only cells that hold something: an empty formatted cell is not read.
        filled = [(col, row) for col, row, closed in found if col and not closed]
    else:
        filled = _REF_FAST.findall(data)  # cells' references (a row's has no letters)
        counts[1] += len(filled)
    # Sets of the columns and rows, made in C: a chunk holds thousands of cells, and the
    # cell that reaches farthest is looked for only when it does, from the end (rows grow).
    columns, rows = zip(*filled, strict=True) if filled else ((), ())
    deepest_text = max(set(rows), key=int, default=b"0")
    deepest = int(deepest_text)
    if deepest > extent.rows:
        extent.rows = deepest
        col = next(c for c, r in reversed(filled) if r == deepest_text)
        extent.deepest = f"{col.decode().upper()}{deepest}"
    letters = {(len(col), col.upper()) for col in set(columns)}
    if letters:
        _, widest = max(letters)
        column = _column_number(widest)
        if column > extent.columns:
            extent.columns = column
            row = next(r for c, r in reversed(filled) if c.upper() == widest)
            extent.farthest = f"{widest.decode()}{int(row)}"
    if counts[0] > counts[1]:
        counts[3] = max(counts[3], _most_cells_in_a_row(data))


def _most_cells_in_a_row(data: bytes) -> int:
    return max((len(_CELL_OPEN.findall(piece)) for piece in _ROW_OPEN.split(data)), default=0)


def _column_number(letters: bytes) -> int:
    number = 0
    for byte in letters.upper():
        number = number * 26 + byte - 64
    return number


def check_xlsx_sheet(path: Path, read: Callable[[], IO[bytes]]) -> None:
    """too_big when the .xlsx worksheet part `read` opens passes a limit. The quick measure
    may count cells holding only formatting; a sheet it finds too big is measured again
    exactly before it is refused."""
    if not _fits(xlsx_sheet_extent(_chunks(read))):
        check_extent(path, xlsx_sheet_extent(_chunks(read), precise=True))


def _chunks(read: Callable[[], IO[bytes]]) -> Iterator[bytes]:
    with read() as fh:
        while chunk := fh.read(_CHUNK):
            yield chunk


def _fits(extent: Extent) -> bool:
    limits = current()
    return (extent.rows <= limits.rows and extent.columns <= limits.columns
            and extent.rows * extent.columns <= limits.cells)


def check_extent(path: Path, extent: Extent) -> None:
    """too_big when a sheet's used area passes the rows, columns or cells limit."""
    limits = current()
    if extent.rows > limits.rows:
        raise too_big(path, "rows", extent.rows, extent.deepest)
    if extent.columns > limits.columns:
        raise too_big(path, "columns", extent.columns, extent.farthest)
    if extent.rows * extent.columns > limits.cells:
        raise too_big(path, "cells", extent.rows * extent.columns,
                      extent.farthest or extent.deepest)


def check_shared_strings(path: Path) -> None:
    """Refuse an .xlsx whose shared strings declare an absurd number of distinct texts (their
    uniqueCount). calamine makes room for them all before it reads one: 2,147,483,648
    aborted the process (found by the fuzzer). Past the cells limit, a count the part could
    not hold (a text takes at least 5 bytes, <si/>) is a damaged or hostile file, and one it
    could hold is too big."""
    from crmkit.workbook_scan import declared_strings

    for unique, size in declared_strings(path):
        if unique <= current().cells:
            continue
        if unique > size // 5:
            raise CrmkitError("file.unreadable", path=str(path), detail=Bilingual(
                f"它声明有 {unique:,} 个不同的文本，远多于文件实际容纳的",
                f"it declares {unique:,} distinct texts, far more than it holds"))
        option, _, _ = _LIMIT_NAMES["cells"]
        raise CrmkitError("file.too_big", path=str(path), what=Bilingual(
            "不同文本的数量", "number of distinct texts"), found=f"{unique:,}",
            limit=f"{current().cells:,}", option=option, where=Bilingual("", ""))


def check_ods(path: Path) -> None:
    """too_big when a table of an .ods passes a limit, unreadable when its content is not
    well-formed XML. calamine lays out every table as it opens the file: a table of 5,000
    rows each holding a cell repeated 999,999,999 times took it past 3 GB, and a table
    closed by a misspelt tag made it loop forever (both found by the fuzzer)."""
    from crmkit.ods_scan import MalformedXml, OdsEncrypted, ods_table_extents

    try:
        tables = ods_table_extents(path)
    except OdsEncrypted:
        raise CrmkitError("file.encrypted", path=str(path)) from None
    except MalformedXml as exc:  # calamine would loop forever on some of these
        if not exc.line:
            detail = Bilingual(
                f"{exc.part} 含有 XML 实体声明，Excel/WPS 不会这样保存，可能是恶意文件",
                f"{exc.part} declares XML entities, which no spreadsheet writes: possibly "
                "a hostile file")
        else:
            detail = Bilingual(f"{exc.part} 第 {exc.line} 行附近的 XML 不完整或有错",
                               f"{exc.part} is not well-formed XML: {exc.why}, line {exc.line}")
        raise CrmkitError("file.unreadable", path=str(path), detail=detail) from None
    _check_areas(path, tables.values())


def check_xlsb(path: Path) -> None:
    """too_big when a worksheet of an .xlsb passes a limit (each is measured as the file is
    opened: calamine lays out a sheet as one block and aborts when it cannot)."""
    from crmkit.biff_scan import DamagedXlsb, xlsb_used_areas

    try:
        areas = xlsb_used_areas(path)
    except DamagedXlsb:
        raise CrmkitError("file.unreadable", path=str(path), detail=Bilingual(
            "一条单元格记录不完整", "a cell record in it is incomplete")) from None
    _check_areas(path, areas)


def _check_areas(path: Path, areas: Iterable[UsedArea]) -> None:
    from crmkit.headers import column_letter

    def cell(at: tuple[int, int]) -> str:
        return f"{column_letter(at[1] - 1)}{at[0]}" if at[1] else ""

    for area in areas:
        check_extent(path, Extent(rows=area.rows, columns=area.columns,
                                  farthest=cell(area.farthest), deepest=cell(area.deepest)))


def check_table(path: Path, rows: int, columns: int) -> None:
    """too_big for a table already read (a text file, an .xls): rows, columns and cells."""
    check_extent(path, Extent(rows=rows, columns=columns))
