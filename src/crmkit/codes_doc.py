"""docs/codes.md, generated from the issue catalogue: every code with its severity, title,
meaning, why it matters, how to fix it and its messages, in Chinese and English.

    python -m crmkit.codes_doc --write docs/codes.md   # regenerate the page
    python -m crmkit.codes_doc --check docs/codes.md   # exit 1 when the page is stale
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from crmkit.catalogue import CATALOGUE, SEVERITY_EFFECTS, SEVERITY_LABELS, TOPICS, Code, Severity

#: the command that regenerates the page, for the page itself and for the staleness test
REGENERATE = "python -m crmkit.codes_doc --write docs/codes.md"

_SECTIONS = (
    ("meaning", "含义", "Meaning"),
    ("why", "为什么", "Why"),
    ("fix", "怎么改", "How to fix"),
)


def render_codes_markdown() -> str:
    """The whole of docs/codes.md."""
    lines = [
        "# Issue codes · 问题代码",
        "",
        f"<!-- Generated from the catalogue (src/crmkit/catalogue*.py) by `{REGENERATE}`. "
        "Do not edit by hand: tests/test_cli_codes.py fails when this page is stale. -->",
        "",
        "Every problem crmkit reports has a stable code: `report.json`, `errors.xlsx`, "
        "`--fail-on` and `--ignore` use it, and a code once shipped is never renamed. "
        "`crmkit codes` lists the codes and `crmkit explain CODE` prints one of these entries "
        "in the terminal (`--lang zh|en`).",
        "",
        "crmkit 报告的每个问题都有一个固定的代码：`report.json`、`errors.xlsx`、`--fail-on` 和 "
        "`--ignore` 都用它，代码一经发布就不再改名。`crmkit codes` 列出全部代码，"
        "`crmkit explain 代码` 在终端中显示下面的说明（`--lang zh|en`）。",
        "",
        "Messages are templates: `{header}`, `{value}` and the other parameters are filled "
        "from the issue (the column's header, the cell's value...).",
        "",
        "## Severities · 级别",
        "",
        "| severity | 级别 | what it does | 作用 |",
        "|---|---|---|---|",
    ]
    for severity in Severity:
        label, effect = SEVERITY_LABELS[severity], SEVERITY_EFFECTS[severity]
        lines.append(f"| `{severity.value}` | {label.zh} | {_prose(effect.en)} | "
                     f"{_prose(effect.zh)} |")
    lines += ["", "## All codes · 全部代码", "", "| code | severity | 标题 | title |",
              "|---|---|---|---|"]
    for code in CATALOGUE.values():
        lines.append(f"| [`{code.code}`](#{_anchor(code.code)}) | {code.severity.value} | "
                     f"{code.title_zh} | {code.title_en} |")
    for topic, codes in TOPICS:
        lines += ["", f"## {topic.zh} · {topic.en}"]
        for code in codes:
            lines += ["", *_entry(code)]
    return "\n".join(lines) + "\n"


def _entry(code: Code) -> list[str]:
    label = SEVERITY_LABELS[code.severity]
    lines = [
        f"### `{code.code}`",
        "",
        f"**{code.title_zh}** · {code.title_en} · {label.zh} · {code.severity.value}",
        "",
    ]
    for part, zh, _ in _SECTIONS:
        lines.append(f"- **{zh}**：{_prose(getattr(code, part).zh)}")
    lines.append(f"- **消息**：{_template(code.message_zh)}")
    lines.append("")
    for part, _, en in _SECTIONS:
        lines.append(f"- **{en}**: {_prose(getattr(code, part).en)}")
    lines.append(f"- **Message**: {_template(code.message_en)}")
    if code.params:
        lines += ["", "Parameters · 参数: " + ", ".join(f"`{p}`" for p in code.params)]
    return lines


def _anchor(code: str) -> str:
    """The anchor GitHub gives the heading of `code`: lower case, punctuation but - and _
    dropped."""
    return re.sub(r"[^\w\- ]", "", code.lower()).replace(" ", "-")


def _prose(text: str) -> str:
    """Catalogue text as Markdown that shows it as written (a lone * or < is no markup)."""
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("<", "&lt;").replace(
        "|", "\\|")


def _template(text: str) -> str:
    """A message template as inline code, fenced with enough backticks."""
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}"


def main(argv: Sequence[str] | None = None) -> int:
    """Write docs/codes.md (--write), check it (--check), or print it."""
    parser = argparse.ArgumentParser(prog="python -m crmkit.codes_doc",
                                     description="Generate docs/codes.md from the catalogue.")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", type=Path, metavar="PATH", help="write the page to PATH")
    group.add_argument("--check", type=Path, metavar="PATH",
                       help="exit 1 when PATH differs from the generated page")
    args = parser.parse_args(argv)
    text = render_codes_markdown()
    if args.write is not None:
        args.write.write_text(text, encoding="utf-8", newline="\n")
    elif args.check is not None:
        current = args.check.read_text(encoding="utf-8") if args.check.is_file() else ""
        if current != text:
            sys.stderr.write(f"{args.check} is stale: run {REGENERATE}\n")
            return 1
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
