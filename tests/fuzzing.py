"""A mutation fuzzer for crmkit: mutated copies of real spreadsheets through `crmkit.validate`.

Every input is either checked (a Report) or refused with a CrmkitError. Anything else is a
finding: another exception (the traceback a user would see), no answer within the per-input
timeout, the worker process dying (a segfault or abort in a native reader), its memory going
past the cap, a formula cell in a file crmkit wrote, or a broken promise of the report (rows
lost, report.json off its schema, the input modified).

Inputs are mutated copies of the shared corpus (../shared/corpus/sheets, when present), the
examples and a few lists generated here. The mutations know the formats: bytes (flips,
inserts, deletes, truncation, splices, zip and OLE header fields), the members of zip
packages (.xlsx/.xlsm/.xlsb/.ods: cell text, attributes such as r="XFD1048576", dimensions,
DOCTYPE and entity declarations, duplicated or missing members, re-zipped) and text tables
(encodings, quotes, delimiters, NUL bytes, very long fields, title rows).

Input i of seed s is made by random.Random(f"crmkit-fuzz:{s}:{i}") alone, so a finding is
reproducible from (s, i) as well as from the file saved with its traceback:

    python tests/fuzzing.py --seconds 600 [--seed N] [--findings DIR] [--workers N]
    python tests/fuzzing.py --reproduce DIR/exception-s0-i123     # or --reproduce 0:123

tests/test_fuzz.py runs it for a bounded time in CI; docs/fuzzing.md says how to run it longer.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import dataclasses
import datetime as dt
import faulthandler
import functools
import hashlib
import importlib
import io
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
from collections.abc import Callable, Mapping, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
EXAMPLES = ROOT / "examples"
DEFAULT_FINDINGS = Path(tempfile.gettempdir()) / "crmkit-fuzz-findings"

#: a mutated input never grows past this: bigger files cost time and find nothing new
MAX_INPUT = 8 << 20
#: zip packages whose members unpack to more than this are mutated as bytes only
MAX_UNZIPPED = 48 << 20
TEXT_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: the kinds of finding, in the order the summary lists them
KINDS = ("exception", "crash", "timeout", "memory", "formula", "leak", "invariant")

Json = dict[str, Any]


# --- seeds ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Seed:
    """A file the mutations start from."""

    name: str  #: "corpus/xlsx/a.xlsx", "examples/customers.xlsx", "generated/list.csv"
    group: str  #: "corpus", or "lists" for the examples and generated lists
    suffix: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @functools.cached_property
    def members(self) -> tuple[tuple[str, bytes], ...] | None:
        """The members of a zip package, unpacked once: the first mutation of most inputs."""
        return _unzip(self.data) if self.data[:4] == b"PK\x03\x04" else None


def corpus_files() -> list[Path]:
    """Every file of the shared corpus's sheets, or none when it is not beside the repo."""
    sheets = CORPUS / "sheets"
    return sorted(p for p in sheets.rglob("*") if p.is_file()) if sheets.is_dir() else []


def load_seeds() -> list[Seed]:
    """The corpus files (when present), the examples, and the lists generated here."""
    seeds = [Seed(f"corpus/{p.relative_to(CORPUS / 'sheets').as_posix()}", "corpus",
                  p.suffix.lower(), p.read_bytes()) for p in corpus_files()]
    examples = [*sorted(EXAMPLES.glob("*.xlsx")), EXAMPLES / "staff.csv"]
    seeds += [Seed(f"examples/{p.name}", "lists", p.suffix.lower(), p.read_bytes())
              for p in examples if p.is_file()]
    seeds += [Seed(f"generated/{name}", "lists", Path(name).suffix, data)
              for name, data in generated_lists().items()]
    return seeds


HEADER = ["姓名", "手机号码", "标签", "公司", "邮箱", "备注", "负责人", "共享给"]
ROWS: list[list[Any]] = [
    ["张三", 13800138000, "VIP", "甲公司有限公司", "zs@example.com", "老客户", "王伟", ""],
    ["李四", "+86 139-0013-9000", "VIP,新客户", "", "", "", "李 娜", "王伟、张敏"],
    ["", "13700137000", "新客户", "", "", "缺姓名", "", ""],
    ["王五", "1.38001E+10", "VIP", "", "", "", "", ""],
    ["赵六", "138 0013 8000", "VIP", "甲公司", "", "重复的号码", "", ""],
    ["钱七", "13600136000", "老客户", "", "bad@", "", "不存在", ""],
    ["孙八", "１３５００１３５０００", "VIP；新客户|A", "乙公司(中国)", "", "", "", ""],
    ["周九", "+44 20 7946 0958", "海外", "Acme Co., Ltd.", "j@example.co.uk",
     '=HYPERLINK("http://example.com","点我")', "", ""],
    ["吴十", "13910001001", "VIP", "", "", "同事的号码", "", ""],
    ["郑十一", "#N/A", "VIP", "", "", "", "", ""],
]


def generated_lists() -> dict[str, bytes]:
    """Small customer lists in each format crmkit reads, with the problems users' lists have,
    so that mutations reach the checks and the writers, not only the readers. Deterministic:
    the same bytes on every run (fixed dates), so (seed, index) always means the same input."""
    text_rows = [["客户名单"], HEADER, *([str(v) for v in row] for row in ROWS)]
    return {
        "list.xlsx": _xlsx_list(),
        "inline.xlsx": _inline_xlsx(),
        "list.ods": _ods_list(),
        "errors-like.xlsx": _errors_like_xlsx(),
        "list-utf8-bom.csv": _csv(text_rows, ",", "\r\n").encode("utf-8-sig"),
        "list-gbk.csv": _csv(text_rows, ",", "\r\n").encode("gb18030"),
        "list-utf16.txt": _csv(text_rows, "\t", "\r\n").encode("utf-16"),
        "list-semicolon.csv": _csv(
            [["Name", "Mobile", "Tags", "Company", "Email", "Notes"],
             ["Zoë Café", "+86 13800138000", "VIP", "Café Ltd", "z@example.com", '="0123"'],
             ["Bob", "13900139000", "VIP;new", "", "", "x"]], ";", "\n",
        ).encode("cp1252"),
        "text-named.xls": _csv(text_rows, "\t", "\n").encode("utf-8"),
    }


