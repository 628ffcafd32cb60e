"""`crmkit codes` and `crmkit explain`: the catalogue as a table, an explanation or JSON;
unknown codes with suggestions; the default language; docs/codes.md kept in step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from crmkit.catalogue import CATALOGUE, lookup
from crmkit.cli_codes import closest_codes, codes_command, explain_command
from crmkit.codes_doc import REGENERATE, main, render_codes_markdown
from crmkit.lang import Lang, default_lang

from conftest import heavy_imports

DOC = Path(__file__).resolve().parents[1] / "docs" / "codes.md"

# The commands as cli.py registers them, on an app of their own.
app = typer.Typer(rich_markup_mode=None, add_completion=False)
app.command("codes")(codes_command)
app.command("explain")(explain_command)

runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1", "LC_ALL": "", "LC_MESSAGES": "",
                        "LANG": "zh_CN.UTF-8"})


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_codes_json_lists_exactly_the_catalogue_in_order() -> None:
    code, out, _ = run("codes", "--format", "json", "--lang", "en")
    assert code == 0
    assert json.loads(out) == [
        {"code": c.code, "severity": c.severity.value, "title": c.title_en}
        for c in CATALOGUE.values()
    ]


def test_codes_text_is_a_table_of_every_code_in_the_language_asked() -> None:
    code, out, err = run("codes")
    assert code == 0
    assert all(c in out for c in CATALOGUE)
    assert "号码被科学计数法截断" in out and "警告" in out
    assert "crmkit explain" in err  # the hint goes to stderr, the table alone to stdout
    _, out, _ = run("codes", "--lang", "en")
    assert "Digits lost to scientific notation" in out and "warning" in out


def test_explain_prints_meaning_why_fix_and_the_message_template() -> None:
    entry = lookup("phone.digits_lost")
    code, out, _ = run("explain", "phone.digits_lost")
    assert code == 0
    for text in ("含义", "为什么", "怎么改", "消息", entry.title_zh, entry.meaning.zh,
                 entry.why.zh, entry.fix.zh, entry.message_zh, "header, value"):
        assert text in out
    # The sections come in the order a person reads them.
    assert out.index("含义") < out.index("为什么") < out.index("怎么改") < out.index("消息")


@pytest.mark.parametrize("name", ["duplicate.existing", "header.missing", "row.example"])
def test_explain_in_english_shows_the_english_texts(name: str) -> None:
    entry = lookup(name)
    code, out, _ = run("explain", name, "--lang", "en")
    assert code == 0
    for text in ("What it means", "Why", "How to fix", "Message", entry.title_en,
                 entry.meaning.en, entry.why.en, entry.fix.en, entry.message_en):
        assert text in out
    assert entry.meaning.zh not in out


def test_explain_json_carries_the_catalogue_entry() -> None:
    entry = lookup("duplicate.in_file")
    code, out, _ = run("explain", "duplicate.in_file", "--format", "json", "--lang", "zh")
    assert code == 0
    data = json.loads(out)
    assert data == data | {
        "code": "duplicate.in_file", "severity": "error", "title": entry.title_zh,
        "lang": "zh", "meaning": entry.meaning.zh, "why": entry.why.zh, "fix": entry.fix.zh,
        "message": entry.message_zh, "params": ["header", "value", "first_row"],
    }
    assert data["effect"]


def test_explain_forgives_case_and_spaces() -> None:
    assert run("explain", "  Phone.Invalid ")[0] == 0


@pytest.mark.parametrize(("typed", "meant"), [
    ("phone.invlid", "phone.invalid"), ("digits_lost", "phone.digits_lost"),
    ("phone_invalid", "phone.invalid"), ("dupe.existing", "duplicate.existing"),
    ("phone", "phone.multiple"),
])
def test_an_unknown_code_exits_2_with_one_line_naming_the_closest(typed: str, meant: str) -> None:
    code, out, err = run("explain", typed)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "options.invalid" in lines[0] and meant in lines[0]
    assert meant in closest_codes(typed)


def test_an_unknown_code_far_from_all_points_to_crmkit_codes() -> None:
    assert closest_codes("xyzzy") == []
    code, _, err = run("explain", "xyzzy")
    assert code == 2 and "crmkit codes" in err


def test_an_unknown_code_with_json_puts_the_error_on_stdout() -> None:
    code, out, _ = run("explain", "phone.invlid", "--format", "json")
    assert code == 2
    error = json.loads(out)["error"]
    assert error["code"] == "options.invalid" and "phone.invalid" in error["message"]


@pytest.mark.parametrize("command", ["codes", "explain"])
def test_help_gives_an_example(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0 and "Example: crmkit " in out and "--lang" in out


@pytest.mark.parametrize(("env", "expected"), [
    ({}, Lang.zh),
    ({"LANG": "zh_CN.UTF-8"}, Lang.zh),
    ({"LANG": "en_US.UTF-8"}, Lang.en),
    ({"LANG": "en"}, Lang.en),
    ({"LANG": "C"}, Lang.zh),
    ({"LANG": "C.UTF-8"}, Lang.zh),
    ({"LANG": "POSIX"}, Lang.zh),
    ({"LANG": "fr_FR.UTF-8"}, Lang.zh),
    ({"LANG": "zh_TW.Big5"}, Lang.zh),
    ({"LANG": "EN_GB"}, Lang.en),
    ({"LANG": "en_US.UTF-8@euro"}, Lang.en),
    # LC_ALL overrides LC_MESSAGES, which overrides LANG; an empty one does not count.
    ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, Lang.zh),
    ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, Lang.en),
    ({"LC_MESSAGES": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, Lang.en),
    ({"LC_ALL": "", "LC_MESSAGES": "", "LANG": "en_US.UTF-8"}, Lang.en),
])
def test_default_lang_follows_the_locale_and_is_chinese_when_unsure(
    env: dict[str, str], expected: Lang
) -> None:
    assert default_lang(env) is expected


def test_the_commands_default_to_the_environment_s_language() -> None:
    english = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1", "LC_ALL": "en_US.UTF-8"})
    result = english.invoke(app, ["explain", "phone.multiple", "--format", "json"])
    assert json.loads(result.stdout)["lang"] == "en"
    posix = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1", "LC_ALL": "C"})
    result = posix.invoke(app, ["explain", "phone.multiple", "--format", "json"])
    assert json.loads(result.stdout)["lang"] == "zh"


def test_docs_codes_md_is_generated_from_the_catalogue() -> None:
    current = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
    assert current == render_codes_markdown(), f"docs/codes.md is stale: run {REGENERATE}"


def test_docs_codes_md_explains_every_code_in_both_languages() -> None:
    text = render_codes_markdown()
    for entry in CATALOGUE.values():
        section = text.split(f"### `{entry.code}`\n", 1)[1].split("\n### ", 1)[0]
        for part in (entry.meaning, entry.why, entry.fix):
            assert part.zh.replace("*", "\\*") in section
            assert part.en.replace("*", "\\*") in section
        assert entry.message_zh in section and entry.message_en in section


def test_the_generator_writes_and_checks_the_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "codes.md"
    assert main(["--check", str(page)]) == 1
    assert REGENERATE in capsys.readouterr().err
    assert main(["--write", str(page)]) == 0
    assert page.read_text(encoding="utf-8") == render_codes_markdown()
    assert main(["--check", str(page)]) == 0


def test_codes_and_explain_do_not_import_the_data_stack(tmp_path: Path) -> None:
    for args in (["codes"], ["explain", "phone.invalid"], ["explain", "phone.invlid"]):
        assert heavy_imports(args, tmp_path) == [], args
