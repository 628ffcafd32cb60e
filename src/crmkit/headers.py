"""Finding the header row and mapping its columns to template fields.

Real files put a title or instructions above the header, mark required columns with `*` or
"(必填)", use full-width characters and other names for the same column (手机 / 手机号 /
Mobile). A header cell is normalised before it is compared with a field's header and aliases.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crmkit.errors import CrmkitError

if TYPE_CHECKING:  # the template module needs normalise_header from here
    from crmkit.template import Field, Template

#: how far down a sheet the header row is looked for
HEADER_SCAN_ROWS = 30

#: columns crmkit adds to the rows it hands back for fixing (errors.xlsx); on a re-run they are
#: recognised and skipped, never reported as unmapped
REASON_HEADER = "crmkit 问题说明"
SOURCE_ROW_HEADER = "crmkit 原行号"
STATUS_HEADER = "crmkit 状态"
#: the header of the issue list in errors.xlsx: never taken for a customer list
ISSUE_HEADERS = ["工作表", "行号", "列", "列名", "原始值", "问题代码", "级别", "说明", "建议修改为"]

_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】|<[^>]*>|〈[^〉]*〉")
_NOISE = re.compile(r"[\s*:：_\-·.]+")


def normalise_header(text: str) -> str:
    """A header cell reduced to what identifies it: `*手机号码（必填）` -> `手机号码`."""
    text = unicodedata.normalize("NFKC", text)
    text = _BRACKETED.sub("", text)
    return _NOISE.sub("", text).lower()


_OWN_COLUMNS = {normalise_header(h) for h in (REASON_HEADER, SOURCE_ROW_HEADER, STATUS_HEADER)}


def column_letter(index: int) -> str:
    """Spreadsheet column letters for a 0-based index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Column:
    """A column of the input sheet and the field it feeds, if any."""

    index: int
    header: str
    field: Field | None
    #: a column crmkit itself added to a file it wrote (reason, source row)
    own: bool = False

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass(frozen=True)
class HeaderMap:
    """Where the header row is and which column feeds which field."""

    #: 0-based index of the header row in the sheet (the user's row number is this + 1)
    row: int
    columns: tuple[Column, ...]

    @property
    def by_field(self) -> dict[str, Column]:
        return {c.field.key: c for c in self.columns if c.field is not None}

    def unmapped(self) -> list[Column]:
        """Columns with a header that feed no field (their data is not imported)."""
        return [c for c in self.columns if c.field is None and not c.own and c.header.strip()]


def _lookup(template: Template) -> dict[str, Field]:
    names: dict[str, Field] = {}
    for f in template.fields:
        for name in (f.key, *f.aliases, f.header):
            names[normalise_header(name)] = f
    return names


def find_header_row(rows: list[list[str]], template: Template) -> int | None:
    """The index of the row naming the most template fields (at least two), or None.
    crmkit's own issue list (errors.xlsx, 问题明细) is never a customer list."""
    if rows and [c.strip() for c in rows[0][:len(ISSUE_HEADERS)]] == ISSUE_HEADERS:
        return None
    best, matched = best_header_candidate(rows, template)
    return best if len(matched) >= min(2, len(template.fields)) else None


def best_header_candidate(
    rows: list[list[str]], template: Template
) -> tuple[int | None, list[Field]]:
    """The row naming the most template fields, and those fields (for messages too)."""
    names = _lookup(template)
    best: int | None = None
    best_fields: list[Field] = []
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        fields = list({names[n].key: names[n] for n in map(normalise_header, row)
                       if n in names}.values())
        if len(fields) > len(best_fields):
            best, best_fields = i, fields
    return best, best_fields


def map_headers(header: list[str], row: int, template: Template, sheet: str = "") -> HeaderMap:
    """Map each header cell to a field; a CrmkitError when a field has two columns or a
    required field has none."""
    names = _lookup(template)
    columns = []
    for index, text in enumerate(header):
        norm = normalise_header(text)
        columns.append(
            Column(index=index, header=text.strip(), field=names.get(norm),
                   own=norm in _OWN_COLUMNS)
        )
    result = HeaderMap(row=row, columns=tuple(columns))

    seen: dict[str, list[Column]] = {}
    for c in columns:
        if c.field is not None:
            seen.setdefault(c.field.key, []).append(c)
    for key, cols in seen.items():
        if len(cols) > 1:
            raise CrmkitError(
                "header.duplicate",
                header=cols[0].field.header if cols[0].field else key,
                columns="、".join(f"{c.letter}「{c.header}」" for c in cols),
            )
    for f in template.fields:
        if f.required and f.default is None and f.key not in seen:
            raise CrmkitError(
                "header.missing",
                sheet=sheet,
                header=f.header,
                header_row=row + 1,
                aliases="、".join(f.aliases) or "-",
            )
    return result
