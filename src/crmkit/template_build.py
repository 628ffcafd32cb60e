"""Merging an `extends` chain and building the Template, checking every key on the way.

Each value keeps the file and key path it was written at (a `Slot`), so a mistake found after
merging (two fields claiming one header, a tag in two exclusive groups) is still reported
where the user wrote it. In each file, `[remove]` applies first, then `[[fields]]` (an
existing key overrides that field, a new key adds one), then `order`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crmkit.headers import normalise_header
from crmkit.template import (
    DATE_OUTPUTS,
    PHONE_OUTPUTS,
    TAG_COLOURS,
    TAG_OUTPUTS,
    Field,
    Output,
    TagGroup,
    Template,
    Tier,
    known_region,
)
from crmkit.template_fields import (
    COMMON_FIELD_KEYS,
    FIELD_KEYS,
    TYPE_KEYS,
    build_field,
    check_names,
)
from crmkit.template_values import Slot, Values, did_you_mean

if TYPE_CHECKING:
    from crmkit.template_toml import Problems, TemplateFile

OUTPUT_KEYS = ("sheet", "phone", "state_code_header", "date", "separator", "tags", "bool")
LIMIT_KEYS = ("default_tier", "tiers")
TIER_KEYS = ("label", "max")
TAG_GROUP_KEYS = ("name", "colour", "tags", "exclusive")

_FIELD_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SHEET_NAME_FORBIDDEN = set("[]:*?/\\")
#: sheet names the blank workbook uses for its instructions and dropdown lists
_WORKBOOK_SHEETS = ("填写说明", "选项")
#: characters that split a cell into several tags, so a tag name cannot hold them
_TAG_FORBIDDEN = set(",，、;；|\r\n")
#: characters that join a tag group's name and its tag in a cell
_GROUP_JOINERS = set(":/：／")


@dataclass
class _Merged:
    top: dict[str, Slot]
    output: dict[str, Slot]
    default_tier: Slot | None
    tiers: dict[str, dict[str, Slot]]
    fields: list[dict[str, Slot]]
    groups: list[dict[str, Slot]]


def build_template(chain: list[TemplateFile], problems: Problems) -> Template | None:
    """The resolved template of an `extends` chain (base first), or None when it has
    mistakes bad enough that nothing sensible can be built."""
    merged = _Merged({}, {}, None, {}, [], [])
    for file in chain:
        _merge(merged, file, Values(file, problems))
    last = chain[-1]
    values = Values(last, problems)
    name = values.text(merged.top.get("name"), required=True, where="name")
    fields = tuple(f for f in (build_field(slots, problems) for slots in merged.fields) if f)
    if not merged.fields:
        values.fail(None, "fields", "a template needs at least one field ([[fields]])")
    check_names(fields, merged.fields, problems)
    groups = tuple(g for g in (_group(slots, problems) for slots in merged.groups) if g)
    _check_groups(groups, merged.groups, problems)
    tiers = tuple(t for t in (_tier(key, s, problems) for key, s in merged.tiers.items()) if t)
    default_tier = values.text(merged.default_tier)
    if default_tier is not None and default_tier not in merged.tiers:
        values.fail(merged.default_tier, "", f'"{default_tier}" is not one of limits.tiers'
                    + did_you_mean(default_tier, list(merged.tiers)))
    region = (values.text(merged.top.get("region")) or "CN").upper()
    if not known_region(region):
        values.fail(merged.top.get("region"), "", f'"{region}" is not a region code phone '
                    "numbers know: use a code such as CN, HK or US")
    output = _output(merged.output, problems, fields)
    if name is None:
        return None
    return Template(
        name=name,
        title=values.text(merged.top.get("title")) or name,
        version=values.text(merged.top.get("version")) or "0",
        description=values.text(merged.top.get("description")) or "",
        region=region,
        fields=fields,
        tiers=tiers,
        default_tier=default_tier,
        output=output,
        tag_groups=groups,
        extends=tuple(str(f.data.get("extends")) for f in reversed(chain) if "extends" in f.data),
        source=last.source,
    )


# --- merging ---------------------------------------------------------------------------------


def _merge(merged: _Merged, file: TemplateFile, values: Values) -> None:
    data = file.data
    # A template's identity is its own: a derived file does not inherit its base's name,
    # title, version or description (a missing title falls back to its name).
    for key in ("name", "title", "version", "description"):
        merged.top.pop(key, None)
    for key in ("name", "title", "version", "description", "region"):
        if key in data:
            merged.top[key] = Slot(data[key], file, key)
    output = values.table(data, "output", OUTPUT_KEYS)
    merged.output.update({k: Slot(v, file, f"output.{k}") for k, v in output.items()})
    limits = values.table(data, "limits", LIMIT_KEYS)
    if "default_tier" in limits:
        merged.default_tier = Slot(limits["default_tier"], file, "limits.default_tier")
    for key, raw in values.table(limits, "tiers", None, "limits.").items():
        where = f"limits.tiers.{key}"
        if not isinstance(raw, dict):
            values.fail(None, where, "must be a table with label and max")
            continue
        values.problems.unknown_keys(file, raw, TIER_KEYS, where)
        tier = merged.tiers.setdefault(key, {})
        tier.update({k: Slot(v, file, f"{where}.{k}") for k, v in raw.items()})
    _merge_removals(merged, file, values)
    _merge_fields(merged, file, values)
    _merge_groups(merged, file, values)
    _merge_order(merged, file, values)


def _merge_removals(merged: _Merged, file: TemplateFile, values: Values) -> None:
    remove = values.table(file.data, "remove", ("fields", "tag_groups"))
    keys = [str(f["key"].value) for f in merged.fields]
    for i, key in enumerate(values.str_list(remove, "fields", "remove.")):
        where = f"remove.fields[{i}]"
        if key not in keys:
            values.fail(None, where, f'no inherited field has key "{key}"'
                        + did_you_mean(key, keys))
            continue
        slots = merged.fields[keys.index(key)]
        if slots.get("locked") and slots["locked"].value is True:
            header = slots["header"].value
            values.fail(None, where, f'"{header}" ({key}) is a default field of the CRM and '
                        "cannot be removed")
            continue
        del merged.fields[keys.index(key)]
        keys.remove(key)
    names = [str(g["name"].value) for g in merged.groups]
    for i, name in enumerate(values.str_list(remove, "tag_groups", "remove.")):
        if name not in names:
            values.fail(None, f"remove.tag_groups[{i}]", f'no inherited tag group "{name}"'
                        + did_you_mean(name, names))
            continue
        del merged.groups[names.index(name)]
        names.remove(name)


def _merge_fields(merged: _Merged, file: TemplateFile, values: Values) -> None:
    inherited = {str(f["key"].value): f for f in merged.fields}
    seen: dict[str, int] = {}
    for j, raw in enumerate(values.tables(file.data, "fields", "[[fields]]")):
        where = f"fields[{j}]"
        values.problems.unknown_keys(file, raw, FIELD_KEYS, where)
        key = raw.get("key")
        if not isinstance(key, str) or not _FIELD_KEY.match(key):
            said = "is required: a" if key is None else "must be a"
            values.fail(None, f"{where}.key", f"{said} name of ASCII letters, digits and _ "
                        "(used in reports and JSON), such as customer_level; the Chinese name "
                        "goes in header")
            continue
        if key in seen:
            values.fail(None, f"{where}.key", f'"{key}" is also the key of fields[{seen[key]}]')
            continue
        seen[key] = j
        slots = {k: Slot(v, file, f"{where}.{k}") for k, v in raw.items()}
        if key in inherited:
            _override(inherited[key], slots, values)
        else:
            merged.fields.append(slots)


def _override(base: dict[str, Slot], new: dict[str, Slot], values: Values) -> None:
    """Apply a derived template's settings to an inherited field."""
    locked = "locked" in base and base["locked"].value is True
    header = base["header"].value if "header" in base else None
    if locked:
        for key, forbidden, why in (
            ("type", lambda v: v != base.get("type", Slot("text", None, "")).value, "retyped"),
            ("header", lambda v: v != header, "renamed"),
            ("required", lambda v: v is not True, "made optional"),
            ("locked", lambda v: v is not True, "unlocked"),
        ):
            if key in new and forbidden(new[key].value):
                values.fail(new[key], "", f'"{header}" is a default field of the CRM and cannot '
                            f"be {why}")
                del new[key]
    if "type" in new and new["type"].value != base.get("type", Slot("text", None, "")).value:
        # A retyped field keeps only the settings that make sense for its new type.
        allowed = set(COMMON_FIELD_KEYS) | set(TYPE_KEYS.get(str(new["type"].value), ()))
        for key in [k for k in base if k not in allowed or k == "default"]:
            del base[key]
    if "header" in new and isinstance(header, str) and new["header"].value != header:
        # A renamed field still recognises files written with its old header.
        aliases = new.get("aliases") or base.get("aliases") or Slot([], new["header"].file,
                                                                     new["header"].path)
        if isinstance(aliases.value, list) and header not in aliases.value:
            new["aliases"] = Slot([*aliases.value, header], aliases.file, aliases.path)
    base.update(new)


