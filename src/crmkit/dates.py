"""Dates, column-wise: the forms Chinese lists use, Excel serial numbers, and the template's
output form. A date that does not start with the year (01/02/2024) means different days to
different people, so it is read only when the template names its order."""

from __future__ import annotations

import datetime as dt

import polars as pl

from crmkit.template import DATE_OUTPUTS, Field, Template

_TIME = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
#: 2024-01-05, 2024/1/5, 2024.1.5, 2024年1月5日, with an optional time
_YEAR_FIRST = rf"^(\d{{4}})\s*[-/.年]\s*(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})\s*日?{_TIME}$"
#: 05/01/2024 or 01/05/2024: day and month in an order only the template can tell
_YEAR_LAST = rf"^(\d{{1,2}})\s*[-/.]\s*(\d{{1,2}})\s*[-/.]\s*(\d{{4}}){_TIME}$"
#: day 0 of Excel's serial dates: 1899-12-30 in the 1900 system (its phantom 1900-02-29
#: shifts every date after February 1900 by one), 1904-01-01 in the 1904 system
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_EPOCH_1904 = dt.date(1904, 1, 1)


def normalise_dates(
    cells: pl.Series, field: Field, template: Template, *, date1904: bool = False
) -> pl.DataFrame:
    """value (in the template's output form), code, detail_zh, detail_en, hint."""
    text = pl.col("text")
    first = text.str.extract_groups(_YEAR_FIRST)
    last = text.str.extract_groups(_YEAR_LAST)
    if field.date_order == "dmy":
        day, month = last.struct.field("1"), last.struct.field("2")
    else:
        month, day = last.struct.field("1"), last.struct.field("2")
    serial = text.cast(pl.Float64, strict=False)
    epoch = _EXCEL_EPOCH_1904 if date1904 else _EXCEL_EPOCH
    date = pl.coalesce(
        _ymd(first.struct.field("1"), first.struct.field("2"), first.struct.field("3")),
        # 20240105, as many Chinese exports write dates
        pl.when(text.str.contains(r"^\d{8}$")).then(text.str.to_date("%Y%m%d", strict=False)),
        # an Excel serial number (1927-2173) left behind when a date cell lost its format
        pl.when(serial.is_between(10_000, 99_999)).then(
            pl.lit(epoch) + pl.duration(days=serial.floor().cast(pl.Int64))
        ),
        pl.when(pl.lit(field.date_order != "ymd")).then(
            _ymd(last.struct.field("3"), month, day)
        ),
    )
    ambiguous = (
        pl.lit(field.date_order == "ymd") & last.struct.field("3").is_not_null() & date.is_null()
    )
    frame = pl.DataFrame({"text": cells.str.normalize("NFKC").str.strip_chars()})
    return frame.select(
        value=date.dt.strftime(DATE_OUTPUTS[template.output.date]),
        code=pl.when(text.is_null() | date.is_not_null()).then(None)
        .when(ambiguous).then(pl.lit("date.ambiguous"))
        .otherwise(pl.lit("date.invalid")),
        detail_zh=pl.lit(None, pl.String),
        detail_en=pl.lit(None, pl.String),
        hint=pl.lit(None, pl.String),
    )


def _ymd(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    iso = pl.concat_str([year, month.str.zfill(2), day.str.zfill(2)], separator="-")
    return iso.str.to_date("%Y-%m-%d", strict=False)
