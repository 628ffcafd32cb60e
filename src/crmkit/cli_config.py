"""`crmkit config show`: the settings a run here would use, and where each came from.

It reads TOML only (no polars, pandera or phonenumbers), so it starts as fast as
`crmkit --version`. cli.py registers it with `app.add_typer(config_app)`; `typed_options`
is how `crmkit validate` tells what the user typed from typer's defaults.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from crmkit.catalogue import Bilingual
from crmkit.cli_common import LangOption, OutputFormat, at_the_edge, print_json, stderr_console
from crmkit.config import KEYS, Config, load_config
from crmkit.lang import resolve_lang

config_app = typer.Typer(
    name="config",
    help="Settings for repeatable runs: crmkit.toml or [tool.crmkit] in pyproject.toml.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

#: parameter sources that mean the user gave the value (click's ParameterSource names;
#: compared by name because typer vendors its own copy of click)
_TYPED = frozenset({"COMMANDLINE", "ENVIRONMENT", "PROMPT"})


class ShowFormat(str, enum.Enum):
    """--format of `crmkit config show`."""

    text = "text"
    json = "json"


@config_app.callback()
def config_callback() -> None:
    """Settings for repeatable runs: crmkit.toml or [tool.crmkit] in pyproject.toml."""


def typed_options(ctx: typer.Context, values: Mapping[str, Any]) -> dict[str, Any]:
    """The items of `values` (keyed by the command's parameter names) the user typed on the
    command line, rather than left at their defaults: what `Config.merge` lets win."""
    typed: dict[str, Any] = {}
    for name, value in values.items():
        source = ctx.get_parameter_source(name)
        if source is not None and source.name in _TYPED:
            typed[name] = value
    return typed


@config_app.command("show")
def show_config(
    output_format: Annotated[ShowFormat, typer.Option(
        "--format", help="text for people, json for scripts.")] = ShowFormat.text,
    lang: LangOption = None,
) -> None:
    """Show every setting, its value here and where it comes from (a file and line, the
    environment, or crmkit's default). Command-line options of a run win over all of these.

    Example: crmkit config show --format json
    """
    console = stderr_console()
    fmt = OutputFormat(output_format.value)
    with at_the_edge(console, fmt, lang=resolve_lang(lang).value):
        config = load_config()
    if output_format is ShowFormat.json:
        print_json(config.to_dict())
        return
    language = lang.value if lang is not None else str(config.value("lang"))
    console.print(Text(_heading(config).pick(language)))
    _stdout().print(settings_table(config, language))


def settings_table(config: Config, lang: str = "zh") -> Table:
    """The settings as a table of key, value and source, for people."""
    table = Table(show_edge=False, pad_edge=False)
    for title in (("设置", "Setting"), ("值", "Value"), ("来源", "Source")):
        table.add_column(Bilingual(*title).pick(lang), overflow="fold")
    for key, setting in config.settings.items():
        source = setting.source
        if lang != "en":
            source = source.replace("default", "默认").replace("environment", "环境变量")
        table.add_row(key, Text(_value_text(key, setting.value, config, lang)),
                      Text(source))
    return table


def _heading(config: Config) -> Bilingual:
    if config.path is None:
        return Bilingual(
            "没有找到 crmkit.toml 或含 [tool.crmkit] 的 pyproject.toml：以下是默认设置",
            "No crmkit.toml, nor pyproject.toml with [tool.crmkit], found: the defaults")
    where = _shown(config.path, config)
    if config.section is not None:
        where = f"{where} [{config.section}]"
    return Bilingual(f"配置文件：{where}", f"Settings file: {where}")


def _value_text(key: str, value: Any, config: Config, lang: str) -> str:
    if value is None:
        return f"（{KEYS[key].unset.zh}）" if lang != "en" else f"({KEYS[key].unset.en})"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ", ".join(value) if value else "-"
    if isinstance(value, Path):
        return _shown(value, config)
    return str(value)


def _shown(path: Path, config: Config) -> str:
    """`path` as typed from the working folder when it is inside that folder or the config
    file's (crmkit.toml, ../data/crm.xlsx), else absolute."""
    cwd = Path.cwd().resolve()
    roots = [cwd] + ([config.path.parent] if config.path is not None else [])
    if any(path.is_relative_to(root) for root in roots):
        try:
            return Path(os.path.relpath(path, cwd)).as_posix()
        except ValueError:  # another drive on Windows
            pass
    return str(path)


def _stdout() -> Console:
    return Console(highlight=False, soft_wrap=True)
