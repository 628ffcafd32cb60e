"""Phone numbers: cleaned, classified and written in the template's output form.

Column-wise on polars: the common case (a mobile number of the template's region, with or
without +86 / 0086 / 86) is settled by a regular expression taken from phonenumbers' own
metadata, so it agrees with phonenumbers by construction; everything else goes through
phonenumbers once per distinct cleaned number.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import phonenumbers
import polars as pl
from phonenumbers import PhoneNumberFormat, PhoneNumberType

#: cells that lost digits when a number went through Excel's General format as text
_SCIENTIFIC = r"^\+?\d+(?:\.\d+)?[eE]\+?\d+$"
#: the numbers of a cell holding several (13800000001/13900000002), as a regex of one
NUMBER_TOKENS = r"[^\s/,;、|或]+"
#: digit grouping people type: 138-0013-8000, (010) 1234 5678, 138.0013.8000
_SEPARATORS = r"[\s\-‐‑–—()\[\]{}.·]"
#: a float artefact from a text export: 13800138000.0
_FLOAT_TAIL = r"^(\+?\d+)\.0+$"
_EXTENSION = re.compile(r"^(\+?\d+)(?:转|分机|ext|x|#)(\d{1,6})$", re.IGNORECASE)

_TYPE_NAMES: dict[int, tuple[str, str, str]] = {
    # number type -> (template name, Chinese, English)
    PhoneNumberType.FIXED_LINE: ("fixed_line", "固定电话", "a fixed-line number"),
    PhoneNumberType.MOBILE: ("mobile", "手机号码", "a mobile number"),
    PhoneNumberType.TOLL_FREE: ("toll_free", "免费电话", "a toll-free number"),
    PhoneNumberType.PREMIUM_RATE: ("premium_rate", "付费电话", "a premium-rate number"),
    PhoneNumberType.SHARED_COST: ("shared_cost", "400 类企业电话", "a shared-cost number"),
    PhoneNumberType.VOIP: ("voip", "网络电话", "a VoIP number"),
    PhoneNumberType.PERSONAL_NUMBER: ("personal_number", "个人号码", "a personal number"),
    PhoneNumberType.PAGER: ("pager", "寻呼机号码", "a pager number"),
    PhoneNumberType.UAN: ("uan", "统一接入号码", "a universal access number"),
    PhoneNumberType.VOICEMAIL: ("voicemail", "语音信箱号码", "a voicemail number"),
}

@dataclass(frozen=True)
class PhoneRules:
    """What the template accepts and how it wants numbers written."""

    region: str = "CN"
    #: accepted number types by template name; empty accepts every valid number
    types: tuple[str, ...] = ("mobile",)
    #: "national" (the region's numbers in national digits, others E.164) or "e164"
    output: str = "national"
    #: the regions whose numbers are accepted (empty: any)
    regions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """What one cleaned number is: the output form, or the code and detail of its problem."""

    value: str | None
    code: str | None = None
    detail_zh: str | None = None
    detail_en: str | None = None
    hint: str | None = None


def normalise_phones(cells: pl.Series, rules: PhoneRules) -> pl.DataFrame:
    """Clean and classify phone cells (null = empty): value, code, detail_zh, detail_en, hint."""
    text = cells.str.normalize("NFKC")
    frame = pl.DataFrame({"text": text}).with_columns(
        digits_lost=pl.col("text").str.contains(_SCIENTIFIC),
        multiple=pl.col("text")
        .str.extract_all(NUMBER_TOKENS)
        .list.eval(pl.element().str.count_matches(r"\d") >= 7)
        .list.sum()
        >= 2,
        cleaned=pl.col("text")
        .str.strip_chars(",;、|")
        .str.replace(_FLOAT_TAIL, "${1}")
        .str.replace_all(_SEPARATORS, ""),
    )
    frame = frame.with_columns(
        fast=pl.when(~pl.col("digits_lost") & ~pl.col("multiple")).then(
            pl.col("cleaned").str.extract(_fast_pattern(rules.region), 1)
        )
    )

    slow_inputs = (
        frame.filter(
            pl.col("text").is_not_null()
            & pl.col("fast").is_null()
            & ~pl.col("digits_lost")
            & ~pl.col("multiple")
        )
        .get_column("cleaned")
        .unique()
        .to_list()
    )
    verdicts = [_classify(s, rules) for s in slow_inputs]
    lookup = pl.DataFrame(
        {
            "cleaned": slow_inputs,
            "s_value": [v.value for v in verdicts],
            "s_code": [v.code for v in verdicts],
            "s_detail_zh": [v.detail_zh for v in verdicts],
            "s_detail_en": [v.detail_en for v in verdicts],
            "s_hint": [v.hint for v in verdicts],
        },
        schema={"cleaned": pl.String, "s_value": pl.String, "s_code": pl.String,
                "s_detail_zh": pl.String, "s_detail_en": pl.String, "s_hint": pl.String},
    )
    frame = frame.join(lookup, on="cleaned", how="left", maintain_order="left")

    mobile_ok = not rules.types or "mobile" in rules.types
    # A fast-path number is one of the template's own region: is that region accepted?
    region_ok = not rules.regions or rules.region in rules.regions
    fast_code = None if mobile_ok else _type_code(rules)
    if not region_ok:
        fast_code = "phone.region_not_allowed"
    fast_zh, fast_en = ("手机号码", "a mobile number") if region_ok else _region_names(
        rules.region)
    fast_value = _fast_output(rules)
    frame = frame.with_columns(multiple_hint=_multiple_hints(frame, rules))
    return frame.select(
        value=pl.when(pl.col("fast").is_not_null() & pl.lit(mobile_ok and region_ok))
        .then(fast_value)
        .otherwise(pl.col("s_value")),
        code=pl.when(pl.col("text").is_null())
        .then(None)
        .when(pl.col("digits_lost"))
        .then(pl.lit("phone.digits_lost"))
        .when(pl.col("multiple"))
        .then(pl.lit("phone.multiple"))
        .when(pl.col("fast").is_not_null())
        .then(pl.lit(fast_code, pl.String))
        .otherwise(pl.col("s_code")),
        detail_zh=pl.when(pl.col("fast").is_not_null() & pl.lit(fast_code is not None))
        .then(pl.lit(fast_zh))
        .otherwise(pl.col("s_detail_zh")),
        detail_en=pl.when(pl.col("fast").is_not_null() & pl.lit(fast_code is not None))
        .then(pl.lit(fast_en))
        .otherwise(pl.col("s_detail_en")),
        hint=pl.when(pl.col("multiple"))
        .then(pl.col("multiple_hint"))
        .otherwise(pl.col("s_hint")),
    )


#: regions whose mobile numbers the fast path settles. For CN the mobile pattern overlaps no
#: other number type and the national form is the bare 11 digits, so a match means exactly
#: what phonenumbers would say (tests/test_phones.py checks it). Elsewhere a trunk prefix
#: (GB 07...) or overlapping types would make the shortcut disagree: phonenumbers decides.
_FAST_REGIONS = frozenset({"CN"})
_NO_MATCH = r"^\b$"


@functools.lru_cache(maxsize=16)
def _fast_pattern(region: str) -> str:
    """A regex whose group 1 is the national number of a mobile number of `region`."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region.upper())
    if (region.upper() not in _FAST_REGIONS or metadata is None or metadata.mobile is None
            or not metadata.mobile.national_number_pattern):
        return _NO_MATCH
    cc = metadata.country_code
    prefix = metadata.international_prefix or "00"
    idd = prefix if re.fullmatch(r"\d+", prefix) else "00"
    mobile = metadata.mobile.national_number_pattern
    return rf"^(?:\+{cc}|{idd}{cc}|{cc})?((?:{mobile}))$"


