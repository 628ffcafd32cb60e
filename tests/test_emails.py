"""Email addresses: valid ones normalised, invalid ones given the fix people would make."""

from __future__ import annotations

import unicodedata

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmkit.emails import check_email, normalise_emails, plain_addresses
from crmkit.template import Field, load_template

TPL = load_template()


@pytest.mark.parametrize(("typed", "fix"), [
    ("wangfang@@126.com", "wangfang@126.com"),     # a doubled @
    ("wangfang＠126.com", "wangfang@126.com"),      # a full-width @
    ("zhangwei@163", "zhangwei@163.com"),          # the .com forgotten
    ("zhangwei@QQ", "zhangwei@qq.com"),
    ("liuyang.163.com", "liuyang@163.com"),        # a dot for the @
    ("li si@sina.com", "lisi@sina.com"),           # a space inside
    ("chen,jing@foxmail.com", "chen.jing@foxmail.com"),  # a comma (or ，) for a dot
    ("zhaolei@qq,con", "zhaolei@qq.com"),          # and a misspelt domain
])
def test_common_mistakes_get_their_fix(typed: str, fix: str) -> None:
    assert check_email(typed) == (None, fix)


@pytest.mark.parametrize("typed", ["bad@", "foo", "@163.com", "a@b@c@"])
def test_an_address_crmkit_cannot_repair_gets_no_guess(typed: str) -> None:
    assert check_email(typed) == (None, None)


def test_valid_addresses_are_kept_and_normalised() -> None:
    assert check_email("Zhang.Wei@Example.COM") == ("Zhang.Wei@example.com", None)


def test_the_fix_is_the_suggestion_of_the_issue() -> None:
    field = Field(key="email", header="邮箱", type="email")
    result = normalise_emails(pl.Series(["zhangwei@163", "ok@qq.com", None]), field,
                              load_template())
    assert result["code"].to_list() == ["email.invalid", None, None]
    assert result["hint"].to_list() == ["zhangwei@163.com", None, None]


ADDRESS_PARTS = st.text(alphabet="abcXYZ019._%+-@!#中", min_size=0, max_size=12)
DOMAINS = st.sampled_from(["qq.com", "163.COM", "example.test", "a.b", "x.local", "xn--fsq.com",
                           "a-.com", "-a.com", "a.c0m", "a.123", "sub.example.org", "localhost"])


@settings(max_examples=400, deadline=None)
@given(local=ADDRESS_PARTS, domain=DOMAINS | ADDRESS_PARTS)
def test_the_column_wise_path_agrees_with_email_validator(local: str, domain: str) -> None:
    address = f"{local}@{domain}"
    series = pl.Series([address])
    plain = pl.select(plain_addresses(pl.lit(series))).to_series()[0]
    result = normalise_emails(series, Field(key="email", header="邮箱", type="email"), TPL)
    expected, _ = check_email(unicodedata.normalize("NFKC", address).strip())
    assert result["value"][0] == expected, (address, plain)
    assert (result["code"][0] is None) == (expected is not None)


def test_plain_addresses_are_settled_without_email_validator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import crmkit.emails as emails

    calls: list[str] = []
    monkeypatch.setattr(emails, "check_email", lambda a: calls.append(a) or (None, None))
    cells = pl.Series(["Zhang.Wei@Example.COM", "li+tag@qq.com", "bad@", None])
    result = normalise_emails(cells, Field(key="email", header="邮箱", type="email"), TPL)
    assert result["value"].to_list() == ["Zhang.Wei@example.com", "li+tag@qq.com", None, None]
    assert calls == ["bad@"]
