"""`--annotate`: a copy of the user's own workbook with every problem marked on its cell.

Some admins would rather look at their own file, with their colours, widths and extra sheets,
than at errors.xlsx. The copy is the user's workbook opened with openpyxl and saved under
another name: crmkit only adds a fill and a comment to the cells with problems. It never
writes a cell's value, so nothing the user typed can turn into a formula or a number, and the
input file itself is only ever read.

No formula reaches the copy either: a list from a stranger may hold =HYPERLINK(...) or a DDE
formula (=cmd|'/c calc'!A1), live again the moment the copy is opened. The copy holds each
formula's result as saved with the file, which is what crmkit checked (cell.formula), and no
links to other workbooks.

openpyxl is imported only when a copy is written: a run without --annotate does not pay for it.
"""

from __future__ import annotations

import bisect
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from crmkit.atomic import atomic_path
from crmkit.catalogue import Bilingual, Severity
from crmkit.errors import CrmkitError
from crmkit.report import Issue, Report
from crmkit.workbook_scan import XlsxPackage
from crmkit.writers import comment_text, worst_severity

#: the notice that says why --annotate wrote no copy
NOT_ANNOTATED = "output.not_annotated"
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

def annotated_path(source: str | Path, out_dir: Path) -> Path:
    """Where the annotated copy of `source` goes: `<out_dir>/<input stem>.annotated.xlsx`."""
    return out_dir / f"{Path(source).stem}{ANNOTATED_SUFFIX}"


def can_annotate(report: Report) -> bool:
    """Whether the checked file is a workbook openpyxl can copy (see write_annotated)."""
    return report.input.format in SUPPORTED_FORMATS


class NotAnnotated(Exception):
    """No annotated copy can be made of this input; `reason` says why, in both languages."""

    def __init__(self, reason: Bilingual) -> None:
        super().__init__(reason.en)
        self.reason = reason


_NOT_A_WORKBOOK = Bilingual("只有 Excel 2007 及以后的工作簿（.xlsx/.xlsm）能做标注副本",
                            "only an Excel 2007+ workbook (.xlsx/.xlsm) can be copied")
# The admin does not know openpyxl: the reason says what it means for them.
_OPENPYXL_REFUSED = Bilingual("这个工作簿有 crmkit 复制不了的部分（检查本身不受影响）",
                              "parts of this workbook cannot be copied (the check itself is "
                              "not affected)")
_SHEET_TWICE = Bilingual("工作簿把同一张表登记了不止一次，Excel 会认为它已损坏",
                         "the workbook lists one sheet more than once, which Excel calls "
                         "corrupt")
#: why no copy was written when saving it failed
SAVE_FAILED = Bilingual("保存副本时出错", "saving the copy failed")


def write_annotated(source: str | Path, out_dir: Path, report: Report) -> Path | None:
    """Write a copy of the user's workbook `source` into `out_dir` with each cell that has a
    problem filled (red: error, yellow: warning or notice) and commented with its messages
    and suggestions, and return its path; None when no copy can be made (see marked_copy).

    The steps are apart for outputs.py, which asks obstacle() before writing errors.xlsx
    and makes the copy (marked_copy, save_marked) after it: the copy, which can be as large
    as the workbook, is not held in memory while errors.xlsx is written.
    """
    try:
        book = marked_copy(source, report)
    except NotAnnotated:
        return None
    return save_marked(book, source, out_dir)


def marked_copy(source: str | Path, report: Report) -> Any:
    """The user's workbook `source` opened by openpyxl with every problem cell marked, ready
    for save_marked; NotAnnotated when no copy can be made.

    Issues are placed by their row and column letter on the checked sheet; a column-level
    issue (a column not imported) marks the header cell, a row-level one the row's first
    cell; a comment already on the cell is kept above crmkit's. A macro-enabled workbook is
    saved as a plain .xlsx without its macros.

    No copy is made when the input is not an Excel 2007+ workbook (.xls, .xlsb, .ods, CSV and
    text: openpyxl cannot open them, and a text file has no formatting to keep; errors.xlsx
    serves instead), or when openpyxl cannot open or mark this workbook (calamine, which
    checked it, reads more files than openpyxl does).

    What openpyxl does not carry over is lost in the copy, never in the input: shapes, form
    controls and charts' finer formatting; the input is only opened for reading.
    """
    why_not = obstacle(source, report)
    if why_not is not None:
        raise NotAnnotated(why_not)
    source = Path(source)
    book = _marked_copy(source, report)
    if book is None:
        raise NotAnnotated(_OPENPYXL_REFUSED)
    return book


def obstacle(source: str | Path, report: Report) -> Bilingual | None:
    """Why no copy of `source` can be made, found without opening it in openpyxl (cheaply,
    before errors.xlsx is written, so that errors.xlsx can say it); None when it may be."""
    if not can_annotate(report):
        return _NOT_A_WORKBOOK
    if _lists_a_sheet_twice(Path(source)):
        return _SHEET_TWICE
    return None


