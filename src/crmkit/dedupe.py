"""Duplicates inside the file: a value of a `unique` field (the phone number) seen twice, which
copy of a duplicated number is kept (`--keep`), and folding the copies' tags into it
(`--merge-tags`).

A phone number is imported once: every copy but the kept one is `duplicate.in_file` and goes
to the 重复 sheet, never to 待修正, so that re-running the fixed sheet cannot import it twice.
Which copy is kept:

- first (the default): the earliest row, whatever else is wrong with it. If it is rejected
  and fixed, it is the one the user re-imports, and a later copy would then be refused by
  the CRM as "已被添加" (already added).
- last: the latest row, for lists where later rows are the newer information.
- most-complete: a row that the checks would not reject (no field type's verdict, required
  fields filled, lengths within bounds) over one they would, then the row with the most
  filled mapped cells, then the earliest row. A fuller row that is rejected is not kept over
  a valid one: the point of the policy is to import the best row now, not to send the user
  off to fix a copy when a good one exists.

Every policy looks at row numbers and cell contents only, so the rows kept do not depend on
the order of the rows in the frame.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError
from crmkit.headers import Column
from crmkit.report import Issue
from crmkit.rules import ROW, suffixed
from crmkit.tags import LIST_SEPARATORS, normalise_tags, split_items
from crmkit.template import Field, Template

#: the values of `--keep`
KEEP_POLICIES = ("first", "last", "most-complete")
#: the code of a later copy of a phone number; its params["first_row"] is the kept row
DUPLICATE = "duplicate.in_file"


def find_duplicates(
    frame: pl.DataFrame, fields: Sequence[Field], columns: Mapping[str, Column], sheet: str,
    *, keep: str = "first",
) -> list[Issue]:
    """An issue for every copy of a unique field's value but one: `duplicate.in_file` for a
    phone number (the same contact twice: the copy is not imported; `keep` chooses which row
    is kept, and params["first_row"] names it), and `duplicate.value` for other fields (two
    contacts claiming one value: a row to fix, named against the first occurrence whatever
    `keep` says)."""
    if keep not in KEEP_POLICIES:
        raise CrmkitError("options.invalid", detail=Bilingual(
            f"--keep 只能是 {'、'.join(KEEP_POLICIES)}，不能是 {keep!r}",
            f"--keep must be one of {', '.join(KEEP_POLICIES)}, not {keep!r}",
        ))
    issues = []
    for f in fields:
        if not f.unique:
            continue
        col = columns[f.key]
        policy = keep if f.type == "phone" else "first"
        # Lazily, so that only the columns the groups need are copied, not the whole frame.
        copies = (
            frame.lazy().filter(pl.col(f.key).is_not_null())
            .select(ROW, original=pl.col(f"c{col.index}"),
                    kept_row=_kept_row(policy, fields).over(f.key))
            .filter(pl.col(ROW) != pl.col("kept_row"))
            .sort(ROW)
            .collect()
        )
        for row, original, kept_row in copies.iter_rows():
            issues.append(
                Issue(
                    code=DUPLICATE if f.type == "phone" else "duplicate.value",
                    row=row, column=col.letter, header=col.header,
                    field=f.key, value=original, sheet=sheet, params={"first_row": kept_row},
                )
            )
    return issues


def _kept_row(policy: str, fields: Sequence[Field]) -> pl.Expr:
    """The row number a group keeps under `policy`, as an aggregation to run over a group."""
    if policy == "first":
        return pl.col(ROW).min()
    if policy == "last":
        return pl.col(ROW).max()
    filled = pl.sum_horizontal(
        [pl.col(suffixed(f.key, "raw")).is_not_null() for f in fields] or [pl.lit(0)]
    )
    return pl.col(ROW).sort_by(
        [_passes(fields), filled, pl.col(ROW)], descending=[True, True, False]
    ).first()


def _passes(fields: Sequence[Field]) -> pl.Expr:
    """Whether a row passes the checks crmkit.rules runs on each field (so it is not rejected
    for its own cells): no type verdict, required fields present, lengths within bounds."""
    problems = [pl.col(suffixed(f.key, "code")).is_not_null() for f in fields]
    for f in fields:
        length = pl.col(f.key).str.len_chars()
        if f.required:
            problems.append(pl.col(f.key).is_null())
        if f.max_length is not None:
            problems.append((length > f.max_length).fill_null(False))
        if f.min_length is not None:
            problems.append((length < f.min_length).fill_null(False))
    return ~pl.any_horizontal(problems or [pl.lit(False)])


def merge_tags(
    frame: pl.DataFrame, tpl: Template, duplicates: Sequence[Issue], *,
    columns: Mapping[str, Column],
) -> tuple[pl.DataFrame, list[Issue]]:
    """`--merge-tags`: give each kept row the tags of its dropped copies.

    The kept row's own tags come first, then what its copies add, in row order. Returns the
    frame with only the tags values (column `key` of each tags field) changed, and the new
    issues: `duplicate.tags_merged` on each copy that added a tag, and the kept row's
    `tag.group_conflict` when the union holds two tags of one exclusive group.

    A kept row whose tags are already rejected (unknown, ambiguous, conflicting) is left
    alone: the user fixes that cell first and the merge happens on the next run. A copy whose
    tags are rejected adds nothing, as crmkit cannot tell which of them were meant.
    """
    kept_of = _kept_rows(duplicates)
    issues: list[Issue] = []
    if not kept_of:
        return frame, issues
    sheet = next(i.sheet for i in duplicates if i.code == DUPLICATE)
    for f in tpl.fields:
        if f.type != "tags" or f.key not in columns:
            continue
        frame, found = _merge_field(frame, tpl, f, columns[f.key], kept_of, sheet)
        issues += found
    return frame, issues


def _kept_rows(duplicates: Sequence[Issue]) -> dict[int, int]:
    """Each dropped row -> the row finally kept in its place. A row dropped as a copy of a row
    that is itself dropped (two unique phone fields) follows the chain to its end."""
    kept_of = {
        i.row: int(i.params["first_row"])
        for i in duplicates if i.code == DUPLICATE and i.row is not None
    }
    resolved = {}
    for row, kept in kept_of.items():
        seen = {row}
        while kept in kept_of and kept not in seen:
            seen.add(kept)
            kept = kept_of[kept]
        resolved[row] = kept
    return resolved


def _merge_field(
    frame: pl.DataFrame, tpl: Template, f: Field, col: Column, kept_of: dict[int, int],
    sheet: str | None,
) -> tuple[pl.DataFrame, list[Issue]]:
    """merge_tags for one tags field."""
    kept_rows = sorted(set(kept_of.values()))
    members = pl.DataFrame(
        {ROW: [*kept_of, *kept_rows], "kept": [*kept_of.values(), *kept_rows]},
        schema={ROW: pl.Int64, "kept": pl.Int64},
    ).join(
        frame.select(pl.col(ROW).cast(pl.Int64), raw=pl.col(suffixed(f.key, "raw")),
                     code=pl.col(suffixed(f.key, "code"))),
        on=ROW, how="inner",
    )
    bad_kept = members.filter((pl.col(ROW) == pl.col("kept")) & pl.col("code").is_not_null())
    usable = members.filter(
        pl.col("code").is_null() & ~pl.col("kept").is_in(bad_kept.get_column(ROW).implode())
    )
    items = (
        usable.with_columns(item=split_items(usable.get_column("raw"), LIST_SEPARATORS))
        .explode("item")
        .filter(pl.col("item").is_not_null())
        .with_row_index("pos")
    )
    if items.height == 0:
        return frame, []
    # Each item alone is the tag as it would be uploaded: what tells two spellings apart.
    items = items.with_columns(out=normalise_tags(items.get_column("item"), tpl)["value"])
    items = items.sort(
        "kept", pl.col(ROW) != pl.col("kept"), ROW, "pos"
    ).filter(pl.struct("kept", "out").is_first_distinct())
    added = (
        items.filter(pl.col(ROW) != pl.col("kept"))
        .group_by(ROW, "kept", maintain_order=True).agg("out")
        .sort(ROW)
    )
    if added.height == 0:
        return frame, []
    contributors = added.group_by("kept", maintain_order=True).agg(contributors=ROW)
    union = (
        items.join(contributors, on="kept", how="semi", maintain_order="left")
        .group_by("kept", maintain_order=True).agg("item")
        .join(contributors, on="kept", how="left", maintain_order="left")
    )
    # The union is rechecked as one cell written in the user's own spellings, so exclusivity
    # (and anything else a tags cell can get wrong) is judged by normalise_tags itself.
    verdict = normalise_tags(union.get_column("item").list.join(","), tpl)
    union = pl.concat([union, verdict], how="horizontal")
    frame = frame.update(
        union.select(pl.col("kept").cast(frame.schema[ROW]).alias(ROW),
                     pl.col("value").alias(f.key)),
        on=ROW, how="left",
    )
    # The kept row's own tag cell holds the merged tags too, in the user's spellings: if
    # the row is rejected for another reason, 待修正 hands back the merged cell, and the
    # merge is not lost when the fixed sheet is checked again.
    cell = f"c{col.index}"
    frame = frame.update(
        union.select(pl.col("kept").cast(frame.schema[ROW]).alias(ROW),
                     pl.col("item").list.join(tpl.output.separator).alias(cell)),
        on=ROW, how="left",
    )
    issues = [
        Issue(code="duplicate.tags_merged", row=row, column=col.letter, header=col.header,
              field=f.key, value=tpl.output.separator.join(out), sheet=sheet,
              params={"kept_row": kept})
        for row, kept, out in added.iter_rows()
    ]
    problems = union.filter(pl.col("code").is_not_null()).select(
        "kept", "value", "code", "detail_zh", "detail_en", "hint", "contributors",
    )
    for kept, value, code, zh, en, hint, rows in problems.iter_rows():
        zh_rows, en_rows = "、".join(map(str, rows)), ", ".join(map(str, rows))
        issues.append(Issue(
            code=code, row=kept, column=col.letter, header=col.header, field=f.key,
            value=value, suggestion=hint, sheet=sheet,
            params={"detail": Bilingual(
                f"{zh or ''}（合并第 {zh_rows} 行的标签后）",
                f"{en or ''} (after merging the tags of row{'s' if len(rows) > 1 else ''} "
                f"{en_rows})",
            )},
        ))
    return frame, issues
