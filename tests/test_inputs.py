"""Several inputs in one run: checked as one import, one line and one exit code."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from crmkit.cli import app
from crmkit.errors import CrmkitError
from crmkit.inputs import expand, out_dirs, validate_many
from crmkit.report import Report

from conftest import HEADER, write_csv, write_xlsx

runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})


@pytest.fixture
def two_lists(tmp_path: Path) -> tuple[Path, Path]:
    first = write_xlsx(tmp_path / "a.xlsx", [
        HEADER,
        ["张三", "13800138000", "VIP", "", "", ""],
        ["李四", "13900139000", "VIP", "", "", ""],
    ])
    second = write_csv(tmp_path / "b.csv", [
        HEADER,
        ["张三丰", "138 0013 8000", "VIP", "", "", ""],     # row 2: a.xlsx's number
        ["王五", "13700137000", "VIP", "", "", ""],
    ])
    return first, second


def reports(results: list[tuple[Path, Report | CrmkitError]]) -> list[Report]:
    assert all(isinstance(r, Report) for _, r in results)
    return [r for _, r in results if isinstance(r, Report)]


def test_a_number_of_an_earlier_file_is_a_duplicate_in_a_later_one(
    two_lists: tuple[Path, Path], tmp_path: Path
) -> None:
    first, second = reports(validate_many(two_lists, out=tmp_path / "out"))
    assert first.exit_code == 0
    (dup,) = [i for i in second.issues if i.code == "duplicate.other_file"]
    assert (dup.row, dup.params["existing_file"], dup.params["existing_row"]) == (2, "a.xlsx", 2)
    assert "a.xlsx" in dup.message("zh") and "张三" in dup.message("zh")
    assert second.rows.valid == 1 and second.rows.duplicates == 1
    book = openpyxl.load_workbook(second.outputs["errors"])
    statuses = [r[-2] for r in book["重复"].iter_rows(min_row=2, values_only=True)]
    assert statuses == ["与 a.xlsx 第 2 行重复，不导入"]
    assert not list(book["待修正"].iter_rows(min_row=2, values_only=True))


def test_the_rows_earlier_files_upload_count_toward_the_limit(
    two_lists: tuple[Path, Path], tmp_path: Path
) -> None:
    first, second = reports(validate_many(two_lists, out=tmp_path / "out", limit=2))
    assert first.rows.valid == 2 and first.exit_code == 0
    assert second.limit.existing == 2 and second.rows.overflow == 1


def test_a_folder_is_its_lists_sorted_without_notes_subfolders_or_lock_files(
    tmp_path: Path,
) -> None:
    for name in ("b.csv", "a.xlsx", "notes.txt", "~$a.xlsx", ".hidden.csv"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "a.crmkit").mkdir()
    (tmp_path / "a.crmkit" / "upload.xlsx").write_text("x", encoding="utf-8")
    assert [p.name for p in expand([tmp_path])] == ["a.xlsx", "b.csv"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CrmkitError) as caught:
        expand([empty])
    assert caught.value.code == "file.not_found"


def test_each_file_gets_its_own_output_folder(tmp_path: Path) -> None:
    files = [tmp_path / "a.xlsx", tmp_path / "a.csv", tmp_path / "b.xlsx"]
    assert out_dirs(files, tmp_path / "o") == [tmp_path / "o" / n for n in ("a", "a-2", "b")]
    assert out_dirs(files[:1], tmp_path / "o") == [tmp_path / "o"]
    assert out_dirs(files, None) == [None, None, None]


def test_a_file_that_cannot_be_checked_does_not_stop_the_others(
    two_lists: tuple[Path, Path], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    result = runner.invoke(app, ["validate", str(two_lists[0]), str(broken), str(two_lists[1]),
                                 "--out", str(tmp_path / "o"), "--format", "json"])
    assert result.exit_code == 2  # the worst of the files
    data = json.loads(result.stdout)
    assert [r["exit_code"] for r in data["reports"]] == [0, 2, 1]
    assert data["reports"][1]["error"]["code"] == "file.unreadable"
    lines = result.stderr.splitlines()
    assert lines[0].startswith("✓ a.xlsx") and lines[2].startswith("✗ b.csv")
    assert "file.unreadable" in lines[1]


def test_a_folder_of_one_file_still_gets_a_subfolder_per_file(tmp_path: Path) -> None:
    folder = tmp_path / "lists"
    folder.mkdir()
    write_xlsx(folder / "a.xlsx", [HEADER, ["张三", "13800138000", "VIP", "", "", ""]])
    ((_, report),) = validate_many([folder], out=tmp_path / "o")
    assert isinstance(report, Report)
    assert Path(report.outputs["report"]) == tmp_path / "o" / "a" / "report.json"


def test_the_reference_files_among_the_inputs_are_not_checked_as_lists(
    two_lists: tuple[Path, Path], tmp_path: Path
) -> None:
    # A pre-commit hook passes every changed spreadsheet, the CRM export included.
    export = write_csv(tmp_path / "crm-export.csv", [["手机号码", "姓名"], ["13600136000", "赵六"]])
    checked = validate_many([*two_lists, export], out=tmp_path / "o", existing=export)
    assert [path.name for path, _ in checked] == ["a.xlsx", "b.csv"]


def test_a_folder_of_one_file_prints_the_json_of_a_run(tmp_path: Path) -> None:
    folder = tmp_path / "lists"
    folder.mkdir()
    write_xlsx(folder / "a.xlsx", [HEADER, ["张三", "13800138000", "VIP", "", "", ""]])
    result = runner.invoke(app, ["validate", str(folder), "--no-write", "--format", "json"])
    assert result.exit_code == 0
    assert [r["input"]["path"] for r in json.loads(result.stdout)["reports"]] == [
        str(folder / "a.xlsx")]


def test_inputs_that_are_all_reference_files_leave_nothing_to_check(tmp_path: Path) -> None:
    export = write_csv(tmp_path / "crm.csv", [["手机号码", "姓名"], ["13600136000", "赵六"]])
    result = runner.invoke(app, ["validate", str(export), str(export), "--existing",
                                 str(export), "--no-write"])
    assert result.exit_code == 2 and "file.not_found" in result.stderr