def save_marked(book: Any, source: str | Path, out_dir: Path) -> Path | None:
    """Save a marked_copy of `source` as `<out_dir>/<stem>.annotated.xlsx` and return its
    path, or None when openpyxl fails to save it (nothing is left behind)."""
    target = annotated_path(source, out_dir)
    if target.exists() and target.samefile(source):
        raise CrmkitError("output.conflict", path=str(target))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CrmkitError("output.failed", path=str(out_dir), detail=exc.strerror) from None
    try:
        with atomic_path(target) as tmp:
            book.save(tmp)
    except CrmkitError:
        raise
    except Exception:  # noqa: BLE001 - openpyxl fails on odd files in any way; see below
        return None  # the temporary file is gone; errors.xlsx serves instead
    return target


def not_annotated(reason: Bilingual) -> Issue:
    """The notice that tells the user why --annotate wrote no copy."""
    return Issue(code=NOT_ANNOTATED, params={"reason": reason})


def _marked_copy(source: Path, report: Report) -> Any:
    """The user's workbook opened by openpyxl with every problem cell marked, or None when
    openpyxl cannot open or mark it. On a damaged or hostile file openpyxl raises anything
    (ParseError, LookupError for a bogus encoding, zlib.error, OverflowError...): the copy
    is a courtesy, and calamine, which checked the file, reads more than openpyxl does."""
    from openpyxl.utils import column_index_from_string

    book = _open(source)
    if book is None or report.input.sheet not in book.sheetnames:
        return None
    try:
        ws = book[report.input.sheet]
        marked = {(row, column_index_from_string(column)): issues
                  for (row, column), issues in _by_cell(report).items()}
        anchors = _anchors(ws, marked)
        # Cells of one merged range are marked together, on its first cell.
        by_anchor: dict[str, tuple[Any, list[Issue]]] = {}
        for (row, col), issues in marked.items():
            cell = anchors.get((row, col)) or ws.cell(row=row, column=col)
            by_anchor.setdefault(cell.coordinate, (cell, []))[1].extend(issues)
        for cell, issues in by_anchor.values():
            _mark(cell, issues)
    except Exception:  # noqa: BLE001 - as above
        return None
    # A template (.xltx) copy is a workbook; macros were not loaded (keep_vba is off).
    book.template = False
    return book


def _open(source: Path) -> Any:
    """The workbook with formulas replaced by their saved results and links to other
    workbooks dropped, rich text kept; or None."""
    import openpyxl

    try:
        with source.open("rb") as fh, warnings.catch_warnings():
            # openpyxl warns about each extension it drops (data validation lists, slicers):
            # the copy is a courtesy, the user's file is untouched.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(fh, rich_text=True, data_only=True,
                                          keep_links=False)
    except Exception:  # noqa: BLE001 - see _marked_copy
        return None


def _lists_a_sheet_twice(source: Path) -> bool:
    """Whether the workbook names one sheet part under two names, which Excel calls
    corrupt. openpyxl would parse and save the part once per name: 5,000 names cost a
    minute (found by fuzzing)."""
    try:
        parts = [sheet.part for sheet in XlsxPackage(source).sheets]
    except Exception:  # noqa: BLE001 - a package this scan cannot read is openpyxl's to judge
        return False
    return len(set(parts)) < len(parts)


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


def _anchors(ws: Any, wanted: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Any]:
    """For each wanted (row, column), the first cell of the merged range holding it: one
    pass over the ranges, not one per marked cell (2,000 ranges x 5,000 issues took a
    minute)."""
    columns: dict[int, list[int]] = {}
    for row, col in wanted:
        columns.setdefault(row, []).append(col)
    rows = sorted(columns)
    found: dict[tuple[int, int], Any] = {}
    for merged in ws.merged_cells.ranges:
        start = bisect.bisect_left(rows, merged.min_row)
        end = bisect.bisect_right(rows, merged.max_row)
        for row in rows[start:end]:
            for col in columns[row]:
                if merged.min_col <= col <= merged.max_col:
                    found[(row, col)] = ws.cell(row=merged.min_row, column=merged.min_col)
    return found


def _mark(cell: Any, issues: Iterable[Issue]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    found = list(issues)
    cell.fill = PatternFill(fill_type="solid", fgColor=_FILLS[worst_severity(found)])
    text = comment_text(found)
    # The user's own comment stays above crmkit's; crmkit's from an earlier run (a copy of a
    # copy) is replaced, not stacked.
    if cell.comment is not None and cell.comment.author != "crmkit":
        text = f"{cell.comment.text}\n\n{text}"
    lines = sum(max(1, -(-len(line) // _CHARS_PER_LINE)) for line in text.split("\n"))
    # Excel holds at most 32,767 characters in a comment; a pasted chat log can come close.
    cell.comment = Comment(text[:32000], "crmkit", height=min(16 * lines + 12, 500),
                           width=_COMMENT_WIDTH)
