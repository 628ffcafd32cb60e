"""`crmkit codes` and `crmkit explain CODE`: the issue catalogue, for people and for scripts.

They read only the catalogue (no polars, pandera or phonenumbers), so they start as fast as
`crmkit --version`. cli.py registers them:

    app.command("codes")(codes_command)
    app.command("explain")(explain_command)
"""

from __future__ import annotations

import difflib
import enum
from typing import Annotated, Any

import typer
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from crmkit.catalogue import (
    CATALOGUE,
    SEVERITY_LABELS,
    TOPICS,
    Bilingual,
    Code,
    Severity,
    effect,
)
from crmkit.cli_common import (
    LangOption,
    OutputFormat,
    at_the_edge,
    print_json,
    stderr_console,
)
from crmkit.errors import CrmkitError
from crmkit.lang import resolve_lang


class CatalogueFormat(str, enum.Enum):
    """--format of the catalogue commands."""

    text = "text"
    json = "json"


FormatOption = Annotated[CatalogueFormat, typer.Option(
    "--format", help="text for people, json for scripts.")]

_STYLES = {
    Severity.FATAL: "bold red", Severity.ERROR: "red", Severity.WARNING: "yellow",
    Severity.NOTICE: "cyan",
}
#: the section headings of an explanation, in the order they are shown
_SECTIONS: tuple[tuple[str, Bilingual], ...] = (
    ("meaning", Bilingual("含义", "What it means")),
    ("why", Bilingual("为什么", "Why")),
    ("fix", Bilingual("怎么改", "How to fix")),
)
_MESSAGE = Bilingual("消息", "Message")
_PARAMS = Bilingual("参数：", "Parameters: ")
_INDENT = "  "
_MOST_SUGGESTIONS = 5
#: how much less alike than the best match a suggestion may be
_SUGGESTION_SPREAD = 0.1


def codes_command(
    lang: LangOption = None, output_format: FormatOption = CatalogueFormat.text,
) -> None:
    """List every issue code crmkit reports, with its severity and title.

    Example: crmkit codes --lang en --format json
    """
    language = resolve_lang(lang).value
    if output_format is CatalogueFormat.json:
        print_json([code_summary(c, language) for c in CATALOGUE.values()])
        return
    headers = ("代码", "级别", "标题") if language == "zh" else ("Code", "Severity", "Title")
    table = Table(show_edge=False, pad_edge=False)
    table.add_column(headers[0], no_wrap=True)
    table.add_column(headers[1], no_wrap=True)
    table.add_column(headers[2], overflow="fold")
    for _, codes in TOPICS:
        for i, c in enumerate(codes):
            table.add_row(c.code, Text(SEVERITY_LABELS[c.severity].pick(language),
                                       style=_STYLES[c.severity]),
                          Text(c.title(language)), end_section=i == len(codes) - 1)
    _stdout().print(table)
    stderr_console().print(Bilingual(
        "crmkit explain 代码：查看它的含义、原因和改法", "crmkit explain CODE: what a code means, "
        "why it matters and how to fix it").pick(language), markup=False)


def explain_command(
    code: Annotated[str, typer.Argument(
        metavar="CODE", help="An issue code, such as phone.invalid (crmkit codes lists them).")],
    lang: LangOption = None,
    output_format: FormatOption = CatalogueFormat.text,
) -> None:
    """Explain an issue code: what it means, why the CRM would refuse it, how to fix it.

    Example: crmkit explain phone.digits_lost --lang en
    """
    language = resolve_lang(lang).value
    with at_the_edge(stderr_console(), OutputFormat(output_format.value), lang=language):
        entry = find_code(code)
    if output_format is CatalogueFormat.json:
        print_json(explanation(entry, language))
        return
    _stdout().print(render_explanation(entry, language))


def code_summary(entry: Code, lang: str) -> dict[str, Any]:
    """A code as `crmkit codes --format json` lists it."""
    return {"code": entry.code, "severity": entry.severity.value, "title": entry.title(lang)}


def explanation(entry: Code, lang: str) -> dict[str, Any]:
    """A code as `crmkit explain --format json` prints it: the summary, the explanation in
    `lang`, and the message template with its parameter names."""
    return {
        **code_summary(entry, lang), "lang": lang,
        "effect": effect(entry.code, entry.severity).pick(lang),
        **{part: getattr(entry, part).pick(lang) for part, _ in _SECTIONS},
        "message": entry.template(lang), "params": list(entry.params),
    }


def render_explanation(entry: Code, lang: str) -> Group:
    """A code's explanation for the terminal: title, effect, meaning, why, fix, message.
    Paragraphs are single lines the terminal wraps: rich would break Chinese text only at
    its few spaces."""
    label = SEVERITY_LABELS[entry.severity].pick(lang)
    parts = [
        Text.assemble((entry.code, "bold"), " · ", (label, _STYLES[entry.severity]), " · ",
                      entry.title(lang)),
        Text(effect(entry.code, entry.severity).pick(lang)),
    ]
    for part, heading in _SECTIONS:
        parts += [Text(""), Text(heading.pick(lang), style="bold"),
                  Text(_INDENT + getattr(entry, part).pick(lang))]
    parts += [Text(""), Text(_MESSAGE.pick(lang), style="bold"),
              Text(_INDENT + entry.template(lang))]
    if entry.params:
        parts.append(Text(_INDENT + _PARAMS.pick(lang) + ", ".join(entry.params), style="dim"))
    return Group(*parts)


def find_code(text: str) -> Code:
    """The catalogue entry `text` names (spaces and case aside); options.invalid naming the
    closest codes when it names none."""
    wanted = text.strip().lower()
    if wanted in CATALOGUE:
        return CATALOGUE[wanted]
    close = closest_codes(wanted)
    listed_zh = f"最接近的是 {'、'.join(close)}；" if close else ""
    listed_en = f"; the closest are {', '.join(close)}" if close else ""
    raise CrmkitError("options.invalid", detail=Bilingual(
        f"「{text}」不是问题代码，{listed_zh}crmkit codes 列出全部代码",
        f"{text!r} is not an issue code{listed_en}; crmkit codes lists them all",
    ))


def closest_codes(text: str) -> list[str]:
    """The codes `text` most likely meant: those spelt most like it (phone.invlid,
    digits_lost); failing that, those of the family it names (phone → phone.*) or whose name
    after the dot is close to its own."""
    codes = list(CATALOGUE)
    scores = sorted(((difflib.SequenceMatcher(None, text, c).ratio(), c) for c in codes),
                    key=lambda pair: -pair[0])
    best = scores[0][0]
    similar = [c for score, c in scores if score >= max(0.6, best - _SUGGESTION_SPREAD)]
    if similar:
        return similar[:_MOST_SUGGESTIONS]
    family = [c for c in codes if c.split(".")[0] == text.split(".")[0]]
    tails = difflib.get_close_matches(
        text.split(".")[-1], sorted({c.split(".", 1)[1] for c in codes}), n=3, cutoff=0.75)
    by_tail = [c for t in tails for c in codes if c.split(".", 1)[1] == t]
    return list(dict.fromkeys([*family, *by_tail]))[:_MOST_SUGGESTIONS]


def _stdout() -> Console:
    return Console(highlight=False, soft_wrap=True)
