"""Where the upload rows go when they are split into batches (--batch-size)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from crmkit import validate
from crmkit.cli import app
from crmkit.errors import CrmkitError

from conftest import HEADER, write_xlsx

runner = CliRunner(env={"COLUMNS": "120", "NO_COLOR": "1"})


def rows_of(path: str | Path) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


@pytest.fixture
def five_customers(tmp_path: Path) -> Path:
    rows = [HEADER] + [[f"客户{i}", f"1380013800{i}", "VIP", "", "", ""] for i in range(5)]
    return write_xlsx(tmp_path / "five.xlsx", rows)


def test_batches_split_the_upload_in_order_with_a_header_each(
    five_customers: Path, tmp_path: Path
) -> None:
    whole = validate(five_customers, out=tmp_path / "whole")
    split = validate(five_customers, out=tmp_path / "split", batch_size=2)

    names = [Path(b.path).name for b in split.batches]
    assert names == ["upload-001.xlsx", "upload-002.xlsx", "upload-003.xlsx"]
    assert [b.rows for b in split.batches] == [2, 2, 1]
    assert not (tmp_path / "split" / "upload.xlsx").exists()
    assert "upload" not in split.outputs
    parts = [rows_of(b.path) for b in split.batches]
    header = rows_of(whole.outputs["upload"])[0]
    assert all(part[0] == header for part in parts)
    assert [r for part in parts for r in part[1:]] == rows_of(whole.outputs["upload"])[1:]
    listed = json.loads((tmp_path / "split" / "report.json").read_text(encoding="utf-8"))
    assert [b["rows"] for b in listed["batches"]] == [2, 2, 1]


def test_a_rerun_with_fewer_batches_removes_only_the_batches_it_wrote(
    five_customers: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    validate(five_customers, out=out, batch_size=2)
    foreign = out / "upload-009.xlsx"
    foreign.write_bytes(b"not crmkit's")

    again = validate(five_customers, out=out, batch_size=5)

    assert [Path(b.path).name for b in again.batches] == ["upload-001.xlsx"]
    assert not (out / "upload-002.xlsx").exists() and not (out / "upload-003.xlsx").exists()
    assert foreign.read_bytes() == b"not crmkit's"  # crmkit never deletes what it did not write


def test_going_back_to_one_file_removes_the_earlier_batches(
    five_customers: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    validate(five_customers, out=out, batch_size=2)
    again = validate(five_customers, out=out)
    assert sorted(p.name for p in out.glob("upload*")) == ["upload.xlsx"]
    assert [b.rows for b in again.batches] == [5]


def test_a_batch_size_below_one_is_a_bad_option(five_customers: Path, tmp_path: Path) -> None:
    with pytest.raises(CrmkitError) as caught:
        validate(five_customers, out=tmp_path / "out", batch_size=0)
    assert caught.value.code == "options.invalid"


def test_cli_lists_every_batch(five_customers: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(five_customers), "--out", str(tmp_path / "o"),
                                 "--batch-size", "3"])
    assert result.exit_code == 0, result.stderr
    assert "upload-001.xlsx（3 行）" in result.stderr
    assert "upload-002.xlsx（2 行）" in result.stderr


def test_an_existing_export_in_the_output_folder_is_never_written_over(
    five_customers: Path, tmp_path: Path
) -> None:
    # "Skip what I already imported": the export is the earlier run's upload.xlsx.
    out = tmp_path / "out"
    first = validate(five_customers, out=out)
    before = Path(first.outputs["upload"]).read_bytes()
    with pytest.raises(CrmkitError) as caught:
        validate(five_customers, out=out, existing=first.outputs["upload"])
    assert caught.value.code == "output.conflict"
    assert Path(first.outputs["upload"]).read_bytes() == before


def test_rerunning_a_rerun_keeps_one_set_of_crmkit_columns_and_the_original_row(
    tmp_path: Path,
) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [
        HEADER,
        ["张三", "13800138000", "VIP", "", "", ""],
        ["李四", "12345", "VIP", "", "", ""],          # row 3: a bad number
    ])
    first = validate(path, out=tmp_path / "one")
    second = validate(first.outputs["errors"], out=tmp_path / "two")
    third = validate(second.outputs["errors"], out=tmp_path / "three")
    for report in (second, third):
        header = rows_of_sheet(report.outputs["errors"], "待修正")[0]
        assert header.count("crmkit 问题说明") == 1 and header.count("crmkit 原行号") == 1
        assert rows_of_sheet(report.outputs["errors"], "待修正")[1][-1] == 3


def rows_of_sheet(path: str, sheet: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(path).get_sheet_by_name(sheet).to_python()


def test_the_duplicates_sheet_names_the_batch_a_kept_row_went_to(tmp_path: Path) -> None:
    rows = [HEADER] + [[f"客户{i}", f"1380013800{i}", "VIP", "", "", ""] for i in range(3)]
    rows.append(["又是客户2", "13800138002", "VIP", "", "", ""])
    path = write_xlsx(tmp_path / "in.xlsx", rows)
    report = validate(path, out=tmp_path / "out", batch_size=2)
    statuses = rows_of_sheet(report.outputs["errors"], "重复")
    assert statuses[1][-2] == "保留：已放入 upload-002.xlsx"


def test_a_failed_upload_write_fails_the_run_and_keeps_the_earlier_report(
    five_customers: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # report.json is written last: a run whose upload failed must not claim a new upload.
    from crmkit import writers

    out = tmp_path / "out"
    validate(five_customers, out=out)
    before = (out / "report.json").read_bytes()

    def full(path: Path, *args: object) -> None:
        raise CrmkitError("output.failed", path=str(path), detail="No space left on device")

    monkeypatch.setattr(writers, "write_table", full)
    with pytest.raises(CrmkitError) as err:
        validate(five_customers, out=out)
    assert err.value.code == "output.failed"
    assert "upload.xlsx" in str(err.value.params["path"])
    assert (out / "report.json").read_bytes() == before


def test_a_sheet_too_long_for_excel_is_refused_before_any_file_is_written(
    five_customers: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crmkit import writers

    out = tmp_path / "out"
    validate(five_customers, out=out, limit=2)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    # An Excel of three rows: the upload (a header and two rows) fits, overflow.xlsx does not.
    monkeypatch.setattr(writers, "EXCEL_MAX_ROWS", 3)
    with pytest.raises(CrmkitError) as err:
        validate(five_customers, out=out, limit=2)
    assert (err.value.code, err.value.params["file"]) == ("output.too_many_rows", "overflow.xlsx")
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()} == before
