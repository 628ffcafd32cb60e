"""Duplicates inside the file: a value of a `unique` field (the phone number) seen twice.

The first occurrence is kept, whatever else is wrong with it: if it is rejected and fixed, it
is the one the user re-imports, and a later copy would then be refused by the CRM as
"已被添加" (already added).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from crmkit.headers import Column
from crmkit.report import Issue
from crmkit.rules import ROW
from crmkit.template import Field


def find_duplicates(
    frame: pl.DataFrame, fields: Sequence[Field], columns: dict[str, Column], sheet: str
) -> list[Issue]:
    """An issue for every later occurrence of a unique field's value: `duplicate.in_file`
    for a phone number (the same contact twice: the later row is not imported), and
    `duplicate.value` for other fields (two contacts claiming one value: a row to fix)."""
    issues = []
    for f in fields:
        if not f.unique:
            continue
        col = columns[f.key]
        later = (
            frame.select(
                ROW,
                original=pl.col(f"c{col.index}"),
                first_row=pl.col(ROW).first().over(f.key),
                is_first=pl.col(f.key).is_first_distinct(),
                present=pl.col(f.key).is_not_null(),
            )
            .filter(pl.col("present") & ~pl.col("is_first"))
        )
        for row, original, first_row, _, _ in later.iter_rows():
            issues.append(
                Issue(
                    code="duplicate.in_file" if f.type == "phone" else "duplicate.value",
                    row=row, column=col.letter, header=col.header,
                    field=f.key, value=original, sheet=sheet, params={"first_row": first_row},
                )
            )
    return issues
