"""Typed access to a template's TOML values, reporting each wrong one where it was written."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from crmkit.template_toml import Problems, TemplateFile


def did_you_mean(value: str, known: tuple[str, ...] | list[str]) -> str:
    """`, did you mean "x"?` when a known word is close to `value`, else ""."""
    close = difflib.get_close_matches(value, list(known), n=1)
    return f', did you mean "{close[0]}"?' if close else ""


@dataclass(frozen=True)
class Slot:
    """A value from a template file, with the file and key path it was written at."""

    value: Any
    file: TemplateFile | None
    path: str


class Values:
    """Reads values of one file; a wrong value becomes a Problem and reads as absent."""

    def __init__(self, file: TemplateFile | None, problems: Problems) -> None:
        self.file = file
        self.problems = problems

    def fail(
        self, slot: Slot | None, suffix: str, message: str, *,
        file: TemplateFile | None = None, path: str | None = None,
    ) -> None:
        """Record a mistake at `slot` (plus `suffix`), or at `path` (default `suffix`)."""
        if slot is not None:
            self.problems.add(slot.file, slot.path + suffix, message)
        else:
            self.problems.add(file or self.file, path if path is not None else suffix, message)

    def table(
        self, data: dict[str, Any], key: str, allowed: tuple[str, ...] | None, prefix: str = ""
    ) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.fail(None, prefix + key, f"must be a table ([{prefix}{key}])")
            return {}
        if allowed is not None and self.file is not None:
            self.problems.unknown_keys(self.file, value, allowed, prefix + key)
        return cast(dict[str, Any], value)

    def tables(self, data: dict[str, Any], key: str, form: str) -> list[dict[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(None, key, f"must be an array of tables ({form})")
            return []
        return cast(list[dict[str, Any]], value)

    def str_list(self, data: dict[str, Any], key: str, prefix: str) -> list[str]:
        if key not in data:
            return []
        return list(self.str_items(Slot(data[key], self.file, prefix + key)))

    def str_items(self, slot: Slot | None) -> tuple[str, ...]:
        if slot is None:
            return ()
        if not isinstance(slot.value, list) or not all(isinstance(v, str) for v in slot.value):
            self.fail(slot, "", 'must be a list of strings: ["a", "b"]')
            return ()
        return tuple(slot.value)

    def text(self, slot: Slot | None, *, required: bool = False, where: str = "") -> str | None:
        if slot is None or slot.value is None:
            if required:
                self.fail(slot, "", "is required", path=where)
            return None
        if not isinstance(slot.value, str):
            self.fail(slot, "", 'must be a string (in quotes: "...")')
            return None
        if required and not slot.value.strip():
            self.fail(slot, "", "must not be empty")
            return None
        return slot.value

    def flag(self, slot: Slot | None, default: bool = False) -> bool:
        if slot is None:
            return default
        if not isinstance(slot.value, bool):
            self.fail(slot, "", "must be true or false")
            return default
        return slot.value

    def positive_int(self, slot: Slot | None) -> int | None:
        return self._whole(slot, 1, "must be a positive whole number")

    def count(self, slot: Slot | None) -> int | None:
        return self._whole(slot, 0, "must be a whole number, 0 or more")

    def _whole(self, slot: Slot | None, least: int, message: str) -> int | None:
        if slot is None:
            return None
        value = slot.value
        if not isinstance(value, int) or isinstance(value, bool) or value < least:
            self.fail(slot, "", message)
            return None
        return value

    def number(self, slot: Slot | None) -> float | None:
        if slot is None:
            return None
        if not isinstance(slot.value, (int, float)) or isinstance(slot.value, bool):
            self.fail(slot, "", "must be a number")
            return None
        return float(slot.value)

    def choices(self, slot: Slot | None, allowed: tuple[str, ...]) -> tuple[str, ...]:
        items = self.str_items(slot)
        for i, item in enumerate(items):
            if item not in allowed:
                assert slot is not None
                self.fail(slot, f"[{i}]", f'unknown value "{item}"{did_you_mean(item, allowed)} '
                          f"(one of: {', '.join(allowed)})")
        return tuple(i for i in items if i in allowed)

    def pattern(self, slot: Slot | None) -> str | None:
        text = self.text(slot)
        if text is None:
            return None
        try:
            re.compile(text)
        except re.error as exc:
            self.fail(slot, "", f"is not a valid regular expression: {exc}")
            return None
        return text
