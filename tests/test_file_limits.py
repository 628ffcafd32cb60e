"""What a file may cost: zip bombs (honest and lying), far cells, rows, columns, cell length;
each refused in one line naming the limit and its option, in bounded time."""

from __future__ import annotations

import random
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from typer.testing import CliRunner

import crmkit
from crmkit.cli import app
from crmkit.errors import CrmkitError
from crmkit.file_limits import FileLimits, check_archive, using, xlsx_sheet_extent

from conftest import HEADER, ROOT, corpus, write_csv, write_xlsx

runner = CliRunner(env={"COLUMNS": "120", "NO_COLOR": "1"})
ROWS = [HEADER, ["张三", "13800138000", "VIP", "甲公司", "a@b.cn", ""],
        ["李四", "13900139000", "VIP", "乙公司", "", "备注"]]


def refusal(path: Path, *args: str) -> tuple[int, str]:
    """crmkit validate in its own process (an abort must not take the test run with it)."""
    result = subprocess.run(
        [sys.executable, "-m", "crmkit", "validate", str(path), "--no-write", *args],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    return result.returncode, result.stderr


def far_cell(path: Path, row: int, col: int) -> Path:
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    for j, header in enumerate(HEADER):
        ws.write_string(0, j, header)
    ws.write_row(1, 0, ROWS[1])
    ws.write_string(row, col, "x")
    book.close()
    return path


def test_one_cell_in_column_xfd_is_refused_not_an_abort(tmp_path: Path) -> None:
    # calamine would lay out 200,001 x 16,384 cells and abort the process.
    started = time.monotonic()
    code, err = refusal(far_cell(tmp_path / "far.xlsx", 200_000, 16_383), "--lang", "en")
    assert code == 2, err
    assert err.count("\n") == 1 and "[file.too_big]" in err
    assert "XFD200001" in err and "--max-columns" in err
    assert time.monotonic() - started < 30


def test_raising_the_column_limit_meets_the_cells_limit(tmp_path: Path) -> None:
    code, err = refusal(far_cell(tmp_path / "far.xlsx", 200_000, 16_383),
                        "--max-columns", "20000", "--lang", "en")
    assert code == 2 and "--max-cells" in err and "3,276,816,384" in err


@pytest.mark.parametrize(("ref", "option"), [(b"B99999999999999999999", "--max-rows"),
                                             (b"AAAAAAAAAAAAAAAA6", "--max-columns")])
def test_an_absurd_reference_is_measured_not_skipped(
    tmp_path: Path, ref: bytes, option: str
) -> None:
    # Both aborted calamine once (found by tests/fuzzing.py).
    made = far_cell(tmp_path / "made.xlsx", 5, 1)
    path = tmp_path / "huge-ref.xlsx"
    with zipfile.ZipFile(made) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info).replace(b'r="B6"', b'r="' + ref + b'"'))
    code, err = refusal(path, "--lang", "en")
    assert code == 2 and "[file.too_big]" in err and option in err


def test_the_column_limit_names_the_farthest_cell(tmp_path: Path) -> None:
    code, err = refusal(far_cell(tmp_path / "far.xlsx", 2, 16_383), "--max-columns", "100",
                        "--lang", "en")
    assert code == 2 and "--max-columns" in err and "XFD3" in err and "16,384" in err


def test_a_stray_cell_far_down_is_named_for_the_rows_limit(tmp_path: Path) -> None:
    path = far_cell(tmp_path / "deep.xlsx", 1_048_575, 1)
    with pytest.raises(CrmkitError) as err:
        crmkit.validate(path, write=False, max_rows=1_000_000)
    assert err.value.code == "file.too_big"
    assert "B1048576" in err.value.message("en") and "--max-rows" in err.value.message("en")


def test_a_far_cell_within_the_limits_is_read(tmp_path: Path) -> None:
    path = far_cell(tmp_path / "ok.xlsx", 3_000, 40)
    report = crmkit.validate(path, write=False)
    assert report.rows.read >= 2


def test_an_empty_formatted_cell_far_away_does_not_count(tmp_path: Path) -> None:
    # Readers skip a cell holding only formatting: <c r="XFD9" s="1"/>.
    book = xlsxwriter.Workbook(str(tmp_path / "fmt.xlsx"))
    ws = book.add_worksheet()
    for i, row in enumerate(ROWS):
        ws.write_row(i, 0, row)
    ws.write_blank(8, 16_383, None, book.add_format({"bold": True}))
    book.close()
    assert crmkit.validate(tmp_path / "fmt.xlsx", write=False).rows.read == 2


def test_extent_of_cells_without_references_is_counted() -> None:
    row = b"<row>" + b"<c><v>1</v></c>" * 1500 + b"</row>"
    xml = b"<sheetData>" + row * 3 + b"</sheetData>"
    extent = xlsx_sheet_extent(iter([xml[i:i + 700] for i in range(0, len(xml), 700)]))
    assert (extent.columns, extent.rows) == (1500, 3)


