"""Choice and bool cells: matched loosely, written as the template spells them, the closest
option suggested for a miss."""

from __future__ import annotations

import dataclasses

import polars as pl

from crmkit.choices import normalise_bools, normalise_choices
from crmkit.template import Field, Option, Output, load_template

TPL = load_template()
LEVEL = Field(key="level", header="客户级别", type="choice", options=(
    Option("A类", ("A", "重点")), Option("B类", ("B",)), Option("C类"),
))


def frame(cells: list[str | None], fn: object = normalise_choices, field: Field = LEVEL,
          tpl: object = TPL) -> pl.DataFrame:
    return fn(pl.Series(cells, dtype=pl.String), field, tpl)  # type: ignore[operator, no-any-return]


def test_options_match_ignoring_case_width_and_spaces_and_come_out_as_the_option() -> None:
    result = frame(["A类", "a 类", "Ａ类", "重点", "b", None])
    assert result["value"].to_list() == ["A类", "A类", "A类", "A类", "B类", None]
    assert result["code"].to_list() == [None] * 6


def test_a_value_outside_the_options_is_rejected_with_the_options_and_the_closest() -> None:
    result = frame(["B类客户", "重要客户"])
    assert result["code"].to_list() == ["choice.invalid"] * 2
    assert result["detail_zh"][0] == "A类、B类、C类"
    assert result["hint"].to_list() == ["B类", None]
    assert result["value"].to_list() == [None, None]


def test_bools_accept_the_usual_words_and_write_the_templates_words() -> None:
    flag = Field(key="signed", header="是否签约", type="bool")
    cells = ["是", "否", "YES", "n", "1", "0", "✓", "×", "对", "没有", None]
    result = frame(cells, normalise_bools, flag)
    assert result["value"].to_list() == ["是", "否", "是", "否", "是", "否", "是", "否", "是", "否",
                                         None]
    tpl = dataclasses.replace(TPL, output=Output(bool=("Y", "N")))
    assert frame(["是", "no"], normalise_bools, flag, tpl)["value"].to_list() == ["Y", "N"]


def test_a_word_that_is_not_yes_or_no_is_rejected() -> None:
    flag = Field(key="signed", header="是否签约", type="bool")
    result = frame(["也许", "2"], normalise_bools, flag)
    assert result["code"].to_list() == ["bool.invalid"] * 2
