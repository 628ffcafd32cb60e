"""Reading spreadsheets: every cell as the text a user sees in Excel.

The real format is told from the file's first bytes, not its name: an .xls saved as .xlsx, or
a tab-separated text file named .xls, are common in exports. Workbooks are read with
python-calamine (Excel 2.x-4.0 files with xlrd, .xlsm files with Excel 4 macro sheets with
openpyxl); what calamine does not report, error cells, formulas and the 1904 date system, is
found by scanning the file again (workbook_scan for .xlsx and .ods, biff_scan for .xls). An
.xlsb is scanned for its date system only: its error cells read as empty, as calamine gives
them, and its formula count is 0. Text files are decoded and split by text_tables.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import shutil
import stat
import sys
import tempfile
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import python_calamine as calamine

from crmkit import file_limits
from crmkit.biff_scan import BiffBook, DamagedCompoundFile, xlsb_date1904
from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError
from crmkit.fallback_readers import OpenpyxlBook, XlrdBook
from crmkit.formats import (
    EXTENSIONS,
    bare_biff_version,
    biff_is_encrypted,
    describe_workbook,
    detect_format,
    is_misnamed,
)
from crmkit.ods_scan import OdsContent
from crmkit.text_tables import (
    EXCEL_CELL_LIMIT,
    TextTable,
    check_cell_lengths,
    read_text_table,
)
from crmkit.workbook_scan import SheetScan, XlsxPackage

T = TypeVar("T")

__all__ = ["ERROR_LITERALS", "EXCEL_CELL_LIMIT", "SheetInfo", "Source", "cell_text",
           "is_error_literal", "open_source"]

#: what Excel shows in a cell whose formula failed (or that holds an error constant), and
#: what LibreOffice shows for its errors that have no Excel name (Err:502, "invalid argument")
ERROR_LITERALS: frozenset[str] = frozenset({
    "#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
    "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
    *(f"Err:{code}" for code in range(501, 600)),
})
_MACRO_SHEETS = Bilingual("含有 Excel 4 宏表或对话框表", "it holds Excel 4 macro or dialog sheets")
#: calamine messages that deserve a clearer code or reason than its own text
_KNOWN_FAILURES = {
    "Unrecognized sheet": ("file.unsupported", _MACRO_SHEETS),
    "Cell limit exceeded": ("file.unreadable", Bilingual(
        "声明的单元格数量异常巨大", "it declares an absurd number of cells")),
    # An XML entity (a "billion laughs" bomb): calamine expands none and stops.
    "unrecognized entity": ("file.unreadable", Bilingual(
        "含有 XML 实体声明，Excel/WPS 不会这样保存，可能是恶意文件",
        "it declares XML entities, which Excel/WPS never write: possibly a hostile file")),
}
Merged = list[tuple[tuple[int, int], tuple[int, int]]]
#: why an .xls is refused before calamine opens it (BiffBook.damage)
_BIFF_DAMAGE = {
    "record": Bilingual("其中一条记录超过了 .xls 格式允许的长度",
                        "a record in it is longer than the .xls format allows"),
    "dimensions": Bilingual("一张工作表声明的范围超过了 .xls 能容纳的 65,536 行 × 256 列",
                            "a sheet declares a larger area than an .xls sheet can hold "
                            "(65,536 rows x 256 columns)"),
}


@dataclass(frozen=True)
class SheetInfo:
    """A sheet of the input as the user knows it."""

    name: str
    visible: bool


class _Book(Protocol):
    def sheet_list(self) -> list[tuple[str, bool]]: ...
    def raw_rows(self, sheet: str, limit: int | None) -> list[list[Any]]: ...
    def merged(self, sheet: str) -> Merged: ...


class Source:
    """An opened input file: its detected format, its sheets, and what reading found."""

    #: the codec that decoded a text table ("utf-8", "gb18030", "utf-16"...); None for a
    #: workbook
    encoding: str | None = None
    #: the delimiter a text table was split on; None for a workbook
    delimiter: str | None = None
    #: the workbook counts dates from 1904 (old Excel for Mac): a bare serial number in an
    #: unformatted cell means a date four years later. Date-formatted cells are already right.
    date1904: bool = False
    #: what the file really is, for messages: "an Excel 97-2003 workbook (.xls)", "a text
    #: table (GB18030, comma-separated)"
    detected: Bilingual
    #: the file's extension belongs to another format (a text file named .xls); a WPS .et
    #: holding an .xls or .xlsx is not misnamed
    misnamed: bool

    def __init__(
        self, path: Path, *, encoding: str | None = None, delimiter: str | None = None
    ) -> None:
        self.path = path
        head = _read_head(path)
        self.format = detect_format(path, head)
        self.misnamed = is_misnamed(path, self.format)
        self._text: TextTable | None = None
        self._book: _Book | None = None
        self._scanner: Callable[[str, int, int | None], SheetScan] | None = None
        self._scans: dict[str, SheetScan] = {}
        if self.format == "csv":
            # --encoding and --delimiter are for text; a workbook ignores them.
            self._text = read_text_table(path, encoding=encoding, delimiter=delimiter)
            self.encoding, self.delimiter = self._text.encoding, self._text.delimiter
            self.sheets = [SheetInfo(name=path.stem, visible=True)]
            self.detected = self._text.describe()
            return
        self._open_workbook(head)
        self.sheets = [SheetInfo(name=n, visible=v) for n, v in
                       _guard(path, self.format, self._workbook().sheet_list)]

    def _open_workbook(self, head: bytes) -> None:
        path, fmt = self.path, self.format
        biff, macros = bare_biff_version(head), False
        biff_book = _biff_book(path) if fmt == "xls" else None
        if biff is not None:
            book = _guard(path, fmt, lambda: XlrdBook(path))
            self.date1904 = book.date1904
            self._book = book
        else:
            # Before any reader inflates a part: a zip bomb is refused, not unpacked.
            if fmt in ("xlsx", "xlsb", "ods"):
                file_limits.check_archive(path)
            # calamine lays out every table of an .ods as it opens it; an .xlsb's sheets are
            # measured at once too (the format is rare). A file these measures cannot read
            # is not handed to calamine either: _guard says why it cannot be read.
            if fmt == "ods":
                _guard(path, fmt, lambda: file_limits.check_ods(path))
            elif fmt == "xlsb":
                _guard(path, fmt, lambda: file_limits.check_xlsb(path))
            elif fmt == "xlsx":  # calamine makes room for its texts as it opens the file
                _guard(path, fmt, lambda: file_limits.check_shared_strings(path))
            package = _optional(lambda: XlsxPackage(path)) if fmt == "xlsx" else None
            try:
                self._book = CalamineBook(path, fmt, _extent_check(path, package))
            except CrmkitError as err:
                self._book = self._fallback(err)
        if fmt == "xlsx":
            if package is not None:
                self.date1904, macros = package.date1904, package.macros
                self._scanner = lambda name, _, rows: package.scan(name, rows=rows)
        elif fmt == "xls":
            if biff_book is not None:
                self.date1904 = self.date1904 or biff_book.date1904
                biff = biff_book.version
                self._scanner = lambda name, index, _: biff_book.scan(name, index)
        elif fmt == "ods":
            ods = OdsContent(path)
            self._scanner = lambda name, _, __: ods.scan(name)
        elif fmt == "xlsb":
            self.date1904 = bool(_optional(lambda: xlsb_date1904(path)))
        self.detected = describe_workbook(fmt, path.suffix, biff=biff, macros=macros)

    def _fallback(self, err: CrmkitError) -> _Book:
        """openpyxl for an .xlsx calamine refuses only for its macro or dialog sheets."""
        if self.format != "xlsx" or err.params.get("detail") is not _MACRO_SHEETS:
            raise err
        package = _optional(lambda: XlsxPackage(self.path))
        book = _optional(lambda: OpenpyxlBook(self.path, package)) if package else None
        if book is None:
            raise err
        return book

    def _workbook(self) -> _Book:
        assert self._book is not None, "a text table has no workbook"
        return self._book

    def rows(self, sheet: str, limit: int | None = None) -> list[list[str]]:
        """The sheet's rows as text, row i being the user's row i + 1; at most `limit` rows.

        A merged range shows its value across the whole range, so that is how it is read:
        every cell of the range gets the value of its top-left cell (see `merged`). An error
        cell reads as what Excel shows, one of ERROR_LITERALS ("#N/A")."""
        if self._text is not None:
            return self._text.rows[:limit] if limit is not None else self._text.rows
        raw = _guard(self.path, self.format, lambda: self._workbook().raw_rows(sheet, limit))
        if limit is None:
            file_limits.check_table(self.path, len(raw), max(map(len, raw), default=0))
        # Most cells are text already: only the others go through cell_text.
        rows = [[v if type(v) is str else cell_text(v) for v in row] for row in raw]
        del raw
        check_cell_lengths(rows)
        scan = self._scan(sheet, limit)
        blocks = [(at, at, literal) for at, literal in scan.errors.items()]
        for (r1, c1), (r2, c2), literal in blocks + scan.error_blocks:
            # Only an error literal fills a cell calamine read as empty: nothing else a scan
            # may pick up (a comment's text, say) may ever become a customer's data.
            if not is_error_literal(literal):
                continue
            for r in range(r1, min(r2 + 1, len(rows))):
                row = rows[r]
                for c in range(c1, min(c2 + 1, len(row))):
                    if not row[c]:
                        row[c] = literal
        for (r1, c1), (r2, c2) in self.merged(sheet):
            value = rows[r1][c1] if r1 < len(rows) and c1 < len(rows[r1]) else ""
            for r in range(r1, min(r2 + 1, len(rows))):
                for c in range(c1, min(c2 + 1, len(rows[r]))):
                    rows[r][c] = value
        return rows

    def release(self) -> None:
        """Forget the rows of a text table once they are read: the caller holds them now,
        and a list of Python strings is several times the size of the file."""
        if self._text is not None:
            self._text = dataclasses.replace(self._text, rows=[])

    def merged(self, sheet: str) -> Merged:
        """The merged ranges of a sheet as ((first row, first col), (last row, last col)),
        0-based; empty for formats that do not report them (text, ods)."""
        if self._book is None:
            return []
        book = self._book
        return list(_guard(self.path, self.format, lambda: book.merged(sheet)) or [])

    def formula_count(self, sheet: str) -> int:
        """How many cells of the sheet hold a formula (read by the result saved with the
        file, never recalculated). 0 for text tables and .xlsb, which crmkit does not scan."""
        return self._scan(sheet, None).formulas

    def _scan(self, sheet: str, limit: int | None) -> SheetScan:
        """What the sheet holds beyond its values; only its first `limit` rows if given."""
        if sheet in self._scans or self._scanner is None:
            return self._scans.get(sheet, SheetScan())
        index = next((i for i, s in enumerate(self.sheets) if s.name == sheet), -1)
        scanner = self._scanner
        scan = _optional(lambda: scanner(sheet, index, limit)) or SheetScan()
        if limit is None or self.format != "xlsx":  # only the .xlsx scan stops early
            self._scans[sheet] = scan
        return scan


class CalamineBook:
    """A workbook read by python-calamine."""

    def __init__(
        self, path: Path, fmt: str, before_sheet: Callable[[str], None] | None = None
    ) -> None:
        self.path, self.format = path, fmt
        # Called with a sheet's name before calamine lays it out in memory: calamine holds a
        # sheet as one block of rows x columns, and aborts the process when that cannot be
        # allocated (a cell in XFD1048576 is 17 billion cells), so the extent is checked
        # first.
        self._before_sheet = before_sheet
        self._book: Any = _guard(path, fmt, self._open)
        # The sheet last read with a row limit (the header search): reading it again for
        # all its rows would parse the whole sheet a second time.
        self._kept: tuple[str, Any] | None = None
        self._merged: dict[str, Merged] = {}

    def _open(self) -> Any:
        # calamine picks its reader by extension, and its content sniffing (from_filelike)
        # hides why a file failed (a password, say). So a misnamed file is opened through a
        # link that carries the extension of its real format.
        path = self.path
        if path.suffix not in EXTENSIONS[self.format]:
            # calamine reopens the file by name for some formats (.xlsb): the link must live
            # as long as the workbook, and goes with it.
            folder = tempfile.mkdtemp(prefix="crmkit-")
            weakref.finalize(self, shutil.rmtree, folder, ignore_errors=True)
            alias = Path(folder) / f"input{EXTENSIONS[self.format][0]}"
            try:
                alias.symlink_to(path.resolve())
            except OSError:
                alias.write_bytes(path.read_bytes())
            path = alias
        return calamine.CalamineWorkbook.from_path(str(path))

    def sheet_list(self) -> list[tuple[str, bool]]:
        return [(meta.name, meta.visible == calamine.SheetVisibleEnum.Visible)
                for meta in self._book.sheets_metadata
                if meta.typ == calamine.SheetTypeEnum.WorkSheet]

    def _sheet(self, name: str, keep: bool) -> Any:
        if self._kept is not None and self._kept[0] == name:
            sheet = self._kept[1]
        else:
            if self._before_sheet is not None:
                self._before_sheet(name)
            sheet = self._book.get_sheet_by_name(name)
            self._merged[name] = list(sheet.merged_cell_ranges or [])
        self._kept = (name, sheet) if keep else None  # a full read is the last: free it
        return sheet

    def raw_rows(self, sheet: str, limit: int | None) -> list[list[Any]]:
        return list(self._sheet(sheet, limit is not None).to_python(
            skip_empty_area=False, nrows=limit))

    def merged(self, sheet: str) -> Merged:
        if sheet not in self._merged:
            self._sheet(sheet, keep=False)
        return self._merged[sheet]


def open_source(
    path: str | Path, *, encoding: str | None = None, delimiter: str | None = None
) -> Source:
    """Open `path` for reading, or a CrmkitError saying why it cannot be read.

    `encoding` ("gbk", "utf-16") and `delimiter` (";", "tab", "comma") override detection for
    a text table; a bad value is an options.invalid error. A workbook ignores both."""
    return Source(Path(path), encoding=encoding, delimiter=delimiter)


def _extent_check(path: Path, package: XlsxPackage | None) -> Callable[[str], None] | None:
    """For an .xlsx: a check of a sheet's used area against the limits, run before calamine
    reads the sheet."""
    if package is None:
        return None

    def check(sheet: str) -> None:
        part = package.part_of(sheet)
        if part is not None:
            file_limits.check_xlsx_sheet(path, lambda: package.open_part(part))

    return check


def is_error_literal(text: str) -> bool:
    """Whether a cell's text is what a spreadsheet shows for an error (#N/A, Err:502)."""
    return text in ERROR_LITERALS


