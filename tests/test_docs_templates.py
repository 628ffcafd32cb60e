"""docs/templates.md stays true to the loader: every key it accepts is documented where it
belongs, and every template in the page is one crmkit accepts."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from crmkit.template import FIELD_TYPES
from crmkit.template_build import LIMIT_KEYS, OUTPUT_KEYS, TAG_GROUP_KEYS, TIER_KEYS
from crmkit.template_fields import COMMON_FIELD_KEYS, FIELD_KEYS, OPTION_KEYS, TYPE_KEYS
from crmkit.template_toml import REMOVE_KEYS, TOP_KEYS, check_template_file

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

DOC = Path(__file__).resolve().parents[1] / "docs" / "templates.md"
TEXT = DOC.read_text(encoding="utf-8")

#: the heading (a part of its text) under which each table's keys are documented
SECTIONS: dict[str, tuple[str, ...]] = {
    "## Top-level keys": TOP_KEYS,
    "Removing: `[remove]`": REMOVE_KEYS,
    "Fields: `[[fields]]`": FIELD_KEYS,
    "Choice options": OPTION_KEYS,
    "Tag groups: `[[tag_groups]]`": TAG_GROUP_KEYS,
    "Limits: `[limits]`": LIMIT_KEYS,
    "Tiers: `[limits.tiers.<key>]`": TIER_KEYS,
    "Output: `[output]`": OUTPUT_KEYS,
}
_FENCE = re.compile(r"^```toml\n(.*?)^```", re.MULTILINE | re.DOTALL)
_MARK = re.compile(r"<!--\s*(fragment|invalid)\s*-->\s*$")


def headings() -> list[tuple[int, int, str]]:
    """(line index, level, text) of each Markdown heading, code blocks left out."""
    found, fenced = [], False
    for i, line in enumerate(TEXT.splitlines()):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            found.append((i, len(line) - len(line.lstrip("#")), line))
    return found


def section(marker: str) -> str:
    """The text under the first heading containing `marker`, up to the next heading of the
    same or a higher level (subsections included)."""
    lines, marks = TEXT.splitlines(), headings()
    for n, (start, level, text) in enumerate(marks):
        if marker in text:
            end = next((i for i, lv, _ in marks[n + 1:] if lv <= level), len(lines))
            return "\n".join(lines[start:end])
    raise AssertionError(f"docs/templates.md has no heading containing {marker!r}")


def undocumented(text: str, keys: tuple[str, ...]) -> list[str]:
    return [k for k in keys if f"`{k}`" not in text]


def test_every_key_the_loader_accepts_is_in_the_page() -> None:
    keys = {*TOP_KEYS, *REMOVE_KEYS, *FIELD_KEYS, *OPTION_KEYS, *TAG_GROUP_KEYS,
            *LIMIT_KEYS, *TIER_KEYS, *OUTPUT_KEYS}
    assert undocumented(TEXT, tuple(sorted(keys))) == []


@pytest.mark.parametrize("marker", list(SECTIONS))
def test_each_tables_keys_are_documented_under_its_heading(marker: str) -> None:
    assert undocumented(section(marker), SECTIONS[marker]) == []


@pytest.mark.parametrize("ftype", FIELD_TYPES)
def test_each_field_type_has_a_section_with_its_own_keys(ftype: str) -> None:
    # TYPE_KEYS says which type a type-specific key belongs to; the type's section says it too
    assert undocumented(section(f"Type `{ftype}`"), TYPE_KEYS[ftype]) == []


def test_the_type_specific_key_table_names_each_keys_types() -> None:
    table = section("Fields: `[[fields]]`")
    for key in FIELD_KEYS:
        if key in COMMON_FIELD_KEYS:
            continue
        row = next((r for r in table.splitlines() if r.startswith(f"| `{key}` |")), None)
        assert row is not None, f"no table row for `{key}`"
        owners = [t for t, ks in TYPE_KEYS.items() if key in ks]
        assert all(f"`{t}`" in row for t in owners), (key, owners, row)


def toml_blocks() -> list[tuple[int, str | None, str]]:
    """Every ```toml block as (line, mark, text); mark is "fragment", "invalid" or None from
    an HTML comment on the line before the fence."""
    blocks = []
    for match in _FENCE.finditer(TEXT):
        before = TEXT[:match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        mark = _MARK.search(before)
        line = TEXT.count("\n", 0, match.start()) + 2
        blocks.append((line, mark[1] if mark else None, match[1]))
    return blocks


def test_the_page_has_template_examples() -> None:
    marks = [mark for _, mark, _ in toml_blocks()]
    assert marks.count(None) >= 3 and "fragment" in marks and "invalid" in marks


@pytest.mark.parametrize(("line", "mark", "text"), toml_blocks(),
                         ids=[f"line{line}" for line, _, _ in toml_blocks()])
def test_every_toml_block_parses(line: int, mark: str | None, text: str) -> None:
    tomllib.loads(text)


def test_every_complete_template_in_the_page_passes_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each template is saved under its name, so an example that extends another one of the
    # page finds it beside itself, as crmkit looks up a name; ./templates/ is empty here.
    monkeypatch.chdir(tmp_path)
    checked = []
    for line, mark, text in toml_blocks():
        data = tomllib.loads(text)
        if mark == "fragment" or "name" not in data or not ({"fields", "extends"} & set(data)):
            continue
        path = tmp_path / f"{data['name']}.toml"
        assert not path.exists(), f"line {line}: two examples are named {data['name']}"
        path.write_text(text, encoding="utf-8")
        checked.append((line, mark, path))
    assert checked
    for line, mark, path in checked:
        template, problems = check_template_file(path)
        if mark == "invalid":
            assert problems, f"the example at line {line} is marked invalid but passes"
        else:
            assert [str(p) for p in problems] == [], f"the example at line {line}"
            assert template is not None


def test_the_invalid_example_shows_what_check_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The page quotes `crmkit template check` on its invalid example: keep the quote exact.
    monkeypatch.chdir(tmp_path)
    (line, _, text), = [b for b in toml_blocks() if b[1] == "invalid"]
    name = tomllib.loads(text)["name"]
    Path(f"{name}.toml").write_text(text, encoding="utf-8")
    _, problems = check_template_file(Path(f"{name}.toml"))
    for problem in problems:
        assert f"\n{problem}\n" in TEXT, f"the output after line {line} lacks: {problem}"