def _fast_output(rules: PhoneRules) -> pl.Expr:
    if rules.output == "e164":
        cc = phonenumbers.country_code_for_region(rules.region.upper())
        return pl.lit(f"+{cc}") + pl.col("fast")
    return pl.col("fast")


def _type_code(rules: PhoneRules) -> str:
    return "phone.not_mobile" if rules.types == ("mobile",) else "phone.type_not_allowed"


def _classify(cleaned: str, rules: PhoneRules) -> Verdict:
    """Everything the fast path could not settle, through phonenumbers."""
    number, ext = cleaned, None
    match = _EXTENSION.match(cleaned)
    if match:
        number, ext = match.group(1), match.group(2)
    odd = re.sub(r"[\d+]", "", number)
    if odd:
        return _invalid_chars(number, odd, rules)
    if "+" in number[1:]:
        return Verdict(None, "phone.invalid", "（“+”只能写在号码最前面）",
                       " (a \"+\" may only stand at the start)",
                       _suggest("+" + number.replace("+", ""), rules))
    try:
        parsed = phonenumbers.parse(number, rules.region)
    except phonenumbers.NumberParseException:
        return _invalid_length(number)
    if not phonenumbers.is_valid_number(parsed):
        return _invalid_length(number)
    ntype = phonenumbers.number_type(parsed)
    kinds = _kinds(ntype)
    if ext and kinds == ("mobile",):
        return Verdict(None, "phone.invalid", "（手机号码不能带分机号）",
                       " (a mobile number has no extension)", _suggest(number, rules))
    if rules.types and not set(kinds) & set(rules.types):
        _, zh, en = _TYPE_NAMES.get(ntype, ("unknown", "未知类型的号码", "an unknown kind"))
        return Verdict(None, _type_code(rules), zh, en)
    region = phonenumbers.region_code_for_number(parsed)
    if rules.regions and region not in rules.regions:
        zh, en = _region_names(region or "")
        return Verdict(None, "phone.region_not_allowed", zh, en)
    if rules.output == "national" and region == rules.region:
        value = re.sub(r"\D", "", phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL))
    else:
        value = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    if ext:
        value = f"{value}转{ext}"
    return Verdict(value)