def _csv(rows: Sequence[Sequence[str]], delimiter: str, newline: str) -> str:
    def quote(value: str) -> str:
        if any(ch in value for ch in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(delimiter.join(quote(v) for v in row) + newline for row in rows)


def _xlsxwriter_book(buffer: io.BytesIO) -> Any:
    import xlsxwriter

    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    book.set_properties({"created": dt.datetime(2024, 1, 1)})
    return book


def _xlsx_list() -> bytes:
    """A list as Excel users make it: a merged title, a hidden helper sheet first, a number
    typed as a number, a formula with its saved result, a date in a column crmkit ignores."""
    buffer = io.BytesIO()
    book = _xlsxwriter_book(buffer)
    helper = book.add_worksheet("选项")
    helper.write_string(0, 0, "VIP")
    helper.hide()
    ws = book.add_worksheet("客户")
    ws.merge_range(0, 0, 0, len(HEADER) - 1, "客户名单 2024")
    for j, header in enumerate([*HEADER, "生日"]):
        ws.write_string(1, j, header)
    for i, row in enumerate(ROWS, start=2):
        for j, value in enumerate(row):
            if isinstance(value, int):
                ws.write_number(i, j, value)
            elif value:
                ws.write_string(i, j, value)
    ws.write_formula(2, 5, '="老"&"客户"', None, "老客户")
    ws.write_datetime(2, len(HEADER), dt.datetime(1990, 5, 17), book.add_format(
        {"num_format": "yyyy-mm-dd"}))
    ws.activate()
    book.close()
    return buffer.getvalue()


def _errors_like_xlsx() -> bytes:
    """A workbook shaped like crmkit's errors.xlsx, which users fix and check again."""
    from crmkit.errors_summary import DUPLICATES_SHEET, FIX_SHEET, ISSUES_SHEET, SUMMARY_SHEET
    from crmkit.headers import ISSUE_HEADERS, REASON_HEADER, SOURCE_ROW_HEADER, STATUS_HEADER

    buffer = io.BytesIO()
    book = _xlsxwriter_book(buffer)
    book.add_worksheet(SUMMARY_SHEET).write_string(0, 0, "修正「待修正」后再检查一次")
    issues = book.add_worksheet(ISSUES_SHEET)
    issues.write_row(0, 0, ISSUE_HEADERS)
    issues.write_row(1, 0, ["客户", "4", "A", "姓名", "", "cell.required", "错误", "缺少姓名", ""])
    fix = book.add_worksheet(FIX_SHEET)
    fix.write_row(0, 0, [*HEADER, REASON_HEADER, SOURCE_ROW_HEADER])
    fix.write_row(1, 0, ["王大", "13700137000", "新客户", "", "", "", "", "", "缺少姓名", "5"])
    fix.write_row(2, 0, ["钱七", "13600136000", "老客户", "", "bad@", "", "", "", "邮箱无效", "8"])
    dupes = book.add_worksheet(DUPLICATES_SHEET)
    dupes.write_row(0, 0, [*HEADER, STATUS_HEADER, SOURCE_ROW_HEADER])
    dupes.write_row(1, 0, ["张三", "13800138000", "VIP", "", "", "", "", "", "保留", "3"])
    fix.activate()
    book.close()
    return buffer.getvalue()


def _zip(members: Sequence[tuple[str, bytes]], *, stored: Sequence[str] = ()) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate member names are deliberate
        with zipfile.ZipFile(buffer, "w") as zf:
            for name, payload in members:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                method = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
                zf.writestr(info, payload, compress_type=method)
    return buffer.getvalue()


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _inline_xlsx() -> bytes:
    """A tiny hand-written .xlsx, so that most mutations land on its structure: inline and
    shared strings, rich text, a formula with its result, an error, a boolean, a merge."""
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    types = (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
        "</Types>")
    rels = (f'{_XML}<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    workbook = (f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr date1904="0"/>'
                '<sheets><sheet name="客户" sheetId="1" r:id="rId1"/></sheets></workbook>')
    workbook_rels = (
        f'{_XML}<Relationships xmlns="{_PKG}">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>")

    def inline(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'

    sheet = (
        f'{_XML}<worksheet xmlns="{_MAIN}"><dimension ref="A1:F5"/><sheetData>'
        '<row r="1" spans="1:6"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        f'<c r="C1" t="s"><v>2</v></c>{inline("D1", "公司")}{inline("E1", "邮箱")}'
        f'{inline("F1", "备注")}</row>'
        f'<row r="2">{inline("A2", "张三")}<c r="B2"><v>13800138000</v></c>'
        '<c r="C2" t="s"><v>3</v></c><c r="D2" t="inlineStr"><is><r><t>甲</t></r><r><rPr><b/>'
        '</rPr><t>公司</t></r></is></c><c r="E2" t="str"><f>"zs@"&amp;"example.com"</f>'
        '<v>zs@example.com</v></c><c r="F2" t="e"><v>#N/A</v></c></row>'
        f'<row r="3">{inline("A3", " 李四 ")}{inline("B3", "+86 139-0013-9000")}'
        '<c r="C3" t="s"><v>4</v></c><c r="F3" t="b"><v>1</v></c></row>'
        f'<row r="4">{inline("A4", "王五")}<c r="B4"><v>1.38001E+10</v></c>'
        '<c r="C4" t="s"><v>3</v></c><c r="F4"><v>44197</v></c></row>'
        f'<row r="5">{inline("A5", "赵六")}{inline("B5", "138 0013 8000")}'
        '<c r="C5" t="s"><v>3</v></c></row>'
        '</sheetData><mergeCells count="1"><mergeCell ref="D4:E5"/></mergeCells></worksheet>')
    strings = (f'{_XML}<sst xmlns="{_MAIN}" count="5" uniqueCount="5"><si><t>姓名</t></si>'
               "<si><t>手机号码</t></si><si><t>标签</t></si><si><t>VIP</t></si>"
               "<si><t>VIP，新客户</t></si></sst>")
    return _zip([
        ("[Content_Types].xml", types.encode()), ("_rels/.rels", rels.encode()),
        ("xl/workbook.xml", workbook.encode()), ("xl/_rels/workbook.xml.rels",
                                                 workbook_rels.encode()),
        ("xl/worksheets/sheet1.xml", sheet.encode()), ("xl/sharedStrings.xml", strings.encode()),
    ])


def _ods_list() -> bytes:
    """A tiny hand-written .ods: repeated rows and columns, a spanned and a covered cell,
    a number, a date and a cell of two paragraphs."""
    office = "urn:oasis:names:tc:opendocument:xmlns"
    mime = "application/vnd.oasis.opendocument.spreadsheet"
    manifest = (
        f'{_XML}<manifest:manifest xmlns:manifest="{office}:manifest:1.0" '
        f'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        f'manifest:media-type="{mime}"/><manifest:file-entry manifest:full-path="content.xml" '
        'manifest:media-type="text/xml"/></manifest:manifest>')

    def cell(text: str) -> str:
        return (f'<table:table-cell office:value-type="string"><text:p>{text}</text:p>'
                "</table:table-cell>")

    def row(*cells: str) -> str:
        return f"<table:table-row>{''.join(cells)}</table:table-row>"

    content = (
        f'{_XML}<office:document-content xmlns:office="{office}:office:1.0" '
        f'xmlns:table="{office}:table:1.0" xmlns:text="{office}:text:1.0" '
        'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="客户">'
        '<table:table-column table:number-columns-repeated="6"/>'
        + row(*(cell(h) for h in HEADER[:6]))
        + row(cell("张三"), '<table:table-cell office:value-type="float" '
              'office:value="13800138000"><text:p>13800138000</text:p></table:table-cell>',
              cell("VIP"), '<table:table-cell table:number-columns-repeated="2"/>',
              '<table:table-cell office:value-type="string"><text:p>第一行<text:s text:c="2"/>'
              "备注</text:p><text:p>第二行</text:p></table:table-cell>")
        + row(cell("李四"), cell("+86 139-0013-9000"), cell("VIP, 新客户"), cell("乙公司"),
              cell("ls@example.com"), '<table:table-cell office:value-type="date" '
              'office:date-value="2024-01-31"><text:p>2024-01-31</text:p></table:table-cell>')
        + '<table:table-row table:number-rows-repeated="2"><table:table-cell '
          'table:number-columns-repeated="6"/></table:table-row>'
        + row(cell("王五"), cell("13700137000"), cell("VIP"), '<table:table-cell '
              'table:number-columns-spanned="2" office:value-type="string"><text:p>丙公司'
              "</text:p></table:table-cell><table:covered-table-cell/>", cell(""))
        + "</table:table></office:spreadsheet></office:body></office:document-content>")
    return _zip([("mimetype", mime.encode()), ("META-INF/manifest.xml", manifest.encode()),
                 ("content.xml", content.encode())], stored=("mimetype",))


# --- interesting values ----------------------------------------------------------------------

CELL_VALUES: tuple[str, ...] = (
    # headers and near misses: a mutated cell can make or break the header row
    "姓名", "手机号码", "标签", "公司", "邮箱", "备注", "负责人", "共享给", "职位", "地址",
    "手机号吗", "*姓名", "手机号码(必填)", "手机号码（必填）", "ｍｏｂｉｌｅ", "Mobile", "Name",
    "Tags",
    "例：张三", "示例", "必填", "选填", "crmkit 问题说明", "crmkit 原行号", "crmkit 状态", "待修正",
    # phone numbers
    "13800138000", "+86 138-0013-8000", "008613800138000", "8613800138000",
    "１３８００１３８０００",
    "1.38001E+10", "13800138000.0", "1.3800138E10", "(010) 6552-9988", "138001380001380013800",
    "+1 650 253 0000", "+44 20 7946 0958", "+999 12345", "+", "++86", "0", "-13800138000",
    "13910001001",
    # numbers as text
    "1e308", "-1e308", "1E+400", "NaN", "inf", "-0", "0x10", "1,234", "１２３",
    # formulas and formula injection
    "=1+1", '=HYPERLINK("http://example.com","点我")', "+SUM(A1:A2)", "-2+3", "@SUM(1)",
    '="0123"', "=cmd|' /C calc'!A0", "\t=1+1", "'=1+1",
    # error literals
    "#N/A", "#REF!", "#DIV/0!", "Err:502", "#NULL!",
    # tags and people
    "VIP,新客户", "VIP，新客户、老客户；A|B\nC", ",,,", "、", "王伟", "李 娜", "王伟,王伟", "离职",
    # emails
    "zs@example.com", "bad@", "@", "用户@例子.广告", "x@xn--80ak6aa92e.com",
    "a" * 65 + "@example.com",
    # invisible and odd characters
    "", " ", "\u3000", "\u200b", "\ufeff", "\u00a0张三\u00a0", "\u202e张三", "e\u0301",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467", "\x0b", "\x1f", "\x00", "\r\n", "\n\n\n",
    "\\", '"', "'", "<>&", "]]>", "[/]", "{code}", "%s",
    # dates and serial numbers
    "1900-02-29", "44197", "2958466", "-1", "9999-12-31", "0000-00-00", "1904-01-01",
    # long
    "x" * 32767, "长" * 32768, "VIP," * 5000, "1" * 400,
)
INTERESTING_INTS: tuple[int, ...] = (
    0, 1, -1, 2, 7, 255, 256, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 16384, 16385, 65536,
    1048576, 1048577, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 2**32, 10**9, 2**53,
    2**63 - 1, 2**64 - 1, 10**18, 10**30,
)
_REFS = ("A1", "XFD1048576", "XFE1", "A1048577", "A0", "0", "", "AAAAAAAAAAAAAAAA1",
         "A99999999999999999999", "a1", "$A$1", "A-1", "1A", "ZZZ1", "B1", "A1:B2")
_RANGES = ("A1:XFD1048576", "B2:A1", "A1:A1", "", "A1:", "A1", "XFD1048576", "A1:C3 B1:B9",
           "A1:ZZZZZ99999999999", "A0:B0", "A1:XFD1", "A1:A1048576")
_COUNTS = ("1048576", "16384", "1000000000", "1000000000000000000", "0", "-1", "2", "65536",
           "x", "")
#: attribute values by attribute name (its local name, lower case)
ATTR_VALUES: dict[str, tuple[str, ...]] = {
    "r": _REFS, "ref": _RANGES, "sqref": _RANGES,
    "t": ("s", "str", "inlineStr", "n", "b", "e", "d", "x", ""),
    "spans": ("1:16384", "0:0", "5:1", "1:99999999999", ""),
    "state": ("hidden", "veryHidden", "visible", "bogus", ""),
    "id": ("rId1", "rId2", "rId999", "", "rId1 "),
    "target": ("worksheets/sheet1.xml", "/xl/worksheets/sheet1.xml", "../../../../etc/passwd",
               "sharedStrings.xml", "worksheets/sheet2.xml", "", "http://example.com/x.xml",
               "WORKSHEETS/SHEET1.XML", "workbook.xml"),
    "date1904": ("1", "true", "0", "false", "2", ""),
    "name": ("Sheet1", "待修正", "", "x" * 300, "客户", "'", "a/b", "History"),
    "number-columns-repeated": _COUNTS, "number-rows-repeated": _COUNTS,
    "number-columns-spanned": _COUNTS, "number-rows-spanned": _COUNTS, "c": _COUNTS,
    "value-type": ("float", "string", "date", "boolean", "percentage", "currency", "time",
                   "void", ""),
    "value": ("1e308", "NaN", "-0", "13800138000", "1.38001E+10", "", "x", "9" * 400),
    "date-value": ("2024-02-30", "0000-01-01", "9999-12-31T23:59:59", "x", "", "-4712-01-01"),
    "space": ("preserve", "default", "x"),
    "visibility": ("collapse", "filter", "visible", "hidden"),
    "display": ("false", "true"),
}
#: tag names a renamed tag becomes
TAGS = ("c", "v", "t", "f", "is", "r", "row", "si", "sheet", "sheetData", "dimension",
        "mergeCell", "worksheet", "workbook", "workbookPr", "table:table-cell",
        "table:table-row", "table:table", "text:p", "table:covered-table-cell", "x")
#: chunks inserted into raw bytes
CHUNKS: tuple[bytes, ...] = (
    b"\x00", b"\x00" * 64, b"\xff" * 16, b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
    b"\xed\xa0\x80", b"\xc0\x80", b"\x80", b'"', b'""', b",", b";", b"\t", b"\r", b"\n",
    b"\r\n", b"<", b">", b"&", b"<!DOCTYPE x>", b"PK\x03\x04", b"PK\x05\x06", OLE_MAGIC,
    b"\x09\x08\x10\x00\x00\x06\x05\x00", "手机号码".encode(), "手机号码".encode("gb18030"),
)
_ENTITY_DOCTYPES: tuple[tuple[str, str], ...] = (
    # a billion laughs, bounded only by the parser's own protection
    ("lol", '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    ) + '<!ENTITY lol "&i;">]>'),
    ("xxe", '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
    ("param", '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>'),
    ("big", '<!DOCTYPE x [<!ENTITY big "' + "长" * 200000 + '">]>'),
    ("plain", '<!DOCTYPE worksheet SYSTEM "worksheet.dtd">'),
    ("undefined", ""),
)
_ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gb18030",
              "gbk", "big5", "cp1252", "latin-1", "shift_jis", "euc-kr", "cp437", "koi8-r")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
        '"', "&quot;")


def _cell_value(rng: random.Random) -> str:
    return rng.choice(CELL_VALUES)


# --- mutations -------------------------------------------------------------------------------

Mutation = tuple[bytes, str]


def file_kind(data: bytes, suffix: str) -> str:
    """How to mutate `data`: as a zip package, as a text table, or as plain bytes."""
    if data[:4] == b"PK\x03\x04":
        return "zip"
    if data[:8] == OLE_MAGIC:
        return "binary"
    head = data[:4096]
    if suffix in TEXT_SUFFIXES or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"
    return "binary" if b"\x00" in head else "text"


def mutate(rng: random.Random, seed: Seed, partners: Sequence[Seed]) -> Mutation:
    """A mutated copy of `seed` and what was done to it; `partners` give splices."""
    if rng.random() < 0.04:
        return seed.data, "seed as is"
    data, notes = seed.data, []
    for _ in range(1 + min(int(rng.expovariate(0.8)), 5)):
        kind = file_kind(data, seed.suffix)
        result: Mutation | None = None
        if kind == "zip" and rng.random() < 0.85:
            members = seed.members if data is seed.data else _unzip(data)
            result = _mutate_zip(rng, members, partners)
        elif kind == "text" and rng.random() < 0.8:
            result = _mutate_text(rng, data)
        if result is None:
            result = _mutate_bytes(rng, data, partners)
        if len(result[0]) <= MAX_INPUT:
            data = result[0]
            notes.append(result[1])
    return data, "; ".join(notes)


def _mutate_bytes(rng: random.Random, data: bytes, partners: Sequence[Seed]) -> Mutation:
    """A byte-level mutation: what a bad disk, a bad download or a bad writer does."""
    n = len(data)
    pos = rng.randrange(n + 1) if n else 0
    ops = ["flip", "set", "insert", "delete", "duplicate", "truncate", "int", "splice"]
    weights = [20, 10, 12, 12, 6, 6, 10, 6]
    if b"PK\x01\x02" in data or b"PK\x03\x04" in data:
        ops.append("zip-field")
        weights.append(14)
    if data[:8] == OLE_MAGIC:
        ops.append("ole-field")
        weights.append(12)
    op = rng.choices(ops, weights)[0]
    if op == "flip" and n:
        out = bytearray(data)
        count = rng.choice((1, 1, 2, 4, 8, 32))
        for _ in range(count):
            i = rng.randrange(n)
            out[i] ^= 1 << rng.randrange(8)
        return bytes(out), f"bytes: flip {count} bits"
    if op == "set" and n:
        out = bytearray(data)
        i = rng.randrange(n)
        out[i] = rng.choice((0x00, 0xFF, 0x7F, 0x80, 0x22, 0x2C, 0x0A, 0x3C, 0x3E, 0x26))
        return bytes(out), f"bytes: set @{i} to {out[i]:#04x}"
    if op == "insert":
        chunk = rng.choice(CHUNKS) if rng.random() < 0.7 else rng.randbytes(rng.randrange(1, 64))
        return data[:pos] + chunk + data[pos:], f"bytes: insert {len(chunk)} @{pos}"
    if op == "delete" and n:
        size = min(n - pos, 1 + int(rng.expovariate(1 / 16)))
        return data[:pos] + data[pos + size:], f"bytes: delete {size} @{pos}"
    if op == "duplicate" and n:
        start = rng.randrange(n)
        block = data[start:start + 1 + int(rng.expovariate(1 / 64))]
        return data[:pos] + block * rng.choice((1, 2, 16)) + data[pos:], \
            f"bytes: duplicate {len(block)} from @{start} to @{pos}"
    if op == "truncate" and n:
        return data[:pos], f"bytes: truncate to {pos}"
    if op == "int" and n:
        return _overwrite_int(rng, data, rng.randrange(n), rng.choice((1, 2, 4, 8)), "bytes")
    if op == "splice" and partners:
        other = rng.choice(partners).data
        cut = rng.randrange(len(other) + 1)
        return data[:pos] + other[cut:], f"bytes: splice @{pos} with another seed @{cut}"
    if op == "zip-field":
        return _zip_field(rng, data)
    if op == "ole-field":
        field = rng.choice(((0x18, 2), (0x1A, 2), (0x1C, 2), (0x1E, 2), (0x20, 2), (0x2C, 4),
                            (0x30, 4), (0x38, 4), (0x3C, 4), (0x40, 4), (0x44, 4), (0x48, 4),
                            (0x4C, 4), (0x50, 4)))
        return _overwrite_int(rng, data, field[0], field[1], "ole header")
    chunk = rng.choice(CHUNKS)
    return data + chunk, f"bytes: append {len(chunk)}"


def _overwrite_int(rng: random.Random, data: bytes, at: int, width: int, what: str) -> Mutation:
    value = rng.choice(INTERESTING_INTS) if rng.random() < 0.8 else rng.getrandbits(width * 8)
    if rng.random() < 0.2 and at + width <= len(data):  # nudge the value that is there
        old = int.from_bytes(data[at:at + width], "little")
        value = old + rng.choice((-1, 1, 2, -2, 16, 1024))
    packed = (value % (1 << (8 * width))).to_bytes(width, "little")
    return data[:at] + packed + data[at + width:], f"{what}: int{width * 8} @{at} = {value}"


#: zip structures and their fields (offset from the signature, width)
_ZIP_FIELDS: dict[bytes, tuple[tuple[int, int], ...]] = {
    b"PK\x03\x04": ((6, 2), (8, 2), (14, 4), (18, 4), (22, 4), (26, 2), (28, 2)),
    b"PK\x01\x02": ((8, 2), (10, 2), (16, 4), (20, 4), (24, 4), (28, 2), (30, 2), (34, 2),
                    (42, 4)),
    b"PK\x05\x06": ((4, 2), (8, 2), (10, 2), (12, 4), (16, 4), (20, 2)),
}


def _zip_field(rng: random.Random, data: bytes) -> Mutation:
    """A field of a zip header (sizes, offsets, counts, flags, method) set to an edge value:
    a declared size of 4 GB, an entry count of 0, the encrypted flag."""
    spots = [(m.start(), sig) for sig in _ZIP_FIELDS
             for m in re.finditer(re.escape(sig), data)]
    if not spots:
        return _overwrite_int(rng, data, rng.randrange(max(1, len(data))), 4, "bytes")
    start, sig = rng.choice(spots)
    offset, width = rng.choice(_ZIP_FIELDS[sig])
    return _overwrite_int(rng, data, start + offset, width, f"zip header {sig[2:].hex()}")


def _unzip(data: bytes) -> tuple[tuple[str, bytes], ...] | None:
    """The members of a zip package, or None when Python's zipfile cannot read it whole."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if sum(i.file_size for i in infos) > MAX_UNZIPPED:
                return None
            return tuple((i.filename, zf.read(i)) for i in infos)
    except Exception:  # noqa: BLE001 - a package zipfile cannot read is mutated as bytes
        return None


def _member_weight(name: str) -> float:
    lower = name.lower()
    if "worksheets/" in lower or lower == "content.xml":
        return 6
    if "sharedstrings" in lower:
        return 4
    if lower.endswith(("workbook.xml", "workbook.bin")):
        return 3
    if lower.endswith(".rels") or "content_types" in lower:
        return 1.5
    if lower.endswith((".xml", ".bin")):
        return 1
    return 0.3


def _mutate_zip(rng: random.Random, unpacked: Sequence[tuple[str, bytes]] | None,
                partners: Sequence[Seed]) -> Mutation | None:
    """A mutation inside a zip package (its `unpacked` members), re-zipped: what a buggy
    writer or an edit by hand does to an .xlsx or .ods."""
    if not unpacked:
        return None
    members = list(unpacked)
    ops = ["xml", "member-bytes", "remove", "duplicate", "rename", "transplant", "swap",
           "empty", "reorder", "add"]
    op = rng.choices(ops, [55, 8, 6, 6, 4, 5, 3, 3, 3, 2])[0]
    i = rng.choices(range(len(members)), [_member_weight(n) for n, _ in members])[0]
    name, payload = members[i]
    note = f"zip {op} {name}"
    if op == "xml":
        if payload.lstrip()[:1] == b"<" or payload[:3] == b"\xef\xbb\xbf":
            payload, what = _mutate_xml(rng, payload)
        else:
            payload, what = _mutate_bytes(rng, payload, ())
        members[i] = (name, payload)
        note = f"zip {name}: {what}"
    elif op == "member-bytes":
        payload, what = _mutate_bytes(rng, payload, ())
        members[i] = (name, payload)
        note = f"zip {name}: {what}"
    elif op == "remove":
        del members[i]
    elif op == "duplicate":
        copy = payload if rng.random() < 0.5 else _mutate_bytes(rng, payload, ())[0]
        members.insert(rng.randrange(len(members) + 1), (name, copy))
    elif op == "rename":
        new = rng.choice((name.upper(), name.replace("1", "2"), "/" + name, name + "x",
                          name.replace("/", "\\"), "../" + name, name.replace(".xml", ".XML")))
        members[i] = (new, payload)
        note = f"zip rename {name} -> {new}"
    elif op == "transplant":
        donor = rng.choice(partners).members if partners else None
        if not donor:
            return None
        other_name, other = rng.choice(donor)
        target = name if rng.random() < 0.6 else other_name
        members[i] = (target, other)
        note = f"zip transplant {other_name} as {target}"
    elif op == "swap" and len(members) > 1:
        j = rng.randrange(len(members))
        members[i], members[j] = (name, members[j][1]), (members[j][0], payload)
        note = f"zip swap {name} <-> {members[j][0]}"
    elif op == "empty":
        members[i] = (name, b"")
    elif op == "reorder":
        rng.shuffle(members)
    else:
        extra = rng.choice(("xl/worksheets/sheet99.xml", "xl/sharedStrings.xml",
                            "xl/workbook.xml", "content.xml", "mimetype", "x" * 300))
        members.append((extra, payload))
        note = f"zip add {extra} (copy of {name})"
    stored = [n for n, _ in members] if rng.random() < 0.15 else ["mimetype"]
    return _zip(members, stored=stored), note


_TEXT_NODE = re.compile(rb"<((?:[\w.-]+:)?(?:t|v|f|p|is|span|h|a))(\s[^<>]*)?>([^<]*)</\1>")
_ATTR = re.compile(rb"\s((?:[\w.-]+:)?([\w.-]+))=\"([^\"<>]*)\"")
_ELEMENT = re.compile(
    rb"<((?:[\w.-]+:)?(?:c|row|si|sheet|mergeCell|Relationship|Override|definedName"
    rb"|table-row|table-cell|covered-table-cell|col|dimension|sheetView|cols|mergeCells))\b"
    rb"[^<>]*?(?:/>|>.*?</\1>)", re.DOTALL)
_OPEN_TAG = re.compile(rb"</?((?:[\w.-]+:)?[\w.-]+)")
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*\?>")
#: how much of a large XML member one mutation looks at: a sheet can hold millions of cells
_WINDOW = 256 << 10


def _find(rng: random.Random, pattern: re.Pattern[bytes], xml: bytes) -> list[re.Match[bytes]]:
    """The matches of `pattern` in a random window of `xml` (all of it when it is small)."""
    start = rng.randrange(len(xml) - _WINDOW) if len(xml) > _WINDOW else 0
    return list(pattern.finditer(xml, start, start + _WINDOW))


_NUMBER = re.compile(rb"\d+")


def _mutate_xml(rng: random.Random, xml: bytes) -> Mutation:
    """A mutation of one XML member: a cell's text or attribute, an element duplicated or
    removed, a DOCTYPE with entities, a bad character reference, another encoding."""
    ops = ["text", "attr", "number", "dup-element", "del-element", "dimension", "doctype",
           "charref", "encoding", "truncate", "deep", "tag", "cdata", "namespace"]
    op = rng.choices(ops, [24, 24, 8, 8, 6, 4, 6, 4, 3, 3, 2, 4, 3, 2])[0]
    if op in ("text", "charref", "cdata", "doctype"):
        nodes = _find(rng, _TEXT_NODE, xml)
        if nodes:
            node = rng.choice(nodes)
            start, end = node.start(3), node.end(3)
            if op == "text":
                value = _cell_value(rng)
                raw = rng.random() < 0.2
                text = (value if raw else _escape(value)).encode("utf-8", "surrogatepass")
                return xml[:start] + text + xml[end:], \
                    f"text {node.group(1).decode()} = {value[:40]!r}{' unescaped' if raw else ''}"
            if op == "charref":
                ref = rng.choice((b"&#0;", b"&#xD800;", b"&#1114112;", b"&#x1F600;", b"&bogus;",
                                  b"&amp", b"&#x;", b"&#99999999999999999999;", b"&#x0B;"))
                return xml[:start] + ref + xml[start:], f"charref {ref.decode()}"
            if op == "cdata":
                piece = rng.choice((b"<![CDATA[13800138000]]>", b"<![CDATA[<a>&]]>",
                                    b"<!-- note -->", b"<?pi data?>", b"<![CDATA[", b"<!--"))
                return xml[:start] + piece + xml[end:], f"markup {piece[:20]!r}"
            label, doctype = rng.choice(_ENTITY_DOCTYPES)
            ref = {"lol": b"&lol;", "xxe": b"&xxe;", "big": b"&big;",
                   "undefined": b"&nowhere;"}.get(label, b"")
            mutated = xml[:start] + ref + xml[end:]
            decl = _XML_DECL.match(mutated)
            at = decl.end() if decl else 0
            return mutated[:at] + doctype.encode() + mutated[at:], f"doctype {label}"
        op = "attr"
    if op in ("attr", "number"):
        attrs = _find(rng, _ATTR, xml)
        if attrs and op == "attr":
            attr = rng.choice(attrs)
            local = attr.group(2).decode("utf-8", "replace").lower()
            values = ATTR_VALUES.get(local)
            if values is None or rng.random() < 0.15:
                value = str(rng.choice(INTERESTING_INTS)) if rng.random() < 0.5 else \
                    _cell_value(rng)
            else:
                value = rng.choice(values)
            return xml[:attr.start(3)] + _escape(value).encode() + xml[attr.end(3):], \
                f"attr {attr.group(1).decode('utf-8', 'replace')}={value[:40]!r}"
        numbers = _find(rng, _NUMBER, xml)
        if numbers:
            num = rng.choice(numbers)
            number = rng.choice(INTERESTING_INTS)
            return xml[:num.start()] + str(number).encode() + xml[num.end():], \
                f"number {num.group().decode()} -> {number}"
    if op in ("dup-element", "del-element"):
        elements = _find(rng, _ELEMENT, xml)
        if elements:
            el = rng.choice(elements)
            if op == "del-element":
                return xml[:el.start()] + xml[el.end():], f"remove <{el.group(1).decode()}>"
            times = rng.choice((1, 1, 2, 100, 5000))
            return xml[:el.end()] + el.group() * times + xml[el.end():], \
                f"duplicate <{el.group(1).decode()}> x{times}"
    if op == "dimension":
        ref = rng.choice(_RANGES).encode()
        found = re.search(rb"<((?:[\w.-]+:)?dimension) ref=\"[^\"]*\"", xml)
        if found:
            return xml[:found.start()] + b"<" + found.group(1) + b' ref="' + ref + b'"' + \
                xml[found.end():], f"dimension {ref.decode()}"
        data = re.search(rb"<(?:[\w.-]+:)?sheetData", xml)
        if data:
            return xml[:data.start()] + b'<dimension ref="' + ref + b'"/>' + \
                xml[data.start():], f"dimension added {ref.decode()}"
    if op == "encoding":
        choice = rng.choice(("UTF-16", "GB18030", "ISO-8859-1", "bogus", "reencode-utf16",
                             "reencode-utf16-nobom", "bom"))
        if choice.startswith("reencode"):
            decoded = xml.decode("utf-8", "replace")
            codec = "utf-16" if choice == "reencode-utf16" else "utf-16-le"
            decoded = re.sub(r'encoding="[^"]*"', 'encoding="UTF-16"', decoded, count=1)
            return decoded.encode(codec, "surrogatepass"), f"encoding {choice}"
        if choice == "bom":
            return b"\xef\xbb\xbf" + xml, "encoding: BOM added"
        return re.sub(rb'encoding="[^"]*"', b'encoding="' + choice.encode() + b'"', xml,
                      count=1), f"encoding declared {choice}"
    if op == "truncate" and xml:
        at = rng.randrange(len(xml))
        return xml[:at], f"truncate at {at}"
    if op == "deep":
        tags = _find(rng, _TEXT_NODE, xml)
        depth = rng.choice((100, 1000, 20000))
        at = rng.choice(tags).start(3) if tags else len(xml) // 2
        return xml[:at] + b"<r>" * depth + b"</r>" * depth + xml[at:], f"nesting {depth}"
    if op == "tag":
        tags = _find(rng, _OPEN_TAG, xml)
        if tags:
            tag = rng.choice(tags)
            new = rng.choice(TAGS).encode()
            return xml[:tag.start(1)] + new + xml[tag.end(1):], \
                f"tag {tag.group(1).decode('utf-8', 'replace')} -> {new.decode()}"
    if op == "namespace":
        swap = rng.choice(((_MAIN.encode(), b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
                           (_MAIN.encode(), b"urn:x"), (b"xmlns=", b"xmlns:x="),
                           (b"urn:oasis:names:tc:opendocument:xmlns:table:1.0", b"urn:x")))
        if swap[0] in xml:
            return xml.replace(swap[0], swap[1], 1), f"namespace {swap[1].decode()}"
    return _mutate_bytes(rng, xml, ())


def _decode(data: bytes) -> tuple[str, str]:
    """A text table's text and the codec that decodes it, roughly as a user's tool would."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
                       (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                break
    for codec in ("utf-8", "gb18030"):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _mutate_text(rng: random.Random, data: bytes) -> Mutation | None:
    """A mutation of a text table: a field, quotes, delimiters, line ends, title rows, NUL
    bytes, very long fields or rows; sometimes written back in another encoding."""
    text, codec = _decode(data)
    lines = text.splitlines(keepends=True) or [""]
    delimiter = max((",", "\t", ";", "|"), key=lambda d: text[:4096].count(d))
    ops = ["field", "header", "quote", "delimiter", "control", "long-field", "wide-row",
           "many-rows", "line-ends", "bom", "preamble", "excel-quote", "blank-lines"]
    op = rng.choices(ops, [24, 8, 8, 4, 6, 4, 3, 3, 4, 3, 5, 4, 3])[0]
    i = rng.randrange(len(lines))
    note = op
    if op in ("field", "header", "excel-quote"):
        if op == "header":
            i = next((k for k, line in enumerate(lines) if delimiter in line), 0)
        ending = lines[i][len(lines[i].rstrip("\r\n")):]
        fields = lines[i].rstrip("\r\n").split(delimiter)
        j = rng.randrange(len(fields))
        value = _cell_value(rng)
        if op == "excel-quote":
            value = '="' + rng.choice(("0123", "13800138000", "", 'x"y')) + '"'
        if rng.random() < 0.5 or any(c in value for c in (delimiter, '"', "\n")):
            value = '"' + value.replace('"', '""') + '"'
        fields[j] = value
        lines[i] = delimiter.join(fields) + ending
        note = f"{op} line {i + 1} field {j + 1} = {value[:40]!r}"
    elif op == "quote":
        line = lines[i]
        at = rng.randrange(len(line) + 1)
        piece = rng.choice(('"', '""', '"\n', '"x"y"', "'", '\\"'))
        lines[i] = line[:at] + piece + line[at:]
        note = f"quote {piece!r} line {i + 1}"
    elif op == "delimiter":
        new = rng.choice((";", "\t", "|", ",", " ", "\x1f", "，"))
        lines = [line.replace(delimiter, new) for line in lines]
        note = f"delimiter {delimiter!r} -> {new!r}"
    elif op == "control":
        line = lines[i]
        at = rng.randrange(len(line) + 1)
        piece = rng.choice(("\x00", "\x00" * 10, "\x1a", "\x0c", "\x0b", "\x85", "\u2028",
                            "\ufeff", "\ud800", "\x7f"))
        lines[i] = line[:at] + piece + line[at:]
        note = f"control {piece!r} line {i + 1}"
    elif op == "long-field":
        size = rng.choice((1000, 32767, 32768, 131072, 1 << 20))
        filler = rng.choice(("x", "长", "1", "\u200b", '"'))
        line = lines[i]
        at = rng.randrange(len(line) + 1)
        lines[i] = line[:at] + filler * size + line[at:]
        note = f"long field {filler!r} x{size} line {i + 1}"
    elif op == "wide-row":
        count = rng.choice((255, 256, 16384, 16385, 50000))
        lines[i] = lines[i].rstrip("\r\n") + delimiter * count + "\n"
        note = f"{count} more columns line {i + 1}"
    elif op == "many-rows":
        # within MAX_INPUT: a line grown by earlier mutations (a field of 1 MB, say) copied
        # 20,000 times took the fuzzer itself out of memory
        count = min(rng.choice((100, 2000, 20000)), max(1, MAX_INPUT // (len(lines[i]) + 1)))
        lines[i:i + 1] = [lines[i] if lines[i].endswith("\n") else lines[i] + "\n"] * count
        note = f"line {i + 1} x{count}"
    elif op == "line-ends":
        new = rng.choice(("\r", "\n", "\r\n", "\r\r\n", "\u2028", "\x85"))
        lines = [line.rstrip("\r\n") + new for line in lines]
        note = f"line ends {new!r}"
    elif op == "bom":
        lines[0] = rng.choice(("\ufeff", "\ufeff\ufeff")) + lines[0]
    elif op == "preamble":
        count = rng.choice((1, 5, 28, 29, 30, 31, 35))
        filler = rng.choice(("客户名单\n", "\n", delimiter * 5 + "\n", "导出时间：2024-01-01\n"))
        lines[0:0] = [filler] * count
        note = f"{count} rows of {filler!r} above"
    elif op == "blank-lines":
        lines[i:i] = ["\n"] * rng.choice((1, 3, 100))
    text = "".join(lines)
    target = codec
    if rng.random() < 0.2:
        target = rng.choice(_ENCODINGS)
        note += f"; encoded {target}"
    try:
        encoded = text.encode(target, "surrogatepass")
    except UnicodeEncodeError:
        encoded = text.encode(target, "replace")
    return encoded, f"text: {note}"


# --- one input -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Job:
    """One fuzz input: the file, where it came from, and how crmkit is called on it."""

    index: int
    #: the run's seed files: "all", "lists" or "corpus" (input i depends on it)
    group: str
    seed_name: str
    seed_sha256: str
    file_name: str
    data: bytes
    #: "input": the file is the list checked; "staff" or "existing": it is that reference
    #: file, and the list checked is generated/list.xlsx
    role: str
    options: Json
    mutations: str

    def describe(self) -> Json:
        return {"index": self.index, "group": self.group, "seed_file": self.seed_name,
                "seed_sha256": self.seed_sha256, "file_name": self.file_name,
                "role": self.role, "options": self.options, "mutations": self.mutations}


class Generator:
    """Makes input `index` of a run from random.Random(f"crmkit-fuzz:{seed}:{index}") alone."""

    def __init__(self, seeds: Sequence[Seed], seed: int, group: str = "all") -> None:
        self.seed, self.group = seed, group
        self.seeds = list(seeds)
        self.lists = [s for s in self.seeds if s.group == "lists"]
        self.corpus = [s for s in self.seeds if s.group == "corpus"]
        if group == "lists" or not self.corpus:
            self.pools = [self.lists]
        elif group == "corpus":
            self.pools = [self.corpus]
        else:
            self.pools = [self.lists, self.corpus]
        if not any(self.pools):
            raise RuntimeError("no seed files to fuzz")
        self.base_list = next(s.data for s in self.seeds if s.name == "generated/list.xlsx")

    def make(self, index: int) -> Job:
        rng = random.Random(f"crmkit-fuzz:{self.seed}:{index}")
        seed = rng.choice(rng.choice([p for p in self.pools if p]))
        data, notes = mutate(rng, seed, self.seeds)
        suffix = seed.suffix
        if rng.random() < 0.12:  # crmkit judges a file by its content, not its name
            suffix = rng.choice((".xlsx", ".xls", ".csv", ".txt", ".ods", ".et", ".xlsm",
                                 ".xlsb", ".tsv", ""))
        stem = rng.choice(("list", "list", "客户 名单", "errors", "upload"))
        role = rng.choices(("input", "staff", "existing"), (90, 5, 5))[0]
        return Job(index=index, group=self.group, seed_name=seed.name, seed_sha256=seed.sha256,
                   file_name=stem + suffix, data=data, role=role, options=_options(rng, role),
                   mutations=notes)


def _options(rng: random.Random, role: str) -> Json:
    """Keyword arguments for crmkit.validate; paths are relative to the repository."""
    write = rng.random() > 0.1
    options: Json = {"write": write, "annotate": write}
    draws: list[tuple[float, str, Sequence[Any]]] = [
        (0.2, "batch_size", (1, 2, 3, 7, 1000)),
        (0.15, "keep", ("first", "last", "most-complete")),
        (0.1, "merge_tags", (True,)),
        (0.1, "strict", (True,)),
        (0.1, "lang", ("en",)),
        (0.05, "sheet", (1, 2, "Sheet1", "待修正", "客户")),
        (0.05, "encoding", ("gbk", "utf-16", "latin-1", "utf-8", "big5", "utf-8-sig")),
        (0.05, "delimiter", (";", "tab", ",", "|")),
        (0.05, "template", ("dingtalk-crm-customer", "examples/templates/acme-customers.toml")),
        (0.05, "limit", (1, 3)),
    ]
    if role == "input":
        draws.append((0.1, "staff", ("examples/staff.csv",)))
    for chance, key, values in draws:
        if rng.random() < chance:
            options[key] = rng.choice(values)
    return options


def strict_messages() -> None:
    """A message parameter crmkit forgot to pass is a KeyError here, as in tests/conftest.py
    (for users it renders empty)."""
    from crmkit import catalogue

    def missing(self: dict[str, object], key: str) -> str:
        raise KeyError(f"message parameter {key!r} was not passed")

    setattr(catalogue._Defaulting, "__missing__", missing)  # noqa: B010 - a private class


_SCHEMA: list[Any] = []
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")


def run_job(job: Mapping[str, Any]) -> Json:
    """Run crmkit on one input (paths in `job`) and say how it went: "ok", "refused" with
    the CrmkitError's code, or "finding" with its kind, a one-line summary and the detail."""
    from rich.console import Console

    from crmkit.errors import CrmkitError
    from crmkit.pipeline import validate
    from crmkit.render import render_line, render_report

    out = Path(job["out"])
    shutil.rmtree(out, ignore_errors=True)
    options = dict(job["options"])
    for key in ("staff", "existing", "template"):
        if isinstance(options.get(key), str) and (ROOT / options[key]).is_file():
            options[key] = str(ROOT / options[key])
    if job.get("reference"):
        options[job["reference"][0]] = job["reference"][1]
    source = Path(job["input"])
    before = hashlib.sha256(source.read_bytes()).digest()
    lang = str(options.get("lang", "zh"))
    console = Console(file=io.StringIO(), width=100, color_system=None)
    started = time.monotonic()
    try:
        try:
            report = validate(source, out=out, **options)
        except CrmkitError as err:
            for language in ("zh", "en"):
                err.message(language)
            render_line(err, console, lang)
            return {"outcome": "refused", "code": err.code,
                    "seconds": time.monotonic() - started}
        render_report(report, console, lang)
        for mask in (False, True):
            json.dumps(report.to_dict(lang, mask=mask), ensure_ascii=False)
    except KeyboardInterrupt:
        raise
    except BaseException:  # noqa: BLE001 - anything but CrmkitError is what we look for
        detail = traceback.format_exc()
        return {"outcome": "finding", "kind": "exception", "summary": _last_line(detail),
                "detail": detail, "seconds": time.monotonic() - started}
    seconds = time.monotonic() - started
    problem = _check_outputs(report, out, job, source, before)
    if problem is not None:
        kind, summary = problem
        return {"outcome": "finding", "kind": kind, "summary": summary, "detail": summary,
                "seconds": seconds}
    return {"outcome": "ok", "code": f"exit {report.exit_code}", "seconds": seconds}


def _check_outputs(report: Any, out: Path, job: Mapping[str, Any], source: Path,
                   before: bytes) -> tuple[str, str] | None:
    """What is wrong with a checked input's outputs, as (kind, summary), or None."""
    rows = report.rows
    if rows.read != rows.valid + rows.rejected + rows.overflow:
        return "invariant", (f"rows lost: read {rows.read} != valid {rows.valid} + rejected "
                             f"{rows.rejected} + overflow {rows.overflow}")
    if hashlib.sha256(source.read_bytes()).digest() != before:
        return "invariant", "the input file was modified"
    if not job["options"].get("write", True):
        return None
    problem = _schema_problem(out / "report.json")
    if problem:
        return "invariant", f"report.json: {problem}"
    leak_possible = b"ENTITY" in source.read_bytes()
    for path in sorted(out.iterdir()):
        # No formula in any file crmkit writes, the annotated copy included: it holds each
        # formula's saved result (annotate.py), since a stranger's =cmd|... runs on opening.
        if path.suffix == ".xlsx" and _has_formulas(path):
            return "formula", f"{path.name} has a formula cell"
        if leak_possible and b"root:x:0:" in _all_bytes(path):
            return "leak", f"{path.name} holds /etc/passwd (an external entity was read)"
    return None


def _schema_problem(report_json: Path) -> str | None:
    try:
        data = json.loads(report_json.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"unreadable ({exc})"
    if not _SCHEMA:
        try:  # through importlib: jsonschema (the test extra) has no type stubs here
            validator = importlib.import_module("jsonschema").Draft202012Validator
        except ImportError:
            return None
        from crmkit.report_schema import load_schema

        _SCHEMA.append(validator(load_schema()))
    # The first items of each list are enough to check their shape: a report of 20,000
    # issues takes the schema validator longer than crmkit took to find them.
    error = next(iter(_SCHEMA[0].iter_errors(_trimmed(data))), None)
    if error is None:
        return None
    return f"{'/'.join(map(str, error.absolute_path))}: {error.message[:200]}"


def _trimmed(data: Any, items: int = 20) -> Any:
    """`data` with every list cut to its first `items` items."""
    if isinstance(data, list):
        return [_trimmed(v, items) for v in data[:items]]
    if isinstance(data, dict):
        return {k: _trimmed(v, items) for k, v in data.items()}
    return data


def _has_formulas(path: Path) -> bool:
    """Whether a workbook's sheet XML holds a formula element (<f> or <f .../>)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return any(_FORMULA.search(zf.read(info)) for info in zf.infolist()
                       if "worksheets/" in info.filename and info.filename.endswith(".xml"))
    except Exception:  # noqa: BLE001 - not a readable package: no formulas to speak of
        return False


def _all_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    try:
        with zipfile.ZipFile(path) as zf:
            return data + b"".join(zf.read(info) for info in zf.infolist())
    except Exception:  # noqa: BLE001 - not a package: its bytes are all there is
        return data


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


# --- workers ---------------------------------------------------------------------------------


def cap_address_space(max_rss_mb: float) -> None:
    """Cap this process's address space at four times `max_rss_mb` (at least 4 GB), so that
    an input that allocates without bound fails here (MemoryError, or an abort in a native
    reader) instead of taking the machine's memory before the parent's watch sees it: one
    damaged .xls took 24 GB in 30 s. The cap is on virtual memory, which runs at about 1 GB
    above the resident memory for crmkit."""
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        cap = int(max(4096, 4 * max_rss_mb)) << 20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _worker_main(conn: Connection, log_path: str, threads: int, max_rss_mb: float) -> None:
    """A long-lived worker: runs jobs until told to stop. Its stdout and stderr go to a log
    the parent reads when it dies, with faulthandler's stack of every thread on a crash and
    on SIGUSR1 (sent when a job times out or takes too much memory)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent to handle
    cap_address_space(max_rss_mb)
    os.environ["POLARS_MAX_THREADS"] = str(threads)
    log = Path(log_path).open("w+b", buffering=0)  # noqa: SIM115 - open for the process's life
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    faulthandler.enable(file=log, all_threads=True)
    if hasattr(faulthandler, "register"):
        faulthandler.register(signal.SIGUSR1, file=log, all_threads=True)
    strict_messages()
    # Imported once here, not in the time of the first job.
    import openpyxl
    import rich.console

    import crmkit.pipeline
    import crmkit.render

    del openpyxl, rich, crmkit

    conn.send({"ready": os.getpid()})
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        log.seek(0)
        log.truncate()
        conn.send(run_job(job))


class _Worker:
    """The parent's handle on one worker process: starts, feeds, watches and restarts it."""

    def __init__(self, ctx: Any, number: int, workdir: Path, threads: int,
                 base_list: bytes, max_rss_mb: float) -> None:
        self.ctx, self.threads, self.max_rss_mb = ctx, threads, max_rss_mb
        self.dir = workdir / f"w{number}"
        self.dir.mkdir(parents=True)
        self.log = self.dir / "worker.log"
        self.base_list = self.dir / "base-list.xlsx"
        self.base_list.write_bytes(base_list)
        self.job: Job | None = None
        self.busy = False
        self.input: Path | None = None
        self.deadline = self.budget = 0.0
        self.start()

    def start(self) -> None:
        parent, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_worker_main, daemon=True,
                                     args=(child, str(self.log), self.threads,
                                           self.max_rss_mb))
        self.proc.start()
        child.close()
        self.conn: Connection = parent
        self.ready = False
        self.started = time.monotonic()

    def send(self, job: Job, timeout: float) -> None:
        self.submit(job.file_name, job.data, job.role, job.options, timeout)
        self.job = job

    def submit(self, file_name: str, data: bytes, role: str, options: Json,
               timeout: float) -> None:
        """Start a job: `data` saved as `file_name`, checked as the list or (role "staff" or
        "existing") as that reference file of the generated list."""
        folder = self.dir / "in"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        self.input = folder / file_name
        self.input.write_bytes(data)
        message: Json = {"input": str(self.input), "out": str(self.dir / "out"),
                         "options": options}
        if role != "input":
            message["input"] = str(self.base_list)
            message["reference"] = [role, str(self.input)]
        self.conn.send(message)
        self.budget = time_budget(timeout, len(data))
        self.busy, self.deadline = True, time.monotonic() + self.budget

    def rss_mb(self) -> float | None:
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return None
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        return int(found.group(1)) / 1024 if found else None

    def log_tail(self, size: int = 12000) -> str:
        try:
            data = self.log.read_bytes()
        except OSError:
            return ""
        return data[-size:].decode("utf-8", "replace")

    def dump_stacks(self) -> str:
        """The worker's Python stacks, from faulthandler, before it is killed."""
        if hasattr(signal, "SIGUSR1") and self.proc.pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self.proc.pid, signal.SIGUSR1)
            time.sleep(0.5)
        return self.log_tail()

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def restart(self) -> None:
        self.kill()
        self.busy = False
        self.start()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.proc.join(3)
        self.kill()


# --- a run -----------------------------------------------------------------------------------


@dataclasses.dataclass
class Finding:
    """An input crmkit did not check or refuse cleanly."""

    index: int
    kind: str
    summary: str
    detail: str
    signature: str
    job: Json
    saved: str | None = None


@dataclasses.dataclass
class Summary:
    """What a fuzz run tried and found."""

    seed: int
    group: str
    workers: int
    seeds: dict[str, int]
    seconds: float = 0.0
    tried: int = 0
    ok: int = 0
    refused: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    findings: list[Finding] = dataclasses.field(default_factory=list)
    #: inputs still running when the time was up, stopped without a verdict
    abandoned: int = 0
    restarts: int = 0
    slowest: tuple[float, int] = (0.0, -1)
    #: outcomes by the seed's format (its suffix)
    by_format: dict[str, collections.Counter[str]] = dataclasses.field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.tried / self.seconds if self.seconds else 0.0

    def distinct(self) -> dict[str, list[Finding]]:
        groups: dict[str, list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(finding.signature, []).append(finding)
        return groups

    def describe_findings(self) -> str:
        """One line per finding saved (and a count of those that were not)."""
        lines = []
        for signature, found in self.distinct().items():
            lines.append(f"{signature} (x{len(found)})")
            lines += [f"    {f.saved or f'seed {self.seed} index {f.index}'}: {f.summary}"
                      for f in found if f.saved]
        return "\n".join(lines)

    def render(self) -> str:
        seeds = ", ".join(f"{n} {g}" for g, n in sorted(self.seeds.items()))
        lines = [
            f"crmkit fuzz: seed {self.seed}, seeds from {self.group} ({seeds}), "
            f"{self.workers} worker(s), {self.seconds:.0f} s",
            f"inputs tried: {self.tried} ({self.rate:.1f}/s)",
            f"  ok (checked): {self.ok}",
            f"  refused (CrmkitError): {sum(self.refused.values())}",
        ]
        lines += [f"      {code}: {n}" for code, n in self.refused.most_common()]
        lines.append(f"  findings: {len(self.findings)} ({len(self.distinct())} distinct)")
        counts = collections.Counter(f.kind for f in self.findings)
        lines += [f"      {kind}: {counts[kind]}" for kind in KINDS if counts[kind]]
        if self.abandoned:
            lines.append(f"  abandoned at the deadline: {self.abandoned}")
        lines.append(f"worker restarts: {self.restarts}; slowest input: "
                     f"{self.slowest[0]:.1f} s (index {self.slowest[1]})")
        lines.append("by seed format: " + ", ".join(
            f"{fmt or '(none)'} {sum(c.values())} ({c['ok']} ok, {c['refused']} refused, "
            f"{c['finding']} findings)" for fmt, c in sorted(self.by_format.items())))
        if self.findings:
            lines += ["", self.describe_findings()]
        return "\n".join(lines)

    def to_json(self) -> Json:
        return {
            "seed": self.seed, "group": self.group, "workers": self.workers,
            "seeds": self.seeds, "seconds": round(self.seconds, 1), "tried": self.tried,
            "inputs_per_second": round(self.rate, 2), "ok": self.ok,
            "refused": dict(self.refused.most_common()), "abandoned": self.abandoned,
            "restarts": self.restarts,
            "findings": [{"index": f.index, "kind": f.kind, "signature": f.signature,
                          "summary": f.summary, "saved": f.saved} for f in self.findings],
        }


def signature(kind: str, summary: str, detail: str) -> str:
    """What makes two findings the same bug: the kind, the exception type, and the innermost
    frame in crmkit (or failing that, the innermost frame at all)."""
    frames = re.findall(r'File "([^"]+)", line (\d+),? in (\S+)', detail)
    if kind in ("crash", "timeout", "memory"):
        frames = frames[::-1]  # faulthandler lists the most recent call first
    in_crmkit = [f for f in frames if "/crmkit/" in f[0].replace("\\", "/")]
    frame = (in_crmkit or frames or [("", "", "")])[-1]
    where = f"{Path(frame[0]).name}:{frame[1]} in {frame[2]}" if frame[0] else ""
    if kind == "exception":
        what = summary.split(":", 1)[0]
    elif kind in ("formula", "invariant", "leak", "memory"):
        what = re.sub(r"\d+", "N", summary)
    else:
        what = summary.split(":", 1)[0]
    return " ".join(p for p in (kind, what, f"at {where}" if where else "") if p)


def fuzz(
    seconds: float, *, seed: int = 0, findings: Path | None = DEFAULT_FINDINGS,
    workers: int | None = None, group: str = "all", timeout: float = 20.0,
    grace: float | None = None, max_rss_mb: float = 1536, keep: int = 3,
    progress: Callable[[str], None] | None = None,
) -> Summary:
    """Fuzz crmkit.validate for `seconds` with inputs from `group` ("all", "lists" or
    "corpus"), in `workers` processes; each finding's input and detail are saved under
    `findings` (at most `keep` of each distinct signature). An input gets `timeout` seconds
    and `max_rss_mb` of memory; at the deadline, inputs still running get `grace` seconds
    more (default: their timeout), then are abandoned."""
    seeds = load_seeds()
    generator = Generator(seeds, seed, group)
    count = workers or max(1, min(os.cpu_count() or 1, 8))
    grace = timeout if grace is None else grace
    summary = Summary(seed=seed, group=group, workers=count,
                      seeds=dict(collections.Counter(s.group for s in seeds)))
    per_signature: collections.Counter[str] = collections.Counter()
    if findings is not None:
        findings.mkdir(parents=True, exist_ok=True)
    ctx = multiprocessing.get_context("spawn")
    threads = max(1, (os.cpu_count() or 1) // count)

    def record(worker: _Worker, job: Job, result: Json) -> None:
        summary.tried += 1
        outcome = str(result["outcome"])
        summary.by_format.setdefault(Path(job.seed_name).suffix.lower(),
                                     collections.Counter())[outcome] += 1
        if float(result.get("seconds", 0)) > summary.slowest[0]:
            summary.slowest = (float(result["seconds"]), job.index)
        if outcome == "ok":
            summary.ok += 1
        elif outcome == "refused":
            summary.refused[str(result["code"])] += 1
        else:
            kind, text, detail = str(result["kind"]), str(result["summary"]), str(result["detail"])
            found = Finding(index=job.index, kind=kind, summary=text, detail=detail,
                            signature=signature(kind, text, detail), job=job.describe())
            per_signature[found.signature] += 1
            if findings is not None and per_signature[found.signature] <= keep:
                found.saved = str(save_finding(findings, seed, job, found,
                                               worker.base_list.read_bytes()))
            summary.findings.append(found)
            if progress:
                progress(f"finding at index {job.index}: {found.signature}")

    with tempfile.TemporaryDirectory(prefix="crmkit-fuzz-") as tmp:
        pool = [_Worker(ctx, n, Path(tmp), threads, generator.base_list, max_rss_mb)
                for n in range(count)]
        start = time.monotonic()
        deadline, next_report, index, interrupted = start + seconds, start + 15, 0, False
        try:
            while True:
                now = time.monotonic()
                accepting = now < deadline and not interrupted
                for worker in pool:
                    if worker.ready and worker.job is None and accepting:
                        worker.send(generator.make(index), timeout)
                        index += 1
                if not accepting and not any(w.job for w in pool):
                    break
                if not accepting and now > deadline + grace:
                    summary.abandoned += sum(1 for w in pool if w.job)
                    break
                wait([w.conn for w in pool] + [w.proc.sentinel for w in pool], timeout=0.25)
                for worker in pool:
                    result = _poll(worker, timeout, max_rss_mb)
                    if result is not None and worker.job is not None:
                        record(worker, worker.job, result)
                        summary.restarts += bool(result.get("restarted"))
                        worker.job = None
                if progress and now >= next_report:
                    next_report = now + 15
                    progress(f"[{now - start:5.0f} s] {summary.tried} inputs "
                             f"({summary.tried / (now - start):.1f}/s): ok {summary.ok}, "
                             f"refused {sum(summary.refused.values())}, "
                             f"findings {len(summary.findings)}")
        except KeyboardInterrupt:
            interrupted = True
            summary.abandoned += sum(1 for w in pool if w.job)
        finally:
            summary.seconds = time.monotonic() - start
            for worker in pool:
                worker.stop()
    if findings is not None:
        (findings / f"summary-s{seed}.json").write_text(
            json.dumps(summary.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    return summary


#: an input gets its timeout for each this many bytes: checking is linear in the input, and
#: a 400 KB list of 20,000 rejected rows takes 7 s on an idle machine (errors.xlsx's
#: xlsxwriter cells and comments), more on a loaded one. Throughput is the benchmarks'
#: business (benchmarks/); a timeout finding is a hang or worse than linear work.
TIMEOUT_BYTES = 256 * 1024


def time_budget(timeout: float, size: int) -> float:
    """Seconds an input of `size` bytes may take: `timeout` per TIMEOUT_BYTES begun."""
    return timeout * max(1, -(-size // TIMEOUT_BYTES))


def _poll(worker: _Worker, timeout: float, max_rss_mb: float) -> Json | None:
    """The result of the worker's job if it is over: the worker's answer, or a finding when
    it died, went past the timeout or grew past the memory cap (it is restarted then)."""
    if not worker.ready:
        if worker.conn.poll():
            try:
                worker.conn.recv()
                worker.ready = True
                return None
            except (EOFError, OSError):
                pass
        if not worker.proc.is_alive() or time.monotonic() - worker.started > 120:
            raise RuntimeError(f"a fuzz worker did not start:\n{worker.log_tail()}")
        return None
    if not worker.busy:
        return None
    try:
        if worker.conn.poll():
            answer: Json = worker.conn.recv()
            worker.busy = False
            return answer
    except (EOFError, OSError):
        pass  # the worker died: its exit code says how
    result: Json
    if not worker.proc.is_alive() or worker.conn.closed:
        worker.proc.join(1)
        code = worker.proc.exitcode
        how = f"exit code {code}"
        if code is not None and code < 0:
            try:
                how = f"killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"killed by signal {-code}"
        result = {"outcome": "finding", "kind": "crash",
                  "summary": f"the worker process died: {how}",
                  "detail": f"worker {how}; its output:\n{worker.log_tail()}"}
    elif time.monotonic() > worker.deadline:
        stacks = worker.dump_stacks()
        result = {"outcome": "finding", "kind": "timeout",
                  "summary": f"no answer within {worker.budget:.0f} s",
                  "detail": f"no answer within {worker.budget:.0f} s; stacks:\n{stacks}",
                  "seconds": worker.budget}
    else:
        rss = worker.rss_mb()
        if rss is None or rss <= max_rss_mb:
            return None
        stacks = worker.dump_stacks()
        result = {"outcome": "finding", "kind": "memory",
                  "summary": f"memory over {max_rss_mb:.0f} MB ({rss:.0f} MB)",
                  "detail": f"resident memory {rss:.0f} MB; stacks:\n{stacks}"}
    worker.restart()
    return {**result, "restarted": True}


def save_finding(folder: Path, seed: int, job: Job, finding: Finding, base_list: bytes) -> Path:
    """Save a finding's input with its detail and how to run it again; returns its folder."""
    target = folder / f"{finding.kind}-s{seed}-{job.group}-i{job.index}"
    target.mkdir(parents=True, exist_ok=True)
    (target / job.file_name).write_bytes(job.data)
    if job.role != "input":
        (target / "base-list.xlsx").write_bytes(base_list)
    (target / "traceback.txt").write_text(finding.detail, encoding="utf-8")
    (target / "job.json").write_text(json.dumps(
        {"seed": seed, **job.describe(), "kind": finding.kind, "summary": finding.summary,
         "signature": finding.signature,
         "reproduce": f"python tests/fuzzing.py --reproduce {target}"},
        ensure_ascii=False, indent=2), encoding="utf-8")
    return target


def reproduce(what: str, *, save: Path | None = None, max_rss_mb: float = 1536) -> Json:
    """Run one input again, in this process: a saved finding's folder, or "SEED:INDEX".
    A hang or crash reproduces as a hang or crash; memory is capped (cap_address_space)."""
    cap_address_space(max_rss_mb)
    strict_messages()
    folder = Path(what)
    with tempfile.TemporaryDirectory(prefix="crmkit-fuzz-") as tmp:
        if folder.is_dir():
            meta = json.loads((folder / "job.json").read_text(encoding="utf-8"))
            source = folder / meta["file_name"]
            base = folder / "base-list.xlsx"
        else:
            seed, index, *group = what.split(":")
            generator = Generator(load_seeds(), int(seed), group[0] if group else "all")
            job = generator.make(int(index))
            meta = {"seed": int(seed), **job.describe()}
            source = Path(tmp) / job.file_name
            source.write_bytes(job.data)
            base = Path(tmp) / "base-list.xlsx"
            base.write_bytes(generator.base_list)
            if save is not None:
                save.mkdir(parents=True, exist_ok=True)
                shutil.copy(source, save / job.file_name)
        message: Json = {"input": str(source), "out": str(Path(tmp) / "out"),
                         "options": meta["options"]}
        if meta["role"] != "input":
            message["input"] = str(base)
            message["reference"] = [meta["role"], str(source)]
        return {"job": meta, "result": run_job(message)}


def _run_one(worker: _Worker, file_name: str, data: bytes, role: str, options: Json,
             timeout: float, max_rss_mb: float) -> Json:
    """Run one input in `worker` and wait for its result (a crash or hang is a result too)."""
    while not worker.ready:
        wait([worker.conn, worker.proc.sentinel], timeout=0.25)
        _poll(worker, timeout, max_rss_mb)
    worker.submit(file_name, data, role, options, timeout)
    while True:
        wait([worker.conn, worker.proc.sentinel], timeout=0.25)
        result = _poll(worker, timeout, max_rss_mb)
        if result is not None:
            return result


def _ddmin(items: list[bytes], keeps: Callable[[list[bytes]], bool],
           expired: Callable[[], bool]) -> list[bytes]:
    """Delta debugging: the smallest sublist of `items` found that `keeps` the finding."""
    n = 2
    while len(items) >= 2 and not expired():
        size = -(-len(items) // n)
        for start in range(0, len(items), size):
            if expired():
                return items
            trial = items[:start] + items[start + size:]
            if trial and keeps(trial):
                items, n = trial, max(n - 1, 2)
                break
        else:
            if n >= len(items):
                break
            n = min(len(items), 2 * n)
    return items


def _pieces(data: bytes) -> list[bytes]:
    """`data` in pieces for delta debugging: lines (or XML tags) when it has them, else bytes."""
    lines = data.splitlines(keepends=True)
    if len(lines) > 8:
        return lines
    tags = re.split(rb"(?=<)", data)
    return tags if len(tags) > 8 else [data[i:i + 1] for i in range(len(data))]


def minimize(folder: Path, *, budget: float = 300.0, timeout: float = 20.0,
             max_rss_mb: float = 1536, progress: Callable[[str], None] | None = None) -> Path:
    """A smaller input with the same finding (the same signature) as the one saved in
    `folder`, within `budget` seconds: options not needed dropped, then zip members, then
    lines, tags or bytes. Saved as a finding folder of its own, `folder`/minimized."""
    meta = json.loads((folder / "job.json").read_text(encoding="utf-8"))
    data = (folder / meta["file_name"]).read_bytes()
    base = folder / "base-list.xlsx"
    base_list = base.read_bytes() if base.is_file() else generated_lists()["list.xlsx"]
    options: Json = dict(meta["options"])
    stop_at = time.monotonic() + budget
    runs, last = 0, ""

    def expired() -> bool:
        return time.monotonic() > stop_at

    with tempfile.TemporaryDirectory(prefix="crmkit-fuzz-") as tmp:
        worker = _Worker(multiprocessing.get_context("spawn"), 0, Path(tmp),
                         os.cpu_count() or 1, base_list, max_rss_mb)

        def same(candidate: bytes, trial: Json) -> bool:
            nonlocal runs, last
            runs += 1
            result = _run_one(worker, meta["file_name"], candidate, meta["role"], trial,
                              timeout, max_rss_mb)
            kept = bool(result["outcome"] == "finding") and signature(
                result["kind"], result["summary"], result["detail"]) == meta["signature"]
            if kept:
                last = str(result["detail"])
            if progress and runs % 25 == 0:
                progress(f"{runs} runs, {len(data)} bytes")
            return kept

        try:
            if not same(data, options):
                raise RuntimeError(f"{folder} does not reproduce: nothing to minimize")
            for key in [k for k in options if k != "write"]:
                trial = {k: v for k, v in options.items() if k != key}
                if not expired() and same(data, trial):
                    options = trial
            members = _unzip(data)
            if members is not None and same(_zip(members), options):
                kept = list(members)
                for i in reversed(range(len(kept))):
                    if not expired() and same(_zip(kept[:i] + kept[i + 1:]), options):
                        del kept[i]
                for i in sorted(range(len(kept)), key=lambda i: -len(kept[i][1])):
                    name = kept[i][0]

                    def keeps(items: list[bytes], i: int = i, name: str = name) -> bool:
                        return same(_zip([*kept[:i], (name, b"".join(items)),
                                          *kept[i + 1:]]), options)

                    kept[i] = (name, b"".join(_ddmin(_pieces(kept[i][1]), keeps, expired)))
                data = _zip(kept)
            else:
                data = b"".join(_ddmin(_pieces(data), lambda items: same(b"".join(items),
                                                                        options), expired))
        finally:
            worker.stop()
    target = folder / "minimized"
    target.mkdir(exist_ok=True)
    (target / meta["file_name"]).write_bytes(data)
    if meta["role"] != "input":
        (target / "base-list.xlsx").write_bytes(base_list)
    (target / "traceback.txt").write_text(last, encoding="utf-8")
    (target / "job.json").write_text(json.dumps(
        {**meta, "options": options, "minimized_from": str(folder), "minimizer_runs": runs,
         "reproduce": f"python tests/fuzzing.py --reproduce {target}"},
        ensure_ascii=False, indent=2), encoding="utf-8")
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to fuzz")
    parser.add_argument("--seed", type=int, default=0, help="which inputs (default 0)")
    parser.add_argument("--findings", type=Path, default=DEFAULT_FINDINGS,
                        help=f"where findings are saved (default {DEFAULT_FINDINGS})")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: CPUs)")
    parser.add_argument("--seeds", choices=("all", "lists", "corpus"), default="all",
                        help="start from the examples and generated lists, the corpus, or all")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per input")
    parser.add_argument("--max-rss-mb", type=float, default=1536, help="memory per input")
    parser.add_argument("--keep", type=int, default=3,
                        help="inputs saved per distinct finding (default 3)")
    parser.add_argument("--reproduce", metavar="FOLDER|SEED:INDEX[:GROUP]",
                        help="run one input again in this process and print what happened")
    parser.add_argument("--save", type=Path, help="with --reproduce SEED:INDEX: save the input")
    parser.add_argument("--minimize", metavar="FOLDER", type=Path,
                        help="shrink a saved finding's input, keeping the same finding")
    parser.add_argument("--budget", type=float, default=300.0,
                        help="with --minimize: seconds to spend (default 300)")
    args = parser.parse_args(argv)
    if args.minimize:
        target = minimize(args.minimize, budget=args.budget, timeout=args.timeout,
                          max_rss_mb=args.max_rss_mb, progress=lambda line: print(line))
        size = sum(p.stat().st_size for p in target.iterdir() if p.suffix not in (".txt",
                                                                                   ".json"))
        print(f"minimized input ({size} bytes) saved in {target}")
        return 0
    if args.reproduce:
        ran = reproduce(args.reproduce, save=args.save, max_rss_mb=args.max_rss_mb)
        result = ran["result"]
        print(json.dumps(ran["job"], ensure_ascii=False, indent=2))
        print(f"outcome: {result['outcome']} {result.get('code') or result.get('kind')}")
        if result["outcome"] == "finding":
            print(result["detail"])
        return 1 if result["outcome"] == "finding" else 0
    summary = fuzz(args.seconds, seed=args.seed, findings=args.findings, workers=args.workers,
                   group=args.seeds, timeout=args.timeout, max_rss_mb=args.max_rss_mb,
                   keep=args.keep, progress=lambda line: print(line, flush=True))
    print(summary.render())
    print(f"summary written to {args.findings / f'summary-s{args.seed}.json'}")
    return 1 if summary.findings else 0


if __name__ == "__main__":
    sys.exit(main())
