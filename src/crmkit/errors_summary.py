"""The 概要 sheet of errors.xlsx: what was checked, where the rows went, and what to do next.

The sheet is the first thing an admin sees when they open errors.xlsx, so it leads with the
next steps, then the file, the row counts, the contact limit and the commonest problems. It is
built as plain lines first (`summary_lines`), so what it says is tested without Excel.

A re-run of errors.xlsx reads the first sheet whose header row names two template fields, and
this sheet comes first: its labels are crmkit's own words and each line has one label and one
value, so no line ever names two fields (test_writers checks the shipped templates).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from crmkit.catalogue import Severity, lookup
from crmkit.report import Issue, Report, Tables

#: the sheets of errors.xlsx, in order
SUMMARY_SHEET = "概要"
ISSUES_SHEET = "问题明细"
FIX_SHEET = "待修正"
DUPLICATES_SHEET = "重复"

TOP_PROBLEMS = 10
EXAMPLE_ROWS = 5
_SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.NOTICE)
SEVERITY_ZH = {
    Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.NOTICE: "提示",
    Severity.FATAL: "无法检查",
}


@dataclass(frozen=True)
class Line:
    """One line of the summary: a label, a value and a detail (C and D columns)."""

    label: str
    value: str | int | None = None
    detail: str | None = None
    extra: str | None = None
    #: title, step (what to do next), section (a heading), item, problem
    kind: str = "item"


def summary_lines(
    report: Report, tables: Tables, *, file_name: str = "errors.xlsx",
    now: datetime | None = None,
) -> list[Line]:
    """The 概要 sheet, line by line. `file_name` is errors.xlsx's name, for the command to
    run again; `now` the time of the check (local time when not given)."""
    when = (now or datetime.now()).astimezone().isoformat(timespec="seconds")
    return [
        Line("crmkit 检查结果概要", kind="title"),
        Line("下一步", kind="section"),
        *_next_steps(report, tables, file_name),
        Line("检查的文件", kind="section"),
        *_file_lines(report, when),
        Line("行数", kind="section"),
        *_row_lines(report, tables),
        Line("联系人上限", kind="section"),
        *_limit_lines(report),
        Line("问题数量", kind="section"),
        *_severity_lines(report),
        *_problem_lines(report),
    ]


def write_summary(book: Any, ws: Any, lines: list[Line]) -> None:
    """Write `lines` on the xlsxwriter worksheet `ws` (A label, B value, C/D detail).
    Every text is written with write_string: file and sheet names come from the user."""
    title = book.add_format({"bold": True, "font_size": 16})
    section = book.add_format({"bold": True, "font_size": 12, "font_color": "#1F4E78",
                               "bottom": 1})
    step = book.add_format({"font_color": "#9C0006", "bold": True})
    label = book.add_format({"font_color": "#595959"})
    value = book.add_format({"align": "left"})
    widths = [10, 10, 10, 10]
    for line in lines:
        if line.kind in ("title", "step", "section"):
            continue  # they spill over the empty cells to their right
        for j, text in enumerate((line.label, line.value, line.detail, line.extra)):
            if text is not None:
                widths[j] = max(widths[j], min(display_width(str(text)) + 2, 70))
    for j, width in enumerate(widths):
        ws.set_column(j, j, width)
    row = 0
    for line in lines:
        if line.kind == "section":
            row += 1  # a blank line before each heading
            ws.write_string(row, 0, line.label, section)
            for j in (1, 2, 3):
                ws.write_blank(row, j, None, section)
        elif line.kind == "title":
            ws.write_string(row, 0, line.label, title)
        elif line.kind == "step":
            ws.write_string(row, 0, line.label, step)
        else:
            ws.write_string(row, 0, line.label, label)
            for j, text in ((1, line.value), (2, line.detail), (3, line.extra)):
                if isinstance(text, int):
                    ws.write_number(row, j, text, value)
                elif text:
                    ws.write_string(row, j, text, value)
        row += 1


def display_width(text: str) -> int:
    """How many columns `text` takes in Excel: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _next_steps(report: Report, tables: Tables, file_name: str) -> list[Line]:
    rows = report.rows
    uploads = [Path(b.path).name for b in report.batches] or ["upload.xlsx"]
    upload = uploads[0] if len(uploads) == 1 else f"{uploads[0]} … {uploads[-1]}"
    steps = []
    if rows.valid:
        steps.append(f"把 {upload} 中的 {rows.valid} 行导入 CRM（这些行已检查通过）。")
    to_fix = tables.to_fix.height
    if to_fix:
        steps += [
            f"打开「{FIX_SHEET}」工作表：{to_fix} 行需要修正。红色（错误）和黄色（警告）的格"
            "有问题，鼠标停在上面可看到批注；「crmkit 问题说明」列写着整行的问题，「问题明细」"
            "表有每个问题和建议值。",
            f"在「{FIX_SHEET}」中直接改好这些格，保存本文件。不要改表头和工作表名；最后两列是 "
            "crmkit 的说明和原行号，留着即可。",
            f"再运行 crmkit validate {file_name}（加上这次用过的 --template、--tier 等选项），"
            "直到没有需要修正的行；改好的行会写进新的 upload.xlsx。",
        ]
    if rows.duplicates:
        steps.append(
            f"「{DUPLICATES_SHEET}」中的 {rows.duplicates} 行是重复号码，不会导入，不用修改；"
            "每组第一行是保留的那一行。"
        )
    if rows.overflow:
        steps.append(
            f"overflow.xlsx 中的 {rows.overflow} 行超出联系人上限，升级认证等级或清理已有联系人后"
            "再导入。"
        )
    if not to_fix and not rows.duplicates and not rows.overflow:
        steps.append("没有需要修正的行。")
    return [Line(f"{i}. {text}", kind="step") for i, text in enumerate(steps, 1)]


