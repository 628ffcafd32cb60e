"""End to end: which copy of a duplicated number is imported (--keep), its merged tags
(--merge-tags), and suspected duplicates the phone cannot catch."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from crmkit import validate
from crmkit.cli import app

from conftest import HEADER, write_xlsx

runner = CliRunner(env={"COLUMNS": "120", "NO_COLOR": "1"})


@pytest.fixture
def copies(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "copies.xlsx", [
        HEADER,
        ["张三", "13800138000", "VIP", "", "", ""],                        # 2
        ["王五", "13900139000", "新客户", "", "", ""],                     # 3
        ["张三丰", "138 0013 8000", "老客户", "甲公司", "z@example.com", "全"],  # 4 copy of 2
        ["张三", "+8613800138000", "渠道", "", "", ""],                    # 5 copy of 2
    ])


def upload_rows(report_path: str) -> list[tuple[object, ...]]:
    sheet = openpyxl.load_workbook(report_path).active
    return [tuple(r) for r in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize(("keep", "kept_name"),
                         [("first", "张三"), ("last", "张三"), ("most-complete", "张三丰")])
def test_keep_chooses_the_copy_that_is_imported(
    copies: Path, tmp_path: Path, keep: str, kept_name: str
) -> None:
    report = validate(copies, out=tmp_path / keep, keep=keep)
    names = [r[0] for r in upload_rows(report.outputs["upload"])]
    assert sorted(names) == sorted([kept_name, "王五"])
    dropped = sorted(i.row for i in report.issues if i.code == "duplicate.in_file")
    kept = {2: "first", 5: "last", 4: "most-complete"}
    assert dropped == sorted({2, 4, 5} - {r for r, k in kept.items() if k == keep})
    assert report.rows.read == report.rows.valid + report.rows.rejected + report.rows.overflow


def test_merge_tags_gives_the_kept_row_every_tag_of_its_copies(
    copies: Path, tmp_path: Path
) -> None:
    report = validate(copies, out=tmp_path / "out", merge_tags=True)
    rows = {r[1]: r for r in upload_rows(report.outputs["upload"])}
    assert rows["13800138000"][2] == "VIP,老客户,渠道"
    notices = {i.row: i for i in report.issues if i.code == "duplicate.tags_merged"}
    assert sorted(notices) == [4, 5]
    assert "合并到第 2 行" in notices[4].message("zh")
    assert report.exit_code == 1  # the copies are still not imported


def test_without_merge_tags_the_kept_row_keeps_its_own_tags(
    copies: Path, tmp_path: Path
) -> None:
    report = validate(copies, out=tmp_path / "out")
    rows = {r[1]: r for r in upload_rows(report.outputs["upload"])}
    assert rows["13800138000"][2] == "VIP"
    assert not [i for i in report.issues if i.code == "duplicate.tags_merged"]


def test_the_same_person_under_two_numbers_is_a_suspected_duplicate(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "two-numbers.xlsx", [
        HEADER,
        ["冯博", "13700000009", "VIP", "华为技术有限公司", "", ""],
        ["冯博", "13700000010", "VIP", "华为技术", "", ""],
        ["冯博", "13700000011", "VIP", "中兴通讯股份有限公司", "", ""],
    ])
    report = validate(path, out=tmp_path / "out")
    suspects = [i for i in report.issues if i.code == "duplicate.suspected"]
    assert [(i.row, i.params["other_row"]) for i in suspects] == [(3, 2)]
    assert report.rows.valid == 3  # a warning: nothing is rejected
    assert report.exit_code == 0


def test_cli_options_for_duplicates(copies: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(copies), "--out", str(tmp_path / "o"),
                                 "--keep", "most-complete", "--merge-tags", "--format", "json"])
    data = json.loads(result.stdout)
    assert result.exit_code == 1
    assert data["summary"]["by_code"]["duplicate.tags_merged"] == 2
    assert {i["row"] for i in data["issues"] if i["code"] == "duplicate.in_file"} == {2, 5}
    bad = runner.invoke(app, ["validate", str(copies), "--keep", "newest"])
    assert bad.exit_code == 2


def test_a_rejected_kept_row_is_handed_back_with_its_merged_tags(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [
        HEADER,
        ["张三", "13800138000", "VIP", "", "bad@", ""],   # 2 kept, rejected for its email
        ["张三", "13800138000", "渠道", "", "", ""],      # 3 copy
    ])
    report = validate(path, out=tmp_path / "out", merge_tags=True)
    book = openpyxl.load_workbook(report.outputs["errors"])
    (fix,) = list(book["待修正"].iter_rows(min_row=2, values_only=True))
    assert fix[2] == "VIP,渠道"
    # Fixing the email and checking the sheet again imports the merged tags.
    book["待修正"].cell(row=2, column=5).value = "zs@example.com"
    book.save(tmp_path / "fixed.xlsx")
    again = validate(tmp_path / "fixed.xlsx", out=tmp_path / "again")
    assert again.exit_code == 0
    assert upload_rows(again.outputs["upload"])[0][2] == "VIP,渠道"
