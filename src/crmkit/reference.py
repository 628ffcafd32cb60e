"""Reference files a customer list is checked against: the contacts already in the CRM
(`--existing`) and the company directory (`--staff`).

Both are read with `table.read_table`, so they may be in any format crmkit reads, with a title
row above the header, GBK text and Excel's float phone numbers. Their phone numbers are
normalised exactly as the customer list's are (same region, same output form), so a number
compares equal however each file wrote it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError
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


@dataclass(frozen=True)
class Existing:
    """The contacts already in the CRM, as far as duplicates and the tier limit need them."""

    path: Path
    #: contacts in the export (rows with at least one mapped cell filled): counts against
    #: the tier limit
    count: int
    #: one row per distinct (field, phone): `field` (the template's phone field key),
    #: `phone` (normalised like the customer list's), `name` (the contact's name, may be
    #: null) and `row` (the export's row number where the number first appears)
    phones: pl.DataFrame


def load_existing(path: str | Path, tpl: Template, *, sheet: str | int | None = None) -> Existing:
    """Read an export of the CRM's contacts, its columns mapped through `tpl`.

    Invalid cells in the export are not the user's problem in this run (it is what the CRM
    already holds): a number that cannot be read is simply not compared. Only the phone
    field is required; a file without any phone column cannot be used and raises
    options.invalid naming it. An export holding nothing but a phone column works too.
    """
    path = Path(path)
    try:
        table = _read_export(path, _export_template(tpl), sheet)
    except CrmkitError as exc:
        if exc.code == "header.missing":
            raise _no_phone_column(path, tpl) from None
        raise
    columns = table.header_map.by_field
    phone_keys = [f.key for f in tpl.fields if f.type == "phone" and f.key in columns]
    if not phone_keys:
        raise _no_phone_column(path, tpl)
    frame = table.frame
    raws = [pl.col(suffixed(key, "raw")).is_not_null() for key in columns]
    count = frame.select(pl.any_horizontal(raws).sum()).item() if raws else 0
    name_field = _name_field(tpl)
    name = (pl.col(name_field) if name_field is not None and name_field in columns
            else pl.lit(None, pl.String))
    parts = [
        frame.select(field=pl.lit(key), phone=pl.col(key), name=name, row=pl.col(ROW))
        for key in phone_keys
    ]
    phones = (
        pl.concat(parts).filter(pl.col("phone").is_not_null())
        .unique(subset=["field", "phone"], keep="first", maintain_order=True)
    )
    return Existing(path=path, count=int(count), phones=phones)


def _read_export(path: Path, reading: Template, sheet: str | int | None) -> Table:
    """The export read with `reading`, or with its phone fields alone when no header row
    names two of its fields: a bare list of numbers is an export too."""
    try:
        return read_table(path, reading, sheet=sheet)
    except CrmkitError as exc:
        if exc.code != "header.not_found":
            raise
        phones_only = dataclasses.replace(
            reading, fields=tuple(f for f in reading.fields if f.type == "phone"))
        try:
            return read_table(path, phones_only, sheet=sheet)
        except CrmkitError as again:
            # Not even a phone header: the first message, naming the fields, says more.
            if again.code == "header.not_found":
                raise exc from None
            raise


def _export_template(tpl: Template) -> Template:
    """`tpl` as an export is read: the same columns and phone rules, only the identifying
    phone required, other fields plain text (an export's tags, dates or emails need not
    satisfy this template, and checking them would only cost time)."""
    uniques = any(f.type == "phone" and f.unique for f in tpl.fields)
    fields = []
    for f in tpl.fields:
        if f.type == "phone":
            fields.append(dataclasses.replace(
                f, required=f.unique or not uniques, default=None))
        else:
            fields.append(Field(key=f.key, header=f.header, aliases=f.aliases))
    return dataclasses.replace(tpl, fields=tuple(fields))


def _name_field(tpl: Template) -> str | None:
    """The field that names a contact: the first required text field (姓名, 客户名称)."""
    texts = [f for f in tpl.fields if f.type == "text"]
    chosen = next((f for f in texts if f.required), texts[0] if texts else None)
    return chosen.key if chosen is not None else None


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
    status, including one crmkit does not know, and an empty one count as active. A directory
    that names nobody raises options.invalid: checking names against it would reject them all.
    """
    path = Path(path)
    table = read_table(path, staff_template(tpl), sheet=sheet)
    columns = table.header_map.by_field
    frame = table.frame

    def column(key: str) -> pl.Expr:
        return pl.col(key) if key in columns else pl.lit(None, pl.String)

    rows = frame.select(
        name=column("name"), phone=column("phone"), department=column("department"),
        status=column("status"), row=pl.col(ROW),
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
    # colleague. Without a number, the department tells two namesakes apart.
    identity = (
        pl.when(pl.col("phone").is_not_null()).then(pl.col("key") + "\x1f" + pl.col("phone"))
        .otherwise(pl.col("key") + "\x1e" + pl.col("department").fill_null(""))
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
