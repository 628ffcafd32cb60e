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
import re
from dataclasses import dataclass
from pathlib import Path

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
    if forced_delimiter is not None:
        dialect: type[csv.Dialect] | csv.Dialect = csv.excel
        sep = forced_delimiter
    else:
        dialect = _sniff(text[:65536])
        sep = dialect.delimiter
    try:
        rows = [[_unquote_excel(c) for c in row]
                for row in csv.reader(io.StringIO(text, newline=""), dialect, delimiter=sep)]
    except csv.Error as exc:
        raise CrmkitError("file.unreadable", path=str(path), detail=str(exc)[:120]) from None
    width = max((len(r) for r in rows), default=0)
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if len(cell) > EXCEL_CELL_LIMIT:
                # An .xlsx cell cannot hold it: crmkit could not hand it back unchanged.
                raise CrmkitError("cell.too_long", row=i + 1, column=column_letter(j),
                                  length=len(cell), limit=EXCEL_CELL_LIMIT)
    return TextTable(rows=[r + [""] * (width - len(r)) for r in rows], encoding=used,
                     delimiter=sep)


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


def _sniff(sample: str) -> type[csv.Dialect]:
    try:
        return csv.Sniffer().sniff(sample, delimiters=SNIFFED_DELIMITERS)
    except csv.Error:
        return _by_consistency(sample)


def _by_consistency(sample: str) -> type[csv.Dialect]:
    """The delimiter that splits the most lines into the same number (> 1) of fields: the
    Sniffer gives up on files with a preamble or ragged rows, which bank exports have."""
    lines = [line for line in sample.splitlines()[:200] if line.strip()]
    best, best_score = ",", 0
    for sep in SNIFFED_DELIMITERS:
        counts: dict[int, int] = {}
        for line in lines:
            n = line.count(sep)
            if n:
                counts[n] = counts.get(n, 0) + 1
        score = max(counts.values(), default=0)
        if score > best_score:
            best, best_score = sep, score

    class Found(csv.excel):
        delimiter = best

    return Found


def _unquote_excel(cell: str) -> str:
    match = _EXCEL_TEXT_QUOTE.match(cell)
    return match.group(1) if match else cell

