"""rustpy-xlsxwriter (the `fast` extra) writes the upload files only because these tests show
its files read back cell for cell as xlsxwriter's do, by openpyxl and by python-calamine: text
cells, the text format, no formulas, nothing printed."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
import python_calamine

from crmkit import fast_writer, writers
from crmkit.errors import CrmkitError
from crmkit.pipeline import validate

from conftest import write_xlsx

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("rustpy_xlsxwriter") is None,
    reason="rustpy-xlsxwriter is not installed (pip install -e '.[test]' installs it)",
)

#: what customers type and what breaks writers: formulas, numbers that must stay text, XML's
#: special characters, control characters, OOXML's own _xHHHH_ escapes, spaces kept at the
#: ends, line breaks, astral characters, the longest cell Excel holds
HOSTILE = [
    "=1+1", "=HYPERLINK(\"http://evil.example\",\"点击\")", "=cmd|' /C calc'!A0", "+86 138",
    "-2+3", "@SUM(A1:A2)", "\t=1+1", "13800138000", "00123", "1.5E+10", "TRUE", "#N/A",
    "2024-01-05", "http://example.com", "&<>\"'", "a\x01b\x1fc", "_x000D_", "_x0041_x",
    "  两端空格  ", "第一行\r\n第二行", "😀𠀀中文", "x" * 32767, "", None, "\u3000", "’",
]


def _write(path: Path, frame: pl.DataFrame, writer: str, monkeypatch: pytest.MonkeyPatch,
           headers: list[str] | None = None) -> None:
    monkeypatch.setenv(fast_writer.WRITER_ENV, writer)
    writers.write_table(path, "外部联系人", headers or frame.columns, frame)


def _openpyxl_cells(path: Path) -> list[list[tuple[Any, str, str]]]:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return [[(c.value, c.data_type, c.number_format) for c in row] for row in sheet.iter_rows()]


def _calamine_rows(path: Path) -> list[list[Any]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_index(0).to_python(skip_empty_area=False)


@pytest.fixture
def hostile() -> pl.DataFrame:
    n = len(HOSTILE)
    return pl.DataFrame(
        {"姓名": HOSTILE, "手机号码": [f"1380013{i:04d}" for i in range(n)], "负责人": [None] * n},
        schema={"姓名": pl.String, "手机号码": pl.String, "负责人": pl.String},
    )


def test_fast_files_read_back_exactly_as_xlsxwriters(
    tmp_path: Path, hostile: pl.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "fast.xlsx", hostile, "rustpy-xlsxwriter", monkeypatch)
    _write(tmp_path / "plain.xlsx", hostile, "xlsxwriter", monkeypatch)

    fast, plain = _openpyxl_cells(tmp_path / "fast.xlsx"), _openpyxl_cells(tmp_path / "plain.xlsx")
    assert fast == plain
    assert _calamine_rows(tmp_path / "fast.xlsx") == _calamine_rows(tmp_path / "plain.xlsx")
    # and what they read back is what was written (calamine decodes OOXML's _xHHHH_ escapes,
    # openpyxl does not), every value a text cell in the text format
    names = [row[0] for row in _calamine_rows(tmp_path / "fast.xlsx")[1:]]
    assert names == [v or "" for v in HOSTILE]
    assert {(t, f) for row in fast[1:] for (v, t, f) in row if v is not None} == {("s", "@")}


def test_fast_files_hold_no_formula_and_keep_the_look(
    tmp_path: Path, hostile: pl.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "fast.xlsx", hostile, "rustpy-xlsxwriter", monkeypatch)
    with zipfile.ZipFile(tmp_path / "fast.xlsx") as package:
        xml = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml

    sheet = openpyxl.load_workbook(tmp_path / "fast.xlsx")["外部联系人"]
    assert sheet.freeze_panes == "A2"
    header = sheet["A1"]
    assert header.font.b and header.font.name == "等线"
    assert header.fill.fgColor.rgb.endswith("DDEBF7")
    assert sheet["B2"].font.name == "等线"
    # an empty column stays text when the admin types into it
    assert sheet.column_dimensions["C"].number_format == "@"
    plain = tmp_path / "plain.xlsx"
    _write(plain, hostile, "xlsxwriter", monkeypatch)
    widths = openpyxl.load_workbook(plain)["外部联系人"].column_dimensions
    assert [round(sheet.column_dimensions[c].width) for c in "ABC"] == [
        round(widths[c].width) for c in "ABC"]


def test_the_writer_prints_nothing(
    tmp_path: Path, hostile: pl.DataFrame, monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    _write(tmp_path / "fast.xlsx", hostile, "rustpy-xlsxwriter", monkeypatch)
    assert capfd.readouterr() == ("", "")


def test_environment_turns_the_fast_writer_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fast_writer.WRITER_ENV, "xlsxwriter")
    assert fast_writer.writer_name() == "xlsxwriter"
    monkeypatch.delenv(fast_writer.WRITER_ENV)
    assert fast_writer.writer_name() == "rustpy-xlsxwriter"


@pytest.mark.parametrize("frame, headers", [
    (pl.DataFrame({"a": ["x"], "b": [1]}), ["姓名", "序号"]),  # a number column
    (pl.DataFrame({"a": ["x"], "b": ["y"]}), ["标签", "标签"]),  # two equal headers
])
def test_tables_it_is_not_proven_on_go_to_xlsxwriter(
    tmp_path: Path, frame: pl.DataFrame, headers: list[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(fast_writer.WRITER_ENV, raising=False)
    assert not fast_writer.write_fast(tmp_path / "x.xlsx", "S", headers, frame, [8, 8], {})
    assert not (tmp_path / "x.xlsx").exists()
    writers.write_table(tmp_path / "x.xlsx", "S", headers, frame)
    assert [c.value for c in openpyxl.load_workbook(tmp_path / "x.xlsx")["S"][1]] == headers


def test_a_failure_is_a_clear_error_naming_the_way_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(fast_writer.WRITER_ENV, raising=False)
    too_long = pl.DataFrame({"a": ["x" * 40000]})
    with pytest.raises(CrmkitError) as err:
        writers.write_table(tmp_path / "upload.xlsx", "S", ["备注"], too_long)
    assert err.value.code == "output.failed"
    assert "CRMKIT_WRITER=xlsxwriter" in str(err.value.params["detail"])
    assert err.value.params["path"] == str(tmp_path / "upload.xlsx")  # not its temporary name
    assert list(tmp_path.iterdir()) == []


def test_a_run_uploads_the_same_cells_with_either_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [["姓名", "手机号码", "标签", "公司", "备注"]]
    rows += [[f"客户{i}", f"1380013{i:04d}", "重点客户", "=1+1" if i % 7 == 0 else "某公司",
              f"  备注 {i}" if i % 3 else None] for i in range(300)]
    rows.append(["坏号码", "1234", "重点客户", None, None])
    source = write_xlsx(tmp_path / "list.xlsx", rows)
    uploads = {}
    for writer in ("rustpy-xlsxwriter", "xlsxwriter"):
        monkeypatch.setenv(fast_writer.WRITER_ENV, writer)
        report = validate(source, out=tmp_path / writer)
        assert report.rows.valid == 300
        uploads[writer] = Path(report.outputs["upload"])
    assert _openpyxl_cells(uploads["rustpy-xlsxwriter"]) == _openpyxl_cells(uploads["xlsxwriter"])
    assert (_calamine_rows(uploads["rustpy-xlsxwriter"])
            == _calamine_rows(uploads["xlsxwriter"]))


def test_text_like_two_ooxml_escapes_in_a_row_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # xlsxwriter escapes "_x005F_x0041_" as "_x005F_x005F_x0041_", which reads back as
    # "_x005FA" (its pattern does not see the second escape): the fast writer escapes both.
    frame = pl.DataFrame({"备注": ["_x005F_x0041_", "_x0041_x0042_"]})
    _write(tmp_path / "fast.xlsx", frame, "rustpy-xlsxwriter", monkeypatch)
    assert [r[0] for r in _calamine_rows(tmp_path / "fast.xlsx")[1:]] == frame["备注"].to_list()
