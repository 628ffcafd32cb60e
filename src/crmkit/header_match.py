"""How a header cell's text is matched to a template field: exactly, by alias, once
normalised, as `--map` says, or (last) by similarity.

Real files mark required columns with `*` or "(必填)", use full-width characters and other
names for the same column (手机 / 手机号 / Mobile), so a cell is normalised before it is looked
up. Only what the lookup leaves unmapped is matched by similarity, and only to fields no other
column feeds: a typo (手机号吗, Mobil) is caught, a different column (公司地址) is not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError

if TYPE_CHECKING:  # the template module needs normalise_header from here
    from crmkit.template import Field, Template

#: how a column came to feed its field (Column.match)
EXACT, ALIAS, NORMALISED, FUZZY, FORCED, IGNORED = (
    "exact", "alias", "normalised", "fuzzy", "forced", "ignored",
)
#: how well each kind of match names its field, best first: of several columns naming one
#: field, the best feeds it (手机号码 over its alias 手机, over 手机号码(备用))
_MATCH_RANK = (FORCED, EXACT, ALIAS, NORMALISED, FUZZY)
#: joins the two cells of a two-row header in the header crmkit shows and writes back
#: (errors.xlsx), so such a header read back maps as it did the first time
JOINER = " / "
#: the least similarity (rapidfuzz ratio, in percent) for a fuzzy match. ratio, not a partial
#: or token ratio: those score 公司 against 公司地址 at 100. At 85 one wrong character in four
#: (手机号吗 ~ 手机号) or a dropped letter (Mobil ~ Mobile) passes, but 备注1 ~ 备注 (80) and
#: 电子邮件地址 ~ 电子邮件 (80) do not: numbered or longer columns are other columns.
FUZZY_CUTOFF = 85
#: what a --map target says to ignore the column
_IGNORE = {"", "-"}

_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】|<[^>]*>|〈[^〉]*〉")
_NOISE = re.compile(r"[\s*:：_\-·.]+")


def normalise_header(text: str) -> str:
    """A header cell reduced to what identifies it: `*手机号码（必填）` -> `手机号码`."""
    text = unicodedata.normalize("NFKC", text)
    text = _BRACKETED.sub("", text)
    return _NOISE.sub("", text).lower()


def field_names(f: Field) -> tuple[str, ...]:
    """Every name a header cell may give `f`: its key, aliases and header."""
    return (f.key, *f.aliases, f.header)


def match_rank(kind: str) -> int:
    """How well a match of `kind` names its field: lower is better; "" (none) is worst."""
    return _MATCH_RANK.index(kind) if kind in _MATCH_RANK else len(_MATCH_RANK)


@dataclass(frozen=True)
class Match:
    """The field a header text names, and how it was recognised."""

    #: None: --map says to ignore the column
    field: Field | None
    kind: str


class NameIndex:
    """The names header cells are recognised by: each field's key, header and aliases, and the
    source headers of --map (which then stand for their target field)."""

    def __init__(
        self, template: Template, forced: Mapping[str, Field | None] | None = None,
    ) -> None:
        self._names: dict[str, Field] = {}
        for f in template.fields:
            for name in field_names(f):
                self._names[normalise_header(name)] = f
        self._forced = {normalise_header(src): f for src, f in (forced or {}).items()}

    def match(self, text: str) -> Match | None:
        """The field `text` names, if any."""
        whole = self._match_one(text)
        if whole is not None or JOINER not in text:
            return whole
        # A header crmkit joined from two rows ("姓名 / name") and wrote back: its lower (last)
        # part won then, so it wins now.
        for part in reversed(text.split(JOINER)):
            found = self._match_one(part)
            if found is not None:
                return found
        return None

    def _match_one(self, text: str) -> Match | None:
        norm = normalise_header(text)
        if not norm:
            return None
        if norm in self._forced:
            target = self._forced[norm]
            return Match(target, FORCED if target is not None else IGNORED)
        f = self._names.get(norm)
        if f is None:
            return None
        stripped = text.strip()
        if stripped in (f.header, f.key):
            return Match(f, EXACT)
        return Match(f, ALIAS if stripped in f.aliases else NORMALISED)


# --- --map -----------------------------------------------------------------------------------


def parse_mapping(entries: Iterable[str]) -> dict[str, str]:
    """`--map` values ("源列=字段") as source -> target; options.invalid for a value without
    "=" or a source given twice. Split at the last "=": a field's name never holds one."""
    mapping: dict[str, str] = {}
    for entry in entries:
        source, eq, target = entry.rpartition("=")
        if not eq:
            raise CrmkitError("options.invalid", detail=Bilingual(
                f"--map {entry!r} 应写成 源列=字段，例如 --map '联系电话=手机号码'",
                f"--map {entry!r} should read source=field, e.g. --map 'Tel=mobile'",
            ))
        if source.strip() in {s.strip() for s in mapping}:
            raise CrmkitError("options.invalid", detail=Bilingual(
                f"--map 两次指定了列「{source.strip()}」", f"--map names {source.strip()!r} twice",
            ))
        mapping[source] = target
    return mapping


