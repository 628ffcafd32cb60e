"""Customer import templates: what columns a CRM's import expects and the rules for each.

A template is a small TOML file (the language is documented in docs/templates.md); a derived
template `extends` a base one and lists only what it changes. This module holds the resolved
model and finds templates by name or path; `template_toml` reads and checks the files.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError

DEFAULT_TEMPLATE = "dingtalk-external-contact"
#: where `crmkit template list` and template names look, relative to the working folder,
#: unless crmkit.toml or [tool.crmkit] names another folder (`templates = "..."`)
LOCAL_DIR = "templates"

FIELD_TYPES = (
    "text", "phone", "email", "date", "number", "choice", "tags", "person", "url", "bool",
)
PHONE_TYPES = (
    "mobile", "fixed_line", "toll_free", "premium_rate", "shared_cost", "voip",
    "personal_number", "pager", "uan", "voicemail",
)
#: national: numbers of the template's region in national form, others in E.164;
#: state_code+mobile: two columns, the country calling code then the national number
PHONE_OUTPUTS = ("national", "e164", "state_code+mobile")
#: how a date is written to the upload file
DATE_OUTPUTS = {
    "yyyy-mm-dd": "%Y-%m-%d",
    "yyyy/mm/dd": "%Y/%m/%d",
    "yyyy/m/d": "%Y/%-m/%-d",
    "yyyy年m月d日": "%Y年%-m月%-d日",
    "yyyymmdd": "%Y%m%d",
}
#: the order of day, month and year in dates written with a two-digit first part
#: (01/02/2024): ymd accepts only year-first dates, the others name the order
DATE_ORDERS = ("ymd", "dmy", "mdy")
TAG_OUTPUTS = ("tag", "group:tag", "group/tag")
#: how people write yes and no in a bool column (matched ignoring case and width)
BOOL_TRUE = ("是", "对", "有", "yes", "y", "true", "t", "1", "✓", "✔", "√", "☑")
BOOL_FALSE = ("否", "不是", "错", "无", "没有", "no", "n", "false", "f", "0", "✗", "✘", "×", "☐")
#: the six tag colours a DingTalk admin picks from
TAG_COLOURS = ("red", "orange", "yellow", "green", "blue", "purple")


@dataclass(frozen=True)
class Option:
    """One value of a choice field, and the other ways people write it."""

    value: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Field:
    """One column of the import template (the keys are documented in docs/templates.md)."""

    key: str
    header: str
    type: str = "text"
    aliases: tuple[str, ...] = ()
    required: bool = False
    unique: bool = False
    #: a default field of the CRM (姓名, 手机号码, 标签): a derived template cannot remove it,
    #: make it optional, retype or rename it
    locked: bool = False
    help: str = ""
    #: written to the upload file when the cell is empty
    default: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    #: text: a regular expression the whole cell must match
    pattern: str | None = None
    #: phone: the number types accepted (empty: any valid number)
    number_types: tuple[str, ...] = ()
    #: phone: the regions (ISO codes) accepted (empty: any)
    regions: tuple[str, ...] = ()
    #: date: the order of a date that does not start with the year
    date_order: str = "ymd"
    #: number: bounds and the most decimals
    minimum: float | None = None
    maximum: float | None = None
    decimals: int | None = None
    #: choice: the values allowed
    options: tuple[Option, ...] = ()
    #: person: several colleagues allowed in one cell
    multiple: bool = False


@dataclass(frozen=True)
class TagGroup:
    """A group of tags; tags of an exclusive group cannot be combined on one contact."""

    name: str
    tags: tuple[str, ...]
    colour: str = "blue"
    exclusive: bool = True


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
    phone: str = "national"
    #: the header of the country-code column when phone is state_code+mobile
    state_code_header: str = "国家码"
    date: str = "yyyy-mm-dd"
    #: joins the items of tags and multi-person cells
    separator: str = ","
    tags: str = "tag"
    #: how bool fields are written: (true, false)
    bool: tuple[str, str] = ("是", "否")


@dataclass(frozen=True)
class Template:
    """A resolved template: fields in upload order, tag groups, tiers, output settings."""

    name: str
    title: str
    version: str
    fields: tuple[Field, ...]
    description: str = ""
    region: str = "CN"
    tiers: tuple[Tier, ...] = ()
    default_tier: str | None = None
    output: Output = field(default_factory=Output)
    tag_groups: tuple[TagGroup, ...] = ()
    #: the base templates, nearest first, as their files name them
    extends: tuple[str, ...] = ()
    source: str = ""

    def field(self, key: str) -> Field | None:
        """The field with this key, if the template has one."""
        return next((f for f in self.fields if f.key == key), None)

    def tier(self, key: str) -> Tier:
        """The tier named `key`, or a CrmkitError naming the tiers there are."""
        for tier in self.tiers:
            if tier.key == key:
                return tier
        known = ", ".join(t.key for t in self.tiers) or "-"
        raise CrmkitError("options.invalid", detail=Bilingual(
            f"没有认证等级 {key!r}，可选：{known}", f"unknown tier {key!r}; known: {known}"
        ))


def spelling_key(text: str) -> str:
    """The form two spellings of one option or tag share: NFKC, lower case, no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())


