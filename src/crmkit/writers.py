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
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter

from crmkit.atomic import atomic_path
from crmkit.catalogue import Bilingual, Severity
from crmkit.errors import CrmkitError
from crmkit.errors_summary import (
    DUPLICATES_SHEET,
    FIX_SHEET,
    ISSUES_SHEET,
    SEVERITY_ZH,
    SUMMARY_SHEET,
    display_width,
    summary_lines,
    write_summary,
)
from crmkit.fast_writer import write_fast
from crmkit.headers import (
    ISSUE_HEADERS,
    REASON_HEADER,
    SOURCE_ROW_HEADER,
    STATUS_HEADER,
    column_index,
)
from crmkit.report import Issue, Report, Tables

UPLOAD = "upload.xlsx"
OVERFLOW = "overflow.xlsx"
ERRORS = "errors.xlsx"
REPORT = "report.json"
#: upload-001.xlsx, upload-002.xlsx, ... when the upload is split (--batch-size)
BATCH_PATTERN = re.compile(r"upload-\d{3,}\.xlsx")


def is_upload_file(name: str) -> bool:
    """Whether `name` is an upload file's: upload.xlsx or a batch (upload-001.xlsx)."""
    return name == UPLOAD or BATCH_PATTERN.fullmatch(name) is not None


def batch_name(number: int, count: int) -> str:
    """The file name of upload batch `number` of `count` (three digits at least, more when
    there are more batches, so the names sort in order)."""
    return f"upload-{number:0{max(3, len(str(count)))}d}.xlsx"


#: the workbooks' font: 等线 (DengXian) is what Excel and WPS use for Chinese text since
#: Office 2016 and ships with Windows 10 and Office for Mac; charset 134 (GB2312) and no theme
#: scheme, so Excel shows this font and does not swap in the theme's Latin one
_FONT = {"font_name": "等线", "font_size": 11, "font_charset": 134, "font_scheme": "none"}
_WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "constant_memory": True,
    "default_format_properties": _FONT,
}
#: a copy of another row's number, a contact already in the CRM or in an earlier input: such a
#: row is in 重复, never in 待修正, and its number is not what to fix
_NOT_TO_FIX = frozenset({"duplicate.in_file", "duplicate.existing", "duplicate.other_file"})
_MAX_WIDTH = 60
_COMMENT_WIDTH = 360
_SEVERITY_RANK = {Severity.FATAL: 0, Severity.ERROR: 1, Severity.WARNING: 2, Severity.NOTICE: 3}


#: the rows of an Excel sheet, its header included
EXCEL_MAX_ROWS = 1_048_576


def check_fits(path: Path, sheet: str, rows: int, *, upload: bool = False) -> None:
    """output.too_many_rows, before anything is written, when a sheet of `path` would need
    more than Excel's rows for `rows` data rows and its header: xlsxwriter drops the rows
    beyond without a word."""
    if rows + 1 <= EXCEL_MAX_ROWS:
        return
    fix = (Bilingual("请用 --batch-size 把上传文件分成多个（例如 --batch-size 500000）。",
                     "Split the upload with --batch-size (--batch-size 500000, say).")
           if upload else
           Bilingual("请把名单拆成几个文件分别检查。", "Split the list into several files and "
                     "check each."))
    raise CrmkitError("output.too_many_rows", file=path.name, sheet=sheet, rows=rows + 1,
                      limit=EXCEL_MAX_ROWS, fix=fix)


def check_errors_fit(path: Path, report: Report, tables: Tables) -> None:
    """check_fits for each sheet of errors.xlsx that grows with the list."""
    for sheet, rows in ((ISSUES_SHEET, len(report.issues)), (FIX_SHEET, tables.to_fix.height),
                        (DUPLICATES_SHEET, tables.duplicates.height)):
        check_fits(path, sheet, rows)


def write_table(path: Path, sheet: str, headers: Sequence[str], frame: pl.DataFrame) -> None:
    """A one-sheet workbook: a header row, then every row of `frame` as text; written by
    rustpy-xlsxwriter when it is installed (fast_writer), by xlsxwriter otherwise."""
    check_fits(path, sheet, frame.height, upload=is_upload_file(path.name))
    with atomic_path(path) as tmp:
        if write_fast(tmp, sheet[:31], headers, frame, _widths(headers, frame), _FONT,
                      shown=path):
            return
        book = xlsxwriter.Workbook(str(tmp), _WORKBOOK_OPTIONS)
        ws = book.add_worksheet(sheet[:31])
        _write_sheet(book, ws, headers, frame)
        book.close()


