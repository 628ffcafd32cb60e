"""Text tables (CSV, TSV, "xls" exports that are text): their encoding, delimiter and rows.

Nothing in a CSV file says how it is encoded. Excel and WPS in China save "CSV" in the ANSI
code page (GBK), "Unicode text" as UTF-16, "CSV UTF-8" with a BOM; exports from systems abroad
come in Windows-1252 or another single-byte code page. A wrong guess does not fail: it gives
plausible mojibake that would be uploaded as customer names. So the order of the checks
matters, and when they cannot tell, crmkit refuses and names `--encoding`.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from crmkit import file_limits
from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError
from crmkit.headers import column_letter
from crmkit.text_encoding import canonical_encoding, describe_encoding, detect_encoding

#: the most characters an Excel cell holds
EXCEL_CELL_LIMIT = 32767
# Excel writes ="0123" in CSV to keep leading zeros.
_EXCEL_TEXT_QUOTE = re.compile(r'^="(.*)"$', re.DOTALL)
#: the delimiters a text table is sniffed for, in order of preference on a tie
SNIFFED_DELIMITERS = ",\t;|"
# csv.Sniffer is given at most this much of the text, from its start.
_SNIFF_CHARS = 8192
_SNIFF_LINES = 50
# Excel's first line "sep=;" (sometimes quoted, as some writers do) names the delimiter.
_SEP_LINE = re.compile(r'"?sep=(.)"?[ \t]*(?:\r\n|\n|\r|$)', re.IGNORECASE)
#: names a user may give --delimiter instead of the character itself
DELIMITER_NAMES = {
    "comma": ",", "tab": "\t", "\\t": "\t", "semicolon": ";", "pipe": "|", "space": " ",
    "逗号": ",", "制表符": "\t", "分号": ";", "竖线": "|", "空格": " ",
}
_DELIMITER_WORDS = {
    ",": ("逗号分隔", "comma-separated"),
    "\t": ("制表符分隔", "tab-separated"),
    ";": ("分号分隔", "semicolon-separated"),
    "|": ("竖线分隔", "pipe-separated"),
    " ": ("空格分隔", "space-separated"),
}


@dataclass(frozen=True)
class TextTable:
    """A decoded text table: rectangular rows, and how it was read."""

    rows: list[list[str]]
    #: the Python codec that decoded it ("utf-8", "utf-8-sig", "gb18030", "utf-16", ...)
    encoding: str
    delimiter: str

    def describe(self) -> Bilingual:
        """What the file is, for a person: "a text table (GB18030, comma-separated)"."""
        name = describe_encoding(self.encoding)
        zh, en = _DELIMITER_WORDS.get(
            self.delimiter, (f"以「{self.delimiter}」分隔", f"separated by '{self.delimiter}'")
        )
        return Bilingual(f"文本表格（{name.zh} 编码，{zh}）", f"a text table ({name.en}, {en})")


def read_text_table(
    path: Path, *, encoding: str | None = None, delimiter: str | None = None
) -> TextTable:
    """Decode and split `path`; `encoding` and `delimiter` override detection (as the user
    gave them on the command line: "gbk", "tab", ";")."""
    forced_encoding = canonical_encoding(encoding) if encoding is not None else None
    forced_delimiter = parse_delimiter(delimiter) if delimiter is not None else None
    data = path.read_bytes()
    text, used = detect_encoding(path, data, forced_encoding)
    text = text.replace("\x00", "")
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")  # classic Mac line endings
    declared, text = _excel_sep_line(text)
    sep = forced_delimiter or declared or _sniff(text)
    rows = _split(path, text, sep, first_line=2 if declared else 1)
    width = max((len(r) for r in rows), default=0)
    # Before the rows are padded to the widest: one line of 100,000 commas must not make
    # every row 100,000 cells long.
    file_limits.check_table(path, len(rows), width)
    check_cell_lengths(rows)
    return TextTable(rows=[r + [""] * (width - len(r)) for r in rows], encoding=used,
                     delimiter=sep)


def check_cell_lengths(rows: list[list[str]]) -> None:
    """cell.too_long for the first cell an .xlsx cell could not hold: crmkit could not hand
    it back unchanged (a quote never closed in a text file; a hostile workbook)."""
    half = EXCEL_CELL_LIMIT // 2
    for i, row in enumerate(rows):
        # Excel counts UTF-16 units (an emoji is two): no cell of half the limit is too long.
        if not row or max(map(len, row)) <= half:
            continue
        for j, cell in enumerate(row):
            if len(cell) > half and _excel_length(cell) > EXCEL_CELL_LIMIT:
                raise CrmkitError("cell.too_long", row=i + 1, column=column_letter(j),
                                  length=_excel_length(cell), limit=EXCEL_CELL_LIMIT)


def _excel_length(text: str) -> int:
    """The length of `text` as Excel counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def parse_delimiter(option: str) -> str:
    """The delimiter character a --delimiter value names: ";", "tab", "\\t", "comma"..."""
    value = DELIMITER_NAMES.get(option.strip().lower(), option) if option.strip() else option
    if len(value) != 1 or value in "\"\r\n":
        raise CrmkitError("options.invalid", detail=Bilingual(
            f"--delimiter 的值「{option}」不是一个字符；可以写 ';'、'|'、tab、comma 或 semicolon",
            f"--delimiter \"{option}\" is not one character; give ';', '|', tab, comma or "
            "semicolon",
        ))
    return value


