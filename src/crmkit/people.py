"""Checks of a customer list against the reference files: numbers already in the CRM,
numbers of colleagues, and the colleagues named as owner (负责人) or share-to (共享给).

Each check takes the frame `table.read_table` made of the customer list and returns issues
located as the user sees them (sheet, row, column letter and header, the original cell).
Rows are matched with polars joins; Python loops run only over the issues found and over the
distinct unknown names (to suggest the closest ones).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl
from rapidfuzz import fuzz, process

from crmkit.catalogue import Bilingual
from crmkit.headers import Column
from crmkit.masking import mask_phone
from crmkit.normalise import NAME_SEPARATORS
from crmkit.reference import Existing, Staff, name_key
from crmkit.report import Issue
from crmkit.rules import ROW, suffixed
from crmkit.tags import join_items, split_items
from crmkit.template import Field, Template

#: how alike (rapidfuzz's ratio, 0-1) a directory name must be to be listed as close: one
#: character of a two-character name wrong (张伟 / 张玮) is 0.5
SUGGEST_CUTOFF = 0.5
#: how alike (rapidfuzz's ratio in percent, rounded) the closest name must be to become the
#: issue's suggestion, a fix one click applies: one character of three wrong (王晓明 / 王小明)
#: is 67; one of two (王芳 / 王伟) is 50, as likely another colleague as a typo
SUGGEST_STRONG = 67
#: how many close names a person.unknown message lists
SUGGEST_COUNT = 3
#: how many distinct unknown names get suggestions, the most frequent first: past that the
#: list was checked against the wrong directory, and comparing would only cost time
SUGGEST_NAMES = 1000


def check_existing(
    frame: pl.DataFrame, tpl: Template, columns: dict[str, Column], sheet: str,
    existing: Existing, *, code: str = "duplicate.existing",
) -> list[Issue]:
    """duplicate.existing for each row whose number is already a contact in the CRM (or
    `code`, duplicate.other_file, for a number of an earlier input of the same run).

    Only phone fields with unique=true (the mobile: the number DingTalk refuses as "已被添加")
    are compared, each with the same field of the export. Rows that are also in-file
    duplicates get this issue too: every copy would be refused.
    """
    issues = []
    file_name = existing.path.name
    for f, col in _unique_phones(tpl, columns):
        where = _where(f, col, sheet)
        known = existing.phones.filter(pl.col("field") == f.key).select(
            pl.col("phone").alias(f.key), existing_name="name", existing_row="row")
        hits = _located(frame, f, col).join(known, on=f.key, how="inner", maintain_order="left")
        for hit in hits.iter_rows(named=True):
            name = hit["existing_name"] or Bilingual("未填姓名", "no name")
            issues.append(_issue(code, hit, where, {
                "existing_name": name, "existing_file": file_name,
                "existing_row": hit["existing_row"],
            }))
    return issues


def check_staff_phones(
    frame: pl.DataFrame, tpl: Template, columns: dict[str, Column], sheet: str, staff: Staff,
) -> list[Issue]:
    """phone.internal_member for each row whose number belongs to a current colleague.

    The unique phone fields (the number that becomes the external contact) are compared with
    the directory's phones; colleagues who have left are not members any more, so their
    numbers may be customers'.
    """
    members = (
        staff.people.filter(pl.col("active") & pl.col("phone").is_not_null())
        .group_by("phone", maintain_order=True)
        .agg(pl.col("name").unique(maintain_order=True))
    )
    issues = []
    for f, col in _unique_phones(tpl, columns):
        where = _where(f, col, sheet)
        hits = _located(frame, f, col).join(
            members.rename({"phone": f.key}), on=f.key, how="inner", maintain_order="left")
        for hit in hits.iter_rows(named=True):
            names: list[str] = hit["name"]
            issues.append(_issue("phone.internal_member", hit, where, {
                "staff_name": Bilingual("、".join(names), ", ".join(names)),
            }))
    return issues


def check_people(
    frame: pl.DataFrame, tpl: Template, columns: dict[str, Column], sheet: str, staff: Staff,
) -> list[Issue]:
    """Issues for the colleagues named in person fields (负责人, 共享给) who are not exactly
    one current colleague in the directory.

    A cell is split into names as the person type splits it (several only where the field is
    multiple); names compare after NFKC, case and spaces ("张 伟" is 张伟). One issue per
    name that fails, the cell's text as its value:
    - person.unknown: nobody of that name; the closest current colleagues are listed. The
      suggestion is the cell with the closest one in its place, only when that one is close
      (SUGGEST_STRONG), closer than any other, and the only current colleague of its name.
    - person.ambiguous: two or more *current* colleagues share the name, so DingTalk would
      pick one at random; the message tells them apart by department and masked phone. A
      namesake who has left does not count: DingTalk assigns among members only.
    - person.inactive: everyone of that name has left; the message gives their status.
    Cells the person type already rejected (person.is_phone, person.multiple) are skipped.

    person.ambiguous is a warning here; under --strict the pipeline makes it an error.
    """
    summary = _summary(staff)
    issues = []
    for f in tpl.fields:
        if f.type != "person" or f.key not in columns:
            continue
        col = columns[f.key]
        where = _where(f, col, sheet)
        named = _names(frame, f, col).join(summary, on="key", how="left", maintain_order="left")
        verdict = (
            pl.when(pl.col("active").is_null()).then(pl.lit("person.unknown"))
            .when(pl.col("active") >= 2).then(pl.lit("person.ambiguous"))
            .when(pl.col("active") == 0).then(pl.lit("person.inactive"))
        )
        failing = named.with_columns(code=verdict).filter(pl.col("code").is_not_null())
        unknown = (
            failing.filter(pl.col("code") == "person.unknown")
            .group_by("key", maintain_order=True).len()
            .sort("len", descending=True, maintain_order=True)
        )
        closest = _closest(staff, unknown.get_column("key").head(SUGGEST_NAMES).to_list())
        ambiguous = failing.filter(pl.col("code") == "person.ambiguous").get_column("key")
        details = _ambiguity_details(staff, ambiguous.unique().to_list())
        issues += [_person_issue(hit, where, closest, details, tpl.output.separator)
                   for hit in failing.iter_rows(named=True)]
    issues.sort(key=lambda issue: issue.row or 0)  # stable: a row's fields stay in order
    return issues


def directory_spelling(
    frame: pl.DataFrame, tpl: Template, columns: dict[str, Column], staff: Staff,
) -> pl.DataFrame:
    """`frame` with the colleagues named in person fields written as the directory writes
    them: DingTalk matches a name exactly, while check_people accepts "李 娜" or
    "ＺＨＡＮＧ　ＷＥＩ" for 李娜 / zhang wei.

    A name is rewritten only when exactly one current colleague has it (after NFKC, case and
    spaces); any other name stays as the cell wrote it, for check_people to report. A cell
    naming several is joined again with the template's separator. Cells the person type
    rejected (`key#code` set) are left alone, and so is every other column.
    """
    # helper columns: a "#" never appears in a field key
    index, spelled = "#index", "#spelled"
    spelling = (
        staff.people.filter(pl.col("active")).group_by("key")
        .agg(pl.col("name").first().alias(spelled), pl.len().alias("namesakes"))
        .filter(pl.col("namesakes") == 1).drop("namesakes")
    )
    for f in tpl.fields:
        if f.type != "person" or f.key not in columns:
            continue
        respelled = (
            _names(frame.with_row_index(index), f, columns[f.key], index)
            .join(spelling, on="key", how="left", maintain_order="left")
            .group_by(index, maintain_order=True)
            .agg(pl.coalesce(spelled, "name").unique(maintain_order=True).alias("names"))
            .select(index, join_items(pl.col("names"), tpl.output.separator).alias(spelled))
        )
        frame = (
            frame.with_row_index(index)
            .join(respelled, on=index, how="left", maintain_order="left")
            .with_columns(pl.coalesce(spelled, f.key).alias(f.key))
            .drop(index, spelled)
        )
    return frame


# --- helpers -----------------------------------------------------------------------------


def _unique_phones(tpl: Template, columns: dict[str, Column]) -> list[tuple[Field, Column]]:
    return [(f, columns[f.key]) for f in tpl.fields
            if f.type == "phone" and f.unique and f.key in columns]


def _located(frame: pl.DataFrame, f: Field, col: Column) -> pl.DataFrame:
    """The rows with a valid value of `f`: that value, the row number and the cell's text."""
    return frame.select(ROW, f.key, original=pl.col(f"c{col.index}")).filter(
        pl.col(f.key).is_not_null())


