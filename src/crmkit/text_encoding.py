"""Telling how a text table is encoded, or saying that crmkit cannot tell.

The checks run from certain to uncertain: a BOM; UTF-16 by its NUL bytes; strict UTF-8 (which
almost never decodes text in another encoding); GB18030 when it reads as common Chinese; then
charset-normalizer's guess; then the single-byte code pages, kept only when their words look
like words. Two rules outrank every guess: Chinese text is never decoded as a Western code
page, and a file that is almost UTF-8 is refused rather than read as GB18030 mojibake.
"""

from __future__ import annotations

import codecs
import contextlib
import itertools
import re
import unicodedata
from pathlib import Path

from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError
from crmkit.formats import UTF16_BOMS, utf16_without_bom

#: codecs.lookup() names of the GBK family; GB18030 is their superset and decodes them all
GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030"})
#: other multi-byte CJK codecs charset-normalizer may name, accepted when the text reads as CJK
OTHER_CJK = frozenset({
    "big5", "cp950", "big5hkscs", "cp932", "shift_jis", "euc_jp", "euc_kr", "cp949",
})
#: single-byte code pages tried last, in order of preference when the text cannot tell them
#: apart (three accented letters read as well in Windows-1252 as in Greek)
SINGLE_BYTE = ("cp1252", "iso8859-7", "cp1251")
_NAMES = {
    "utf-8": ("UTF-8", "UTF-8"), "utf-8-sig": ("UTF-8（带 BOM）", "UTF-8 with BOM"),
    "utf-16": ("UTF-16", "UTF-16"), "utf-16-le": ("UTF-16 LE", "UTF-16 LE"),
    "utf-16-be": ("UTF-16 BE", "UTF-16 BE"), "gb18030": ("GB18030", "GB18030"),
    "cp1252": ("Windows-1252", "Windows-1252"), "iso8859-7": ("ISO-8859-7", "ISO-8859-7"),
    "cp1251": ("Windows-1251", "Windows-1251"), "big5": ("Big5", "Big5"),
}
# charset-normalizer reads a sample: enough to be right, bounded for a 100 MB file.
_SAMPLE = 1 << 20
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_LATIN_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_WORD = re.compile(r"[^\W\d_]{4,}")
_VOWELS = {"greek": set("αεηιουωάέήίόύώϊϋΐΰ"), "cyrillic": set("аеёиоуыэюяіїє")}
_NOT_SURE = Bilingual(
    "（可以用 --encoding 指定，例如 --encoding gbk 或 --encoding cp1252）",
    " (name it with --encoding, e.g. --encoding gbk or --encoding cp1252)",
)


def canonical_encoding(name: str) -> str:
    """The codec to decode with for a user's --encoding value; the GBK family becomes
    GB18030, which decodes every GBK file and the characters GBK lacks."""
    try:
        codec = codecs.lookup(name.strip())
        # rot13 and base64 are codecs but not text encodings: decoding raises LookupError.
        # (Empty bytes would not tell: Python decodes b"" without asking the codec.)
        with contextlib.suppress(UnicodeError):
            b"\x00\x00\x00\x00".decode(codec.name)
    except LookupError:
        raise CrmkitError("options.invalid", detail=Bilingual(
            f"--encoding 的值「{name}」不是已知的文字编码；常用的有 utf-8、gbk、utf-16",
            f"--encoding \"{name}\" is not a known text encoding; common ones are utf-8, gbk "
            "and utf-16",
        )) from None
    return "gb18030" if codec.name in GB_FAMILY else codec.name


def describe_encoding(encoding: str) -> Bilingual:
    """An encoding's name as people know it: "GB18030", "UTF-8 with BOM"."""
    return Bilingual(*_NAMES.get(encoding, (encoding.upper(), encoding.upper())))


def detect_encoding(path: Path, data: bytes, forced: str | None = None) -> tuple[str, str]:
    """`data` decoded, and the codec used; CrmkitError file.encoding when unsure."""
    if forced is not None:
        if forced == "utf-8" and data.startswith(codecs.BOM_UTF8):
            forced = "utf-8-sig"
        return _decode(path, data, forced, forced=True).lstrip("\ufeff"), forced
    if data.startswith(codecs.BOM_UTF8):
        encoding: str | None = "utf-8-sig"
    elif data.startswith(UTF16_BOMS):
        encoding = "utf-16"
    else:
        encoding = utf16_without_bom(data[:4096])
    if encoding is not None:
        return _decode(path, data, encoding), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        if _mostly_utf8(data):
            # GB18030 would decode it too, into mojibake that passes every check.
            raise CrmkitError(
                "file.encoding", path=str(path),
                detail=Bilingual("（基本是 UTF-8，但有几处字节无效）",
                                 " (mostly UTF-8, with a few invalid bytes)"),
            ) from None
    encoding = _guess(data)
    if encoding is None:
        raise CrmkitError("file.encoding", path=str(path), detail=_NOT_SURE)
    return _decode(path, data, encoding), encoding


