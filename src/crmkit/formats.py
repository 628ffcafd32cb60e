"""Telling a file's real format from its bytes, not its name.

Exports are misnamed all the time: an .xls that is really .xlsx, a tab-separated text file
named .xls, a password-protected workbook that looks like an old .xls from outside, an Excel
4.0 worksheet that is a bare record stream. Knowing the real format lets crmkit open the file
with the right reader, say what it found, and, when it cannot read it, say why.
"""

from __future__ import annotations

import codecs
import lzma
import re
import zipfile
import zlib
from pathlib import Path

from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# BIFF2-4 worksheets (Excel 2.x-4.0, 1987-1992) are bare record streams, not OLE containers.
_BIFF_MAGICS = (b"\x09\x00\x04\x00", b"\x09\x02\x06\x00", b"\x09\x04\x06\x00")
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
#: the extensions calamine reads each format by; the first is the canonical one
EXTENSIONS = {
    "xlsx": (".xlsx", ".xlsm", ".xltx", ".xltm", ".xlam"),
    "xlsb": (".xlsb",),
    "xls": (".xls", ".xla"),
    "ods": (".ods",),
}
#: the extensions each format is saved under; any other extension is a misnamed file
SUFFIXES = {
    "xlsx": frozenset({".xlsx", ".xlsm", ".xltx", ".xltm", ".xlam", ".et", ".ett"}),
    "xlsb": frozenset({".xlsb"}),
    "xls": frozenset({".xls", ".xlt", ".xla", ".et", ".ett"}),
    "ods": frozenset({".ods", ".ots"}),
    "csv": frozenset({".csv", ".tsv", ".txt", ".tab"}),
}
_KINDS = {
    "xlsx": ("Excel 工作簿（.xlsx）", "an Excel workbook (.xlsx)"),
    "xlsm": ("启用宏的 Excel 工作簿（.xlsm）", "a macro-enabled Excel workbook (.xlsm)"),
    "xlsb": ("Excel 二进制工作簿（.xlsb）", "an Excel binary workbook (.xlsb)"),
    "xls": ("Excel 97-2003 工作簿（.xls）", "an Excel 97-2003 workbook (.xls)"),
    "ods": ("OpenDocument 表格（.ods）", "an OpenDocument spreadsheet (.ods)"),
}
_OLD_BIFF = {
    2: ("Excel 2.x 工作表（.xls）", "an Excel 2.x worksheet (.xls)"),
    3: ("Excel 3.0 工作表（.xls）", "an Excel 3.0 worksheet (.xls)"),
    4: ("Excel 4.0 工作表（.xls）", "an Excel 4.0 worksheet (.xls)"),
    5: ("Excel 5.0/95 工作簿（.xls）", "an Excel 5.0/95 workbook (.xls)"),
}
_MAX_CONTENT_TYPES = 1 << 20
# BIFF8: the Workbook stream opens with a BOF record; a FILEPASS record (0x002F) right after
# it (possibly behind WRITEPROT, 0x0086) means the workbook is encrypted (XOR or RC4).
_BIFF8_BOF = re.compile(rb"\x09\x08[\x08\x10]\x00")
_FILEPASS, _WRITEPROT = 0x002F, 0x0086
# An HTML table may open with a comment, <meta> or <head> before its <html> or <table>.
_HTML_START = re.compile(r"<(?:html|table|body)[\s>]|<!doctype html")
_BROKEN_ZIP = Bilingual("压缩包结构损坏", "the zip structure is broken")
_OVERRIDE = re.compile(r'<Override\b[^>]*\bContentType="([^"]+)"')


