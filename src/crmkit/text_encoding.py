"""Telling how a text table is encoded, or saying that crmkit cannot tell.

The checks run from certain to uncertain: a BOM; UTF-16 by its NUL bytes; strict UTF-8 (which
almost never decodes text in another encoding); GB18030 when it reads as common Chinese (unless
it reads as Korean just as well); then charset-normalizer's guess; then the single-byte code
pages, kept only when their words look like words, or, with no word to judge by, when every
other character is a common Western symbol. Two rules outrank every guess: Chinese text is
never decoded as a Western code page, and a file that is almost UTF-8 is refused rather than
read as GB18030 mojibake.
"""

from __future__ import annotations

import codecs
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
#: charset-normalizer's names for Korean, whose Hangul are GB2312's common characters' bytes
KOREAN = frozenset({"euc_kr", "cp949"})
#: single-byte code pages tried last, in order of preference when the text cannot tell them
#: apart (three accented letters read as well in Windows-1252 as in Greek)
SINGLE_BYTE = ("cp1252", "iso8859-7", "cp1251")
_NAMES = {
    "utf-8": ("UTF-8", "UTF-8"), "utf-8-sig": ("UTF-8（带 BOM）", "UTF-8 with BOM"),
    "utf-16": ("UTF-16", "UTF-16"), "utf-16-le": ("UTF-16 LE", "UTF-16 LE"),
    "utf-16-be": ("UTF-16 BE", "UTF-16 BE"), "gb18030": ("GB18030", "GB18030"),
    "cp1252": ("Windows-1252", "Windows-1252"), "iso8859-7": ("ISO-8859-7", "ISO-8859-7"),
    "cp1251": ("Windows-1251", "Windows-1251"), "big5": ("Big5", "Big5"),
    "euc_kr": ("EUC-KR", "EUC-KR"), "cp949": ("EUC-KR（CP949）", "EUC-KR (CP949)"),
}
# charset-normalizer reads a sample: enough to be right, bounded for a 100 MB file.
_SAMPLE = 1 << 20
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_C1_CONTROL = re.compile("[\x80-\x9f]")
_HANGUL = re.compile("[\uac00-\ud7a3]")
# Fewer different Hangul than this could be Chinese by chance: each common Chinese character
# has a three in five chance of reading as Hangul (VIP客户 as VIP와빵).
_MIN_HANGUL = 20
# With no word to judge a single-byte reading by, the non-ASCII characters a Western table
# plausibly holds: typographic quotes and dashes, currency, units, and accented letters in a
# word (José, São, æøå). Big5 or GBK read as Windows-1252 gives ³¯¤j¤å instead.
_WESTERN_SYMBOLS = frozenset("“”‘’–—…€£©®°±×·«»™•\xa0")
_ACCENTED = frozenset(
    [chr(c) for c in range(0xC0, 0x100) if c not in (0xD7, 0xF7)] + list("ŒœŠšŽžŸ"))
_LATIN_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_WORD = re.compile(r"[^\W\d_]{4,}")
_VOWELS = {"greek": set("αεηιουωάέήίόύώϊϋΐΰ"), "cyrillic": set("аеёиоуыэюяіїє")}
# Longest first: a UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32", frozenset({"utf-32", "utf-32-le"})),
    (codecs.BOM_UTF32_BE, "UTF-32", frozenset({"utf-32", "utf-32-be"})),
    (codecs.BOM_UTF8, "UTF-8", frozenset({"utf-8", "utf-8-sig"})),
    (codecs.BOM_UTF16_LE, "UTF-16", frozenset({"utf-16", "utf-16-le"})),
    (codecs.BOM_UTF16_BE, "UTF-16", frozenset({"utf-16", "utf-16-be"})),
)
_CHINESE_OR_KOREAN = Bilingual(
    "（它既可以读成中文 GBK，也可以读成韩文 EUC-KR；"
    "请用 --encoding gbk 或 --encoding euc-kr 指定）",
    " (it reads as Chinese in GBK and as Korean in EUC-KR; name it with --encoding gbk or "
    "--encoding euc-kr)",
)
_NOT_SURE = Bilingual(
    "（可以用 --encoding 指定，例如 --encoding gbk 或 --encoding cp1252）",
    " (name it with --encoding, e.g. --encoding gbk or --encoding cp1252)",
)


class _Unsure(Exception):
    """Two readings of the bytes are equally likely: which one, the user must say."""

    def __init__(self, detail: Bilingual) -> None:
        super().__init__(detail.en)
        self.detail = detail


def canonical_encoding(name: str) -> str:
    """The codec to decode with for a user's --encoding value; the GBK family becomes
    GB18030, which decodes every GBK file and the characters GBK lacks."""
    try:
        codec = codecs.lookup(name.strip())
        # rot13 and base64 are codecs but not text encodings: decoding raises LookupError;
        # "undefined" decodes nothing at all. (Empty bytes would not tell: Python decodes b""
        # without asking the codec.)
        if not any(_decodes(probe, codec.name) for probe in (b"\x00\x00\x00\x00", b"abcd")):
            raise LookupError(name)
    except LookupError:
        raise CrmkitError("options.invalid", detail=Bilingual(
            f"--encoding 的值「{name}」不是已知的文字编码；常用的有 utf-8、gbk、utf-16",
            f"--encoding \"{name}\" is not a known text encoding; common ones are utf-8, gbk "
            "and utf-16",
        )) from None
    return "gb18030" if codec.name in GB_FAMILY else codec.name


def _decodes(probe: bytes, codec: str) -> bool:
    try:
        probe.decode(codec)
    except UnicodeError:
        return False
    return True


