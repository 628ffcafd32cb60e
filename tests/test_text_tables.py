"""Text tables: the encoding and delimiter told without mojibake, overridden on request."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from crmkit.errors import CrmkitError
from crmkit.file_limits import FileLimits, using
from crmkit.readers import open_source
from crmkit.text_tables import parse_delimiter

from conftest import corpus

ROWS = [["姓名", "手机号码", "标签"], ["张三", "13800138000", "VIP"],
        ["李四", "13900139000", "新客户"]]
TEXT = "".join(",".join(row) + "\n" for row in ROWS)


def read(path: Path, **options: str) -> tuple[list[list[str]], str | None, str | None]:
    src = open_source(path, **options)
    return src.rows(src.sheets[0].name), src.encoding, src.delimiter


def write(tmp_path: Path, data: bytes, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "header", "known"),
    [
        # Alipay's bill export: a GBK preamble of 24 lines before its header.
        ("deb-sig-double-entry-generator__example-alipay-records.csv", None, "支付宝"),
        ("MOMENTXiu-MarketMind__order_1.csv", None, "深圳市"),
        # Named *_gbk.csv but UTF-8 inside: the bytes decide, not the name.
        ("MOMENTXiu-MarketMind__retail_sales_raw_gbk.csv", "顾客编号", "大类名称"),
        ("deb-sig-double-entry-generator__example-hxsec-records.xls", "交收日期", "证券代码"),
    ],
)
def test_chinese_corpus_text_decodes_to_known_strings(
    name: str, header: str | None, known: str
) -> None:
    src = open_source(corpus("sheets", "chinese", name))
    rows = src.rows(src.sheets[0].name)
    cells = [cell for row in rows for cell in row]
    assert any(known in cell for cell in cells)
    if header is not None:
        assert rows[0][0] == header
    if "utf-8" not in (src.encoding or ""):
        assert src.encoding == "gb18030"  # GBK files come out as GB18030, its superset


def test_a_gbk_file_is_never_read_as_a_western_code_page(tmp_path: Path) -> None:
    # Names with characters outside GB2312 (喆, 堃) are where a guesser drifts to Korean
    # or Cyrillic; charset-normalizer alone says cp1251 for this one.
    path = write(tmp_path, "姓名\n王喆\n李堃\n".encode("gbk"))
    rows, encoding, _ = read(path)
    assert (rows, encoding) == ([["姓名"], ["王喆"], ["李堃"]], "gb18030")


def test_gb18030_reads_characters_gbk_lacks(tmp_path: Path) -> None:
    path = write(tmp_path, "姓名,备注\n张三,𠀾\n".encode("gb18030"))
    assert read(path)[0] == [["姓名", "备注"], ["张三", "𠀾"]]


@pytest.mark.parametrize(
    ("codec", "bom", "expected"),
    [
        ("utf-16-le", b"\xff\xfe", "utf-16"),
        ("utf-16-be", b"\xfe\xff", "utf-16"),
        ("utf-16-le", b"", "utf-16-le"),
        ("utf-16-be", b"", "utf-16-be"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("utf-8", b"", "utf-8"),
    ],
)
def test_unicode_with_and_without_bom(
    tmp_path: Path, codec: str, bom: bytes, expected: str
) -> None:
    rows, encoding, _ = read(write(tmp_path, bom + TEXT.encode(codec)))
    assert (rows, encoding) == (ROWS, expected)


def test_utf16_without_bom_holding_mostly_chinese(tmp_path: Path) -> None:
    # Few ASCII characters, so few NUL bytes: still UTF-16, not a binary file.
    text = "姓名\t手机号码\t标签\n张三\t李四\t王五\n"
    rows, encoding, delimiter = read(write(tmp_path, text.encode("utf-16-le")))
    assert (rows[0], encoding, delimiter) == (["姓名", "手机号码", "标签"], "utf-16-le", "\t")


@pytest.mark.parametrize(
    ("name", "encoding", "known"),
    [
        ("ExcelDataReader-ExcelDataReader__utf16le_bom.csv", "utf-16", ["a", "b", "c"]),
        ("wireservice-csvkit__test_utf16_big.csv", "utf-16", ["a", "b", "c"]),
        ("alibaba-easyexcel__office_bom.csv", "utf-8-sig", ["姓名", "年纪"]),
    ],
)
def test_unicode_corpus_files(name: str, encoding: str, known: list[str]) -> None:
    rows, used, _ = read(corpus("sheets", "csv", name))
    assert (rows[0], used) == (known, encoding)


@pytest.mark.parametrize(
    ("name", "encoding", "known"),
    [
        ("ExcelDataReader-ExcelDataReader__cp1252.csv", "cp1252", "æøå"),
        ("frictionlessdata-frictionless-py__latin1.csv", "cp1252", "©"),
        ("frictionlessdata-frictionless-py__table-infer-iso-8859-7.csv", "iso8859-7",
         "Λεωνιδας"),
    ],
)
def test_single_byte_western_corpus_files_decode_without_mojibake(
    name: str, encoding: str, known: str
) -> None:
    rows, used, _ = read(corpus("sheets", "csv", name))
    assert used == encoding
    assert known in [cell for row in rows for cell in row]


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("name,city\nJosé,Société Générale\nRenée,Zürich\n", "cp1252"),
        ("Name;Ort\nMüller;Zürich\n", "cp1252"),  # GB18030 would read M黮ler
        ("Имя,Город\nИван,Москва\nПётр,Санкт-Петербург\n", "cp1251"),
        ("όνομα,πόλη\nΓιώργος,Αθήνα\nΜαρία,Θεσσαλονίκη\n", "iso8859-7"),
        ("客戶名單,電話號碼\n張三豐,13800138000\n李小龍,0912345678\n", "big5"),
    ],
)
def test_other_code_pages_are_read_by_their_words(tmp_path: Path, text: str, codec: str) -> None:
    rows, encoding, _ = read(write(tmp_path, text.encode(codec)))
    assert encoding == codec
    assert "\n".join(",".join(r) for r in rows) == text.replace(";", ",").strip()


def test_a_utf8_file_with_a_few_broken_bytes_is_refused_not_read_as_gb18030(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, TEXT.encode() * 3 + "王五,13700137000,VIP\n".encode()[:-6] + b"\xff\n")
    with pytest.raises(CrmkitError) as err:
        open_source(path)
    assert err.value.code == "file.encoding" and "UTF-8" in err.value.message("en")


def test_an_encoding_crmkit_cannot_tell_is_refused_naming_the_option(tmp_path: Path) -> None:
    # Shift-JIS also reads as GB18030 (as rare characters): neither guess is safe.
    path = write(tmp_path, "名前,電話\n田中,138\n".encode("cp932"))
    with pytest.raises(CrmkitError) as err:
        open_source(path)
    assert err.value.code == "file.encoding"
    assert "--encoding" in err.value.message() and "--encoding" in err.value.message("en")
    rows, encoding, _ = read(path, encoding="shift_jis")
    assert (rows[1], encoding) == (["田中", "138"], "shift_jis")


def test_forced_encoding_wins_and_gbk_means_gb18030(tmp_path: Path) -> None:
    path = write(tmp_path, TEXT.encode("gbk"))
    rows, encoding, _ = read(path, encoding="GBK")
    assert (rows, encoding) == (ROWS, "gb18030")
    # A BOM is not part of the first header, whichever encoding is named.
    path = write(tmp_path, b"\xef\xbb\xbf" + TEXT.encode(), "bom.csv")
    assert read(path, encoding="utf-8")[:2] == (ROWS, "utf-8-sig")


def test_bytes_the_forced_encoding_cannot_decode_are_reported_by_line(tmp_path: Path) -> None:
    path = write(tmp_path, b"name,phone\nZhang,138\n" + "李四,139\n".encode("gbk"))
    with pytest.raises(CrmkitError) as err:
        open_source(path, encoding="utf-8")
    assert err.value.code == "file.encoding"
    assert "第 3 行" in err.value.message() and "line 3" in err.value.message("en")


@pytest.mark.parametrize("name", ["klingon", "rot13", "base64", "", "undefined"])
def test_an_unknown_encoding_is_a_bad_option(tmp_path: Path, name: str) -> None:
    with pytest.raises(CrmkitError) as err:
        open_source(write(tmp_path, TEXT.encode()), encoding=name)
    assert err.value.code == "options.invalid" and "--encoding" in err.value.message()


@pytest.mark.parametrize(
    ("option", "delimiter"),
    [(";", ";"), ("tab", "\t"), ("\\t", "\t"), ("\t", "\t"), ("Comma", ","),
     ("semicolon", ";"), ("pipe", "|"), ("分号", ";")],
)
def test_delimiter_option_names(option: str, delimiter: str) -> None:
    assert parse_delimiter(option) == delimiter


@pytest.mark.parametrize("option", ["", ";;", "comma,", '"', "\n"])
def test_a_delimiter_that_is_not_one_character_is_a_bad_option(option: str) -> None:
    with pytest.raises(CrmkitError) as err:
        parse_delimiter(option)
    assert err.value.code == "options.invalid" and "--delimiter" in err.value.message("en")


def test_forced_delimiter_splits_where_sniffing_would_not(tmp_path: Path) -> None:
    # Commas inside the notes make the sniffer pick ","; the user knows it is ";".
    path = write(tmp_path, "姓名;备注\n张三;北京,朝阳\n李四;上海,浦东\n".encode())
    rows, _, delimiter = read(path, delimiter="semicolon")
    assert (rows[1], delimiter) == (["张三", "北京,朝阳"], ";")


def test_the_detected_delimiter_and_encoding_are_described(tmp_path: Path) -> None:
    src = open_source(write(tmp_path, TEXT.replace(",", "\t").encode("gbk"), "list.txt"))
    assert src.delimiter == "\t" and src.encoding == "gb18030"
    assert src.detected.zh == "文本表格（GB18030 编码，制表符分隔）"
    assert src.detected.en == "a text table (GB18030, tab-separated)"
    assert not src.misnamed and not src.date1904


def test_a_sheet_whose_rows_disagree_still_finds_its_delimiter(tmp_path: Path) -> None:
    # A bank export: a preamble without delimiters, then the table.
    text = "交易明细\n账号：6222\n\n日期|金额|摘要\n2024-01-01|100|工资\n2024-01-02|-20|餐饮\n"
    rows, _, delimiter = read(write(tmp_path, text.encode("gbk")))
    assert delimiter == "|" and rows[3] == ["日期", "金额", "摘要"]


def test_only_the_delimiter_is_sniffed_and_fields_are_split_as_excel_does(
    tmp_path: Path,
) -> None:
    # The Sniffer guessed ' as the quote character and doubled quotes as not escaped: Excel
    # shows '13800138000' with its apostrophes, and "他说""你好""" as 他说"你好".
    path = write(tmp_path, "姓名,手机,备注\n张三,'13800138000',a\n李四,'13900139000',b\n"
                 '王五,13700137000,"他说""你好"""\n'.encode())
    rows, _, delimiter = read(path)
    assert delimiter == ","
    assert rows[1:] == [["张三", "'13800138000'", "a"], ["李四", "'13900139000'", "b"],
                        ["王五", "13700137000", '他说"你好"']]