def detect_format(path: Path, head: bytes) -> str:
    """The file's real format from its first bytes: xlsx, xlsb, xls, ods or csv."""
    if not head:
        raise CrmkitError("file.empty", path=str(path))
    if head.startswith(ZIP_MAGIC):
        return _zip_format(path)
    if head.startswith(OLE_MAGIC):
        if _ole_is_encrypted_ooxml(path):
            raise CrmkitError("file.encrypted", path=str(path))
        return "xls"
    if bare_biff_version(head):
        return "xls"  # Excel 2.x-4.0: a bare record stream, read by xlrd
    if looks_like_text(head):
        markup = _markup_table(head)
        if markup is not None:
            zh, en = markup
            if path.suffix.lower() in SUFFIXES["xls"]:
                zh, en = f"{zh}，只是扩展名为 {path.suffix}", f"{en}, only named {path.suffix}"
            raise CrmkitError("file.unsupported", path=str(path), detail=Bilingual(zh, en))
        return "csv"
    raise CrmkitError(
        "file.unsupported", path=str(path),
        detail=Bilingual("不是表格或文本文件", "not a spreadsheet or a text table"),
    )


def _markup_table(head: bytes) -> tuple[str, str] | None:
    """What a text file written in markup is, (zh, en), when it is a table that is not a
    text table: an HTML table or an Excel 2003 XML Spreadsheet, which back-office systems
    export under an .xls name and Excel opens; None otherwise."""
    if head.startswith(UTF16_BOMS):
        text = head.decode("utf-16", errors="replace")
    else:
        encoding = utf16_without_bom(head[:1024])
        text = head.removeprefix(codecs.BOM_UTF8).decode(encoding or "latin-1", "replace")
    text = text.lstrip("\ufeff \t\r\n").lower()
    if not text.startswith("<"):
        return None
    if "urn:schemas-microsoft-com:office:spreadsheet" in text:
        return ("这是 Excel 2003 XML 表格", "it is an Excel 2003 XML Spreadsheet")
    if text.startswith(("<html", "<!doctype html", "<table")) or _HTML_START.search(text):
        return ("这是 HTML 网页表格", "it is a web page (HTML) table")
    return None


def biff_is_encrypted(path: Path) -> bool:
    """Whether an .xls carries a FILEPASS record: password-protected (XOR or RC4)."""
    with path.open("rb") as fh:
        data = fh.read(1 << 20)
    # The Workbook stream starts on a sector boundary (512 bytes in .xls files).
    for match in _BIFF8_BOF.finditer(data):
        if match.start() % 512:
            continue
        offset = match.end() + data[match.start() + 2]
        for _ in range(3):
            if offset + 4 > len(data):
                return False
            kind = int.from_bytes(data[offset:offset + 2], "little")
            if kind == _FILEPASS:
                return True
            if kind != _WRITEPROT:
                return False
            offset += 4 + int.from_bytes(data[offset + 2:offset + 4], "little")
        return False
    return False


def looks_like_text(head: bytes) -> bool:
    """Whether the first bytes of a file look like a text table (any common encoding)."""
    if head.startswith(UTF16_BOMS):
        return True
    sample = head[:1024]
    if utf16_without_bom(sample):
        return True
    # A stray NUL in a CSV field is dropped when the text is read; many are a binary file.
    if sample.count(0) > max(2, len(sample) * 0.01):
        return False
    controls = sum(1 for b in sample if (b < 9 or 13 < b < 32) and b != 0)
    return controls <= len(sample) * 0.01