def _where(f: Field, col: Column, sheet: str) -> dict[str, Any]:
    """The Issue fields shared by every issue of one column (the letter computed once)."""
    return {"sheet": sheet, "column": col.letter, "header": col.header, "field": f.key}


def _issue(
    code: str, hit: dict[str, Any], where: dict[str, Any], params: dict[str, Any],
    suggestion: str | None = None,
) -> Issue:
    return Issue(code=code, row=hit[ROW], value=hit["original"] or None,
                 suggestion=suggestion, params=params, **where)


def _person_issue(
    hit: dict[str, Any], where: dict[str, Any], closest: dict[str, tuple[list[str], str | None]],
    details: dict[str, tuple[str, str]], separator: str,
) -> Issue:
    """The issue for one name of a cell that check_people found wanting."""
    code, name = hit["code"], hit["name"]
    several = len(hit["items"]) > 1
    params: dict[str, Any]
    suggestion = None
    if code == "person.unknown":
        near, best = closest.get(hit["key"], ([], None))
        params = {"detail": _unknown_detail(name, near, several)}
        if best is not None:
            suggestion = separator.join(best if item == name else item for item in hit["items"])
    elif code == "person.ambiguous":
        zh, en = details[hit["key"]]
        params = {"count": hit["active"], "detail": Bilingual(
            _naming(name, several, zh, "zh"), _naming(name, several, en, "en"))}
    else:
        statuses = hit["statuses"] or ["离职"]
        # The message quotes the detail itself: 状态是「李四：离职」.
        who = f"{name}：" if several else ""
        params = {"detail": Bilingual(
            who + "、".join(statuses), who.replace("：", ": ") + ", ".join(statuses))}
    return _issue(code, hit, where, params, suggestion)


