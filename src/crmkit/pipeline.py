"""`crmkit.validate`: read -> map headers -> normalise -> check -> dedupe -> limits -> write.

Nothing here prints. Problems in the data become issues in the report; only a file that
cannot be checked at all raises CrmkitError.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import phonenumbers
import polars as pl

from crmkit.catalogue import Bilingual, Severity
from crmkit.dedupe import find_duplicates
from crmkit.dedupe import merge_tags as merge_duplicate_tags
from crmkit.errors import CrmkitError
from crmkit.file_limits import FileLimits
from crmkit.file_limits import using as using_limits
from crmkit.gate import parse_codes
from crmkit.headers import HeaderMap
from crmkit.limits import apply_limit, choose_limit, limit_issue
from crmkit.normalise import clean_text
from crmkit.outputs import NOT_TO_FIX, build_tables, out_dir_for, write_outputs
from crmkit.people import (
    check_existing,
    check_people,
    check_staff_phones,
    directory_spelling,
)
from crmkit.reference import Existing, Staff, load_existing, load_staff
from crmkit.report import InputInfo, Issue, MappedColumn, ReferenceInfo, Report, RowCounts
from crmkit.rules import ROW, check_rows
from crmkit.suspects import find_suspects
from crmkit.table import Table, read_table
from crmkit.template import Template, load_template


def validate(
    source: str | Path,
    *,
    template: str | Path | Template | None = None,
    out: str | Path | None = None,
    tier: str | None = None,
    limit: int | None = None,
    existing: str | Path | Existing | None = None,
    existing_count: int | None = None,
    staff: str | Path | Staff | None = None,
    earlier: Sequence[Existing] = (),
    sheet: str | int | None = None,
    region: str | None = None,
    strict: bool = False,
    fail_on: Sequence[str] = (),
    ignore: Sequence[str] = (),
    mapping: Mapping[str, str] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    keep: str = "first",
    merge_tags: bool = False,
    batch_size: int | None = None,
    annotate: bool = False,
    lang: str = "zh",
    write: bool = True,
    progress: Callable[[str], None] | None = None,
    max_unzipped_mb: int | None = None,
    max_zip_ratio: int | None = None,
    max_rows: int | None = None,
    max_columns: int | None = None,
    max_cells: int | None = None,
) -> Report:
    """Check a customer list against an import template and write the upload-ready files.

    Outputs go to `out` (default: a folder `<input stem>.crmkit` beside the input) unless
    `write` is false; `batch_size` splits the upload rows into numbered files of at most
    that many rows. `mapping` forces columns onto fields (--map: source header or letter ->
    field key, header or alias; "" ignores the column); `encoding` and `delimiter` override
    what is detected in a text file. Of rows sharing a phone number,
    `keep` (first, last or most-complete) is imported; `merge_tags` gives it the union of
    the group's tags. `existing` is an export of the contacts already in the CRM (its
    numbers are rejected, its count feeds the limit; without it, `existing_count` says how
    many there are); `staff` is the company directory (owners and colleagues' numbers are
    checked against it). `strict`, `fail_on` and `ignore` (issue codes or patterns such as
    duplicate.*) decide the exit code, never which rows are uploaded. The returned report
    says what was found and where the rows went. `annotate` also writes a copy of an
    Excel 2007+ input with its bad cells filled and commented. `lang` (zh or en) is the
    language of report.json's messages. `progress` is called with each step as it starts
    (PROGRESS_STEPS: read, check, limit, write), for a progress bar. `max_unzipped_mb`,
    `max_zip_ratio`, `max_rows`, `max_columns` and `max_cells` raise (or lower) what one
    file may cost before it is refused as file.too_big (None: FileLimits' defaults).
    """
    file_limits = FileLimits.from_options(
        unzipped_mb=max_unzipped_mb, zip_ratio=max_zip_ratio, rows=max_rows,
        columns=max_columns, cells=max_cells)
    if lang not in ("zh", "en"):
        raise CrmkitError("options.invalid", detail=Bilingual(
            f"--lang 只能是 zh 或 en，不能是 {lang!r}", f"--lang must be zh or en, not {lang!r}"))
    fail_on = parse_codes(fail_on, "--fail-on")
    ignore = parse_codes(ignore, "--ignore")
    if batch_size is not None and batch_size < 1:
        raise CrmkitError("options.invalid", detail=Bilingual(
            "--batch-size 必须是正整数", "--batch-size must be a positive number"))
    if existing is not None and existing_count is not None:
        raise CrmkitError("options.invalid", detail=Bilingual(
            "--existing 和 --existing-count 只能给一个：有导出文件时，已有联系人数就是文件中的行数",
            "give --existing or --existing-count, not both: with an export, the existing "
            "count is its number of contacts"))
    tpl = template if isinstance(template, Template) else load_template(template)
    tpl = dataclasses.replace(tpl, region=_check_region(region or tpl.region))
    for f in tpl.fields:
        for code in f.regions:
            _check_region(code)
    # Reference files first: a mistake in them stops the run before the input is read.
    with using_limits(file_limits):
        in_crm, staff_list = load_references(tpl, existing=existing, staff=staff)
    references: dict[str, ReferenceInfo] = {}
    if in_crm is not None:
        references["existing"] = ReferenceInfo(str(in_crm.path), _sha256(in_crm.path),
                                               in_crm.count)
    if staff_list is not None:
        references["staff"] = ReferenceInfo(str(staff_list.path), _sha256(staff_list.path),
                                            staff_list.people.height)
    # The rows earlier inputs of this run upload count toward the limit too.
    chosen_limit = choose_limit(
        tpl, tier=tier, limit=limit,
        existing=(in_crm.count if in_crm is not None else existing_count or 0)
        + sum(e.count for e in earlier),
    )

    path = Path(source)
    step = progress or _no_progress
    step("read")
    with using_limits(file_limits):
        table = read_table(path, tpl, sheet=sheet, mapping=mapping, encoding=encoding,
                           delimiter=delimiter)
    src, sheet_name, header_map = table.source, table.sheet, table.header_map

    step("check")
    frame, issues = _check(table, tpl, keep=keep, merge_tags=merge_tags, strict=strict,
                           existing=in_crm, staff=staff_list, earlier=earlier)

    step("limit")
    rejected_rows = {i.row for i in issues if i.row is not None and i.severity is Severity.ERROR}
    frame = frame.with_columns(rejected=pl.col(ROW).is_in(sorted(rejected_rows)))
    # Only what the upload files are made of: the frame has six columns per field.
    uploaded = [f.key for f in tpl.fields if f.key in header_map.by_field]
    valid = frame.lazy().filter(~pl.col("rejected")).select(ROW, *uploaded).collect()
    limit_info = apply_limit(chosen_limit, valid=valid.height)
    fits = valid.head(limit_info.remaining)
    overflow = valid.slice(limit_info.remaining)
    over_issue = limit_issue(limit_info, overflow.height)
    if over_issue is not None:
        issues.append(over_issue)
    issues.sort(key=_issue_order)

    tables = build_tables(frame, fits, overflow, header_map, tpl, issues,
                          batch_size=batch_size)
    report = Report(
        input=InputInfo(
            path=str(path), sha256=_sha256(path), format=src.format, sheet=sheet_name,
            header_row=header_map.row + 1, detected=src.detected, encoding=src.encoding,
            delimiter=src.delimiter, date1904=src.date1904,
        ),
        template_name=tpl.name,
        template_version=tpl.version,
        rows=RowCounts(
            read=frame.height, blank=table.blank, valid=fits.height, rejected=len(rejected_rows),
            duplicates=len({i.row for i in issues if i.code in NOT_TO_FIX}),
            overflow=overflow.height,
            existing=len({i.row for i in issues if i.code == "duplicate.existing"}),
        ),
        limit=limit_info,
        header_map=[
            MappedColumn(
                column=c.letter, header=c.header, field=c.field.key if c.field else None,
                field_header=c.field.header if c.field else None,
                match="own" if c.own else c.match,
                score=c.score,
            )
            for c in header_map.columns
            if c.header or c.field
        ],
        issues=issues,
        strict=strict,
        fail_on=fail_on,
        ignore=ignore,
        lang=lang,
        tables=tables,
        references=references,
    )
    if write:
        step("write")
        write_outputs(report, tables, tpl, header_map, out_dir_for(path, out),
                      batch_size=batch_size, annotate=annotate)
    return report


def load_references(
    tpl: Template, *, existing: str | Path | Existing | None,
    staff: str | Path | Staff | None,
) -> tuple[Existing | None, Staff | None]:
    """The --existing and --staff files read (or, already read, passed through); an error
    in one says which file it is about."""
    if existing is not None and not isinstance(existing, Existing):
        with _about("已有联系人文件（--existing）", "the --existing file"):
            existing = load_existing(existing, tpl)
    if staff is not None and not isinstance(staff, Staff):
        with _about("通讯录文件（--staff）", "the --staff file"):
            staff = load_staff(staff, tpl)
    return existing, staff


def _check(
    table: Table, tpl: Template, *, keep: str, merge_tags: bool, strict: bool,
    existing: Existing | None, staff: Staff | None, earlier: Sequence[Existing],
) -> tuple[pl.DataFrame, list[Issue]]:
    """Every issue of the table's rows, in the order the data flows: columns, duplicates
    (and their merged tags), the rules, suspects, then the reference files. Returns the
    frame as it is uploaded (merged tags, the directory's spellings) and the issues."""
    frame, header_map, sheet_name = table.frame, table.header_map, table.sheet
    columns = header_map.by_field
    fields = [c.field for c in columns.values() if c.field is not None]
    issues = _column_issues(frame, header_map, tpl, sheet_name)
    if frame.height == 0:
        issues.append(Issue(code="rows.empty", sheet=sheet_name))
    issues += table.issues
    duplicates = find_duplicates(frame, fields, columns, sheet_name, keep=keep)
    if merge_tags:
        # Before the rules run, so that a kept row whose tag cell was empty is checked with
        # the tags it now has.
        frame, merged = merge_duplicate_tags(frame, tpl, duplicates, columns=columns)
        issues += merged
    issues += check_rows(frame, fields, columns, sheet_name, tpl.name)
    issues += duplicates
    issues += find_suspects(frame, tpl, columns, sheet_name)
    if existing is not None:
        issues += check_existing(frame, tpl, columns, sheet_name, existing)
    for other in earlier:
        issues += check_existing(frame, tpl, columns, sheet_name, other,
                                 code="duplicate.other_file")
    if staff is not None:
        issues += check_staff_phones(frame, tpl, columns, sheet_name, staff)
        # Under --strict a name DingTalk would assign at random is not imported: the row
        # goes to 待修正 until the name says which colleague is meant.
        issues += [dataclasses.replace(i, escalated=strict and i.code == "person.ambiguous")
                   for i in check_people(frame, tpl, columns, sheet_name, staff)]
        # DingTalk matches the directory's spelling: 李 娜 is uploaded as 李娜.
        frame = directory_spelling(frame, tpl, columns, staff)
    return frame, issues


#: the steps `validate` reports to its progress callback, in order
PROGRESS_STEPS = ("read", "check", "limit", "write")


def _no_progress(step: str) -> None:
    """The progress callback when nobody watches."""


@contextlib.contextmanager
def _about(zh: str, en: str) -> Iterator[None]:
    """A CrmkitError raised inside says which of the user's files it is about."""
    try:
        yield
    except CrmkitError as exc:
        raise exc.about(zh, en) from None


def _check_region(region: str) -> str:
    code = region.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise CrmkitError("options.invalid", detail=Bilingual(
            f"未知的地区代码 {region!r}，请用 CN、HK 这样的代码",
            f"unknown region {region!r}; use a code such as CN or HK",
        ))
    return code


def _column_issues(
    frame: pl.DataFrame, header_map: HeaderMap, tpl: Template, sheet: str
) -> list[Issue]:
    """header.unmapped for each column whose data would not be imported."""
    issues = []
    for c in header_map.columns:
        if c.field is not None or c.own or c.match == "ignored":
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


def _issue_order(issue: Issue) -> tuple[int, int, str, str]:
    column = issue.column or ""
    return (issue.row or 0, len(column), column, issue.code)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
