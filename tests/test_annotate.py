"""--annotate: a copy of the user's workbook, their formatting kept, bad cells marked; the input
is never touched and no value is ever rewritten."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from crmkit import annotate, validate

from conftest import HEADER, ROOT, sha256, write_csv, write_xlsx

EXAMPLE = ROOT / "examples" / "customers.xlsx"
RED, YELLOW = "FFC7CE", "FFEB9C"


def cells(path: Path, sheet: str) -> dict[str, tuple[object, ...]]:
    ws = openpyxl.load_workbook(path)[sheet]
    return {c.coordinate: (c.value, c.data_type, c.number_format, c.font.name, c.font.b,
                           c.alignment.horizontal)
            for row in ws.iter_rows() for c in row}


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return Path(shutil.copy(EXAMPLE, tmp_path / "customers.xlsx"))


def test_the_copy_marks_every_issue_and_leaves_the_input_alone(
    example: Path, tmp_path: Path
) -> None:
    before = sha256(example)
    report = validate(example, out=tmp_path / "out")
    path = annotate.write_annotated(example, tmp_path / "out", report)

    assert path == tmp_path / "out" / "customers.annotated.xlsx"
    assert sha256(example) == before
    ws = openpyxl.load_workbook(path)["客户名单"]
    for issue in report.issues:
        if issue.row is None:
            continue
        cell = ws[f"{issue.column}{issue.row}"]
        assert cell.fill.fgColor.rgb.endswith(RED), issue
        assert issue.message("zh") in cell.comment.text
        if issue.suggestion:
            assert f"建议修改为：{issue.suggestion}" in cell.comment.text
    # the column that is not imported: its header cell, in yellow (a warning)
    assert ws["H2"].fill.fgColor.rgb.endswith(YELLOW) and "不会被导入" in ws["H2"].comment.text
    assert ws["A3"].comment is None  # a row without problems is as it was


def test_the_copy_keeps_every_value_and_format_and_writes_no_formula(
    example: Path, tmp_path: Path
) -> None:
    report = validate(example, out=tmp_path / "out")
    path = annotate.write_annotated(example, tmp_path / "out", report)
    assert path is not None
    assert cells(path, "客户名单") == cells(example, "客户名单")
    copy, original = openpyxl.load_workbook(path), openpyxl.load_workbook(example)
    ws, was = copy["客户名单"], original["客户名单"]
    assert ws.merged_cells.ranges == was.merged_cells.ranges  # the title across the columns
    assert {k: d.width for k, d in ws.column_dimensions.items()} == {
        k: d.width for k, d in was.column_dimensions.items()}
    assert ws["I144"].value.startswith("=HYPERLINK") and ws["I144"].data_type == "s"
    assert copy.sheetnames == original.sheetnames


def test_an_existing_comment_is_kept_above_crmkits(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("名单")
    for j, h in enumerate(HEADER):
        ws.write_string(0, j, h)
    ws.write_string(1, 0, "张三")
    ws.write_string(1, 1, "12345")
    ws.write_string(1, 2, "VIP")
    ws.write_comment(1, 1, "老板给的号码")
    book.close()
    report = validate(path, write=False)
    out = annotate.write_annotated(path, tmp_path, report)
    assert out is not None
    text = openpyxl.load_workbook(out)["名单"]["B2"].comment.text
    assert text.startswith("老板给的号码") and "不是有效的电话号码" in text


def test_a_problem_inside_a_merged_range_marks_its_first_cell(tmp_path: Path) -> None:
    path = tmp_path / "merged.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("S")
    for j, h in enumerate(HEADER):
        ws.write_string(0, j, h)
    ws.write_string(1, 0, "张三")
    ws.write_string(2, 0, "李四")
    ws.merge_range(1, 1, 2, 1, "12345")  # one bad number merged over two customers
    ws.write_string(1, 2, "VIP")
    ws.write_string(2, 2, "VIP")
    book.close()
    report = validate(path, write=False)
    out = annotate.write_annotated(path, tmp_path, report)
    assert out is not None
    sheet = openpyxl.load_workbook(out)["S"]
    assert sheet["B2"].fill.fgColor.rgb.endswith(RED)
    assert sheet["B2"].comment.text.count("不是有效的电话号码") == 2  # rows 2 and 3


def test_a_workbook_named_for_another_format_is_still_copied(tmp_path: Path) -> None:
    # openpyxl refuses a name ending .xls; crmkit hands it the open file, not the name.
    path = write_xlsx(tmp_path / "old.xls", [HEADER, ["", "13800138000", "VIP"]])
    report = validate(path, write=False)
    out = annotate.write_annotated(path, tmp_path / "out", report)
    assert out == tmp_path / "out" / "old.annotated.xlsx"
    assert openpyxl.load_workbook(out)["Sheet1"]["A2"].fill.fgColor.rgb.endswith(RED)


def test_text_files_are_not_copied(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "list.csv", [HEADER, ["", "13800138000", "VIP", "", "", ""]])
    report = validate(path, write=False)
    assert not annotate.can_annotate(report)
    assert annotate.write_annotated(path, tmp_path, report) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.csv"]


def _notices(report_json: Path) -> list[str]:
    import json

    issues = json.loads(report_json.read_text(encoding="utf-8"))["issues"]
    return [i["message"] for i in issues if i["code"] == "output.not_annotated"]


def _issue_sheet_texts(errors: Path) -> list[str]:
    ws = openpyxl.load_workbook(errors)["问题明细"]
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_asking_to_annotate_a_text_file_says_why_there_is_no_copy(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "list.csv", [HEADER, ["", "13800138000", "VIP", "", "", ""]])
    out = tmp_path / "out"
    report = validate(path, out=out, annotate=True)
    assert "annotated" not in report.outputs
    [notice] = _notices(out / "report.json")
    assert "只有 Excel 2007 及以后的工作簿（.xlsx/.xlsm）能做标注副本" in notice
    assert "output.not_annotated" in _issue_sheet_texts(out / "errors.xlsx")
    assert report.ok is False and report.rows.rejected == 1  # the notice changes nothing else


def _listing_the_sheet_again(xlsx: Path, target: Path, times: int) -> Path:
    """`xlsx` with its first <sheet> listed `times` more times under other names (a corrupt
    workbook.xml the fuzzer made)."""
    import re
    import zipfile

    with zipfile.ZipFile(xlsx) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/workbook.xml":
                sheet = re.search(rb"<sheet [^>]*/>", data)
                assert sheet is not None
                copies = b"".join(
                    sheet.group(0).replace(b'name="', f'name="copy{n}'.encode(), 1)
                    .replace(b'sheetId="', f'sheetId="9{n}'.encode(), 1)
                    for n in range(times))
                data = data[:sheet.end()] + copies + data[sheet.end():]
            dst.writestr(item, data)
    return target


def test_a_workbook_listing_one_sheet_many_times_gets_no_copy_and_a_notice(
    example: Path, tmp_path: Path
) -> None:
    # The fuzzer's workbook listed one sheet 5,000 times: openpyxl took a minute on it.
    path = _listing_the_sheet_again(example, tmp_path / "dup.xlsx", times=50)
    out = tmp_path / "out"
    report = validate(path, out=out, annotate=True)
    assert report.rows.read > 0  # the list itself is still checked
    assert "annotated" not in report.outputs
    assert not (out / "dup.annotated.xlsx").exists()
    [notice] = _notices(out / "report.json")
    assert "工作簿把同一张表登记了不止一次" in notice


def test_a_copy_that_fails_to_save_is_a_notice_in_report_json(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: object, filename: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken)
    out = tmp_path / "out"
    report = validate(example, out=out, annotate=True)
    assert "annotated" not in report.outputs
    assert not (out / "customers.annotated.xlsx").exists()
    [notice] = _notices(out / "report.json")
    assert "保存副本时出错" in notice


def test_a_failed_save_leaves_no_file_behind(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = validate(example, write=False)
    out = tmp_path / "out"
    out.mkdir()

    def broken(self: object, filename: object) -> None:
        Path(str(filename)).write_bytes(b"half")
        raise RuntimeError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken)
    # openpyxl failing on an odd workbook costs the courtesy copy, never the run.
    assert annotate.write_annotated(example, out, report) is None
    assert list(out.iterdir()) == []


def _as_macro_enabled(xlsx: Path, target: Path) -> Path:
    """`xlsx` relabelled as a macro-enabled workbook, as Excel saves an .xlsm."""
    import zipfile

    with zipfile.ZipFile(xlsx) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            dst.writestr(item, data)
    return target


def test_a_macro_enabled_workbook_is_copied_as_a_plain_workbook(tmp_path: Path) -> None:
    import zipfile

    plain = write_xlsx(tmp_path / "plain.xlsx", [HEADER, ["", "13800138000", "VIP"]])
    path = _as_macro_enabled(plain, tmp_path / "宏.xlsm")
    report = validate(path, write=False)
    out = annotate.write_annotated(path, tmp_path / "out", report)
    assert out == tmp_path / "out" / "宏.annotated.xlsx"
    types = zipfile.ZipFile(out).read("[Content_Types].xml")
    assert b"macroEnabled" not in types and b"sheet.main+xml" in types
    assert openpyxl.load_workbook(out)["Sheet1"]["A2"].fill.fgColor.rgb.endswith(RED)


def test_a_workbook_openpyxl_cannot_open_gives_no_copy(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = validate(example, write=False)

    def refuse(*args: object, **kwargs: object) -> None:
        raise KeyError("There is no item named 'xl/sharedStrings.xml' in the archive")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    assert annotate.write_annotated(example, tmp_path / "out", report) is None
    assert not (tmp_path / "out").exists()


def test_annotating_an_annotated_copy_replaces_crmkits_comments_not_stacks_them(
    tmp_path: Path,
) -> None:
    from crmkit import validate

    from conftest import HEADER, write_xlsx

    path = write_xlsx(tmp_path / "in.xlsx", [HEADER, ["张三", "12345", "VIP", "", "", ""]])
    first = validate(path, out=tmp_path / "one", annotate=True)
    copy = Path(first.outputs["annotated"])
    second = validate(copy, out=tmp_path / "two", annotate=True)
    import openpyxl

    comment = openpyxl.load_workbook(second.outputs["annotated"]).active["B2"].comment
    assert comment is not None and comment.text.count("不是有效的电话号码") == 1
