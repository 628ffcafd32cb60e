"""`--annotate`: a copy of the user's own workbook with every problem marked on its cell.

Some admins would rather look at their own file, with their colours, widths and extra sheets,
than at errors.xlsx. The copy is the user's workbook opened with openpyxl and saved under
another name: crmkit only adds a fill and a comment to the cells with problems. It never
writes a cell's value, so nothing the user typed can turn into a formula or a number, and the
input file itself is only ever read.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from crmkit.atomic import atomic_path
from crmkit.catalogue import Severity
from crmkit.errors import CrmkitError
from crmkit.report import Issue, Report
from crmkit.writers import comment_text, worst_severity

#: the copy's name in the output folder: <input stem>.annotated.xlsx
ANNOTATED_SUFFIX = ".annotated.xlsx"
#: the formats openpyxl opens: Excel 2007+ workbooks (.xlsx, .xlsm, .xltx, and WPS .et files
#: saved in that format)
SUPPORTED_FORMATS = frozenset({"xlsx"})

_FILLS = {
    Severity.ERROR: "FFC7CE", Severity.FATAL: "FFC7CE",
    Severity.WARNING: "FFEB9C", Severity.NOTICE: "FFEB9C",
}
#: comment box size in points; about 22 Chinese characters a line at this width
_COMMENT_WIDTH = 270
_CHARS_PER_LINE = 22
#: what openpyxl raises on a workbook it cannot open (calamine reads more than it does)
_OPEN_ERRORS = (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError,
                OSError, IndexError, AttributeError)


def annotated_path(source: str | Path, out_dir: Path) -> Path:
    """Where the annotated copy of `source` goes: `<out_dir>/<input stem>.annotated.xlsx`."""
    return out_dir / f"{Path(source).stem}{ANNOTATED_SUFFIX}"


def can_annotate(report: Report) -> bool:
    """Whether the checked file is a workbook openpyxl can copy (see write_annotated)."""
    return report.input.format in SUPPORTED_FORMATS


def write_annotated(source: str | Path, out_dir: Path, report: Report) -> Path | None:
    """Write a copy of the user's workbook `source` into `out_dir` with each cell that has a
    problem filled (red: error, yellow: warning or notice) and commented with its messages
    and suggestions, and return its path.

    Issues are placed by their row and column letter on the checked sheet; a column-level
    issue (a column not imported) marks the header cell, a row-level one the row's first
    cell; a comment already on the cell is kept above crmkit's. A macro-enabled workbook is
    saved as a plain .xlsx without its macros.

    Returns None, writing nothing, when the input is not an Excel 2007+ workbook (.xls,
    .xlsb, .ods, CSV and text: openpyxl cannot open them, and a text file has no formatting
    to keep; errors.xlsx serves instead), or when openpyxl cannot open this workbook (calamine,
    which checked it, reads more files than openpyxl does). The caller says so to the user.

    What openpyxl does not carry over is lost in the copy, never in the input: shapes, form
    controls and charts' finer formatting; the input is only opened for reading.
    """
    if not can_annotate(report):
        return None
    source = Path(source)
    target = annotated_path(source, out_dir)
    if target.exists() and target.samefile(source):
        raise CrmkitError("output.conflict", path=str(target))
    book = _open(source)
    if book is None or report.input.sheet not in book.sheetnames:
        return None
    ws = book[report.input.sheet]
    for (row, column), issues in _by_cell(report).items():
        _mark(_anchor(ws, f"{column}{row}"), issues)
    # A template (.xltx) copy is a workbook; macros were not loaded (keep_vba is off).
    book.template = False
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CrmkitError("output.failed", path=str(out_dir), detail=exc.strerror) from None
    with atomic_path(target) as tmp:
        book.save(tmp)
    return target


def _open(source: Path) -> Any:
    """The workbook with its formulas as formulas and rich text kept, or None."""
    try:
        with source.open("rb") as fh, warnings.catch_warnings():
            # openpyxl warns about each extension it drops (data validation lists, slicers):
            # the copy is a courtesy, the user's file is untouched.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(fh, rich_text=True, keep_links=True)
    except _OPEN_ERRORS:
        return None


def _by_cell(report: Report) -> dict[tuple[int, str], list[Issue]]:
    """The issues of the checked sheet by the cell that shows them: (row, column letter)."""
    cells: dict[tuple[int, str], list[Issue]] = {}
    for issue in report.issues:
        if issue.sheet not in (None, report.input.sheet):
            continue
        if issue.row is not None:
            cell = (issue.row, issue.column or "A")
        elif issue.column is not None:
            cell = (report.input.header_row, issue.column)
        else:
            continue  # about the whole file: errors.xlsx's summary tells it
        cells.setdefault(cell, []).append(issue)
    return cells


def _anchor(ws: Any, coordinate: str) -> Any:
    """The cell at `coordinate`, or the first cell of the merged range holding it."""
    for merged in ws.merged_cells.ranges:
        if coordinate in merged:
            return ws.cell(row=merged.min_row, column=merged.min_col)
    return ws[coordinate]


def _mark(cell: Any, issues: Iterable[Issue]) -> None:
    found = list(issues)
    cell.fill = PatternFill(fill_type="solid", fgColor=_FILLS[worst_severity(found)])
    text = comment_text(found)
    if cell.comment is not None:
        text = f"{cell.comment.text}\n\n{text}"
    lines = sum(max(1, -(-len(line) // _CHARS_PER_LINE)) for line in text.split("\n"))
    # Excel holds at most 32,767 characters in a comment; a pasted chat log can come close.
    cell.comment = Comment(text[:32000], "crmkit", height=min(16 * lines + 12, 500),
                           width=_COMMENT_WIDTH)