def write_errors(
    path: Path, report: Report, headers: Sequence[str], tables: Tables,
    bad_cells: dict[int, set[int]], *, now: datetime | None = None,
) -> None:
    """errors.xlsx, laid out for fixing: 概要 (what was checked and what to do next), 问题明细
    (the issues one per row, with an autofilter), 待修正 (the rejected rows to fix in place and
    check again) and 重复 (the duplicate groups, the kept row first).

    The row tables hold the input's own columns (c0..cN, original text), then a reason or
    status, then the source row (the row in the user's original file, carried through
    re-runs); `bad_cells` maps a row of this input (to_fix's `row`) to the positions of the
    columns to highlight. In 待修正 each of them is filled red (yellow when it only has
    warnings) and carries a comment with its messages and suggestions. `now` is the time
    the summary shows (the local time when not given).

    待修正 keeps the input's column order rather than the template's: a re-run maps it by its
    headers either way, but in this order the column letters of 问题明细 are the letters of
    待修正, and the admin finds their own layout, unmapped columns included.
    """
    check_errors_fit(path, report, tables)
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), _WORKBOOK_OPTIONS)
        write_summary(book, book.add_worksheet(SUMMARY_SHEET),
                      summary_lines(report, tables, file_name=path.name, now=now))
        levels = _severity_formats(book)
        _write_sheet(book, book.add_worksheet(ISSUES_SHEET), ISSUE_HEADERS,
                     _issue_frame(report.issues), autofilter=True, numeric={1},
                     wrap={ISSUE_HEADERS.index("说明")},
                     cell_format=lambda i, j: levels[report.issues[i].severity] if j == 6 else None)
        _write_fix_sheet(book, report, headers, tables, bad_cells, levels)
        kept = book.add_format({"bg_color": "#E2EFDA", "num_format": "@"})
        # the kept row of each group: its status says 保留 (outputs._duplicate_groups)
        status = [s or "" for s in tables.duplicates.get_column("status").to_list()]
        width = len(headers)
        _write_sheet(
            book, book.add_worksheet(DUPLICATES_SHEET),
            [*headers, STATUS_HEADER, SOURCE_ROW_HEADER], tables.duplicates,
            numeric={width + 1},
            cell_format=lambda i, j: kept if status[i].startswith("保留") else None,
        )
        book.close()


def _write_fix_sheet(
    book: Any, report: Report, headers: Sequence[str], tables: Tables,
    bad_cells: dict[int, set[int]], levels: dict[Severity, Any],
) -> None:
    """待修正: the rejected rows, each bad cell filled and commented, the reasons at the end."""
    rows = tables.to_fix["row"].to_list()
    notes = _cell_issues(report.issues, headers, bad_cells)
    comments: dict[tuple[int, int], str] = {}
    fills: dict[tuple[int, int], Any] = {}
    for i, row in enumerate(rows):
        for j in bad_cells.get(row, set()):
            found = notes.get((row, j), [])
            fills[i, j] = levels[worst_severity(found)]
            if found:
                comments[i, j] = comment_text(found)
    width = len(headers)
    ws = book.add_worksheet(FIX_SHEET)
    _write_sheet(
        book, ws, [*headers, REASON_HEADER, SOURCE_ROW_HEADER], tables.to_fix.drop("row"),
        autofilter=True, numeric={width + 1}, wrap={width},
        cell_format=lambda i, j: fills.get((i, j)), comments=comments,
    )


def _cell_issues(
    issues: Sequence[Issue], headers: Sequence[str], bad_cells: dict[int, set[int]],
) -> dict[tuple[int, int], list[Issue]]:
    """The issues of each bad cell, by (row, column position). An issue names its column by
    header and letter; the header finds it even where crmkit's own columns of a re-run stand
    before it, the letter tells apart two columns with one header."""
    found: dict[tuple[int, int], list[Issue]] = {}
    for issue in issues:
        row = issue.row
        bad = bad_cells.get(row) if row is not None else None
        if row is None or not bad or issue.code in _NOT_TO_FIX:
            continue
        letter = column_index(issue.column) if issue.column else None
        named = [j for j in sorted(bad) if j < len(headers) and headers[j] == issue.header]
        if letter in named or (letter in bad and not named):
            position: int | None = letter
        else:
            position = named[0] if named else None
        if position is not None:
            found.setdefault((row, position), []).append(issue)
    return found