def _excel_sep_line(text: str) -> tuple[str | None, str]:
    """The delimiter a first line "sep=;" declares (Excel writes and honours it), and the
    text without that line; (None, text) when there is none."""
    match = _SEP_LINE.match(text)
    if match is None or match.group(1) in "\"\r\n":
        return None, text
    return match.group(1), text[match.end():]


def _sample(text: str) -> str:
    """The first lines of the text, enough to tell the delimiter: the Sniffer's time grows
    with the square of the quote characters it is given."""
    sample = text[:_SNIFF_CHARS]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[:sample.rindex("\n") + 1]  # whole lines only
    return "".join(sample.splitlines(keepends=True)[:_SNIFF_LINES])


def _sniff(text: str) -> str:
    """The delimiter of a text table. Only that is taken from csv.Sniffer: its guesses at
    quoting (a quote character of ', no doubled quotes) misread a file Excel reads fine."""
    try:
        return csv.Sniffer().sniff(_sample(text), delimiters=SNIFFED_DELIMITERS).delimiter
    except csv.Error:
        return _by_consistency(text[:65536])


def _by_consistency(sample: str) -> str:
    """The delimiter that splits the most lines into the same number (> 1) of fields: the
    Sniffer gives up on files with a preamble or ragged rows, which bank exports have.
    Fields are counted as the csv module reads them: a comma inside quotes, or a tab
    inside a cell of a comma-separated file, separates nothing."""
    lines = [line for line in sample.splitlines()[:200] if line.strip()]
    best, best_score = ",", 0
    for sep in SNIFFED_DELIMITERS:
        counts: dict[int, int] = {}
        for fields in csv.reader(lines, csv.excel, delimiter=sep):
            n = len(fields) - 1
            if n:
                counts[n] = counts.get(n, 0) + 1
        score = max(counts.values(), default=0)
        if score > best_score:
            best, best_score = sep, score
    return best


def _split(path: Path, text: str, sep: str, first_line: int) -> list[list[str]]:
    """The rows of the text as Excel reads a CSV file: fields quoted with ", a quote inside
    doubled; `first_line` is the text's first line number in the file."""
    # A field longer than an Excel cell is refused by the caller, with its row and column;
    # the csv module's own limit would refuse it first, with a message in English.
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=sep)
        rows: list[list[str]] = []
        last: list[str] = []
        before = after = 0  # the lines before the last record, and to its end
        for last in reader:
            rows.append([_unquote_excel(c) for c in last])
            before, after = after, reader.line_num
        unclosed = bool(last) and _runs_to_the_end(text, last[-1], before, sep)
    except csv.Error as exc:
        raise CrmkitError("file.unreadable", path=str(path), detail=Bilingual(
            f"第 {reader.line_num + first_line - 1} 行无法按 CSV 规则拆分",
            f"line {reader.line_num + first_line - 1} cannot be split as CSV")) from exc
    finally:
        csv.field_size_limit(limit)
    if unclosed:
        line = before + first_line
        raise CrmkitError("file.unreadable", path=str(path), detail=Bilingual(
            f"第 {line} 行有一个没有配对的引号，从它起到文件末尾都会成为同一个单元格",
            f"a quote on line {line} is never closed: everything from there to the end of "
            "the file would be one cell"))
    return rows


def _runs_to_the_end(text: str, last_field: str, lines_before: int, sep: str) -> bool:
    """Whether the last record holds a quote that is never closed and takes in the lines
    after it (the csv module reads that as one field; only Excel-strict parsing says so)."""
    if not any(ch in last_field.rstrip("\r\n") for ch in "\r\n"):
        return False  # one line at most: nothing else of the file is lost in it
    lines = io.StringIO(text, newline="")
    offset = sum(len(line) for line in itertools.islice(lines, lines_before))
    strict = csv.reader(io.StringIO(text[offset:], newline=""), csv.excel, delimiter=sep,
                        strict=True)
    try:
        for _ in strict:
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _unquote_excel(cell: str) -> str:
    match = _EXCEL_TEXT_QUOTE.match(cell)
    return match.group(1) if match else cell

