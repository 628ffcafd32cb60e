"""The `crmkit` command: parse options, call the library, render, set the exit code."""

from __future__ import annotations

import contextlib
import enum
import itertools
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from crmkit import __version__
from crmkit.cli_codes import codes_command, explain_command
from crmkit.cli_common import (
    LangOption,
    OutputFormat,
    at_the_edge,
    escape_data,
    escape_property,
    fail,
    print_json,
    refusal,
    stderr_console,
)
from crmkit.cli_config import config_app, typed_options
from crmkit.cli_template import template_app
from crmkit.errors import CrmkitError
from crmkit.lang import default_lang, resolve_lang

if TYPE_CHECKING:
    from crmkit.report import Report

EXIT_CODES = """\
Exit codes: 0 every row is valid and the limit holds; 1 the file was checked and rows were
rejected, the limit is exceeded, or (with --strict) warnings were found; 2 crmkit could not
check the file (unreadable or unsupported file, no header row, a required column missing,
bad template, bad options)."""

class KeepPolicy(str, enum.Enum):
    """--keep: which row of a duplicated phone number is imported."""

    first = "first"
    last = "last"
    most_complete = "most-complete"


app = typer.Typer(
    name="crmkit",
    help="Get customer spreadsheets ready for batch import into a CRM (DingTalk first).",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish
    pretty_exceptions_show_locals=False,  # locals hold customer data
    rich_markup_mode=None,
)
app.add_typer(template_app)
app.add_typer(config_app)
app.command("codes")(codes_command)
app.command("explain")(explain_command)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"crmkit {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Get customer spreadsheets ready for batch import into a CRM (DingTalk first)."""


