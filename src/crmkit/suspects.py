"""Suspected duplicates: the same person under two phone numbers, which the phone cannot catch.

Two rows are suspects when the person's name and the company are the same after normalising
and their (valid) phone numbers differ. Rows with the same number are `duplicate.in_file`
already. The name alone is not enough (there are too many 张伟s), so a template without a
company field has no suspects, and neither has a row with an empty name or company. Suspects
are warnings: both rows are imported unless the user decides otherwise.

Companies are compared without their legal form (有限公司, 股份有限公司, 集团, (中国), Co., Ltd.,
Inc., LLC, Corp. ...), so 华为技术有限公司 and 华为技术（中国）有限公司 match. What tells two
companies or offices apart is kept: a city prefix (北京华为 is not 华为) and a branch
(华为技术有限公司北京分公司 and ...上海分公司 are different offices, and neither is the head
office).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from crmkit.catalogue import Bilingual
from crmkit.headers import Column
from crmkit.report import Issue
from crmkit.rules import ROW, suffixed
from crmkit.template import Template

#: the field holding the person's name: 姓名 (external contacts) or 联系人 (CRM customers)
NAME_KEYS = ("name", "contact")
#: the field holding the company: 公司 (external contacts) or 客户名称 (CRM customers)
COMPANY_KEYS = ("company", "customer")

#: Chinese legal forms, removed wherever they are (they are never part of a name proper)
_LEGAL_ZH = r"股份有限公司|有限责任公司|有限公司|股份公司|集团"
#: (中国) / (China) after NFKC has made full-width brackets ASCII
_CHINA = r"(?i)\(\s*(中国|中國|china)\s*\)"
#: a bare 公司 at the end; 分公司 is hidden from it first (a branch is not a legal form)
_BARE_COMPANY = r"公司$"
#: English legal forms at the end, with the punctuation around them ("Acme Co., Ltd."). The
#: character before must not be a Latin letter or digit (Costco keeps its "co"); it is
#: captured and put back, as the regex engine has no look-behind.
_LEGAL_EN = (
    r"(?i)(^|[^a-z0-9])(co\.?,?\s*ltd|ltd|limited|inc|incorporated|llc|l\.l\.c|corp|"
    r"corporation|co|company|plc)[\s.,]*$"
)
#: a stand-in for 分公司 while legal forms are removed; a private-use character
_BRANCH = "\ue000"
#: English suffixes may stack ("Acme Holdings Co., Ltd. Inc."): strip this many times
_EN_PASSES = 3


def company_core(column: pl.Expr) -> pl.Expr:
    """A company name without its legal form, as a person reads it: what suspects compare
    (through `compare_key`) and what their message shows."""
    text = column.str.normalize("NFKC").str.replace_all(r"\s+", " ").str.strip_chars()
    text = text.str.replace_all("分公司", _BRANCH, literal=True)
    text = text.str.replace_all(_LEGAL_ZH, "").str.replace_all(_CHINA, "")
    text = text.str.replace(_BARE_COMPANY, "")
    for _ in range(_EN_PASSES):
        text = text.str.replace(_LEGAL_EN, "$1")
    text = text.str.replace_all(_BRANCH, "分公司", literal=True)
    # 华润(集团)有限公司 leaves empty brackets behind.
    text = text.str.replace_all(r"\(\s*\)", "").str.strip_chars(" ,.;:-_&·")
    return pl.when(text != "").then(text)


def compare_key(column: pl.Expr) -> pl.Expr:
    """Text as suspects compare it: NFKC, letters and digits only, case folded; null when
    nothing is left."""
    key = column.str.normalize("NFKC").str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]", "")
    return pl.when(key != "").then(key)


def find_suspects(
    frame: pl.DataFrame, tpl: Template, columns: Mapping[str, Column], sheet: str,
) -> list[Issue]:
    """`duplicate.suspected` on each row whose person and company are those of an earlier row
    but whose phone number differs; it names the earliest such row. A row that repeats a
    number already seen in its group is a duplicate, not a suspect, and is not reported
    again."""
    name = next((k for k in NAME_KEYS if k in columns), None)
    company = next((k for k in COMPANY_KEYS if k in columns), None)
    phone = next(
        (f.key for f in tpl.fields if f.type == "phone" and f.unique and f.key in columns),
        None,
    )
    if name is None or company is None or phone is None:
        return []
    col = columns[phone]
    keyed = frame.select(
        ROW,
        original=pl.col(f"c{col.index}"),
        phone=pl.col(phone),
        name=pl.col(suffixed(name, "raw")),
        company=company_core(pl.col(suffixed(company, "raw"))),
    ).with_columns(
        name_key=compare_key(pl.col("name")), company_key=compare_key(pl.col("company")),
    ).drop_nulls(["phone", "name_key", "company_key"])
    person = ("name_key", "company_key")
    suspects = keyed.with_columns(
        other_row=pl.col(ROW).min().over(person),
        first_of_number=pl.col(ROW).min().over(*person, "phone"),
    ).filter(
        (pl.col(ROW) == pl.col("first_of_number")) & (pl.col(ROW) != pl.col("other_row"))
    ).sort(ROW)
    return [
        Issue(
            code="duplicate.suspected", row=row, column=col.letter, header=col.header,
            field=phone, value=original, sheet=sheet,
            params={
                "other_row": other_row,
                "detail": Bilingual(f"姓名「{person_name}」和公司「{company_name}」",
                                    f"name \"{person_name}\" and company \"{company_name}\""),
            },
        )
        for row, original, person_name, company_name, other_row in suspects.select(
            ROW, "original", "name", "company", "other_row"
        ).iter_rows()
    ]
