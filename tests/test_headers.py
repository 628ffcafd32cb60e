"""Header rows: found below titles, over two rows, matched through aliases, markers and
similarity, overridden by --map, mapped strictly."""

from __future__ import annotations

import pytest

from crmkit.errors import CrmkitError
from crmkit.header_match import parse_mapping
from crmkit.headers import (
    REASON_HEADER,
    HeaderMap,
    column_index,
    column_letter,
    find_header_row,
    header_rows,
    map_headers,
    normalise_header,
)
from crmkit.template import Field, Template, load_template


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
    assert column_index(letter) == column_index(letter.lower()) == index


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


@pytest.mark.parametrize(
    ("header", "field", "feeds", "outranked"),
    [(["姓名", "手机号码", "手机号码(备用)", "标签"], "mobile", "B", ["手机号码(备用)"]),
     (["姓名", "姓名(拼音)", "手机号码", "标签"], "name", "A", ["姓名(拼音)"]),
     (["姓名", "手机", "手机号码", "标签"], "mobile", "C", ["手机"]),
     (["姓名", "*手机号码（必填）", "手机", "标签"], "mobile", "C", ["*手机号码（必填）"])],
)
def test_of_two_columns_for_one_field_the_better_named_feeds_it(
    header: list[str], field: str, feeds: str, outranked: list[str],
) -> None:
    # exact header or key, then an alias, then a normalised name
    mapping = map_headers(header, 0, load_template())
    assert mapping.by_field[field].letter == feeds
    assert [c.header for c in mapping.unmapped()] == outranked


def test_two_columns_naming_one_field_equally_well_stop_the_check() -> None:
    for header, listed in [
        (["姓名", "手机", "手机号码", "手机号码", "标签"], ["C「手机号码」", "D「手机号码」"]),
        (["姓名", "手机", "电话", "标签"], ["B「手机」", "C「电话」"]),  # both aliases
    ]:
        with pytest.raises(CrmkitError) as err:
            map_headers(header, 0, load_template())
        assert err.value.code == "header.duplicate"
        # only the tied columns: deleting or renaming one of them settles it
        assert err.value.message().startswith(f"列 {'、'.join(listed)} 都对应字段「手机号码」")
        assert "{" not in err.value.message("en")


def test_an_outranked_column_is_not_taken_for_another_field_by_similarity() -> None:
    tpl = template_of(Field("name", "姓名", required=True), Field("mobile", "手机号码"),
                      Field("mobile2", "手机号码2"))
    mapping = map_headers(["姓名", "手机号码", "手机号码(备用)"], 0, tpl)
    assert set(mapping.by_field) == {"name", "mobile"}
    assert [c.header for c in mapping.unmapped()] == ["手机号码(备用)"]


def test_missing_required_column_stops_the_check_and_names_aliases() -> None:
    with pytest.raises(CrmkitError) as err:
        map_headers(["姓名", "手机号码", "公司"], 3, load_template())
    assert err.value.code == "header.missing"
    message = err.value.message()
    assert "标签" in message and "第 4 行" in message and "客户标签" in message


# --- fuzzy matching --------------------------------------------------------------------------


def mapped(mapping: HeaderMap) -> dict[str, tuple[str, str, int | None]]:
    """field key -> (column letter, how it matched, fuzzy score)."""
    return {k: (c.letter, c.match, c.score) for k, c in mapping.by_field.items()}


def test_exact_alias_and_normalised_matches_say_how_they_matched() -> None:
    mapping = map_headers(["姓名", "Mobile", "*标签（必填）", "name_x"], 0, load_template())
    assert mapped(mapping) == {
        "name": ("A", "exact", None), "mobile": ("B", "alias", None),
        "tags": ("C", "normalised", None),
    }
    assert mapping.columns[3].match == ""


@pytest.mark.parametrize(("header", "field", "score"),
                         [("手机号吗", "mobile", 86), ("Mobil", "mobile", 91),
                          ("公司名", "company", 86), ("负责人员", "owner", 86)])
def test_a_typo_in_a_header_is_matched_by_similarity(header: str, field: str, score: int) -> None:
    header_row = ["姓名", "手机号码", "标签", header] if field != "mobile" else [
        "姓名", header, "标签"]
    column = map_headers(header_row, 0, load_template()).by_field[field]
    assert (column.header, column.match, column.score) == (header, "fuzzy", score)


@pytest.mark.parametrize("header", ["备注1", "电子邮件地址", "客户来源", "所在城市", "职称", "地区",
                                    "Emial"])
