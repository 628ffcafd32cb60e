"""Templates: the shipped DingTalk template, and strict loading with key paths in errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmkit.errors import CrmkitError
from crmkit.template import builtin_dir, builtin_names, load_template
from crmkit.template_toml import parse_template

ROOT = Path(__file__).resolve().parents[1]


def minimal(**extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "t", "fields": [{"key": "name", "header": "姓名", "required": True}],
    }
    data.update(extra)
    return data


def test_default_template_has_the_dingtalk_columns_in_order() -> None:
    tpl = load_template()
    assert tpl.name == "dingtalk-external-contact"
    assert [f.header for f in tpl.fields] == [
        "姓名", "手机号码", "标签", "公司", "职位", "邮箱", "地址", "备注", "负责人", "共享给",
    ]
    assert {f.header for f in tpl.fields if f.required} == {"姓名", "手机号码", "标签"}
    mobile = next(f for f in tpl.fields if f.key == "mobile")
    assert mobile.type == "phone" and mobile.unique and mobile.number_types == ("mobile",)


def test_default_template_carries_the_certification_tier_limits() -> None:
    tpl = load_template()
    assert {t.key: t.max for t in tpl.tiers} == {
        "team": 2000, "primary": 2000, "intermediate": 10000, "advanced": 20000,
    }
    assert tpl.default_tier == "team"


def test_repo_templates_folder_is_the_packaged_one() -> None:
    # templates/ at the repo root is what a pip-installed crmkit ships.
    assert (ROOT / "templates").resolve() == builtin_dir().resolve()
    assert "dingtalk-external-contact" in builtin_names()


def test_template_loads_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('name = "mine"\n[[fields]]\nkey = "n"\nheader = "姓名"\n', encoding="utf-8")
    assert load_template(path).name == "mine"
    assert load_template(str(path)).source == str(path)


def test_unknown_template_name_lists_the_builtin_ones() -> None:
    with pytest.raises(CrmkitError) as err:
        load_template("no-such-template")
    assert err.value.code == "template.not_found"
    assert "dingtalk-external-contact" in err.value.message()


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (minimal(colour="red"), "colour: unknown key"),
        (minimal(fields=[{"key": "p", "header": "手机", "type": "phon"}]),
         'fields[0].type: unknown type "phon", did you mean "phone"?'),
        (minimal(fields=[{"key": "p", "header": "手机", "requierd": True}]),
         'fields[0].requierd: unknown key, did you mean "required"?'),
        (minimal(fields=[{"key": "a", "header": "姓名"}, {"key": "b", "header": "名字",
                                                          "aliases": ["姓名*"]}]),
         'fields[1].aliases: "姓名*" also names the field "姓名" (a)'),
        (minimal(fields=[{"key": "a", "header": "A"}, {"key": "a", "header": "B"}]),
         "fields[1].key"),
        (minimal(fields=[{"key": "a", "header": "A", "max_length": 0}]),
         "fields[0].max_length: must be a positive whole number"),
        (minimal(limits={"tiers": {"team": {"max": -5}}}), "limits.tiers.team.max"),
        (minimal(limits={"default_tier": "gold", "tiers": {"team": {"max": 5}}}),
         "limits.default_tier"),
        (minimal(output={"phone": "intl"}), "output.phone: must be one of national"),
        (minimal(fields=[]), "fields: a template needs at least one field"),
        (minimal(fields=[{"key": "a", "header": "A", "required": "yes"}]),
         "fields[0].required: must be true or false"),
        (minimal(format_version=99), "format_version: the template is in format 99"),
        (minimal(output={"sheet": "客户/联系人"}), "output.sheet: an Excel sheet name"),
        (minimal(output={"sheet": "x" * 32}), "output.sheet"),
    ],
)
def test_template_mistakes_name_the_key_path(data: dict[str, object], fragment: str) -> None:
    with pytest.raises(CrmkitError) as err:
        parse_template(data, source="t.toml")
    assert err.value.code == "template.invalid"
    assert fragment in err.value.message()


def test_broken_toml_is_a_template_error_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('name = "x\n', encoding="utf-8")
    with pytest.raises(CrmkitError) as err:
        load_template(path)
    assert err.value.code == "template.invalid"


def field(**extra: object) -> dict[str, object]:
    return minimal(fields=[{"key": "a", "header": "A", **extra}])


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (field(type="number", default="abc"), 'fields[0].default: "abc" is not a number'),
        (field(type="number", min=0, default="-1"), "is outside min and max"),
        (field(type="choice", options=["A"], default="D"), "is not one of the options"),
        (field(type="bool", default="maybe"), "is not a yes or no"),
        (field(type="date", default="01/02/2024"), "is not a date written year first"),
        (field(pattern="VIP\\d+", default="X1"), "does not match the pattern"),
        (minimal(tag_groups=[{"name": "服务", "tags": ["24/7"]}]),
         'tag_groups[0].tags[0]: "24/7" holds : or /'),
        (minimal(region="ZZ"), 'region: "ZZ" is not a region code'),
        (field(type="phone", regions=["CN", "XX"]), 'fields[0].regions[1]: "XX" is not a region'),
        (minimal(output={"sheet": "选项"}), "is a sheet of the blank workbook"),
        (minimal(output={"phone": "state_code+mobile", "state_code_header": "姓名"}),
         'output.state_code_header: "姓名" also names a field'),
    ],
)
def test_values_a_run_would_trip_over_are_caught_when_loading(
    data: dict[str, object], fragment: str
) -> None:
    with pytest.raises(CrmkitError) as err:
        parse_template(data, source="t.toml")
    assert fragment in err.value.message()


def test_defaults_and_options_match_as_cells_do() -> None:
    tpl = parse_template(minimal(fields=[
        {"key": "level", "header": "级别", "type": "choice", "options": ["A（重点）", "A（其他）"],
         "default": "a（重点）"},
        {"key": "ok", "header": "签约", "type": "bool", "default": "YES"},
    ]))
    level = tpl.fields[0]
    assert [o.value for o in level.options] == ["A（重点）", "A（其他）"]
    assert level.default == "a（重点）"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (field(unique=True, default="无"), "a unique field cannot have a default"),
        (field(header=""), "fields[0].header: must not be empty"),
        (minimal(tag_groups=[{"name": "g", "tags": ["", "a"]}]),
         "tag_groups[0].tags[0]: must not be empty"),
        (minimal(output={"separator": "/"}), "output.separator: cannot hold : or /"),
        (minimal(fields=[{"key": "客户", "header": "客户"}]),
         "fields[0].key: must be a name of ASCII letters"),
        (minimal(tag_groups=[{"name": ["x"], "tags": ["a"]}]),
         "tag_groups[0].name: must be a non-empty string"),
    ],
)
def test_more_values_a_run_would_trip_over(data: dict[str, object], fragment: str) -> None:
    with pytest.raises(CrmkitError) as err:
        parse_template(data, source="t.toml")
    assert fragment in err.value.message()


def test_a_template_saved_with_a_bom_loads(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + 'name = "bom"\n[[fields]]\nkey = "n"\nheader = "姓名"\n'
                     .encode())
    assert load_template(path).name == "bom"


def test_retyping_an_inherited_field_drops_its_default(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(
        'name = "a"\n[[fields]]\nkey = "level"\nheader = "级别"\ntype = "choice"\n'
        'options = ["A", "B"]\ndefault = "B"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text(
        'name = "b"\nextends = "a"\n[[fields]]\nkey = "level"\ntype = "number"\n',
        encoding="utf-8")
    level = load_template(tmp_path / "b.toml").fields[0]
    assert (level.type, level.default, level.options) == ("number", None, ())


def test_a_local_template_may_extend_the_shipped_one_of_its_name(tmp_path: Path) -> None:
    path = tmp_path / "dingtalk-external-contact.toml"
    path.write_text('name = "mine"\nextends = "dingtalk-external-contact"\n', encoding="utf-8")
    tpl = load_template(path)
    assert tpl.name == "mine" and len(tpl.fields) == 10