@app.command(epilog=EXIT_CODES)
def validate(
    ctx: typer.Context,
    inputs: Annotated[
        list[Path],
        typer.Argument(metavar="INPUT...",
                       help="The customer list: .xlsx, .xlsm, .xlsb, .xls, .et, .ods, .csv, "
                       ".tsv or .txt (told by content, not name). Several files, or a "
                       "folder, are checked as one import: a number in an earlier file is "
                       "a duplicate in a later one."),
    ],
    template: Annotated[
        str | None,
        typer.Option("--template", "-t", help="Template name (shipped or in ./templates/) or "
                     ".toml path; see crmkit template list [default: "
                     "dingtalk-external-contact]."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder for the outputs [default: <input>.crmkit/ "
                     "beside the input]."),
    ] = None,
    tier: Annotated[
        str | None,
        typer.Option(help="Certification tier: team, primary (2,000), intermediate (10,000), "
                     "advanced (20,000) [default: the template's, team]."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(help="The contact limit as a number, instead of --tier.")
    ] = None,
    existing: Annotated[
        Path | None,
        typer.Option(help="An export of the contacts already in the CRM (any format crmkit "
                     "reads): their numbers are rejected as duplicate.existing, and their "
                     "count feeds the limit."),
    ] = None,
    existing_count: Annotated[
        int | None,
        typer.Option(help="How many contacts are already in the CRM, when you have no "
                     "--existing export; they count toward the limit [default: 0]."),
    ] = None,
    staff: Annotated[
        Path | None,
        typer.Option(help="The company directory (name, phone, department, status): owners "
                     "and share-to names must be colleagues in it, and a colleague's number "
                     "cannot be a customer's."),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option(help="Sheet name, or its number counting from 1 [default: the first "
                     "visible sheet with the template's headers]."),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(help="Country of numbers written without a country code [default: the "
                     "template's, CN]."),
    ] = None,
    output_format: Annotated[
        OutputFormat,
        typer.Option("--format", help="json prints the report on stdout; github prints "
                     "GitHub Actions annotations (file, row, message); the summary goes to "
                     "stderr either way."),
    ] = OutputFormat.text,
    annotate: Annotated[
        bool,
        typer.Option("--annotate", help="Also write a copy of your workbook (.xlsx/.xlsm) with "
                     "the bad cells filled and commented, your formatting kept."),
    ] = False,
    write: Annotated[
        bool,
        typer.Option("--write/--no-write", help="--no-write checks only and writes no files "
                     "(for pre-commit hooks and CI gates)."),
    ] = True,
    lang: LangOption = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print nothing on stderr unless a file cannot "
                           "be checked (exit 2); the exit code and --format output still tell "
                           "the rest.")
    ] = False,
    mask: Annotated[
        bool,
        typer.Option("--mask/--no-mask", help="Hide phone numbers (138****8000) in what is "
                     "printed; the files written keep full values."),
    ] = True,
    fail_on: Annotated[
        list[str] | None,
        typer.Option("--fail-on", metavar="CODE,...", help="Fail (exit 1) on exactly these "
                     "issue codes (patterns such as 'duplicate.*' work), whatever their "
                     "severity."),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", metavar="CODE,...", help="These issue codes never fail the "
                     "run (their rows are still kept out of the upload)."),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(help="Fail (exit 1) on warnings too; with --staff, a name two colleagues "
                     "share rejects its row."),
    ] = False,
    encoding: Annotated[
        str | None,
        typer.Option(help="Text files: the encoding, when the detected one is wrong (gbk, "
                     "gb18030, utf-8, utf-16, big5, cp1252...)."),
    ] = None,
    delimiter: Annotated[
        str | None,
        typer.Option(help="Text files: the column separator, when the detected one is wrong "
                     "(one character, or tab, comma, semicolon, pipe)."),
    ] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", metavar="源列=字段",
                     help="Force a column onto a field (the column by header or letter, the "
                     "field by header, alias or key; '源列=' ignores the column). Repeat for "
                     "several columns."),
    ] = None,
    keep: Annotated[
        KeepPolicy,
        typer.Option(help="Which row of a duplicated phone number is imported: the first, "
                     "the last, or the most complete (fewest problems, most cells filled)."),
    ] = KeepPolicy.first,
    merge_tags: Annotated[
        bool,
        typer.Option("--merge-tags/--no-merge-tags", help="Give the kept row of a duplicated "
                     "number the tags of all its copies (exclusive tag groups are checked "
                     "again)."),
    ] = False,
    batch_size: Annotated[
        int | None,
        typer.Option(help="Split the upload into upload-001.xlsx, upload-002.xlsx, ... of at "
                     "most this many rows (DingTalk advises at most 20,000 per import)."),
    ] = None,
    max_unzipped_mb: Annotated[
        int | None,
        typer.Option(help="Refuse a zip-based workbook (.xlsx, .ods...) whose parts inflate "
                     "to more than this many MB [default: 2048]."),
    ] = None,
    max_zip_ratio: Annotated[
        int | None,
        typer.Option(help="Refuse a workbook part that inflates to more than this many times "
                     "its stored size (a zip bomb) [default: 200]."),
    ] = None,
    max_rows: Annotated[
        int | None,
        typer.Option(help="Refuse a sheet or text file of more rows [default: 2000000]."),
    ] = None,
    max_columns: Annotated[
        int | None,
        typer.Option(help="Refuse a sheet or text file of more columns [default: 1000]."),
    ] = None,
    max_cells: Annotated[
        int | None,
        typer.Option(help="Refuse a sheet whose used area (rows x columns) holds more cells "
                     "[default: 50000000]."),
    ] = None,
    debug: Annotated[bool, typer.Option(help="Show a traceback on internal errors.")] = False,
) -> None:
    """Check a customer list and write upload.xlsx, errors.xlsx and report.json.

    Example: crmkit validate customers.xlsx --tier intermediate --existing crm-export.xlsx
    --staff 通讯录.xlsx
    """
    console = stderr_console()
    with at_the_edge(console, output_format, debug, resolve_lang(lang).value):
        from crmkit.config import load_config

        # crmkit.toml or [tool.crmkit]: what the user typed wins over the file.
        settings = load_config().merge(typed_options(ctx, dict(
            template=template, out=out, tier=tier, limit=limit, existing=existing,
            existing_count=existing_count, staff=staff, region=region,
            lang=lang.value if lang is not None else None, strict=strict, fail_on=fail_on,
            ignore=ignore, encoding=encoding, delimiter=delimiter, keep=keep.value,
            merge_tags=merge_tags, batch_size=batch_size, max_unzipped_mb=max_unzipped_mb,
            max_zip_ratio=max_zip_ratio, max_rows=max_rows, max_columns=max_columns,
            max_cells=max_cells,
        )))
    language = settings["lang"]
    out = settings.pop("out")
    with at_the_edge(console, output_format, debug, language):
        from crmkit.cli_progress import progress_bar
        from crmkit.header_match import parse_mapping
        from crmkit.inputs import expand, validate_many
        from crmkit.pipeline import PROGRESS_STEPS
        from crmkit.pipeline import validate as run_validate
        from crmkit.render import render_line, render_report
        from crmkit.report import Report

        options: dict[str, Any] = dict(
            settings, sheet=sheet, mapping=parse_mapping(map_ or []),
            annotate=annotate, write=write,
        )
        single = len(inputs) == 1 and not inputs[0].is_dir()
        files = inputs if single else expand(inputs)
        bar = progress_bar(console, files, PROGRESS_STEPS, quiet=quiet, lang=language)
        if single:
            with bar as tick:
                report = run_validate(inputs[0], out=out, progress=tick, **options)
            results: list[Report | CrmkitError] = [report]
            if not quiet:
                render_report(report, console, language)
        else:
            with bar as tick:
                checked = validate_many(inputs, out=out, progress=tick, **options)
            if not checked:  # every input was a --existing/--staff file
                raise CrmkitError("file.not_found", path=" ".join(map(str, inputs)))
            paths = [str(path) for path, _ in checked]
            results = [result for _, result in checked]
            if not quiet:
                for result in results:
                    render_line(result, console, language)
    codes = [r.exit_code if isinstance(r, Report) else 2 for r in results]
    if single and isinstance(results[0], Report):
        if output_format is OutputFormat.json:
            print_json(results[0].to_dict(language, mask=mask))
        elif output_format is OutputFormat.github:
            print_annotations(results[0], mask=mask, lang=language)
    else:
        if quiet:
            for error in (r for r in results if isinstance(r, CrmkitError)):
                render_line(error, console, language)
        if output_format is OutputFormat.json:
            print_json(combined(results, paths, mask=mask, lang=language))
        elif output_format is OutputFormat.github:
            for result in results:
                if isinstance(result, Report):
                    print_annotations(result, mask=mask, lang=language)
                else:
                    sys.stdout.write(f"::error title=crmkit {result.code}::"
                                     f"{escape_data(result.message(language))}\n")
    raise typer.Exit(max(codes))


