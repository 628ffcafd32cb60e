"""Duplicates in the file: which copy is kept (--keep), the others name it, and --merge-tags
folds the copies' tags into the kept row."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmkit import validate
from crmkit.dedupe import KEEP_POLICIES, find_duplicates, merge_tags
from crmkit.errors import CrmkitError
from crmkit.report import Issue
from crmkit.table import Table, read_table
from crmkit.template import Template, load_template

from conftest import HEADER, ROOT, write_xlsx


def test_later_copies_in_other_formats_are_rejected_and_name_the_first_row(
    tmp_path: Path,
) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [
        HEADER,
        ["张三", 13800138000, "VIP"],          # row 2, kept
        ["李四", "13900139000", "VIP"],
        ["张三", "+86 138-0013-8000", "VIP"],  # row 4, duplicate of 2
        ["张三丰", "8613800138000", "VIP"],    # row 5, duplicate of 2
    ])
    report = validate(path, write=False)
    dups = [i for i in report.issues if i.code == "duplicate.in_file"]
    assert [(i.row, i.params["first_row"], i.value) for i in dups] == [
        (4, 2, "+86 138-0013-8000"), (5, 2, "8613800138000"),
    ]
    assert "与第 2 行的号码相同" in dups[0].message()
    assert (report.rows.valid, report.rows.rejected, report.rows.duplicates) == (2, 2, 2)


def test_first_occurrence_is_kept_even_when_it_is_rejected_for_something_else(
    tmp_path: Path,
) -> None:
    # Row 2 lacks its tag; once fixed it is the one re-imported, so row 3 stays a duplicate.
    path = write_xlsx(tmp_path / "in.xlsx", [
        HEADER, ["张三", "13800138000", ""], ["张三", "13800138000", "VIP"],
    ])
    report = validate(path, write=False)
    assert [(i.code, i.row) for i in report.issues] == [
        ("required.missing", 2), ("duplicate.in_file", 3),
    ]


phones = st.sampled_from(["13800138000", "13900139000", "13700137000", "15800158000"])


@settings(max_examples=25, deadline=None)
@given(numbers=st.lists(phones, min_size=1, max_size=12), data=st.data())
def test_dedupe_does_not_depend_on_order_beyond_which_copy_is_first(
    tmp_path_factory: object, numbers: list[str], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(numbers))
    folder = tmp_path_factory.mktemp("dedupe")  # type: ignore[attr-defined]
    results = []
    for name, order in (("a", numbers), ("b", shuffled)):
        rows = [HEADER, *([f"客户{i}", n, "VIP"] for i, n in enumerate(order))]
        report = validate(write_xlsx(folder / f"{name}.xlsx", rows), write=False)
        assert report.tables is not None
        kept = report.tables.upload.get_column("手机号码").to_list()
        assert kept == list(dict.fromkeys(order))  # first of each, in input order
        results.append((report.rows.duplicates, sorted(kept)))
    assert results[0] == results[1]


# --- find_duplicates: which copy is kept ------------------------------------------------------

BASE = load_template()
ACME = load_template(ROOT / "examples" / "templates" / "acme-customers.toml")


def read(path: Path, rows: Sequence[Sequence[object]], tpl: Template = BASE) -> Table:
    return read_table(write_xlsx(path, [HEADER, *rows]), tpl)


def duplicates(table: Table, keep: str = "first") -> list[tuple[str, int | None, int]]:
    columns = table.header_map.by_field
    fields = [c.field for c in columns.values() if c.field is not None]
    return [
        (i.code, i.row, i.params["first_row"])
        for i in find_duplicates(table.frame, fields, columns, table.sheet, keep=keep)
    ]


GROUP: list[list[object]] = [
    ["张三", "13800138000", "VIP"],                                   # 2
    ["张三", "138 0013 8000", "VIP", "甲公司", "bad@"],                 # 3: fuller, bad email
    ["李四", "13900139000", "VIP"],                                   # 4
    ["张三", "+8613800138000", "VIP", "甲公司"],                       # 5: fullest valid
    ["张三", "13800138000", "VIP", "乙公司"],                          # 6: as full as 5
]


def test_keep_first_keeps_the_earliest_row(tmp_path: Path) -> None:
    table = read(tmp_path / "in.xlsx", GROUP)
    assert duplicates(table, "first") == [
        ("duplicate.in_file", 3, 2), ("duplicate.in_file", 5, 2), ("duplicate.in_file", 6, 2),
    ]


def test_keep_last_keeps_the_latest_row(tmp_path: Path) -> None:
    table = read(tmp_path / "in.xlsx", GROUP)
    assert duplicates(table, "last") == [
        ("duplicate.in_file", 2, 6), ("duplicate.in_file", 3, 6), ("duplicate.in_file", 5, 6),
    ]


def test_most_complete_prefers_a_valid_row_then_the_fullest_then_the_earliest(
    tmp_path: Path,
) -> None:
    # Row 3 has the most cells but a bad email; rows 5 and 6 tie, so the earlier one wins.
    table = read(tmp_path / "in.xlsx", GROUP)
    assert duplicates(table, "most-complete") == [
        ("duplicate.in_file", 2, 5), ("duplicate.in_file", 3, 5), ("duplicate.in_file", 6, 5),
    ]


def test_most_complete_counts_a_missing_required_cell_as_a_problem(tmp_path: Path) -> None:
    table = read(tmp_path / "in.xlsx", [
        ["张三", "13800138000", "", "甲公司", "zs@example.com", "备注"],  # no tag: rejected
        ["张三", "13800138000", "VIP"],
    ])
    assert duplicates(table, "most-complete") == [("duplicate.in_file", 2, 3)]


def test_the_kept_row_is_named_in_the_message(tmp_path: Path) -> None:
    table = read(tmp_path / "in.xlsx", GROUP[:2])
    columns = table.header_map.by_field
    fields = [c.field for c in columns.values() if c.field is not None]
    (issue,) = find_duplicates(table.frame, fields, columns, table.sheet, keep="last")
    assert (issue.row, issue.value) == (2, "13800138000")
    assert "以第 3 行为准，这一行不导入" in issue.message()


def test_other_unique_fields_name_their_first_occurrence_whatever_keep_says(
    tmp_path: Path,
) -> None:
    header = ["姓名", "手机号码", "标签", "会员编号"]
    path = write_xlsx(tmp_path / "in.xlsx", [
        header,
        ["张三", "13800138000", "展会", "VIP000001"],
        ["李四", "13900139000", "展会", "VIP000001"],
        ["王五", "13700137000", "展会", "VIP000001"],
    ])
    table = read_table(path, ACME)
    for keep in KEEP_POLICIES:
        assert duplicates(table, keep) == [
            ("duplicate.value", 3, 2), ("duplicate.value", 4, 2),
        ]


def test_an_unknown_keep_policy_is_a_bad_option(tmp_path: Path) -> None:
    table = read(tmp_path / "in.xlsx", GROUP[:1])
    with pytest.raises(CrmkitError) as caught:
        duplicates(table, "newest")
    assert caught.value.code == "options.invalid"
    assert "most-complete" in caught.value.message("en")


# Rows of a small file: a number from a few, and optional cells that make rows more or less
# complete (an email that may be invalid, so most-complete has rejected rows to pass over).
list_rows = st.lists(
    st.tuples(
        st.sampled_from(["13800138000", "13900139000", "13700137000"]),
        st.sampled_from(["", "甲公司"]),
        st.sampled_from(["", "a@example.com", "bad@"]),
        st.sampled_from(["", "备注"]),
    ),
    min_size=1, max_size=10,
)


@settings(max_examples=25, deadline=None)
@given(rows=list_rows, keep=st.sampled_from(KEEP_POLICIES), data=st.data())
def test_each_group_keeps_exactly_one_row_whatever_the_order_of_the_rows(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, str, str]],
    keep: str, data: st.DataObject,
) -> None:
    folder = tmp_path_factory.mktemp("keep")
    cells = [[f"客户{i}", phone, "VIP", company, email, notes]
             for i, (phone, company, email, notes) in enumerate(rows)]
    table = read(folder / "in.xlsx", cells)
    found = set(duplicates(table, keep))

    order = data.draw(st.permutations(range(table.frame.height)))
    shuffled = Table(table.source, table.sheet, table.header_map, table.frame[list(order)], 0)
    assert set(duplicates(shuffled, keep)) == found

    groups: dict[str, set[int]] = {}
    for row, (phone, *_) in enumerate(rows, start=2):
        groups.setdefault(phone, set()).add(row)
    kept_of = {row: kept for _, row, kept in found}
    for members in groups.values():
        kept = {kept_of.get(row, row) for row in members}
        assert len(kept) == 1  # one kept row, named by every other row of the group
        (kept_row,) = kept
        assert kept_row in members and kept_row not in kept_of
        assert {kept_row} | (members & set(kept_of)) == members
        if keep == "first":
            assert kept_row == min(members)
        if keep == "last":
            assert kept_row == max(members)


# --- merge_tags ---------------------------------------------------------------------------------


def merged(table: Table, tpl: Template = BASE, keep: str = "first") -> tuple[
    pl.DataFrame, list[Issue]
]:
    columns = table.header_map.by_field
    fields = [c.field for c in columns.values() if c.field is not None]
    found = find_duplicates(table.frame, fields, columns, table.sheet, keep=keep)
    return merge_tags(table.frame, tpl, found, columns=columns)


def test_the_kept_row_gets_the_union_of_its_copies_tags_its_own_first(tmp_path: Path) -> None:
    table = read(tmp_path / "in.xlsx", [
        ["张三", "13800138000", "VIP、老客户"],       # 2
        ["李四", "13900139000", "新客户"],            # 3
        ["张三", "13800138000", "新客户,VIP"],        # 4
        ["张三", "13800138000", "老客户"],            # 5: adds nothing
        ["张三", "13800138000", "展会；新客户, 官网"],  # 6
    ])
    frame, issues = merged(table)
    assert frame["tags"].to_list() == ["VIP,老客户,新客户,展会,官网", "新客户", "新客户,VIP",
                                       "老客户", "展会,新客户,官网"]
    # The kept row's tag cell holds the merge too (in the user's spellings), so a rejected
    # kept row is handed back in 待修正 with its merged tags; nothing else changes.
    assert frame["c2"].to_list() == ["VIP,老客户,新客户,展会,官网", "新客户", "新客户,VIP",
                                     "老客户", "展会；新客户, 官网"]
    assert frame.drop("tags", "c2").equals(table.frame.drop("tags", "c2"))
    assert [(i.code, i.row, i.value, i.params["kept_row"]) for i in issues] == [
        ("duplicate.tags_merged", 4, "新客户", 2),
        ("duplicate.tags_merged", 6, "展会,官网", 2),
    ]
    assert issues[0].column == "C" and issues[0].header == "标签"
    assert issues[0].message() == (
        "第 4 行与第 2 行号码相同，它的标签已合并到第 2 行（--merge-tags）：新客户。"
    )


def test_with_keep_last_the_last_rows_tags_come_first(tmp_path: Path) -> None:
    table = read(tmp_path / "in.xlsx", [
        ["张三", "13800138000", "VIP"],
        ["张三", "13800138000", "新客户"],
    ])
    frame, issues = merged(table, keep="last")
    assert frame["tags"].to_list() == ["VIP", "新客户,VIP"]
    assert [(i.row, i.value, i.params["kept_row"]) for i in issues] == [(2, "VIP", 3)]


def test_a_tag_written_two_ways_is_merged_once(tmp_path: Path) -> None:
    table = read(tmp_path / "in.xlsx", [
        ["张三", "13800138000", "潜在客户"],
        ["张三", "13800138000", "客户阶段:潜在客户, 兴趣/茶叶"],
    ], ACME)
    frame, issues = merged(table, ACME)
    assert frame["tags"].to_list()[0] == "潜在客户,茶叶"
    assert [(i.code, i.value) for i in issues] == [("duplicate.tags_merged", "茶叶")]


def test_merged_tags_are_rechecked_for_exclusive_groups(tmp_path: Path) -> None:
    # 客户阶段 is exclusive: a customer cannot be both 潜在客户 and 成交客户; 兴趣 is not.
    table = read(tmp_path / "in.xlsx", [
        ["张三", "13800138000", "潜在客户,茶叶"],
        ["张三", "13800138000", "成交客户,咖啡"],
    ], ACME)
    frame, issues = merged(table, ACME)
    assert frame["tags"].to_list()[0] == "潜在客户,茶叶,成交客户,咖啡"
    conflict = next(i for i in issues if i.code == "tag.group_conflict")
    assert (conflict.row, conflict.column, conflict.header, conflict.value) == (
        2, "C", "标签", "潜在客户,茶叶,成交客户,咖啡",
    )
    assert "「潜在客户、成交客户」同属互斥的标签组「客户阶段」（合并第 3 行的标签后）" in (
        conflict.message()
    )
    assert "(after merging the tags of row 3)" in conflict.message("en")
    assert [i.code for i in issues].count("duplicate.tags_merged") == 1


def test_rejected_tags_are_not_merged(tmp_path: Path) -> None:
    table = read(tmp_path / "in.xlsx", [
        ["张三", "13800138000", "潜在客户,未知标签"],  # 2: the kept row's tags are rejected
        ["张三", "13800138000", "茶叶"],
        ["李四", "13900139000", "意向客户"],          # 4: kept
        ["李四", "13900139000", "红酒,没有这个"],      # its copy's tags are rejected
    ], ACME)
    frame, issues = merged(table, ACME)
    assert frame["tags"].equals(table.frame["tags"])
    assert issues == []


def test_without_a_tags_field_nothing_changes(tmp_path: Path) -> None:
    tpl = dataclasses.replace(BASE, fields=tuple(f for f in BASE.fields if f.type != "tags"))
    path = write_xlsx(tmp_path / "in.xlsx", [
        ["姓名", "手机号码"], ["张三", "13800138000"], ["张三", "13800138000"],
    ])
    table = read_table(path, tpl)
    frame, issues = merged(table, tpl)
    assert frame.equals(table.frame) and issues == []


def test_without_duplicates_nothing_changes(tmp_path: Path) -> None:
    table = read(tmp_path / "in.xlsx", [["张三", "13800138000", "VIP"]])
    frame, issues = merged(table)
    assert frame.equals(table.frame) and issues == []
