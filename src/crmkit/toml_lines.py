"""Line numbers for key paths in a TOML file, so a template mistake can say where it is.

tomllib gives values, not positions. This scanner follows table headers (`[output]`,
`[[fields]]`, `[[fields.options]]`) and `key = value` lines, which is how templates are
written; a path it cannot place (a key inside an inline table) falls back to the line of the
nearest enclosing table or key it found.
"""

from __future__ import annotations

import re

_ARRAY = re.compile(r"^\[\[\s*([^\]]+?)\s*\]\]")
_TABLE = re.compile(r"^\[\s*([^\]]+?)\s*\]")
_PART = r"(?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+)"
#: a bare, quoted or dotted key at the start of a line, then "="; a quoted string inside a
#: multi-line array ("type = x",) is not followed by "=" and does not match
_KEY = re.compile(rf"^({_PART}(?:\s*\.\s*{_PART})*)\s*=")
_INDEX = re.compile(r"\[\d+\]$")


def _parts(dotted: str) -> list[str]:
    return [p.strip().strip("\"'") for p in re.findall(_PART, dotted)]


class TomlLines:
    """Maps key paths (`fields[3].type`, `limits.tiers.team.max`) to 1-based line numbers."""

    def __init__(self, text: str) -> None:
        self.lines: dict[str, int] = {}
        latest: dict[str, int] = {}  # array-of-tables path -> its last index
        section = ""
        in_string: str | None = None
        for number, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            if in_string is not None:
                if stripped.count(in_string) % 2 == 1:
                    in_string = None
                continue
            if match := _ARRAY.match(stripped):
                section = self._resolve(_parts(match[1]), latest, new_item=True)
                self.lines.setdefault(section, number)
                self.lines.setdefault(_INDEX.sub("", section), number)
            elif match := _TABLE.match(stripped):
                section = self._resolve(_parts(match[1]), latest, new_item=False)
                self.lines.setdefault(section, number)
            elif match := _KEY.match(stripped):
                path = ".".join(filter(None, [section, *_parts(match[1])]))
                self.lines.setdefault(path, number)
                for quote in ('"""', "'''"):
                    if stripped.count(quote) % 2 == 1:
                        in_string = quote

    @staticmethod
    def _resolve(parts: list[str], latest: dict[str, int], *, new_item: bool) -> str:
        path = ""
        for i, part in enumerate(parts):
            path = f"{path}.{part}" if path else part
            last = i == len(parts) - 1
            if last and new_item:
                latest[path] = latest.get(path, -1) + 1
                return f"{path}[{latest[path]}]"
            if path in latest:
                path = f"{path}[{latest[path]}]"
        return path

    def line(self, path: str) -> int | None:
        """The line of `path`, or of the nearest enclosing key or table that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            trimmed = _INDEX.sub("", path)
            if trimmed != path:
                path = trimmed
                continue
            path = path.rpartition(".")[0]
        return None


_ERROR_LINE = re.compile(r"\(at line (\d+)")


def error_line(exc: Exception) -> int | None:
    """The line a TOML parse error is on, from tomllib's message ("... (at line 4, ...)")."""
    found = _ERROR_LINE.search(str(exc))
    return int(found[1]) if found else None
