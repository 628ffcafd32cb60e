"""Finding the header row and mapping its columns to template fields.

Real files put a title or instructions above the header, and some spread it over two rows:
Chinese names over English keys, or group labels (基本信息, 联系方式) over the real names. The
header row is the one naming the most fields by exact, alias or normalised matching (see
`header_match`); a second header row is recognised beside it; the chosen header's remaining
columns are then matched by similarity, and `--map` overrides all of it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError
from crmkit.header_match import (
    FORCED,
    FUZZY,
    IGNORED,
    JOINER,
    NameIndex,
    fuzzy_matches,
    match_rank,
    resolve_targets,
)
from crmkit.header_match import normalise_header as normalise_header

if TYPE_CHECKING:
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

_OWN_COLUMNS = {normalise_header(h) for h in (REASON_HEADER, SOURCE_ROW_HEADER, STATUS_HEADER)}
_LETTERS = re.compile(r"[A-Za-z]{1,3}")
#: a group label (基本信息) is short and holds no number; a title or a date line may not be
_GROUP_LABEL_MAX = 20

#: a merged range as readers give it: ((first row, first col), (last row, last col)), 0-based
Range = tuple[tuple[int, int], tuple[int, int]]


def column_letter(index: int) -> str:
    """Spreadsheet column letters for a 0-based index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int | None:
    """The 0-based index of column letters (A -> 0, aa -> 26); None when it is not letters."""
    if not _LETTERS.fullmatch(letters):
        return None
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


@dataclass(frozen=True)
class Column:
    """A column of the input sheet and the field it feeds, if any."""

    index: int
    #: the header as the user sees it; a two-row header's cells joined: "姓名 / name"
    header: str
    field: Field | None
    #: a column crmkit itself added to a file it wrote (reason, source row)
    own: bool = False
    #: how the column was matched: exact, alias, normalised, fuzzy, forced (--map), ignored
    #: (--map 'X=' : the user asked for no field and no warning), or "" when it feeds nothing
    match: str = ""
    #: the similarity in percent of a fuzzy match
    score: int | None = None

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass(frozen=True)
class HeaderMap:
    """Where the header is and which column feeds which field."""

    #: 0-based index of the (first) header row in the sheet; the user's row number is this + 1
    row: int
    columns: tuple[Column, ...]
    #: 0-based index of a second header row (always row + 1), or None
    second_row: int | None = None

    @property
    def data_row(self) -> int:
        """0-based index of the first row below the header."""
        return (self.row if self.second_row is None else self.second_row) + 1

    @property
    def by_field(self) -> dict[str, Column]:
        return {c.field.key: c for c in self.columns if c.field is not None}

    def unmapped(self) -> list[Column]:
        """Columns with a header that feed no field (their data is not imported), except
        crmkit's own and those --map said to ignore."""
        return [c for c in self.columns
                if c.field is None and not c.own and c.match != IGNORED and c.header.strip()]


def _row_fields(row: Sequence[str], index: NameIndex) -> dict[str, Field]:
    found: dict[str, Field] = {}
    for text in row:
        match = index.match(text)
        if match is not None and match.field is not None:
            found.setdefault(match.field.key, match.field)
    return found


def find_header_row(
    rows: list[list[str]], template: Template, *, mapping: Mapping[str, str] | None = None,
) -> int | None:
    """The index of the row naming the most template fields (at least two), or None.
    crmkit's own issue list (errors.xlsx, 问题明细) is never a customer list."""
    if rows and [c.strip() for c in rows[0][:len(ISSUE_HEADERS)]] == ISSUE_HEADERS:
        return None
    best, matched = best_header_candidate(rows, template, mapping=mapping)
    return best if len(matched) >= min(2, len(template.fields)) else None


def best_header_candidate(
    rows: list[list[str]], template: Template, *, mapping: Mapping[str, str] | None = None,
) -> tuple[int | None, list[Field]]:
    """The row naming the most template fields, and those fields (for messages too). Only
    exact, alias and normalised names count, and --map's source headers: similarity never
    moves the header to another row. The first of equal rows wins."""
    index = NameIndex(template, resolve_targets(mapping or {}, template))
    best: int | None = None
    best_fields: list[Field] = []
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        fields = list(_row_fields(row, index).values())
        if len(fields) > len(best_fields):
            best, best_fields = i, fields
    return best, best_fields


# --- two-row headers -------------------------------------------------------------------------


def header_rows(
    rows: list[list[str]], best: int, template: Template, merged: Sequence[Range] = (), *,
    mapping: Mapping[str, str] | None = None,
) -> tuple[int, int | None]:
    """The header's first row and its second row, if it spans two, around the `best` row.

    The row below (first) or above is part of the header when it names at least two fields
    itself and most of its cells under `best`'s named columns are names too (English keys
    under Chinese names: data has no field names in it), or when it names a field where
    `best` names none and nothing in it looks like data. A row of group labels above
    (基本信息 | 联系方式) names nothing, so it counts only with merge evidence: a cell merged
    down through both rows, or a label merged across some (not all) columns. Without merged
    ranges (CSV) such a row is indistinguishable from a title, and is left as one."""
    index = NameIndex(template, resolve_targets(mapping or {}, template))
    if best + 1 < len(rows) and _key_row(rows[best], rows[best + 1], index, below=True):
        return best, best + 1
    if best >= 1 and (_key_row(rows[best], rows[best - 1], index, below=False)
                      or _group_row(rows[best - 1], rows[best], best, merged)):
        return best - 1, best
    return best, None