def describe_encoding(encoding: str) -> Bilingual:
    """An encoding's name as people know it: "GB18030", "UTF-8 with BOM"."""
    return Bilingual(*_NAMES.get(encoding, (encoding.upper(), encoding.upper())))


def detect_encoding(path: Path, data: bytes, forced: str | None = None) -> tuple[str, str]:
    """`data` decoded, and the codec used; CrmkitError file.encoding when unsure."""
    if forced is not None:
        forced = _agree_with_bom(data, forced)
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
    try:
        encoding = _guess(data)
    except _Unsure as unsure:
        raise CrmkitError("file.encoding", path=str(path), detail=unsure.detail) from None
    if encoding is None:
        raise CrmkitError("file.encoding", path=str(path), detail=_NOT_SURE)
    return _decode(path, data, encoding), encoding


def _agree_with_bom(data: bytes, forced: str) -> str:
    """The forced encoding, when the file's BOM (if any) does not say otherwise: decoding a
    UTF-8 BOM as GBK turns it, and the first header's first letter, into 锘."""
    for bom, name, agree in _BOMS:
        if data.startswith(bom):
            if forced not in agree:
                raise CrmkitError("options.invalid", detail=Bilingual(
                    f"文件以 {name} 的 BOM 开头，是 {name} 编码，与 --encoding 指定的不符；"
                    "去掉 --encoding 即可",
                    f"the file starts with a {name} byte order mark, so it is {name}, not "
                    "what --encoding names; leave out --encoding",
                ))
            return "utf-8-sig" if forced == "utf-8" else forced
    return forced


def _guess(data: bytes) -> str | None:
    """The encoding of bytes that are neither UTF-8 nor UTF-16, or None when unsure;
    _Unsure when two readings are equally likely."""
    gb = _strict(data, "gb18030")
    # GB18030 maps the bytes no GBK text uses to private-use characters: Big5 read as GB18030
    # shows them.
    gb_valid = gb is not None and not _PRIVATE_USE.search(gb)
    share = _common_chinese_share(gb) if gb is not None and gb_valid else 0.0
    if share >= 0.6:
        # Korean (EUC-KR) Hangul are the bytes of common Chinese characters (이름 reads
        # 捞抚), and the other way round: a reading that is all Hangul needs a second opinion.
        if _hangul(data)[0] < 0.95:
            return "gb18030"
        korean = _korean(data, _charset_normalizer_guess(data))
        if korean is None:
            raise _Unsure(_CHINESE_OR_KOREAN)
        return korean
    # Western bytes read as GB18030 put rare characters inside Latin words (Pe馻 for Peña);
    # Chinese beside Latin letters (VIP客户) is common Chinese, and has passed above.
    gb_plausible = gb_valid and gb is not None and not _inside_latin_words(gb)
    guess = _charset_normalizer_guess(data)
    if guess in GB_FAMILY:
        return "gb18030" if gb_plausible else None
    korean = _korean(data, guess)
    if korean is not None:
        return korean
    if guess in OTHER_CJK and not gb_plausible:
        text = _strict(data, guess)
        if text is not None and _mostly_cjk(text) and not _inside_latin_words(text):
            return guess
    if gb_plausible:
        # GB18030 reads it as Chinese, if rare characters: a Western reading must not win.
        return None
    return _single_byte(data)


def _korean(data: bytes, guess: str | None) -> str | None:
    """EUC-KR (or its superset cp949) when charset-normalizer says Korean and the text reads
    as Hangul throughout, long enough that Chinese could not read so by chance; else None."""
    if guess not in KOREAN:
        return None
    share, syllables = _hangul(data)
    return guess if share >= 0.95 and syllables >= _MIN_HANGUL else None


def _hangul(data: bytes) -> tuple[float, int]:
    """In a strict EUC-KR reading of the first megabyte: the share of non-ASCII characters
    that are Hangul syllables, and how many different ones; (0, 0) when it does not decode."""
    text = _strict(_head(data), "euc_kr")
    if text is None:
        return 0.0, 0
    total = len(_NON_ASCII.findall(text))
    syllables = _HANGUL.findall(text)
    return (len(syllables) / total if total else 0.0), len(set(syllables))


def _head(data: bytes) -> bytes:
    """The first megabyte of the data, cut after a line so as not to split a character."""
    sample = data[:_SAMPLE]
    if len(data) > _SAMPLE and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]
    return sample


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

    best = charset_normalizer.from_bytes(_head(data)).best()
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
        if text is None or _C1_CONTROL.search(text):
            continue
        words = [w for w in _WORD.findall(text[:200000]) if not w.isascii()]
        wrong = sum(1 for w in words if _looks_wrong(w))
        if words and wrong * 4 > len(words):
            continue
        if not words and not _western_only(text):
            continue  # nothing to judge by, and characters a Western table would not hold
        score = wrong / len(words) if words else 0.0
        if best is None or score < best[0]:
            best = (score, encoding)
    return best[1] if best else None


def _western_only(text: str) -> bool:
    """Whether every non-ASCII character is a common Western symbol, or an accented letter
    in a word: one of accented letters only, or one with ASCII letters too."""
    for match in _NON_ASCII_RUN.finditer(text):
        start, end = match.span()
        run = match.group()
        i = 0
        while i < len(run):
            if run[i] in _WESTERN_SYMBOLS:
                i += 1
                continue
            j = i
            while j < len(run) and run[j] in _ACCENTED:
                j += 1
            if j == i:
                return False  # neither a symbol nor an accented letter
            # Letters i..j make a word: on their own, or with the ASCII letters beside them.
            alone = i == 0 and j == len(run)
            before = i == 0 and start > 0 and text[start - 1] in _LATIN_LETTERS
            after = j == len(run) and end < len(text) and text[end] in _LATIN_LETTERS
            if not (alone or before or after):
                return False
            i = j
    return True


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
