"""Normalising cells, column by column: clean text, then each field type's own form.

Every type normaliser takes a column of cleaned cells (null = empty) and returns a frame with
the same rows and the columns of RESULT: the value to upload, and for a cell that cannot be
uploaded, the issue code, a detail for its message and a suggested fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl

from crmkit.choices import normalise_bools, normalise_choices
from crmkit.dates import normalise_dates
from crmkit.emails import normalise_emails
from crmkit.phones import PhoneRules, normalise_phones
from crmkit.tags import join_items, normalise_tags, split_items
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
#: a character clean_text keeps: not invisible, and not a space of any kind (\s is Unicode
#: White_Space, which holds _WIDE_SPACES and every character strip_chars strips)
_VISIBLE = r"[^\s\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u180e\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
#: what separates several colleagues' names in one cell
NAME_SEPARATORS = r"[,，、;；|/／\r\n]+"
_PHONE_LIKE = r"^\+?[\d\s\-()]{7,}$"
#: http(s), a host with a dot, then anything without spaces
_URL = r"(?i)^https?://[^\s/?#.]+(\.[^\s/?#.]+)+(:\d+)?([/?#]\S*)?$"


def clean_text(column: pl.Expr) -> pl.Expr:
    """Trimmed text without invisible characters; an empty cell becomes null."""
    text = column.str.replace_all(_INVISIBLE, "").str.replace_all(_WIDE_SPACES, " ")
    text = text.str.strip_chars()
    # then(text) first, so the result keeps the column's name (then(None) would be "literal").
    return pl.when(text != "").then(text)


def has_text(column: pl.Expr) -> pl.Expr:
    """Whether clean_text leaves anything of a cell (false for an empty cell), found without
    building the cleaned text: one character that is neither invisible nor a space."""
    return column.str.contains(_VISIBLE).fill_null(False)


def normalise_field(
    cells: pl.Series, field: Field, template: Template, *, date1904: bool = False
) -> pl.DataFrame:
    """The RESULT columns for one field's cleaned cells. `date1904`: the workbook counts
    its serial dates from 1904 (old Mac Excel), which matters for bare serial numbers."""
    if field.type == "date":
        result = normalise_dates(cells, field, template, date1904=date1904)
    else:
        result = _NORMALISERS[field.type](cells, field, template)
    return result.select(
        pl.col(name).cast(dtype) for name, dtype in RESULT.items()
    )


def _text(cells: pl.Series, field: Field, template: Template) -> pl.DataFrame:
    if field.pattern is None:
        return _result(cells)
    # Python's re, per distinct value: the engine `template check` compiled the pattern with.
    pattern = re.compile(field.pattern)
    distinct = cells.drop_nulls().unique().to_list()
    failing = [s for s in distinct if pattern.fullmatch(s) is None]
    bad = cells.is_in(failing).fill_null(False)
    return pl.DataFrame({"value": cells, "bad": bad}).select(
        "value",
        code=pl.when("bad").then(pl.lit("text.pattern")),
        detail_zh=pl.when("bad").then(pl.lit(f"（{field.help}）" if field.help else None,
                                              pl.String)),
        detail_en=pl.lit(None, pl.String),
        hint=pl.lit(None, pl.String),
    )


def _phone(cells: pl.Series, field: Field, template: Template) -> pl.DataFrame:
    # Two upload columns (country code, national number) are cut from E.164 when written.
    output = "e164" if template.output.phone == "state_code+mobile" else template.output.phone
    rules = PhoneRules(
        region=template.region, types=field.number_types, output=output, regions=field.regions
    )
    return normalise_phones(cells, rules)


def _tags(cells: pl.Series, field: Field, template: Template) -> pl.DataFrame:
    return normalise_tags(cells, template)


def _person(cells: pl.Series, field: Field, template: Template) -> pl.DataFrame:
    items = split_items(cells, NAME_SEPARATORS)
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
        value=join_items(pl.col("items"), template.output.separator),
        code=code,
        detail_zh=pl.lit(None, pl.String),
        detail_en=pl.lit(None, pl.String),
        hint=pl.lit(None, pl.String),
    )


def _number(cells: pl.Series, field: Field, template: Template) -> pl.DataFrame:
    text = pl.col("text")
    # 1,234.5 with thousands separators, or plain digits; full-width forms are NFKC'd first.
    grouped = text.str.contains(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
    plain = text.str.contains(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
    digits = pl.when(grouped | plain).then(text.str.replace_all(",", "").str.strip_prefix("+"))
    number = digits.cast(pl.Float64, strict=False)
    decimals = digits.str.extract(r"\.(\d*)$").str.len_chars().fill_null(0)
    low, high = field.minimum, field.maximum
    out_of_range = pl.lit(False)
    if low is not None:
        out_of_range = out_of_range | (number < low)
    if high is not None:
        out_of_range = out_of_range | (number > high)
    too_precise = decimals > field.decimals if field.decimals is not None else pl.lit(False)
    bounds = _range_text(low, high)
    frame = pl.DataFrame({"text": cells.str.normalize("NFKC").str.replace_all(r"\s", "")})
    return frame.select(
        value=digits,
        code=pl.when(text.is_null()).then(None)
        .when(number.is_null()).then(pl.lit("number.invalid"))
        .when(out_of_range).then(pl.lit("number.out_of_range"))
        .when(too_precise).then(pl.lit("number.decimals")),
        detail_zh=pl.when(out_of_range).then(pl.lit(bounds[0]))
        .when(too_precise).then(pl.lit(str(field.decimals))),
        detail_en=pl.when(out_of_range).then(pl.lit(bounds[1]))
        .when(too_precise).then(pl.lit(str(field.decimals))),
        hint=pl.lit(None, pl.String),
    )


def _range_text(low: float | None, high: float | None) -> tuple[str, str]:
    if low is not None and high is not None:
        return f"{low:g} 到 {high:g}", f"{low:g} to {high:g}"
    if low is not None:
        return f"不小于 {low:g}", f"at least {low:g}"
    if high is not None:
        return f"不大于 {high:g}", f"at most {high:g}"
    return "", ""


def _url(cells: pl.Series, field: Field, template: Template) -> pl.DataFrame:
    text = pl.col("text")
    valid = text.str.contains(_URL)
    # www.example.com lacks only the scheme: suggest it rather than add it silently.
    guess = pl.lit("https://") + text
    return pl.DataFrame({"text": cells.str.strip_chars()}).select(
        value=pl.when(valid).then(text),
        code=pl.when(text.is_not_null() & ~valid).then(pl.lit("url.invalid")),
        detail_zh=pl.lit(None, pl.String),
        detail_en=pl.lit(None, pl.String),
        hint=pl.when(text.is_not_null() & ~valid & guess.str.contains(_URL)).then(guess),
    )


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
    "email": normalise_emails,
    "number": _number,
    "choice": normalise_choices,
    "tags": _tags,
    "person": _person,
    "url": _url,
    "bool": normalise_bools,
}
