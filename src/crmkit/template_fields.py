"""Building one field of a template from its merged values, with the checks that need the
whole field: type-specific keys, bounds, options, and a default its own rules accept."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from crmkit.headers import normalise_header
from crmkit.template import (
    BOOL_FALSE,
    BOOL_TRUE,
    DATE_ORDERS,
    FIELD_TYPES,
    PHONE_TYPES,
    Field,
    Option,
    known_region,
    spelling_key,
)
from crmkit.template_values import Slot, Values, did_you_mean

if TYPE_CHECKING:
    from crmkit.template_toml import Problems

COMMON_FIELD_KEYS = (
    "key", "header", "type", "aliases", "required", "unique", "locked", "help", "default",
)
#: the keys each field type adds to the common ones
TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "text": ("min_length", "max_length", "pattern"),
    "phone": ("number_types", "regions"),
    "email": ("max_length",),
    "date": ("date_order",),
    "number": ("min", "max", "decimals"),
    "choice": ("options",),
    "tags": ("max_length",),
    "person": ("multiple", "max_length"),
    "url": ("max_length",),
    "bool": (),
}
FIELD_KEYS = COMMON_FIELD_KEYS + tuple(sorted({k for ks in TYPE_KEYS.values() for k in ks}))
OPTION_KEYS = ("value", "aliases")


def build_field(slots: dict[str, Slot], problems: Problems) -> Field | None:
    key_slot = slots["key"]
    values = Values(key_slot.file, problems)
    where = key_slot.path.rpartition(".")[0]
    key = str(key_slot.value)
    header = values.text(slots.get("header"))
    if header is not None and not header.strip():
        values.fail(slots["header"], "", "must not be empty: the column's name in the import file")
        header = None
    elif header is None and "header" not in slots:
        values.fail(None, f"{where}.header", "is required: the column's name in the import "
                    "file", file=key_slot.file)
    ftype = values.text(slots.get("type")) or "text"
    if ftype not in FIELD_TYPES:
        hint = did_you_mean(ftype, FIELD_TYPES)
        values.fail(slots["type"], "", f'unknown type "{ftype}"{hint} '
                    f"(one of: {', '.join(FIELD_TYPES)})")
        return None
    allowed = set(COMMON_FIELD_KEYS) | set(TYPE_KEYS[ftype])
    for name, slot in slots.items():
        if name in FIELD_KEYS and name not in allowed:
            owners = [t for t, ks in TYPE_KEYS.items() if name in ks]
            values.fail(slot, "", f"only for fields of type {' or '.join(owners)}, not {ftype}")
    min_length = values.positive_int(slots.get("min_length"))
    max_length = values.positive_int(slots.get("max_length"))
    if min_length and max_length and min_length > max_length:
        values.fail(slots["min_length"], "", f"is more than max_length ({max_length})")
    minimum, maximum = values.number(slots.get("min")), values.number(slots.get("max"))
    if minimum is not None and maximum is not None and minimum > maximum:
        values.fail(slots["min"], "", f"is more than max ({maximum:g})")
    decimals = values.count(slots.get("decimals"))
    number_types = values.choices(slots.get("number_types"), PHONE_TYPES)
    regions = tuple(r.upper() for r in values.str_items(slots.get("regions")))
    for i, region in enumerate(regions):
        if not known_region(region):
            values.fail(slots["regions"], f"[{i}]", f'"{region}" is not a region code phone '
                        "numbers know: use a code such as CN, HK or US")
    date_order = values.text(slots.get("date_order")) or "ymd"
    if date_order not in DATE_ORDERS:
        values.fail(slots["date_order"], "", f'must be one of {", ".join(DATE_ORDERS)}')
    options = _options(slots.get("options"), values)
    if ftype == "choice" and not options:
        values.fail(slots.get("options"), "", "a choice field needs options",
                    file=key_slot.file, path=f"{where}.options")
    pattern = values.pattern(slots.get("pattern"))
    default = values.text(slots.get("default"))
    if header is None:
        return None
    result = Field(
        key=key, header=header, type=ftype,
        aliases=values.str_items(slots.get("aliases")),
        required=values.flag(slots.get("required")),
        unique=values.flag(slots.get("unique")),
        locked=values.flag(slots.get("locked")),
        help=values.text(slots.get("help")) or "",
        default=default, min_length=min_length, max_length=max_length, pattern=pattern,
        number_types=number_types, regions=regions, date_order=date_order,
        minimum=minimum, maximum=maximum, decimals=decimals, options=options,
        multiple=values.flag(slots.get("multiple")),
    )
    if default is not None and (why := _default_problem(result, default)):
        values.fail(slots["default"], "", why)
    elif default is not None and result.unique:
        values.fail(slots["default"], "", "a unique field cannot have a default: every empty "
                    "cell would get the same value and collide")
    return result


_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")
_YEAR_FIRST_DATE = re.compile(r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?$")


def _default_problem(f: Field, default: str) -> str | None:
    """Why `default` would itself be rejected by the field's rules, if it would: a default is
    checked like any cell, so a bad one would reject every empty cell."""
    text = default.strip()
    if not text:
        return "must not be empty (leave it out instead)"
    spellings = {spelling_key(name) for o in f.options for name in (o.value, *o.aliases)}
    if f.type == "choice" and spelling_key(text) not in spellings:
        return f'"{default}" is not one of the options'
    if f.type == "bool" and spelling_key(text) not in {
        spelling_key(w) for w in (*BOOL_TRUE, *BOOL_FALSE)
    }:
        return f'"{default}" is not a yes or no (是 / 否)'
    if f.type == "number":
        if not _NUMBER.match(text) or not any(c.isdigit() for c in text):
            return f'"{default}" is not a number'
        number = float(text.replace(",", ""))
        if (f.minimum is not None and number < f.minimum) or (
                f.maximum is not None and number > f.maximum):
            return f'"{default}" is outside min and max'
    if f.type == "date" and not _YEAR_FIRST_DATE.match(text):
        return f'"{default}" is not a date written year first, such as 2024-01-05'
    if f.pattern is not None and re.fullmatch(f.pattern, text) is None:
        return f'"{default}" does not match the pattern'
    if f.max_length is not None and len(text) > f.max_length:
        return f"is longer than max_length ({f.max_length})"
    if f.min_length is not None and len(text) < f.min_length:
        return f"is shorter than min_length ({f.min_length})"
    return None


def _options(slot: Slot | None, values: Values) -> tuple[Option, ...]:
    if slot is None:
        return ()
    if not isinstance(slot.value, list):
        values.fail(slot, "", 'must be a list of strings or of {value = "...", aliases = [...]}')
        return ()
    options = []
    for i, raw in enumerate(slot.value):
        item = Slot(raw, slot.file, f"{slot.path}[{i}]")
        if isinstance(raw, str) and raw.strip():
            options.append(Option(raw.strip()))
        elif isinstance(raw, dict):
            values.problems.unknown_keys(slot.file, raw, OPTION_KEYS, item.path)
            value = values.text(Slot(raw.get("value"), slot.file, f"{item.path}.value"),
                                required=True)
            aliases = values.str_items(Slot(raw.get("aliases", []), slot.file,
                                            f"{item.path}.aliases"))
            if value:
                options.append(Option(value.strip(), aliases))
        else:
            values.fail(item, "", 'must be a string or {value = "...", aliases = [...]}')
    owners: dict[str, str] = {}
    for option in options:
        for name in (option.value, *option.aliases):
            norm = spelling_key(name)
            if norm in owners and owners[norm] != option.value:
                values.fail(slot, "", f'"{name}" names both "{owners[norm]}" and "{option.value}"')
            owners[norm] = option.value
    return tuple(options)


def check_names(
    fields: tuple[Field, ...], slots: list[dict[str, Slot]], problems: Problems
) -> None:
    """No header or alias may name two fields: a column would not know where it belongs.
    Names are compared as header cells are (`*手机号码（必填）` is 手机号码)."""
    owners: dict[str, Field] = {}
    where = {str(s["key"].value): s for s in slots}
    for f in fields:
        for name in (f.key, f.header, *f.aliases):
            norm = normalise_header(name)
            other = owners.get(norm)
            if other is not None and other.key != f.key:
                s = where[f.key]
                slot = s.get("aliases") if name in f.aliases else s.get("header", s["key"])
                Values(s["key"].file, problems).fail(
                    slot, "", f'"{name}" also names the field "{other.header}" ({other.key})'
                )
            owners.setdefault(norm, f)
