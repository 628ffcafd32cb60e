"""Suspected duplicates: the same person and company under two numbers, warned, not rejected."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from crmkit.catalogue import Severity
from crmkit.report import Issue
from crmkit.suspects import company_core, find_suspects
from crmkit.table import read_table
from crmkit.template import Template, load_template

from conftest import HEADER, write_xlsx

BASE = load_template()
CRM = load_template("dingtalk-crm-customer")


def suspects(path: Path, rows: Sequence[Sequence[object]], tpl: Template = BASE,
             header: list[str] = HEADER) -> list[Issue]:
    table = read_table(write_xlsx(path, [header, *rows]), tpl)
    return find_suspects(table.frame, tpl, table.header_map.by_field, table.sheet)


def pairs(issues: list[Issue]) -> list[tuple[int | None, int]]:
    return [(i.row, i.params["other_row"]) for i in issues]


def test_same_name_and_company_with_another_number_is_a_suspect(tmp_path: Path) -> None:
    found = suspects(tmp_path / "in.xlsx", [
        ["张三", "13800138000", "VIP", "华为技术有限公司"],          # 2
        ["李四", "13700137000", "VIP", "华为技术有限公司"],          # 3: another person
        ["张三", "13900139000", "VIP", "华为技术（中国）有限公司"],  # 4
    ])
    (issue,) = found
    assert (issue.row, issue.column, issue.header, issue.value) == (4, "B", "手机号码",
                                                                   "13900139000")
    assert issue.severity is Severity.WARNING
    assert issue.message() == (
        "这一行与第 2 行可能是同一位客户：姓名「张三」和公司「华为技术」相同，但号码不同。"
        "请核对；如果是同一人，只保留一行，把另一个号码写到备注。"
    )
    assert 'the same name "张三" and company "华为技术"' in issue.message("en")


def test_company_suffixes_spaces_width_and_case_do_not_matter(tmp_path: Path) -> None:
    found = suspects(tmp_path / "in.xlsx", [
        ["John Smith", "13800138000", "VIP", "Acme Co., Ltd."],
        ["john  smith", "13900139000", "VIP", "ＡＣＭＥ Inc."],
        ["JOHN SMITH", "13700137000", "VIP", "acme llc"],
        ["王五", "13600136000", "VIP", "深圳腾讯集团"],
        ["王 五", "13500135000", "VIP", "深圳腾讯股份有限公司"],
        ["王五", "13400134000", "VIP", "深圳腾讯公司"],
    ])
    assert pairs(found) == [(3, 2), (4, 2), (6, 5), (7, 5)]


def test_branch_offices_and_city_prefixes_are_different_companies(tmp_path: Path) -> None:
    found = suspects(tmp_path / "in.xlsx", [
        ["张三", "13800138000", "VIP", "华为技术有限公司北京分公司"],
        ["张三", "13900139000", "VIP", "华为技术有限公司上海分公司"],
        ["张三", "13700137000", "VIP", "华为技术有限公司"],
        ["张三", "13600136000", "VIP", "北京华为技术有限公司"],
        ["张三", "13500135000", "VIP", "华为技术北京分公司"],  # the Beijing office again
    ])
    assert pairs(found) == [(6, 2)]


def test_the_same_number_is_a_duplicate_not_a_suspect(tmp_path: Path) -> None:
    found = suspects(tmp_path / "in.xlsx", [
        ["张三", "13800138000", "VIP", "华为"],
        ["张三", "138 0013 8000", "VIP", "华为"],   # duplicate.in_file of row 2
        ["张三", "13900139000", "VIP", "华为"],     # suspect
        ["张三", "13900139000", "VIP", "华为"],     # duplicate of row 4: not reported again
    ])
    assert pairs(found) == [(4, 2)]


def test_rows_without_a_name_company_or_valid_number_are_not_suspects(tmp_path: Path) -> None:
    found = suspects(tmp_path / "in.xlsx", [
        ["张三", "13800138000", "VIP", ""],
        ["张三", "13900139000", "VIP", ""],
        ["", "13700137000", "VIP", "华为"],
        ["", "13600136000", "VIP", "华为"],
        ["李四", "13500135000", "VIP", "有限公司"],   # nothing left of the company
        ["李四", "13400134000", "VIP", "有限公司"],
        ["王五", "13300133000", "VIP", "华为"],
        ["王五", "12345", "VIP", "华为"],             # invalid number: rejected for that
    ])
    assert found == []


def test_without_a_company_field_the_same_name_is_not_enough(tmp_path: Path) -> None:
    tpl = dataclasses.replace(BASE, fields=tuple(f for f in BASE.fields if f.key != "company"))
    found = suspects(tmp_path / "in.xlsx", [
        ["张伟", "13800138000", "VIP"], ["张伟", "13900139000", "VIP"],
    ], tpl, ["姓名", "手机号码", "标签"])
    assert found == []


def test_a_template_without_the_company_column_in_the_file_has_no_suspects(
    tmp_path: Path,
) -> None:
    found = suspects(tmp_path / "in.xlsx", [
        ["张伟", "13800138000", "VIP"], ["张伟", "13900139000", "VIP"],
    ], header=["姓名", "手机号码", "标签"])
    assert found == []


def test_crm_customers_compare_the_contact_and_the_customer(tmp_path: Path) -> None:
    found = suspects(tmp_path / "in.xlsx", [
        ["杭州某某科技有限公司", "张三", "13800138000", "VIP"],
        ["杭州某某科技股份有限公司", "张三", "13900139000", "VIP"],
    ], CRM, ["客户名称", "联系人", "手机号码", "标签"])
    assert pairs(found) == [(3, 2)]
    assert "公司「杭州某某科技」" in found[0].message()


def test_the_company_core_keeps_what_tells_companies_apart() -> None:
    names = ["华为技术（中国）有限公司", "华润（集团）有限公司", "Huawei Technologies Co.,Ltd",
             "Costco", "Tesco PLC", "华为技术有限公司北京分公司", "Inc."]
    core = pl.DataFrame({"n": names}).select(company_core(pl.col("n"))).to_series()
    assert core.to_list() == ["华为技术", "华润", "Huawei Technologies", "Costco", "Tesco",
                              "华为技术北京分公司", None]