def utf16_without_bom(sample: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when `sample` reads as UTF-16 text without a BOM.

    Every ASCII character (digits, commas, line breaks: a table has many) puts a NUL on the
    same side of its byte pair (a few CJK characters, like 一 U+4E00, on the other); a binary
    format has NULs on both sides, and does not decode to printable text."""
    even = sample[: len(sample) // 2 * 2]
    pairs = len(even) // 2
    high, low = even[1::2].count(0), even[0::2].count(0)  # NUL as the high byte: LE
    for encoding, own, other in (("utf-16-le", high, low), ("utf-16-be", low, high)):
        if own >= max(2, pairs * 0.05) and other <= own * 0.2 and _printable(
            even.decode(encoding, errors="replace")
        ):
            return encoding
    return None


def bare_biff_version(head: bytes) -> int | None:
    """2, 3 or 4 for an Excel 2.x-4.0 worksheet (a bare BIFF record stream), else None."""
    for version, magic in enumerate(_BIFF_MAGICS, start=2):
        if head.startswith(magic):
            return version
    return None


def is_misnamed(path: Path, fmt: str) -> bool:
    """Whether the file's extension belongs to another format than its content (a WPS .et
    holding an .xls or .xlsx is not misnamed: that is how WPS saves)."""
    suffix = path.suffix.lower()
    return bool(suffix) and suffix not in SUFFIXES[fmt]


def describe_workbook(
    fmt: str, suffix: str, *, biff: int | None = None, macros: bool = False
) -> Bilingual:
    """What kind of workbook it is, for a person: "an Excel 97-2003 workbook (.xls)"."""
    if fmt == "xls" and biff is not None and biff <= 5:
        zh, en = _OLD_BIFF[biff]
    else:
        zh, en = _KINDS["xlsm" if fmt == "xlsx" and macros else fmt]
    suffix = suffix.lower()
    if suffix in (".et", ".ett") and fmt in ("xls", "xlsx"):
        inside = "Excel 97-2003" if fmt == "xls" else "Excel .xlsx"
        return Bilingual(f"WPS 表格文件（{suffix}，{inside} 格式）",
                         f"a WPS Spreadsheets file ({suffix}, in the {inside} format)")
    return Bilingual(zh, en)


def _printable(text: str) -> bool:
    ok = sum(1 for ch in text if ch.isprintable() or ch in "\t\r\n")
    return ok >= len(text) * 0.95


def _zip_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            if any(info.flag_bits & 1 for info in zf.infolist()):  # under a zip password
                raise CrmkitError("file.encrypted", path=str(path))
            # Some writers store paths with backslashes (xl\workbook.xml).
            names = {n.replace("\\", "/") for n in zf.namelist()}
            content_types = ""
            for name in zf.namelist():
                if name.replace("\\", "/") == "[Content_Types].xml":
                    with zf.open(name) as fh:
                        content_types = fh.read(_MAX_CONTENT_TYPES).decode("utf-8", "replace")
    except NotImplementedError:  # Deflate64, PPMd...: what Windows' "send to zip" may use
        raise CrmkitError("file.unreadable", path=str(path), detail=Bilingual(
            "压缩包使用了不支持的压缩方式（例如 Deflate64）",
            "the zip uses a compression method crmkit cannot read (Deflate64, say)",
        )) from None
    except RuntimeError as exc:  # a member under a zip password (after its subclass above)
        if "password" in str(exc) or "encrypted" in str(exc):
            raise CrmkitError("file.encrypted", path=str(path)) from None
        raise CrmkitError("file.unreadable", path=str(path), detail=_BROKEN_ZIP) from None
    except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, OSError, ValueError, EOFError):
        raise CrmkitError("file.unreadable", path=str(path), detail=_BROKEN_ZIP) from None
    # The main part's content type names the format; Defaults only map extensions.
    overrides = " ".join(_OVERRIDE.findall(content_types))
    if "sheet.binary.macroEnabled.main" in overrides or "xl/workbook.bin" in names:
        return "xlsb"
    if "spreadsheetml" in overrides or "ms-excel." in overrides or "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        return "ods"
    if any(n.startswith("Index/") for n in names):
        raise CrmkitError(
            "file.unsupported", path=str(path),
            detail=Bilingual("Apple Numbers 文件，请先导出为 .xlsx",
                             "an Apple Numbers file; export it as .xlsx"),
        )
    raise CrmkitError(
        "file.unsupported", path=str(path),
        detail=Bilingual("是压缩包，但里面没有工作簿", "a zip archive holding no workbook"),
    )


def _ole_is_encrypted_ooxml(path: Path) -> bool:
    # An encrypted .xlsx is an OLE container holding "EncryptionInfo" and "EncryptedPackage"
    # streams; their names sit in the directory sectors as UTF-16.
    needle = "EncryptedPackage".encode("utf-16-le")
    with path.open("rb") as fh:
        chunk = fh.read(1 << 20)
    return needle in chunk