def _guess(data: bytes) -> str | None:
    """The encoding of bytes that are neither UTF-8 nor UTF-16, or None when unsure."""
    gb = _strict(data, "gb18030")
    # GB18030 maps the bytes no GBK text uses to private-use characters: Big5 read as GB18030
    # shows them. Western bytes read as GB18030 put characters inside Latin words.
    gb_plausible = gb is not None and not _PRIVATE_USE.search(gb) and not _inside_latin_words(gb)
    share = _common_chinese_share(gb) if gb is not None and gb_plausible else 0.0
    if share >= 0.6:
        return "gb18030"
    guess = _charset_normalizer_guess(data)
    if guess in GB_FAMILY:
        return "gb18030" if gb_plausible else None
    if guess in OTHER_CJK and not gb_plausible:
        text = _strict(data, guess)
        if text is not None and _mostly_cjk(text) and not _inside_latin_words(text):
            return guess
    if gb_plausible:
        # GB18030 reads it as Chinese, if rare characters: a Western reading must not win.
        return None
    return _single_byte(data)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _decode(path: Path, data: bytes, encoding: str, *, forced: bool = False) -> str:
    """`data` decoded strictly; a bad byte is reported by its line, not silently replaced."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].decode(encoding, errors="replace").count("\n") + 1
        name = describe_encoding(encoding)
        if forced:
            detail = Bilingual(f"（第 {line} 行不是有效的 {name.zh} 编码，请检查 --encoding）",
                               f" (line {line} is not valid {name.en}; check --encoding)")
        else:
            detail = Bilingual(
                f"（看起来是 {name.zh}，但第 {line} 行有无效字节；可以用 --encoding 指定编码）",
                f" (it looks like {name.en}, but line {line} has invalid bytes; name the "
                "encoding with --encoding)",
            )
        raise CrmkitError("file.encoding", path=str(path), detail=detail) from None


def _mostly_utf8(data: bytes) -> bool:
    """Whether nearly all non-ASCII text decodes as UTF-8 (a few bytes broken by an edit)."""
    loose = data.decode("utf-8", errors="replace")
    bad = loose.count("\ufffd")
    good = len(loose) - len(loose.encode("ascii", errors="ignore")) - bad  # at C speed
    return good > 0 and bad * 20 <= good


def _common_chinese_share(text: str) -> float:
    """The share of non-ASCII characters that are common Chinese: GB2312's first level (the
    3,755 most used characters) and its punctuation. Everyday Chinese text scores near 1;
    Greek or Cyrillic bytes read as GB18030 land among rare characters instead."""
    sample = [m.group() for m in itertools.islice(_NON_ASCII.finditer(text), 20000)]
    common = 0
    for ch in sample:
        try:
            lead = ch.encode("gb2312")[0]
        except UnicodeEncodeError:
            continue
        common += 0xA1 <= lead <= 0xA9 or 0xB0 <= lead <= 0xD7
    return common / len(sample) if sample else 0.0


def _inside_latin_words(text: str) -> bool:
    """Whether nearly every run of non-ASCII characters is glued to a Latin letter: how
    accented Western words read in a CJK codec (Peña as Pe馻, Çelik as 莈lik). Chinese text
    has such runs too (VIP客户), but not nearly all of them."""
    runs = glued = 0
    for match in itertools.islice(_NON_ASCII_RUN.finditer(text), 5000):
        start, end = match.span()
        runs += 1
        glued += (start > 0 and text[start - 1] in _LATIN_LETTERS) or (
            end < len(text) and text[end] in _LATIN_LETTERS)
    return runs > 0 and glued >= runs * 0.8


def _mostly_cjk(text: str) -> bool:
    sample = [m.group() for m in itertools.islice(_NON_ASCII.finditer(text), 20000)]
    cjk = sum(1 for ch in sample if _is_cjk(ch))
    return bool(sample) and cjk >= len(sample) * 0.8


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (0x3000 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF
            or 0xF900 <= code <= 0xFAFF or 0xFF01 <= code <= 0xFF60)


def _charset_normalizer_guess(data: bytes) -> str | None:
    import charset_normalizer  # here: most files are UTF-8 and never need it

    sample = data[:_SAMPLE]
    if len(data) > _SAMPLE and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]  # not in the middle of a character
    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        return None
    try:
        return codecs.lookup(best.encoding).name
    except LookupError:
        return None


def _single_byte(data: bytes) -> str | None:
    """The single-byte code page whose words look most like words, or None.

    charset-normalizer is not asked here: on the few accented words of a typical file it
    names code pages nobody uses (cp1006 for "æøå", cp932 for "©", Cyrillic for Greek)."""
    best: tuple[float, str] | None = None
    for encoding in SINGLE_BYTE:
        text = _strict(data, encoding)
        if text is None or any(0x80 <= ord(ch) <= 0x9F for ch in text):
            continue
        words = [w for w in _WORD.findall(text[:200000]) if not w.isascii()]
        wrong = sum(1 for w in words if _looks_wrong(w))
        if words and wrong * 4 > len(words):
            continue
        score = wrong / len(words) if words else 0.0
        if best is None or score < best[0]:
            best = (score, encoding)
    return best[1] if best else None


def _looks_wrong(word: str) -> bool:
    """Whether a word of four or more letters is mojibake: scripts mixed inside it, a Latin
    word made mostly of accented letters, or a Greek or Cyrillic word without vowels or
    without consonants."""
    scripts = {_script(ch) for ch in word}
    if len(scripts) != 1:
        return True
    script = scripts.pop()
    if script == "latin":
        return sum(1 for ch in word if ord(ch) > 127) * 2 > len(word)
    if script not in _VOWELS:
        return True
    vowels = sum(1 for ch in word.lower() if ch in _VOWELS[script]) / len(word)
    return not 0.2 <= vowels <= 0.8


def _script(ch: str) -> str:
    code = ord(ch)
    if code < 0x250:
        return "latin"
    if 0x370 <= code < 0x400:
        return "greek"
    if 0x400 <= code < 0x530:
        return "cyrillic"
    return unicodedata.name(ch, "other").split(" ")[0].lower()
