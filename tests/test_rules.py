"""The checks, as a user meets them: each rule's code, row, column and message."""

from __future__ import annotations

from pathlib import Path

from crmkit import validate
from crmkit.report import Issue

from conftest import HEADER, write_xlsx


def issues_of(tmp_path: Path, rows: list[list[object]], header: list[str] = HEADER) -> list[Issue]:
    path = write_xlsx(tmp_path / "in.xlsx", [header, *rows])
    return validate(path, write=False).issues


def test_required_fields_missing_are_reported_per_cell(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, [["", "13800138000", ""], ["张三", "", "VIP"]])
    assert [(i.code, i.row, i.column, i.field) for i in issues] == [
        ("required.missing", 2, "A", "name"),
        ("required.missing", 2, "C", "tags"),
        ("required.missing", 3, "B", "mobile"),
    ]
    assert issues[0].message() == "「姓名」是必填项，这一格是空的（或只有空格、标点），请补上。"


def test_a_filled_but_invalid_required_cell_is_not_also_missing(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, [["张三", "12345", "VIP"]])
    assert [i.code for i in issues] == ["phone.invalid"]


def test_tags_of_only_separators_count_as_missing(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, [["张三", "13800138000", "，，"]])
    assert [(i.code, i.column) for i in issues] == [("required.missing", "C")]


def test_text_over_max_length_names_the_limit_and_the_length(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, [["张" * 65, "13800138000", "VIP"]])
    assert [i.code for i in issues] == ["text.too_long"]
    assert "最多 64 个字，这里有 65 个字" in issues[0].message()
    assert "at most 64 characters; this one has 65" in issues[0].message("en")


def test_phone_issue_carries_the_original_value_and_a_suggestion(tmp_path: Path) -> None:
    issues = issues_of(tmp_path, [["张三", "13800l38000", "VIP"]])
    (issue,) = issues
    assert (issue.code, issue.value, issue.suggestion) == (
        "phone.invalid", "13800l38000", "13800138000"
    )
    assert "含有字母 l" in issue.message()


def test_issue_locations_use_the_files_own_header_and_sheet(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "in.xlsx",
        [["说明：请勿改表头"], ["*客户名称", "手机", "客户标签"], ["张三", "010-12345678", "VIP"]],
        sheet="客户",
    )
    (issue,) = validate(path, write=False).issues
    assert (issue.sheet, issue.row, issue.column, issue.header) == ("客户", 3, "B", "手机")
    assert "「手机」010-12345678 是固定电话" in issue.message()


def test_an_unmapped_column_is_a_warning_that_its_data_is_not_imported(tmp_path: Path) -> None:
    report = validate(
        write_xlsx(tmp_path / "in.xlsx",
                   [["姓名", "手机号码", "标签", "客户来源", ""],
                    ["张三", "13800138000", "VIP", "展会", "孤儿数据"]]),
        write=False,
    )
    assert [(i.code, i.column, i.header) for i in report.issues] == [
        ("header.unmapped", "D", "客户来源"), ("header.blank", "E", None),
    ]
    assert "不在「钉钉外部联系人」模板中" in report.issues[0].message()
    assert report.issues[1].message().startswith("E 列没有列名，但下面有数据")
    assert report.rows.valid == 1 and report.exit_code == 0
    assert validate(tmp_path / "in.xlsx", write=False, strict=True).exit_code == 1