def bomb(path: Path, size: int, *, random_text: bool = False) -> Path:
    """A workbook whose sharedStrings part inflates to `size` bytes of a comment."""
    example = zipfile.ZipFile(ROOT / "examples" / "customers.xlsx")
    rng = random.Random(7)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in example.infolist():
            data = example.read(info)
            if info.filename == "xl/sharedStrings.xml":
                filler = (bytes(rng.choices(b"abcdefghijklmnopqrstuvwxyz0123456789 ", k=size))
                          if random_text else b" " * size)
                data = data.replace(b"</sst>", b"<!--" + filler + b"--></sst>")
            out.writestr(info.filename, data, zipfile.ZIP_DEFLATED)
    return path


def test_a_zip_bomb_is_refused_by_its_ratio_in_a_moment(tmp_path: Path) -> None:
    path = bomb(tmp_path / "bomb.xlsx", 400 << 20)
    assert path.stat().st_size < 1 << 20
    started = time.monotonic()
    code, err = refusal(path)
    assert code == 2 and "[file.too_big]" in err and "--max-zip-ratio" in err
    assert time.monotonic() - started < 10


def test_the_unzipped_size_limit_counts_declared_sizes(tmp_path: Path) -> None:
    path = bomb(tmp_path / "big.xlsx", 3 << 20, random_text=True)
    with using(FileLimits(unzipped_mb=2)), pytest.raises(CrmkitError) as err:
        check_archive(path)
    assert err.value.code == "file.too_big" and "--max-unzipped-mb" in err.value.message("en")
    with using(FileLimits(unzipped_mb=8)):
        check_archive(path)


def lie_about_sizes(path: Path, member: str, claimed: int) -> None:
    """Rewrite the uncompressed size `member` declares, in its local header and the central
    directory, as a hostile archive does; its CRC is left alone."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    struct.pack_into("<I", data, info.header_offset + 22, claimed)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + name_len] == member.encode():
            struct.pack_into("<I", data, at + 24, claimed)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def test_a_zip_that_lies_about_its_sizes_is_measured_by_what_it_holds(tmp_path: Path) -> None:
    path = bomb(tmp_path / "liar.xlsx", 6 << 20, random_text=True)
    lie_about_sizes(path, "xl/sharedStrings.xml", 1000)
    with zipfile.ZipFile(path) as zf:
        assert sum(i.file_size for i in zf.infolist()) < 1 << 20  # what it declares
    with using(FileLimits(unzipped_mb=4)), pytest.raises(CrmkitError) as err:
        check_archive(path)
    assert err.value.code == "file.too_big"


def test_the_corpus_dos_ods_is_refused_in_under_two_seconds() -> None:
    path = corpus("sheets", "broken", "tafia-calamine__issue_594_dos.ods")
    started = time.monotonic()
    with pytest.raises(CrmkitError) as err:
        crmkit.validate(path, write=False)
    assert time.monotonic() - started < 2
    assert err.value.code in ("file.unreadable", "file.too_big")


def test_a_text_file_past_the_row_limit_names_the_option(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "long.csv", [HEADER] + [["张三", f"1380013{i:04d}", "VIP"]
                                                         for i in range(30)])
    result = runner.invoke(app, ["validate", str(path), "--no-write", "--max-rows", "10"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--max-rows" in result.stderr
    assert runner.invoke(app, ["validate", str(path), "--no-write"]).exit_code in (0, 1)


def test_one_line_of_many_delimiters_is_refused_before_padding(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes(("姓名,手机号码,标签\n张三,13800138000,VIP\n" + "," * 50_000 + "\n")
                     .encode())
    result = runner.invoke(app, ["validate", str(path), "--no-write", "--lang", "en"])
    assert result.exit_code == 2 and "--max-columns" in result.stderr
    assert "50,001" in result.stderr and "1,000" in result.stderr


def test_limits_can_be_set_in_crmkit_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    path = write_xlsx(tmp_path / "list.xlsx", ROWS)
    (tmp_path / "crmkit.toml").write_text("max_columns = 3\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", str(path), "--no-write"])
    assert result.exit_code == 2 and "--max-columns" in result.stderr
    result = runner.invoke(app, ["validate", str(path), "--no-write", "--max-columns", "10"])
    assert result.exit_code in (0, 1)


def test_a_workbook_cell_longer_than_excel_allows_is_refused(tmp_path: Path) -> None:
    # Excel and the usual libraries cannot write such a cell, but a program can: crmkit
    # could not hand it back unchanged.
    made = write_xlsx(tmp_path / "made.xlsx", [HEADER, ["张三", "13800138000", "VIP", "甲",
                                                          "", "PLACEHOLDER"]])
    path = tmp_path / "long.xlsx"
    with zipfile.ZipFile(made) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info).replace(b"PLACEHOLDER", "长".encode() * 40_000)
            out.writestr(info.filename, data)
    with pytest.raises(CrmkitError) as err:
        crmkit.validate(path, write=False)
    assert err.value.code == "cell.too_long" and "第 2 行 F 列" in err.value.message()