def test_other_columns_are_not_taken_for_a_similar_field(header: str) -> None:
    mapping = map_headers(["姓名", "手机号码", "标签", header], 0, load_template())
    assert set(mapping.by_field) == {"name", "mobile", "tags"}
    assert [c.header for c in mapping.unmapped()] == [header]


def test_a_field_is_never_matched_by_similarity_to_a_longer_name() -> None:
    # partial matching would score 公司 against 公司地址 at 100
    tpl = template_of(Field("name", "姓名", required=True), Field("site", "公司地址"))
    mapping = map_headers(["姓名", "公司"], 0, tpl)
    assert set(mapping.by_field) == {"name"}


def test_two_columns_as_like_one_field_map_neither() -> None:
    mapping = map_headers(["姓名", "手机号码", "标签", "Emai", "Emal", "备注1", "备注2"], 0,
                          load_template())
    assert set(mapping.by_field) == {"name", "mobile", "tags"}


def test_a_field_another_column_feeds_is_not_matched_by_similarity() -> None:
    mapping = map_headers(["姓名", "手机号码", "手机号吗", "标签"], 0, load_template())
    assert mapped(mapping)["mobile"] == ("B", "exact", None)
    assert [c.header for c in mapping.unmapped()] == ["手机号吗"]


def test_similarity_never_moves_the_header_row() -> None:
    rows = [["姓名吗", "手机号吗", "标签吗"], ["姓名", "手机号码", "x"],
            ["张三", "13800138000", ""]]
    assert find_header_row(rows, load_template()) == 1


# --- two-row headers -------------------------------------------------------------------------


def test_english_keys_under_chinese_names_make_a_two_row_header() -> None:
    rows = [["客户名单", "", "", ""], ["姓名", "手机号码", "标签", "兴趣爱好"],
            ["name", "mobile", "tags", "hobby"], ["张三", "13800138000", "VIP", "钓鱼"]]
    tpl = load_template()
    assert header_rows(rows, find_header_row(rows, tpl) or 0, tpl) == (1, 2)


def test_chinese_names_above_the_better_english_row_join_it() -> None:
    # the English row names more fields; the Chinese row above still names two of them
    rows = [["姓名", "电话号", "标签", "兴趣"], ["name", "mobile", "tags", "hobby"],
            ["张三", "13800138000", "VIP", ""]]
    tpl = load_template()
    assert find_header_row(rows, tpl) == 1
    assert header_rows(rows, 1, tpl) == (0, 1)


def test_a_data_row_or_a_title_beside_the_header_is_not_part_of_it() -> None:
    tpl = load_template()
    rows = [["客户名单 联系人", "", ""], ["姓名", "手机号码", "标签"],
            ["张三", "13800138000", "VIP"]]
    assert header_rows(rows, 1, tpl) == (1, None)
    # a customer whose notes and company happen to be field names is still data
    rows = [["姓名", "手机号码", "标签", "公司", "备注"],
            ["张三", "13800138000", "VIP", "单位", "说明"]]
    assert header_rows(rows, 0, tpl) == (0, None)


def test_group_labels_count_only_with_merged_cells() -> None:
    rows = [["基本信息", "基本信息", "联系信息", "联系信息", "标签"],
            ["姓名", "公司", "手机号码", "邮箱", "标签"], ["张三", "甲", "13800138000", "", "VIP"]]
    tpl = load_template()
    across = [((0, 0), (0, 1)), ((0, 2), (0, 3))]
    assert header_rows(rows, 1, tpl, across) == (0, 1)
    assert header_rows(rows, 1, tpl, [((0, 4), (1, 4))]) == (0, 1)  # 标签 merged down
    assert header_rows(rows, 1, tpl) == (1, None)  # a CSV: cannot be told from a title
    title = [["2024 客户名单"] * 5, *rows[1:]]
    assert header_rows(title, 1, tpl, [((0, 0), (0, 4))]) == (1, None)
    dated = [["客户名单", "客户名单", "", "导出于 2024-06-01", "导出于 2024-06-01"], *rows[1:]]
    assert header_rows(dated, 1, tpl, [((0, 0), (0, 1)), ((0, 3), (0, 4))]) == (1, None)


def test_group_labels_that_name_fields_join_the_header_without_merges() -> None:
    rows = [["姓名", "联系方式", "联系方式", "标签"], ["", "手机号码", "邮箱", ""],
            ["张三", "13800138000", "", "VIP"]]
    tpl = load_template()
    assert header_rows(rows, 0, tpl) == (0, 1)
    mapping = map_headers(rows[0], 0, tpl, second=rows[1])
    assert list(mapping.by_field) == ["name", "mobile", "email", "tags"]


