"""Writers: every value is text (never a formula or a number), files appear whole or not at all."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest
import python_calamine

from crmkit import writers
from crmkit.errors import CrmkitError

PAYLOADS = [
    "=1+1", "=HYPERLINK(\"http://evil.example\",\"点击\")", "=cmd|' /C calc'!A0",
    "+86 138 0013 8000", "-2+3", "@SUM(A1:A2)", "\t=1+1", "13800138000", "00123",
    "2024-01-05", "TRUE", "1.5E+10", "http://example.com",
]


def test_every_value_is_written_as_a_text_cell(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    frame = pl.DataFrame({"值": PAYLOADS, "空": [None] * len(PAYLOADS)})
    writers.write_table(path, "外部联系人", ["值", "空"], frame)

    sheet = openpyxl.load_workbook(path)["外部联系人"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == PAYLOADS
    assert {c.data_type for c in cells} == {"s"}  # no "f" (formula), no "n" (number)
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == [None] * len(PAYLOADS)

    read_back = python_calamine.CalamineWorkbook.from_path(str(path))
    assert [r[0] for r in read_back.get_sheet_by_index(0).to_python()[1:]] == PAYLOADS


def test_columns_carry_the_text_format_so_edits_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    writers.write_table(path, "S", ["手机号码"], pl.DataFrame({"p": ["13800138000"]}))
    sheet = openpyxl.load_workbook(path)["S"]
    assert sheet["A2"].number_format == "@"


def test_a_failed_write_leaves_neither_the_file_nor_a_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(writers, "_write_sheet", broken)
    with pytest.raises(KeyboardInterrupt):
        writers.write_table(tmp_path / "upload.xlsx", "S", ["a"], pl.DataFrame({"a": ["x"]}))
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_keeps_the_previous_complete_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "upload.xlsx"
    writers.write_table(target, "S", ["a"], pl.DataFrame({"a": ["old"]}))
    before = target.read_bytes()
    monkeypatch.setattr(writers, "_write_sheet", lambda *a, **k: (_ for _ in ()).throw(
        RuntimeError("disk full")))
    with pytest.raises(RuntimeError):
        writers.write_table(target, "S", ["a"], pl.DataFrame({"a": ["new"]}))
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["upload.xlsx"]


def test_an_unwritable_target_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "upload.xlsx").mkdir()  # a folder where the file should go
    with pytest.raises(CrmkitError) as err:
        writers.write_table(tmp_path / "upload.xlsx", "S", ["a"], pl.DataFrame({"a": ["x"]}))
    assert err.value.code == "output.failed"


def test_finished_files_get_the_usual_permissions_not_private_ones(tmp_path: Path) -> None:
    import os
    import stat

    from crmkit.atomic import atomic_path

    target = tmp_path / "blank.xlsx"
    old = os.umask(0o022)
    try:
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
