"""The blank import workbook salespeople fill in: the template's headers, rules and dropdowns.

The first sheet is the one crmkit reads back, so its header row holds each field's header
exactly (no `*`, no "(必填)"); required columns are marked by colour and by the comment
instead. Lists for dropdowns live on a hidden sheet because Excel cuts inline lists at 255
characters. Everything is written with `write_string`, so no template text becomes a formula.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Any

import xlsxwriter

from crmkit.atomic import atomic_path
from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError
from crmkit.headers import column_letter
from crmkit.template import Field, Template

GUIDE_SHEET = "填写说明"
OPTIONS_SHEET = "选项"
#: the last 0-based row of a sheet: dropdowns cover the whole column, however long the list
LAST_ROW = 1_048_575

TYPE_NAMES = {
    "text": "文本", "phone": "电话", "email": "邮箱", "date": "日期", "number": "数字",
    "choice": "单选", "tags": "标签", "person": "同事", "url": "网址", "bool": "是/否",
}
_PHONE_KINDS = {
    "mobile": "手机号码", "fixed_line": "固定电话", "toll_free": "免费电话（400/800）",
    "premium_rate": "付费电话", "shared_cost": "分摊付费电话", "voip": "网络电话",
    "personal_number": "个人号码", "pager": "寻呼机号码", "uan": "统一接入号码",
    "voicemail": "语音信箱号码",
}
_DATE_ORDERS = {
    "dmy": "；不以年份开头的日期按 日/月/年 理解，例如 05/01/2024",
    "mdy": "；不以年份开头的日期按 月/日/年 理解，例如 01/05/2024",
}
_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
# Excel rejects (and xlsxwriter drops the whole validation for) longer messages and titles.
_MAX_MESSAGE = 255
_MIN_WIDTH, _MAX_WIDTH = 10, 40
_RED = "#FF0000"


def write_blank_workbook(tpl: Template, path: Path) -> None:
    """Write the blank workbook for `tpl` to `path`; a failure leaves no half-written file."""
    sheet = tpl.output.sheet[:31]
    if sheet in (GUIDE_SHEET, OPTIONS_SHEET):
        raise CrmkitError("template.invalid", template=tpl.name, detail=Bilingual(
            f"输出工作表名「{sheet}」与空白模板的「{GUIDE_SHEET}」或「{OPTIONS_SHEET}」页重名，请换一个名称",
            f"output sheet name {sheet!r} clashes with a sheet of the blank workbook",
        ))
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), _OPTIONS)
        data = book.add_worksheet(sheet)
        guide = book.add_worksheet(GUIDE_SHEET)
        options = book.add_worksheet(OPTIONS_SHEET)
        _write_data_sheet(book, data, options, tpl)
        _write_guide(book, guide, tpl)
        options.hide()
        book.close()


def rule_text(field: Field, tpl: Template) -> str:
    """What a cell of `field` must hold, in Chinese, for a header comment or `template show`."""
    sep = tpl.output.separator
    if field.type == "phone":
        text = _phone_rule(field, tpl)
    elif field.type == "choice":
        text = "可选：" + "、".join(o.value for o in field.options)
    elif field.type == "date":
        text = "日期，例如 2024-01-05" + _DATE_ORDERS.get(field.date_order, "")
    elif field.type == "number":
        text = "数字" + _number_rule(field)
    elif field.type == "tags":
        text = _tags_rule(tpl)
    elif field.type == "person":
        many = f"，多位用“{sep}”分隔" if field.multiple else "，只填一位"
        text = "同事在通讯录中的真实姓名" + many
    elif field.type == "bool":
        text = " / ".join(tpl.output.bool)
    elif field.type == "email":
        text = "邮箱地址，例如 name@example.com"
    elif field.type == "url":
        text = "网址，例如 https://www.example.com"
    else:
        text = "文本"
    parts = [text]
    if field.type in ("text", "email", "url", "person"):
        parts += _length_rule(field)
    if field.pattern:
        parts.append(f"须符合格式 {field.pattern}")
    if field.unique:
        parts.append("不能与其他行重复")
    if field.default is not None:
        parts.append(f"留空时填入“{field.default}”")
    return "；".join(parts)


def tag_choices(tpl: Template) -> list[str]:
    """Every tag of the template once, as a cell names it: `group:tag` when the tag's name is
    in more than one group (the plain name would be ambiguous), else the plain name."""
    counts = Counter(tag for g in tpl.tag_groups for tag in dict.fromkeys(g.tags))
    choices = (
        f"{g.name}:{tag}" if counts[tag] > 1 else tag for g in tpl.tag_groups for tag in g.tags
    )
    return list(dict.fromkeys(choices))


def _phone_rule(field: Field, tpl: Template) -> str:
    home_only = field.regions in ((), (tpl.region,))
    if field.number_types == ("mobile",) and tpl.region == "CN" and home_only:
        text = "手机号码，11 位，例如 13800138000"
    else:
        text = "、".join(_PHONE_KINDS.get(t, t) for t in field.number_types) or "电话号码"
    if field.regions:
        text += "；仅限地区：" + "、".join(field.regions)
    if field.regions != (tpl.region,):
        text += "；其他国家或地区的号码以 + 和国家码开头，例如 +85291234567"
    return text


def _number_rule(field: Field) -> str:
    text = ""
    low, high = field.minimum, field.maximum
    if low is not None and high is not None:
        text += f"，范围 {_num(low)} 到 {_num(high)}"
    elif low is not None:
        text += f"，不小于 {_num(low)}"
    elif high is not None:
        text += f"，不大于 {_num(high)}"
    if field.decimals == 0:
        text += "，只能是整数"
    elif field.decimals is not None:
        text += f"，最多 {field.decimals} 位小数"
    return text


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _length_rule(field: Field) -> list[str]:
    low, high = field.min_length, field.max_length
    if low is not None and high is not None:
        return [f"{low} 到 {high} 个字"]
    if high is not None:
        return [f"最多 {high} 个字"]
    return [f"至少 {low} 个字"] if low is not None else []


def _tags_rule(tpl: Template) -> str:
    text = f"一个或多个标签，用“{tpl.output.separator}”分隔"
    for group in tpl.tag_groups:
        only_one = "（同组只能选一个）" if group.exclusive else ""
        text += f"；{group.name}：{'、'.join(group.tags)}{only_one}"
    if any(":" in choice for choice in tag_choices(tpl)):
        text += "；不同组的同名标签写成“组名:标签”"
    return text


def _write_data_sheet(book: Any, ws: Any, options: Any, tpl: Template) -> None:
    """The header row with comments, column formats and the dropdowns (lists on `options`)."""
    plain = {"bold": True, "bg_color": "#DDEBF7", "border": 1, "num_format": "@"}
    head = book.add_format(plain)
    head_required = book.add_format({**plain, "font_color": _RED})
    text = book.add_format({"num_format": "@"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    ws.freeze_panes(1, 0)
    # Numbers keep Excel's General format: a fixed '0.00' would show 1.234 as 1.23 while the
    # cell still holds 1.234, hiding the extra decimals the check later rejects.
    formats = {"date": date, "number": None}
    lists = 0
    for j, f in enumerate(tpl.fields):
        width = min(max(_width(f.header) + 2, _MIN_WIDTH), _MAX_WIDTH)
        ws.set_column(j, j, width, formats.get(f.type, text))
        ws.write_string(0, j, f.header, head_required if f.required else head)
        note = "\n".join(["必填" if f.required else "选填", *filter(None, [f.help]),
                          rule_text(f, tpl)])
        ws.write_comment(0, j, note, {"author": "crmkit", "width": 320,
                                      "height": 24 + 18 * _lines(note)})
        values = _list_values(f, tpl)
        if values:
            _add_dropdown(ws, options, j, lists, f, values)
            lists += 1


def _list_values(field: Field, tpl: Template) -> list[str]:
    if field.type == "choice":
        return [o.value for o in field.options]
    return tag_choices(tpl) if field.type == "tags" else []


def _add_dropdown(
    ws: Any, options: Any, j: int, list_col: int, field: Field, values: list[str]
) -> None:
    """A dropdown on data column `j`, its values written to column `list_col` of `options`."""
    options.write_string(0, list_col, field.header)
    for i, value in enumerate(values, start=1):
        options.write_string(i, list_col, value)
    options.set_column(list_col, list_col, _MAX_WIDTH)
    col = column_letter(list_col)
    source = f"='{OPTIONS_SHEET}'!${col}$2:${col}${len(values) + 1}"
    rule: dict[str, Any] = {"validate": "list", "source": source}
    if field.type == "choice":
        rule |= {"error_type": "stop", "error_title": "请从列表中选择",
                 "error_message": _clip(f"「{field.header}」只能填：" + "、".join(values))}
    else:
        # A tags cell may hold several tags joined by the separator: the list only helps.
        rule["show_error"] = False
    ws.data_validation(1, j, LAST_ROW, j, rule)


def _write_guide(book: Any, ws: Any, tpl: Template) -> None:
    """The 填写说明 sheet: how to fill the data sheet, then every field's rule."""
    title = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    types = {f.type for f in tpl.fields}
    steps = [
        f"在「{tpl.output.sheet[:31]}」工作表中填写，每行一位客户，从第 2 行开始。",
        "不要修改、删除或移动第 1 行的列名；红色列名为必填。",
        "手机号码按文本填写（该列已设为文本格式），不要写成 1.38E+10 之类的数字。"
        if "phone" in types else "",
        f"多个标签或多位同事写在同一格中，用“{tpl.output.separator}”分隔。"
        if types & {"tags", "person"} else "",
        "鼠标移到列名上可以看到该列的填写要求；有下拉箭头的列可以从列表中选择。",
    ]
    lines = [f"{n}. {step}" for n, step in enumerate(filter(None, steps), start=1)]
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 30, wrap)
    ws.set_column(2, 2, 12)
    ws.set_column(3, 3, 80, wrap)
    ws.write_string(0, 0, f"{tpl.title} 导入模板（版本 {tpl.version}）", title)
    for i, line in enumerate(lines, start=2):
        ws.write_string(i, 0, line)
    row = len(lines) + 3
    for j, head in enumerate(("列名", "必填", "类型", "说明")):
        ws.write_string(row, j, head, bold)
    for f in tpl.fields:
        row += 1
        ws.write_string(row, 0, f.header, wrap)
        ws.write_string(row, 1, "是" if f.required else "", wrap)
        ws.write_string(row, 2, TYPE_NAMES.get(f.type, f.type), wrap)
        ws.write_string(row, 3, "\n".join(filter(None, [f.help, rule_text(f, tpl)])), wrap)
    if not tpl.tag_groups:
        return
    row += 2
    for j, head in enumerate(("组名", "标签", "互斥")):
        ws.write_string(row, j, head, bold)
    for group in tpl.tag_groups:
        row += 1
        ws.write_string(row, 0, group.name, wrap)
        ws.write_string(row, 1, "、".join(group.tags), wrap)
        ws.write_string(row, 2, "是（同组只能选一个）" if group.exclusive else "否", wrap)


def _width(text: str) -> int:
    """Display width: CJK and full-width characters take two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _lines(text: str) -> int:
    """Lines `text` takes in a 320-pixel comment box (about 40 narrow characters a line)."""
    return sum(max(1, math.ceil(_width(line) / 40)) for line in text.split("\n"))


def _clip(message: str) -> str:
    return message if len(message) <= _MAX_MESSAGE else message[:_MAX_MESSAGE - 1] + "…"
