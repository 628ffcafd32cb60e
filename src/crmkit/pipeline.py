"""`crmkit.validate`: read -> map headers -> normalise -> check -> dedupe -> limits -> write.

Nothing here prints. Problems in the data become issues in the report; only a file that
cannot be checked at all raises CrmkitError.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import phonenumbers
import polars as pl

from crmkit.catalogue import Bilingual, Severity
from crmkit.dedupe import find_duplicates
from crmkit.errors import CrmkitError
from crmkit.headers import (
    HEADER_SCAN_ROWS,
    HeaderMap,
    best_header_candidate,
    column_letter,
    find_header_row,
    map_headers,
)
from crmkit.limits import apply_limit, choose_limit, limit_issue
from crmkit.normalise import RESULT, clean_text, normalise_field
from crmkit.outputs import build_tables, out_dir_for, write_outputs
from crmkit.readers import Source, open_source
from crmkit.report import InputInfo, Issue, MappedColumn, Report, RowCounts
from crmkit.rules import ROW, check_rows, suffixed
from crmkit.template import Template, load_template


def validate(
    source: str | Path,
    *,
    template: str | Path | Template | None = None,
    out: str | Path | None = None,
    tier: str | None = None,
    limit: int | None = None,
    existing_count: int = 0,
    sheet: str | int | None = None,
    region: str | None = None,
    strict: bool = False,
    write: bool = True,
) -> Report:
    """Check a customer list against an import template and write the upload-ready files.

    Outputs go to `out` (default: a folder `<input stem>.crmkit` beside the input) unless
    `write` is false. The returned report says what was found and where the rows went.
    """
    tpl = template if isinstance(template, Template) else load_template(template)
    tpl = dataclasses.replace(tpl, region=_check_region(region or tpl.region))
    for f in tpl.fields:
        for code in f.regions:
            _check_region(code)
    chosen_limit = choose_limit(tpl, tier=tier, limit=limit, existing=existing_count)

    path = Path(source)
    src = open_source(path)
    sheet_name, header_row = _choose_sheet(src, tpl, sheet)
    rows = src.rows(sheet_name)
    header_map = map_headers(rows[header_row], header_row, tpl, sheet_name)
    merged = _merged_issues(src.merged(sheet_name), rows, header_map, sheet_name)
    frame, blank = _frame(rows, header_row)
    del rows

    frame = _normalise(frame, header_map, tpl)
    columns = header_map.by_field
    fields = [c.field for c in columns.values() if c.field is not None]
    issues = _column_issues(frame, header_map, tpl, sheet_name)
    if frame.height == 0:
        issues.append(Issue(code="rows.empty", sheet=sheet_name))
    issues += merged
    issues += check_rows(frame, fields, columns, sheet_name, tpl.name)
    issues += find_duplicates(frame, fields, columns, sheet_name)

    rejected_rows = {i.row for i in issues if i.row is not None and i.severity is Severity.ERROR}
    frame = frame.with_columns(rejected=pl.col(ROW).is_in(sorted(rejected_rows)))
    valid = frame.filter(~pl.col("rejected"))
    limit_info = apply_limit(chosen_limit, valid=valid.height)
    fits = valid.head(limit_info.remaining)
    overflow = valid.slice(limit_info.remaining)
    over_issue = limit_issue(limit_info, overflow.height)
    if over_issue is not None:
        issues.append(over_issue)
    issues.sort(key=_issue_order)

    tables = build_tables(frame, fits, overflow, header_map, tpl, issues)
    report = Report(
        input=InputInfo(
            path=str(path), sha256=_sha256(path), format=src.format, sheet=sheet_name,
            header_row=header_row + 1,
        ),
        template_name=tpl.name,
        template_version=tpl.version,
        rows=RowCounts(
            read=frame.height, blank=blank, valid=fits.height, rejected=len(rejected_rows),
            duplicates=len({i.row for i in issues if i.code == "duplicate.in_file"}),
            overflow=overflow.height,
        ),
        limit=limit_info,
        header_map=[
            MappedColumn(
                column=c.letter, header=c.header, field=c.field.key if c.field else None,
                field_header=c.field.header if c.field else None,
            )
            for c in header_map.columns
            if c.header or c.field
        ],
        issues=issues,
        strict=strict,
        tables=tables,
    )
    if write:
        write_outputs(report, tables, tpl, header_map, out_dir_for(path, out))
    return report


def _check_region(region: str) -> str:
    code = region.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise CrmkitError("options.invalid", detail=Bilingual(
            f"未知的地区代码 {region!r}，请用 CN、HK 这样的代码",
            f"unknown region {region!r}; use a code such as CN or HK",
        ))
    return code


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


def _column_issues(
    frame: pl.DataFrame, header_map: HeaderMap, tpl: Template, sheet: str
) -> list[Issue]:
    """header.unmapped for each column whose data would not be imported."""
    issues = []
    for c in header_map.columns:
        if c.field is not None or c.own:
            continue
        name = f"c{c.index}"
        has_data = name in frame.columns and bool(
            frame.select(clean_text(pl.col(name)).is_not_null().any()).item()
        )
        if c.header.strip():
            issues.append(Issue(code="header.unmapped", column=c.letter, header=c.header,
                                sheet=sheet, params={"template": tpl.title}))
        elif has_data:
            issues.append(Issue(code="header.blank", column=c.letter, sheet=sheet))
    return issues


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


def _issue_order(issue: Issue) -> tuple[int, int, str, str]:
    column = issue.column or ""
    return (issue.row or 0, len(column), column, issue.code)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
