"""Checking normalised rows: a pandera schema built from the template, run lazily so every
failure is collected, and the one adapter that turns pandera's failure cases into crmkit issues.

The frame checked here has, for each mapped field `k`, the column `k` (the value to upload)
and beside it `k#raw` (the cleaned cell), `k#code`, `k#detail_zh`, `k#detail_en` and `k#hint`
(what the field type's normaliser found). Users never see pandera's own text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from crmkit.catalogue import Bilingual
from crmkit.headers import Column
from crmkit.report import Issue
from crmkit.template import Field

ROW = "__row"
#: the name of the check that reports what a field type's normaliser rejected
_VERDICT = "verdict"

_CheckFn = Callable[[PolarsData], pl.LazyFrame]


def suffixed(key: str, part: str) -> str:
    """The name of a helper column beside field `key`'s value."""
    return f"{key}#{part}"


def build_schema(fields: Sequence[Field], name: str) -> pa.DataFrameSchema:
    """A pandera schema with one column per mapped field and one check per rule."""
    columns = {}
    for f in fields:
        checks = [pa.Check(_verdict(f.key), name=_VERDICT)]
        if f.required:
            checks.append(pa.Check(_required(f.key), name="required.missing"))
        if f.max_length is not None:
            checks.append(pa.Check(_max_length(f.key, f.max_length), name="text.too_long"))
        if f.min_length is not None:
            checks.append(pa.Check(_min_length(f.key, f.min_length), name="text.too_short"))
        columns[f.key] = pa.Column(pl.String, nullable=True, checks=checks)
    return pa.DataFrameSchema(columns, strict=False, name=name)


def _verdict(key: str) -> _CheckFn:
    def check(data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(suffixed(key, "code")).is_null())

    return check


def _required(key: str) -> _CheckFn:
    # A cell that is filled but invalid is reported by its own code, not as missing.
    def check(data: PolarsData) -> pl.LazyFrame:
        present = pl.col(key).is_not_null() | pl.col(suffixed(key, "code")).is_not_null()
        return data.lazyframe.select(present)

    return check


def _max_length(key: str, limit: int) -> _CheckFn:
    def check(data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col(key).str.len_chars() <= limit).fill_null(True))

    return check


def _min_length(key: str, limit: int) -> _CheckFn:
    def check(data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col(key).str.len_chars() >= limit).fill_null(True))

    return check


def check_rows(
    frame: pl.DataFrame, fields: Sequence[Field], columns: dict[str, Column], sheet: str,
    schema_name: str,
) -> list[Issue]:
    """Every rule failure in `frame` as an Issue, in row then column order."""
    schema = build_schema(fields, schema_name)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _to_issues(exc.failure_cases, frame, {f.key: f for f in fields}, columns, sheet)
    return []


def _to_issues(
    failures: pl.DataFrame, frame: pl.DataFrame, fields: dict[str, Field],
    columns: dict[str, Column], sheet: str,
) -> list[Issue]:
    """The adapter: pandera failure cases -> crmkit issues, one field at a time."""
    if failures.get_column("index").null_count():
        # A failure without a row is about the frame itself: a bug in the schema, not data.
        raise RuntimeError("pandera reported a frame-level failure")
    issues = []
    for (key,), cases in failures.group_by("column", maintain_order=True):
        f, col = fields[str(key)], columns[str(key)]
        parts = ("code", "detail_zh", "detail_en", "hint")
        located = cases.select("index", "check").join(
            frame.with_row_index("index").select(
                pl.col("index").cast(cases.schema["index"]), ROW,
                pl.col(f"c{col.index}").alias("original"),
                pl.col(f.key).str.len_chars().alias("length"),
                *(pl.col(suffixed(f.key, p)).alias(p) for p in parts),
            ),
            on="index", how="left",
        )
        for case in located.iter_rows(named=True):
            params: dict[str, Any] = {}
            if case["check"] == _VERDICT:
                code, hint = case["code"], case["hint"]
                params["detail"] = Bilingual(case["detail_zh"] or "", case["detail_en"] or "")
            else:
                code, hint = case["check"], None
                if code in ("text.too_long", "text.too_short"):
                    params = {"max_length": f.max_length, "min_length": f.min_length,
                              "length": case["length"]}
            issues.append(
                Issue(
                    code=code, row=case[ROW], column=col.letter, header=col.header,
                    field=f.key, value=case["original"] or None, suggestion=hint,
                    sheet=sheet, params=params,
                )
            )
    return issues