@functools.lru_cache(maxsize=1)
def _phone_regions() -> frozenset[str]:
    # phonenumbers keeps one metadata module per region; listing them is enough to know the
    # regions, and keeps template commands from importing phonenumbers itself.
    spec = importlib.util.find_spec("phonenumbers")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover
        return frozenset()
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    return frozenset(p.stem.removeprefix("region_") for p in data.glob("region_*.py"))


def known_region(code: str) -> bool:
    """Whether phonenumbers knows the region `code` (CN, HK, US...)."""
    regions = _phone_regions()
    return code in regions if regions else bool(re.fullmatch(r"[A-Z]{2}", code))


# --- finding templates -----------------------------------------------------------------------


def builtin_dir() -> Path:
    """The folder of templates shipped inside the package."""
    return Path(str(resources.files("crmkit") / "templates"))


def builtin_names() -> list[str]:
    """Names of the shipped templates."""
    return sorted(p.stem for p in builtin_dir().glob("*.toml"))


def find_template(spec: str | Path, near: Path | None = None, exclude: Path | None = None) -> Path:
    """The file a template name or path stands for.

    A path (anything ending in .toml, or an existing file) is taken as it is. A name is looked
    for beside `near` (the folder of a template that extends it), then in the local folder
    (`local_dir()`: ./templates/ unless configured), then among the shipped templates.
    `exclude` (the extending file) is skipped, so a local template may extend the shipped one
    of the same name.
    """
    path = Path(spec)
    if path.suffix == ".toml" or path.is_file():
        if near is not None and not path.is_absolute():
            beside = near / path
            if beside.is_file():
                return beside
        if path.is_file():
            return path
    else:
        for folder in (near, local_dir(), builtin_dir()):
            candidate = folder / f"{spec}.toml" if folder is not None else None
            if candidate is not None and candidate.is_file() and not (
                exclude is not None and candidate.resolve() == exclude.resolve()
            ):
                return candidate
    available = sorted({*builtin_names(), *(p.stem for p in local_templates())})
    raise CrmkitError("template.not_found", template=str(spec), available=", ".join(available))


def local_dir() -> Path:
    """The folder of the user's own templates: `templates` in crmkit.toml or pyproject.toml
    [tool.crmkit] when set, else ./templates/ of the working folder."""
    # Imported here: crmkit.config imports this module.
    from crmkit.config import load_config

    configured = load_config().templates
    return configured if configured is not None else Path(LOCAL_DIR)


def local_templates() -> list[Path]:
    """The templates in the local folder (`local_dir()`)."""
    folder = local_dir()
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def load_template(spec: str | Path | None = None) -> Template:
    """Load a template by name or path (default: DingTalk external contacts), resolving
    `extends`; a template with mistakes raises template.invalid naming the first one."""
    from crmkit.template_toml import read_template

    return read_template(find_template(spec or DEFAULT_TEMPLATE))