def test_the_lower_header_cell_wins_when_both_name_a_field() -> None:
    # 联系方式 (an alias of 手机号码) is the group label over 手机号码 and 邮箱
    mapping = map_headers(["姓名", "联系方式", "联系方式", "标签"], 0, load_template(),
                          second=["姓名", "手机号码", "邮箱", "标签"])
    assert [(c.header, c.field.key if c.field else None) for c in mapping.columns] == [
        ("姓名", "name"), ("联系方式 / 手机号码", "mobile"), ("联系方式 / 邮箱", "email"),
        ("标签", "tags"),
    ]
    assert (mapping.row, mapping.second_row, mapping.data_row) == (0, 1, 2)


def test_a_joined_two_row_header_read_back_maps_the_same() -> None:
    # errors.xlsx carries the joined headers in one row
    mapping = map_headers(["姓名 / name", "联系方式 / 手机号码", "联系方式 / 邮箱", "标签 / tags"],
                          0, load_template())
    assert list(mapping.by_field) == ["name", "mobile", "email", "tags"]
    assert mapping.data_row == 1


# --- --map -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mapping", "column"),
    [({"联系电话": "手机号码"}, "D"), ({"D": "mobile"}, "D"), ({"d": "Mobile"}, "D"),
     ({"*联系电话": "手机"}, "D"), ({"联系电话": "Tel"}, "D")],
)
def test_map_forces_a_column_by_header_or_letter_to_a_field_by_key_header_or_alias(
    mapping: dict[str, str], column: str,
) -> None:
    result = map_headers(["姓名", "手机", "标签", "联系电话"], 0, load_template(), mapping=mapping)
    assert mapped(result)["mobile"] == (column, "forced", None)
    # the column that would have fed the field no longer does, so no header.duplicate
    assert [c.header for c in result.unmapped()] == ["手机"]


def test_map_to_nothing_ignores_a_column_without_a_warning() -> None:
    result = map_headers(["姓名", "手机", "标签", "备注2", "公司"], 0, load_template(),
                         mapping={"备注2": "", "公司": "-"})
    assert [(c.header, c.match) for c in result.columns if c.match == "ignored"] == [
        ("备注2", "ignored"), ("公司", "ignored")]
    assert result.unmapped() == [] and "company" not in result.by_field


def test_map_rescues_a_header_of_unknown_words() -> None:
    rows = [["Client", "Cell No", "Group"], ["张三", "13800138000", "VIP"]]
    tpl = load_template()
    assert find_header_row(rows, tpl) is None
    forced = {"Client": "name", "Cell No": "mobile", "Group": "tags"}
    assert find_header_row(rows, tpl, mapping=forced) == 0
    assert mapped(map_headers(rows[0], 0, tpl, mapping=forced)) == {
        "name": ("A", "forced", None), "mobile": ("B", "forced", None),
        "tags": ("C", "forced", None),
    }


@pytest.mark.parametrize(
    ("mapping", "says"),
    [({"Tel": "mobile"}, "A「姓名」、B「手机」"), ({"ZZ": "mobile"}, "「ZZ」不是表头"),
     ({"手机": "phone?"}, "mobile（手机号码）"),
     ({"手机": "mobile", "D": "手机号码"}, "一个字段只能"),
     ({"手机": "mobile", "B": "mobile"}, "一个字段只能"),
     ({"手机": "mobile", "b": "-"}, "同一列"),
     ({"备注": "notes"}, "对应多列"), ({" ": "notes"}, "没有写源列")],
)
def test_a_bad_map_stops_with_what_is_available(mapping: dict[str, str], says: str) -> None:
    with pytest.raises(CrmkitError) as err:
        map_headers(["姓名", "手机", "标签", "联系电话", "备注", "备注"], 0, load_template(),
                    mapping=mapping)
    assert err.value.code == "options.invalid"
    assert says in err.value.message()
    assert "{" not in err.value.message("en")


def test_map_option_values_are_split_at_the_last_equals_sign() -> None:
    assert parse_mapping(["联系电话=手机号码", "a=b=tags", "备注2="]) == {
        "联系电话": "手机号码", "a=b": "tags", "备注2": ""}
    for bad in (["联系电话"], ["备注=notes", " 备注 =-"]):
        with pytest.raises(CrmkitError) as err:
            parse_mapping(bad)
        assert err.value.code == "options.invalid"


def template_of(*fields: Field) -> Template:
    return Template(name="t", title="t", version="1", fields=fields)
