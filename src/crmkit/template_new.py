"""`crmkit template new`: the text of a new derived template, commented and ready to edit.

"Copy the template, then modify the copy, never edit the original": a new template `extends`
its base and starts with no changes, so it validates exactly like the base until edited.
"""

from __future__ import annotations

import json
import re

from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError
from crmkit.template import FIELD_TYPES, Template

_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NAME = re.compile(r"^[^\s/\\:*?\"<>|]+$")
#: settings a new field of each type needs before it passes `template check`
_TYPE_STUBS = {
    "choice": 'options = ["选项一", "选项二"]   # TODO: the values allowed',
    "text": "max_length = 100",
    "number": "# min = 0\n# max = 100\n# decimals = 2",
    "date": '# date_order = "ymd"   # dmy or mdy to accept 05/01/2024',
    "phone": 'number_types = ["mobile"]',
    "person": "multiple = false",
}


def _q(text: str) -> str:
    """A TOML basic string (JSON's escaping is valid TOML)."""
    return json.dumps(text, ensure_ascii=False)


def check_name(name: str) -> None:
    """A template name must work as a file name on every system."""
    if not _NAME.match(name):
        raise CrmkitError("options.invalid", detail=Bilingual(
            f"模板名 {name!r} 不能含有空格或 / \\ : * ? \" < > |",
            f"template name {name!r} cannot hold spaces or / \\ : * ? \" < > |",
        ))


def parse_field_option(spec: str, index: int, base: Template) -> tuple[str, str, str, bool]:
    """`KEY:TYPE[:required]` as (key, header, type, required). A KEY that is not a plain
    identifier (such as 客户级别) is taken as the header, with a generated key."""
    parts = [p.strip() for p in spec.split(":")]
    if len(parts) not in (2, 3) or not parts[0] or (len(parts) == 3 and parts[2] != "required"):
        raise _bad_option("--field", spec, "KEY:TYPE 或 KEY:TYPE:required",
                          "KEY:TYPE or KEY:TYPE:required")
    name, ftype = parts[0], parts[1]
    if ftype not in FIELD_TYPES:
        raise _bad_option("--field", spec, "类型是 " + "、".join(FIELD_TYPES),
                          "TYPE is one of " + ", ".join(FIELD_TYPES))
    key, header = (name, name) if _KEY.match(name) else (f"custom_{index}", name)
    if base.field(key) is not None:
        raise _bad_option("--field", spec, f"基础模板已有字段 {key}", f"the base already has {key}")
    return key, header, ftype, len(parts) == 3


def parse_group_option(spec: str) -> tuple[str, list[str]]:
    """`NAME=tag1,tag2` as (name, tags)."""
    name, sep, rest = spec.partition("=")
    tags = [t.strip() for t in re.split(r"[,，、]", rest) if t.strip()]
    if not sep or not name.strip() or not tags:
        raise _bad_option("--tag-group", spec, "组名=标签1,标签2", "NAME=tag1,tag2")
    return name.strip(), tags


def _bad_option(option: str, spec: str, zh: str, en: str) -> CrmkitError:
    return CrmkitError("options.invalid", detail=Bilingual(
        f"{option} {spec!r} 写法不对：{zh}", f"{option} {spec!r}: expected {en}",
    ))


def scaffold(
    name: str, base: Template, base_ref: str, fields: list[str], tag_groups: list[str]
) -> str:
    """The TOML text of a new template `name` that extends `base` (named `base_ref`)."""
    check_name(name)
    parsed = [parse_field_option(spec, i, base) for i, spec in enumerate(fields, 1)]
    groups = [parse_group_option(spec) for spec in tag_groups]
    locked = "、".join(f.header for f in base.fields if f.locked) or "-"
    lines = [
        f"# crmkit template {name}: derived from {base.name} ({base.title} {base.version}).",
        "#",
        "# A derived template inherits every field and setting of its base and lists only",
        "# what it changes. Check it with `crmkit template check <this file>`, see the result",
        "# with `crmkit template show <this file>`, and try it on a small batch first:",
        "#   crmkit validate 小批量.xlsx --template <this file>",
        "# The language is documented in docs/templates.md.",
        "",
        "format_version = 1",
        f"name = {_q(name)}",
        f"title = {_q(name)}          # TODO: the name people see, e.g. 华东区客户",
        'version = "0.1.0"          # raise it with every change you roll out',
        f"extends = {_q(base_ref)}",
        "",
        "# Remove inherited fields by key (the CRM's default fields cannot be removed:",
        f"# {locked}):",
        "# [remove]",
        '# fields = ["title"]',
        "",
        "# Column order of the upload file: keys listed here come first, the rest follow.",
        f"# order = [{', '.join(_q(f.key) for f in base.fields[:3])}]",
        "",
        "# Override an inherited field by repeating its key with only what changes; a new",
        "# header renames the column (the old header stays accepted as an alias):",
        "# [[fields]]",
        f"# key = {_q(base.fields[-1].key)}",
        f"# help = {_q('新的填写说明')}",
    ]
    for key, header, ftype, required in parsed:
        lines += ["", "[[fields]]", f"key = {_q(key)}", f"header = {_q(header)}",
                  f"type = {_q(ftype)}"]
        if required:
            lines.append("required = true")
        lines.append(f"help = {_q('TODO: 告诉填表的同事这一列填什么')}")
        if ftype in _TYPE_STUBS:
            lines.append(_TYPE_STUBS[ftype])
    if not parsed:
        lines += [
            "",
            "# Add a custom field (types: " + ", ".join(FIELD_TYPES) + "):",
            "# [[fields]]",
            '# key = "level"',
            '# header = "客户级别"',
            '# type = "choice"',
            '# options = ["A", "B", "C"]',
        ]
    for group, tags in groups:
        lines += ["", "[[tag_groups]]", f"name = {_q(group)}",
                  f"tags = [{', '.join(_q(t) for t in tags)}]",
                  'colour = "blue"    # red, orange, yellow, green, blue or purple',
                  "exclusive = true   # one tag of this group per customer"]
    if not groups:
        lines += [
            "",
            "# Tag groups: with none, any tag is accepted; with some, tags are checked.",
            "# [[tag_groups]]",
            '# name = "客户阶段"',
            '# tags = ["潜在客户", "意向客户", "成交客户"]',
            '# colour = "green"',
            "# exclusive = true",
        ]
    return "\n".join(lines) + "\n"
