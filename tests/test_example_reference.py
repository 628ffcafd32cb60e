"""The reference-data example (examples/make_wps_list.py): a list in a WPS import template's
layout checked against the CRM's existing contacts and the company directory, end to end."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from crmkit import validate
from crmkit.cli import app
from crmkit.errors import CrmkitError

from conftest import HEADER, ROOT, write_xlsx

EXAMPLES = ROOT / "examples"
LIST, STAFF, EXISTING = (EXAMPLES / n for n in ("wps-list.xlsx", "staff.csv",
                                                "existing-contacts.xlsx"))
runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})


def by_row(report: object) -> list[tuple[int | None, str]]:
    return [(i.row, i.code) for i in report.issues]  # type: ignore[attr-defined]


def test_every_planted_problem_is_found_at_its_row(tmp_path: Path) -> None:
    report = validate(LIST, out=tmp_path / "out", existing=EXISTING, staff=STAFF)
    assert by_row(report) == [
        (None, "cell.formula"),           # the sheet has formulas: read by their results
        (1, "header.two_rows"),           # Chinese names over English keys
        (3, "row.example"),               # 例：张三 ...
        (7, "duplicate.existing"),        # 吴敏 is already a contact
        (8, "phone.internal_member"),     # 刘洋's number
        (9, "person.unknown"),            # 张卫 (张伟 named as the closest)
        (10, "person.ambiguous"),         # two colleagues named 王芳
        (11, "person.inactive"),          # 赵磊 has left
        (12, "cell.error"),               # a VLOOKUP that saved #N/A
        (15, "duplicate.suspected"),      # 冯博 of 华为技术 under a second number
        (16, "duplicate.in_file"),        # row 4's number again
    ]
    unknown = next(i for i in report.issues if i.code == "person.unknown")
    # One character of two differs: named in the message, too weak to fill in as the fix.
    assert "最接近的是：张伟" in unknown.message("zh") and unknown.suggestion is None
    existing = next(i for i in report.issues if i.code == "duplicate.existing")
    assert existing.params["existing_name"] == "吴敏"
    rows = report.rows
    assert (rows.read, rows.valid, rows.existing) == (14, 8, 1)
    assert rows.read == rows.valid + rows.rejected + rows.overflow
    # The existing contacts count toward the tier limit.
    assert report.limit.existing == 4


def test_phone_numbers_stored_as_numbers_are_uploaded_as_written(tmp_path: Path) -> None:
    report = validate(LIST, out=tmp_path / "out")
    sheet = openpyxl.load_workbook(report.outputs["upload"]).active
    phones = [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert "13700000001" in phones and all(isinstance(p, str) for p in phones)
    assert not any(str(p).endswith(".0") for p in phones)


def test_a_contact_already_in_the_crm_goes_to_the_duplicates_sheet_not_to_fix(
    tmp_path: Path,
) -> None:
    report = validate(LIST, out=tmp_path / "out", existing=EXISTING)
    book = openpyxl.load_workbook(report.outputs["errors"])
    fix_rows = [r[-1] for r in book["待修正"].iter_rows(min_row=2, values_only=True)]
    dup = {r[-1]: r[-2] for r in book["重复"].iter_rows(min_row=2, values_only=True)}
    assert 7 not in fix_rows
    assert "已是 CRM 中的联系人「吴敏」" in dup[7]


def test_strict_rejects_a_name_dingtalk_would_assign_at_random(tmp_path: Path) -> None:
    lenient = validate(LIST, out=tmp_path / "a", staff=STAFF)
    strict = validate(LIST, out=tmp_path / "b", staff=STAFF, strict=True)
    ambiguous = [i for i in strict.issues if i.code == "person.ambiguous"]
    assert [i.row for i in ambiguous] == [10]
    assert ambiguous[0].severity.value == "error"
    assert strict.rows.valid == lenient.rows.valid - 1
    assert next(i for i in lenient.issues if i.code == "person.ambiguous").severity.value \
        == "warning"


def test_the_existing_export_also_works_as_csv(tmp_path: Path) -> None:
    text = io.StringIO()
    csv.writer(text).writerows([["手机", "客户名称"], ["138 0000 0002", "吴敏"],
                                ["13800000009", "钱八"]])
    export = tmp_path / "existing.csv"
    export.write_bytes(text.getvalue().encode("gbk"))
    report = validate(LIST, out=tmp_path / "out", existing=export)
    assert [i.row for i in report.issues if i.code == "duplicate.existing"] == [7]
    assert report.limit.existing == 2
    assert report.references["existing"].rows == 2


def test_the_limit_counts_the_contacts_in_the_export(tmp_path: Path) -> None:
    # 8 valid new rows and 4 existing contacts under a limit of 10: 2 rows overflow.
    report = validate(LIST, out=tmp_path / "out", existing=EXISTING, staff=STAFF, limit=10)
    assert report.limit.existing == 4 and report.limit.remaining == 6
    assert (report.rows.valid, report.rows.overflow) == (6, 2)


def test_existing_and_existing_count_together_are_a_bad_option(tmp_path: Path) -> None:
    with pytest.raises(CrmkitError) as caught:
        validate(LIST, out=tmp_path / "out", existing=EXISTING, existing_count=3)
    assert caught.value.code == "options.invalid"


def test_cli_reads_both_reference_files_and_lists_them(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(LIST), "--out", str(tmp_path / "o"),
                                 "--existing", str(EXISTING), "--staff", str(STAFF),
                                 "--format", "json"])
    assert result.exit_code == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["references"]["staff"]["rows"] == 7
    assert data["rows"]["existing"] == 1
    assert "通讯录: staff.csv（7 位同事）" in result.stderr
    assert "1 行已是 CRM 中的联系人" in result.stderr


def test_a_missing_reference_file_stops_the_run_before_anything_is_written(
    tmp_path: Path,
) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [HEADER, ["张三", "13800138000", "VIP"]])
    result = runner.invoke(app, ["validate", str(path), "--out", str(tmp_path / "o"),
                                 "--staff", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2 and "file.not_found" in result.stderr
    assert "通讯录文件（--staff）：找不到文件" in result.stderr
    assert not (tmp_path / "o").exists()


def test_a_contact_without_a_name_in_the_export_is_named_as_such(tmp_path: Path) -> None:
    export = tmp_path / "numbers.csv"
    export.write_text("手机号码\n13800000002\n", encoding="utf-8")
    report = validate(LIST, out=tmp_path / "out", existing=export)
    book = openpyxl.load_workbook(report.outputs["errors"])
    statuses = [r[-2] for r in book["重复"].iter_rows(min_row=2, values_only=True)]
    assert "已是 CRM 中的联系人「未填姓名」，不导入" in statuses


def test_owners_are_uploaded_as_the_directory_spells_them(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [
        ["姓名", "手机号码", "标签", "负责人", "共享给"],
        ["何军", "13700000001", "VIP", "李 娜", "张伟、 陈静"],
    ])
    report = validate(path, out=tmp_path / "out", staff=STAFF)
    assert report.exit_code == 0, [i.code for i in report.issues]
    sheet = openpyxl.load_workbook(report.outputs["upload"]).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert (row["负责人"], row["共享给"]) == ("李娜", "张伟,陈静")