def test_sniffing_looks_at_the_first_lines_only(tmp_path: Path) -> None:
    # The Sniffer's time grows with the square of the quotes it sees: 9 s for these 66 KB.
    path = write(tmp_path, b'name,phone\n' + b',"a' * 22_000 + b"\n")
    started = time.monotonic()
    with using(FileLimits(columns=30_000)):  # the line's 22,001 columns are not the point
        _, _, delimiter = read(path)
    assert time.monotonic() - started < 2 and delimiter == ","


def test_excels_sep_line_names_the_delimiter_and_is_not_a_row(tmp_path: Path) -> None:
    path = write(tmp_path, "sep=;\n姓名;备注\n张三;北京,朝阳\n".encode())
    rows, _, delimiter = read(path)
    assert (rows, delimiter) == ([["姓名", "备注"], ["张三", "北京,朝阳"]], ";")


def test_a_field_longer_than_the_csv_modules_limit_is_a_too_long_cell(tmp_path: Path) -> None:
    path = write(tmp_path, b"name,note\nZhang," + b"x" * 150_000 + b"\n")
    with pytest.raises(CrmkitError) as err:
        open_source(path)
    assert err.value.code == "cell.too_long" and "150000" in err.value.message()


def test_a_quote_never_closed_is_refused_naming_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, b'name,phone\n"Zhang,138\n' + b"Li,139\n" * 100)
    with pytest.raises(CrmkitError) as err:
        open_source(path)
    assert err.value.code == "file.unreadable"
    assert "第 2 行" in err.value.message() and "line 2" in err.value.message("en")
    # A quoted field may hold line breaks; a last line whose quote is not closed loses nothing.
    ok = write(tmp_path, b'name,note\nZhang,"a\nb"\nLi,"c', "ok.csv")
    assert read(ok)[0] == [["name", "note"], ["Zhang", "a\nb"], ["Li", "c"]]


