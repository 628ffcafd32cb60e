"""Normalising cells: invisible characters go, lists are tidied, emails and dates are read."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.normalise import clean_text, has_text, normalise_field
from crmkit.template import Field, load_template

TPL = load_template()
FIELDS = {f.key: f for f in TPL.fields}


def values(key: str | Field, cells: list[str | None]) -> list[tuple[str | None, str | None]]:
    field = FIELDS[key] if isinstance(key, str) else key
    result = normalise_field(pl.Series(cells, dtype=pl.String), field, TPL)
    return list(zip(result["value"].to_list(), result["code"].to_list(), strict=True))


def test_clean_text_trims_and_removes_invisible_characters() -> None:
    cells = pl.Series(["  张三 ", "\u200b李四\ufeff", "王\u00a0五", "\u3000", "", None, "a\nb",
                       "甲\x01\x07公司", "\x0b"])
    cleaned = pl.select(clean_text(pl.lit(cells))).to_series().to_list()
    assert cleaned == ["张三", "李四", "王 五", None, None, None, "a\nb", "甲公司", None]
    # The column keeps its name, so several columns can be cleaned in one select.
    frame = pl.DataFrame({"a": [" x "], "b": ["\u3000"]})
    assert frame.select(clean_text(pl.col(c)) for c in frame.columns).rows() == [("x", None)]


def test_tags_are_split_on_every_usual_separator_trimmed_and_deduplicated() -> None:
    cells = ["VIP，重要、 VIP;新客户\n", "A；B|C", ",, ，", None, "单个"]
    assert values("tags", cells) == [
        ("VIP,重要,新客户", None), ("A,B,C", None), (None, None), (None, None), ("单个", None),
    ]


def test_owner_takes_one_real_name() -> None:
    assert values("owner", ["张伟", "张伟、李娜", "王芳/刘洋", "王芳／刘洋", "13800138000",
                            "138-0013-8000"]) == [
        ("张伟", None),
        ("张伟,李娜", "person.multiple"),
        ("王芳,刘洋", "person.multiple"),
        ("王芳,刘洋", "person.multiple"),
        ("13800138000", "person.is_phone"),
        ("138-0013-8000", "person.is_phone"),
    ]


def test_share_to_takes_several_names_but_no_phone_numbers() -> None:
    assert values("share_to", ["张伟，李娜、张伟", "李娜 13800138000"]) == [
        ("张伟,李娜", None),
        ("李娜 13800138000", None),  # one odd name, but not a phone number on its own
    ]
    assert values("share_to", ["张伟,13800138000"])[0][1] == "person.is_phone"
    assert values("share_to", ["、，/"]) == [(None, None)]  # only separators: empty


def test_emails_are_checked_by_syntax_and_full_width_forms_are_fixed() -> None:
    cells = ["Zhang@Example.COM", "ｚｈａｎｇ＠qq.com", "bad@", "no at sign", "a@b@c.com", None]
    assert values("email", cells) == [
        ("Zhang@example.com", None), ("zhang@qq.com", None), (None, "email.invalid"),
        (None, "email.invalid"), (None, "email.invalid"), (None, None),
    ]


def test_email_with_a_comma_for_a_dot_gets_a_suggestion() -> None:
    result = normalise_field(pl.Series(["li@163，com"]), FIELDS["email"], TPL)
    assert result.row(0, named=True)["hint"] == "li@163.com"


DATE = Field(key="day", header="日期", type="date")


@pytest.mark.parametrize(
    "cell",
    ["2024-01-05", "2024/1/5", "2024.1.5", "2024年1月5日", "2024 年 1 月 5 日", "20240105",
     "45296", "2024-01-05 10:30:00", "２０２４－０１－０５"],
)
def test_dates_in_every_usual_form_come_out_iso(cell: str) -> None:
    assert values(DATE, [cell]) == [("2024-01-05", None)]


@pytest.mark.parametrize("cell", ["2024-02-30", "下周一", "2024-13-01", "123", "31/31/2024"])
def test_unreadable_dates_are_rejected(cell: str) -> None:
    expected = "date.ambiguous" if cell.count("/") == 2 else "date.invalid"
    assert values(DATE, [cell]) == [(None, expected)]


SPEND = Field(key="spend", header="年消费额", type="number", minimum=0, maximum=1_000_000,
              decimals=2)


def test_numbers_lose_thousands_separators_and_keep_their_digits() -> None:
    assert values(SPEND, ["1,234.50", "１２３４", "+12", " 0.5 ", ".5", None]) == [
        ("1234.50", None), ("1234", None), ("12", None), ("0.5", None), (".5", None),
        (None, None),
    ]


@pytest.mark.parametrize(("cell", "code"), [
    ("12元", "number.invalid"), ("1.2.3", "number.invalid"), ("1,23", "number.invalid"),
    ("-1", "number.out_of_range"), ("2000000", "number.out_of_range"),
    ("1.234", "number.decimals"),
])
def test_numbers_out_of_form_range_or_precision_are_rejected(cell: str, code: str) -> None:
    assert values(SPEND, [cell])[0][1] == code


def test_urls_need_a_scheme_and_a_host_and_the_fix_is_suggested() -> None:
    site = Field(key="site", header="官网", type="url")
    result = normalise_field(pl.Series(["https://example.com/a?b=1", "www.example.com",
                                        "http://localhost", "官网"]), site, TPL)
    assert result["code"].to_list() == [None, "url.invalid", "url.invalid", "url.invalid"]
    assert result["hint"].to_list() == [None, "https://www.example.com", None, None]


def test_text_pattern_must_match_the_whole_cell() -> None:
    member = Field(key="member", header="会员编号", type="text", pattern=r"VIP\d{6}",
                   help="VIP 加 6 位数字")
    result = normalise_field(pl.Series(["VIP000123", "VIP0001234", "vip000123", None]),
                             member, TPL)
    assert result["code"].to_list() == [None, "text.pattern", "text.pattern", None]
    assert result["value"].to_list() == ["VIP000123", "VIP0001234", "vip000123", None]
    assert result["detail_zh"][1] == "（VIP 加 6 位数字）"


@given(st.text(alphabet=" \t\r\n\u00a0\u3000\u2007\u202f\u205f\u1680\u2028\u0085"
               "\u200b\u200e\ufeff\u00ad\u180e\u2060\x01\x0b\x1f\x7fa中", max_size=6))
def test_has_text_agrees_with_clean_text(cell: str) -> None:
    # Blank rows are found with has_text, cells are cleaned with clean_text: a row one calls
    # blank and the other filled would be lost, or checked as an empty customer.
    frame = pl.DataFrame({"c": [cell, None]}, schema={"c": pl.String})
    cleaned = frame.select(clean_text(pl.col("c")).is_not_null()).to_series().to_list()
    assert frame.select(has_text(pl.col("c"))).to_series().to_list() == cleaned
