"""The loop issue 5 is done by: a person reads only errors.xlsx, fixes every rejected row of the
examples in its 待修正 sheet, runs crmkit again on it and gets exit 0.

The "person" here uses nothing but errors.xlsx: 问题明细 for each problem (its message and
建议修改为), matched to 待修正 by the source row and the column header. Where crmkit cannot
know the right value (the lost digits of a number, the customer's real mobile number), the
person types what they would look up; HUMAN says what, and why crmkit cannot.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import phonenumbers
import pytest

from crmkit import validate
from crmkit.headers import REASON_HEADER, SOURCE_ROW_HEADER

from conftest import ROOT

EXAMPLES = ROOT / "examples"
RED = "FFC7CE"


def fresh_numbers() -> Iterator[str]:
    """The customers' real mobile numbers, as the person finds them in their own records."""
    for n in range(10_000):
        number = f"1770000{n:04d}"
        parsed = phonenumbers.parse(number, "CN")
        if (phonenumbers.is_valid_number(parsed)
                and phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE):
            yield number


def column_kind(header: str) -> str:
    for kind, words in (("phone", ("手机", "mobile")), ("tag", ("标签", "tag")),
                        ("email", ("邮箱", "email")), ("person", ("负责人", "owner", "共享")),
                        ("name", ("名称", "姓名", "name"))):
        if any(w in header.lower() for w in words):
            return kind
    return "text"


def fix_email(value: str) -> str:
    """What a person does with 不是有效的邮箱地址（例如 name@example.com）."""
    text = value.replace(" ", "").replace(",", ".").replace("@@", "@")
    if "@" not in text:
        text = text.replace(".", "@", 1)
    user, _, domain = text.partition("@")
    return f"{user}@{domain if '.' in domain else domain + '.com'}"


Fix = Callable[[str, str, str, Iterator[str]], str]

#: What the person types where errors.xlsx has no 建议修改为, by code: (value, header, message,
#: numbers) -> the new cell. Each says what the person needed from outside errors.xlsx.
HUMAN: dict[str, Fix] = {
    # a missing value: only the person's records have it
    "required.missing": lambda value, header, message, numbers: {
        "phone": lambda: next(numbers), "tag": lambda: "老客户",
        "name": lambda: "补录客户", "person": lambda: "张伟",
    }[column_kind(header)](),
    # the message says the digits are lost: the full number comes from the records
    "phone.digits_lost": lambda value, header, message, numbers: next(numbers),
    # a landline or a 400 number: the customer's mobile comes from the records
    "phone.not_mobile": lambda value, header, message, numbers: next(numbers),
    # too few or too many digits, or 无: the right number comes from the records
    "phone.invalid": lambda value, header, message, numbers: next(numbers),
    # a colleague's number: the customer's own comes from the records
    "phone.internal_member": lambda value, header, message, numbers: next(numbers),
    # #N/A: what the broken formula should have given
    "cell.error": lambda value, header, message, numbers: (
        next(numbers) if column_kind(header) == "phone" else "李娜"),
    # the message says how long it may be: the person shortens it to that
    "text.too_long": lambda value, header, message, numbers: value[
        :int(re.search(r"最多 (\d+) 个字", message).group(1))],  # type: ignore[union-attr]
    # the message asks for one colleague: the person keeps the first
    "person.multiple": lambda value, header, message, numbers: re.split(
        r"[、,，;；/\s]+", value.strip())[0],
    # a number where a name belongs: the person knows whose number it is (crmkit could name
    # the colleague when it has --staff; it does not yet)
    "person.is_phone": lambda value, header, message, numbers: "张伟",
    # the message names the nearest colleague in the directory
    "person.unknown": lambda value, header, message, numbers: re.search(
        r"最接近的是：([^）)]+)", message).group(1),  # type: ignore[union-attr]
    # the message says the colleague has left: the person picks a current one
    "person.inactive": lambda value, header, message, numbers: "李娜",
    # the message shows name@example.com: the person repairs the obvious typo
    "email.invalid": lambda value, header, message, numbers: fix_email(value),
}

CASES = [
    pytest.param("customers.xlsx", {}, id="customers"),
    pytest.param("wps-list.xlsx", {"existing": "existing-contacts.xlsx", "staff": "staff.csv"},
                 id="wps-list"),
]


def copy_examples(tmp_path: Path, name: str, refs: dict[str, str]) -> tuple[Path, dict[str, Any]]:
    source = Path(shutil.copy(EXAMPLES / name, tmp_path / name))
    options = {k: shutil.copy(EXAMPLES / v, tmp_path / v) for k, v in refs.items()}
    return source, options


def rows_of(ws: Any) -> list[list[Any]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.mark.parametrize(("name", "refs"), CASES)
def test_fixing_only_from_errors_xlsx_passes_the_second_run(
    tmp_path: Path, name: str, refs: dict[str, str],
) -> None:
    source, options = copy_examples(tmp_path, name, refs)
    first = validate(source, out=tmp_path / "first", **options)
    assert first.exit_code == 1
    errors = Path(first.outputs["errors"])

    book = openpyxl.load_workbook(errors)
    assert book.sheetnames[0] == "概要"
    fix = book["待修正"]
    header = [c.value for c in fix[1]]
    source_col = header.index(SOURCE_ROW_HEADER) + 1
    by_source = {fix.cell(r, source_col).value: r for r in range(2, fix.max_row + 1)}
    assert len(by_source) == fix.max_row - 1 > 0

    listing = rows_of(book["问题明细"])
    cols = {h: i for i, h in enumerate(listing[0])}
    numbers = fresh_numbers()
    fixed_cells = set()
    for entry in listing[1:]:
        row, column_header = entry[cols["行号"]], entry[cols["列名"]]
        if row not in by_source or entry[cols["级别"]] != "错误":
            continue  # a duplicate (in 重复, not to fix), a warning, or about the whole file
        r, c = by_source[row], header.index(column_header) + 1
        cell = fix.cell(r, c)
        message, code = entry[cols["说明"]], entry[cols["问题代码"]]
        # what the sheet itself shows the person on that cell
        assert cell.fill.fgColor.rgb.endswith(RED), (row, column_header)
        assert cell.comment is not None and message in cell.comment.text
        assert message in fix.cell(r, header.index(REASON_HEADER) + 1).value
        suggestion = entry[cols["建议修改为"]]
        if suggestion:
            assert f"建议修改为：{suggestion}" in cell.comment.text
            cell.value = suggestion
        else:
            assert code in HUMAN, f"{code}: errors.xlsx gives no way to fix it"
            cell.value = HUMAN[code](str(cell.value or ""), column_header, message, numbers)
        fixed_cells.add((r, c))
    # every red cell was one of the problems listed, and every rejected row was touched
    red = {(c.row, c.column) for row in fix.iter_rows(min_row=2) for c in row
           if c.fill.fgColor.rgb and c.fill.fgColor.rgb.endswith(RED)}
    assert red == fixed_cells
    assert {r for r, _ in fixed_cells} == set(by_source.values())
    book.save(errors)  # the person saves errors.xlsx in place

    second = validate(errors, out=tmp_path / "second", **options)
    assert second.input.sheet == "待修正"
    assert second.exit_code == 0, [(i.row, i.code, i.message()) for i in second.errors]
    assert second.rows.valid == len(by_source) and second.rows.rejected == 0
    upload = rows_of(openpyxl.load_workbook(second.outputs["upload"]).active)
    names = sorted(str(fix.cell(r, 1).value).strip() for r in by_source.values())
    assert sorted(row[0] for row in upload[1:]) == names
