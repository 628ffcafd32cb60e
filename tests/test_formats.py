"""Format sniffing: the real format from the bytes, and encryption seen from outside."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from crmkit.errors import CrmkitError
from crmkit.formats import (
    bare_biff_version,
    biff_is_encrypted,
    describe_workbook,
    detect_format,
    is_misnamed,
    looks_like_text,
    utf16_without_bom,
)

from conftest import corpus, write_xlsx


def detect(path: Path) -> str:
    return detect_format(path, path.read_bytes()[:4096])


def test_a_workbook_is_known_by_its_content_whatever_its_name(tmp_path: Path) -> None:
    real = write_xlsx(tmp_path / "a.xlsx", [["x"]])
    misnamed = tmp_path / "a.csv"
    misnamed.write_bytes(real.read_bytes())
    assert detect(misnamed) == "xlsx"


def test_zip_parts_with_backslashes_or_odd_folders_are_still_xlsx(tmp_path: Path) -> None:
    source = zipfile.ZipFile(write_xlsx(tmp_path / "a.xlsx", [["x"]]))
    odd = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(odd, "w") as out:
        for name in source.namelist():
            out.writestr(name.replace("/", "\\"), source.read(name))
    assert detect(odd) == "xlsx"
    assert detect(corpus("sheets", "xlsx", "SheetJS-test_files__wtf_path.xlsx")) == "xlsx"


@pytest.mark.parametrize(
    ("head", "is_text"),
    [
        ("姓名,手机\n张三,138\n".encode(), True),
        ("姓名,手机\n张三,138\n".encode("gbk"), True),
        ("姓名\t手机\n".encode("utf-16"), True),
        ("name,phone\n".encode("utf-16-le"), True),  # UTF-16 without a BOM
        ("姓名\t手机号码\t标签\n张三\t李四\n".encode("utf-16-be"), True),  # few NULs
        (b"a,b,c\n\x00,2,3\n", True),  # a stray NUL in a field
        (b"BM\xb6\x9c\x01\x00\x00\x00\x00\x006\x00\x00\x00(\x00" * 20, False),  # a bitmap
        (bytes(range(256)) * 4, False),
    ],
)
def test_looks_like_text(head: bytes, is_text: bool) -> None:
    assert looks_like_text(head) is is_text


@pytest.mark.parametrize(
    ("name", "encrypted"),
    [
        ("broken/SheetJS-test_files__password_2002_40_xor.xls", True),
        ("broken/SheetJS-test_files__password_2002_128_strong.xls", True),
        ("broken/dimastbk-python-calamine__password.xls", True),
        ("xls/SheetJS-test_files__author_snowman.xls", False),
        ("chinese/tafia-calamine__issue_271.xls", False),
    ],
)
def test_password_protected_xls_is_recognised_by_its_filepass_record(
    name: str, encrypted: bool
) -> None:
    assert biff_is_encrypted(corpus("sheets", *name.split("/"))) is encrypted


def test_encrypted_xlsx_is_refused_before_any_reader_runs() -> None:
    path = corpus("sheets", "broken",
                  "ExcelDataReader-ExcelDataReader__agile_AES256_SHA512_CBC_pwd_password.xlsx")
    with pytest.raises(CrmkitError) as err:
        detect(path)
    assert err.value.code == "file.encrypted"
    assert "取消密码" in err.value.message()


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("姓名,手机\n张三,138\n".encode("utf-16-le"), "utf-16-le"),
        ("姓名,手机\n张三,138\n".encode("utf-16-be"), "utf-16-be"),
        (b"name,phone\n", None),
        (b"a,b\n\x00,1\n", None),  # one stray NUL
        (bytes(range(256)) * 4, None),  # NULs and controls on both sides: binary
    ],
)
def test_utf16_without_bom(data: bytes, encoding: str | None) -> None:
    assert utf16_without_bom(data) == encoding


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("SheetJS-test_files__CRLFX5_2.XLS", 2),
        ("ExcelDataReader-ExcelDataReader__Test_git_issue_466_biff3.xls", 3),
        ("python-excel-xlrd__biff4_no_format_no_window2.xls", 4),
        ("SheetJS-test_files__merge_cells.xls", None),  # BIFF8 in a compound document
    ],
)
def test_excel_2_to_4_streams_are_xls(name: str, version: int | None) -> None:
    path = corpus("sheets", "xls", name)
    assert bare_biff_version(path.read_bytes()[:16]) == version
    assert detect(path) == "xls"


@pytest.mark.parametrize(
    ("name", "fmt", "misnamed"),
    [
        ("list.xls", "xlsx", True),
        ("list.XLSX", "xlsx", False),
        ("list.xlsm", "xlsx", False),
        ("list.et", "xls", False),  # WPS saves .et as .xls or .xlsx inside
        ("list.ett", "xlsx", False),
        ("list.xls", "csv", True),
        ("list.txt", "csv", False),
        ("list.TSV", "csv", False),
        ("list.csv", "xls", True),
        ("list.ods", "ods", False),
        ("list", "csv", False),  # no extension says nothing
    ],
)
def test_misnamed_means_the_extension_belongs_to_another_format(
    name: str, fmt: str, misnamed: bool
) -> None:
    assert is_misnamed(Path(name), fmt) is misnamed


def test_workbook_descriptions() -> None:
    assert describe_workbook("xls", ".xls", biff=8) == (
        "Excel 97-2003 工作簿（.xls）", "an Excel 97-2003 workbook (.xls)")
    assert describe_workbook("xls", ".xls", biff=4).en == "an Excel 4.0 worksheet (.xls)"
    assert describe_workbook("xlsx", ".xlsm", macros=True).zh == "启用宏的 Excel 工作簿（.xlsm）"
    assert describe_workbook("xlsx", ".et").zh == "WPS 表格文件（.et，Excel .xlsx 格式）"


def _damaged(tmp_path: Path, name: str, patch: str) -> Path:
    """A workbook whose [Content_Types].xml is damaged: its deflate stream corrupted, its
    zip password flag set, or its compression method made Deflate64 (9)."""
    data = bytearray(write_xlsx(tmp_path / "a.xlsx", [["姓名"]]).read_bytes())
    info = zipfile.ZipFile(tmp_path / "a.xlsx").getinfo("[Content_Types].xml")
    local = info.header_offset
    central = [i for i in range(len(data)) if data[i:i + 4] == b"PK\x01\x02"
               and data[i + 46:i + 46 + len(info.filename)] == info.filename.encode()]
    if patch == "deflate":
        start = local + 30 + len(info.filename) + len(info.extra)
        data[start:start + 8] = b"\xff" * 8
    for header, flags, method in [(local, 6, 8)] + [(c, 8, 10) for c in central]:
        if patch == "password":
            data[header + flags] |= 1
        elif patch == "deflate64":
            data[header + method:header + method + 2] = (9).to_bytes(2, "little")
    path = tmp_path / name
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("patch", "code", "says"),
    [
        ("deflate", "file.unreadable", "zip structure is broken"),
        ("password", "file.encrypted", "password"),
        ("deflate64", "file.unreadable", "Deflate64"),
    ],
)
def test_a_damaged_zip_is_refused_with_a_reason(
    tmp_path: Path, patch: str, code: str, says: str
) -> None:
    with pytest.raises(CrmkitError) as err:
        detect(_damaged(tmp_path, f"{patch}.xlsx", patch))
    assert err.value.code == code and says in err.value.message("en")


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b'<html xmlns:x="urn:schemas-microsoft-com:office:excel"><body><table>', "HTML"),
        (b"\xef\xbb\xbf\r\n  <!DOCTYPE html><html><table><tr><td>x</td></tr>", "HTML"),
        ('<meta charset="gbk"><table border=1><tr><td>姓名</td>'.encode("gbk"), "HTML"),
        ("<table><tr><td>姓名</td></tr></table>".encode("utf-16"), "HTML"),
        (b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook '
         b'xmlns="urn:schemas-microsoft-com:office:spreadsheet">', "Excel 2003 XML"),
        (b'\xef\xbb\xbf <Workbook xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">',
         "Excel 2003 XML"),
    ],
)
def test_html_and_xml_spreadsheets_named_xls_are_refused_saying_what_they_are(
    tmp_path: Path, head: bytes, what: str
) -> None:
    path = tmp_path / "导出.xls"
    path.write_bytes(head)
    with pytest.raises(CrmkitError) as err:
        detect(path)
    assert err.value.code == "file.unsupported"
    assert what in err.value.message() and what in err.value.message("en")
    assert ".xls" in err.value.params["detail"].en
    # The catalogue's message already says to save it again, once.
    assert err.value.message().count("另存为") == 1


@pytest.mark.parametrize("text", ["<客户>,手机\n张三,138\n", "name,note\nA,<b>bold</b>\n"])
def test_a_text_table_with_angle_brackets_is_still_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(text.encode())
    assert detect(path) == "csv"
