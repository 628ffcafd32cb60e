"""Hiding phone numbers in what crmkit prints, so a terminal log or a CI job's output does not
spread customers' numbers: 13800138000 -> 138****8000. Files written for the user (upload,
errors, report.json) keep full values: the user needs them to fix rows."""

from __future__ import annotations

import re

#: digits, possibly with a leading + and groups of three or more after spaces or dashes
#: (138 0013 8000, +86-138-0013-8000); masked when they hold seven digits or more. Groups of
#: two (2024-01-05) end a run, so dates stay as they are.
_NUMBER = re.compile(r"\+?\d+(?:[ \-]\d{3,})*")
_MIN_DIGITS = 7


def mask_phone(number: str) -> str:
    """A phone number with its middle hidden: 13800138000 -> 138****8000."""
    if len(number) < 8:
        return "****" + number[-2:]
    head = 4 if number.startswith("+") else 3
    return number[:head] + "****" + number[-4:]


def mask_text(text: str) -> str:
    """`text` with every phone-like run of digits masked (separators dropped from it)."""
    def hide(match: re.Match[str]) -> str:
        number = re.sub(r"[ \-]", "", match.group())
        return mask_phone(number) if sum(c.isdigit() for c in number) >= _MIN_DIGITS \
            else match.group()

    return _NUMBER.sub(hide, text)
