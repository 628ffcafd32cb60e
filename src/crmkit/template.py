"""Customer import templates: what columns a CRM's import expects and the rules for each.

A template is a small TOML file (see templates/dingtalk-external-contact.toml). It is read
strictly: an unknown key is an error, so a typo never silently switches a rule off.
"""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, cast

from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError
from crmkit.headers import normalise_header

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

DEFAULT_TEMPLATE = "dingtalk-external-contact"

FIELD_TYPES = ("text", "phone", "email", "tags", "person", "date")
PHONE_TYPES = (
    "mobile", "fixed_line", "toll_free", "premium_rate", "shared_cost", "voip",
    "personal_number", "pager", "uan", "voicemail",
)
PHONE_OUTPUTS = ("national", "e164")


@dataclass(frozen=True)
class Field:
    """One column of the import template (see the keys in templates/*.toml)."""

    key: str
    header: str
    type: str = "text"
    aliases: tuple[str, ...] = ()
    required: bool = False
    unique: bool = False
    max_length: int | None = None
    #: phone: the number types accepted (empty: any valid number)
    number_types: tuple[str, ...] = ()
    #: person: several colleagues allowed in one cell
    multiple: bool = False
    help: str = ""


@dataclass(frozen=True)
class Tier:
    """A certification tier and the most contacts it allows."""

    key: str
    label: str
    max: int


@dataclass(frozen=True)
class Output:
    """How the upload file is written."""

    sheet: str = "Sheet1"
    #: "national": numbers of the template's region in national form, others in E.164
    phone: str = "national"
    #: joins the items of tags and multi-person cells
    separator: str = ","


@dataclass(frozen=True)
class Template:
    """A resolved template: fields in upload order, tiers, output settings."""

    name: str
    title: str
    version: str
    fields: tuple[Field, ...]
    description: str = ""
    region: str = "CN"
    tiers: tuple[Tier, ...] = ()
    default_tier: str | None = None
    output: Output = field(default_factory=Output)
    source: str = ""

    def tier(self, key: str) -> Tier:
        """The tier named `key`, or a CrmkitError naming the tiers there are."""
        for tier in self.tiers:
            if tier.key == key:
                return tier
        known = ", ".join(t.key for t in self.tiers) or "-"
        raise CrmkitError("options.invalid", detail=Bilingual(
            f"没有认证等级 {key!r}，可选：{known}", f"unknown tier {key!r}; known: {known}"
        ))


# --- loading ---------------------------------------------------------------------------------

#: the newest template format this crmkit reads; a template declares its own with
#: `format_version`, so an older crmkit refuses a newer template clearly instead of
#: tripping over a key it does not know
FORMAT_VERSION = 1
_TOP_KEYS = {"format_version", "name", "title", "version", "description", "region", "output",
             "limits", "fields"}
_SHEET_NAME_FORBIDDEN = set("[]:*?/\\")
_OUTPUT_KEYS = {"sheet", "phone", "separator"}
_LIMIT_KEYS = {"default_tier", "tiers"}
_TIER_KEYS = {"label", "max"}
_FIELD_KEYS = {
    "key", "header", "type", "aliases", "required", "unique", "max_length",
    "number_types", "multiple", "help",
}


def builtin_dir() -> Path:
    """The folder of templates shipped inside the package."""
    return Path(str(resources.files("crmkit") / "templates"))


def builtin_names() -> list[str]:
    """Names of the shipped templates."""
    return sorted(p.stem for p in builtin_dir().glob("*.toml"))


def load_template(spec: str | Path | None = None) -> Template:
    """Load a template by shipped name or by path to a .toml file (default: DingTalk)."""
    if spec is None:
        spec = DEFAULT_TEMPLATE
    path = Path(spec)
    if not (path.suffix == ".toml" or path.exists()):
        path = builtin_dir() / f"{spec}.toml"
    if not path.is_file():
        raise CrmkitError(
            "template.not_found", template=str(spec), available=", ".join(builtin_names())
        )
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CrmkitError("template.invalid", template=str(path), detail=str(exc)) from None
    return parse_template(data, source=str(path))


