"""Readers for the workbooks calamine refuses although they hold a readable list.

- Excel 2.x-4.0 worksheets (.xls from 1987-1992, still written by some old systems): bare
  BIFF2-4 record streams, which xlrd reads.
- .xlsm files with an Excel 4 macro sheet or a dialog sheet: calamine stops at those sheets,
  so the worksheets are read with openpyxl. openpyxl is pure Python and far slower, so this
  is allowed only for that one failure and only while the worksheets are small enough to
  read in seconds; anything larger is refused as before.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path
from typing import Any

import xlrd  # type: ignore[import-untyped]

from crmkit.biff_scan import ERROR_CODES
from crmkit.workbook_scan import XlsxPackage

#: the most worksheet XML (uncompressed) openpyxl is asked to read: about two seconds
OPENPYXL_MAX_BYTES = 16 << 20


class XlrdBook:
    """An Excel 2.x-4.0 workbook or worksheet, read by xlrd."""

    def __init__(self, path: Path) -> None:
        self._book = xlrd.open_workbook(str(path), logfile=io.StringIO())
        sheets = self._book.sheets()
        # A worksheet file has no sheet name; Excel shows it under the file's name.
        self._names = [path.stem] if len(sheets) == 1 else [s.name for s in sheets]
        self.date1904: bool = self._book.datemode == 1

    def sheet_list(self) -> list[tuple[str, bool]]:
        """(name, visible) of each worksheet."""
        return [(name, sheet.visibility == 0)
                for name, sheet in zip(self._names, self._book.sheets(), strict=True)]

    def raw_rows(self, sheet: str, limit: int | None) -> list[list[Any]]:
        book = self._book
        ws = book.sheet_by_index(self._names.index(sheet))
        count = ws.nrows if limit is None else min(limit, ws.nrows)
        return [[_xlrd_value(ws.cell_type(r, c), ws.cell_value(r, c), book.datemode)
                 for c in range(ws.ncols)] for r in range(count)]

    def merged(self, sheet: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        return []  # Excel 2.x-4.0 had no merged cells


def _xlrd_value(kind: int, value: Any, datemode: int) -> Any:
    if kind == xlrd.XL_CELL_ERROR:
        return ERROR_CODES.get(value, "#VALUE!")
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(value, datemode)
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            return value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    return value


class OpenpyxlBook:
    """The worksheets of an .xlsm that calamine refuses for its macro or dialog sheets."""

    def __init__(self, path: Path, package: XlsxPackage) -> None:
        self._package = package
        self._sheets = [s for s in package.sheets if s.kind == "worksheet"]
        with zipfile.ZipFile(path) as zf:
            size = sum(zf.getinfo(s.part).file_size for s in self._sheets)
        if size > OPENPYXL_MAX_BYTES:
            raise ValueError("too large for the slow reader")
        import openpyxl  # here: 90 ms to import, for a rare kind of file

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "extension is not supported": not the user's
            self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)

    def sheet_list(self) -> list[tuple[str, bool]]:
        """(name, visible) of each worksheet."""
        return [(s.name, s.visible) for s in self._sheets]

    def raw_rows(self, sheet: str, limit: int | None) -> list[list[Any]]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ws = self._book[sheet]
            ws.reset_dimensions()  # <dimension ref="A1"/> of a stale file would cut columns
            rows = [list(row) for row in ws.iter_rows(min_row=1, max_row=limit,
                                                       values_only=True)]
        # Like calamine: from A1 to the last filled cell, every row as wide as the widest.
        while rows and all(v is None for v in rows[-1]):
            rows.pop()
        width = max((i + 1 for row in rows for i, v in enumerate(row) if v is not None),
                    default=0)
        return [(row + [None] * width)[:width] for row in rows]

    def merged(self, sheet: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        return self._package.scan(sheet, merged=True).merged

