"""Hiding phone numbers in what crmkit prints, so a terminal log or a CI job's output does not
spread customers' numbers: 13800138000 -> 138****8000. Files written for the user (upload,
errors, report.json) keep full values: the user needs them to fix rows.

A cell crmkit reports as a bad phone number is hidden whole, whatever it holds (13800l38000,
1390O139000, 138.0013.8000): it is a phone number to the user even when it is not a valid
one. Other text is searched for runs of digits that look like numbers.
"""

from __future__ import annotations

import re

#: digits, possibly with a leading +, a bracketed area code and groups of three or more after
#: spaces, dashes, dots, underscores or slashes ((021)6234-5678, +86 138.0013.8000). Groups
#: of two (2024-01-05) end a run, so dates stay as they are.
_NUMBER = re.compile(r"\+?(?:\(\d+\)\s*)?\d+(?:[ \-._/]\d{3,})*")
_SEPARATORS = re.compile(r"[ \-._/()]")
#: runs with fewer digits are not phone numbers (row numbers, counts, years)
_MIN_DIGITS = 7
#: the codes whose value is a phone number cell (or what was typed in one)
_PHONE_VALUES = ("phone.", "duplicate.in_file", "duplicate.existing", "duplicate.other_file",
                 "duplicate.suspected", "person.is_phone")


def mask_phone(number: str) -> str:
    """A phone number with its middle hidden, at least half of it: 13800138000 ->
    138****8000, 62345678 -> 62****78."""
    if len(number) >= 11:
        head = 4 if number.startswith("+") else 3
        return number[:head] + "****" + number[-4:]
    if len(number) >= 8:
        return number[:2] + "****" + number[-2:]
    return "****" + number[-2:]


def mask_text(text: str) -> str:
    """`text` with every phone-like run of digits masked (separators dropped from it)."""
    def hide(match: re.Match[str]) -> str:
        number = _SEPARATORS.sub("", match.group())
        return mask_phone(number) if sum(c.isdigit() for c in number) >= _MIN_DIGITS \
            else match.group()

    return _NUMBER.sub(hide, text)


def is_phone_value(code: str) -> bool:
    """Whether an issue of `code` carries a phone number cell as its value."""
    return code.startswith(_PHONE_VALUES)


def mask_issue_texts(code: str, value: str | None, texts: list[str | None]) -> list[str | None]:
    """`texts` (a message, a suggestion, a header) with the issue's phone value hidden
    whole wherever it appears, and any other phone-like digits masked."""
    hidden = mask_phone(value) if value and is_phone_value(code) else None
    masked: list[str | None] = []
    for text in texts:
        if text is not None and hidden is not None and value:
            text = text.replace(value, hidden)
        masked.append(None if text is None else mask_text(text))
    return masked
