"""The human summary of a report, for the terminal (stderr), with rich, in Chinese or English.

Text from the user's file (headers, sheet and file names) is always wrapped in `Text`, never
parsed as rich markup: a header such as `来源[/]` must print as itself.
"""

from __future__ import annotations

import re
from pathlib import Path

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from crmkit.catalogue import Bilingual, Severity, lookup
from crmkit.errors import CrmkitError
from crmkit.report import Report

_EXAMPLES = 3
#: cells of the tier usage bar
_BAR = 30
_SEVERITY = {
    Severity.ERROR: (Bilingual("错误", "error"), "red"),
    Severity.WARNING: (Bilingual("警告", "warning"), "yellow"),
    Severity.NOTICE: (Bilingual("提示", "notice"), "cyan"),
}
#: everything the summary says, in both languages; `{name}` fields are filled by `_say`
_PHRASES = {
    "title": Bilingual("工作表「{sheet}」· 表头在第 {row} 行 · 模板 {template}",
                       "sheet \"{sheet}\" · header on row {row} · template {template}"),
    "format": Bilingual("文件格式: {detected}", "File: {detected}"),
    "date1904": Bilingual("，日期按 1904 日期系统", ", dates in the 1904 date system"),
    "existing": Bilingual("已有联系人: {file}（{rows} 个联系人）",
                          "Existing contacts: {file} ({rows} contacts)"),
    "staff": Bilingual("通讯录: {file}（{rows} 位同事）", "Directory: {file} ({rows} colleagues)"),
    "rows": Bilingual(
        "行数: 读取 {read} · 有效 {valid} · 拒绝 {rejected}（其中重复 {duplicates}）"
        "· 超出上限 {overflow} · 跳过空行 {blank}",
        "Rows: read {read} · valid {valid} · rejected {rejected} (duplicates {duplicates}) "
        "· over the limit {overflow} · blank {blank}"),
    "limit": Bilingual("联系人上限（{tier}）: 已有 {existing} + 本次有效 {new} = ",
                       "Contact limit ({tier}): existing {existing} + new {new} = "),
    "remaining": Bilingual("，可导入 {remaining} 个", ", room for {remaining}"),
    "batch": Bilingual("（{rows} 行）", " ({rows} rows)"),
    "nothing": Bilingual("没有可导入的行", "No rows to import"),
    "held": Bilingual("✓ 通过（按 --fail-on/--ignore）；{held}，不在上传文件中"
                      "（见 errors.xlsx / overflow.xlsx）",
                      "✓ Passed (by --fail-on/--ignore); {held} not in the upload (see "
                      "errors.xlsx / overflow.xlsx)"),
    "held_rejected": Bilingual("{n} 行有问题", "{n} row{s} with problems"),
    "held_overflow": Bilingual("{n} 行超出上限", "{n} row{s} over the limit"),
    "passed": Bilingual("✓ 全部通过，可以导入 {files}", "✓ All rows pass: import {files}"),
    "files": Bilingual("{first} … {last}（共 {n} 个）", "{first} ... {last} ({n} files)"),
    "to_fix": Bilingual("{n} 行需要修正（见 errors.xlsx 的「待修正」表）",
                        "{n} row{s} to fix (errors.xlsx, sheet 待修正)"),
    "copies": Bilingual("{n} 行是重复号码，不导入（见「重复」表）",
                        "{n} row{s} repeat a number, not imported (sheet 重复)"),
    "in_crm": Bilingual("{n} 行已是 CRM 中的联系人，不导入（见「重复」表）",
                        "{n} row{s} already CRM contacts, not imported (sheet 重复)"),
    "over": Bilingual("{n} 行超出联系人上限（见 overflow.xlsx）",
                      "{n} row{s} over the contact limit (overflow.xlsx)"),
    "failing": Bilingual("{n} 个问题（{codes}，{why}）", "{n} issue{s} ({codes}, {why})"),
    "failed": Bilingual("未通过", "failed"),
    "header_map": Bilingual("表头对应", "Header map"),
    "column": Bilingual("列", "Column"),
    "header": Bilingual("文件中的表头", "Header in the file"),
    "field": Bilingual("模板字段", "Template field"),
    "fuzzy": Bilingual("（相似 {score}%，请核对）", " (similar, {score}%: check it)"),
    "ignored": Bilingual("（不导入，--map）", "(not imported, --map)"),
    "own": Bilingual("（crmkit 写入的说明列，已忽略）", "(crmkit's own column, ignored)"),
    "unmapped": Bilingual("（不导入）", "(not imported)"),
    "problems": Bilingual("问题", "Problems"),
    "code": Bilingual("代码", "Code"),
    "severity": Bilingual("级别", "Severity"),
    "meaning": Bilingual("说明", "Meaning"),
    "count": Bilingual("数量", "Count"),
    "examples": Bilingual("示例行", "Example rows"),
    "line": Bilingual(" · 读取 {read} · 有效 {valid} · 拒绝 {rejected}（其中重复 {duplicates}）"
                      "· 超出上限 {overflow}",
                      " · read {read} · valid {valid} · rejected {rejected} (duplicates "
                      "{duplicates}) · over the limit {overflow}"),
    "results_in": Bilingual(" · 结果在 {folder}", " · results in {folder}"),
    "refused": Bilingual("✗ crmkit: 错误 [{code}] {message}", "✗ crmkit: error [{code}] {message}"),
}