@pytest.mark.parametrize(
    "text",
    [
        # Big5 with only a few Chinese characters read as Windows-1252: ³¯¤j¤å.
        "name,phone,company\n" + "Customer,0912345678,ACME Ltd\n" * 300
        + "陳大文,0912345678,ACME\n",
        "name,phone,company\n" + "Customer,0912345678,ACME Ltd\n" * 300
        + "陳大文,0912345678,台灣大哥大\n黃小明,0922345678,鴻海精密\n",
    ],
)
def test_big5_with_little_to_judge_by_is_refused_not_read_as_western(
    tmp_path: Path, text: str
) -> None:
    with pytest.raises(CrmkitError) as err:
        open_source(write(tmp_path, text.encode("big5")))
    assert err.value.code == "file.encoding" and "--encoding" in err.value.message("en")


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("name,note\nAnn,\u201cgood\u201d \u2013 ok\nBob,25°C £5\n", "cp1252"),
        ("NAME,CITY\nJOSÉ,SÃO PAULO\nRENÉE,MONTRÉAL\n", "cp1252"),
    ],
)
def test_western_symbols_and_short_accented_words_still_read(
    tmp_path: Path, text: str, codec: str
) -> None:
    rows, encoding, _ = read(write(tmp_path, text.encode(codec)))
    assert encoding == codec and "\n".join(",".join(r) for r in rows) == text.strip()


