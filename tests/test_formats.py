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