def _say(lang: str, key: str, **fields: object) -> str:
    phrase = _PHRASES[key]
    if "n" in fields:
        fields["s"] = "" if fields["n"] == 1 else "s"
    text = (phrase.en if lang == "en" else phrase.zh).format(**fields)
    if fields.get("bare"):  # nothing was written (--no-write): no file to point at
        text = re.sub(r"\s*[（(][^（()）]*(?:xlsx|重复)[^（()）]*[)）]", "", text)
    return text


def render_report(report: Report, console: Console, lang: str = "zh") -> None:
    """Header map, row counts, problems by code, limit usage and the files written."""
    inp = report.input
    console.print(Text.assemble(
        ("crmkit validate ", "bold"), Path(inp.path).name, " · ",
        _say(lang, "title", sheet=inp.sheet, row=inp.header_row,
             template=f"{report.template_name} {report.template_version}"),
    ))
    detected = inp.detected.en if lang == "en" else inp.detected.zh
    if detected:
        console.print(Text(_say(lang, "format", detected=detected)
                           + (_say(lang, "date1904") if inp.date1904 else "")))
    for role in ("existing", "staff"):
        ref = report.references.get(role)
        if ref is not None:
            console.print(Text(_say(lang, role, file=Path(ref.path).name, rows=ref.rows)))
    console.print(_header_table(report, lang))
    rows = report.rows
    console.print(Panel(
        _say(lang, "rows", read=rows.read, valid=rows.valid, rejected=rows.rejected,
             duplicates=rows.duplicates, overflow=rows.overflow, blank=rows.blank),
        expand=False, border_style="green" if report.ok else "red"))
    if report.issues:
        console.print(_issue_table(report, lang))
    console.print(_limit(report, lang))
    for name, path in report.outputs.items():
        console.print(Text(f"  {name:<9} {path}"))
    if "upload" not in report.outputs:  # split into batches
        for batch in report.batches:
            console.print(Text(f"  {'upload':<9} {batch.path}"
                               + _say(lang, "batch", rows=batch.rows)))
    console.print(_verdict(report, lang))


def _limit(report: Report, lang: str) -> Text:
    """Tier usage as numbers and as a bar: existing contacts, then this list's valid rows,
    against the limit."""
    lim, rows = report.limit, report.rows
    new = rows.valid + rows.overflow
    used = lim.existing + new
    style = "red" if lim.exceeded else "green"
    tier = lim.tier_label if lang != "en" else (lim.tier or "custom")
    scale = max(lim.max, used, 1)
    # A part that is there shows as one cell at least, however small against the limit.
    existing_cells = max(round(_BAR * lim.existing / scale), 1 if lim.existing else 0)
    new_cells = max(min(round(_BAR * used / scale), _BAR) - existing_cells, 1 if new else 0)
    new_cells = min(new_cells, _BAR - existing_cells)
    return Text.assemble(
        _say(lang, "limit", tier=tier, existing=lim.existing, new=new),
        (f"{used} / {lim.max}", style),
        _say(lang, "remaining", remaining=lim.remaining) if lim.exceeded else "",
        "\n  ", ("█" * existing_cells, "blue"), ("█" * new_cells, style),
        ("░" * (_BAR - existing_cells - new_cells), "dim"),
    )