def test_korean_is_read_as_korean_or_refused_never_as_chinese(tmp_path: Path) -> None:
    # 이름 in EUC-KR is 捞抚 in GBK: both are common characters.
    short = write(tmp_path, "이름,전화\n김철수,010-1234-5678\n".encode("euc-kr"))
    with pytest.raises(CrmkitError) as err:
        open_source(short)
    assert err.value.code == "file.encoding" and "euc-kr" in err.value.message("en")
    people = ["김철수", "이영희", "박민준", "최지우", "정하늘", "강동원", "윤서연", "한가람"]
    text = "이름,전화,회사\n" + "".join(f"{name},010-1234-{i:04d},삼성전자\n"
                                       for i, name in enumerate(people))
    rows, encoding, _ = read(write(tmp_path, text.encode("euc-kr"), "long.csv"))
    assert encoding in ("cp949", "euc_kr") and rows[1] == ["김철수", "010-1234-0000", "삼성전자"]


@pytest.mark.parametrize(
    "text",
    [
        "name,phone,company\nLi,13800138001,IBM中国\nWang,13800138002,HP中国\n",
        "name,phone,company,tag\n" + "".join(
            f"Tom{i},1380013{i:04d},IBM中国,VIP客户\n" for i in range(50)),
    ],
)
def test_gbk_chinese_beside_latin_letters_is_still_chinese(tmp_path: Path, text: str) -> None:
    rows, encoding, _ = read(write(tmp_path, text.encode("gbk")))
    assert encoding == "gb18030" and "\n".join(",".join(r) for r in rows) == text.strip()


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [(b"\xef\xbb\xbf", "gbk"), (b"\xef\xbb\xbf", "latin-1"), (b"\xff\xfe", "utf-8")],
)
def test_a_forced_encoding_the_bom_contradicts_is_a_bad_option(
    tmp_path: Path, bom: bytes, encoding: str
) -> None:
    codec = "utf-16-le" if bom == b"\xff\xfe" else "utf-8"
    path = write(tmp_path, bom + TEXT.encode(codec))
    with pytest.raises(CrmkitError) as err:
        open_source(path, encoding=encoding)
    assert err.value.code == "options.invalid" and "BOM" in err.value.message()
    assert "byte order mark" in err.value.message("en")


def test_a_cell_is_measured_as_excel_counts_it_in_utf16_units(tmp_path: Path) -> None:
    # 20,000 emoji are 40,000 UTF-16 units: no Excel cell holds them, though Python counts
    # 20,000 characters. 16,383 of them (32,766 units) fit.
    fits = write(tmp_path, ("姓名,备注\n张三," + "😀" * 16_383 + "\n").encode())
    assert open_source(fits).rows("x")[1][1] == "😀" * 16_383
    path = tmp_path / "long.csv"
    path.write_bytes(("姓名,备注\n张三," + "😀" * 20_000 + "\n").encode())
    with pytest.raises(CrmkitError) as err:
        open_source(path)
    assert err.value.code == "cell.too_long" and "40000" in err.value.message()
