"""What an entry of the issue catalogue is: a code, its severity, its messages and its
explanation, in Chinese and English.

The entries themselves live in the topic modules (catalogue_file, catalogue_sheet,
catalogue_cells, catalogue_values, catalogue_rows); `crmkit.catalogue` gathers them.
"""

from __future__ import annotations

import enum
import string
from dataclasses import dataclass
from typing import Any, NamedTuple


class Bilingual(NamedTuple):
    """A text that reads differently in Chinese and English (a message parameter, a title)."""

    zh: str
    en: str

    def pick(self, lang: str) -> str:
        """The text in `lang`: English for "en", Chinese otherwise."""
        return self.en if lang == "en" else self.zh


class Severity(str, enum.Enum):
    """How bad an issue is, and so what crmkit does with it."""

    #: crmkit cannot check the file at all (exit 2).
    FATAL = "fatal"
    #: the row is rejected, or the run fails (exit 1).
    ERROR = "error"
    #: the row is kept; the run fails only under `--strict`.
    WARNING = "warning"
    #: something crmkit did that the user should know about (a skipped example row, formulas
    #: read by their last results); never fails a run, not even under `--strict`.
    NOTICE = "notice"


#: each severity's name as people read it
SEVERITY_LABELS: dict[Severity, Bilingual] = {
    Severity.FATAL: Bilingual("无法检查", "fatal"),
    Severity.ERROR: Bilingual("错误", "error"),
    Severity.WARNING: Bilingual("警告", "warning"),
    Severity.NOTICE: Bilingual("提示", "notice"),
}

#: what each severity does to a run, in one sentence
SEVERITY_EFFECTS: dict[Severity, Bilingual] = {
    Severity.FATAL: Bilingual("crmkit 无法检查这个文件，什么都不写，退出码 2。",
                              "crmkit cannot check the file, writes nothing and exits with 2."),
    Severity.ERROR: Bilingual("这一行不导入，放进 errors.xlsx 的「待修正」（超出上限的行放进 "
                              "overflow.xlsx）；退出码 1。",
                              "The row is not imported: it goes to the 待修正 sheet of "
                              "errors.xlsx (rows over the limit to overflow.xlsx); exit 1."),
    Severity.WARNING: Bilingual("这一行照常导入，请核对；加 --strict 时本次运行失败（退出码 1）。",
                                "The row is still imported; check it. Under --strict the run "
                                "fails (exit 1)."),
    Severity.NOTICE: Bilingual("只是告诉你 crmkit 做了什么，从不导致失败，--strict 也不会。",
                               "Only tells you what crmkit did; it never fails a run, not even "
                               "under --strict."),
}

_NOT_IMPORTED = Bilingual("这一行不导入，列在 errors.xlsx 的「重复」表（不在「待修正」："
                          "改这一行解决不了）；退出码 1。",
                          "The row is not imported; it is listed in the 重复 sheet of errors.xlsx "
                          "(not in 待修正: editing the row cannot fix it); exit 1.")
#: codes whose effect is not their severity's usual one
CODE_EFFECTS: dict[str, Bilingual] = {
    "duplicate.in_file": _NOT_IMPORTED,
    "duplicate.existing": _NOT_IMPORTED,
    "duplicate.other_file": _NOT_IMPORTED,
    "limit.exceeded": Bilingual("超出上限的有效行放进 overflow.xlsx，不导入；退出码 1。",
                                "The valid rows beyond the limit go to overflow.xlsx and are not "
                                "imported; exit 1."),
    "rows.empty": Bilingual("没有可导入的行；加 --strict 时本次运行失败（退出码 1）。",
                            "There is nothing to import; under --strict the run fails (exit 1)."),
}


def effect(code: str, severity: Severity) -> Bilingual:
    """What an issue of `code` does to its row and to the run, in one sentence."""
    return CODE_EFFECTS.get(code, SEVERITY_EFFECTS[severity])


@dataclass(frozen=True)
class Code:
    """One kind of problem crmkit can report, with what it means, why it matters and how to
    fix it."""

    code: str
    severity: Severity
    title_zh: str
    title_en: str
    message_zh: str
    message_en: str
    #: what the code means
    meaning: Bilingual
    #: why DingTalk would refuse the row, why crmkit cannot go on, or why it tells you
    why: Bilingual
    #: how to fix it, in Excel or WPS
    fix: Bilingual

    def message(self, lang: str = "zh", /, **params: Any) -> str:
        """The message in `lang` ("zh" or "en"), filled from `params`."""
        values = {
            k: v.pick(lang) if isinstance(v, Bilingual) else v for k, v in params.items()
        }
        return self.template(lang).format_map(_Defaulting(values))

    def title(self, lang: str = "zh") -> str:
        """The short title in `lang`."""
        return self.title_en if lang == "en" else self.title_zh

    def template(self, lang: str = "zh") -> str:
        """The message template in `lang`, its parameters as {placeholders}."""
        return self.message_en if lang == "en" else self.message_zh

    @property
    def params(self) -> tuple[str, ...]:
        """The names of the message's parameters, in the order the Chinese message uses
        them (both languages use the same set)."""
        names = (name for _, name, _, _ in string.Formatter().parse(self.message_zh) if name)
        return tuple(dict.fromkeys(names))


class _Defaulting(dict[str, Any]):
    """Format parameters where a missing one renders as empty, never a KeyError."""

    def __missing__(self, key: str) -> str:
        return ""


def entry(
    code: str,
    severity: Severity,
    title: tuple[str, str],
    message: tuple[str, str],
    *,
    meaning: tuple[str, str],
    why: tuple[str, str],
    fix: tuple[str, str],
) -> Code:
    """A catalogue entry; each text is a (Chinese, English) pair."""
    return Code(code, severity, title[0], title[1], message[0], message[1],
                Bilingual(*meaning), Bilingual(*why), Bilingual(*fix))