def combined(
    results: list[Report | CrmkitError], paths: list[str], *, mask: bool, lang: str = "zh",
) -> dict[str, object]:
    """The JSON of a run over several inputs: each file's report (or its refusal), and the
    run's combined verdict."""
    from crmkit.report import SCHEMA_VERSION, Report

    files: list[dict[str, object]] = [
        r.to_dict(lang, mask=mask) if isinstance(r, Report) else refusal(r, path, lang)
        for r, path in zip(results, paths, strict=True)
    ]
    exit_code = max(int(str(f["exit_code"])) for f in files)
    return {"schema_version": SCHEMA_VERSION, "ok": exit_code == 0, "exit_code": exit_code,
            "reports": files}


def print_annotations(report: Report, *, mask: bool, lang: str = "zh") -> None:
    """One GitHub Actions annotation per issue: ::error / ::warning / ::notice with the file
    and the row (Excel's row number is the line a person looks for)."""
    from crmkit.masking import mask_issue_texts

    file = escape_property(report.input.path)
    for issue in report.issues:
        level = {"error": "error", "warning": "warning"}.get(issue.severity.value, "notice")
        where = f"file={file}" + (f",line={issue.row}" if issue.row is not None else "")
        place = f" {issue.column}" if issue.column else ""
        title = escape_property(f"crmkit {issue.code}{place}")
        message: str | None = issue.message(lang)
        if mask:
            (message,) = mask_issue_texts(issue.code, issue.value, [message])
        sys.stdout.write(f"::{level} {where},title={title}::{escape_data(message or '')}\n")


def _terminated(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main() -> None:
    """Console-script entry point: usage mistakes get the same one line as other failures."""
    # A termination request (kill, a CI job cancelled) unwinds like Ctrl-C: temporary
    # outputs are removed and the folder stays as the earlier run left it.
    with contextlib.suppress(ValueError, OSError, AttributeError):
        signal.signal(signal.SIGTERM, _terminated)
    try:
        code = app(standalone_mode=False)
    except typer.Abort:
        sys.exit(130)  # Ctrl-C
    except Exception as exc:  # usage errors: the parser's own exception type, re-raised if not
        if not hasattr(exc, "format_message"):
            raise
        if len(sys.argv) <= 1:  # bare `crmkit`: the help is the answer
            sys.stderr.write(exc.format_message() + "\n")
            sys.exit(2)
        error = CrmkitError("options.invalid", detail=exc.format_message())
        fmt = OutputFormat.json if _asks_for_json(sys.argv) else OutputFormat.text
        try:
            fail(Console(stderr=True, highlight=False), error, fmt, _asks_for_lang(sys.argv))
        except typer.Exit as done:
            sys.exit(done.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


def _asks_for_json(argv: list[str]) -> bool:
    return "--format=json" in argv or any(
        a == "--format" and b == "json" for a, b in itertools.pairwise(argv)
    )


def _asks_for_lang(argv: list[str]) -> str:
    """The --lang of a command line the parser refused, else the environment's."""
    for a, b in itertools.pairwise(argv):
        if a == "--lang" and b in ("zh", "en"):
            return b
    given = [a.removeprefix("--lang=") for a in argv if a.startswith("--lang=")]
    return given[0] if given and given[0] in ("zh", "en") else default_lang().value
