"""Format sniffing: the real format from the bytes, and encryption seen from outside."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from crmkit.errors import CrmkitError
from crmkit.formats import biff_is_encrypted, detect_format, looks_like_text

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
