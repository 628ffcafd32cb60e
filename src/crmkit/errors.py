"""The one exception crmkit raises when it cannot go on (exit code 2).

Problems in the data are never exceptions: they are `Issue` records in the report. This is
only for "the file cannot be checked at all": unreadable input, no header row, a required
column missing, a bad template or bad options.
"""

from __future__ import annotations

from typing import Any

from crmkit.catalogue import lookup


class CrmkitError(Exception):
    """crmkit cannot check the input; the message says what is wrong and what to do."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        #: which of the user's files the message is about, when it is not the input
        self.role: tuple[str, str] | None = None
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        """The one-line message for a person, in `lang`."""
        text = lookup(self.code).message(lang, **self.params)
        if self.role is not None:
            zh, en = self.role
            text = f"{en}: {text}" if lang == "en" else f"{zh}：{text}"
        return text

    def about(self, zh: str, en: str) -> CrmkitError:
        """This error, said to be about one of the user's other files (--staff, ...)."""
        self.role = (zh, en)
        self.args = (self.message("en"),)
        return self
