"""Tags against tag groups: known, unknown (closest suggested), ambiguous, and exclusive."""

from __future__ import annotations

import dataclasses

import polars as pl

from crmkit.tags import normalise_tags
from crmkit.template import Output, TagGroup, load_template

BASE = load_template()
TPL = dataclasses.replace(BASE, tag_groups=(
    TagGroup("客户阶段", ("潜在客户", "意向客户", "成交客户")),
    TagGroup("来源", ("展会", "官网", "其他")),
    TagGroup("兴趣", ("茶叶", "咖啡", "其他"), exclusive=False),
))


def tags(cells: list[str | None], tpl: object = TPL) -> pl.DataFrame:
    return normalise_tags(pl.Series(cells, dtype=pl.String), tpl)  # type: ignore[arg-type]


def test_known_tags_plain_or_with_their_group_are_accepted() -> None:
    result = tags(["潜在客户,展会", "客户阶段:意向客户", "来源/官网、茶叶", "兴趣：其他", None])
    assert result["code"].to_list() == [None] * 5
    assert result["value"].to_list() == [
        "潜在客户,展会", "意向客户", "官网,茶叶", "其他", None,
    ]


def test_an_unknown_tag_is_rejected_with_the_closest_known_one() -> None:
    result = tags(["潜在客戶", "VIP"])
    assert result["code"].to_list() == ["tag.unknown", "tag.unknown"]
    assert result["detail_zh"].to_list() == ["潜在客戶", "VIP"]
    assert result["hint"].to_list() == ["潜在客户", None]


def test_a_plain_tag_in_two_groups_must_name_its_group() -> None:
    result = tags(["其他", "来源:其他"])
    assert result["code"].to_list() == ["tag.ambiguous", None]
    assert "来源、兴趣" in result["detail_zh"][0]


def test_two_tags_of_one_exclusive_group_conflict_but_not_of_a_free_group() -> None:
    result = tags(["潜在客户,成交客户", "茶叶,咖啡", "潜在客户,展会,茶叶"])
    assert result["code"].to_list() == ["tag.group_conflict", None, None]
    assert "潜在客户、成交客户" in result["detail_zh"][0] and "客户阶段" in result["detail_zh"][0]


def test_output_can_name_the_group() -> None:
    tpl = dataclasses.replace(TPL, output=Output(tags="group:tag"))
    assert tags(["潜在客户,茶叶"], tpl)["value"].to_list() == ["客户阶段:潜在客户,兴趣:茶叶"]


def test_without_tag_groups_any_tag_is_accepted() -> None:
    result = tags(["随便什么,VIP"], BASE)
    assert (result["value"][0], result["code"][0]) == ("随便什么,VIP", None)
