"""The templates crmkit ships and the example templates: all pass `crmkit template check`, and
each resolves to what it promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmkit.template import Template, builtin_dir, builtin_names, load_template
from crmkit.template_toml import check_template_file

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "templates"
ACME = EXAMPLES / "acme-customers.toml"

SHIPPED = sorted(builtin_dir().glob("*.toml"))
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.toml"))


@pytest.mark.parametrize("path", SHIPPED + EXAMPLE_FILES, ids=lambda p: p.name)
def test_template_passes_check(path: Path) -> None:
    template, problems = check_template_file(path)
    assert [str(p) for p in problems] == []
    assert template is not None


def test_the_shipped_and_example_templates_are_there() -> None:
    assert {"dingtalk-external-contact", "dingtalk-crm-customer"} <= set(builtin_names())
    assert ACME in EXAMPLE_FILES


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_shipped_template_is_named_after_its_file(path: Path) -> None:
    # `--template NAME` finds the file by name, and reports show the template's own name
    template, _ = check_template_file(path)
    assert template is not None and template.name == path.stem


# --- DingTalk CRM customers ------------------------------------------------------------------


@pytest.fixture(scope="module")
def crm() -> Template:
    return load_template("dingtalk-crm-customer")


def test_crm_template_has_its_required_and_locked_fields(crm: Template) -> None:
    assert crm.title == "钉钉 CRM 客户" and crm.region == "CN" and crm.output.sheet == "客户"
    required = {f.header for f in crm.fields if f.required}
    assert required == {"客户名称", "联系人", "手机号码", "标签"}
    assert {f.header for f in crm.fields if f.locked} == {"客户名称", "手机号码", "标签"}
    customer, mobile, tags = crm.field("customer"), crm.field("mobile"), crm.field("tags")
    assert customer is not None and customer.header == "客户名称"
    assert mobile is not None and mobile.type == "phone" and mobile.unique
    assert mobile.number_types == ("mobile",)
    assert tags is not None and tags.type == "tags"


def test_crm_template_columns_in_order(crm: Template) -> None:
    assert [f.header for f in crm.fields] == [
        "客户名称", "客户级别", "客户来源", "所属行业", "联系人", "手机号码", "固定电话", "邮箱",
        "省份", "城市", "区县", "详细地址", "下次联系时间", "备注", "负责人", "标签",
    ]
    types = {f.header: f.type for f in crm.fields}
    assert types["客户级别"] == types["客户来源"] == types["所属行业"] == "choice"
    assert types["联系人"] == "text" and types["负责人"] == "person"
    assert types["固定电话"] == "phone" and types["下次联系时间"] == "date"
    landline = crm.field("landline")
    assert landline is not None and "mobile" not in landline.number_types
    assert {"fixed_line", "voip"} <= set(landline.number_types)


def test_crm_choices(crm: Template) -> None:
    level, source = crm.field("level"), crm.field("source")
    assert level is not None and source is not None
    levels = {o.value: o.aliases for o in level.options}
    assert list(levels) == ["A（重点客户）", "B（普通客户）", "C（非优先客户）"]
    for value, short, word in zip(levels, "ABC", ("重点", "普通", "非优先"), strict=True):
        assert short in levels[value] and word in levels[value]
    assert [o.value for o in source.options] == [
        "电话营销", "主动来电", "客户介绍", "独立开发", "媒体宣传", "促销活动", "老客户",
        "代理商", "合作伙伴", "公开招标", "互联网", "展会", "其他",
    ]


def test_crm_template_help_and_limits(crm: Template) -> None:
    assert all(f.help for f in crm.fields)
    notes = crm.field("notes")
    assert notes is not None and notes.max_length == 1000
    assert {t.key: t.max for t in crm.tiers} == {
        "team": 2000, "primary": 2000, "intermediate": 10000, "advanced": 20000,
    }
    assert crm.default_tier == "team"


# --- the Acme example ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def acme() -> Template:
    return load_template(ACME)


def test_acme_extends_the_external_contact_template(acme: Template) -> None:
    assert acme.name == "acme-customers"
    assert acme.extends == ("dingtalk-external-contact",)
    assert acme.default_tier == "intermediate"
    assert {t.key: t.max for t in acme.tiers}["intermediate"] == 10000


def test_acme_removes_the_job_title(acme: Template) -> None:
    assert acme.field("title") is None
    assert "职位" not in {f.header for f in acme.fields}


def test_acme_renames_the_address_keeping_the_old_header(acme: Template) -> None:
    address = acme.field("address")
    assert address is not None and address.header == "联系地址"
    assert "地址" in address.aliases


def test_acme_keeps_the_locked_fields(acme: Template) -> None:
    base = load_template("dingtalk-external-contact")
    for f in (f for f in base.fields if f.locked):
        mine = acme.field(f.key)
        assert mine is not None and mine.locked and mine.required
        assert (mine.header, mine.type) == (f.header, f.type)


def test_acme_custom_fields_and_order(acme: Template) -> None:
    types = {f.header: f.type for f in acme.fields}
    assert {h: types.get(h) for h in (
        "客户级别", "兴趣爱好", "重要日期", "年消费额", "是否签约", "官网", "会员编号")} == {
        "客户级别": "choice", "兴趣爱好": "text", "重要日期": "date", "年消费额": "number",
        "是否签约": "bool", "官网": "url", "会员编号": "text",
    }
    keys = [f.key for f in acme.fields]
    assert keys[:8] == ["name", "mobile", "member_id", "customer_level", "company", "tags",
                        "signed", "annual_spend"]
    level = acme.field("customer_level")
    assert level is not None and [o.value for o in level.options] == ["A", "B", "C"]
    assert all(o.aliases for o in level.options)
    spend, member = acme.field("annual_spend"), acme.field("member_id")
    assert spend is not None and spend.minimum == 0 and spend.decimals == 2
    assert member is not None and member.pattern == r"^VIP\d{6}$"
    hobbies = acme.field("hobbies")
    assert hobbies is not None and hobbies.max_length == 50


def test_acme_tag_groups(acme: Template) -> None:
    groups = {g.name: g for g in acme.tag_groups}
    assert list(groups) == ["客户阶段", "来源渠道", "兴趣"]
    assert groups["客户阶段"].tags == ("潜在客户", "意向客户", "成交客户", "流失客户")
    assert groups["来源渠道"].tags == ("展会", "官网", "转介绍")
    assert groups["兴趣"].tags == ("茶叶", "咖啡", "红酒")
    assert groups["客户阶段"].exclusive and groups["来源渠道"].exclusive
    assert not groups["兴趣"].exclusive
    assert len({g.colour for g in acme.tag_groups}) == 3
