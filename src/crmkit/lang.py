"""The language of what crmkit says to people: Chinese or English.

The default comes from the environment the way the C library picks the language of messages
(LC_ALL, then LC_MESSAGES, then LANG: the first that is set and not empty wins), and is
Chinese unless that names English. crmkit's users are first of all Chinese admins, and a CI
runner's "C" or "POSIX" locale says nothing about the people reading its logs: so C, POSIX,
an unset environment and every other language give Chinese.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping


class Lang(str, enum.Enum):
    """A language crmkit speaks; the values are what --lang takes."""

    zh = "zh"
    en = "en"


#: the environment variables that name the language of messages, the strongest first
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def default_lang(environ: Mapping[str, str] | None = None) -> Lang:
    """The language to speak when --lang is not given: English when the locale of messages
    (LC_ALL, LC_MESSAGES, LANG, the first one set) is English (en, en_US.UTF-8...), else
    Chinese."""
    env = os.environ if environ is None else environ
    locale = next((env[name] for name in LOCALE_VARIABLES if env.get(name)), "")
    language = locale.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return Lang.en if language == "en" else Lang.zh


def resolve_lang(lang: Lang | str | None, environ: Mapping[str, str] | None = None) -> Lang:
    """`lang` as given (a --lang value), or the environment's default when it is None."""
    return default_lang(environ) if lang is None else Lang(lang)
