"""Cells that take one of a few values: choice fields (the template's options and their
aliases) and bool fields (是/否 and the other ways people write yes and no).

Matching ignores case, full-width forms and spaces, so "a 类" finds "A类"; the upload gets
the option's own spelling.
"""

from __future__ import annotations

import difflib

import polars as pl

from crmkit.template import BOOL_FALSE, BOOL_TRUE, Field, Template, spelling_key

#: how many options a choice.invalid message lists before it stops
_LISTED = 12


def match_key(column: pl.Expr) -> pl.Expr:
    """The form two spellings of one value share: NFKC, lower case, no spaces (the column
    twin of template.spelling_key)."""
    return column.str.normalize("NFKC").str.to_lowercase().str.replace_all(r"\s+", "")


def normalise_choices(cells: pl.Series, field: Field, template: Template) -> pl.DataFrame:
    """value (the option), code choice.invalid, detail (the options), hint (closest)."""
    spellings = {
        spelling_key(name): option.value
        for option in field.options for name in (option.value, *option.aliases)
    }
    names = [o.value for o in field.options]
    listed = "、".join(names[:_LISTED]) + ("……" if len(names) > _LISTED else "")
    return _lookup(cells, spellings, "choice.invalid", (listed, ", ".join(names[:_LISTED])),
                   names)


def normalise_bools(cells: pl.Series, field: Field, template: Template) -> pl.DataFrame:
    """value (the template's word for true or false), code bool.invalid."""
    yes, no = template.output.bool
    spellings = {spelling_key(w): yes for w in (*BOOL_TRUE, yes)}
    spellings |= {spelling_key(w): no for w in (*BOOL_FALSE, no)}
    return _lookup(cells, spellings, "bool.invalid", None, [yes, no])


def _lookup(
    cells: pl.Series, spellings: dict[str, str], code: str, detail: tuple[str, str] | None,
    names: list[str],
) -> pl.DataFrame:
    table = pl.DataFrame({"key": list(spellings), "value": list(spellings.values())},
                         schema={"key": pl.String, "value": pl.String})
    frame = pl.DataFrame({"text": cells}).with_columns(key=match_key(pl.col("text")))
    frame = frame.join(table, on="key", how="left", maintain_order="left")
    missed = frame.filter(pl.col("text").is_not_null() & pl.col("value").is_null())
    hints = {t: _closest(t, names) for t in missed.get_column("text").unique().to_list()}
    bad = pl.col("text").is_not_null() & pl.col("value").is_null()
    return frame.select(
        "value",
        code=pl.when(bad).then(pl.lit(code)),
        detail_zh=pl.when(bad).then(pl.lit(detail[0] if detail else None, pl.String)),
        detail_en=pl.when(bad).then(pl.lit(detail[1] if detail else None, pl.String)),
        hint=pl.col("text").replace_strict(hints, default=None, return_dtype=pl.String),
    )


def _closest(text: str, names: list[str]) -> str | None:
    close = difflib.get_close_matches(text, names, n=1, cutoff=0.5)
    return close[0] if close else None