def _key_row(header: Sequence[str], other: Sequence[str], index: NameIndex, *, below: bool) -> bool:
    """Whether `other`, beside the header row, names the columns too."""
    named: set[str] = set()
    agree = under_named = filled = 0
    data_like = False
    for j, text in enumerate(other):
        cell = text.strip()
        if not cell:
            continue
        filled += 1
        above = header[j].strip() if j < len(header) else ""
        mine, theirs = index.match(cell), index.match(above) if above else None
        header_named = theirs is not None and theirs.field is not None
        under_named += header_named
        if mine is not None or cell == above:  # a name, or a cell merged over both rows
            agree += header_named
            if mine is not None and mine.field is not None:
                named.add(mine.field.key)
        elif header_named:
            data_like = True
    if len(named) >= 2 and agree * 2 >= under_named:
        return True
    lower, upper = (other, header) if below else (header, other)
    return (len(named) >= 1 and filled >= 2 and not data_like
            and _mapped_count(upper, lower, index) > _mapped_count(header, [], index))


def _mapped_count(upper: Sequence[str], lower: Sequence[str], index: NameIndex) -> int:
    return sum(
        any((m := index.match(p)) is not None and m.field is not None for p in parts)
        for parts in _parts(upper, lower)
    )


def _group_row(labels: Sequence[str], header: Sequence[str], row: int,
               merged: Sequence[Range]) -> bool:
    """Whether `labels`, just above the header row `row`, is a row of group labels."""
    width = max((j + 1 for j, h in enumerate(header) if h.strip()), default=0)
    texts = [t.strip() for t in labels]
    filled = [t for t in texts[:width] if t]
    if not merged or not filled or any(texts[width:]):
        return False
    if any(len(t) > _GROUP_LABEL_MAX or any(ch.isdigit() for ch in t) for t in filled):
        return False
    if any(t and not header[j].strip() for j, t in enumerate(texts[:width])):
        return False
    # a cell merged from the label row down into the header row: a title never reaches it
    down = any(r1 == row - 1 and r2 >= row and c1 < width for (r1, c1), (r2, _) in merged)
    across = any(
        r1 == r2 == row - 1 and c1 < c2 and c1 < width and not (c1 == 0 and c2 >= width - 1)
        for (r1, c1), (r2, c2) in merged
    )
    return down or (across and len(set(filled)) >= 2)


def _parts(upper: Sequence[str], lower: Sequence[str]) -> list[tuple[str, ...]]:
    """Each column's header cells, top to bottom: empty ones and a repeat (a cell merged over
    both rows, which the reader fills into each) left out."""
    width = max(len(upper), len(lower))
    columns = []
    for j in range(width):
        cells = [c.strip() for c in (upper[j] if j < len(upper) else "",
                                     lower[j] if j < len(lower) else "")]
        columns.append(tuple(dict.fromkeys(c for c in cells if c)))
    return columns


# --- mapping ---------------------------------------------------------------------------------


def map_headers(
    header: list[str], row: int, template: Template, sheet: str = "", *,
    second: list[str] | None = None, mapping: Mapping[str, str] | None = None,
) -> HeaderMap:
    """Map each header column to a field; a CrmkitError when two columns name a field equally
    well or a required field has none, or when --map names an unknown column or field.

    `second` is the header's second row (row + 1), if it has one: a column is named by either
    cell, and when both name a field the lower one wins, as it is the more specific (a group
    label like 联系方式 over 手机号码 and 邮箱) or the key the CRM reads. `mapping` (--map:
    source header or column letter -> field key, header or alias; empty or "-" to ignore the
    column) overrides everything else, and its target field is taken from any column that
    would have fed it. Of several columns naming one field, the one naming it best feeds it
    (see `_settle_duplicates`). Columns still unmapped are then matched to still-unmapped
    fields by similarity (Column.match == "fuzzy")."""
    forced_fields = resolve_targets(mapping or {}, template)
    index = NameIndex(template)
    parts = _parts(header, second or [])
    headers = [JOINER.join(p) for p in parts]
    forced = forced_columns(forced_fields, parts, headers, row)
    taken = {f.key for f in forced.values() if f is not None}

    columns: list[Column] = []
    for j, cells in enumerate(parts):
        own = any(normalise_header(c) in _OWN_COLUMNS for c in cells)
        if j in forced:
            target = forced[j]
            columns.append(Column(j, headers[j], target, own=own,
                                  match=FORCED if target is not None else IGNORED))
            continue
        # the lower cell names the column more precisely: it is looked at first
        match = next((m for c in reversed(cells) if (m := index.match(c)) is not None), None)
        if match is None or match.field is None or match.field.key in taken:
            columns.append(Column(j, headers[j], None, own=own))
        else:
            columns.append(Column(j, headers[j], match.field, own=own, match=match.kind))

    outranked = _settle_duplicates(columns)
    mapped = {c.field.key for c in columns if c.field is not None}
    # An outranked column named a field: taking it for another by similarity would be a guess.
    open_columns = {c.index: parts[c.index] for c in columns
                    if c.field is None and not c.own and c.match != IGNORED and parts[c.index]
                    and c.index not in outranked}
    open_fields = [f for f in template.fields if f.key not in mapped]
    for j, (f, score) in fuzzy_matches(open_columns, open_fields).items():
        columns[j] = Column(j, headers[j], f, match=FUZZY, score=score)

    seen = {c.field.key for c in columns if c.field is not None}
    for f in template.fields:
        if f.required and f.default is None and f.key not in seen:
            raise CrmkitError(
                "header.missing",
                sheet=sheet,
                header=f.header,
                header_row=row + 1,
                aliases="、".join(f.aliases) or "-",
            )
    return HeaderMap(row=row, columns=tuple(columns),
                     second_row=row + 1 if second is not None else None)


