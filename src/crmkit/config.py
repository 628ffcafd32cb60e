"""Settings for repeatable runs: `crmkit.toml`, or `[tool.crmkit]` in pyproject.toml.

The file is found the way ruff finds its own: from the working folder up through its parents,
the first folder holding a `crmkit.toml`, or a pyproject.toml with a `[tool.crmkit]` table,
wins (crmkit.toml first when a folder has both). The search stops after the repository root (a
folder holding .git or .hg), so a checkout never picks up a file from outside it. Settings are
read strictly, like templates: an unknown key or a wrong type is refused with the file and line,
so a typo cannot silently change what a CI run checks. Relative paths in the file are relative
to the file's folder, so a run gives the same result from any subfolder. docs/config.md is the
user's guide; the command line wins over the file (`Config.merge`).
"""

from __future__ import annotations

import difflib
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError
from crmkit.gate import parse_codes
from crmkit.lang import LOCALE_VARIABLES, default_lang
from crmkit.template import DEFAULT_TEMPLATE, LOCAL_DIR, known_region
from crmkit.toml_lines import TomlLines, error_line

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_FILE = "crmkit.toml"
PYPROJECT = "pyproject.toml"
#: the table of pyproject.toml crmkit reads
SECTION = "tool.crmkit"
#: a folder holding one of these is a repository root: the search goes no higher
ROOT_MARKERS = (".git", ".hg")


@dataclass(frozen=True)
class Key:
    """One setting a configuration file may hold, and the value it takes."""

    name: str
    #: text, path, folder, template, int, bool, choice, codes or region
    kind: str
    #: what an unset (None) value means, for `crmkit config show`
    unset: Bilingual = Bilingual("-", "-")  # noqa: RUF009 - a NamedTuple: immutable
    default: Any = None
    choices: tuple[str, ...] = ()
    minimum: int = 0
    #: a keyword argument of crmkit.validate (templates is not: it changes template lookup)
    validate: bool = True


KEYS: dict[str, Key] = {k.name: k for k in (
    Key("template", "template", Bilingual(DEFAULT_TEMPLATE, DEFAULT_TEMPLATE)),
    Key("tier", "text", Bilingual("模板的默认等级", "the template's default tier")),
    Key("limit", "int", Bilingual("按认证等级", "the tier's"), minimum=1),
    Key("existing", "path", Bilingual("无", "none")),
    Key("existing_count", "int", Bilingual("0", "0")),
    Key("staff", "path", Bilingual("无", "none")),
    Key("region", "region", Bilingual("模板的地区", "the template's region")),
    Key("lang", "choice", choices=("zh", "en")),
    Key("strict", "bool", default=False),
    Key("fail_on", "codes", Bilingual("错误（--strict 时也包括警告）",
                                      "errors (and warnings under strict)"), default=()),
    Key("ignore", "codes", Bilingual("无", "none"), default=()),
    Key("out", "path", Bilingual("输入文件旁的 <文件名>.crmkit/",
                                 "<input>.crmkit/ beside the input")),
    Key("keep", "choice", choices=("first", "last", "most-complete"), default="first"),
    Key("merge_tags", "bool", default=False),
    Key("batch_size", "int", Bilingual("不拆分", "one file"), minimum=1),
    Key("encoding", "text", Bilingual("自动识别", "detected")),
    Key("delimiter", "text", Bilingual("自动识别", "detected")),
    Key("max_unzipped_mb", "int", Bilingual("2048", "2048"), minimum=1),
    Key("max_zip_ratio", "int", Bilingual("200", "200"), minimum=1),
    Key("max_rows", "int", Bilingual("2000000", "2000000"), minimum=1),
    Key("max_columns", "int", Bilingual("1000", "1000"), minimum=1),
    Key("max_cells", "int", Bilingual("50000000", "50000000"), minimum=1),
    Key("templates", "folder", Bilingual(f"./{LOCAL_DIR}/", f"./{LOCAL_DIR}/"), validate=False),
)}
#: settings of which only one may be given; one typed on the command line drops the file's other
EXCLUSIVE = (("tier", "limit"), ("existing", "existing_count"))

_EXPECTED: dict[str, Bilingual] = {
    "text": Bilingual("文字（用引号括起来）", "a string in quotes"),
    "path": Bilingual("路径（用引号括起来，相对于配置文件所在的文件夹）",
                      "a path in quotes (relative to the config file's folder)"),
    "template": Bilingual("模板名称或 .toml 路径（用引号括起来）",
                          "a template name or .toml path in quotes"),
    "bool": Bilingual("true 或 false", "true or false"),
    "codes": Bilingual('问题代码的列表，例如 ["duplicate.*"]',
                       'a list of issue codes such as ["duplicate.*"]'),
    "region": Bilingual('地区代码，例如 "CN"、"HK"', 'a region code such as "CN" or "HK"'),
}