def parse_template(data: dict[str, Any], source: str = "<memory>") -> Template:
    """Build a Template from parsed TOML, refusing unknown keys and wrong types."""
    reader = _Reader(source)
    version = data.get("format_version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        reader.fail("format_version", "must be a positive integer")
    if version > FORMAT_VERSION:
        reader.fail("format_version", f"the template is in format {version}, this crmkit reads "
                    f"format {FORMAT_VERSION} at most: upgrade crmkit")
    reader.keys(data, _TOP_KEYS, "")
    output = reader.table(data, "output")
    reader.keys(output, _OUTPUT_KEYS, "output")
    limits = reader.table(data, "limits")
    reader.keys(limits, _LIMIT_KEYS, "limits")

    fields = tuple(
        _parse_field(reader, raw, f"fields[{i}]")
        for i, raw in enumerate(reader.array_of_tables(data, "fields"))
    )
    if not fields:
        reader.fail("fields", "a template needs at least one field")
    _check_unique_names(reader, fields)

    tiers = tuple(
        _parse_tier(reader, key, raw)
        for key, raw in reader.table(limits, "tiers", "limits.").items()
    )
    default_tier = reader.opt_str(limits, "default_tier", "limits.")
    if default_tier is not None and default_tier not in {t.key for t in tiers}:
        reader.fail("limits.default_tier", f"{default_tier!r} is not one of limits.tiers")

    phone_out = reader.opt_str(output, "phone", "output.") or "national"
    reader.choice("output.phone", phone_out, PHONE_OUTPUTS)
    sheet = reader.opt_str(output, "sheet", "output.") or "Sheet1"
    if len(sheet) > 31 or set(sheet) & _SHEET_NAME_FORBIDDEN:
        reader.fail("output.sheet", "an Excel sheet name has at most 31 characters and none "
                    "of [ ] : * ? / \\")
    return Template(
        name=reader.req_str(data, "name", ""),
        title=reader.opt_str(data, "title", "") or reader.req_str(data, "name", ""),
        version=reader.opt_str(data, "version", "") or "0",
        description=reader.opt_str(data, "description", "") or "",
        region=(reader.opt_str(data, "region", "") or "CN").upper(),
        fields=fields,
        tiers=tiers,
        default_tier=default_tier,
        output=Output(
            sheet=sheet,
            phone=phone_out,
            separator=reader.opt_str(output, "separator", "output.") or ",",
        ),
        source=source,
    )


def _parse_field(reader: _Reader, raw: dict[str, Any], where: str) -> Field:
    reader.keys(raw, _FIELD_KEYS, where)
    prefix = where + "."
    ftype = reader.opt_str(raw, "type", prefix) or "text"
    reader.choice(prefix + "type", ftype, FIELD_TYPES)
    number_types = reader.str_list(raw, "number_types", prefix)
    for i, value in enumerate(number_types):
        reader.choice(f"{prefix}number_types[{i}]", value, PHONE_TYPES)
    max_length = raw.get("max_length")
    if max_length is not None and (
        not isinstance(max_length, int) or isinstance(max_length, bool) or max_length < 1
    ):
        reader.fail(prefix + "max_length", "must be a positive integer")
    return Field(
        key=reader.req_str(raw, "key", prefix),
        header=reader.req_str(raw, "header", prefix),
        type=ftype,
        aliases=tuple(reader.str_list(raw, "aliases", prefix)),
        required=reader.opt_bool(raw, "required", prefix),
        unique=reader.opt_bool(raw, "unique", prefix),
        max_length=max_length,
        number_types=tuple(number_types),
        multiple=reader.opt_bool(raw, "multiple", prefix),
        help=reader.opt_str(raw, "help", prefix) or "",
    )


def _parse_tier(reader: _Reader, key: str, raw: Any) -> Tier:
    where = f"limits.tiers.{key}"
    if not isinstance(raw, dict):
        reader.fail(where, "must be a table with label and max")
    reader.keys(raw, _TIER_KEYS, where)
    limit = raw.get("max")
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        reader.fail(where + ".max", "must be a positive integer")
    return Tier(key=key, label=reader.opt_str(raw, "label", where + ".") or key, max=limit)


def _check_unique_names(reader: _Reader, fields: tuple[Field, ...]) -> None:
    keys: set[str] = set()
    owners: dict[str, int] = {}
    for i, f in enumerate(fields):
        if f.key in keys:
            reader.fail(f"fields[{i}].key", f"{f.key!r} is used by another field")
        keys.add(f.key)
        # Names are compared as header cells are, so two fields can never claim one column.
        for name in (f.key, f.header, *f.aliases):
            norm = normalise_header(name)
            if norm in owners and owners[norm] != i:
                reader.fail(
                    f"fields[{i}]", f"header or alias {name!r} also names fields[{owners[norm]}]"
                )
            owners[norm] = i


class _Reader:
    """Typed access to parsed TOML that fails with the key path of the mistake."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, detail: str) -> Any:
        raise CrmkitError("template.invalid", template=self.source, detail=f"{path}: {detail}")

    def keys(self, table: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f", did you mean {close[0]!r}?" if close else ""
                self.fail(f"{where}.{key}".lstrip("."), f"unknown key{hint}")

    def choice(self, path: str, value: str, allowed: tuple[str, ...]) -> None:
        if value not in allowed:
            close = difflib.get_close_matches(value, allowed, n=1)
            hint = f", did you mean {close[0]!r}?" if close else ""
            self.fail(path, f"unknown value {value!r}{hint} (one of: {', '.join(allowed)})")

    def table(self, data: dict[str, Any], key: str, prefix: str = "") -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.fail(prefix + key, "must be a table")
        return cast(dict[str, Any], value)

    def array_of_tables(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(key, "must be an array of tables ([[fields]])")
        return cast(list[dict[str, Any]], value)

    def req_str(self, data: dict[str, Any], key: str, prefix: str) -> str:
        value = self.opt_str(data, key, prefix)
        if not value:
            self.fail(prefix + key, "is required")
        assert value is not None
        return value

    def opt_str(self, data: dict[str, Any], key: str, prefix: str) -> str | None:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            self.fail(prefix + key, "must be a string")
        return value

    def opt_bool(self, data: dict[str, Any], key: str, prefix: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.fail(prefix + key, "must be true or false")
        return cast(bool, value)

    def str_list(self, data: dict[str, Any], key: str, prefix: str) -> list[str]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(prefix + key, "must be a list of strings")
        return cast(list[str], value)
