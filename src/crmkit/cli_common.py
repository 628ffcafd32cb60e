"""What every `crmkit` command shares: output formats, one-line failures, JSON on stdout."""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from crmkit.errors import CrmkitError
from crmkit.lang import Lang

LangOption = Annotated[Lang | None, typer.Option(
    "--lang", help="Language of the text: zh or en [default: from LC_ALL, LC_MESSAGES or "
    "LANG; Chinese unless they name English].")]


class OutputFormat(str, enum.Enum):
    text = "text"
    json = "json"
    #: GitHub Actions workflow commands (::error file=...,line=...::message) on stdout
    github = "github"


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False)


def fail(
    console: Console, error: CrmkitError, output_format: OutputFormat, lang: str = "zh"
) -> NoReturn:
    """One line on stderr (and the error as JSON on stdout), exit 2."""
    message = error.message(lang)
    label = "error" if lang == "en" else "错误"
    console.print(f"crmkit: {label} [{error.code}] {message}", markup=False, highlight=False,
                  emoji=False, soft_wrap=True)
    if output_format is OutputFormat.json:
        print_json(refusal(error, lang=lang))
    elif output_format is OutputFormat.github:
        sys.stdout.write(f"::error title=crmkit {error.code}::{escape_data(message)}\n")
    raise typer.Exit(2)


def refusal(error: CrmkitError, path: str | None = None, lang: str = "zh") -> dict[str, Any]:
    """The JSON of a file crmkit could not check (exit 2); `path` in a run over several."""
    from crmkit.report import SCHEMA_VERSION

    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "ok": False, "exit_code": 2}
    if path is not None:
        data["input"] = {"path": path}
    data["error"] = {"code": error.code, "message": error.message(lang)}
    return data


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub Actions requires."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (file=, title=), escaped."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def print_json(data: dict[str, Any] | list[Any]) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


@contextmanager
def at_the_edge(
    console: Console, output_format: OutputFormat = OutputFormat.text, debug: bool = False,
    lang: str = "zh",
) -> Iterator[None]:
    """Expected failures as one line and exit 2; Ctrl-C as one line and exit 130; anything
    else as internal.error, with a traceback (never its local variables, which hold customer
    data) only under --debug."""
    try:
        yield
    except (typer.Exit, typer.Abort):
        raise
    except CrmkitError as exc:
        fail(console, exc, output_format, lang)
    except KeyboardInterrupt:
        # Not click's "Aborted!" and exit 1, which a CI step would read as "rows rejected".
        console.print("crmkit: interrupted; the output folder is as the earlier run left it"
                      if lang == "en" else "crmkit: 已中断；输出文件夹保持上一次运行的结果",
                      markup=False, highlight=False)
        raise typer.Exit(130) from None
    except Exception as exc:  # noqa: BLE001 - the edge: one line, never a traceback
        if debug:
            console.print_exception(show_locals=False)
            raise typer.Exit(2) from None
        fail(console, CrmkitError("internal.error", detail=type(exc).__name__), output_format,
             lang)

