"""A customer list read into a frame: the file opened, its sheet and header row found, its
columns mapped to the template's fields, blank rows dropped, and each mapped column cleaned
and normalised by its field's type.

`crmkit.validate` reads the input this way; `--existing` and `--staff` files are read the
same way, so a column is recognised by the same names wherever it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError
from crmkit.headers import (
    HEADER_SCAN_ROWS,
    HeaderMap,
    best_header_candidate,
    column_letter,
    find_header_row,
    map_headers,
)
from crmkit.normalise import RESULT, clean_text, normalise_field
from crmkit.readers import Source, open_source
from crmkit.report import Issue
from crmkit.rules import ROW, suffixed
from crmkit.template import Template


@dataclass
class Table:
    """One sheet of a file, read and mapped: `frame` holds the raw cells as c0..cN, the
    user's row number, and for each mapped field its cleaned cell (`key#raw`), the value to
    upload (`key`) and the type's verdict (`key#code`, ...)."""

    source: Source
    sheet: str
    header_map: HeaderMap
    frame: pl.DataFrame
    #: blank rows among the data (before the last filled row)
    blank: int
    #: what reading found about the sheet itself: merged data cells, notices
    issues: list[Issue] = field(default_factory=list)


def read_table(
    path: str | Path, tpl: Template, *, sheet: str | int | None = None,
) -> Table:
    """Read `path`'s customer sheet mapped to `tpl`; CrmkitError when it cannot be read."""
    src = open_source(Path(path))
    sheet_name, header_row = _choose_sheet(src, tpl, sheet)
    rows = src.rows(sheet_name)
    header_map = map_headers(rows[header_row], header_row, tpl, sheet_name)
    issues = _merged_issues(src.merged(sheet_name), rows, header_map, sheet_name)
    frame, blank = _frame(rows, header_row)
    del rows
    frame = _normalise(frame, header_map, tpl)
    return Table(source=src, sheet=sheet_name, header_map=header_map, frame=frame,
                 blank=blank, issues=issues)


def _choose_sheet(src: Source, tpl: Template, sheet: str | int | None) -> tuple[str, int]:
    """The sheet to check and the index of its header row."""
    names = [s.name for s in src.sheets]
    if sheet is not None:
        candidates = [_sheet_by_option(src, sheet)]
    else:
        candidates = [s.name for s in src.sheets if s.visible] or names
    if not candidates:
        raise CrmkitError("file.unreadable", path=str(src.path),
                          detail=Bilingual("没有工作表", "it has no worksheet"))
    heads = {}
    for name in candidates:
        heads[name] = src.rows(name, HEADER_SCAN_ROWS)
        found = find_header_row(heads[name], tpl)
        if found is not None:
            return name, found
    raise _no_header(src, tpl, heads)


def _sheet_by_option(src: Source, sheet: str | int) -> str:
    """A sheet by name, or by number counting the visible tabs from 1 as the user sees them."""
    text = str(sheet).strip()
    if text in {s.name for s in src.sheets}:
        return text
    visible = [s.name for s in src.sheets if s.visible]
    if text.isdigit() and 1 <= int(text) <= len(visible):
        return visible[int(text) - 1]
    listed = [f"{i}「{n}」" for i, n in enumerate(visible, 1)]
    listed += [f"「{s.name}」（隐藏）" for s in src.sheets if not s.visible]
    raise CrmkitError("sheet.not_found", sheet=text, available="、".join(listed) or "-")


