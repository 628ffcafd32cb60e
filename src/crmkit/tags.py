"""Tags against the template's tag groups, column-wise.

A cell holds several tags. With no tag groups any tag is accepted. With groups, each tag is
looked up written plain (when its name is in one group only) or as group:tag / group/tag;
tag.unknown suggests the closest known tag, tag.ambiguous asks for the group, and two tags of
one exclusive group on a row are tag.group_conflict, as DingTalk refuses them.
"""

from __future__ import annotations

import difflib
from collections import Counter

import polars as pl

from crmkit.choices import match_key
from crmkit.template import Template

#: what separates several tags in one cell ("/" is not one: it may join a group and its tag)
LIST_SEPARATORS = r"[,，、;；|\r\n]+"
#: ways of writing a group and its tag; normalised to ":" before lookup
_GROUP_SEPARATOR = r"\s*[:/：／]\s*"
#: output.tags -> what joins a group and its tag in the upload file
_JOINERS = {"group:tag": ":", "group/tag": "/"}


def split_items(cells: pl.Series, separators: str) -> pl.Series:
    """A list cell as its items: split on any of `separators`, trimmed, without empty or
    repeated items."""
    return (
        cells.str.replace_all(separators, "\x1f")
        .str.split("\x1f")
        .list.eval(pl.element().str.strip_chars())
        .list.eval(pl.element().filter(pl.element() != ""))
        .list.unique(maintain_order=True)
    )


def join_items(items: pl.Expr, separator: str) -> pl.Expr:
    """Items joined for upload; no items is an empty cell (null), never ""."""
    joined = items.list.join(separator)
    return pl.when(joined != "").then(joined)


def normalise_tags(cells: pl.Series, template: Template) -> pl.DataFrame:
    """value, code, detail_zh, detail_en, hint for a tags column."""
    items = split_items(cells, LIST_SEPARATORS)
    separator = template.output.separator
    if not template.tag_groups:
        return pl.DataFrame({"items": items}).select(
            value=join_items(pl.col("items"), separator), code=pl.lit(None, pl.String),
            detail_zh=pl.lit(None, pl.String), detail_en=pl.lit(None, pl.String),
            hint=pl.lit(None, pl.String),
        )
    known = _known_tags(template)
    exploded = (
        pl.DataFrame({"items": items}).with_row_index("row").explode("items")
        .filter(pl.col("items").is_not_null())
        .with_columns(key=match_key(pl.col("items")).str.replace(_GROUP_SEPARATOR, ":"))
        .join(known, on="key", how="left", maintain_order="left")
    )
    forms = _written_forms(template)
    suggestions = {
        item: _closest(item, forms)
        for item in exploded.filter(pl.col("tag").is_null()).get_column("items").unique()
    }
    exploded = exploded.with_columns(
        out=pl.when(pl.lit(template.output.tags == "tag")).then(pl.col("tag"))
        .otherwise(pl.col("group") + pl.lit(_JOINERS.get(template.output.tags, ":"))
                   + pl.col("tag")),
        exclusive_count=pl.col("tag").n_unique().over("row", "group")
        * pl.col("exclusive").cast(pl.Int64),
    )
    per_row = exploded.group_by("row", maintain_order=True).agg(
        out=pl.col("out"),
        unknown=pl.col("items").filter(pl.col("tag").is_null() & pl.col("ambiguous").is_null()),
        ambiguous=pl.col("items").filter(pl.col("ambiguous").is_not_null()),
        ambiguous_groups=pl.col("ambiguous").filter(pl.col("ambiguous").is_not_null()),
        conflict_group=pl.col("group").filter(pl.col("exclusive_count") > 1).first(),
        conflict_tags=pl.col("tag").filter(pl.col("exclusive_count") > 1).unique(
            maintain_order=True),
    )
    frame = pl.DataFrame({"row": pl.int_range(0, cells.len(), eager=True, dtype=pl.UInt32)})
    frame = frame.join(per_row, on="row", how="left", maintain_order="left")
    first_unknown = pl.col("unknown").list.first()
    return frame.select(
        value=join_items(pl.col("out").list.unique(maintain_order=True), separator),
        code=pl.when(pl.col("unknown").list.len() > 0).then(pl.lit("tag.unknown"))
        .when(pl.col("ambiguous").list.len() > 0).then(pl.lit("tag.ambiguous"))
        .when(pl.col("conflict_group").is_not_null()).then(pl.lit("tag.group_conflict")),
        detail_zh=_detail(("「", "」同时在这些组中：", "」同属互斥的标签组「", "」")),
        detail_en=_detail(('"', '" is in several groups: ', '" are all in the exclusive group "',
                           '"')),
        hint=first_unknown.replace_strict(suggestions, default=None, return_dtype=pl.String),
    )


def _detail(words: tuple[str, str, str, str]) -> pl.Expr:
    """The detail of a row's tag problem, in one language: `words` are the quote, the
    ambiguous text, the conflict text and the closing quote."""
    quote, ambiguous, conflict, close = words
    return (
        pl.when(pl.col("unknown").list.len() > 0).then(pl.col("unknown").list.first())
        .when(pl.col("ambiguous").list.len() > 0).then(pl.concat_str(
            pl.lit(quote), pl.col("ambiguous").list.first(), pl.lit(ambiguous),
            pl.col("ambiguous_groups").list.first()))
        .when(pl.col("conflict_group").is_not_null()).then(pl.concat_str(
            pl.lit(quote), pl.col("conflict_tags").list.join("、"), pl.lit(conflict),
            pl.col("conflict_group"), pl.lit(close)))
    )


def _known_tags(template: Template) -> pl.DataFrame:
    """Every way of writing a known tag (match key) -> its group and name; a plain name in
    several groups is marked ambiguous instead."""
    groups_of: dict[str, list[str]] = {}
    for group in template.tag_groups:
        for tag in group.tags:
            groups_of.setdefault(tag, []).append(group.name)
    exclusive = {g.name: g.exclusive for g in template.tag_groups}
    rows: list[tuple[str, str | None, str | None, bool | None, str | None]] = []
    for group in template.tag_groups:
        for tag in group.tags:
            rows.append((f"{group.name}:{tag}", group.name, tag, group.exclusive, None))
    for tag, groups in groups_of.items():
        if len(groups) == 1:
            rows.append((tag, groups[0], tag, exclusive[groups[0]], None))
        else:
            rows.append((tag, None, None, None, "、".join(groups)))
    frame = pl.DataFrame(
        rows, orient="row",
        schema={"raw": pl.String, "group": pl.String, "tag": pl.String,
                "exclusive": pl.Boolean, "ambiguous": pl.String},
    )
    return frame.with_columns(key=match_key(pl.col("raw"))).drop("raw").unique(
        "key", keep="first", maintain_order=True)


def _written_forms(template: Template) -> list[str]:
    """Every way a known tag may be written: plain when its name is in one group only, and
    as group:tag."""
    counts = Counter(tag for group in template.tag_groups for tag in group.tags)
    return [t for t, n in counts.items() if n == 1] + [
        f"{g.name}:{t}" for g in template.tag_groups for t in g.tags
    ]


def _closest(item: str, forms: list[str]) -> str | None:
    """The known tag closest to an unknown one, written as the user would write it."""
    close = difflib.get_close_matches(item, forms, n=1, cutoff=0.5)
    return close[0] if close else None