def worst_severity(issues: Sequence[Issue]) -> Severity:
    """The gravest severity of `issues`; an error when there are none (a highlighted cell
    crmkit cannot place an issue on is still a cell of a rejected row)."""
    return min((i.severity for i in issues), key=_SEVERITY_RANK.__getitem__,
               default=Severity.ERROR)


def comment_text(issues: Sequence[Issue]) -> str:
    """A cell comment: each message (warnings and notices marked), and what to write
    instead when crmkit knows it."""
    parts = []
    for issue in issues:
        text = issue.message("zh")
        if issue.severity is not Severity.ERROR:
            text = f"（{SEVERITY_ZH[issue.severity]}）{text}"
        if issue.suggestion:
            text += f"\n建议修改为：{issue.suggestion}"
        parts.append(text)
    return "\n".join(parts)


def _comment_options(text: str) -> dict[str, Any]:
    """A comment box wide and tall enough for its text, in the workbook's Chinese font."""
    per_line = 40  # display columns in _COMMENT_WIDTH pixels at 10 points
    lines = sum(max(1, -(-display_width(line) // per_line)) for line in text.split("\n"))
    return {"author": "crmkit", "font_name": _FONT["font_name"], "font_size": 10,
            "width": _COMMENT_WIDTH, "height": min(18 * lines + 12, 600)}


def _severity_formats(book: Any) -> dict[Severity, Any]:
    """The fill of a cell with a problem: red for an error, yellow for a warning or notice."""
    red = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "num_format": "@"})
    yellow = book.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700",
                              "num_format": "@"})
    return {Severity.ERROR: red, Severity.FATAL: red, Severity.WARNING: yellow,
            Severity.NOTICE: yellow}


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
            "severity": [SEVERITY_ZH[i.severity] for i in issues],
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
    numeric: frozenset[int] | set[int] = frozenset(), wrap: frozenset[int] | set[int] = frozenset(),
    comments: Mapping[tuple[int, int], str] | None = None,
) -> None:
    """Write a header and `frame`: every value as text, except the `numeric` columns, which
    hold numbers crmkit made (row numbers). `wrap` columns wrap their (crmkit-written, long)
    text; `comments` are cell comments by (frame row, column)."""
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = book.add_format({"num_format": "@"})
    wrapped = book.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})
    widths = _widths(headers, frame)
    for j, width in enumerate(widths):
        ws.set_column(j, j, width, wrapped if j in wrap else text)
    ws.freeze_panes(1, 0)
    for j, header in enumerate(headers):
        ws.write_string(0, j, header, head)
    write_string, write_number = ws.write_string, ws.write_number
    for i, row in enumerate(frame.iter_rows(), start=1):
        if cell_format is None and not comments:  # the common case, kept lean: no lookups
            for j, value in enumerate(row):
                if value is None or value == "":
                    continue
                if j in numeric:
                    write_number(i, j, value)
                else:
                    write_string(i, j, value if type(value) is str else str(value))
            continue
        for j, value in enumerate(row):
            fmt = cell_format(i - 1, j) if cell_format is not None else None
            if j in numeric and value is not None:
                write_number(i, j, value, fmt)
            elif value is not None and value != "":
                write_string(i, j, str(value), fmt)
            elif fmt is not None:
                ws.write_blank(i, j, None, fmt)
            note = comments.get((i - 1, j)) if comments else None
            if note:
                ws.write_comment(i, j, note, _comment_options(note))
    if autofilter and headers:
        ws.autofilter(0, 0, frame.height, len(headers) - 1)


def _widths(headers: Sequence[str], frame: pl.DataFrame) -> list[int]:
    """Column widths that fit the text; CJK characters count double."""
    result = []
    for j, header in enumerate(headers):
        longest = display_width(header)
        if j < frame.width and frame.height:
            col = frame.to_series(j).cast(pl.String).drop_nulls().head(2000)
            longest = max([longest, *(display_width(v.split("\n")[0]) for v in col)])
        result.append(min(max(longest + 2, 8), _MAX_WIDTH))
    return result