def _no_header(src: Source, tpl: Template, heads: dict[str, list[list[str]]]) -> CrmkitError:
    """header.not_found, saying where crmkit looked and what little it recognised."""
    if src.format == "csv":
        where = Bilingual(f"文件「{src.path.name}」", f"file \"{src.path.name}\"")
    elif len(heads) == 1:
        (name,) = heads
        where = Bilingual(f"工作表「{name}」", f"sheet \"{name}\"")
    else:
        where = Bilingual(f" {len(heads)} 个工作表", f"any of the {len(heads)} sheets")
    notes_zh, notes_en = [], []
    if src.format == "csv" and src.path.suffix.lower() in {".xls", ".xlsx", ".xlsm", ".et"}:
        notes_zh.append(f"（文件名是 {src.path.suffix}，内容其实是文本）")
        notes_en.append(f" (it is named {src.path.suffix} but holds plain text)")
    for name, head in heads.items():
        row, fields = best_header_candidate(head, tpl)
        if row is not None and fields:
            sheet_zh = f"工作表「{name}」" if len(heads) > 1 else ""
            sheet_en = f" of \"{name}\"" if len(heads) > 1 else ""
            notes_zh.append(f"（{sheet_zh}第 {row + 1} 行只认出「{fields[0].header}」一列）")
            notes_en.append(f" (row {row + 1}{sheet_en} names only \"{fields[0].header}\")")
            break
    expected = "、".join(f.header for f in tpl.fields if f.required) or tpl.fields[0].header
    return CrmkitError(
        "header.not_found", where=where, rows=HEADER_SCAN_ROWS, expected=expected,
        note=Bilingual("".join(notes_zh), "".join(notes_en)),
    )


def _frame(rows: list[list[str]], header_row: int) -> tuple[pl.DataFrame, int]:
    """The data rows below the header as text columns c0..cN plus the user's row number,
    without blank rows; and how many blank rows there were before the last filled one."""
    data = rows[header_row + 1:]
    width = len(rows[header_row])  # readers give rectangular rows
    frame = pl.DataFrame(
        data, schema=[(f"c{j}", pl.String) for j in range(width)], orient="row"
    ).with_columns(pl.int_range(header_row + 2, header_row + 2 + len(data)).alias(ROW))
    filled = pl.any_horizontal(
        [clean_text(pl.col(f"c{j}")).is_not_null() for j in range(width)] or [pl.lit(False)]
    )
    frame = frame.with_columns(filled=filled)
    last = frame.filter(pl.col("filled")).get_column(ROW).max()
    blank = 0 if last is None else frame.filter(~pl.col("filled") & (pl.col(ROW) < last)).height
    return frame.filter(pl.col("filled")).drop("filled"), blank


def _normalise(frame: pl.DataFrame, header_map: HeaderMap, tpl: Template) -> pl.DataFrame:
    """Add, for every mapped field, its cleaned cells and the field type's verdict."""
    for column in header_map.columns:
        f = column.field
        if f is None:
            continue
        raw = frame.select(clean_text(pl.col(f"c{column.index}"))).to_series()
        # The template's default stands in for an empty cell, and is checked like one.
        filled = raw if f.default is None else raw.fill_null(f.default)
        result = normalise_field(filled, f, tpl)
        frame = frame.with_columns(
            raw.alias(suffixed(f.key, "raw")),
            *(result.get_column(name).alias(_result_name(f.key, name)) for name in RESULT),
        )
    return frame


def _result_name(key: str, part: str) -> str:
    return key if part == "value" else suffixed(key, part)


def _merged_issues(
    ranges: list[tuple[tuple[int, int], tuple[int, int]]], rows: list[list[str]],
    header_map: HeaderMap, sheet: str,
) -> list[Issue]:
    """cell.merged for each merged range among the data rows, which the reader filled."""
    issues = []
    headers = {c.index: c.header for c in header_map.columns}
    for (r1, c1), (r2, c2) in ranges:
        if r1 <= header_map.row or r1 >= len(rows) or (r1, c1) == (r2, c2):
            continue
        value = rows[r1][c1] if c1 < len(rows[r1]) else ""
        if not value.strip():
            continue
        where = f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}"
        issues.append(Issue(code="cell.merged", row=r1 + 1, column=column_letter(c1),
                            header=headers.get(c1), value=value, sheet=sheet,
                            params={"range": where}))
    return issues
