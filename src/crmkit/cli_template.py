"""`crmkit template ...`: list, scaffold, show, check, diff templates and write blank workbooks.

These commands never import polars, pandera or phonenumbers: they read TOML and write small
files, and must start as fast as `crmkit --version`.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from crmkit.catalogue import Bilingual
from crmkit.cli_common import OutputFormat, at_the_edge, print_json, stderr_console
from crmkit.errors import CrmkitError
from crmkit.template import (
    DEFAULT_TEMPLATE,
    Template,
    builtin_dir,
    builtin_names,
    find_template,
    load_template,
    local_dir,
    local_templates,
)

template_app = typer.Typer(
    name="template",
    help="Import templates: list, create, show, check, compare, and write the blank workbook.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

TemplateArg = Annotated[str, typer.Argument(
    metavar="NAME|PATH", help="A template name (shipped or in ./templates/) or a .toml path."
)]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="json for machines.")]
ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")]


def _stdout() -> Console:
    return Console(highlight=False, soft_wrap=True)


@template_app.command("list")
def list_templates(output_format: FormatOption = OutputFormat.text) -> None:
    """List the shipped templates and those in ./templates/.

    Example: crmkit template list --format json
    """
    console = stderr_console()
    with at_the_edge(console, output_format):
        from crmkit.template_toml import check_template_file

        rows: list[dict[str, Any]] = []
        seen: set[Path] = set()
        shipped = [builtin_dir() / f"{n}.toml" for n in builtin_names()]
        shipped_bytes = {p.read_bytes() for p in shipped}
        for origin, path in [("shipped", p) for p in shipped] + [
            ("local", p) for p in local_templates()
        ]:
            # ./templates may be the shipped folder itself, or a copy of it (in a checkout).
            if path.resolve() in seen or (origin == "local" and path.read_bytes() in shipped_bytes):
                continue
            seen.add(path.resolve())
            tpl, problems = check_template_file(path)
            rows.append({
                "name": tpl.name if tpl else path.stem, "title": tpl.title if tpl else None,
                "version": tpl.version if tpl else None,
                "fields": len(tpl.fields) if tpl else None,
                "extends": tpl.extends[0] if tpl and tpl.extends else None,
                "origin": origin, "path": str(path), "problems": len(problems),
            })
    if output_format is OutputFormat.json:
        print_json(rows)
        return
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("名称", no_wrap=True)
    for title in ("标题", "版本", "字段数", "基于", "来源"):
        table.add_column(title, overflow="fold")
    for row in rows:
        origin = "内置" if row["origin"] == "shipped" else f"本地 {row['path']}"
        if row["problems"]:
            origin += f"（有 {row['problems']} 处错误，运行 crmkit template check）"
        table.add_row(Text(row["name"]), Text(row["title"] or "-"), row["version"] or "-",
                      str(row["fields"] or "-"), Text(row["extends"] or "-"), Text(origin))
    _stdout().print(table)
    if not any(r["origin"] == "local" for r in rows):
        console.print(f"（{local_dir()}/ 中没有模板；用 crmkit template new 名称 创建一个）")


@template_app.command("new")
def new_template(
    name: Annotated[str, typer.Argument(help="The new template's name (also its file name).")],
    base: Annotated[str, typer.Option(
        "--from", help="The template it extends, by name or path.")] = DEFAULT_TEMPLATE,
    field: Annotated[list[str] | None, typer.Option(
        "--field", help="A custom field KEY:TYPE or KEY:TYPE:required (repeatable); a "
        "Chinese KEY such as 客户级别 becomes the column header.")] = None,
    tag_group: Annotated[list[str] | None, typer.Option(
        "--tag-group", help="A tag group 'NAME=tag1,tag2' (repeatable).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Where to write it [default: ./templates/NAME.toml].")] = None,
    force: ForceOption = False,
) -> None:
    """Write a new template that extends a base one, commented and ready to edit.

    Example: crmkit template new acme --field 客户级别:choice --tag-group '阶段=潜在,成交'
    """
    console = stderr_console()
    with at_the_edge(console):
        from crmkit.atomic import atomic_path
        from crmkit.template_new import check_name, scaffold
        from crmkit.template_toml import check_template_file

        check_name(name)
        if name in builtin_names():
            raise CrmkitError("options.invalid", detail=Bilingual(
                f"{name} 是内置模板的名字，请给新模板起一个自己的名字（例如 {name}-acme）",
                f"{name} is a shipped template's name; give the new one its own (such as "
                f"{name}-acme)"))
        target = out if out is not None else local_dir() / f"{name}.toml"
        if target.suffix != ".toml":
            target = target / f"{name}.toml" if target.is_dir() else target.with_suffix(".toml")
        _refuse_overwrite(target, force)
        base_path = find_template(base)
        ref = base if base_path.parent == builtin_dir() else _relative(base_path, target.parent)
        text = scaffold(name, load_template(base_path), ref, field or [], tag_group or [])
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target, suffix=".toml") as tmp:
            tmp.write_text(text, encoding="utf-8")
            # A field from --field can clash with an inherited header or alias: say so now,
            # rather than write a template that fails its first check.
            problems = check_template_file(tmp)[1]
            if problems:
                raise CrmkitError("options.invalid", detail=problems[0].message)
    console.print(Text(f"已写入 {target}（基于 {ref}）"))
    console.print(Text(f"下一步：编辑它，然后运行 crmkit template check {target}"))


@template_app.command("show")
def show_template(spec: TemplateArg, output_format: FormatOption = OutputFormat.text) -> None:
    """Show a template as crmkit resolves it (after extends): columns, rules, tag groups.

    Example: crmkit template show dingtalk-crm-customer
    """
    console = stderr_console()
    with at_the_edge(console, output_format):
        tpl = load_template(spec)
    if output_format is OutputFormat.json:
        print_json(template_to_dict(tpl))
        return
    from crmkit.template_excel import TYPE_NAMES, rule_text

    out = _stdout()
    based = f" · 基于 {' → '.join(tpl.extends)}" if tpl.extends else ""
    out.print(Text.assemble((f"{tpl.title}", "bold"), f"（{tpl.name} {tpl.version}）{based}"))
    out.print(Text(f"文件：{tpl.source}"))
    table = Table(show_edge=False, pad_edge=False, show_lines=False)
    for title in ("#", "列名", "键", "类型", "必填"):
        table.add_column(title, no_wrap=True)
    table.add_column("规则", overflow="fold")
    for i, f in enumerate(tpl.fields, 1):
        required = "必填" + ("（默认字段）" if f.locked else "") if f.required else ""
        table.add_row(str(i), Text(f.header), Text(f.key), TYPE_NAMES.get(f.type, f.type),
                      required, Text(rule_text(f, tpl)))
    out.print(table)
    if tpl.tag_groups:
        groups = Table(title="标签组", title_justify="left", show_edge=False, pad_edge=False)
        for title in ("组名", "颜色", "互斥", "标签"):
            groups.add_column(title, overflow="fold")
        for g in tpl.tag_groups:
            groups.add_row(Text(g.name), g.colour, "是" if g.exclusive else "否",
                           Text("、".join(g.tags)))
        out.print(groups)
    else:
        out.print("标签组：无（接受任何标签）")
    tiers = "；".join(f"{t.label}（{t.key}）{t.max}" for t in tpl.tiers) or "无"
    out.print(Text(f"联系人上限：{tiers}；默认 {tpl.default_tier or '-'}"))


def template_to_dict(tpl: Template) -> dict[str, Any]:
    """The resolved template as JSON-ready data."""
    return dataclasses.asdict(tpl)


@template_app.command("check")
def check_template(spec: TemplateArg, output_format: FormatOption = OutputFormat.text) -> None:
    """Find every mistake in a template, with file, line and key path. Exit 0 or 1.

    Example: crmkit template check templates/acme.toml
    """
    console = stderr_console()
    with at_the_edge(console, output_format):
        from crmkit.template_toml import check_template_file

        path = find_template(spec)
        tpl, problems = check_template_file(path)
    if output_format is OutputFormat.json:
        print_json({"ok": not problems, "template": str(path), "problems": [
            dataclasses.asdict(p) for p in problems]})
    else:
        out = _stdout()
        for problem in problems:
            out.print(Text(str(problem)))
        if problems:
            console.print(f"✗ {len(problems)} 处错误", style="bold red")
        elif tpl is not None:
            console.print(Text(f"✓ {tpl.name} {tpl.version}：{len(tpl.fields)} 个字段，"
                               f"{len(tpl.tag_groups)} 个标签组，没有错误", style="bold green"))
    raise typer.Exit(1 if problems else 0)


@template_app.command("excel")
def excel_template(
    spec: TemplateArg,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="The workbook to write [default: ./<name>-导入模板.xlsx].")] = None,
    force: ForceOption = False,
) -> None:
    """Write the blank import workbook people fill in: headers, help, dropdowns, formats.

    Example: crmkit template excel acme --out 客户导入模板.xlsx
    """
    console = stderr_console()
    with at_the_edge(console):
        from crmkit.template_excel import write_blank_workbook

        tpl = load_template(spec)
        target = out if out is not None else Path(f"{tpl.name}-导入模板.xlsx")
        if target.suffix.lower() != ".xlsx":
            raise CrmkitError("options.invalid", detail=Bilingual(
                f"--out 应是 .xlsx 文件：{target}", f"--out must be an .xlsx file: {target}"))
        _refuse_overwrite(target, force)
        write_blank_workbook(tpl, target)
    console.print(Text(f"已写入 {target}：{len(tpl.fields)} 列，含「填写说明」页"))


@template_app.command("diff")
def diff_template(
    old: Annotated[str, typer.Argument(metavar="OLD", help="The template in use.")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The changed template.")],
    output_format: FormatOption = OutputFormat.text,
) -> None:
    """Compare two templates. Exit 1 when a change would reject rows OLD accepted.

    Example: crmkit template diff dingtalk-external-contact templates/acme.toml
    """
    console = stderr_console()
    with at_the_edge(console, output_format):
        from crmkit.template_diff import diff_templates

        changes = diff_templates(load_template(old), load_template(new))
    breaking = [c for c in changes if c.breaking]
    if output_format is OutputFormat.json:
        print_json({"breaking": bool(breaking),
                    "changes": [dataclasses.asdict(c) for c in changes]})
    else:
        table = Table(show_edge=False, pad_edge=False)
        table.add_column("变化", no_wrap=True)
        for title in ("对象", "说明", "影响"):
            table.add_column(title, overflow="fold")
        for c in changes:
            impact = Text("会拒绝旧模板接受的行", style="red") if c.breaking else Text("兼容")
            table.add_row(c.kind, Text(c.subject), Text(c.zh), impact)
        if changes:
            _stdout().print(table)
        summary = f"{len(changes)} 处变化，其中 {len(breaking)} 处不兼容"
        console.print(summary if changes else "两个模板没有差别",
                      style="bold red" if breaking else "bold green")
    raise typer.Exit(1 if breaking else 0)


def _refuse_overwrite(target: Path, force: bool) -> None:
    if target.exists() and not force:
        raise CrmkitError("output.exists", path=str(target))


def _relative(path: Path, start: Path) -> str:
    try:
        return Path(os.path.relpath(path.resolve(), start.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return str(path.resolve())
