"""A customer list read into a frame: the file opened, its sheet and header row found, its
columns mapped to the template's fields, blank rows and the template's example rows dropped,
and each mapped column cleaned and normalised by its field's type.

`crmkit.validate` reads the input this way; `--existing` and `--staff` files are read the
same way, so a column is recognised by the same names wherever it comes from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError
from crmkit.header_match import FUZZY, resolve_targets
from crmkit.headers import (
    HEADER_SCAN_ROWS,
    HeaderMap,
    Range,
    best_header_candidate,
    column_letter,
    find_header_row,
    header_rows,
    map_headers,
)
from crmkit.normalise import RESULT, clean_text, has_text, normalise_field
from crmkit.readers import ERROR_LITERALS, Source, open_source
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
    #: what reading found about the sheet itself: a two-row header, fuzzy header matches,
    #: skipped example rows, merged data cells
    issues: list[Issue] = field(default_factory=list)
    #: 0-based indexes of the example or instruction rows under the header that were left out
    #: of `frame` (each reported as row.example or row.instructions)
    examples: tuple[int, ...] = ()


def read_table(
    path: str | Path, tpl: Template, *, sheet: str | int | None = None,
    mapping: Mapping[str, str] | None = None, encoding: str | None = None,
    delimiter: str | None = None,
) -> Table:
    """Read `path`'s customer sheet mapped to `tpl`; CrmkitError when it cannot be read.

    `mapping` is --map: source column (header text or letter) -> field (key, header or
    alias; empty or "-" to ignore the column); see `headers.map_headers`. Its source headers
    also help find the header row. `encoding` and `delimiter` override what is detected in
    a text file.

    The example rows many templates carry right under the header (a cell 示例, 例：张三,
    【示例】张三 ...), and a row of field instructions (必填 / 选填 / 请填写...), are not data:
    they are left out of the frame like blank rows, so they count neither as read nor as
    blank, and each is reported as a row.example or row.instructions notice holding the
    row's whole text, so nothing goes silently. A sheet crmkit wrote (its own columns in the
    header) has none: its first rows are the customers the user is fixing."""
    resolve_targets(mapping or {}, tpl)  # a bad --map target fails before the file is read
    src = open_source(Path(path), encoding=encoding, delimiter=delimiter)
    sheet_name, found = _choose_sheet(src, tpl, sheet, mapping)
    rows = src.rows(sheet_name)
    src.release()  # `rows` is the only copy, dropped once the frame is built
    merged = src.merged(sheet_name)
    first, second = header_rows(rows, found, tpl, merged, mapping=mapping)
    header_map = map_headers(rows[first], first, tpl, sheet_name, mapping=mapping,
                             second=rows[second] if second is not None else None)
    issues = _source_notices(src, sheet_name) + _header_issues(header_map, sheet_name)
    # A sheet crmkit wrote starts with the user's rejected rows, which are never examples.
    examples = ([] if _written_by_crmkit(header_map)
                else _example_rows(rows, header_map.data_row))
    issues += [Issue(code="row.instructions" if _is_instructions(rows[i]) else "row.example",
                     row=i + 1, sheet=sheet_name, value=_row_text(rows[i]))
               for i in examples]
    issues += _merged_issues(merged, rows, header_map, sheet_name)
    frame, blank = _frame(rows, header_map, examples)
    del rows
    frame = _normalise(frame, header_map, tpl, date1904=src.date1904)
    return Table(source=src, sheet=sheet_name, header_map=header_map, frame=frame,
                 blank=blank, issues=issues, examples=tuple(examples))


def _choose_sheet(
    src: Source, tpl: Template, sheet: str | int | None, mapping: Mapping[str, str] | None,
) -> tuple[str, int]:
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
        found = find_header_row(heads[name], tpl, mapping=mapping)
        if found is not None:
            return name, found
    raise _no_header(src, tpl, heads, mapping)


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


def _no_header(
    src: Source, tpl: Template, heads: dict[str, list[list[str]]],
    mapping: Mapping[str, str] | None,
) -> CrmkitError:
    """header.not_found, saying where crmkit looked and what little it recognised."""
    if src.format == "csv":
        where = Bilingual(f"文件「{src.path.name}」", f"file \"{src.path.name}\"")
    elif len(heads) == 1:
        (name,) = heads
        where = Bilingual(f"工作表「{name}」", f"sheet \"{name}\"")
    else:
        where = Bilingual(f" {len(heads)} 个工作表", f"any of the {len(heads)} sheets")
    notes_zh, notes_en = [], []
    if src.misnamed:
        notes_zh.append(f"（文件名是 {src.path.suffix}，内容其实是{src.detected.zh}）")
        notes_en.append(f" (it is named {src.path.suffix} but holds {src.detected.en})")
    for name, head in heads.items():
        row, fields = best_header_candidate(head, tpl, mapping=mapping)
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


def _frame(
    rows: list[list[str]], header_map: HeaderMap, examples: Collection[int],
) -> tuple[pl.DataFrame, int]:
    """The data rows below the header as text columns c0..cN plus the user's row number,
    without blank rows and `examples`; and how many blank rows there were before the last
    filled one."""
    start = header_map.data_row
    data = rows[start:]
    width = len(rows[header_map.row])  # readers give rectangular rows
    frame = pl.DataFrame(
        data, schema=[(f"c{j}", pl.String) for j in range(width)], orient="row"
    ).with_columns(pl.int_range(start + 1, start + 1 + len(data)).alias(ROW))
    if examples:
        frame = frame.filter(~pl.col(ROW).is_in([i + 1 for i in examples]))
    filled = pl.any_horizontal(
        [has_text(pl.col(f"c{j}")) for j in range(width)] or [pl.lit(False)]
    )
    frame = frame.with_columns(filled=filled)
    last = frame.filter(pl.col("filled")).get_column(ROW).max()
    blank = 0 if last is None else frame.filter(~pl.col("filled") & (pl.col(ROW) < last)).height
    return frame.filter(pl.col("filled")).drop("filled"), blank


def _normalise(
    frame: pl.DataFrame, header_map: HeaderMap, tpl: Template, *, date1904: bool = False
) -> pl.DataFrame:
    """Add, for every mapped field, its cleaned cells and the field type's verdict. A cell
    holding an Excel error (#N/A, #REF!...) is not data: its verdict is cell.error, and the
    field type never sees it (a #N/A in 负责人 is not "two names", nor an empty cell)."""
    errors = list(ERROR_LITERALS)
    mapped = [c for c in header_map.columns if c.field is not None]
    # Every column cleaned at once (polars works on them in parallel), then one by one.
    cleaned = frame.select(
        clean_text(pl.col(f"c{c.index}")).alias(f"raw{n}") for n, c in enumerate(mapped)
    )
    cleaned = cleaned.with_columns(
        pl.col(f"raw{n}").is_in(errors).fill_null(False).alias(f"error{n}")
        for n in range(len(mapped))
    ).with_columns(
        pl.when(pl.col(f"error{n}")).then(None).otherwise(pl.col(f"raw{n}")).alias(f"cell{n}")
        for n in range(len(mapped))
    )
    for n, column in enumerate(mapped):
        f = column.field
        assert f is not None
        raw, is_error = cleaned.get_column(f"raw{n}"), cleaned.get_column(f"error{n}")
        filled = cleaned.get_column(f"cell{n}")
        # The template's default stands in for an empty cell, and is checked like one.
        filled = filled if f.default is None else filled.fill_null(f.default)
        result = normalise_field(filled, f, tpl, date1904=date1904)
        if is_error.any():
            result = result.with_columns(
                code=pl.when(is_error).then(pl.lit("cell.error")).otherwise("code"),
                value=pl.when(is_error).then(None).otherwise("value"),
            )
        frame = frame.with_columns(
            raw.alias(suffixed(f.key, "raw")),
            *(result.get_column(name).alias(_result_name(f.key, name)) for name in RESULT),
        )
    return frame


def _result_name(key: str, part: str) -> str:
    return key if part == "value" else suffixed(key, part)


def _merged_issues(
    ranges: Sequence[Range], rows: list[list[str]], header_map: HeaderMap, sheet: str,
) -> list[Issue]:
    """cell.merged for each merged range among the data rows, which the reader filled.
    Ranges in the header (a group label over its columns) are the header's business."""
    issues = []
    headers = {c.index: c.header for c in header_map.columns}
    for (r1, c1), (r2, c2) in ranges:
        if r1 < header_map.data_row or r1 >= len(rows) or (r1, c1) == (r2, c2):
            continue
        value = rows[r1][c1] if c1 < len(rows[r1]) else ""
        if not value.strip():
            continue
        where = f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}"
        issues.append(Issue(code="cell.merged", row=r1 + 1, column=column_letter(c1),
                            header=headers.get(c1), value=value, sheet=sheet,
                            params={"range": where}))
    return issues


def _source_notices(src: Source, sheet: str) -> list[Issue]:
    """file.misnamed when the file's name says another format than its bytes; cell.formula
    when the sheet has formulas, read by the results saved with the file."""
    issues = []
    if src.misnamed:
        issues.append(Issue(code="file.misnamed", params={
            "suffix": src.path.suffix or "-", "detected": src.detected,
        }))
    count = src.formula_count(sheet)
    if count:
        issues.append(Issue(code="cell.formula", sheet=sheet,
                            params={"sheet": sheet, "count": count}))
    return issues


def _header_issues(header_map: HeaderMap, sheet: str) -> list[Issue]:
    """header.two_rows for a header spanning two rows; header.fuzzy for each column matched
    by similarity, so the user can check or --map it."""
    issues = []
    if header_map.second_row is not None:
        issues.append(Issue(code="header.two_rows", row=header_map.row + 1, sheet=sheet, params={
            "second_row": header_map.second_row + 1, "first_data_row": header_map.data_row + 1,
        }))
    for c in header_map.columns:
        if c.match == FUZZY and c.field is not None:
            issues.append(Issue(code="header.fuzzy", row=header_map.row + 1, column=c.letter,
                                header=c.header, field=c.field.key, sheet=sheet,
                                params={"field_header": c.field.header, "score": c.score}))
    return issues


# --- example rows ----------------------------------------------------------------------------

#: words that mark a template's example row. A real customer named 例, a note saying 例会 or
#: 示例客户介绍的 are possible, so a cell counts only when it is a marker as a whole (示例,
#: 【示例】, e.g.), starts with one and a colon (示例：张三, e.g. 张三) or holds one in
#: brackets (张三（示例）); only rows right under the header count, and each is reported,
#: never dropped silently. Compared NFKC and in lower case.
_EXAMPLE_WORDS = ("示例", "例", "例如", "样例", "范例", "举例", "填写示例", "示例数据", "example",
                  "e.g.", "sample")
_TRIM = " ()[]【】<>:*-."
_EXAMPLE_MARKERS = frozenset(w.strip(_TRIM) for w in _EXAMPLE_WORDS)
_EXAMPLE_ALTERNATIVES = "|".join(re.escape(w.strip(_TRIM)) for w in _EXAMPLE_WORDS)
#: a marker and a colon, or e.g. and its dot, at the start of a cell
_EXAMPLE_PREFIX = re.compile(rf"(?:{_EXAMPLE_ALTERNATIVES})\s*:|e\.g\.")
#: a marker in brackets anywhere in a cell
_EXAMPLE_BRACKETED = re.compile(
    rf"[(\[【<〈《「〔]\s*(?:{_EXAMPLE_ALTERNATIVES})\.?\s*:?\s*[)\]】>〉》」〕]"
)
#: cells of a row of field instructions (必填 | 选填 | 请填写手机号码)
_INSTRUCTION_WORDS = frozenset({
    "必填", "选填", "非必填", "必填项", "选填项", "可选", "可选填", "可不填", "可为空",
    "required", "optional",
})
_INSTRUCTION_PREFIXES = ("请填写", "请输入", "请选择", "必填", "选填", "非必填")
#: how many rows under the header may be examples or instructions (header, 必填/选填, 示例)
_EXAMPLE_ROWS_MAX = 2


def _example_rows(rows: list[list[str]], data_row: int) -> list[int]:
    """The example or instruction rows right under the header: the first data rows, as long
    as each is one (so a customer named 例 further down is data)."""
    found = []
    for i in range(data_row, min(data_row + _EXAMPLE_ROWS_MAX, len(rows))):
        if not (_is_example(rows[i]) or _is_instructions(rows[i])):
            break
        found.append(i)
    return found


def _written_by_crmkit(header_map: HeaderMap) -> bool:
    """Whether the sheet is one crmkit wrote (errors.xlsx, 待修正): its first rows are the
    user's rejected customers, never a template's example."""
    return any(c.own for c in header_map.columns)


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def _is_example(row: Sequence[str]) -> bool:
    for cell in row:
        text = _plain(cell)
        if (text.strip(_TRIM) in _EXAMPLE_MARKERS or _EXAMPLE_PREFIX.match(text)
                or _EXAMPLE_BRACKETED.search(text)):
            return True
    return False


def _is_instructions(row: Sequence[str]) -> bool:
    """Whether most filled cells, at least two, say what to fill in: no customer row does."""
    cells = [t for t in map(_plain, row) if t]
    said = sum(
        t.strip(_TRIM) in _INSTRUCTION_WORDS or t.startswith(_INSTRUCTION_PREFIXES) for t in cells
    )
    return said >= 2 and said * 2 > len(cells)


def _row_text(row: Sequence[str]) -> str:
    """A skipped row's every filled cell, whole: its notice is all that is left of it."""
    return " | ".join(c.strip() for c in row if c.strip())
