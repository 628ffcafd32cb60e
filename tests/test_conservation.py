"""Conservation (issue 7), proved on generated lists: every non-blank row ends in exactly one
output, report.json's counts add up, a valid row's values reach the upload changed only by
the documented normalisations, and the rows rejected are exactly the ones planted to be.

Each example is a customer list written as .xlsx, or as CSV in UTF-8 or GBK, for the default
template (dingtalk-external-contact) or a derived one that adds a date field and tag groups
(the default template has neither, so its lists cannot hold a bad date or an unknown tag).
Its rows mix valid customers (phone numbers typed every way people type them, numbers stored
as floats, padding, full-width and invisible characters, text that looks like a formula) with
planted defects, copies of one number, fully blank rows and rows of spaces; a run may add an
--existing export or an existing count, a small limit, a batch size, a --keep policy and
--merge-tags. Every cell is generated with the value the upload must hold, so the expected
upload is known without re-implementing crmkit.

Where the outputs name rows: 待修正 and 重复 carry the user's row number (crmkit 原行号); the
upload and overflow files carry none. They are matched back through report.json and the
order the README documents: the rows the report does not reject, in input order, are the
upload's rows (batches in order) and then the overflow's. Each match is then confirmed by the
row's values, the phone number first, so a row lost, doubled or swapped cannot line up.
"""

from __future__ import annotations

import json
import math
import re
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

import crmkit

from conftest import write_csv, write_xlsx

#: deterministic (CI must not be flaky) and sized to keep the file near 30 s on two cores
CONSERVATION = settings(
    max_examples=40, deadline=None, derandomize=True, database=None, print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.large_base_example],
)

# --- the templates --------------------------------------------------------------------------

DEFAULT_HEADERS = ["姓名", "手机号码", "标签", "公司", "职位", "邮箱", "地址", "备注", "负责人",
                   "共享给"]
#: the default template plus a date field (written yyyy/m/d) and two tag groups
DERIVED_TOML = """\
format_version = 1
extends = "dingtalk-external-contact"
name = "conservation-derived"
version = "1.0.0"

[output]
date = "yyyy/m/d"

[[fields]]
key = "birthday"
header = "生日"
type = "date"

[[tag_groups]]
name = "客户阶段"
tags = ["潜在客户", "意向客户", "成交客户"]

[[tag_groups]]
name = "兴趣"
exclusive = false
tags = ["茶叶", "咖啡", "红酒"]
"""
STAGES = frozenset({"潜在客户", "意向客户", "成交客户"})
FIELD_HEADER = {
    "name": "姓名", "mobile": "手机号码", "tags": "标签", "company": "公司", "title": "职位",
    "email": "邮箱", "address": "地址", "notes": "备注", "owner": "负责人", "share_to": "共享给",
    "birthday": "生日",
}
#: how the input may name each column: the template's header or one of its aliases
HEADER_SPELLINGS = {
    "name": ["姓名", "客户名称", "联系人"], "mobile": ["手机号码", "手机", "联系电话"],
    "tags": ["标签", "客户标签"], "company": ["公司", "公司名称"], "title": ["职位", "职务"],
    "email": ["邮箱", "电子邮箱"], "address": ["地址", "联系地址"], "notes": ["备注"],
    "owner": ["负责人", "跟进人"], "share_to": ["共享给", "协作人"], "birthday": ["生日"],
}
OPTIONAL = ["company", "title", "email", "address", "notes", "owner", "share_to"]
#: a column no template field takes: a header.unmapped warning, its data not imported
EXTRA = "客户来源"
#: valid Chinese mobile numbers (phonenumbers: valid, type MOBILE)
POOL = ["13800138000", "13912345678", "15087654321", "18612345678", "13512345678",
        "15800138000", "18887654321", "13687654321", "15912345678", "18212345678",
        "13700138000", "18987654321", "13987654321", "15012345678", "18600138000",
        "13887654321"]

# --- generated cells ------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One generated cell: what is written, and what crmkit must make of it."""

    #: written into the file: text, a number (a numeric cell in .xlsx) or None (empty)
    raw: str | float | None
    #: the value upload.xlsx must hold when the row is valid (None: an empty cell)
    expected: str | None
    #: the issue code the cell must raise (None: the cell is fine)
    defect: str | None = None
    #: whether the cell holds anything once trimmed (what --keep most-complete counts)
    filled: bool = True
    #: a tags cell: its tags as uploaded, or None when the cell itself is rejected
    tags: tuple[str, ...] | None = ()
    #: a tags cell: each tag as written and as uploaded, in order, repeats included
    spelled: tuple[tuple[str, str], ...] = ()


EMPTY = Cell(None, None, filled=False)


@dataclass(frozen=True)
class Row:
    """A data row (`cells` by field key, `extra` the unmapped column) or, with `blank`, a row
    holding nothing but spaces (or nothing at all)."""

    cells: dict[str, Cell]
    extra: str | None = None
    blank: tuple[str | None, ...] | None = None

    @property
    def defects(self) -> set[tuple[str, str]]:
        """(field, code) of each planted defect."""
        return {(k, c.defect) for k, c in self.cells.items() if c.defect}

    @property
    def is_blank(self) -> bool:
        if self.blank is not None:
            return True
        return not any(c.filled for c in self.cells.values()) and not (self.extra or "").strip()

    @property
    def phone(self) -> str | None:
        """The normalised number crmkit compares duplicates by (None: no valid number)."""
        cell = self.cells["mobile"]
        return cell.expected if cell.defect is None else None