def _merge_groups(merged: _Merged, file: TemplateFile, values: Values) -> None:
    seen: dict[str, int] = {}
    for j, raw in enumerate(values.tables(file.data, "tag_groups", "[[tag_groups]]")):
        where = f"tag_groups[{j}]"
        values.problems.unknown_keys(file, raw, TAG_GROUP_KEYS, where)
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            values.fail(None, f"{where}.name", "is required" if name is None else
                        'must be a non-empty string: name = "客户阶段"')
            continue
        if name in seen:
            values.fail(None, f"{where}.name", f'"{name}" is also the name of '
                        f"tag_groups[{seen[name]}]")
            continue
        seen[name] = j
        slots = {k: Slot(v, file, f"{where}.{k}") for k, v in raw.items()}
        names = [str(g["name"].value) for g in merged.groups]
        if name in names:  # a derived template redefines an inherited group as a whole
            merged.groups[names.index(name)] = slots
        else:
            merged.groups.append(slots)


def _merge_order(merged: _Merged, file: TemplateFile, values: Values) -> None:
    if "order" not in file.data:
        return
    order = values.str_list(file.data, "order", "")
    by_key = {str(f["key"].value): f for f in merged.fields}
    listed: list[str] = []
    for i, key in enumerate(order):
        if key not in by_key:
            values.fail(None, f"order[{i}]", f'no field has key "{key}"'
                        + did_you_mean(key, list(by_key)))
        elif key in listed:
            values.fail(None, f"order[{i}]", f'"{key}" is listed twice')
        else:
            listed.append(key)
    rest = [k for k in by_key if k not in listed]
    merged.fields[:] = [by_key[k] for k in [*listed, *rest]]


