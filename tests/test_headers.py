"""Header rows: found below titles, matched through aliases and markers, mapped strictly."""

from __future__ import annotations

import pytest

from crmkit.errors import CrmkitError
from crmkit.headers import (
    REASON_HEADER,
    column_letter,
    find_header_row,
    map_headers,
    normalise_header,
)
from crmkit.template import load_template


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("*姓名", "姓名"),
        ("手机号码(必填)", "手机号码"),
        ("手机号码（必填）", "手机号码"),
        ("【必填】标签", "标签"),
        (" Mobile  Phone ", "mobilephone"),
        ("ＥＭＡＩＬ", "email"),
        ("姓名：", "姓名"),
    ],
)
def test_normalise_header(cell: str, expected: str) -> None:
    assert normalise_header(cell) == expected


@pytest.mark.parametrize(("index", "letter"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"),
                                                (702, "AAA")])
def test_column_letter(index: int, letter: str) -> None:
    assert column_letter(index) == letter


def test_header_row_is_found_below_a_title_and_instructions() -> None:
    rows = [
        ["2024 客户名单", "", ""],
        ["填写说明：带 * 的列必填；手机号码请填写 11 位", "", ""],
        ["*客户名称", "手机", "客户标签"],
        ["张三", "13800138000", "VIP"],
    ]
    assert find_header_row(rows, load_template()) == 2


def test_no_header_row_when_nothing_matches_two_fields() -> None:
    rows = [["日期", "金额"], ["2024-01-01", "5"], ["姓名", ""]]
    assert find_header_row(rows, load_template()) is None


def test_columns_map_through_aliases_and_unknown_ones_stay_unmapped() -> None:
    header = ["Name", "Mobile", "标签", "客户来源", "", REASON_HEADER]
    mapping = map_headers(header, 0, load_template())
    assert {k: c.letter for k, c in mapping.by_field.items()} == {
        "name": "A", "mobile": "B", "tags": "C",
    }
    assert [c.header for c in mapping.unmapped()] == ["客户来源"]


def test_two_columns_for_one_field_stop_the_check() -> None:
    with pytest.raises(CrmkitError) as err:
        map_headers(["姓名", "手机", "手机号码", "标签"], 0, load_template())
    assert err.value.code == "header.duplicate"
    assert "B「手机」" in err.value.message() and "C「手机号码」" in err.value.message()


def test_missing_required_column_stops_the_check_and_names_aliases() -> None:
    with pytest.raises(CrmkitError) as err:
        map_headers(["姓名", "手机号码", "公司"], 3, load_template())
    assert err.value.code == "header.missing"
    message = err.value.message()
    assert "标签" in message and "第 4 行" in message and "客户标签" in message
