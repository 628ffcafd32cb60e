"""Reading the reference files: the export of existing contacts and the company directory."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from crmkit.errors import CrmkitError
from crmkit.reference import load_existing, load_staff
from crmkit.template import Template, load_template

from conftest import write_csv, write_xlsx


@pytest.fixture(scope="module")
def tpl() -> Template:
    return load_template("dingtalk-external-contact")



def phones(existing: object) -> list[tuple[str, str | None, int]]:
    frame = existing.phones  # type: ignore[attr-defined]
    return [(p, n, r) for _, p, n, r in frame.iter_rows()]


# --- existing contacts -------------------------------------------------------------------


def test_existing_xlsx_under_a_title_row_is_read_through_the_template_aliases(
    tmp_path: Path, tpl: Template,
) -> None:
    path = write_xlsx(tmp_path / "crm.xlsx", [
        ["CRM 联系人导出 2024-05-01"],
        ["联系人", "手机", "公司"],              # aliases; no 标签 column, which is required
        ["张三", 13800138000, "甲公司"],         # row 3: a float number
        ["李四", "+86 139-0013-9000", ""],       # row 4
        [None],                                  # row 5: blank, not a contact
        ["王五", "not a number", ""],            # row 6: invalid, not an error here
        ["", "", "只有公司"],                     # row 7: a contact without name or number
    ])
    existing = load_existing(path, tpl)
    assert existing.path == path
    assert existing.count == 4
    assert phones(existing) == [("13800138000", "张三", 3), ("13900139000", "李四", 4)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_existing_csv_in_any_encoding_gives_the_same_numbers(
    tmp_path: Path, tpl: Template, encoding: str,
) -> None:
    path = write_csv(tmp_path / "crm.csv", [
        ["姓名", "Mobile", "标签"], ["张三", "13800138000", "VIP"], ["", "", ""],
        ["李四", "0086 139 0013 9000", "老客户"],
    ], encoding)
    existing = load_existing(path, tpl)
    assert existing.count == 2
    assert phones(existing) == [("13800138000", "张三", 2), ("13900139000", "李四", 4)]


def test_a_number_listed_twice_in_the_export_points_at_its_first_row(
    tmp_path: Path, tpl: Template,
) -> None:
    path = write_csv(tmp_path / "crm.csv", [
        ["姓名", "手机号码"], ["张三", "13800138000"], ["张三(旧)", "138 0013 8000"],
    ])
    existing = load_existing(path, tpl)
    assert existing.count == 2
    assert phones(existing) == [("13800138000", "张三", 2)]


def test_an_export_of_numbers_only_is_enough(tmp_path: Path, tpl: Template) -> None:
    path = write_csv(tmp_path / "numbers.csv", [["手机号码"], ["13800138000"], ["13900139000"]])
    existing = load_existing(path, tpl)
    assert existing.count == 2
    assert phones(existing) == [("13800138000", None, 2), ("13900139000", None, 3)]


def test_an_export_with_a_header_only_holds_no_contacts(tmp_path: Path, tpl: Template) -> None:
    existing = load_existing(write_xlsx(tmp_path / "crm.xlsx", [["姓名", "手机号码"]]), tpl)
    assert existing.count == 0
    assert existing.phones.height == 0


def test_an_export_without_a_phone_column_is_refused_naming_the_file(
    tmp_path: Path, tpl: Template,
) -> None:
    path = write_xlsx(tmp_path / "crm.xlsx", [["姓名", "公司", "标签"], ["张三", "甲", "VIP"]])
    with pytest.raises(CrmkitError) as caught:
        load_existing(path, tpl)
    assert caught.value.code == "options.invalid"
    assert "crm.xlsx" in caught.value.message("zh")
    assert "手机号码" in caught.value.message("zh")
    assert "crm.xlsx" in caught.value.message("en")


def test_a_file_that_is_not_an_export_says_no_header_was_found(
    tmp_path: Path, tpl: Template,
) -> None:
    path = write_csv(tmp_path / "notes.csv", [["会议纪要"], ["下周一开会"]])
    with pytest.raises(CrmkitError) as caught:
        load_existing(path, tpl)
    assert caught.value.code == "header.not_found"


def test_existing_numbers_follow_the_template_output_form(
    tmp_path: Path, tpl: Template,
) -> None:
    e164 = dataclasses.replace(tpl, output=dataclasses.replace(tpl.output, phone="e164"))
    path = write_csv(tmp_path / "crm.csv", [["姓名", "手机号码"], ["张三", "13800138000"]])
    assert phones(load_existing(path, e164)) == [("+8613800138000", "张三", 2)]


# --- the company directory ---------------------------------------------------------------


def staff_rows(people: object) -> list[tuple[object, ...]]:
    frame = people.people.select(  # type: ignore[attr-defined]
        "name", "phone", "department", "status", "active", "row")
    return list(frame.iter_rows())


def test_directory_statuses_mark_who_has_left(tmp_path: Path, tpl: Template) -> None:
    path = write_xlsx(tmp_path / "staff.xlsx", [
        ["企业通讯录"],
        ["员工姓名", "手机号码", "所属部门", "在职状态"],
        ["张伟", 13600136000, "销售部", "在职"],
        ["李娜", "13500135000", "市场部", "离职"],
        ["王芳", "", "", "试用"],
        ["赵强", "", "", "已停用"],
        ["钱程", "", "", "外包"],          # unknown status: counted as active
        ["孙丽", "", "", ""],
        ["Amy", "", "", "Resigned"],
    ])
    staff = load_staff(path, tpl)
    assert staff.path == path
    assert staff_rows(staff) == [
        ("张伟", "13600136000", "销售部", "在职", True, 3),
        ("李娜", "13500135000", "市场部", "离职", False, 4),
        ("王芳", None, None, "试用", True, 5),
        ("赵强", None, None, "已停用", False, 6),
        ("钱程", None, None, "外包", True, 7),
        ("孙丽", None, None, None, True, 8),
        ("Amy", None, None, "Resigned", False, 9),
    ]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_directory_csv_with_english_headers_and_blank_names(
    tmp_path: Path, tpl: Template, encoding: str,
) -> None:
    path = write_csv(tmp_path / "staff.csv", [
        ["Name", "Mobile", "Department", "Status"],
        ["张伟", "+86 136 0013 6000", "销售部", "在职"],
        ["", "13900139000", "财务部", "在职"],       # a row without a name is left out
        ["张 伟", "13600136000", "市场部", "在职"],  # the same person in a second department
    ], encoding)
    staff = load_staff(path, tpl)
    assert staff.blank_names == 1
    assert staff_rows(staff) == [("张伟", "13600136000", "销售部、市场部", "在职", True, 2)]


def test_namesakes_with_different_numbers_stay_two_people(tmp_path: Path, tpl: Template) -> None:
    path = write_csv(tmp_path / "staff.csv", [
        ["姓名", "手机", "部门"],
        ["张伟", "13600136000", "销售部"], ["张伟", "13500135000", "销售部"],
        ["李雷", "", "一部"], ["李雷", "", "二部"], ["韩梅", "", "一部"], ["韩梅", "", "一部"],
    ])
    names = [row[0] for row in staff_rows(load_staff(path, tpl))]
    assert names == ["张伟", "张伟", "李雷", "李雷", "韩梅"]


def test_directory_phones_follow_the_template_output_form(
    tmp_path: Path, tpl: Template,
) -> None:
    e164 = dataclasses.replace(tpl, output=dataclasses.replace(tpl.output, phone="e164"))
    path = write_csv(tmp_path / "staff.csv", [["姓名", "手机"], ["张伟", "136-0013-6000"]])
    assert staff_rows(load_staff(path, e164))[0][1] == "+8613600136000"


def test_directory_without_a_name_column_is_refused(tmp_path: Path, tpl: Template) -> None:
    path = write_csv(tmp_path / "staff.csv", [["手机", "部门"], ["13600136000", "销售部"]])
    with pytest.raises(CrmkitError) as caught:
        load_staff(path, tpl)
    assert caught.value.code == "header.missing"
    assert "姓名" in caught.value.message("zh")


def test_directory_naming_nobody_is_refused(tmp_path: Path, tpl: Template) -> None:
    path = write_csv(tmp_path / "staff.csv", [["姓名", "手机", "部门"], ["", "13600136000", "x"]])
    with pytest.raises(CrmkitError) as caught:
        load_staff(path, tpl)
    assert caught.value.code == "options.invalid"
    assert "staff.csv" in caught.value.message("zh")


def test_an_unreadable_directory_gives_the_usual_file_error(
    tmp_path: Path, tpl: Template,
) -> None:
    path = tmp_path / "staff.xlsx"
    path.write_bytes(b"")
    with pytest.raises(CrmkitError) as caught:
        load_staff(path, tpl)
    assert caught.value.code == "file.empty"
    assert "staff.xlsx" in caught.value.message("en")


# --- columns crmkit does not use ---------------------------------------------------------


@pytest.mark.parametrize(("header", "row"), [
    (["客户名称", "联系人", "手机"], ["甲公司", "张三", "13800138000"]),  # both 姓名 aliases
    (["跟进人", "归属人", "手机"], ["李四", "王五", "13800138000"]),      # both owner aliases
    (["手机", "邮箱", "标签"], ["13800138000", "not an email", "VIP,,"]),  # unchecked cells
])
def test_columns_the_export_check_does_not_use_never_stop_it(
    tmp_path: Path, tpl: Template, header: list[str], row: list[str],
) -> None:
    existing = load_existing(write_csv(tmp_path / "crm.csv", [header, row]), tpl)
    assert existing.count == 1
    assert [p for p, _, _ in phones(existing)] == ["13800138000"]


def test_of_two_phone_columns_the_earlier_name_of_the_field_is_compared(
    tmp_path: Path, tpl: Template,
) -> None:
    path = write_csv(tmp_path / "crm.csv", [
        ["姓名", "电话", "手机"], ["张三", "01012345678", "13800138000"]])
    assert phones(load_existing(path, tpl)) == [("13800138000", "张三", 2)]


def test_the_phone_fields_own_header_wins_over_its_aliases(
    tmp_path: Path, tpl: Template,
) -> None:
    path = write_csv(tmp_path / "crm.csv", [
        ["客户名称", "手机", "联系人", "手机号码"],
        ["甲公司", "13900139000", "张三", "13800138000"],
    ])
    assert phones(load_existing(path, tpl)) == [("13800138000", "甲公司", 2)]


def test_a_cell_with_two_numbers_is_compared_by_each(tmp_path: Path, tpl: Template) -> None:
    path = write_csv(tmp_path / "crm.csv", [
        ["姓名", "手机"], ["张三", "13800000001/13900000002"], ["李四", "13900000002；13700000003"],
    ])
    existing = load_existing(path, tpl)
    assert existing.count == 2
    assert phones(existing) == [
        ("13800000001", "张三", 2), ("13900000002", "张三", 2), ("13700000003", "李四", 3)]


def test_a_directory_of_names_alone_is_read(tmp_path: Path, tpl: Template) -> None:
    path = write_csv(tmp_path / "staff.csv", [["姓名"], ["张伟"], ["李娜"]])
    assert staff_rows(load_staff(path, tpl)) == [
        ("张伟", None, None, None, True, 2), ("李娜", None, None, None, True, 3)]


def test_namesakes_without_numbers_differing_in_any_cell_stay_two_people(
    tmp_path: Path, tpl: Template,
) -> None:
    path = write_csv(tmp_path / "staff.csv", [
        ["姓名", "工号", "状态"],
        ["张伟", "001", "在职"], ["张伟", "002", "在职"],   # two people: the 工号 differs
        ["李娜", "003", "在职"], ["李娜", "003", "在职"],   # the same row twice: one person
    ])
    assert [(r[0], r[5]) for r in staff_rows(load_staff(path, tpl))] == [
        ("张伟", 2), ("张伟", 3), ("李娜", 4)]
