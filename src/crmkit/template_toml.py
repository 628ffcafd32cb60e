"""Reading template files: TOML in, a resolved Template out, every mistake located.

A template is read strictly: an unknown key is a mistake, so a typo never silently switches a
rule off. A derived template names its base with `extends` and lists only what it adds,
overrides, renames, removes or reorders; the chain is merged first and the result checked as a
whole. Mistakes are collected, not raised one by one, so `crmkit template check` can list them
all with the file, line and key path of each.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmkit.errors import CrmkitError
from crmkit.template import Template, find_template
from crmkit.template_build import build_template
from crmkit.template_values import did_you_mean
from crmkit.toml_lines import TomlLines, error_line

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

#: the newest template format this crmkit reads; a template declares its own with
#: `format_version`, so an older crmkit refuses a newer template clearly instead of
#: tripping over a key it does not know
FORMAT_VERSION = 1

TOP_KEYS = (
    "format_version", "name", "title", "version", "description", "extends", "region",
    "output", "limits", "fields", "tag_groups", "remove", "order",
)
REMOVE_KEYS = ("fields", "tag_groups")


@dataclass(frozen=True)
class Problem:
    """One mistake in a template file."""

    source: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


@dataclass
class TemplateFile:
    """One file of an `extends` chain: its text, parsed data, and where each key is."""

    path: Path
    data: dict[str, Any]
    lines: TomlLines

    @property
    def source(self) -> str:
        return str(self.path)


@dataclass
class Problems:
    """Collects mistakes, each placed in the file and line where the user can fix it."""

    found: list[Problem] = field(default_factory=list)

    def add(self, file: TemplateFile | None, path: str, message: str) -> None:
        source = file.source if file else "<template>"
        line = file.lines.line(path) if file else None
        self.found.append(Problem(source, path, message, line))

    def unknown_keys(
        self, file: TemplateFile | None, table: dict[str, Any], allowed: tuple[str, ...], where: str
    ) -> None:
        for key in table:
            if key in allowed:
                continue
            path = f"{where}.{key}".lstrip(".")
            if where and key in TOP_KEYS and key not in ("fields", "output", "limits"):
                # TOML puts a key written below a [table] into that table.
                self.add(file, path, f"{key} is a top-level key: move it above the first "
                         "[table] or [[fields]] of the file")
            else:
                self.add(file, path, f"unknown key{did_you_mean(key, allowed)}")


def read_template(path: Path) -> Template:
    """The resolved template at `path`; template.invalid names the first mistake."""
    template, problems = check_template_file(path)
    if problems or template is None:
        first = problems[0] if problems else Problem(str(path), "", "cannot be read")
        more = f" (+{len(problems) - 1} more: crmkit template check)" if len(problems) > 1 else ""
        where = f"{first.source}:{first.line}" if first.line else first.source
        detail = f"{first.path}: {first.message}" if first.path else first.message
        raise CrmkitError("template.invalid", template=where, detail=detail + more)
    return template


def check_template_file(path: Path) -> tuple[Template | None, list[Problem]]:
    """The resolved template at `path` (None when it cannot be built) and every mistake."""
    problems = Problems()
    chain = _load_chain(path, problems)
    if chain is None:
        return None, problems.found
    template = build_template(chain, problems)
    order = {file.source: i for i, file in enumerate(chain)}
    found = sorted(problems.found, key=lambda p: (order.get(p.source, -1), p.line or 0))
    return (template if not found else None), found


def parse_template(data: dict[str, Any], source: str = "<memory>") -> Template:
    """A Template from already-parsed TOML (no file; `extends` is looked up by name)."""
    problems = Problems()
    file = TemplateFile(Path(source), data, TomlLines(""))
    chain = [file]
    if _check_file(file, problems) and isinstance(data.get("extends"), str):
        base = _load_chain(find_template(data["extends"]), problems)
        chain = [*(base or []), file]
    template = build_template(chain, problems) if not problems.found else None
    if problems.found or template is None:
        first = problems.found[0]
        raise CrmkitError("template.invalid", template=first.source,
                          detail=f"{first.path}: {first.message}".lstrip(": "))
    return template


def _load_chain(
    path: Path, problems: Problems, seen: tuple[Path, ...] = ()
) -> list[TemplateFile] | None:
    """The files of the `extends` chain ending at `path`, base first."""
    file = _read_file(path, problems)
    if file is None:
        return None
    extends = file.data.get("extends")
    if extends is None:
        return [file]
    if not isinstance(extends, str) or not extends.strip():
        problems.add(file, "extends", "must be the name or path of a template")
        return None
    try:
        base_path = find_template(extends, near=path.parent, exclude=path)
    except CrmkitError as exc:
        problems.add(file, "extends", exc.message("en"))
        return None
    here = (*seen, path.resolve())
    if base_path.resolve() in here:
        cycle = " -> ".join(p.name for p in (*here, base_path.resolve()))
        problems.add(file, "extends", f"templates extend each other in a cycle: {cycle}")
        return None
    base = _load_chain(base_path, problems, here)
    return None if base is None else [*base, file]


def _read_file(path: Path, problems: Problems) -> TemplateFile | None:
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # Notepad writes a BOM
    except UnicodeDecodeError:
        problems.found.append(Problem(source, "", "is not UTF-8 text: save it as UTF-8"))
        return None
    except OSError as exc:
        problems.found.append(Problem(source, "", f"cannot be read: {exc.strerror}"))
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.found.append(Problem(source, "", f"is not valid TOML: {exc}", error_line(exc)))
        return None
    file = TemplateFile(path, data, TomlLines(text))
    return file if _check_file(file, problems) else None


def _check_file(file: TemplateFile, problems: Problems) -> bool:
    """Checks of one file on its own; False when it cannot be read further."""
    data = file.data
    version = data.get("format_version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.add(file, "format_version", "must be a positive integer")
    elif version > FORMAT_VERSION:
        problems.add(file, "format_version", f"the template is in format {version}, this "
                     f"crmkit reads format {FORMAT_VERSION} at most: upgrade crmkit")
        return False
    problems.unknown_keys(file, data, TOP_KEYS, "")
    return True
