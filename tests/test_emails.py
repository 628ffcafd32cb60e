"""Email addresses: valid ones normalised, invalid ones given the fix people would make."""

from __future__ import annotations

import polars as pl
import pytest

from crmkit.emails import check_email, normalise_emails
from crmkit.template import Field, load_template


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