@dataclass(frozen=True)
class Setting:
    """A setting's value and where it came from: "default", "environment (LANG)", or the
    file and line it is written at ("crmkit.toml:4", "../pyproject.toml:12")."""

    value: Any
    source: str


@dataclass(frozen=True)
class Config:
    """Every setting of a run before the command line: the file's, else the defaults."""

    settings: Mapping[str, Setting]
    #: the file read (absolute), None when none was found
    path: Path | None = None
    #: "tool.crmkit" when the file is a pyproject.toml
    section: str | None = None

    def value(self, key: str) -> Any:
        """The value of setting `key` (a KeyError for a key crmkit does not have)."""
        return self.settings[key].value

    @property
    def templates(self) -> Path | None:
        """The configured folder of the user's templates, if there is one."""
        folder: Path | None = self.value("templates")
        return folder

    def merge(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """The keyword arguments of crmkit.validate: what the user typed over the file over
        the defaults. `given` holds only the options typed on the command line; its keys that
        are not settings (sheet, mapping, write...) pass through. A list typed on the command
        line (--ignore) replaces the file's; typing --limit drops the file's tier (and
        --existing-count its existing, and the other way round)."""
        merged = {k: s.value for k, s in self.settings.items() if KEYS[k].validate}
        for pair in EXCLUSIVE:
            for key in pair:
                if key in given:
                    merged.update({other: None for other in pair if other not in given})
        merged.update(given)
        return merged

    def to_dict(self) -> dict[str, Any]:
        """The settings as JSON-ready data (paths absolute, lists as lists)."""
        return {
            "file": str(self.path) if self.path is not None else None,
            "section": self.section,
            "settings": {k: {"value": _jsonable(s.value), "source": s.source}
                         for k, s in self.settings.items()},
        }


def load_config(cwd: Path | None = None) -> Config:
    """The settings for a run in `cwd` (default: the working folder): from the nearest
    crmkit.toml or pyproject.toml [tool.crmkit], up to the repository root; the defaults
    when there is none. A file with a mistake raises options.invalid naming file and line."""
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        own = folder / CONFIG_FILE
        if own.is_file():
            return read_config(own, cwd=start)
        pyproject = folder / PYPROJECT
        if pyproject.is_file():
            found = _read_pyproject(pyproject, start)
            if found is not None:
                return found
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            break
    return Config(defaults())


def read_config(path: Path, *, cwd: Path | None = None) -> Config:
    """The settings in one file: a crmkit.toml, or a pyproject.toml's [tool.crmkit] (which
    must then be there). Sources are shown relative to `cwd` (default: the working folder)."""
    start = (cwd or Path.cwd()).resolve()
    path = path.resolve()
    if path.name == PYPROJECT:
        found = _read_pyproject(path, start)
        if found is None:
            raise _invalid(_shown(path, start), "没有 [tool.crmkit] 表", "has no [tool.crmkit]")
        return found
    text, data = _parse(path, start, strict=True)
    assert data is not None  # strict parsing raises instead
    return _build(path, text, data, "", start)


def defaults() -> dict[str, Setting]:
    """Every setting at its default; the language comes from the environment."""
    settings = {k.name: Setting(k.default, "default") for k in KEYS.values()}
    used = next((name for name in LOCALE_VARIABLES if os.environ.get(name)), None)
    settings["lang"] = Setting(default_lang().value,
                               f"environment ({used})" if used else "default")
    return settings


def _read_pyproject(path: Path, cwd: Path) -> Config | None:
    # Other tools own pyproject.toml: one crmkit cannot parse is crmkit's business only when
    # it holds a [tool.crmkit] table.
    text, data = _parse(path, cwd, strict=False)
    if data is None:
        return None
    tool = data.get("tool")
    section = tool.get("crmkit") if isinstance(tool, dict) else None
    if section is None:
        return None
    if not isinstance(section, dict):
        where = _where(path, cwd, TomlLines(text).line(SECTION))
        raise _invalid(where, "tool.crmkit 应是一个表（[tool.crmkit]）",
                       "tool.crmkit must be a table ([tool.crmkit])")
    return _build(path, text, section, SECTION, cwd)


def _parse(path: Path, cwd: Path, *, strict: bool) -> tuple[str, dict[str, Any] | None]:
    shown = _shown(path, cwd)
    try:
        text = path.read_text(encoding="utf-8-sig")  # Notepad writes a BOM
    except UnicodeDecodeError:
        raise _invalid(shown, "不是 UTF-8 文本，请另存为 UTF-8",
                       "is not UTF-8 text: save it as UTF-8") from None
    except OSError as exc:
        raise _invalid(shown, f"无法读取（{exc.strerror}）",
                       f"cannot be read ({exc.strerror})") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        if not strict and SECTION not in text:
            return text, None
        line = error_line(exc) or max(len(text.splitlines()), 1)
        where = f"{shown}:{line}"
        raise _invalid(where, f"不是有效的 TOML（{exc}）", f"is not valid TOML ({exc})") from None


def _build(path: Path, text: str, data: dict[str, Any], prefix: str, cwd: Path) -> Config:
    lines = TomlLines(text)
    settings = defaults()
    written: dict[str, str] = {}
    for raw, value in data.items():
        where = _where(path, cwd, lines.line(f"{prefix}.{raw}" if prefix else raw))
        name = raw.replace("-", "_")
        key = KEYS.get(name)
        if key is None:
            raise _unknown(where, raw)
        if name in written:
            raise _invalid(where, f"「{written[name]}」和「{raw}」是同一个设置，只能写一个",
                           f'"{written[name]}" and "{raw}" are the same setting: keep one')
        written[name] = raw
        settings[name] = Setting(_check(key, raw, value, where, path.parent), where)
    for pair in EXCLUSIVE:
        both = [written[k] for k in pair if k in written]
        if len(both) == len(pair):
            line = lines.line(f"{prefix}.{both[1]}" if prefix else both[1])
            raise _invalid(_where(path, cwd, line), f"「{both[0]}」和「{both[1]}」只能写一个",
                           f'give "{both[0]}" or "{both[1]}", not both')
    return Config(settings, path, prefix or None)


def _check(key: Key, raw: str, value: Any, where: str, folder: Path) -> Any:
    """`value` as crmkit.validate takes it, or options.invalid saying what was expected."""
    kind = key.kind
    if kind == "bool":
        if isinstance(value, bool):
            return value
        raise _wrong(where, raw, value, _EXPECTED["bool"])
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool) and value >= key.minimum:
            return value
        raise _wrong(where, raw, value, Bilingual(
            f"不小于 {key.minimum} 的整数", f"a whole number of at least {key.minimum}"))
    if kind == "codes":
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return parse_codes(value, f"{where} {raw}")
        raise _wrong(where, raw, value, _EXPECTED["codes"])
    if kind == "choice":
        if value in key.choices:
            return value
        close = _closest(value, key.choices) if isinstance(value, str) else None
        raise _wrong(where, raw, value, _one_of(key.choices), close)
    if not isinstance(value, str) or not value.strip():
        raise _wrong(where, raw, value, _EXPECTED.get(kind, _EXPECTED["path"]))
    if kind == "region":
        code = value.strip().upper()
        if known_region(code):
            return code
        raise _wrong(where, raw, value, _EXPECTED["region"])
    if kind in ("path", "folder") or (kind == "template" and _is_path(value)):
        return folder / Path(value).expanduser()
    return value


