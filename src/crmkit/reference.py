"""Reference files a customer list is checked against: the contacts already in the CRM
(`--existing`) and the company directory (`--staff`).

Both are read with `table.read_table`, so they may be in any format crmkit reads, with a title
row above the header, GBK text and Excel's float phone numbers. Their phone numbers are
normalised exactly as the customer list's are (same region, same output form), so a number
compares equal however each file wrote it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError
from crmkit.header_match import FUZZY, normalise_header
from crmkit.headers import Column
from crmkit.normalise import normalise_field
from crmkit.phones import NUMBER_TOKENS
from crmkit.rules import ROW, suffixed
from crmkit.table import Table, read_table
from crmkit.template import Field, Template

#: directory statuses meaning the colleague is no longer a member (compared after NFKC, lower
#: case, no spaces). Any other status, or none, counts as active: a status crmkit does not
#: know (试用, 实习, 待离职, 外包...) is more likely a kind of member than a departure.
DEPARTED_STATUSES = frozenset({
    "离职", "已离职", "停用", "已停用", "禁用", "已禁用", "冻结", "已冻结", "辞职", "已辞职",
    "退休", "已退休", "解聘", "已解聘", "inactive", "left", "resigned", "terminated",
    "disabled", "departed", "former",
})

#: middle dots people type between the parts of a transcribed name (阿卜杜·热合曼)
_NAME_DOTS = r"[·・•‧∙⋅]"


def name_key(names: pl.Expr) -> pl.Expr:
    """The form two spellings of one colleague's name share: NFKC (full-width letters),
    lower case, no spaces, one kind of middle dot; so "张 伟", "张伟" and "ＺＨＡＮＧ Wei"
    / "zhang wei" meet."""
    return (
        names.str.normalize("NFKC").str.to_lowercase()
        .str.replace_all(r"\s+", "").str.replace_all(_NAME_DOTS, "·")
    )


# --- existing contacts -------------------------------------------------------------------


#: joins a field's key and the rank of one of its names in `_by_name`'s fields
_RANK = "~"


@dataclass(frozen=True)
class Existing:
    """The contacts already in the CRM, as far as duplicates and the tier limit need them."""

    path: Path
    #: contacts in the export (its rows with any cell filled): counts against the tier limit
    count: int
    #: one row per distinct (field, phone): `field` (the template's phone field key),
    #: `phone` (normalised like the customer list's), `name` (the contact's name, may be
    #: null) and `row` (the export's row number where the number first appears). A cell
    #: holding several numbers gives each of them.
    phones: pl.DataFrame


def load_existing(path: str | Path, tpl: Template, *, sheet: str | int | None = None) -> Existing:
    """Read an export of the CRM's contacts, its columns mapped through `tpl`.

    Only the identifying phone fields (unique=true; every phone field when none is) and the
    name field are read: the export's other columns can neither collide nor fail. Two
    columns naming one of these fields (手机 and 电话) do not stop the run either: the column
    of the field's earliest name is used, the header first, then its aliases in the
    template's order, a similarity match last (see `_by_name`).

    Invalid cells in the export are not the user's problem in this run (it is what the CRM
    already holds): a number that cannot be read is simply not compared. Only a phone
    column is required; a file without one cannot be used and raises options.invalid naming
    it. An export holding nothing but a phone column works too.
    """
    path = Path(path)
    phone_fields, name_field = _export_fields(tpl)
    readings = [_by_name([*phone_fields, *([name_field] if name_field else [])], tpl),
                dataclasses.replace(tpl, fields=phone_fields)]
    if name_field is not None:
        # A header naming a contact but no number: read, it is refused below for that.
        readings.append(dataclasses.replace(tpl, fields=(name_field,)))
    table, reading = _read_first(path, readings, sheet)
    columns = table.header_map.by_field
    fields = {f.key: f for f in reading.fields}
    frame = table.frame
    name_column = _best_column(columns, name_field.key) if name_field is not None else None
    name = pl.col(name_column) if name_column is not None else pl.lit(None, pl.String)
    names = frame.select(ROW, name=name)
    parts = []
    for f in phone_fields:
        column = _best_column(columns, f.key)
        if column is not None:
            numbers = _numbers(frame, column, fields[column], reading)
            parts.append(numbers.join(names, on=ROW, how="left", maintain_order="left")
                         .select(field=pl.lit(f.key), phone="phone", name="name", row=ROW))
    if not parts:
        raise _no_phone_column(path, tpl)
    phones = (
        pl.concat(parts).unique(subset=["field", "phone"], keep="first", maintain_order=True)
    )
    # read_table leaves blank rows out: every row left holds something of a contact.
    return Existing(path=path, count=frame.height, phones=phones)


def _export_fields(tpl: Template) -> tuple[tuple[Field, ...], Field | None]:
    """The fields of `tpl` an export is read for: its identifying phone fields, none
    required, with their phone rules; and its name field as plain text (an export's names
    need not satisfy this template, and checking them would only cost time)."""
    phones = [f for f in tpl.fields if f.type == "phone"]
    uniques = [f for f in phones if f.unique] or phones
    name = contact_name_field(tpl)
    return (
        tuple(dataclasses.replace(f, required=False, default=None) for f in uniques),
        Field(key=name.key, header=name.header, aliases=name.aliases) if name else None,
    )


def _by_name(fields: Sequence[Field], tpl: Template) -> Template:
    """`tpl` with each of `fields` split into one field per name (header, key, then its
    aliases; keyed `key~rank`), so that two columns naming one field (手机 and 电话) feed two
    fields instead of colliding, and `_best_column` picks between them after reading."""
    split = []
    for f in fields:
        names: dict[str, str] = {}
        for name in (f.header, f.key, *f.aliases):
            names.setdefault(normalise_header(name), name)
        for rank, name in enumerate(names.values()):
            split.append(dataclasses.replace(
                f, key=f"{f.key}{_RANK}{rank}", header=name, aliases=()))
    return dataclasses.replace(tpl, fields=tuple(split))


def _best_column(columns: dict[str, Column], key: str) -> str | None:
    """The frame column holding field `key`: the one of its best-ranked name in `_by_name`,
    matched by name before similarity; or `key` itself when it was read unsplit."""
    found = [k for k in columns if k == key or k.startswith(key + _RANK)]
    return min(found, default=None, key=lambda k: (
        columns[k].match == FUZZY, int(k[len(key) + 1:] or 0)))


def _numbers(frame: pl.DataFrame, column: str, f: Field, reading: Template) -> pl.DataFrame:
    """`row` and `phone` for each valid number of `column`, by row: a cell holding several
    numbers gives each of them, read as field `f` reads one."""
    code, raw = pl.col(suffixed(column, "code")), pl.col(suffixed(column, "raw"))
    numbers = frame.select(ROW, phone=pl.col(column))
    several = frame.filter(code == "phone.multiple").select(
        ROW, phone=raw.str.normalize("NFKC").str.extract_all(NUMBER_TOKENS),
    ).explode("phone").drop_nulls("phone")
    if several.height:
        values = normalise_field(several.get_column("phone"), f, reading)
        several = several.with_columns(phone=values.get_column("value"))
        numbers = pl.concat([numbers, several]).sort(ROW, maintain_order=True)
    return numbers.filter(pl.col("phone").is_not_null())


def _read_first(
    path: Path, readings: Sequence[Template], sheet: str | int | None,
) -> tuple[Table, Template]:
    """The file read with the first of `readings` whose fields its header names, and that
    template. When none does, the first one's header.not_found: it names the most fields.
    A fallback needs fewer matched columns (a bare list of numbers or names is a file too)."""
    missed: list[CrmkitError] = []
    for reading in readings:
        try:
            return read_table(path, reading, sheet=sheet), reading
        except CrmkitError as exc:
            if exc.code != "header.not_found":
                raise
            missed.append(exc)
    raise missed[0]


def contact_name_field(tpl: Template) -> Field | None:
    """The field that names a contact: the first required text field (姓名, 客户名称)."""
    texts = [f for f in tpl.fields if f.type == "text"]
    return next((f for f in texts if f.required), texts[0] if texts else None)


def _no_phone_column(path: Path, tpl: Template) -> CrmkitError:
    phones = [f for f in tpl.fields if f.type == "phone"]
    names = "、".join(n for f in phones for n in (f.header, *f.aliases)) or "-"
    header = phones[0].header if phones else "手机号码"
    return CrmkitError("options.invalid", detail=Bilingual(
        f"已有联系人导出文件 {path.name} 中没有「{header}」列，无法据此查重"
        f"（可用的列名：{names}）",
        f"the export of existing contacts {path.name} has no \"{header}\" column to compare "
        f"numbers with (recognised names: {names})",
    ))


# --- the company directory ---------------------------------------------------------------


@dataclass(frozen=True)
class Staff:
    """The company directory: who may own a customer or have one shared with them."""

    path: Path
    #: one row per colleague: `name` (as the directory writes it), `key` (name_key of it),
    #: `phone` (normalised like the customer list's, may be null), `department` (may be
    #: null; several joined by 、), `status` (as written, may be null), `active` (bool) and
    #: `row` (the directory's row number). A colleague listed twice with the same phone
    #: (one row per department, say) is one row here.
    people: pl.DataFrame
    #: rows of the directory without a name, left out
    blank_names: int = 0


def staff_template(tpl: Template) -> Template:
    """The columns of a directory export, its phones normalised as `tpl` writes numbers."""
    fields = (
        Field(key="name", header="姓名", required=True, aliases=(
            "员工姓名", "成员", "成员姓名", "真实姓名", "Name", "Full Name", "Employee Name",
            "Member")),
        # Any valid number: a colleague's number is compared, never uploaded.
        Field(key="phone", header="手机", type="phone", aliases=(
            "手机号码", "手机号", "电话", "电话号码", "联系电话", "移动电话", "Mobile",
            "Mobile Phone", "Phone", "Phone Number")),
        Field(key="department", header="部门", aliases=(
            "所属部门", "部门名称", "Department", "Dept")),
        Field(key="status", header="状态", aliases=(
            "在职状态", "员工状态", "人员状态", "Status", "Employee Status",
            "Employment Status")),
    )
    return Template(name="staff-directory", title="企业通讯录", version="1", fields=fields,
                    region=tpl.region, output=tpl.output)


def load_staff(path: str | Path, tpl: Template, *, sheet: str | int | None = None) -> Staff:
    """Read the company directory (通讯录) exported from DingTalk or HR.

    Columns: name (姓名/员工姓名/成员/Name, required: header.missing without it), phone
    (手机/手机号码/电话/Mobile), department (部门/所属部门/Department) and status
    (状态/在职状态/员工状态/Status), the last three optional. A status in DEPARTED_STATUSES
    (离职, 已离职, 停用, inactive, left, resigned...) marks a colleague who has left; any other
    status, including one crmkit does not know, and an empty one count as active. A list of
    names alone (a 姓名 column and nothing crmkit knows beside it) is a directory too. One
    that names nobody raises options.invalid: checking names against it would reject them all.

    Rows are merged into one colleague when they give the same name and number (one row per
    department); rows without a number only when every cell of them is the same, columns
    crmkit does not read (工号, 邮箱) included: namesakes must not become one person.
    """
    path = Path(path)
    reading = staff_template(tpl)
    table, _ = _read_first(path, [reading, dataclasses.replace(
        reading, fields=tuple(f for f in reading.fields if f.key == "name"))], sheet)
    columns = table.header_map.by_field
    frame = table.frame

    def column(key: str) -> pl.Expr:
        return pl.col(key) if key in columns else pl.lit(None, pl.String)

    cells = [pl.col(f"c{c.index}").fill_null("").str.strip_chars()
             for c in table.header_map.columns]
    rows = frame.select(
        name=column("name"), phone=column("phone"), department=column("department"),
        status=column("status"), row=pl.col(ROW),
        cells=pl.concat_str(cells, separator="\x1f"),
    )
    named = rows.filter(pl.col("name").is_not_null())
    if named.height == 0:
        raise CrmkitError("options.invalid", detail=Bilingual(
            f"通讯录文件 {path.name} 中没有任何同事的姓名，请检查导出的文件",
            f"the company directory {path.name} names no colleague; check the export",
        ))
    departed = name_key(pl.col("status")).is_in(sorted(DEPARTED_STATUSES)).fill_null(False)
    named = named.with_columns(key=name_key(pl.col("name")), active=~departed)
    # One person may be listed once per department: the same name and number are one
    # colleague. Without a number, only a row repeated whole is: anything else differing (a
    # department, a 工号) may be all that tells two namesakes apart.
    identity = (
        pl.when(pl.col("phone").is_not_null()).then(pl.col("key") + "\x1f" + pl.col("phone"))
        .otherwise("\x1e" + pl.col("cells"))
    )
    departments = pl.col("department").drop_nulls().unique(maintain_order=True).str.join("、")
    people = (
        named.group_by(identity.alias("identity"), maintain_order=True)
        .agg(
            pl.col("name").first(), pl.col("key").first(), pl.col("phone").first(),
            departments.alias("department"),
            # A status of an active listing first: a person still listed as a member is one.
            pl.col("status").sort_by(pl.col("active"), descending=True, maintain_order=True)
            .first(),
            pl.col("active").any(), pl.col("row").first(),
        )
        .with_columns(department=pl.when(pl.col("department") != "").then("department"))
        .select("name", "key", "phone", "department", "status", "active", "row")
    )
    return Staff(path=path, people=people, blank_names=rows.height - named.height)
