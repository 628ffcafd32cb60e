"""Email addresses: checked with email-validator (the syntax is a standard that is easy to get
subtly wrong), and for an invalid one, the fix when the mistake is one people make typing
Chinese addresses: a full-width or doubled @, a dot for the @ (liuyang.163.com), a missing
.com (zhangwei@163), a misspelt common domain in an address that is invalid anyway
(zhaolei@qq,con). An address valid in form is accepted as it is, even li@gmial.com: only
the mail server could say it does not exist."""

from __future__ import annotations

import difflib
import re

import email_validator
import polars as pl

from crmkit.template import Field, Template

#: the mail domains Chinese customer lists are full of, and the other big ones; a bare name
#: (163) or a near miss (163.con) of one of these is completed or corrected
COMMON_DOMAINS = (
    "qq.com", "163.com", "126.com", "sina.com", "sina.cn", "sohu.com", "foxmail.com",
    "139.com", "yeah.net", "aliyun.com", "vip.qq.com", "vip.163.com", "gmail.com",
    "outlook.com", "hotmail.com", "yahoo.com", "icloud.com",
)
_BARE = {d.split(".")[0]: d for d in reversed(COMMON_DOMAINS) if d.count(".") == 1}
_SEPARATORS = str.maketrans({"，": ".", ",": ".", "。": ".", "＠": "@", " ": ""})


#: plain ASCII addresses email-validator accepts unchanged but for the domain's case: a
#: dot-atom local part of common characters, a domain of LDH labels under a letters-only
#: top-level domain. They are settled column-wise; the rest go to email-validator one by
#: one (a property test checks the two agree).
_PLAIN = (
    r"^[A-Za-z0-9_%+-]{1,64}(?:\.[A-Za-z0-9_%+-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
#: what email-validator refuses or rewrites although it looks plain: special-use top-level
#: domains (RFC 6761) and IDNA labels (xn--), which it decodes
_NOT_PLAIN = r"(?i)\.(?:test|local|localhost|invalid|onion|arpa)$|(?:^|[@.])xn--"
_MAX_LENGTH = 254
_MAX_LOCAL = 64


def plain_addresses(text: pl.Expr) -> pl.Expr:
    """Whether each address is plain enough to settle without email-validator."""
    local = text.str.extract(r"^(.*)@", 1)
    return (
        text.str.contains(_PLAIN) & ~text.str.contains(_NOT_PLAIN)
        & (text.str.len_bytes() <= _MAX_LENGTH) & (local.str.len_bytes() <= _MAX_LOCAL)
    ).fill_null(False)


def normalise_emails(cells: pl.Series, field: Field, template: Template) -> pl.DataFrame:
    """value (normalised address), code (email.invalid), hint (the repaired address)."""
    frame = pl.DataFrame({"text": cells.str.normalize("NFKC").str.strip_chars()})
    frame = frame.with_columns(plain=plain_addresses(pl.col("text")))
    # A plain address is valid, and normalised by lower-casing its domain.
    plain_value = pl.concat_str(
        pl.col("text").str.extract(r"^(.*)@", 1), pl.lit("@"),
        pl.col("text").str.extract(r"@(.*)$", 1).str.to_lowercase(),
    )
    text = frame.filter(~pl.col("plain")).get_column("text")
    rest = _check_each(text)
    joined = frame.join(rest, on="text", how="left", maintain_order="left")
    return joined.select(
        value=pl.when("plain").then(plain_value).otherwise("value"),
        code=pl.when("plain").then(None).otherwise("code"),
        detail_zh=pl.lit(None, pl.String), detail_en=pl.lit(None, pl.String),
        hint=pl.when("plain").then(None).otherwise("hint"),
    )


def _check_each(text: pl.Series) -> pl.DataFrame:
    """check_email on each distinct address: text, value, code, hint."""
    distinct = text.drop_nulls().unique().to_list()
    checked = [check_email(s) for s in distinct]
    lookup = pl.DataFrame(
        {
            "text": distinct,
            "value": [c[0] for c in checked],
            "code": [None if c[0] else "email.invalid" for c in checked],
            "hint": [c[1] for c in checked],
        },
        schema={"text": pl.String, "value": pl.String, "code": pl.String, "hint": pl.String},
    )
    return lookup


def check_email(address: str) -> tuple[str | None, str | None]:
    """(normalised address, None) when valid, else (None, a repaired address or None)."""
    valid = _valid(address)
    if valid is not None:
        return valid, None
    for guess in _repairs(address):
        repaired = _valid(guess)
        if repaired is not None and repaired != address:
            return None, repaired
    return None, None


def _valid(address: str) -> str | None:
    try:
        return email_validator.validate_email(address, check_deliverability=False).normalized
    except email_validator.EmailNotValidError:
        return None


def _repairs(address: str) -> list[str]:
    """Candidate fixes, the most certain first."""
    text = re.sub("@+", "@", address.translate(_SEPARATORS)).strip(".")
    guesses = [text]
    if "@" not in text:
        # liuyang.163.com: the dot before a common domain stands for the @.
        for domain in COMMON_DOMAINS:
            if text.lower().endswith("." + domain) and len(text) > len(domain) + 1:
                guesses.append(f"{text[:-len(domain) - 1]}@{domain}")
        return guesses
    local, _, domain = text.rpartition("@")
    domain = domain.lower()
    if domain in _BARE:  # zhangwei@163
        return [f"{local}@{_BARE[domain]}", *guesses]
    close = difflib.get_close_matches(domain, COMMON_DOMAINS, n=1, cutoff=0.8)
    if close and close[0] != domain:
        # qq,con -> qq.con is valid syntax but still wrong: the common domain comes first.
        return [f"{local}@{close[0]}", *guesses]
    return guesses