def resolve_targets(mapping: Mapping[str, str], template: Template) -> dict[str, Field | None]:
    """--map's entries as source text -> the field it feeds (None: ignore the column).

    A target is a field's key, header or alias, as written or normalised; empty or "-"
    ignores the column. options.invalid for an unknown field, a missing source, or two
    sources for one field (one field takes one column)."""
    index = NameIndex(template)
    resolved: dict[str, Field | None] = {}
    taken: dict[str, str] = {}
    for source, target in mapping.items():
        if not source.strip():
            raise CrmkitError("options.invalid", detail=Bilingual(
                f"--map '={target}' 没有写源列（列名或列字母）",
                f"--map '={target}' names no source column (a header or a column letter)",
            ))
        if target.strip() in _IGNORE:
            resolved[source] = None
            continue
        f = _field_named(target, template)
        if f is None:
            match = index.match(target)
            f = match.field if match is not None else None
        if f is None:
            known_zh = "、".join(f"{x.key}（{x.header}）" for x in template.fields)
            known_en = ", ".join(f"{x.key} ({x.header})" for x in template.fields)
            raise CrmkitError("options.invalid", detail=Bilingual(
                f"--map 的「{target.strip()}」不是模板「{template.title}」的字段；可用：{known_zh}",
                f"--map target {target.strip()!r} is not a field of template "
                f"{template.name!r}; known: {known_en}",
            ))
        if f.key in taken:
            raise CrmkitError("options.invalid", detail=Bilingual(
                f"--map 把「{taken[f.key]}」和「{source.strip()}」都指定为「{f.header}」，"
                "一个字段只能对应一列",
                f"--map sends both {taken[f.key]!r} and {source.strip()!r} to {f.key!r}; "
                "a field takes one column",
            ))
        taken[f.key] = source.strip()
        resolved[source] = f
    return resolved


def _field_named(name: str, template: Template) -> Field | None:
    # As written first: a key like "title" must not lose to another field's alias "Title".
    text = name.strip()
    return next((f for f in template.fields if text == f.key), None) or next(
        (f for f in template.fields if text in (f.header, *f.aliases)), None
    )


# --- similarity ------------------------------------------------------------------------------


def fuzzy_matches(
    texts: Mapping[int, Sequence[str]], fields: Sequence[Field],
) -> dict[int, tuple[Field, int]]:
    """Columns (index -> their header texts) matched to `fields` by similarity: column index
    -> (field, score in percent). A column takes the field it resembles most and a field the
    column that resembles it most; a tie at either end maps nothing, since crmkit cannot tell
    which was meant (备注1 and 备注2 both resemble 备注)."""
    names = {f.key: [n for n in map(normalise_header, field_names(f)) if n] for f in fields}
    best_of_column: dict[int, tuple[Field, int]] = {}
    for index, cells in texts.items():
        mine = [n for n in map(normalise_header, cells) if n]
        scored = [
            (round(max((fuzz.ratio(c, n) for c in mine for n in names[f.key]), default=0)), f)
            for f in fields
        ]
        passing = [(s, f) for s, f in scored if s >= FUZZY_CUTOFF]
        if not passing:
            continue
        top = max(s for s, _ in passing)
        winners = [f for s, f in passing if s == top]
        if len(winners) == 1:
            best_of_column[index] = (winners[0], top)
    chosen: dict[int, tuple[Field, int]] = {}
    for f in fields:
        claims = [(s, i) for i, (g, s) in best_of_column.items() if g.key == f.key]
        if not claims:
            continue
        top = max(s for s, _ in claims)
        columns = [i for s, i in claims if s == top]
        if len(columns) == 1:
            chosen[columns[0]] = (f, top)
    return chosen
