"""Writing the outputs: upload.xlsx, overflow.xlsx, errors.xlsx and report.json.

Every value that came from the user is written as a string with `write_string`, so nothing a
customer typed can become a formula (`=HYPERLINK(...)`), a number (a phone number turned
float) or a link; columns carry the text format so Excel keeps them text when the user edits
them. Only numbers crmkit makes itself (row numbers) are written as numbers, so they sort.
Each file is written to a temporary name in the output folder and renamed into place only
when complete.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter

from crmkit.atomic import atomic_path
from crmkit.catalogue import Severity
from crmkit.headers import ISSUE_HEADERS, REASON_HEADER, SOURCE_ROW_HEADER, STATUS_HEADER
from crmkit.report import Issue, Report, Tables

UPLOAD = "upload.xlsx"
OVERFLOW = "overflow.xlsx"
ERRORS = "errors.xlsx"
REPORT = "report.json"
#: upload-001.xlsx, upload-002.xlsx, ... when the upload is split (--batch-size)
BATCH_PATTERN = re.compile(r"upload-\d{3,}\.xlsx")


def batch_name(number: int, count: int) -> str:
    """The file name of upload batch `number` of `count` (three digits at least, more when
    there are more batches, so the names sort in order)."""
    return f"upload-{number:0{max(3, len(str(count)))}d}.xlsx"

_WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "constant_memory": True,
}
_MAX_WIDTH = 60
_SEVERITY_ZH = {
    Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.NOTICE: "提示",
    Severity.FATAL: "无法检查",
}


def write_table(path: Path, sheet: str, headers: Sequence[str], frame: pl.DataFrame) -> None:
    """A one-sheet workbook: a header row, then every row of `frame` as text."""
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), _WORKBOOK_OPTIONS)
        ws = book.add_worksheet(sheet[:31])
        _write_sheet(book, ws, headers, frame)
        book.close()


def write_errors(
    path: Path, report: Report, headers: Sequence[str], tables: Tables,
    bad_cells: dict[int, set[int]],
) -> None:
    """errors.xlsx: the issues one per row; the rejected rows ready to fix and re-run (待修正);
    the duplicate groups (重复).

    The row tables hold the input's own columns (c0..cN, original text), then a reason or
    status, then the source row (the row in the user's original file, carried through
    re-runs); `bad_cells` maps a row of this input (to_fix's `row`) to the columns to highlight.
    """
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), _WORKBOOK_OPTIONS)
        _write_sheet(book, book.add_worksheet("问题明细"), ISSUE_HEADERS,
                     _issue_frame(report.issues), autofilter=True, numeric={1})
        bad = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006",
                               "num_format": "@"})
        rows_bad = [bad_cells.get(r, set()) for r in tables.to_fix["row"].to_list()]
        width = len(headers)
        _write_sheet(
            book, book.add_worksheet("待修正"), [*headers, REASON_HEADER, SOURCE_ROW_HEADER],
            tables.to_fix.drop("row"),
            cell_format=lambda i, j: bad if j in rows_bad[i] else None,
            numeric={width + 1},
        )
        _write_sheet(
            book, book.add_worksheet("重复"), [*headers, STATUS_HEADER, SOURCE_ROW_HEADER],
            tables.duplicates, numeric={width + 1},
        )
        book.close()


def write_json(path: Path, data: dict[str, Any]) -> None:
    """report.json, UTF-8, readable by people and machines."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _issue_frame(issues: Sequence[Issue]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "sheet": [i.sheet for i in issues],
            "row": [i.row for i in issues],
            "column": [i.column for i in issues],
            "header": [i.header for i in issues],
            "value": [i.value for i in issues],
            "code": [i.code for i in issues],
            "severity": [_SEVERITY_ZH[i.severity] for i in issues],
            "message": [i.message("zh") for i in issues],
            "suggestion": [i.suggestion for i in issues],
        },
        schema={
            name: pl.Int64 if name == "row" else pl.String
            for name in ("sheet", "row", "column", "header", "value", "code", "severity",
                         "message", "suggestion")
        },
    )


def _write_sheet(
    book: Any, ws: Any, headers: Sequence[str], frame: pl.DataFrame, *,
    autofilter: bool = False, cell_format: Callable[[int, int], Any] | None = None,
    numeric: frozenset[int] | set[int] = frozenset(),
) -> None:
    """Write a header and `frame`: every value as text, except the `numeric` columns, which
    hold numbers crmkit made (row numbers)."""
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = book.add_format({"num_format": "@"})
    widths = _widths(headers, frame)
    for j, width in enumerate(widths):
        ws.set_column(j, j, width, text)
    ws.freeze_panes(1, 0)
    for j, header in enumerate(headers):
        ws.write_string(0, j, header, head)
    for i, row in enumerate(frame.iter_rows()):
        for j, value in enumerate(row):
            fmt = cell_format(i, j) if cell_format is not None else None
            if j in numeric and value is not None:
                ws.write_number(i + 1, j, value, fmt)
            elif value is not None and value != "":
                ws.write_string(i + 1, j, str(value), fmt)
            elif fmt is not None:
                ws.write_blank(i + 1, j, None, fmt)
    if autofilter and headers:
        ws.autofilter(0, 0, frame.height, len(headers) - 1)


def _widths(headers: Sequence[str], frame: pl.DataFrame) -> list[int]:
    """Column widths that fit the text; CJK characters count double."""
    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    result = []
    for j, header in enumerate(headers):
        longest = width(header)
        if j < frame.width and frame.height:
            col = frame.to_series(j).cast(pl.String).drop_nulls().head(2000)
            longest = max([longest, *(width(v.split("\n")[0]) for v in col)])
        result.append(min(max(longest + 2, 8), _MAX_WIDTH))
    return result
