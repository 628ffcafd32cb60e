"""Reading spreadsheets: every cell as the text a user sees in Excel.

The real format is told from the file's first bytes, not its name: an .xls saved as .xlsx, or
a tab-separated text file named .xls, are common in exports. Workbooks are read with
python-calamine; text files with the csv module after decoding.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import python_calamine as calamine

from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError
from crmkit.formats import EXTENSIONS, UTF16_BOMS, biff_is_encrypted, detect_format
from crmkit.headers import column_letter

T = TypeVar("T")

#: the most characters an Excel cell holds
EXCEL_CELL_LIMIT = 32767
# Excel writes ="0123" in CSV to keep leading zeros.
_EXCEL_TEXT_QUOTE = re.compile(r'^="(.*)"$', re.DOTALL)
#: calamine messages that deserve a clearer code or reason than its own text
_KNOWN_FAILURES = {
    "Unrecognized sheet": ("file.unsupported", Bilingual(
        "含有 Excel 4 宏表或对话框表", "it holds Excel 4 macro or dialog sheets")),
    "Cell limit exceeded": ("file.unreadable", Bilingual(
        "声明的单元格数量异常巨大", "it declares an absurd number of cells")),
}


@dataclass(frozen=True)
class SheetInfo:
    """A sheet of the input as the user knows it."""

    name: str
    visible: bool


class Source:
    """An opened input file: its detected format and its sheets."""

    def __init__(self, path: Path) -> None:
        self.path = path
        head = _read_head(path)
        self.format = detect_format(path, head)
        self._workbook: Any = None
        self._text_rows: list[list[str]] | None = None
        self._alias: tempfile.TemporaryDirectory[str] | None = None
        if self.format == "csv":
            self._text_rows = _read_text_table(path)
            self.sheets = [SheetInfo(name=path.stem, visible=True)]
        else:
            self._workbook = _guard(path, self.format, self._open_workbook)
            self.sheets = [
                SheetInfo(
                    name=meta.name,
                    visible=meta.visible == calamine.SheetVisibleEnum.Visible,
                )
                for meta in _guard(path, self.format, lambda: self._workbook.sheets_metadata)
                if meta.typ == calamine.SheetTypeEnum.WorkSheet
            ]

    def _open_workbook(self) -> Any:
        # calamine picks its reader by extension, and its content sniffing (from_filelike)
        # hides why a file failed (a password, say). So a misnamed file is opened through a
        # link that carries the extension of its real format.
        path = self.path
        if path.suffix not in EXTENSIONS[self.format]:
            self._alias = tempfile.TemporaryDirectory(prefix="crmkit-")
            alias = Path(self._alias.name) / f"input{EXTENSIONS[self.format][0]}"
            try:
                alias.symlink_to(path.resolve())
            except OSError:
                alias.write_bytes(path.read_bytes())
            path = alias
        return calamine.CalamineWorkbook.from_path(str(path))

    def rows(self, sheet: str, limit: int | None = None) -> list[list[str]]:
        """The sheet's rows as text, row i being the user's row i + 1; at most `limit` rows.

        A merged range shows its value across the whole range, so that is how it is read:
        every cell of the range gets the value of its top-left cell (see `merged`)."""
        if self._text_rows is not None:
            return self._text_rows[:limit] if limit is not None else self._text_rows
        raw: list[list[Any]] = _guard(
            self.path,
            self.format,
            lambda: self._workbook.get_sheet_by_name(sheet).to_python(
                skip_empty_area=False, nrows=limit
            ),
        )
        rows = [[cell_text(v) for v in row] for row in raw]
        for (r1, c1), (r2, c2) in self.merged(sheet):
            value = rows[r1][c1] if r1 < len(rows) and c1 < len(rows[r1]) else ""
            for r in range(r1, min(r2 + 1, len(rows))):
                for c in range(c1, min(c2 + 1, len(rows[r]))):
                    rows[r][c] = value
        return rows

    def merged(self, sheet: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        """The merged ranges of a sheet as ((first row, first col), (last row, last col)),
        0-based; empty for formats that do not report them (text, ods)."""
        if self._workbook is None:
            return []
        ranges = _guard(
            self.path, self.format,
            lambda: self._workbook.get_sheet_by_name(sheet).merged_cell_ranges,
        )
        return list(ranges or [])


def open_source(path: str | Path) -> Source:
    """Open `path` for reading, or a CrmkitError saying why it cannot be read."""
    return Source(Path(path))


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


def _guard(path: Path, fmt: str, read: Callable[[], T]) -> T:
    """Run a calamine call, turning its failures into one clear CrmkitError."""
    try:
        with _quiet_stderr():
            return read()
    except calamine.PasswordError:
        raise CrmkitError("file.encrypted", path=str(path)) from None
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # noqa: BLE001 - calamine panics surface as BaseException
        if fmt == "xls" and biff_is_encrypted(path):
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


# --- text tables -----------------------------------------------------------------------------


def _read_text_table(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    text = _decode(path, data).replace("\x00", "")
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")  # classic Mac line endings
    dialect = _sniff_delimiter(text[:65536])
    try:
        rows = [[_unquote_excel(c) for c in row]
                for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise CrmkitError("file.unreadable", path=str(path), detail=_short(exc)) from None
    width = max((len(r) for r in rows), default=0)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if len(cell) > EXCEL_CELL_LIMIT:
                # An .xlsx cell cannot hold it: crmkit could not hand it back unchanged.
                raise CrmkitError("cell.too_long", row=i + 1, column=column_letter(j),
                                  length=len(cell), limit=EXCEL_CELL_LIMIT)
    return [r + [""] * (width - len(r)) for r in rows]


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith(UTF16_BOMS):
        encodings = ("utf-16",)
    elif data[:1024].count(0) > min(len(data), 1024) * 0.2:
        encodings = ("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be",)
    else:
        # Excel and WPS in China save "CSV" in the ANSI code page, which is GBK; GB18030 is
        # its superset, so it reads every GBK file.
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            if encoding == "utf-8" and _mostly_utf8(data):
                # GB18030 would decode it too, into mojibake that passes every check.
                raise CrmkitError(
                    "file.encoding", path=str(path),
                    detail=Bilingual("（基本是 UTF-8，但有几处字节无效）",
                                     " (mostly UTF-8, with a few invalid bytes)"),
                ) from None
    raise CrmkitError("file.encoding", path=str(path), detail="")


def _mostly_utf8(data: bytes) -> bool:
    """Whether nearly all non-ASCII text decodes as UTF-8 (a few bytes broken by an edit)."""
    loose = data.decode("utf-8", errors="replace")
    bad = loose.count("\ufffd")
    good = sum(1 for ch in loose if ord(ch) > 127) - bad
    return good > 0 and bad * 20 <= good


def _sniff_delimiter(sample: str) -> type[csv.Dialect]:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        return csv.excel


def _unquote_excel(cell: str) -> str:
    match = _EXCEL_TEXT_QUOTE.match(cell)
    return match.group(1) if match else cell