# --- building --------------------------------------------------------------------------------


def _group(slots: dict[str, Slot], problems: Problems) -> TagGroup | None:
    values = Values(slots["name"].file, problems)
    name = str(slots["name"].value)
    if set(name) & _GROUP_JOINERS:
        values.fail(slots["name"], "", "a group name cannot hold : or / (they join a group "
                    "and its tag, as in 客户级别:A类)")
    tags = values.str_items(slots.get("tags"))
    if not tags:
        values.fail(slots.get("tags"), "", "a tag group needs tags", file=slots["name"].file,
                    path=slots["name"].path.replace(".name", ".tags"))
    for i, tag in enumerate(tags):
        if not tag.strip():
            values.fail(slots["tags"], f"[{i}]", "must not be empty")
        elif set(tag) & _TAG_FORBIDDEN:
            values.fail(slots["tags"], f"[{i}]", f'"{tag}" holds a character that separates tags '
                        "in a cell (, ， 、 ; ； |)")
        elif set(tag) & _GROUP_JOINERS:
            values.fail(slots["tags"], f"[{i}]", f'"{tag}" holds : or /, which join a group and '
                        "its tag in a cell (客户阶段:潜在客户): the tag could not be written plain")
        if tags.index(tag) != i:
            values.fail(slots["tags"], f"[{i}]", f'"{tag}" is listed twice')
    colour = values.text(slots.get("colour")) or "blue"
    if colour not in TAG_COLOURS:
        hint = did_you_mean(colour, TAG_COLOURS)
        values.fail(slots["colour"], "", f'unknown colour "{colour}"{hint} '
                    f"(one of: {', '.join(TAG_COLOURS)})")
    exclusive = values.flag(slots.get("exclusive"), default=True)
    return TagGroup(name=name, tags=tags, colour=colour, exclusive=exclusive)