def cell_text(value: Any) -> str:
    """A cell value as Excel displays it in a General-format cell."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # Phone numbers typed into Excel are stored as floats: 13800138000.0 is shown
        # 13800138000, and that is what the user means. Beyond 15 significant digits a float
        # has lost digits, and Excel shows it in scientific notation: so does crmkit.
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15G")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)


def _read_head(path: Path) -> bytes:
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError
        if not stat.S_ISREG(mode):
            # A pipe (`<(cat list.csv)`, /dev/stdin) is read once: the format sniffing would
            # take its first bytes from the table. And a FIFO without a writer never ends.
            raise CrmkitError("file.unsupported", path=str(path), detail=Bilingual(
                "这是管道或设备，例如 <(...) 或 /dev/stdin，不是普通文件",
                "it is a pipe or device, like <(...) or /dev/stdin, not a regular file",
            ))
        with path.open("rb") as fh:
            return fh.read(4096)
    except FileNotFoundError:
        raise CrmkitError("file.not_found", path=str(path)) from None
    except IsADirectoryError:
        raise CrmkitError(
            "file.unsupported", path=str(path), detail=Bilingual("这是文件夹", "it is a folder")
        ) from None
    except OSError as exc:
        raise CrmkitError("file.unreadable", path=str(path), detail=exc.strerror) from None


def _optional(read: Callable[[], T]) -> T | None:
    """What a best-effort scan found, or None: a scan that fails must not cost the user a
    file that calamine reads (the scans see hostile and odd files too)."""
    return _optional_or_raise(read, ())


def _optional_or_raise(
    read: Callable[[], T], passes: type[Exception] | tuple[type[Exception], ...]
) -> T | None:
    """_optional, except that the `passes` exceptions reach the caller."""
    try:
        with _quiet_stderr():
            return read()
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except passes:
        raise
    except Exception:  # noqa: BLE001 - any failure means "nothing more to say"
        return None


def _biff_book(path: Path) -> BiffBook | None:
    """An .xls's record stream, read before calamine opens the file. A compound document
    whose directory is damaged makes calamine allocate without bound (fuzzing: 64 bytes
    inserted into a 23 KB file cost over 1.5 GB), while xlrd's reader checks every chain it
    follows: what that reader refuses is refused here, and so is a record or a declared
    sheet area larger than the format allows (BiffBook.damage). Any other failure of this
    best-effort scan leaves the file to calamine."""
    try:
        book = _optional_or_raise(lambda: BiffBook(path), DamagedCompoundFile)
    except DamagedCompoundFile:
        damaged = Bilingual("复合文档（OLE）结构损坏",
                            "its compound-document (OLE) structure is damaged")
        raise CrmkitError("file.unreadable", path=str(path), detail=damaged) from None
    # Likewise a record, or a sheet's declared area, larger than the format allows.
    damage = _optional(book.damage) if book is not None else None
    if damage is not None:
        raise CrmkitError("file.unreadable", path=str(path), detail=_BIFF_DAMAGE[damage])
    return book


def _guard(path: Path, fmt: str, read: Callable[[], T]) -> T:
    """Run a reader call, turning its failures into one clear CrmkitError."""
    try:
        with _quiet_stderr():
            return read()
    except CrmkitError:
        raise
    except calamine.PasswordError:
        raise CrmkitError("file.encrypted", path=str(path)) from None
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # noqa: BLE001 - calamine panics surface as BaseException
        if fmt == "xls" and (biff_is_encrypted(path) or "encrypted" in str(exc)):
            raise CrmkitError("file.encrypted", path=str(path)) from None
        text = str(exc)
        for marker, (code, why) in _KNOWN_FAILURES.items():
            if marker in text:
                raise CrmkitError(code, path=str(path), detail=why) from None
        # A panic's text is about the reader's internals, not about the user's file.
        malformed = Bilingual("文件结构异常", "its structure is malformed")
        detail = malformed if type(exc).__name__ == "PanicException" else _short(exc)
        raise CrmkitError("file.unreadable", path=str(path), detail=detail) from None


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence file descriptor 2 for the duration: a Rust panic inside calamine writes its
    own lines there before Python sees the exception, and users must get one clear line."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