def _is_path(spec: str) -> bool:
    # A name never holds a folder separator; anything else is looked up as find_template does.
    return spec.endswith(".toml") or "/" in spec or "\\" in spec


def _one_of(choices: tuple[str, ...]) -> Bilingual:
    return Bilingual(f"以下之一：{'、'.join(choices)}", f"one of {', '.join(choices)}")


def _closest(value: str, known: tuple[str, ...] | list[str]) -> str | None:
    close = difflib.get_close_matches(value, list(known), n=1)
    return close[0] if close else None


def _unknown(where: str, raw: str) -> CrmkitError:
    known = list(KEYS)
    close = _closest(raw.replace("-", "_"), known)
    if close is not None:
        return _invalid(where, f"未知的设置「{raw}」，是不是「{close}」？",
                        f'unknown setting "{raw}", did you mean "{close}"?')
    listed = ", ".join(known)
    return _invalid(where, f"未知的设置「{raw}」；可用的设置：{listed}",
                    f'unknown setting "{raw}"; the settings are {listed}')


def _wrong(
    where: str, raw: str, value: Any, expected: Bilingual, close: str | None = None
) -> CrmkitError:
    given = _toml_text(value)
    hint = Bilingual(f"，是不是「{close}」？", f', did you mean "{close}"?') if close else \
        Bilingual("", "")
    return _invalid(where, f"「{raw}」应是{expected.zh}，不是 {given}{hint.zh}",
                    f'"{raw}" must be {expected.en}, not {given}{hint.en}')


def _toml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _invalid(where: str, zh: str, en: str) -> CrmkitError:
    return CrmkitError("options.invalid", detail=Bilingual(f"{where}：{zh}", f"{where}: {en}"))


def _where(path: Path, cwd: Path, line: int | None) -> str:
    shown = _shown(path, cwd)
    return f"{shown}:{line}" if line is not None else shown


def _shown(path: Path, cwd: Path) -> str:
    """`path` as the user would type it from `cwd`: relative when that is possible."""
    try:
        return Path(os.path.relpath(path, cwd)).as_posix()
    except ValueError:  # another drive on Windows
        return str(path)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value
