"""Template diffs: each change kind, whether it breaks files that passed, and the list's order."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from crmkit.template import Field, Option, Output, TagGroup, Template, Tier
from crmkit.template_diff import Change, diff_templates

NAME = Field("name", "姓名", required=True, max_length=64, aliases=("客户姓名", "Name"))
MOBILE = Field("mobile", "手机号码", type="phone", required=True, unique=True,
               number_types=("mobile",), regions=("CN",))
LEVEL = Field("level", "客户级别", type="choice",
              options=(Option("A", ("重要",)), Option("B"), Option("C")))
AMOUNT = Field("amount", "金额", type="number", minimum=0.0, maximum=1000.0, decimals=2)
SIGNED = Field("signed", "签约日期", type="date")
OWNER = Field("owner", "负责人", type="person", multiple=True)


def base(**changes: Any) -> Template:
    tpl = Template(
        name="t", title="测试", version="1.0.0",
        fields=(NAME, MOBILE, LEVEL, AMOUNT, SIGNED, OWNER),
        tiers=(Tier("team", "团队", 2000), Tier("advanced", "高级认证", 20000)),
        default_tier="team",
        tag_groups=(TagGroup("来源", ("展会", "官网")), TagGroup("意向", ("高", "低"))),
    )
    return replace(tpl, **changes)


def with_field(key: str, **changes: Any) -> Template:
    """The base template with one field changed."""
    tpl = base()
    return replace(tpl, fields=tuple(
        replace(f, **changes) if f.key == key else f for f in tpl.fields
    ))


def only(old: Template, new: Template) -> Change:
    changes = diff_templates(old, new)
    assert len(changes) == 1, changes
    return changes[0]


def test_identical_templates_give_no_changes() -> None:
    assert diff_templates(base(), base()) == []


def test_title_description_and_help_are_noise() -> None:
    assert diff_templates(base(), base(title="新标题", description="说明")) == []
    assert diff_templates(base(), with_field("name", help="客户的姓名")) == []


# --- template level --------------------------------------------------------------------------


def test_version_change_is_reported_but_never_breaks() -> None:
    c = only(base(), base(version="1.1.0"))
    assert (c.kind, c.old, c.new, c.breaking) == ("template.version", "1.0.0", "1.1.0", False)


def test_region_change_breaks() -> None:
    c = only(base(), base(region="HK"))
    assert (c.kind, c.old, c.new, c.breaking) == ("template.region", "CN", "HK", True)


@pytest.mark.parametrize("setting, value", [
    ("sheet", "外部联系人"), ("phone", "e164"), ("date", "yyyy/mm/dd"), ("separator", "、"),
    ("tags", "group:tag"), ("bool", ("Y", "N")), ("state_code_header", "区号"),
])
def test_output_changes_are_reported_but_never_break(setting: str, value: Any) -> None:
    c = only(base(), base(output=replace(Output(), **{setting: value})))
    assert (c.kind, c.subject, c.breaking) == ("output.changed", f"output.{setting}", False)
    assert "不影响校验" in c.zh and "not validation" in c.en


# --- fields ----------------------------------------------------------------------------------


def test_new_required_field_without_default_breaks() -> None:
    extra = Field("source", "客户来源", required=True)
    c = only(base(), replace(base(), fields=(*base().fields, extra)))
    assert (c.kind, c.subject, c.old, c.new, c.breaking) == (
        "field.added", "客户来源 (source)", None, "客户来源", True)
    assert c.zh == "新增必填字段「客户来源」(source)：旧文件没有这一列，会被拒绝"
    assert c.en == 'new required field "客户来源" (source): files without this column are rejected'


def test_new_optional_field_or_one_with_a_default_does_not_break() -> None:
    for extra in (Field("source", "客户来源"), Field("source", "客户来源", required=True,
                                                    default="官网")):
        c = only(base(), replace(base(), fields=(*base().fields, extra)))
        assert (c.kind, c.breaking) == ("field.added", False)


def test_removed_field_does_not_break_and_says_the_column_is_not_imported() -> None:
    c = only(base(), replace(base(), fields=tuple(f for f in base().fields if f.key != "level")))
    assert (c.kind, c.subject, c.old, c.breaking) == ("field.removed", "客户级别 (level)",
                                                      "客户级别", False)
    assert "不再导入" in c.zh and "no longer imported" in c.en


def test_renamed_field_breaks_unless_the_old_header_still_maps() -> None:
    c = only(base(), with_field("name", header="联系人"))
    assert (c.kind, c.old, c.new, c.breaking) == ("field.renamed", "姓名", "联系人", True)
    kept = diff_templates(base(), with_field("name", header="联系人",
                                             aliases=("客户姓名", "Name", "姓名")))
    assert [(k.kind, k.breaking) for k in kept] == [
        ("field.renamed", False), ("field.aliases", False)]
    # header matching ignores marks like * and (必填), so this is no rename that matters
    assert not only(base(), with_field("name", header="*姓名（必填）")).breaking


def test_moved_field_does_not_break_and_inserting_moves_nothing_else() -> None:
    f = base().fields
    c = only(base(), replace(base(), fields=(f[2], f[0], f[1], *f[3:])))
    assert (c.kind, c.subject, c.old, c.new, c.breaking) == (
        "field.moved", "客户级别 (level)", "3", "1", False)
    assert c.zh.startswith("字段「客户级别」(level)移到最前（第 1 列）")
    c = only(base(), replace(base(), fields=(f[1], f[0], *f[2:])))
    assert c.en.startswith('field "手机号码" (mobile) moved to the front')
    inserted = replace(base(), fields=(Field("source", "来源"), *f))
    assert [c.kind for c in diff_templates(base(), inserted)] == ["field.added"]


def test_retyped_field_breaks() -> None:
    c = only(base(), with_field("amount", type="text"))
    assert (c.kind, c.old, c.new, c.breaking) == ("field.retyped", "number", "text", True)


def test_made_required_breaks_and_made_optional_does_not() -> None:
    c = only(base(), with_field("amount", required=True))
    assert (c.kind, c.old, c.new, c.breaking) == ("field.required", "false", "true", True)
    c = only(with_field("amount", required=True), base())
    assert (c.kind, c.breaking) == ("field.optional", False)


def test_made_required_with_a_default_does_not_break() -> None:
    old = with_field("amount", default="0")
    c = only(old, replace(old, fields=tuple(
        replace(f, required=True) if f.key == "amount" else f for f in old.fields)))
    assert (c.kind, c.breaking) == ("field.required", False)


def test_made_unique_breaks_and_relaxed_does_not() -> None:
    c = only(base(), with_field("name", unique=True))
    assert (c.kind, c.breaking) == ("field.unique", True)
    c = only(base(), with_field("mobile", unique=False))
    assert (c.kind, c.breaking) == ("field.not_unique", False)


def test_removed_alias_breaks_added_alias_does_not() -> None:
    c = only(base(), with_field("name", aliases=("Name",)))
    assert (c.kind, c.old, c.new, c.breaking) == ("field.aliases", "客户姓名, Name", "Name", True)
    assert "「客户姓名」" in c.zh and '"客户姓名"' in c.en
    c = only(base(), with_field("name", aliases=("客户姓名", "Name", "联系人")))
    assert (c.kind, c.breaking) == ("field.aliases", False)
    # headers match case- and mark-blind, and by key too: a cell "Name" still finds `name`
    c = only(base(), with_field("name", aliases=("*客户姓名",)))
    assert (c.kind, c.breaking) == ("field.aliases", False)


@pytest.mark.parametrize("kind, key, old, new, breaking", [
    ("field.max_length", "max_length", 64, 32, True),
    ("field.max_length", "max_length", 64, 128, False),
    ("field.max_length", "max_length", 64, None, False),
    ("field.max_length", "max_length", None, 64, True),
    ("field.min_length", "min_length", None, 2, True),
    ("field.min_length", "min_length", 2, 4, True),
    ("field.min_length", "min_length", 4, 2, False),
    ("field.min_length", "min_length", 2, None, False),
    ("field.pattern", "pattern", None, r"\S+", True),
    ("field.pattern", "pattern", r"\S+", r"\w+", True),
    ("field.pattern", "pattern", r"\S+", None, False),
])
def test_length_and_pattern_break_when_tightened(
    kind: str, key: str, old: Any, new: Any, breaking: bool
) -> None:
    c = only(with_field("name", **{key: old}), with_field("name", **{key: new}))
    assert (c.kind, c.breaking) == (kind, breaking)
    assert (c.old, c.new) == (None if old is None else str(old), None if new is None else str(new))


@pytest.mark.parametrize("key", ["number_types", "regions"])
@pytest.mark.parametrize("old, new, breaking", [
    (("a", "b"), ("a",), True),      # one removed
    ((), ("a",), True),              # from any to a list
    (("a",), ("a", "b"), False),     # one added
    (("a",), (), False),             # back to any
])
def test_phone_lists_break_when_narrowed(
    key: str, old: tuple[str, ...], new: tuple[str, ...], breaking: bool
) -> None:
    c = only(with_field("mobile", **{key: old}), with_field("mobile", **{key: new}))
    assert (c.kind, c.breaking) == (f"field.{key}", breaking)


@pytest.mark.parametrize("changes, new_text, breaking", [
    ({"minimum": 10.0}, "10..1000", True),
    ({"maximum": 500.0}, "0..500", True),
    ({"maximum": None}, "≥0", False),
    ({"minimum": -5.0, "maximum": 2000.0}, "-5..2000", False),
])
def test_number_range_breaks_when_tightened(
    changes: dict[str, Any], new_text: str, breaking: bool
) -> None:
    c = only(base(), with_field("amount", **changes))
    assert (c.kind, c.old, c.new, c.breaking) == ("field.range", "0..1000", new_text, breaking)


def test_fewer_decimals_break_more_do_not() -> None:
    assert only(base(), with_field("amount", decimals=0)).breaking
    c = only(base(), with_field("amount", decimals=4))
    assert (c.kind, c.breaking) == ("field.decimals", False)


def test_date_order_change_breaks_unless_it_leaves_year_first_only() -> None:
    c = only(with_field("signed", date_order="mdy"), with_field("signed", date_order="dmy"))
    assert (c.kind, c.old, c.new, c.breaking) == ("field.date_order", "mdy", "dmy", True)
    c = only(base(), with_field("signed", date_order="dmy"))
    assert (c.kind, c.breaking) == ("field.date_order", False)


def test_multiple_people_switched_off_breaks() -> None:
    c = only(base(), with_field("owner", multiple=False))
    assert (c.kind, c.breaking) == ("field.multiple", True)
    assert not only(with_field("owner", multiple=False), base()).breaking


def test_default_change_is_reported_and_does_not_break() -> None:
    c = only(base(), with_field("level", default="B"))
    assert (c.kind, c.old, c.new, c.breaking) == ("field.default", None, "B", False)
    assert "无" in c.zh and "none" in c.en


# --- options ---------------------------------------------------------------------------------


def test_option_removed_breaks_added_does_not() -> None:
    c = only(base(), with_field("level", options=(Option("A", ("重要",)), Option("B"))))
    assert (c.kind, c.subject, c.old, c.breaking) == ("option.removed", "客户级别 (level)",
                                                      "C", True)
    c = only(base(), with_field("level", options=(*LEVEL.options, Option("D"))))
    assert (c.kind, c.new, c.breaking) == ("option.added", "D", False)


def test_option_alias_removed_breaks_added_does_not() -> None:
    c = only(base(), with_field("level", options=(Option("A"), Option("B"), Option("C"))))
    assert (c.kind, c.subject, c.old, c.new, c.breaking) == (
        "option.aliases", "客户级别 (level): A", "重要", None, True)
    c = only(base(), with_field("level", options=(
        Option("A", ("重要", "VIP")), Option("B"), Option("C"))))
    assert (c.kind, c.breaking) == ("option.aliases", False)


def test_options_of_a_retyped_field_are_not_listed() -> None:
    assert [c.kind for c in diff_templates(base(), with_field("level", type="text", options=()))
            ] == ["field.retyped"]


# --- tag groups ------------------------------------------------------------------------------


def test_first_tag_group_breaks_later_ones_do_not() -> None:
    c = only(base(tag_groups=()), base(tag_groups=(TagGroup("来源", ("展会",)),)))
    assert (c.kind, c.subject, c.new, c.breaking) == ("tag_group.added", "来源", "展会", True)
    c = only(base(), base(tag_groups=(*base().tag_groups, TagGroup("行业", ("制造",)))))
    assert (c.kind, c.breaking) == ("tag_group.added", False)


def test_removed_tag_group_breaks_unless_no_groups_remain() -> None:
    c = only(base(), base(tag_groups=base().tag_groups[:1]))
    assert (c.kind, c.subject, c.breaking) == ("tag_group.removed", "意向", True)
    assert "高、低" in c.zh
    kinds = [(c.kind, c.breaking) for c in diff_templates(base(), base(tag_groups=()))]
    assert kinds == [("tag_group.removed", False), ("tag_group.removed", False)]
    # its tags live on in another group, but a file writing 意向:高 no longer passes
    merged = base(tag_groups=(TagGroup("来源", ("展会", "官网", "高", "低")),))
    assert [(c.kind, c.breaking) for c in diff_templates(base(), merged)] == [
        ("tag.added", False), ("tag.added", False), ("tag_group.removed", True)]
    assert "意向:标签" in diff_templates(base(), merged)[-1].zh


def test_tag_added_does_not_break_and_removed_does() -> None:
    c = only(base(), base(tag_groups=(TagGroup("来源", ("展会", "官网", "转介绍")),
                                      base().tag_groups[1])))
    assert (c.kind, c.subject, c.new, c.breaking) == ("tag.added", "来源", "转介绍", False)
    c = only(base(), base(tag_groups=(TagGroup("来源", ("展会",)), base().tag_groups[1])))
    assert (c.kind, c.subject, c.old, c.breaking) == ("tag.removed", "来源", "官网", True)


def test_tag_moved_between_groups_is_removed_plus_added() -> None:
    moved = base(tag_groups=(TagGroup("来源", ("展会",)), TagGroup("意向", ("高", "低", "官网"))))
    changes = diff_templates(base(), moved)
    # a plain 官网 still passes, 来源:官网 no longer does
    assert [(c.kind, c.subject, c.breaking) for c in changes] == [
        ("tag.removed", "来源", True), ("tag.added", "意向", False)]
    assert "「来源:官网」" in changes[0].zh and 'moved from "来源"' in changes[1].en


def test_tag_in_a_second_group_breaks_its_plain_spelling() -> None:
    # 高 written alone was fine; in two groups it is ambiguous (tags.py: tag.ambiguous)
    both = base(tag_groups=(TagGroup("来源", ("展会", "官网", "高")), base().tag_groups[1]))
    c = only(base(), both)
    assert (c.kind, c.new, c.breaking) == ("tag.added", "高", True)
    assert "「意向」" in c.zh
    c = only(base(), base(tag_groups=(*base().tag_groups, TagGroup("等级", ("高", "普通")))))
    assert (c.kind, c.breaking) == ("tag_group.added", True)


def test_made_exclusive_breaks() -> None:
    relaxed = base(tag_groups=(replace(base().tag_groups[0], exclusive=False),
                               base().tag_groups[1]))
    c = only(relaxed, base())
    assert (c.kind, c.subject, c.breaking) == ("tag_group.exclusive", "来源", True)
    assert not only(base(), relaxed).breaking


# --- tiers -----------------------------------------------------------------------------------


def test_tier_lowered_breaks_raised_does_not() -> None:
    c = only(base(), base(tiers=(Tier("team", "团队", 1000), base().tiers[1])))
    assert (c.kind, c.subject, c.old, c.new, c.breaking) == (
        "tier.lowered", "team", "2000", "1000", True)
    c = only(base(), base(tiers=(Tier("team", "团队", 3000), base().tiers[1])))
    assert (c.kind, c.breaking) == ("tier.raised", False)


def test_tier_added_does_not_break_removed_does() -> None:
    c = only(base(), base(tiers=(*base().tiers, Tier("primary", "初级认证", 2000))))
    assert (c.kind, c.subject, c.breaking) == ("tier.added", "primary", False)
    c = only(base(), base(tiers=base().tiers[:1]))
    assert (c.kind, c.subject, c.breaking) == ("tier.removed", "advanced", True)


def test_default_tier_change_breaks_only_when_its_limit_is_lower() -> None:
    c = only(base(), base(default_tier="advanced"))
    assert (c.kind, c.old, c.new, c.breaking) == ("tier.default", "team", "advanced", False)
    assert only(base(default_tier="advanced"), base()).breaking
    assert only(base(), base(default_tier=None)).breaking
    assert not only(base(default_tier=None), base()).breaking


# --- order -----------------------------------------------------------------------------------


def test_order_is_template_then_fields_in_new_order_then_tag_groups_then_tiers() -> None:
    f = base().fields
    new = base(
        version="2", region="HK",
        # level removed (it followed mobile), a field added in front, amount retyped
        fields=(Field("source", "来源"), f[0], f[1], replace(f[3], type="text"), f[4], f[5]),
        tag_groups=base().tag_groups[:1],
        tiers=(Tier("team", "团队", 1000), base().tiers[1]),
    )
    assert [(c.kind, c.subject) for c in diff_templates(base(), new)] == [
        ("template.version", "t"), ("template.region", "region"),
        ("field.added", "来源 (source)"), ("field.removed", "客户级别 (level)"),
        ("field.retyped", "金额 (amount)"),
        ("tag_group.removed", "意向"), ("tier.lowered", "team"),
    ]


def test_removed_first_field_comes_first() -> None:
    new = replace(base(), fields=base().fields[1:])
    assert diff_templates(base(), new)[0].kind == "field.removed"


def test_review_cases_breaking_is_right() -> None:
    """Cases a review found: losing a required field's default and dropping a bool word
    reject rows; leaving ymd and renaming an option that keeps its old value as an alias
    do not."""
    import dataclasses as dc

    from crmkit.template import Field, Option, Output, Template

    def tpl(*fields: Field, output: Output | None = None) -> Template:
        return Template(name="t", title="t", version="1", fields=fields,
                        output=output or Output())

    level = Field(key="level", header="级别", type="choice", required=True,
                  options=(Option("A"), Option("B")), default="B")
    changes = diff_templates(tpl(level), tpl(dc.replace(level, default=None)))
    assert [(c.kind, c.breaking) for c in changes] == [("field.default", True)]
    optional = dc.replace(level, required=False)
    changes = diff_templates(tpl(optional), tpl(dc.replace(optional, default=None)))
    assert [(c.kind, c.breaking) for c in changes] == [("field.default", False)]

    signed = Field(key="signed", header="签约", type="bool")
    words = diff_templates(tpl(signed, output=Output(bool=("通过", "未通过"))), tpl(signed))
    assert [(c.kind, c.breaking) for c in words] == [("output.changed", True)]

    day = Field(key="day", header="日期", type="date")
    assert [c.breaking for c in diff_templates(
        tpl(day), tpl(dc.replace(day, date_order="dmy")))] == [False]
    assert [c.breaking for c in diff_templates(
        tpl(dc.replace(day, date_order="dmy")), tpl(day))] == [True]

    renamed = dc.replace(level, options=(Option("甲", ("A",)), Option("B")))
    kinds = [(c.kind, c.breaking) for c in diff_templates(tpl(level), tpl(renamed))]
    assert ("option.removed", True) not in kinds
