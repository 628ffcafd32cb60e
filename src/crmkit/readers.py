"""Reading spreadsheets: every cell as the text a user sees in Excel.

The real format is told from the file's first bytes, not its name: an .xls saved as .xlsx, or
a tab-separated text file named .xls, are common in exports. Workbooks are read with
python-calamine; text files with the csv module after decoding.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine as calamine

from crmkit.errors import CrmkitError

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# BIFF2-4 worksheets are not OLE containers: a BOF record opens the file.
_BIFF_MAGICS = (b"\x09\x00\x04\x00", b"\x09\x02\x06\x00", b"\x09\x04\x06\x00")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_EXTENSIONS = {
    "xlsx": (".xlsx", ".xlsm", ".xltx", ".xltm", ".xlam"),
    "xlsb": (".xlsb",),
    "xls": (".xls", ".xla", ".et"),
    "ods": (".ods",),
}
# Excel writes ="0123" in CSV to keep leading zeros.
_EXCEL_TEXT_QUOTE = re.compile(r'^="(.*)"$', re.DOTALL)


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
            self._workbook = _guard(path, lambda: self._open_workbook())
            self.sheets = [
                SheetInfo(
                    name=meta.name,
                    visible=meta.visible == calamine.SheetVisibleEnum.Visible,
                )
                for meta in _guard(path, lambda: self._workbook.sheets_metadata)
                if meta.typ == calamine.SheetTypeEnum.WorkSheet
            ]

    def _open_workbook(self) -> Any:
        # calamine picks its reader by extension, and its content sniffing (from_filelike)
        # hides why a file failed (a password, say). So a misnamed file is opened through a
        # link that carries the extension of its real format.
        path = self.path
        if path.suffix.lower() not in _EXTENSIONS[self.format]:
            self._alias = tempfile.TemporaryDirectory(prefix="crmkit-")
            alias = Path(self._alias.name) / f"input{_EXTENSIONS[self.format][0]}"
            try:
                alias.symlink_to(path.resolve())
            except OSError:
                alias.write_bytes(path.read_bytes())
            path = alias
        return calamine.CalamineWorkbook.from_path(str(path))

    def rows(self, sheet: str, limit: int | None = None) -> list[list[str]]:
        """The sheet's rows as text, row i being the user's row i + 1; at most `limit` rows."""
        if self._text_rows is not None:
            return self._text_rows[:limit] if limit is not None else self._text_rows
        raw = _guard(
            self.path,
            lambda: self._workbook.get_sheet_by_name(sheet).to_python(
                skip_empty_area=False, nrows=limit
            ),
        )
        return [[cell_text(v) for v in row] for row in raw]


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
        # 13800138000, and that is what the user means.
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)


def detect_format(path: Path, head: bytes) -> str:
    """The file's real format from its first bytes: xlsx, xls, ods or csv."""
    if not head:
        raise CrmkitError("file.empty", path=str(path))
    if head.startswith(_ZIP_MAGIC):
        return _zip_format(path)
    if head.startswith(_OLE_MAGIC):
        if _ole_is_encrypted_ooxml(path):
            raise CrmkitError("file.encrypted", path=str(path))
        return "xls"
    if head.startswith(_BIFF_MAGICS):
        return "xls"
    if _looks_like_text(head):
        return "csv"
    raise CrmkitError(
        "file.unsupported", path=str(path), detail="not a spreadsheet or text table"
    )


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(4096)
    except FileNotFoundError:
        raise CrmkitError("file.not_found", path=str(path)) from None
    except IsADirectoryError:
        raise CrmkitError("file.unsupported", path=str(path), detail="a folder") from None
    except OSError as exc:
        raise CrmkitError("file.unreadable", path=str(path), detail=exc.strerror) from None


def _zip_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise CrmkitError("file.unreadable", path=str(path), detail="broken zip archive") from None
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
        return "xlsx"
    if "content.xml" in names:
        return "ods"
    if "Index/Document.iwa" in names or any(n.startswith("Index/") for n in names):
        raise CrmkitError(
            "file.unsupported", path=str(path), detail="Apple Numbers; export it as .xlsx"
        )
    if not names:
        raise CrmkitError("file.unreadable", path=str(path), detail="empty zip archive")
    raise CrmkitError("file.unsupported", path=str(path), detail="a zip archive, not a workbook")


def _ole_is_encrypted_ooxml(path: Path) -> bool:
    # An encrypted .xlsx is an OLE container holding "EncryptionInfo" and "EncryptedPackage"
    # streams; their names sit in the directory sectors as UTF-16.
    needle = "EncryptedPackage".encode("utf-16-le")
    with path.open("rb") as fh:
        chunk = fh.read(1 << 20)
    return needle in chunk


def _looks_like_text(head: bytes) -> bool:
    if head.startswith(_UTF16_BOMS):
        return True
    if b"\x00" in head[:1024]:
        # UTF-16 without BOM has a NUL in every other byte; a binary format has them anywhere.
        even, odd = head[0:1024:2], head[1:1024:2]
        return even.count(0) > len(even) * 0.4 or odd.count(0) > len(odd) * 0.4
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls <= len(head) * 0.01


def _guard(path: Path, read: Any) -> Any:
    """Run a calamine call, turning its failures into one clear CrmkitError."""
    try:
        return read()
    except calamine.PasswordError:
        raise CrmkitError("file.encrypted", path=str(path)) from None
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # noqa: BLE001 - calamine panics surface as BaseException
        raise CrmkitError("file.unreadable", path=str(path), detail=_short(exc)) from None


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


# --- text tables -----------------------------------------------------------------------------


def _read_text_table(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    text = _decode(path, data).replace("\x00", "")
    dialect = _sniff_delimiter(text[:65536])
    rows = [[_unquote_excel(c) for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith(_UTF16_BOMS):
        encodings = ("utf-16",)
    elif b"\x00" in data[:1024]:
        encodings = ("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be",)
    else:
        # Excel and WPS in China save "CSV" in the ANSI code page, which is GBK; GB18030 is
        # its superset, so it reads every GBK file.
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CrmkitError("file.encoding", path=str(path))


def _sniff_delimiter(sample: str) -> type[csv.Dialect]:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        return csv.excel


def _unquote_excel(cell: str) -> str:
    match = _EXCEL_TEXT_QUOTE.match(cell)
    return match.group(1) if match else cell


def iter_visible(sheets: list[SheetInfo]) -> Iterator[SheetInfo]:
    """Visible sheets first, in workbook order: hidden ones are usually helper lists."""
    yield from (s for s in sheets if s.visible)
