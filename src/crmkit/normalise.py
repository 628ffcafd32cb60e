"""Normalising cells, column by column: clean text, then each field type's own form.

Every type normaliser takes a column of cleaned cells (null = empty) and returns a frame with
the same rows and the columns of RESULT: the value to upload, and for a cell that cannot be
uploaded, the issue code, a detail for its message and a suggested fix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import email_validator
import polars as pl

from crmkit.phones import PhoneRules, normalise_phones
from crmkit.template import Field, Template

RESULT = {
    "value": pl.String,
    "code": pl.String,
    "detail_zh": pl.String,
    "detail_en": pl.String,
    "hint": pl.String,
}

#: characters that are invisible in Excel but break matching: zero-width, BOM, soft hyphen,
#: and control characters other than tab and line breaks (a CRM cannot store them)
_INVISIBLE = r"[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u180e\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
#: spaces other than U+0020: NBSP, full-width (ideographic) space, thin spaces
_WIDE_SPACES = r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
#: what separates several tags or names in one cell ("/" is not one for tags: it may
#: join a tag group and its tag)
_LIST_SEPARATORS = r"[,，、;；|\r\n]+"
_NAME_SEPARATORS = r"[,，、;；|/／\r\n]+"
_PHONE_LIKE = r"^\+?[\d\s\-()]{7,}$"
_DATE_PARTS = (
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def clean_text(column: pl.Expr) -> pl.Expr:
    """Trimmed text without invisible characters; an empty cell becomes null."""
    text = column.str.replace_all(_INVISIBLE, "").str.replace_all(_WIDE_SPACES, " ")
    text = text.str.strip_chars()
    # then(text) first, so the result keeps the column's name (then(None) would be "literal").
    return pl.when(text != "").then(text)


def normalise_field(cells: pl.Series, field: Field, template: Template) -> pl.DataFrame:
    """The RESULT columns for one field's cleaned cells."""
    normaliser = _NORMALISERS[field.type]
    return normaliser(cells, field, template).select(
        pl.col(name).cast(dtype) for name, dtype in RESULT.items()
    )


def _text(cells: pl.Series, field: Field, template: Template) -> pl.DataFrame:
    return _result(cells)


def _phone(cells: pl.Series, field: Field, template: Template) -> pl.DataFrame:
    rules = PhoneRules(
        region=template.region, types=field.number_types, output=template.output.phone
    )
    return normalise_phones(cells, rules)


def _tags(cells: pl.Series, field: Field, template: Template) -> pl.DataFrame:
    items = pl.DataFrame({"items": _split(cells, _LIST_SEPARATORS)})
    return _result(items.select(_join(pl.col("items"), template.output.separator)).to_series())


def _person(cells: pl.Series, field: Field, template: Template) -> pl.DataFrame:
    items = _split(cells, _NAME_SEPARATORS)
    frame = pl.DataFrame({"items": items}).with_columns(
        is_phone=pl.col("items").list.eval(pl.element().str.contains(_PHONE_LIKE)).list.any(),
        several=pl.col("items").list.len() > 1,
    )
    several = pl.col("several") & pl.lit(not field.multiple)
    code = (
        pl.when(pl.col("is_phone")).then(pl.lit("person.is_phone"))
        .when(several).then(pl.lit("person.multiple"))
        .otherwise(None)
    )
    return frame.select(
        value=_join(pl.col("items"), template.output.separator),
        code=code,
        detail_zh=pl.lit(None, pl.String),
        detail_en=pl.lit(None, pl.String),
        hint=pl.lit(None, pl.String),
    )


def _email(cells: pl.Series, field: Field, template: Template) -> pl.DataFrame:
    text = cells.str.normalize("NFKC").str.strip_chars()
    distinct = text.drop_nulls().unique().to_list()
    checked = [_check_email(s) for s in distinct]
    lookup = pl.DataFrame(
        {
            "text": distinct,
            "value": [c[0] for c in checked],
            "code": [None if c[0] else "email.invalid" for c in checked],
            "hint": [c[1] for c in checked],
        },
        schema={"text": pl.String, "value": pl.String, "code": pl.String, "hint": pl.String},
    )
    joined = pl.DataFrame({"text": text}).join(lookup, on="text", how="left",
                                              maintain_order="left")
    return joined.select(
        "value", "code",
        detail_zh=pl.lit(None, pl.String), detail_en=pl.lit(None, pl.String), hint="hint",
    )


def _check_email(address: str) -> tuple[str | None, str | None]:
    """(normalised address, None) when valid, else (None, a suggested fix or None)."""
    try:
        info = email_validator.validate_email(address, check_deliverability=False)
    except email_validator.EmailNotValidError:
        guess = address.replace("，", ".").replace(",", ".").replace("。", ".").replace(" ", "")
        if guess != address:
            fixed, _ = _check_email(guess)
            return None, fixed
        return None, None
    return info.normalized, None


def _date(cells: pl.Series, field: Field, template: Template) -> pl.DataFrame:
    text = pl.col("text")
    parts = text.str.extract_groups(_DATE_PARTS)
    iso = pl.concat_str(
        [parts.struct.field(n).str.zfill(2 if n != "1" else 4) for n in ("1", "2", "3")],
        separator="-",
    )
    serial = text.cast(pl.Float64, strict=False)
    date = pl.coalesce(
        iso.str.to_date("%Y-%m-%d", strict=False),
        # 20240105, as many Chinese exports write dates
        pl.when(text.str.contains(r"^\d{8}$")).then(text.str.to_date("%Y%m%d", strict=False)),
        # an Excel serial number (1927-2173) left behind when a date cell lost its format
        pl.when(serial.is_between(10_000, 99_999)).then(
            pl.lit(_EXCEL_EPOCH) + pl.duration(days=serial.floor().cast(pl.Int64))
        ),
    )
    frame = pl.DataFrame({"text": cells.str.normalize("NFKC").str.strip_chars()})
    return frame.select(
        value=date.dt.strftime("%Y-%m-%d"),
        code=pl.when(text.is_not_null() & date.is_null()).then(pl.lit("date.invalid")),
        detail_zh=pl.lit(None, pl.String),
        detail_en=pl.lit(None, pl.String),
        hint=pl.lit(None, pl.String),
    )


def _split(cells: pl.Series, separators: str) -> pl.Series:
    """A list cell as its items: split on any of `separators`, trimmed, without empty or
    repeated items."""
    return (
        cells.str.replace_all(separators, "\x1f")
        .str.split("\x1f")
        .list.eval(pl.element().str.strip_chars())
        .list.eval(pl.element().filter(pl.element() != ""))
        .list.unique(maintain_order=True)
    )


def _join(items: pl.Expr, separator: str) -> pl.Expr:
    """Items joined for upload; no items is an empty cell (null), never ""."""
    joined = items.list.join(separator)
    return pl.when(joined != "").then(joined)


def _result(values: pl.Series) -> pl.DataFrame:
    return pl.DataFrame({"value": values}).with_columns(
        code=pl.lit(None, pl.String),
        detail_zh=pl.lit(None, pl.String),
        detail_en=pl.lit(None, pl.String),
        hint=pl.lit(None, pl.String),
    )


_NORMALISERS: dict[str, Callable[[pl.Series, Field, Template], pl.DataFrame]] = {
    "text": _text,
    "phone": _phone,
    "email": _email,
    "tags": _tags,
    "person": _person,
    "date": _date,
}
