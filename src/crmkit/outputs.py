"""Where every row goes, and writing the output folder.

Each non-blank input row ends in exactly one place: upload.xlsx (valid, within the limit),
overflow.xlsx (valid, beyond the limit), the 待修正 sheet of errors.xlsx (rejected, to fix and
check again) or its 重复 sheet (a later copy of a phone number already kept). Duplicates are
kept out of 待修正 so that a user who re-runs the fixed sheet can never re-import them.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import phonenumbers
import polars as pl

from crmkit import atomic, writers
from crmkit.annotate import (
    NOT_ANNOTATED,
    SAVE_FAILED,
    NotAnnotated,
    annotated_path,
    marked_copy,
    not_annotated,
    obstacle,
    save_marked,
)
from crmkit.catalogue import Bilingual, Severity
from crmkit.errors import CrmkitError
from crmkit.headers import SOURCE_ROW_HEADER, HeaderMap
from crmkit.normalise import normalise_field
from crmkit.reference import contact_name_field
from crmkit.report import Batch, Issue, Report, Tables
from crmkit.rules import ROW
from crmkit.template import Field, Template

DUPLICATE = "duplicate.in_file"
EXISTING = "duplicate.existing"
OTHER_FILE = "duplicate.other_file"
#: rows that editing cannot fix (a copy of another row's number, a contact already in the
#: CRM or in an earlier input of the run): the 重复 sheet, never 待修正
NOT_TO_FIX = (DUPLICATE, EXISTING, OTHER_FILE)


def build_tables(
    frame: pl.DataFrame, fits: pl.DataFrame, overflow: pl.DataFrame, header_map: HeaderMap,
    tpl: Template, issues: list[Issue], *, batch_size: int | None = None,
) -> Tables:
    """The rows of each output. `frame` has every data row and a boolean `rejected` column;
    `batch_size` names the upload file each kept duplicate went to."""
    columns = _upload_columns(tpl, set(header_map.by_field))

    def upload_columns(rows: pl.DataFrame) -> pl.DataFrame:
        return rows.select(columns)

    first_of = {
        i.row: int(i.params["first_row"])
        for i in issues if i.code == DUPLICATE and i.row is not None
    }
    # A contact already in the CRM is not fixed by editing the row: like a copy, it goes to
    # the 重复 sheet, never to 待修正, so a re-run of the fixed sheet cannot import it.
    in_crm = {
        i.row: f"已是 CRM 中的联系人「{_zh(i.params['existing_name'])}」，不导入"
        if i.code == EXISTING else
        f"与 {i.params['existing_file']} 第 {i.params['existing_row']} 行重复，不导入"
        for i in issues if i.code in (EXISTING, OTHER_FILE) and i.row is not None
    }
    reasons: dict[int, list[str]] = {}
    for issue in issues:
        if issue.row is not None and issue.severity is Severity.ERROR:
            reasons.setdefault(issue.row, []).append(issue.message("zh"))
    # crmkit's own columns in a re-run of 待修正 are written afresh, not carried twice; the
    # row number in the user's original file is carried forward.
    source = [f"c{c.index}" for c in header_map.columns if not c.own]
    original_row = next(
        (pl.col(f"c{c.index}").str.strip_chars().cast(pl.Int64, strict=False)
         for c in header_map.columns if c.own and c.header == SOURCE_ROW_HEADER),
        pl.lit(None, pl.Int64),
    )
    # Lazy filters here and below: only the selected columns of the matching rows are copied.
    to_fix = frame.lazy().filter(
        pl.col("rejected") & ~pl.col(ROW).is_in([*first_of, *in_crm])
    ).select(
        *source,
        pl.col(ROW).replace_strict(
            {r: "\n".join(m) for r, m in reasons.items()}, default=None, return_dtype=pl.String
        ).alias("reason"),
        pl.coalesce(original_row, pl.col(ROW)).alias("source_row"),
        pl.col(ROW).alias("row"),
    ).collect()
    return Tables(
        upload=upload_columns(fits),
        overflow=upload_columns(overflow),
        to_fix=to_fix,
        duplicates=_duplicate_groups(frame, fits, first_of, in_crm, source, batch_size),
        numbers=_numbers(frame, tpl, set(header_map.by_field), {*first_of, *in_crm}),
    )


def _numbers(
    frame: pl.DataFrame, tpl: Template, mapped: set[str], held: set[int]
) -> pl.DataFrame:
    """Tables.numbers: each unique phone field's numbers, with the contact's name."""
    name = contact_name_field(tpl)
    contact = (pl.col(name.key) if name is not None and name.key in mapped
               else pl.lit(None, pl.String))
    parts = [
        frame.lazy().filter(pl.col(f.key).is_not_null() & ~pl.col(ROW).is_in(sorted(held)))
        .select(field=pl.lit(f.key), phone=pl.col(f.key), name=contact, row=pl.col(ROW))
        .collect()
        for f in tpl.fields if f.type == "phone" and f.unique and f.key in mapped
    ]
    empty = pl.DataFrame(schema={"field": pl.String, "phone": pl.String, "name": pl.String,
                                 "row": pl.Int64})
    return pl.concat([empty, *(p.cast(empty.schema) for p in parts)])


def upload_headers(tpl: Template) -> list[str]:
    """The header row of upload.xlsx: the template's fields in order; with output.phone
    state_code+mobile, each phone field is preceded by its country-code column."""
    headers = []
    for f in tpl.fields:
        if f.type == "phone" and tpl.output.phone == "state_code+mobile":
            headers.append(_state_code_header(tpl, f))
        headers.append(f.header)
    return headers


def _state_code_header(tpl: Template, field: Field) -> str:
    first_phone = next(f for f in tpl.fields if f.type == "phone")
    name = tpl.output.state_code_header
    return name if field is first_phone else f"{field.header}{name}"


def _upload_columns(tpl: Template, mapped: set[str]) -> list[pl.Expr]:
    """One expression per upload column, in upload_headers order."""
    exprs = []
    for f in tpl.fields:
        if f.key in mapped:
            value = pl.col(f.key)
        elif f.default is not None:
            # A column the file lacks gets the template's default, in its normalised form.
            default = normalise_field(pl.Series([f.default], dtype=pl.String), f, tpl)
            value = pl.lit(default.get_column("value")[0], pl.String)
        else:
            value = pl.lit(None, pl.String)
        if f.type == "phone" and tpl.output.phone == "state_code+mobile":
            parts = value.str.extract_groups(_e164_pattern())
            exprs.append(parts.struct.field("1").alias(_state_code_header(tpl, f)))
            value = parts.struct.field("2")
        exprs.append(value.alias(f.header))
    return exprs


@functools.lru_cache(maxsize=1)
def _e164_pattern() -> str:
    """+<country code><national number>, the code one of the (prefix-free) calling codes; an
    extension (转123) stays with the national number."""
    codes = sorted(map(str, phonenumbers.COUNTRY_CODE_TO_REGION_CODE), key=len, reverse=True)
    return rf"^\+({'|'.join(codes)})(.+)$"


def _duplicate_groups(
    frame: pl.DataFrame, fits: pl.DataFrame, first_of: dict[int, int], in_crm: dict[int, str],
    source: list[str], batch_size: int | None,
) -> pl.DataFrame:
    """Each duplicated number as a group: the kept row first (and where it went), then the
    copies that are not imported; then the rows already in the CRM that are in no group."""
    copies: dict[int, list[int]] = {}
    for row, first in sorted(first_of.items()):
        copies.setdefault(first, []).append(row)
    # Where each kept row went: only those rows are looked up, not every uploaded one.
    kept = pl.col(ROW).is_in(sorted(copies))
    count = max(1, -(-fits.height // batch_size)) if batch_size is not None else 1
    uploaded = {
        row: writers.UPLOAD if batch_size is None
        else writers.batch_name(i // batch_size + 1, count)
        for row, i in fits.select(ROW, pl.int_range(pl.len()).alias("i")).filter(kept).iter_rows()
    }
    rejected = set(frame.lazy().filter(pl.col("rejected") & kept).select(ROW).collect()
                   .get_column(ROW).to_list())
    order: list[tuple[int, str]] = []
    for first in sorted(copies):
        if first in in_crm:
            where = in_crm[first]
        elif first in uploaded:
            where = f"保留：已放入 {uploaded[first]}"
        elif first in rejected:
            where = "保留：在「待修正」中，改好后导入"
        else:
            where = "保留：已放入 overflow.xlsx"
        order.append((first, where))
        order += [(row, f"重复第 {first} 行，不导入") for row in copies[first]]
    placed = {row for row, _ in order}
    order += [(row, status) for row, status in sorted(in_crm.items()) if row not in placed]
    plan = pl.DataFrame({ROW: [r for r, _ in order], "status": [s for _, s in order]},
                        schema={ROW: pl.Int64, "status": pl.String})
    return plan.join(frame, on=ROW, how="left", maintain_order="left").select(
        *source, "status", pl.col(ROW).alias("source_row")
    )


def out_dir_for(path: Path, out: str | Path | None) -> Path:
    """The output folder: `out`, or `<input stem>.crmkit` beside the input."""
    return Path(out) if out is not None else path.parent / f"{path.stem}.crmkit"


def write_outputs(
    report: Report, tables: Tables, tpl: Template, header_map: HeaderMap, out_dir: Path,
    *, batch_size: int | None = None, annotate: bool = False,
) -> None:
    """Write every output into `out_dir` and record their paths in the report. With
    `batch_size`, the upload rows go to upload-001.xlsx, upload-002.xlsx, ... of at most
    that many rows each (numbered even when one file is enough, so a script always finds
    the same names), instead of upload.xlsx. With `annotate`, a copy of an Excel 2007+
    input is written too, its bad cells filled and commented."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CrmkitError("output.failed", path=str(out_dir), detail=exc.strerror) from None
    targets = {
        name: out_dir / filename
        for name, filename in (
            ("upload", writers.UPLOAD), ("overflow", writers.OVERFLOW),
            ("errors", writers.ERRORS), ("report", writers.REPORT),
        )
    }
    # The input and the reference files are never written over or removed, whatever folder
    # they sit in (an --existing upload.xlsx from an earlier run, say).
    protected = [Path(report.input.path), *(Path(r.path) for r in report.references.values())]
    previous = _previous_outputs(targets["report"])
    if batch_size is None:
        batches = [(targets["upload"], tables.upload)]
    else:
        count = max(1, -(-tables.upload.height // batch_size))
        batches = [
            (out_dir / writers.batch_name(i + 1, count),
             tables.upload.slice(i * batch_size, batch_size))
            for i in range(count)
        ]
    copy = annotated_path(report.input.path, out_dir)
    candidates = [*targets.values(), *(out_dir / name for name in previous), copy,
                  *(path for path, _ in batches)]
    for target in candidates:
        if target.exists() and any(target.samefile(p) for p in protected if p.exists()):
            raise CrmkitError("output.conflict", path=str(target))
    writes = [targets["errors"], targets["report"], *(path for path, _ in batches)]
    writes += [targets["overflow"]] if tables.overflow.height else []
    writes += [copy] if annotate else []
    for target in writes:
        # A file of the same name that the earlier report.json here does not list is not
        # crmkit's: the user's own upload.xlsx, say. It is never written over.
        if target.name not in previous and (target.exists() or target.is_symlink()):
            raise CrmkitError("output.not_ours", path=str(target))
    for leftover in atomic.leftover_temporaries(out_dir, [c.name for c in candidates]):
        leftover.unlink(missing_ok=True)

    if annotate and (why_not := obstacle(report.input.path, report)) is not None:
        # Said before errors.xlsx is measured and written, so that it lists the notice too.
        report.issues.append(not_annotated(why_not))
    headers = upload_headers(tpl)
    # Every sheet is measured against Excel's rows before any file is written: a refusal
    # leaves the folder as the earlier run left it.
    for path, rows in [*batches, (targets["overflow"], tables.overflow)]:
        writers.check_fits(path, tpl.output.sheet, rows.height,
                           upload=writers.is_upload_file(path.name))
    writers.check_errors_fit(targets["errors"], report, tables)
    # Every file goes to a temporary name first; they are renamed into place together once
    # the last (report.json) is complete. A failure or Ctrl-C on the way leaves the folder
    # as the earlier run left it: never a new upload.xlsx beside an old errors.xlsx.
    with atomic.output_set() as staged:
        _write_all(report, tables, tpl, header_map, out_dir, targets, batches, previous,
                   staged, headers=headers, annotate=annotate, batched=batch_size is not None)


def _write_all(
    report: Report, tables: Tables, tpl: Template, header_map: HeaderMap, out_dir: Path,
    targets: dict[str, Path], batches: list[tuple[Path, pl.DataFrame]], previous: set[str],
    staged: atomic.OutputSet, *, headers: list[str], annotate: bool, batched: bool,
) -> None:
    for path, rows in batches:
        writers.write_table(path, tpl.output.sheet, headers, rows)
        report.batches.append(Batch(path=str(path), rows=rows.height))
    if not batched:
        report.outputs["upload"] = str(targets["upload"])
    written = {path.name for path, _ in batches}
    for name in previous:
        if writers.is_upload_file(name) and name not in written:
            # An earlier run's upload file (or batch) that this run did not rewrite would
            # otherwise be taken for part of this run's upload.
            staged.remove(out_dir / name)
    if tables.overflow.height:
        writers.write_table(targets["overflow"], tpl.output.sheet, headers, tables.overflow)
        report.outputs["overflow"] = str(targets["overflow"])
    elif targets["overflow"].name in previous:
        # Only a file the earlier report.json in this folder lists is removed: crmkit never
        # deletes what it did not write.
        staged.remove(targets["overflow"])

    kept_columns = [c for c in header_map.columns if not c.own]
    index_of = {c.letter: pos for pos, c in enumerate(kept_columns)}
    bad_cells: dict[int, set[int]] = {}
    for issue in report.issues:
        if issue.row is not None and issue.column in index_of and issue.code != DUPLICATE:
            bad_cells.setdefault(issue.row, set()).add(index_of[issue.column])
    writers.write_errors(
        targets["errors"], report, [c.header for c in kept_columns], tables, bad_cells
    )
    report.outputs["errors"] = str(targets["errors"])
    if annotate and not any(i.code == NOT_ANNOTATED for i in report.issues):
        # Made after errors.xlsx: only report.json and the summary can say it failed.
        try:
            copy = save_marked(marked_copy(report.input.path, report), report.input.path,
                               out_dir)
        except NotAnnotated as why:
            report.issues.append(not_annotated(why.reason))
        else:
            if copy is not None:
                report.outputs["annotated"] = str(copy)
            else:
                report.issues.append(not_annotated(SAVE_FAILED))
    report.outputs["report"] = str(targets["report"])
    writers.write_json(targets["report"], report.to_dict(report.lang))


def _zh(text: object) -> str:
    return text.zh if isinstance(text, Bilingual) else str(text)


def _previous_outputs(previous_report: Path) -> set[str]:
    """The names of the files the earlier report.json in the output folder lists."""
    try:
        earlier = json.loads(previous_report.read_text(encoding="utf-8"))
        if "schema_version" not in earlier or "input" not in earlier:
            return set()  # a report.json crmkit did not write vouches for nothing
        names = [Path(p).name for p in earlier["outputs"].values()]
        names += [Path(b["path"]).name for b in earlier.get("batches", [])]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return set()
    return {n for n in names if (previous_report.parent / n).is_file()}
