"""The human summary of a report, for the terminal (stderr), with rich.

Text from the user's file (headers, sheet and file names) is always wrapped in `Text`, never
parsed as rich markup: a header such as `来源[/]` must print as itself.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from crmkit.catalogue import Severity, lookup
from crmkit.errors import CrmkitError
from crmkit.report import Report

_EXAMPLES = 3
_SEVERITY = {
    Severity.ERROR: ("错误", "red"), Severity.WARNING: ("警告", "yellow"),
    Severity.NOTICE: ("提示", "cyan"),
}


def render_report(report: Report, console: Console) -> None:
    """Header map, row counts, problems by code, limit usage and the files written."""
    inp = report.input
    console.print(
        Text.assemble(
            ("crmkit validate ", "bold"), Path(inp.path).name,
            " · 工作表「", inp.sheet, f"」· 表头在第 {inp.header_row} 行 · ",
            f"模板 {report.template_name} {report.template_version}",
        )
    )
    if inp.detected.zh:
        console.print(Text(f"文件格式: {inp.detected.zh}"
                           + ("，日期按 1904 日期系统" if inp.date1904 else "")))
    for role, label in (("existing", "已有联系人"), ("staff", "通讯录")):
        ref = report.references.get(role)
        if ref is not None:
            unit = "个联系人" if role == "existing" else "位同事"
            console.print(
                Text.assemble(f"{label}: ", Path(ref.path).name, f"（{ref.rows} {unit}）")
            )
    console.print(_header_table(report))
    rows = report.rows
    console.print(
        f"行数: 读取 {rows.read} · 有效 {rows.valid} · 拒绝 {rows.rejected}"
        f"（其中重复 {rows.duplicates}）· 超出上限 {rows.overflow} · 跳过空行 {rows.blank}"
    )
    if report.issues:
        console.print(_issue_table(report))
    lim = report.limit
    used = lim.existing + rows.valid + rows.overflow
    style = "red" if lim.exceeded else "green"
    console.print(
        Text.assemble(
            f"联系人上限（{lim.tier_label}）: 已有 {lim.existing} + 本次有效 "
            f"{rows.valid + rows.overflow} = ",
            (f"{used} / {lim.max}", style),
            f"，可导入 {lim.remaining} 个" if lim.exceeded else "",
        )
    )
    for name, path in report.outputs.items():
        console.print(Text(f"  {name:<9} {path}"))
    if "upload" not in report.outputs:  # split into batches
        for batch in report.batches:
            console.print(Text(f"  {'upload':<9} {batch.path}（{batch.rows} 行）"))
    if report.ok and rows.read == 0:
        console.print(Text("没有可导入的行", style="bold yellow"))
    elif report.ok and (rows.rejected or rows.overflow):
        # --fail-on/--ignore decided that these do not fail the run; they are still held back.
        held = [f"{rows.rejected} 行有问题" if rows.rejected else "",
                f"{rows.overflow} 行超出上限" if rows.overflow else ""]
        console.print(Text(
            f"✓ 通过（按 --fail-on/--ignore）；{'、'.join(h for h in held if h)}，"
            "不在上传文件中（见 errors.xlsx / overflow.xlsx）", style="bold green"))
    elif report.ok:
        files = [Path(b.path).name for b in report.batches] or ["upload.xlsx"]
        names = files[0] if len(files) == 1 else f"{files[0]} … {files[-1]}（共 {len(files)} 个）"
        console.print(Text(f"✓ 全部通过，可以导入 {names}", style="bold green"))
    else:
        console.print(Text(_verdict(report), style="bold red"))


def _verdict(report: Report) -> str:
    parts = []
    to_fix = report.rows.rejected - report.rows.duplicates
    if to_fix:
        parts.append(f"{to_fix} 行需要修正（见 errors.xlsx 的「待修正」表）")
    copies = report.rows.duplicates - report.rows.existing
    if copies:
        parts.append(f"{copies} 行是重复号码，不导入（见「重复」表）")
    if report.rows.existing:
        parts.append(f"{report.rows.existing} 行已是 CRM 中的联系人，不导入（见「重复」表）")
    if report.limit.exceeded:
        parts.append(f"{report.rows.overflow} 行超出联系人上限（见 overflow.xlsx）")
    if report.failing and not parts:
        codes = sorted({i.code for i in report.failing})
        why = "--strict" if report.strict and not report.fail_on else "--fail-on"
        parts.append(f"{len(report.failing)} 个问题（{'、'.join(codes)}，{why}）")
    return "✗ " + "；".join(parts or ["未通过"])


def _header_table(report: Report) -> Table:
    table = Table(title="表头对应", title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("列")
    table.add_column("文件中的表头")
    table.add_column("模板字段")
    for col in report.header_map:
        if col.field_header:
            target = Text(col.field_header)
            if col.match == "fuzzy":
                target.append(f"（相似 {col.score}%，请核对）", style="yellow")
            elif col.match == "forced":
                target.append("（--map）", style="cyan")
        elif col.match == "ignored":
            target = Text("（不导入，--map）")
        elif col.match == "own":
            target = Text("（crmkit 写入的说明列，已忽略）")
        else:
            target = Text("（不导入）", style="yellow")
        table.add_row(col.column, Text(col.header), target)
    return table


def _issue_table(report: Report) -> Table:
    table = Table(title="问题", title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("代码")
    table.add_column("级别")
    table.add_column("说明")
    table.add_column("数量", justify="right")
    table.add_column("示例行")
    for code, count in report.counts_by_code().items():
        entry = lookup(code)
        # --strict makes some warnings errors (person.ambiguous): say what the run did.
        severity = max((i.severity for i in report.issues if i.code == code),
                       key=list(Severity).index)
        label, style = _SEVERITY.get(severity, ("", ""))
        rows = sorted({i.row for i in report.issues if i.code == code and i.row is not None})
        examples = "、".join(map(str, rows[:_EXAMPLES])) + ("…" if len(rows) > _EXAMPLES else "")
        table.add_row(code, Text(label, style=style), entry.title_zh, str(count), examples or "-")
    return table


def render_line(result: Report | CrmkitError, console: Console) -> None:
    """One line for one input of a run over several: its verdict and counts, or why it could
    not be checked."""
    if isinstance(result, CrmkitError):
        console.print(Text(f"✗ crmkit: 错误 [{result.code}] {result.message('zh')}",
                           style="red"), soft_wrap=True)
        return
    rows = result.rows
    mark, style = ("✓", "green") if result.ok else ("✗", "red")
    outputs = Path(result.outputs["errors"]).parent if "errors" in result.outputs else None
    console.print(Text.assemble(
        (f"{mark} ", style), Path(result.input.path).name,
        f" · 读取 {rows.read} · 有效 {rows.valid} · 拒绝 {rows.rejected}"
        f"（其中重复 {rows.duplicates}）· 超出上限 {rows.overflow}",
        f" · 结果在 {outputs}" if outputs else "",
    ), soft_wrap=True)