def _file_lines(report: Report, when: str) -> list[Line]:
    inp = report.input
    detected = inp.detected.zh or inp.format
    if inp.encoding:
        detected += f"，编码 {inp.encoding}"
    if inp.date1904:
        detected += "，1904 日期系统"
    lines = [
        Line("输入文件", Path(inp.path).name, str(Path(inp.path).parent)),
        Line("SHA-256", inp.sha256),
        Line("工作表", inp.sheet, f"表头在第 {inp.header_row} 行"),
        Line("文件格式", detected),
        Line("导入模板", f"{report.template_name} {report.template_version}"),
        Line("检查时间", when),
    ]
    for role, name, unit in (("existing", "已有联系人（--existing）", "个联系人"),
                             ("staff", "通讯录（--staff）", "位同事")):
        ref = report.references.get(role)
        if ref is not None:
            lines.append(Line(name, Path(ref.path).name, f"{ref.rows} {unit}",
                              f"SHA-256 {ref.sha256}"))
    return lines


def _row_lines(report: Report, tables: Tables) -> list[Line]:
    rows = report.rows
    duplicates = "号码与上面的行相同，或已是 CRM 中的联系人"
    if rows.existing:
        duplicates += f"（其中 {rows.existing} 行已在 CRM 中）"
    return [
        Line("读取", rows.read, "表头下面的非空行"),
        Line("可导入", rows.valid, "已写入 upload.xlsx"),
        Line("待修正", tables.to_fix.height, f"见「{FIX_SHEET}」"),
        Line("重复，不导入", rows.duplicates, f"见「{DUPLICATES_SHEET}」：{duplicates}"),
        Line("超出上限", rows.overflow, "已写入 overflow.xlsx" if rows.overflow else None),
        Line("空行", rows.blank, "已跳过"),
    ]


def _limit_lines(report: Report) -> list[Line]:
    lim, rows = report.limit, report.rows
    new = rows.valid + rows.overflow
    after = lim.existing + rows.valid
    share = f"占上限的 {after * 100 / lim.max:.1f}%" if lim.max else None
    lines = [
        Line("认证等级", lim.tier_label, f"上限 {lim.max} 个联系人"),
        Line("已有联系人", lim.existing),
        Line("本次有效的行", new, "可导入加超出上限的行"),
        Line("导入后合计", after, share),
        Line("导入后剩余名额", max(lim.remaining - rows.valid, 0)),
    ]
    if lim.exceeded:
        lines.append(Line("超出上限的行", rows.overflow,
                          f"只能再导入 {lim.remaining} 个，其余在 overflow.xlsx"))
    return lines


def _severity_lines(report: Report) -> list[Line]:
    counts = {s: 0 for s in _SEVERITY_ORDER}
    for issue in report.issues:
        if issue.severity in counts:
            counts[issue.severity] += 1
    notes = {
        Severity.ERROR: "这些行不导入，改正后重新检查",
        Severity.WARNING: "这些行会导入，请核对",
        Severity.NOTICE: "crmkit 做了什么，供参考",
    }
    return [Line(SEVERITY_ZH[s], counts[s], notes[s]) for s in _SEVERITY_ORDER]


def _problem_lines(report: Report) -> list[Line]:
    """The commonest problems: errors first, then warnings and notices, by count."""
    by_code: dict[str, list[Issue]] = {}
    for issue in report.issues:
        by_code.setdefault(issue.code, []).append(issue)
    if not by_code:
        return []
    rank = {s: i for i, s in enumerate(_SEVERITY_ORDER)}

    def severity(code: str) -> Severity:
        # the worst of the code's issues: --strict makes some warnings errors
        return min((i.severity for i in by_code[code]), key=lambda s: rank.get(s, 0))

    def order(code: str) -> tuple[int, int, str]:
        return rank.get(severity(code), 0), -len(by_code[code]), code

    codes = sorted(by_code, key=order)
    lines = [Line("主要问题", kind="section")]
    # "the other 2 problems" would take the line that could name one of them
    shown = codes if len(codes) <= TOP_PROBLEMS + 2 else codes[:TOP_PROBLEMS]
    for code in shown:
        rows = sorted({i.row for i in by_code[code] if i.row is not None})
        examples = f"第 {'、'.join(map(str, rows[:EXAMPLE_ROWS]))} 行"
        if len(rows) > EXAMPLE_ROWS:
            examples += "等"
        lines.append(Line(
            lookup(code).title_zh, len(by_code[code]),
            f"{code}（{SEVERITY_ZH[severity(code)]}）",
            examples if rows else "整个文件或整列", kind="problem",
        ))
    if len(shown) < len(codes):
        rest = sum(len(by_code[c]) for c in codes[len(shown):])
        lines.append(Line(f"其他 {len(codes) - len(shown)} 种问题", rest,
                          f"见「{ISSUES_SHEET}」", kind="problem"))
    return lines