def _region_names(region: str) -> tuple[str, str]:
    """How a region is named in messages: its code, with the calling code."""
    code = phonenumbers.country_code_for_region(region) if region else 0
    name = f"{region}（+{code}）" if code else (region or "未知地区")
    return name, f"{region} (+{code})" if code else (region or "an unknown region")


def _kinds(ntype: int) -> tuple[str, ...]:
    if ntype == PhoneNumberType.FIXED_LINE_OR_MOBILE:
        return ("fixed_line", "mobile")
    name = _TYPE_NAMES.get(ntype)
    return (name[0],) if name else ()


def _invalid_chars(number: str, odd: str, rules: PhoneRules) -> Verdict:
    letters = "".join(dict.fromkeys(c for c in odd if c.isascii() and c.isalpha()))
    if letters:
        # l, I and O typed for 1 and 0 are the usual culprits; suggest the fix if it is valid.
        hint = _suggest(number.translate(str.maketrans("lIiOo", "11100")), rules)
        similar = ("，是否误输入了数字 1 或 0？", ": a mistyped 1 or 0?") if hint else ("", "")
        return Verdict(
            None, "phone.invalid", f"（含有字母 {letters}{similar[0]}）",
            f" (it contains the letter(s) {letters}{similar[1]})", hint,
        )
    shown = "".join(dict.fromkeys(odd))[:5]
    # A label typed into the cell (手机：138...) is harmless once removed: suggest that.
    return Verdict(
        None, "phone.invalid", f"（含有非数字字符「{shown}」）", f" (it contains \"{shown}\")",
        _suggest(re.sub(r"[^\d+]", "", number), rules),
    )


def _suggest(guess: str, rules: PhoneRules) -> str | None:
    """The output form of `guess` if it is an acceptable number, else None."""
    if not re.fullmatch(r"\+?\d{5,}", guess):
        return None
    return _classify(guess, rules).value


def _invalid_length(number: str) -> Verdict:
    digits = number.lstrip("+")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) > 11:
            digits = digits[len(prefix):]
            break
    if digits.startswith("1") and len(digits) != 11 and 8 <= len(digits) <= 13:
        return Verdict(
            None, "phone.invalid",
            f"（手机号码应为 11 位，这里是 {len(digits)} 位）",
            f" (a mobile number has 11 digits; this one has {len(digits)})",
        )
    return Verdict(None, "phone.invalid")


def _multiple_hints(frame: pl.DataFrame, rules: PhoneRules) -> pl.Series:
    """For cells holding several numbers: the first acceptable one, as a suggestion."""
    hints: list[str | None] = [None] * frame.height
    rows = frame.with_row_index("i").filter(pl.col("multiple")).select("i", "text")
    for i, text in rows.iter_rows():
        for token in re.findall(NUMBER_TOKENS, text):
            cleaned = re.sub(_SEPARATORS, "", token)
            if cleaned and (found := _classify(cleaned, rules)).code is None:
                hints[i] = found.value
                break
    return pl.Series("multiple_hint", hints, dtype=pl.String)