def _verdict(report: Report, lang: str) -> Text:
    rows = report.rows
    if report.ok and rows.read == 0:
        return Text(_say(lang, "nothing"), style="bold yellow")
    if report.ok and (rows.rejected or rows.overflow):
        # --fail-on/--ignore decided that these do not fail the run; they are still held back.
        held = [_say(lang, "held_rejected", n=rows.rejected) if rows.rejected else "",
                _say(lang, "held_overflow", n=rows.overflow) if rows.overflow else ""]
        joiner = "、" if lang != "en" else ", "
        return Text(_say(lang, "held", held=joiner.join(h for h in held if h)),
                    style="bold green")
    if report.ok:
        files = [Path(b.path).name for b in report.batches] or ["upload.xlsx"]
        names = files[0] if len(files) == 1 else _say(lang, "files", first=files[0],
                                                      last=files[-1], n=len(files))
        return Text(_say(lang, "passed", files=names), style="bold green")
    parts = []
    bare = not report.outputs
    to_fix = rows.rejected - rows.duplicates
    copies = rows.duplicates - rows.existing
    for key, n in (("to_fix", to_fix), ("copies", copies), ("in_crm", rows.existing)):
        if n:
            parts.append(_say(lang, key, n=n, bare=bare))
    if report.limit.exceeded:
        parts.append(_say(lang, "over", n=rows.overflow, bare=bare))
    gated = bool(report.fail_on or report.ignore)
    if report.failing and (gated or not parts):
        # With --fail-on/--ignore, what fails the run is not the rows: name the codes.
        codes = sorted({i.code for i in report.failing})
        why = "--fail-on/--ignore" if gated else "--strict"
        parts.append(_say(lang, "failing", n=len(report.failing), codes=", ".join(codes),
                          why=why))
    joiner = "；" if lang != "en" else "; "
    return Text("✗ " + joiner.join(parts or [_say(lang, "failed")]), style="bold red")


def _header_table(report: Report, lang: str) -> Table:
    table = Table(title=_say(lang, "header_map"), title_justify="left", show_edge=False,
                  pad_edge=False)
    for key in ("column", "header", "field"):
        table.add_column(_say(lang, key))
    for col in report.header_map:
        if col.field_header:
            target = Text(col.field_header)
            if col.match == "fuzzy":
                target.append(_say(lang, "fuzzy", score=col.score), style="yellow")
            elif col.match == "forced":
                target.append("（--map）" if lang != "en" else " (--map)", style="cyan")
        elif col.match in ("ignored", "own"):
            target = Text(_say(lang, col.match))
        else:
            target = Text(_say(lang, "unmapped"), style="yellow")
        table.add_row(col.column, Text(col.header), target)
    return table


def _issue_table(report: Report, lang: str) -> Table:
    table = Table(title=_say(lang, "problems"), title_justify="left", show_edge=False,
                  pad_edge=False)
    for key in ("code", "severity", "meaning"):
        table.add_column(_say(lang, key))
    table.add_column(_say(lang, "count"), justify="right")
    table.add_column(_say(lang, "examples"))
    joiner = "、" if lang != "en" else ", "
    for code, count in report.counts_by_code().items():
        entry = lookup(code)
        # --strict makes some warnings errors (person.ambiguous): say what the run did.
        severity = max((i.severity for i in report.issues if i.code == code),
                       key=list(Severity).index)
        label, style = _SEVERITY.get(severity, (Bilingual("", ""), ""))
        rows = sorted({i.row for i in report.issues if i.code == code and i.row is not None})
        examples = joiner.join(map(str, rows[:_EXAMPLES])) + ("…" if len(rows) > _EXAMPLES
                                                              else "")
        title = entry.title_en if lang == "en" else entry.title_zh
        table.add_row(code, Text(label.en if lang == "en" else label.zh, style=style), title,
                      str(count), examples or "-")
    return table


def render_line(result: Report | CrmkitError, console: Console, lang: str = "zh") -> None:
    """One line for one input of a run over several: its verdict and counts, or why it could
    not be checked."""
    if isinstance(result, CrmkitError):
        console.print(Text(_say(lang, "refused", code=result.code,
                                message=result.message(lang)), style="red"), soft_wrap=True)
        return
    rows = result.rows
    mark, style = ("✓", "green") if result.ok else ("✗", "red")
    outputs = Path(result.outputs["errors"]).parent if "errors" in result.outputs else None
    console.print(Text.assemble(
        (f"{mark} ", style), Path(result.input.path).name,
        _say(lang, "line", read=rows.read, valid=rows.valid, rejected=rows.rejected,
             duplicates=rows.duplicates, overflow=rows.overflow),
        _say(lang, "results_in", folder=outputs) if outputs else "",
    ), soft_wrap=True)
    if result.issues:
        # What is wrong, file by file: a pre-commit hook run (--no-write) has no errors.xlsx.
        console.print(_issue_table(result, lang))