def _check_groups(
    groups: tuple[TagGroup, ...], slots: list[dict[str, Slot]], problems: Problems
) -> None:
    """A tag in two exclusive groups could never be told apart when written plain, and
    DingTalk would treat the two as unrelated tags."""
    owner: dict[str, TagGroup] = {}
    where = {str(s["name"].value): s for s in slots}
    for group in groups:
        if not group.exclusive:
            continue
        for tag in group.tags:
            other = owner.setdefault(tag, group)
            if other is not group:
                s = where[group.name]
                Values(s["name"].file, problems).fail(
                    s.get("tags", s["name"]), "",
                    f'tag "{tag}" is also in the exclusive group "{other.name}"',
                )


def _tier(key: str, slots: dict[str, Slot], problems: Problems) -> Tier | None:
    if "max" not in slots:
        file = next(iter(slots.values())).file if slots else None
        Values(file, problems).fail(None, f"limits.tiers.{key}.max", "is required: the most "
                                    "contacts this tier allows")
        return None
    values = Values(slots["max"].file, problems)
    limit = values.positive_int(slots["max"])
    if limit is None:
        return None
    return Tier(key=key, label=values.text(slots.get("label")) or key, max=limit)


def _output(slots: dict[str, Slot], problems: Problems, fields: tuple[Field, ...]) -> Output:
    some = next(iter(slots.values()), None)
    values = Values(some.file if some else None, problems)
    sheet = values.text(slots.get("sheet")) or "Sheet1"
    if len(sheet) > 31 or set(sheet) & _SHEET_NAME_FORBIDDEN:
        values.fail(slots["sheet"], "", "an Excel sheet name has at most 31 characters and "
                    "none of [ ] : * ? / \\")
    elif sheet in _WORKBOOK_SHEETS:
        values.fail(slots["sheet"], "", f'"{sheet}" is a sheet of the blank workbook crmkit '
                    "writes (template excel): choose another name")
    phone = values.text(slots.get("phone")) or "national"
    if phone not in PHONE_OUTPUTS:
        values.fail(slots["phone"], "", f'must be one of {", ".join(PHONE_OUTPUTS)}')
    date = values.text(slots.get("date")) or "yyyy-mm-dd"
    if date not in DATE_OUTPUTS:
        values.fail(slots["date"], "", f'must be one of {", ".join(DATE_OUTPUTS)}')
    tags = values.text(slots.get("tags")) or "tag"
    if tags not in TAG_OUTPUTS:
        values.fail(slots["tags"], "", f'must be one of {", ".join(TAG_OUTPUTS)}')
    separator = values.text(slots.get("separator"))
    if separator is not None and not separator.strip():
        values.fail(slots["separator"], "", "must be a visible character such as , or ，")
    elif separator is not None and set(separator) & _GROUP_JOINERS:
        values.fail(slots["separator"], "", "cannot hold : or /, which join a tag group and its "
                    "tag: use , or ， or 、")
    words = values.str_items(slots.get("bool"))
    if "bool" in slots and (len(words) != 2 or words[0] == words[1]):
        values.fail(slots["bool"], "", 'must be two different words, true first: ["是", "否"]')
    state_code = values.text(slots.get("state_code_header")) or "国家码"
    if phone == "state_code+mobile" and normalise_header(state_code) in {
        normalise_header(name) for f in fields for name in (f.header, *f.aliases)
    }:
        values.fail(slots.get("state_code_header"), "", f'"{state_code}" also names a field: '
                    "the upload file would have two columns of that name",
                    path="output.state_code_header")
    return Output(
        sheet=sheet, phone=phone,
        state_code_header=state_code,
        date=date, separator=separator or ",", tags=tags,
        bool=(words[0], words[1]) if len(words) == 2 else ("是", "否"),
    )