@dataclass(frozen=True)
class Scenario:
    """One generated run: the file, the options, and where the existing contacts come from."""

    fmt: str  # xlsx, utf-8 or gbk (CSV)
    derived: bool
    title: bool
    columns: tuple[tuple[str, str], ...]  # (field key or EXTRA, header as written)
    body: tuple[Row, ...]
    limit: int | None
    existing_count: int | None
    existing_export: tuple[tuple[str, str | float], ...] | None  # (name, number as written)
    batch_size: int | None
    keep: str
    merge_tags: bool

    @property
    def first_row(self) -> int:
        """The Excel row number of body[0]."""
        return 3 if self.title else 2

    def data_rows(self) -> dict[int, Row]:
        return {self.first_row + i: r for i, r in enumerate(self.body) if not r.is_blank}

    def blank_rows(self) -> set[int]:
        return {self.first_row + i for i, r in enumerate(self.body) if r.is_blank}

    def fields(self) -> list[str]:
        return [key for key, _ in self.columns if key != EXTRA]

    def upload_headers(self) -> list[str]:
        return DEFAULT_HEADERS + (["生日"] if self.derived else [])

    def existing_phones(self) -> set[str]:
        """The numbers of the export, normalised (all are valid mobiles of the pool)."""
        return {_digits(n) for _, n in self.existing_export or ()}


def _digits(number: str | float) -> str:
    if isinstance(number, float):
        return str(int(number))
    return re.sub(r"\D", "", number)[-11:]


def as_read(value: str | float | None, fmt: str) -> str:
    """A cell's text as crmkit reads it and hands it back in 待修正: Excel's General form of a
    number in a workbook, the text as written in a CSV."""
    if value is None:
        return ""
    if isinstance(value, float):
        if fmt != "xlsx":
            return str(value)  # csv.writer writes str(13800138000.0)
        return str(int(value)) if value.is_integer() else f"{value:.15g}"  # Excel's 15 digits
    if fmt != "xlsx" and (quoted := re.fullmatch(r'="(.*)"', value, re.DOTALL)):
        return quoted.group(1)  # Excel's ="0123" in a CSV, unwrapped (README, Reads)
    return value


def decorated(core: str, *, wide: bool, inner: bool) -> st.SearchStrategy[tuple[str, str]]:
    """(raw, expected) pairs: `core` padded with spaces, tabs, full-width spaces, and (in
    UTF-8 or a workbook, not GBK) NBSP and invisible characters, which crmkit trims and
    removes; with `inner`, a full-width space inside (uploaded as a plain space) or an
    invisible one (removed)."""
    forms = [(core, core), (f"  {core} ", core), (f"\t{core}", core),
             (f"\u3000{core}\u3000", core)]
    if wide:
        forms += [(f"{core}\u00a0", core), (f"\ufeff{core}", core)]
    if inner and len(core) >= 2:
        forms.append((core[:1] + "\u3000" + core[1:], core[:1] + " " + core[1:]))
        if wide:
            forms.append((core[:1] + "\u200b" + core[1:], core))
    return st.sampled_from(forms)


@st.composite
def text_cell(
    draw: st.DrawFn, pool: Sequence[str], *, wide: bool, fmt: str, numbers: bool = True,
    empty: bool = True,
) -> Cell:
    """A valid free-text cell: a core from `pool` decorated, a number stored as a float, or
    empty."""
    kinds = ["text", "text", "text"] + ["float"] * numbers + ["empty"] * empty
    kind = draw(st.sampled_from(kinds))
    if kind == "empty":
        return draw(st.sampled_from([EMPTY, Cell("", None, filled=False),
                                     Cell("  ", None, filled=False)]))
    if kind == "float":
        value = draw(st.sampled_from([12345.0, 12.5, 2024.0, 3.0, 0.1 + 0.2, 2 / 3]))
        return Cell(value, as_read(value, fmt))
    core = draw(st.sampled_from(pool))
    # A space inside would add a character: not to a core exactly as long as allowed.
    raw, expected = draw(decorated(core, wide=wide, inner=len(core) < 64))
    return Cell(raw, expected)


#: over-long text is varied: a GBK file holding a long run of one character (备备备...) also
#: reads as Korean in EUC-KR, and crmkit rightly asks which encoding it is (file.encoding)
PARAGRAPH = "客户备注公司地址职位名称联系电话北京上海广州深圳有限责任公司销售经理"


