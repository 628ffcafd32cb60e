"""The report: every issue found, the row counts, the limit and the files written.

`Report.to_dict()` is report.json and the `--format json` output; its `schema_version` changes
only when a consumer would have to change.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crmkit.catalogue import Bilingual, Severity, lookup
from crmkit.gate import Gate
from crmkit.masking import mask_issue_texts

if TYPE_CHECKING:
    import polars as pl

SCHEMA_VERSION = "1.0"
_UNKNOWN = Bilingual("", "")


@dataclass(frozen=True)
class Issue:
    """One problem, located as the user sees it: sheet, row number, column letter and header."""

    code: str
    row: int | None = None
    column: str | None = None
    header: str | None = None
    field: str | None = None
    value: str | None = None
    suggestion: str | None = None
    sheet: str | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)
    #: a warning that --strict makes an error: the row is rejected (person.ambiguous)
    escalated: bool = False

    @property
    def severity(self) -> Severity:
        return Severity.ERROR if self.escalated else lookup(self.code).severity

    def message(self, lang: str = "zh") -> str:
        """What is wrong and what to do, in `lang`."""
        return lookup(self.code).message(
            lang, row=self.row, column=self.column, header=self.header, value=self.value,
            **self.params,
        )

    def to_dict(self, lang: str = "zh", *, mask: bool = False) -> dict[str, Any]:
        """The issue as report.json lists it; `mask` hides phone numbers in its texts."""
        texts: list[str | None] = [self.message(lang), self.value, self.suggestion, self.header]
        if mask:
            texts = mask_issue_texts(self.code, self.value, texts)
        message, value, suggestion, header = texts
        return {
            "row": self.row,
            "column": self.column,
            "header": header,
            "field": self.field,
            "code": self.code,
            "severity": self.severity.value,
            "message": message,
            "value": value,
            "suggestion": suggestion,
            "sheet": self.sheet,
        }


@dataclass(frozen=True)
class InputInfo:
    """Which file, sheet and header row were checked."""

    path: str
    sha256: str
    format: str
    sheet: str
    #: the user's row number of the header row
    header_row: int
    #: what the file is, told from its bytes ("an Excel 97-2003 workbook (.xls)")
    detected: Bilingual = _UNKNOWN
    #: text files: the encoding and the delimiter used
    encoding: str | None = None
    delimiter: str | None = None
    #: workbooks whose serial dates count from 1904 (old Mac Excel)
    date1904: bool = False


@dataclass(frozen=True)
class RowCounts:
    """Where the rows went: read == valid + rejected + overflow."""

    read: int
    blank: int
    valid: int
    rejected: int
    #: rejected rows that are another row's phone number or a contact already in the CRM:
    #: listed in the 重复 sheet, not to fix
    duplicates: int
    overflow: int
    #: of the duplicates, rows whose number is already a contact in the CRM (--existing)
    existing: int = 0


@dataclass(frozen=True)
class LimitInfo:
    """The contact limit applied and how the list fits in it."""

    tier: str | None
    tier_label: str
    max: int
    existing: int
    remaining: int
    exceeded: bool


@dataclass(frozen=True)
class ReferenceInfo:
    """A reference file read beside the input (--existing, --staff)."""

    path: str
    sha256: str
    #: contacts in the export, or colleagues in the directory (blank rows not counted)
    rows: int


@dataclass(frozen=True)
class MappedColumn:
    """One input column and the template field it feeds (None: not imported)."""

    column: str
    header: str
    field: str | None
    field_header: str | None
    #: how the header was matched: exact, alias, normalised, fuzzy, forced (--map), ignored
    #: (--map 'X='), own (a column crmkit wrote, on a re-run of 待修正), or "" when the
    #: column feeds no field
    match: str = ""
    #: the similarity (percent) of a fuzzy match
    score: int | None = None


@dataclass(frozen=True)
class Batch:
    """One upload file and how many rows it holds."""

    path: str
    rows: int


@dataclass(frozen=True)
class Tables:
    """The rows of each output, for library users who want them without reading files back."""

    #: valid rows that fit the limit, in the template's columns (normalised values)
    upload: pl.DataFrame
    #: valid rows beyond the limit, same columns
    overflow: pl.DataFrame
    #: rejected rows to fix, with the input's own columns (original text), the reasons, the
    #: source row number (in the user's original file, carried through re-runs of 待修正)
    #: and `row`, the row in this input
    to_fix: pl.DataFrame
    #: duplicate groups: the kept row, then its copies, with a status and the source row
    duplicates: pl.DataFrame
    #: the numbers this list brings (field, phone, name, row): every row's unique phone
    #: number but those of copies and of contacts already known, as a later input of the
    #: same run compares its rows with them
    numbers: pl.DataFrame


@dataclass
class Report:
    """What `crmkit.validate` found and did."""

    input: InputInfo
    template_name: str
    template_version: str
    rows: RowCounts
    limit: LimitInfo
    header_map: list[MappedColumn]
    issues: list[Issue]
    strict: bool = False
    #: --fail-on and --ignore: code patterns (duplicate.*) that decide the exit code
    fail_on: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    #: the language of report.json's messages (zh or en); errors.xlsx is always Chinese
    lang: str = "zh"
    outputs: dict[str, str] = dataclasses.field(default_factory=dict)
    #: the upload files in order: upload.xlsx, or upload-001.xlsx... with a batch size
    batches: list[Batch] = dataclasses.field(default_factory=list)
    #: the reference files used: "existing" (--existing), "staff" (--staff)
    references: dict[str, ReferenceInfo] = dataclasses.field(default_factory=dict)
    tables: Tables | None = dataclasses.field(default=None, repr=False, compare=False)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.WARNING]

    @property
    def failing(self) -> list[Issue]:
        """The issues that fail the run: errors (and warnings under strict), or exactly the
        codes of fail_on; never the codes of ignore."""
        gate = Gate(strict=self.strict, fail_on=self.fail_on, ignore=self.ignore)
        return [i for i in self.issues if gate.fails(i.code, i.severity)]

    @property
    def ok(self) -> bool:
        """Nothing fails the run: by default every row is valid and the limit holds (and,
        under strict, there are no warnings)."""
        return not self.failing

    @property
    def exit_code(self) -> int:
        """0 when ok, 1 when an issue fails the run (rows rejected, the limit exceeded,
        strict warnings, or a --fail-on code)."""
        return 0 if self.ok else 1

    def counts_by_code(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for issue in self.issues:
            counts[issue.code] = counts.get(issue.code, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_dict(self, lang: str = "zh", *, mask: bool = False) -> dict[str, Any]:
        """The report as report.json holds it; `mask` hides phone numbers in the issues
        (138****8000), for output people and CI logs see rather than the user's files."""
        return {
            "schema_version": SCHEMA_VERSION,
            "ok": self.ok,
            "exit_code": self.exit_code,
            "input": {**vars(self.input), "detected": _in(self.input.detected, lang)},
            "template": {"name": self.template_name, "version": self.template_version},
            "rows": vars(self.rows).copy(),
            "limit": vars(self.limit).copy(),
            "header_map": [vars(c).copy() for c in self.header_map],
            "summary": {
                "errors": len(self.errors),
                "warnings": len(self.warnings),
                "notices": sum(i.severity is Severity.NOTICE for i in self.issues),
                "by_code": self.counts_by_code(),
                "failing": len(self.failing),
            },
            "gate": {"strict": self.strict, "fail_on": list(self.fail_on),
                     "ignore": list(self.ignore)},
            "issues": [i.to_dict(lang, mask=mask) for i in self.issues],
            "outputs": dict(self.outputs),
            "batches": [vars(b).copy() for b in self.batches],
            "references": {k: vars(v).copy() for k, v in self.references.items()},
        }


def _in(text: Bilingual, lang: str) -> str:
    return text.en if lang == "en" else text.zh