def _names(frame: pl.DataFrame, f: Field, col: Column, index: str = ROW) -> pl.DataFrame:
    """One row per name in the field's cells: `index` (the row), original cell, the cell's
    names, the name and its key. The template's default stands in for an empty cell, as it
    is uploaded. Cells the person type rejected are left out."""
    cells = pl.col(suffixed(f.key, "raw"))
    if f.default is not None:
        cells = cells.fill_null(pl.lit(f.default))
    rows = frame.lazy().filter(pl.col(suffixed(f.key, "code")).is_null()).select(
        pl.col(index), original=pl.col(f"c{col.index}"), cell=cells,
    ).filter(pl.col("cell").is_not_null()).collect()
    rows = rows.with_columns(items=split_items(rows.get_column("cell"), NAME_SEPARATORS))
    return (
        rows.with_columns(name=pl.col("items")).explode("name")
        .filter(pl.col("name").is_not_null())
        .with_columns(key=name_key(pl.col("name")))
    )


def _summary(staff: Staff) -> pl.DataFrame:
    """Per name key: how many current colleagues have it, and the statuses of those who left."""
    people = staff.people
    return people.group_by("key").agg(
        active=pl.col("active").sum().cast(pl.Int64),
        statuses=pl.col("status").filter(~pl.col("active")).drop_nulls()
        .unique(maintain_order=True),
    )


def _closest(staff: Staff, keys: Iterable[str]) -> dict[str, tuple[list[str], str | None]]:
    """For each unknown name key: the directory names (as written) closest to it, best
    first, ties in directory order; and the one to suggest, if any (see check_people). Only
    current colleagues are listed."""
    current = staff.people.filter(pl.col("active")).group_by("key", maintain_order=True).agg(
        pl.col("name").first(), pl.len().alias("namesakes"))
    candidates = current.get_column("key").to_list()
    display = current.get_column("name").to_list()
    namesakes = current.get_column("namesakes").to_list()
    closest = {}
    for key in keys:
        found = process.extract(key, candidates, scorer=fuzz.ratio,
                                score_cutoff=SUGGEST_CUTOFF * 100, limit=SUGGEST_COUNT)
        near = [display[i] for _, _, i in found]
        best = None
        if found:
            _, score, i = found[0]
            if (round(score) >= SUGGEST_STRONG and namesakes[i] == 1
                    and (len(found) == 1 or found[1][1] < score)):
                best = near[0]
        closest[key] = (near, best)
    return closest


def _unknown_detail(name: str, near: list[str], several: bool) -> Bilingual:
    """The bracket after "不在企业通讯录中": which name of the cell, and the closest ones."""
    zh, en = [], []
    if several:
        zh.append(f"其中「{name}」")
        en.append(f"namely \"{name}\"")
    if near:
        zh.append("最接近的是：" + "、".join(near))
        en.append("closest: " + ", ".join(near))
    if not zh:
        return Bilingual("", "")
    return Bilingual("（" + "；".join(zh) + "）", " (" + "; ".join(en) + ")")


def _naming(name: str, several: bool, text: str, lang: str) -> str:
    """`text` prefixed with the name it is about when the cell names several colleagues."""
    if not several:
        return text
    return f"「{name}」：{text}" if lang == "zh" else f"\"{name}\": {text}"


def _ambiguity_details(staff: Staff, keys: list[str]) -> dict[str, tuple[str, str]]:
    """For each shared name key, the current colleagues of that name told apart: department
    and masked phone, or their row in the directory when it gives neither."""
    details = {}
    current = staff.people.filter(pl.col("active") & pl.col("key").is_in(keys))
    for (key,), group in current.group_by("key", maintain_order=True):
        zh, en = [], []
        for person in group.iter_rows(named=True):
            parts = [p for p in (person["department"],
                                 person["phone"] and mask_phone(person["phone"])) if p]
            zh.append(" ".join(parts) or f"通讯录第 {person['row']} 行")
            en.append(" ".join(parts) or f"row {person['row']} of the directory")
        details[str(key)] = ("；".join(zh), "; ".join(en))
    return details