def too_long(limit: int) -> st.SearchStrategy[Cell]:
    text = PARAGRAPH * (limit // len(PARAGRAPH) + 1)
    return st.just(Cell(text[:limit + 1], None, "text.too_long"))


def missing() -> st.SearchStrategy[Cell]:
    return st.sampled_from([Cell(None, None, "required.missing", filled=False),
                            Cell("   ", None, "required.missing", filled=False)])


NAMES = ["张三", "李四", "王五", "赵六", "钱七", "陈大文", "欧阳娜娜", "Alice Wang", "ＡＢＣ",
         "=1+1", "+86", "@小李", "名" * 64]
COMPANIES = ["甲公司", "阿里巴巴（中国）有限公司", "ＡＢＣ有限公司", "=SUM(A1:A3)",
             '=HYPERLINK("http://x.cn","官网")', "-1", "北京分公司"]
TITLES = ["经理", "总监", "CEO", "销售 代表"]
ADDRESSES = ["北京市朝阳区建国路1号", "上海市浦东新区\n世纪大道100号", "广州 天河区"]
#: notes text: nothing crmkit reads specially (no error literal such as #N/A or Err:501, no
#: example marker such as 例 or e.g.), no character it normalises but the edge spaces
NOTE_ALPHABET = "abcxyz0123456789 客户备注甲乙=+-@,.;/\n"


@st.composite
def phone_cell(draw: st.DrawFn, span: int, *, wide: bool, fmt: str) -> Cell:
    """A valid mobile number of the pool, written one of the ways people write it."""
    n = POOL[draw(st.integers(0, span - 1))]
    forms: list[str | float] = [
        n, float(n), f"+86 {n[:3]} {n[3:7]} {n[7:]}", f"+86-{n}", f"0086{n}", f"86{n}",
        f"{n[:3]}-{n[3:7]}-{n[7:]}", f"({n[:3]}) {n[3:7]} {n[7:]}", f"{n[:3]}.{n[3:7]}.{n[7:]}",
        n.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        f"+86 ({n[:3]}) {n[3:7]}-{n[7:]}",
    ]
    if fmt != "xlsx":
        forms.append(f'="{n}"')  # how Excel keeps a CSV number text
    raw = draw(st.sampled_from(forms))
    if isinstance(raw, str) and not raw.startswith("="):
        raw, _ = draw(decorated(raw, wide=wide, inner=False))
    return Cell(raw, n)


@st.composite
def phone_defect(draw: st.DrawFn, span: int) -> Cell:
    n = POOL[draw(st.integers(0, span - 1))]
    m = POOL[(POOL.index(n) + 1) % len(POOL)]
    return draw(st.sampled_from([
        Cell("12345", None, "phone.invalid"), Cell(n[:10], None, "phone.invalid"),
        Cell(n.replace("1", "l"), None, "phone.invalid"),
        Cell("010-12345678", None, "phone.not_mobile"),
        Cell("1.38001E+10", None, "phone.digits_lost"),
        Cell(f"{n}/{m}", None, "phone.multiple"),
        Cell(None, None, "required.missing", filled=False),
    ]))


TAG_SEPARATORS = [",", "，", "、", ";", "；", "|", " | ", "\n", ", ", "\u3000，"]


@st.composite
def tags_cell(draw: st.DrawFn, *, derived: bool, wide: bool) -> Cell:
    """A valid tags cell: one to three tags, any separator, repeats allowed. With the derived
    template's groups, tags may be written group:tag or group／tag, at most one stage."""
    if derived:
        spellings = {"潜在客户": ["潜在客户", "客户阶段:潜在客户"],
                     "意向客户": ["意向客户", "客户阶段／意向客户"],
                     "成交客户": ["成交客户", "客户阶段：成交客户"],
                     "茶叶": ["茶叶", "兴趣:茶叶"], "咖啡": ["咖啡", "兴趣/咖啡"], "红酒": ["红酒"]}
        stage = draw(st.sampled_from([None, "潜在客户", "意向客户", "成交客户"]))
        interests = draw(st.lists(st.sampled_from(["茶叶", "咖啡", "红酒"]), max_size=2))
        tags = [t for t in [stage, *interests] if t is not None] or ["茶叶"]
        tags = draw(st.permutations(tags))
        written = [draw(st.sampled_from(spellings[t])) for t in tags]
    else:
        tags = draw(st.lists(st.sampled_from(["VIP", "老客户", "新客户", "展会", "重点"]),
                             min_size=1, max_size=3))
        written = list(tags)
    text = written[0]
    for item in written[1:]:
        text += draw(st.sampled_from(TAG_SEPARATORS)) + item
    if draw(st.booleans()):
        text += draw(st.sampled_from([",", "，", "、"]))
    raw, _ = draw(decorated(text, wide=wide, inner=False))
    unique = tuple(dict.fromkeys(tags))
    return Cell(raw, ",".join(unique), tags=unique, spelled=tuple(zip(written, tags, strict=True)))


def tags_defect(derived: bool) -> st.SearchStrategy[Cell]:
    cells = [Cell(None, None, "required.missing", filled=False, tags=()),
             Cell("，,", None, "required.missing", tags=())]
    if derived:
        cells += [Cell("黄金客户", None, "tag.unknown", tags=None),
                  Cell("潜在客户,成交客户", None, "tag.group_conflict", tags=None)]
    return st.sampled_from(cells)


@st.composite
def email_cell(draw: st.DrawFn, *, wide: bool) -> Cell:
    pairs = [("zs@example.com", "zs@example.com"), ("Li.Si@Example.COM", "Li.Si@example.com"),
             ("ｚｓ＠ｅｘａｍｐｌｅ．ｃｏｍ", "zs@example.com"),
             ("wang_wu+crm@qq.com", "wang_wu+crm@qq.com"), ("ZHAO@163.COM", "ZHAO@163.com")]
    choice = draw(st.sampled_from([*pairs, None]))
    if choice is None:
        return EMPTY
    raw, _ = draw(decorated(choice[0], wide=wide, inner=False))
    return Cell(raw, choice[1])


EMAIL_DEFECTS = st.sampled_from([Cell(t, None, "email.invalid") for t in (
    "bad@", "zs@163", "a b@x.com", "zs@@qq.com", "@qq.com", "zs.example")])


@st.composite
def person_cell(draw: st.DrawFn, *, multiple: bool, wide: bool) -> Cell:
    pairs = [("张伟", "张伟"), ("李娜", "李娜"), ("Wang Fang", "Wang Fang")]
    if multiple:
        pairs += [("张伟、李娜", "张伟,李娜"), ("李娜/王芳", "李娜,王芳"), ("张伟；张伟", "张伟")]
    choice = draw(st.sampled_from([*pairs, None]))
    if choice is None:
        return EMPTY
    raw, _ = draw(decorated(choice[0], wide=wide, inner=False))
    return Cell(raw, choice[1])


def person_defect(multiple: bool) -> st.SearchStrategy[Cell]:
    cells = [Cell("13800138000", None, "person.is_phone"),
             Cell("张伟,138-0013-8000", None, "person.is_phone")]
    if not multiple:
        cells += [Cell("张伟,李娜", None, "person.multiple"),
                  Cell("张伟/李娜", None, "person.multiple")]
    return st.sampled_from(cells)


@st.composite
def date_cell(draw: st.DrawFn, *, wide: bool) -> Cell:
    choice = draw(st.sampled_from([
        ("2024-01-05", "2024/1/5"), ("2024/1/5", "2024/1/5"), ("2024年1月5日", "2024/1/5"),
        ("20240105", "2024/1/5"), (45296.0, "2024/1/5"), ("２０２４－０１－０５", "2024/1/5"),
        ("2024-01-05 10:30", "2024/1/5"), ("2023.12.31", "2023/12/31"), None,
    ]))
    if choice is None:
        return EMPTY
    raw, expected = choice
    if isinstance(raw, str):
        raw, _ = draw(decorated(raw, wide=wide, inner=False))
    return Cell(raw, expected)


DATE_DEFECTS = st.sampled_from([Cell("2024-13-45", None, "date.invalid"),
                                Cell("01/02/2024", None, "date.ambiguous"),
                                Cell("下周", None, "date.invalid")])


@st.composite
def notes_cell(draw: st.DrawFn, *, wide: bool, fmt: str) -> Cell:
    kind = draw(st.sampled_from(["text", "fixed", "fixed", "empty"]
                                + (["quoted"] if fmt != "xlsx" else [])))
    if kind == "empty":
        return EMPTY
    if kind == "quoted":
        return Cell('="0123"', "0123")
    if kind == "fixed":
        return draw(text_cell(["=1+1", '=HYPERLINK("x","y")', "a\nb", "n/a"], wide=wide,
                              fmt=fmt))
    text = draw(st.text(NOTE_ALPHABET, min_size=1, max_size=30))
    expected = text.strip(" \n")
    return Cell(text, expected or None, filled=bool(expected))


def valid_cell(key: str, ctx: dict[str, Any]) -> st.SearchStrategy[Cell]:
    wide, fmt, derived = ctx["wide"], ctx["fmt"], ctx["derived"]
    if key == "name":
        return text_cell(NAMES, wide=wide, fmt=fmt, numbers=False, empty=False)
    if key == "mobile":
        return phone_cell(ctx["span"], wide=wide, fmt=fmt)
    if key == "tags":
        return tags_cell(derived=derived, wide=wide)
    if key == "company":
        return text_cell(COMPANIES, wide=wide, fmt=fmt)
    if key == "title":
        return text_cell(TITLES, wide=wide, fmt=fmt, numbers=False)
    if key == "email":
        return email_cell(wide=wide)
    if key == "address":
        return text_cell(ADDRESSES, wide=wide, fmt=fmt)
    if key == "notes":
        return notes_cell(wide=wide, fmt=fmt)
    if key in ("owner", "share_to"):
        return person_cell(multiple=key == "share_to", wide=wide)
    assert key == "birthday"
    return date_cell(wide=wide)


def defect_cell(key: str, ctx: dict[str, Any]) -> st.SearchStrategy[Cell]:
    return {
        "name": st.one_of(missing(), too_long(64)),
        "mobile": phone_defect(ctx["span"]),
        "tags": tags_defect(ctx["derived"]),
        "company": too_long(128),
        "title": too_long(64),
        "email": EMAIL_DEFECTS,
        "address": too_long(256),
        "notes": st.one_of(too_long(1000), st.sampled_from(
            [Cell("#N/A", None, "cell.error"), Cell("#REF!", None, "cell.error")])),
        "owner": person_defect(False),
        "share_to": person_defect(True),
        "birthday": DATE_DEFECTS,
    }[key]


@st.composite
def body_row(draw: st.DrawFn, fields: list[str], has_extra: bool, ctx: dict[str, Any]) -> Row:
    kind = draw(st.sampled_from(["data"] * 7 + ["blank", "spaces"]
                                + (["only_extra"] if has_extra else [])))
    if kind == "blank":
        return Row({}, blank=())
    if kind == "spaces":
        spaces = [None, "", " ", "\u3000", "\t"] + (["\u00a0", "\u200b"] if ctx["wide"] else [])
        width = len(fields) + has_extra
        return Row({}, blank=tuple(draw(st.lists(st.sampled_from(spaces), min_size=width,
                                                  max_size=width))))
    if kind == "only_extra":  # a stray note beside an otherwise empty row: read, rejected
        cells = {k: Cell(None, None, "required.missing" if k in ("name", "mobile", "tags")
                         else None, filled=False) for k in fields}
        return Row(cells, extra="备用")
    broken = draw(st.lists(st.sampled_from(fields), unique=True,
                           max_size=draw(st.sampled_from([0, 0, 1, 1, 2, 3]))))
    cells = {k: draw(defect_cell(k, ctx) if k in broken else valid_cell(k, ctx))
             for k in fields}
    extra = draw(st.sampled_from([None, "展会", "官网"])) if has_extra else None
    return Row(cells, extra=extra)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    fmt = draw(st.sampled_from(["xlsx", "xlsx", "utf-8", "gbk"]))
    derived = draw(st.integers(0, 2)) == 0
    # span: how many numbers of POOL the rows share, so copies are sometimes rare, sometimes
    # the rule; wide: the file can hold NBSP and invisible characters (GBK cannot)
    ctx: dict[str, Any] = {"fmt": fmt, "wide": fmt != "gbk", "derived": derived,
                           "span": draw(st.sampled_from([2, 4, 8, 16]))}
    optional = [key for key in OPTIONAL if draw(st.booleans())]
    fields = ["name", "mobile", "tags", *optional, *(["birthday"] if derived else [])]
    has_extra = draw(st.booleans())
    order = draw(st.permutations(fields + ([EXTRA] if has_extra else [])))
    columns = tuple((k, EXTRA if k == EXTRA else draw(st.sampled_from(HEADER_SPELLINGS[k])))
                    for k in order)
    # Sizes drawn outright: left to st.lists, most lists would hold a row or two.
    size = draw(st.sampled_from([0, 1, 3, 6, 10, 14, 18]))
    body = tuple(draw(st.lists(body_row(fields, has_extra, ctx), min_size=size,
                               max_size=size)))
    existing = draw(st.sampled_from(["none", "none", "count", "export"]))
    export = None
    if existing == "export":
        numbers = draw(st.lists(st.integers(0, min(ctx["span"], len(POOL) - 1)), max_size=5))
        forms: list[list[str | float]] = [[POOL[n], float(POOL[n]), f"+86 {POOL[n]}"]
                                          for n in numbers]
        export = tuple((f"老客户{i}", draw(st.sampled_from(f))) for i, f in enumerate(forms))
    return Scenario(
        fmt=fmt, derived=derived, title=draw(st.booleans()), columns=columns, body=body,
        limit=draw(st.one_of(st.none(), st.integers(1, 10))),
        existing_count=draw(st.integers(0, 8)) if existing == "count" else None,
        existing_export=export,
        batch_size=draw(st.one_of(st.none(), st.integers(1, 4))),
        keep=draw(st.sampled_from(["first", "last", "most-complete"])),
        merge_tags=draw(st.booleans()),
    )


# --- one run, and its outputs read back -----------------------------------------------------


@dataclass
class Outcome:
    """report.json and every output's rows, read back from the files crmkit wrote."""

    report: dict[str, Any]
    #: upload files in report order: (file name, header, data rows as text, "" for empty)
    batches: list[tuple[str, list[str], list[list[str]]]]
    #: overflow.xlsx when written: header, data rows
    overflow_header: list[str] | None
    overflow: list[list[str]] | None
    #: 待修正 and 重复: header and data rows as calamine reads them
    to_fix: list[list[Any]]
    duplicates: list[list[Any]]
    upload_files: list[str]

    def uploaded(self) -> list[tuple[str, list[str]]]:
        """Every upload row in order, with the name of the file it is in."""
        return [(name, row) for name, _, rows in self.batches for row in rows]


def sheet(path: Path, name: str | None = None) -> list[list[Any]]:
    book = CalamineWorkbook.from_path(str(path))
    found = book.get_sheet_by_name(name) if name else book.get_sheet_by_index(0)
    return [list(r) for r in found.to_python(skip_empty_area=False)]


def write_input(scenario: Scenario, folder: Path) -> Path:
    grid: list[list[Any]] = [["客户名单"]] if scenario.title else []
    grid.append([header for _, header in scenario.columns])
    for row in scenario.body:
        if row.blank is not None:
            grid.append(list(row.blank))
        else:
            grid.append([row.extra if key == EXTRA else row.cells[key].raw
                         for key, _ in scenario.columns])
    if scenario.fmt == "xlsx":
        return write_xlsx(folder / "客户.xlsx", grid)
    return write_csv(folder / "客户.csv", grid, encoding=scenario.fmt)


def run(scenario: Scenario) -> Outcome:
    """Write the scenario's files, validate, and read every output back."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = write_input(scenario, folder)
        template = None
        if scenario.derived:
            template = folder / "conservation-derived.toml"
            template.write_text(DERIVED_TOML, encoding="utf-8")
        existing = None
        if scenario.existing_export is not None:
            existing = write_xlsx(folder / "existing.xlsx",
                                  [["姓名", "手机号码"], *map(list, scenario.existing_export)])
        out = folder / "out"
        crmkit.validate(
            source, out=out, template=template, limit=scenario.limit,
            existing=existing, existing_count=scenario.existing_count,
            batch_size=scenario.batch_size, keep=scenario.keep,
            merge_tags=scenario.merge_tags,
        )
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        mapped = {c["column"]: c["field"] for c in report["header_map"]}
        assert list(mapped.values()) == [None if k == EXTRA else k for k, _ in scenario.columns], (
            "precondition: the generated headers map to the intended fields")
        batches = []
        for batch in report["batches"]:
            rows = sheet(Path(batch["path"]))
            batches.append((Path(batch["path"]).name, rows[0], [_texts(r) for r in rows[1:]]))
        overflow_header = overflow = None
        if "overflow" in report["outputs"]:
            header, *rows = sheet(Path(report["outputs"]["overflow"]))
            overflow_header, overflow = header, [_texts(r) for r in rows]
        errors = Path(report["outputs"]["errors"])
        return Outcome(
            report=report, batches=batches, overflow_header=overflow_header, overflow=overflow,
            to_fix=sheet(errors, "待修正"), duplicates=sheet(errors, "重复"),
            upload_files=sorted(p.name for p in out.glob("upload*.xlsx")),
        )


def _texts(row: Sequence[Any]) -> list[str]:
    assert all(isinstance(v, str) for v in row), f"an upload cell that is not text: {row!r}"
    return [str(v) for v in row]


def rejected_rows(report: dict[str, Any]) -> set[int]:
    """The rows report.json rejects: those with an error."""
    return {i["row"] for i in report["issues"] if i["severity"] == "error" and i["row"]}


def source_rows(table: list[list[Any]]) -> list[tuple[int, list[Any]]]:
    """(原行号, row) of each data row of 待修正 or 重复; the number is the last column."""
    assert table[0][-1] == "crmkit 原行号"
    found = []
    for row in table[1:]:
        number = row[-1]
        assert isinstance(number, float) and number.is_integer(), row
        found.append((int(number), row))
    return found


def not_imported(outcome: Outcome) -> list[int]:
    """The rows of 重复 that are not imported: every row but a group's kept row (保留...)."""
    return [n for n, row in source_rows(outcome.duplicates) if not str(row[-2]).startswith("保留")]


def placement(scenario: Scenario, outcome: Outcome) -> dict[int, tuple[str, list[str]]]:
    """Each valid row -> (the file it is in, its upload row): the rows report.json does not
    reject, in input order, are the upload's rows (batches in order), then the overflow's."""
    valid = [n for n in sorted(scenario.data_rows()) if n not in rejected_rows(outcome.report)]
    written = outcome.uploaded() + [("overflow.xlsx", r) for r in outcome.overflow or []]
    assert len(written) == len(valid), (
        f"{len(valid)} valid rows {valid} but {len(written)} rows in upload and overflow")
    return dict(zip(valid, written, strict=True))


# --- the properties -------------------------------------------------------------------------


@CONSERVATION
@given(scenarios())
def test_every_non_blank_row_ends_in_exactly_one_output(scenario: Scenario) -> None:
    """Every non-blank row is in exactly one of upload (or its batches), overflow, 待修正 or
    重复 (as a copy not imported); blank rows are nowhere; a kept row's 重复 entry says truly
    where it went; no number is uploaded twice or over a contact already in the CRM."""
    outcome = run(scenario)
    data, blanks = scenario.data_rows(), scenario.blank_rows()
    placed = placement(scenario, outcome)
    fix = [n for n, _ in source_rows(outcome.to_fix)]
    copies = not_imported(outcome)
    where = Counter([*placed, *fix, *copies])
    assert sorted(where) == sorted(data), (
        f"lost {sorted(set(data) - set(where))}, invented {sorted(set(where) - set(data))}")
    assert [n for n, k in where.items() if k > 1] == [], "rows in two outputs"
    assert not blanks & {i["row"] for i in outcome.report["issues"]}
    # The match is confirmed by the number each upload row carries.
    phone = scenario.upload_headers().index("手机号码")
    for n, (_, row) in placed.items():
        assert row[phone] == data[n].phone, f"row {n} matched to the upload row {row}"
    numbers = [row[phone] for _, row in placed.values()]
    assert len(numbers) == len(set(numbers)), "a number uploaded twice"
    assert not set(numbers) & scenario.existing_phones(), "a contact already in the CRM"
    # A group's kept row says where it went; that must be where it is.
    for n, row in source_rows(outcome.duplicates):
        status = str(row[-2])
        if status.startswith("保留：已放入"):
            assert placed.get(n, ("nowhere",))[0] == status.removeprefix("保留：已放入 "), (
                n, status)
        elif status.startswith("保留"):
            assert n in fix, (n, status)


@CONSERVATION
@given(scenarios())
def test_report_counts_add_up_and_match_the_files(scenario: Scenario) -> None:
    """report.json's rows, limit, batches and summary agree with each other and with the
    rows the files hold: read = valid + rejected + overflow, and so on."""
    outcome = run(scenario)
    report, rows, limit = outcome.report, outcome.report["rows"], outcome.report["limit"]
    data = scenario.data_rows()
    last = max(data, default=0)
    uploaded, overflow = outcome.uploaded(), outcome.overflow or []
    copies = not_imported(outcome)
    issues = report["issues"]

    assert rows["read"] == len(data)
    assert rows["blank"] == len([n for n in scenario.blank_rows() if n < last])
    assert rows["read"] == rows["valid"] + rows["rejected"] + rows["overflow"]
    assert rows["valid"] == len(uploaded) == sum(b["rows"] for b in report["batches"])
    assert rows["overflow"] == len(overflow)
    assert ("overflow" in report["outputs"]) == (rows["overflow"] > 0)
    assert rows["rejected"] == len(rejected_rows(report)) == len(outcome.to_fix) - 1 + len(copies)
    assert rows["duplicates"] == len(copies) == len({
        i["row"] for i in issues if i["code"] in ("duplicate.in_file", "duplicate.existing")})
    assert rows["existing"] == len({i["row"] for i in issues if i["code"] == "duplicate.existing"})
    assert rows["existing"] <= rows["duplicates"] <= rows["rejected"]

    existing = (len(scenario.existing_export) if scenario.existing_export is not None
                else scenario.existing_count or 0)
    assert limit["max"] == (scenario.limit or 2000) and limit["existing"] == existing
    assert limit["remaining"] == max(limit["max"] - existing, 0)
    valid = rows["read"] - rows["rejected"]
    assert rows["valid"] == min(valid, limit["remaining"])
    assert limit["exceeded"] == (rows["overflow"] > 0)
    assert ("limit.exceeded" in report["summary"]["by_code"]) == limit["exceeded"]

    names = [Path(b["path"]).name for b in report["batches"]]
    assert outcome.upload_files == sorted(names)
    if scenario.batch_size is None:
        assert names == ["upload.xlsx"] and report["outputs"]["upload"].endswith("upload.xlsx")
    else:
        size = scenario.batch_size
        count = max(1, math.ceil(rows["valid"] / size))
        assert names == [f"upload-{i:03d}.xlsx" for i in range(1, count + 1)]
        sizes = [b["rows"] for b in report["batches"]]
        assert all(s == size for s in sizes[:-1]) and 0 <= sizes[-1] <= size
        assert "upload" not in report["outputs"]
    assert [len(r) for _, _, r in outcome.batches] == [b["rows"] for b in report["batches"]]

    summary = report["summary"]
    severities = Counter(i["severity"] for i in issues)
    assert (summary["errors"], summary["warnings"], summary["notices"]) == (
        severities["error"], severities["warning"], severities["notice"])
    assert summary["by_code"] == dict(Counter(i["code"] for i in issues))
    assert summary["failing"] == summary["errors"]
    assert report["ok"] == (summary["errors"] == 0) and report["exit_code"] == (not report["ok"])


@CONSERVATION
@given(scenarios())
def test_valid_rows_survive_the_round_trip(scenario: Scenario) -> None:
    """Each uploaded (and overflow) row holds, column for column in the template's order,
    the input row's values as the documented normalisations leave them; a column the input
    lacks is empty. Rejected rows come back in 待修正 and 重复 exactly as read."""
    outcome = run(scenario)
    data = scenario.data_rows()
    headers = scenario.upload_headers()
    assert [h for _, h, _ in outcome.batches] == [headers] * len(outcome.batches)
    assert outcome.overflow_header in (None, headers)
    merged = merged_tags(outcome) if scenario.merge_tags else {}
    for n, (_, written) in placement(scenario, outcome).items():
        row = data[n]
        expected = []
        for header in headers:
            key = next(k for k, h in FIELD_HEADER.items() if h == header)
            cell = row.cells.get(key, EMPTY)
            value = cell.expected
            if key == "tags" and n in merged:
                value = ",".join(dict.fromkeys([*(cell.tags or ()), *merged[n]]))
            expected.append(value or "")
        assert written == expected, f"row {n}"
    # A rejected row is handed back as crmkit read it, every column (unmapped ones too);
    # with --merge-tags, a kept row's tag cell holds the merged tags as the user wrote them.
    width = len(scenario.columns)
    keys = [k for k, _ in scenario.columns]
    copies = copies_of(outcome)
    for table in (outcome.to_fix, outcome.duplicates):
        assert table[0][:width] == [h for _, h in scenario.columns]
        for n, shown in source_rows(table):
            row = data[n]
            raw = [row.extra if k == EXTRA else row.cells[k].raw for k, _ in scenario.columns]
            texts = [as_read(v, scenario.fmt) for v in raw]
            if n in merged:
                spelled = [*row.cells["tags"].spelled]
                for copy in copies[n]:
                    spelled += data[copy].cells["tags"].spelled
                first: dict[str, str] = {}
                for text, tag in spelled:
                    first.setdefault(tag, text)
                texts[keys.index("tags")] = ",".join(first.values())
            assert shown[:width] == texts, f"row {n}"


def kept_rows(outcome: Outcome) -> dict[int, int]:
    """Each copy in 重复 -> the row kept for its number, as its status names it."""
    return {n: int(m.group(1)) for n, row in source_rows(outcome.duplicates)
            if (m := re.match(r"重复第 (\d+) 行", str(row[-2])))}


def copies_of(outcome: Outcome) -> dict[int, list[int]]:
    """Each kept row -> its copies, in row order."""
    copies: dict[int, list[int]] = {}
    for copy, kept in sorted(kept_rows(outcome).items()):
        copies.setdefault(kept, []).append(copy)
    return copies


def merged_tags(outcome: Outcome) -> dict[int, list[str]]:
    """--merge-tags, as the report lists it: each kept row -> the tags its copies added
    (duplicate.tags_merged on each copy, the kept row named in 重复), in row order."""
    kept_of = kept_rows(outcome)
    added: dict[int, list[str]] = {}
    for issue in outcome.report["issues"]:
        if issue["code"] == "duplicate.tags_merged":
            added.setdefault(kept_of[issue["row"]], []).extend(issue["value"].split(","))
    return added


@CONSERVATION
@given(scenarios())
def test_the_rows_rejected_are_the_rows_planted_to_be(scenario: Scenario) -> None:
    """The report rejects exactly the rows with a planted defect (each with its code), the
    copies the --keep policy does not keep, and the numbers already in the CRM; and each
    copy in 重复 names the row kept for its number."""
    outcome = run(scenario)
    data = scenario.data_rows()
    report = outcome.report
    kept_of = expected_copies(scenario)
    known = scenario.existing_phones()
    merged_ok = merge_outcome(scenario, kept_of) if scenario.merge_tags else {}
    expected: dict[int, set[tuple[str, str]]] = {}
    for n, row in data.items():
        codes = set(merged_ok.get(n, row.defects))
        if n in kept_of:
            codes.add(("mobile", "duplicate.in_file"))
        if row.phone in known:
            codes.add(("mobile", "duplicate.existing"))
        if codes:
            expected[n] = codes
    found: dict[int, set[tuple[str, str]]] = {}
    for issue in report["issues"]:
        if issue["severity"] == "error" and issue["row"]:
            found.setdefault(issue["row"], set()).add((issue["field"], issue["code"]))
    assert found == expected
    assert kept_rows(outcome) == kept_of


def expected_copies(scenario: Scenario) -> dict[int, int]:
    """Each copy of a number -> the row kept for it, by the scenario's --keep policy."""
    groups: dict[str, list[int]] = {}
    for n, row in sorted(scenario.data_rows().items()):
        if row.phone is not None:
            groups.setdefault(row.phone, []).append(n)
    data = scenario.data_rows()
    kept_of = {}
    for rows in groups.values():
        if scenario.keep == "first":
            kept = rows[0]
        elif scenario.keep == "last":
            kept = rows[-1]
        else:  # no problem of its own, then the most cells filled, then the earliest
            kept = min(rows, key=lambda n: (bool(data[n].defects),
                                            -sum(c.filled for c in data[n].cells.values()), n))
        kept_of.update({n: kept for n in rows if n != kept})
    return kept_of


def merge_outcome(
    scenario: Scenario, kept_of: dict[int, int]
) -> dict[int, set[tuple[str, str]]]:
    """The defects of each kept row once its copies' tags are merged in: an empty tags cell
    is filled by them, and two stages of the exclusive group conflict."""
    data = scenario.data_rows()
    result = {}
    for kept in set(kept_of.values()):
        own = data[kept].cells["tags"]
        if own.tags is None:
            continue  # its own tags are rejected: left alone
        union = list(own.tags)
        for copy in sorted(n for n, k in kept_of.items() if k == kept):
            union += data[copy].cells["tags"].tags or ()
        union = list(dict.fromkeys(union))
        codes = set(data[kept].defects)
        if union:
            codes.discard(("tags", "required.missing"))
        if len(STAGES & set(union)) > 1:
            codes.add(("tags", "tag.group_conflict"))
        result[kept] = codes
    return result


# --- what the properties found ----------------------------------------------------------------


def test_a_comma_csv_whose_cells_hold_tabs_is_split_on_commas(tmp_path: Path) -> None:
    """Found by test_valid_rows_survive_the_round_trip: cells pasted with a tab in them and a
    quoted comma in others made crmkit split the file on tabs, so its header was not found
    and nothing was checked (exit 2). The header line holds no tab at all."""
    path = write_csv(tmp_path / "客户.csv", [
        ["姓名", "手机号码", "标签"],
        ["\t张三", "13800138000", "VIP,老客户"],
        ["\t李四", "13900139000", "VIP,新客户"],
        ["王五", "13700137000", "\tVIP"],
    ])
    report = crmkit.validate(path, write=False)
    assert report.input.delimiter == ","
    assert report.rows.read == report.rows.valid == 3