def _settle_duplicates(columns: list[Column]) -> set[int]:
    """Leave one column per field: the one naming it best (手机号码 over its alias 手机, over
    手机号码(备用) or 姓名(拼音), which name it only once normalised). The others, in place in
    `columns`, feed nothing and are reported as unmapped; their indexes are returned.
    header.duplicate when the best is shared (two columns both 手机号码): crmkit cannot tell
    which one to use."""
    by_field: dict[str, list[Column]] = {}
    for c in columns:
        if c.field is not None:
            by_field.setdefault(c.field.key, []).append(c)
    outranked: set[int] = set()
    for cols in by_field.values():
        if len(cols) < 2:
            continue
        best = min(match_rank(c.match) for c in cols)
        top = [c for c in cols if match_rank(c.match) == best]
        if len(top) > 1:
            f = top[0].field
            raise CrmkitError(
                "header.duplicate",
                header=f.header if f is not None else "",
                columns=_listing([c.header for c in columns], [c.index for c in top]),
            )
        for c in cols:
            if c is not top[0]:
                columns[c.index] = Column(c.index, c.header, None, own=c.own)
                outranked.add(c.index)
    return outranked


def forced_columns(
    forced: Mapping[str, Field | None], parts: Sequence[Sequence[str]], headers: Sequence[str],
    header_row: int,
) -> dict[int, Field | None]:
    """Which column each --map source names: by its header (as shown, or either row's cell;
    as written, else normalised), else by its letter. options.invalid when a source names no
    column or several, or two sources name one column."""
    chosen: dict[int, Field | None] = {}
    by: dict[int, str] = {}
    for source, f in forced.items():
        index = _column_named(source.strip(), parts, headers, header_row)
        if index in by:
            raise CrmkitError("options.invalid", detail=Bilingual(
                f"--map 的「{by[index]}」和「{source.strip()}」指的是同一列",
                f"--map entries {by[index]!r} and {source.strip()!r} name the same column",
            ))
        by[index] = source.strip()
        chosen[index] = f
    return chosen


def _column_named(
    text: str, parts: Sequence[Sequence[str]], headers: Sequence[str], header_row: int,
) -> int:
    norm = normalise_header(text)
    for same in (
        lambda cell: cell.strip() == text,
        lambda cell: bool(norm) and normalise_header(cell) == norm,
    ):
        hits = [j for j, h in enumerate(headers) if any(same(c) for c in (h, *parts[j]))]
        if len(hits) > 1:
            cols = _listing(headers, hits)
            letter = column_letter(hits[0])
            raise CrmkitError("options.invalid", detail=Bilingual(
                f"--map 的「{text}」对应多列（{cols.zh}），请改用列字母，"
                f"例如 --map '{letter}=字段'",
                f"--map source {text!r} names several columns ({cols.en}); use a column "
                f"letter, e.g. --map '{letter}=field'",
            ))
        if hits:
            return hits[0]
    index = column_index(text)
    if index is not None and index < len(headers):
        return index
    listed = _listing(headers, [j for j, h in enumerate(headers) if h])
    raise CrmkitError("options.invalid", detail=Bilingual(
        f"--map 的「{text}」不是表头（第 {header_row + 1} 行）中的列；表头有：{listed.zh}；"
        "也可以写列字母，例如 C",
        f"--map source {text!r} is not a column of the header (row {header_row + 1}): "
        f"{listed.en}; a column letter such as C works too",
    ))


def _listing(headers: Sequence[str], indexes: Sequence[int]) -> Bilingual:
    return Bilingual(
        "、".join(f"{column_letter(j)}「{headers[j]}」" for j in indexes) or "-",
        ", ".join(f"{column_letter(j)} {headers[j]!r}" for j in indexes) or "-",
    )
