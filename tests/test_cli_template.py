"""`crmkit template ...` through the CLI: exit codes, files written, every `check` mistake
located by file, line and key path, and no heavy imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from crmkit.cli import app
from crmkit.template import load_template

from conftest import heavy_imports

runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = runner.invoke(app, ["template", *args])
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


DERIVED = """
    name = "acme"
    extends = "dingtalk-external-contact"
    [[fields]]
    key = "level"
    header = "客户级别"
    type = "choice"
    options = ["A", "B"]
"""


def test_list_shows_shipped_and_local_templates(tmp_path: Path) -> None:
    write(tmp_path / "templates" / "acme.toml", DERIVED)
    code, out, _ = run("list", "--format", "json", cwd=tmp_path)
    assert code == 0
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["dingtalk-external-contact"]["origin"] == "shipped"
    assert rows["acme"] == rows["acme"] | {"origin": "local", "fields": 11, "version": "0",
                                           "extends": "dingtalk-external-contact"}
    code, out, _ = run("list", cwd=tmp_path)
    assert "acme" in out and "本地" in out


def test_new_writes_a_derived_template_that_checks_clean(tmp_path: Path) -> None:
    code, _, err = run("new", "acme", "--field", "客户级别:choice:required", "--field",
                       "hobby:text", "--tag-group", "阶段=潜在,成交", cwd=tmp_path)
    assert code == 0, err
    path = tmp_path / "templates" / "acme.toml"
    assert "extends = \"dingtalk-external-contact\"" in path.read_text(encoding="utf-8")
    tpl = load_template(path)
    level = tpl.field("custom_1")
    assert level is not None and (level.header, level.type, level.required) == (
        "客户级别", "choice", True)
    assert tpl.field("hobby") is not None
    assert [(g.name, g.tags) for g in tpl.tag_groups] == [("阶段", ("潜在", "成交"))]
    assert run("check", str(path))[0] == 0


def test_new_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "mine.toml"
    target.write_text("# mine\n", encoding="utf-8")
    code, _, err = run("new", "acme", "--out", str(target))
    assert code == 2 and "output.exists" in err and "--force" in err
    assert target.read_text(encoding="utf-8") == "# mine\n"
    assert run("new", "acme", "--out", str(target), "--force")[0] == 0
    assert load_template(target).name == "acme"


def test_new_refuses_a_field_that_clashes_with_an_inherited_header(tmp_path: Path) -> None:
    code, _, err = run("new", "acme", "--field", "电话:text", "--out", str(tmp_path / "a.toml"))
    assert code == 2 and "手机号码" in err
    assert not list(tmp_path.iterdir())  # nothing half-written


@pytest.mark.parametrize("spec", ["level", "level:phon", "level:text:optional", ":text"])
def test_new_explains_a_malformed_field_option(tmp_path: Path, spec: str) -> None:
    code, _, err = run("new", "acme", "--field", spec, "--out", str(tmp_path / "a.toml"))
    assert code == 2 and "options.invalid" in err and "--field" in err


def test_new_extends_a_template_given_by_path_relative_to_the_new_file(tmp_path: Path) -> None:
    base = write(tmp_path / "bases" / "base.toml", DERIVED)
    code, _, err = run("new", "child", "--from", str(base), "--out",
                       str(tmp_path / "out" / "child.toml"))
    assert code == 0, err
    child = load_template(tmp_path / "out" / "child.toml")
    assert child.extends == ("../bases/base.toml", "dingtalk-external-contact")
    assert child.field("level") is not None


def test_new_never_prompts_without_a_terminal(tmp_path: Path) -> None:
    # stdin is not a TTY here: the command must finish on its own, without input.
    result = subprocess.run(
        [sys.executable, "-m", "crmkit", "template", "new", "quiet"], cwd=tmp_path,
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "templates" / "quiet.toml").is_file()


def test_show_prints_the_resolved_template(tmp_path: Path) -> None:
    path = write(tmp_path / "acme.toml", DERIVED)
    code, out, _ = run("show", str(path))
    assert code == 0
    assert "客户级别" in out and "可选：A、B" in out and "基于 dingtalk-external-contact" in out
    code, out, _ = run("show", str(path), "--format", "json")
    data = json.loads(out)
    assert [f["key"] for f in data["fields"]][-1] == "level"
    assert data["extends"] == ["dingtalk-external-contact"]


def test_show_of_a_missing_template_is_one_line(tmp_path: Path) -> None:
    code, _, err = run("show", "no-such-template")
    assert code == 2 and "template.not_found" in err and "Traceback" not in err


CHECKS = [
    # (what the check catches, the file, the line and key path it must name)
    ("an unknown type", """
        name = "t"
        [[fields]]
        key = "phone"
        header = "电话"
        type = "phon"
    """, ':5: fields[0].type: unknown type "phon", did you mean "phone"?'),
    ("a duplicate key in the TOML itself", """
        name = "t"
        name = "u"
    """, ":2:"),
    ("two fields with one key", """
        name = "t"
        [[fields]]
        key = "a"
        header = "A"
        [[fields]]
        key = "a"
        header = "B"
    """, ':6: fields[1].key: "a" is also the key of fields[0]'),
    ("a header that names two fields", """
        name = "t"
        [[fields]]
        key = "a"
        header = "客户"
        [[fields]]
        key = "b"
        header = "客户*"
    """, ':7: fields[1].header: "客户*" also names the field "客户" (a)'),
    ("an alias that names two fields", """
        name = "t"
        [[fields]]
        key = "a"
        header = "A"
        aliases = ["甲"]
        [[fields]]
        key = "b"
        header = "B"
        aliases = ["甲"]
    """, ':9: fields[1].aliases: "甲" also names the field "A" (a)'),
    ("an option of the wrong type", """
        name = "t"
        [[fields]]
        key = "level"
        header = "级别"
        type = "choice"
        options = ["A", 2]
    """, ":6: fields[0].options[1]: must be a string"),
    ("a key of another field type", """
        name = "t"
        [[fields]]
        key = "n"
        header = "数量"
        type = "text"
        decimals = 2
    """, ":6: fields[0].decimals: only for fields of type number, not text"),
    ("a tag in two exclusive groups", """
        name = "t"
        [[fields]]
        key = "tags"
        header = "标签"
        type = "tags"
        [[tag_groups]]
        name = "阶段"
        tags = ["新客户"]
        [[tag_groups]]
        name = "来源"
        tags = ["新客户"]
    """, ':11: tag_groups[1].tags: tag "新客户" is also in the exclusive group "阶段"'),
    ("the removal of a default field", """
        name = "t"
        extends = "dingtalk-external-contact"
        [remove]
        fields = ["mobile"]
    """, ':4: remove.fields[0]: "手机号码" (mobile) is a default field of the CRM and cannot be '
         "removed"),
    ("a default field made optional", """
        name = "t"
        extends = "dingtalk-external-contact"
        [[fields]]
        key = "tags"
        required = false
    """, ':5: fields[0].required: "标签" is a default field of the CRM and cannot be made '
         "optional"),
    ("a limit that is not a positive integer", """
        name = "t"
        [[fields]]
        key = "a"
        header = "A"
        [limits.tiers.team]
        max = 0
    """, ":6: limits.tiers.team.max: must be a positive whole number"),
    ("a limit written as text", """
        name = "t"
        [[fields]]
        key = "a"
        header = "A"
        [limits.tiers.team]
        max = "2000"
    """, ":6: limits.tiers.team.max: must be a positive whole number"),
    ("a top-level key written below a table", """
        name = "t"
        [[fields]]
        key = "a"
        header = "A"
        order = ["a"]
    """, ":5: fields[0].order: order is a top-level key: move it above the first [table]"),
    ("an unknown key, with the likely one", """
        name = "t"
        [[fields]]
        key = "a"
        header = "A"
        requird = true
    """, ':5: fields[0].requird: unknown key, did you mean "required"?'),
]


@pytest.mark.parametrize(("what", "text", "expected"), CHECKS, ids=[c[0] for c in CHECKS])
def test_check_names_each_mistake_with_its_line_and_key_path(
    tmp_path: Path, what: str, text: str, expected: str
) -> None:
    path = write(tmp_path / "t.toml", text)
    code, out, _ = run("check", str(path))
    assert code == 1
    assert f"{path}{expected}" in out, out


def test_check_finds_a_cycle_in_extends(tmp_path: Path) -> None:
    write(tmp_path / "a.toml", 'name = "a"\nextends = "b"\n')
    write(tmp_path / "b.toml", 'name = "b"\nextends = "a"\n')
    code, out, _ = run("check", str(tmp_path / "a.toml"))
    assert code == 1
    assert "b.toml:2: extends: templates extend each other in a cycle: a.toml -> b.toml -> " \
           "a.toml" in out


def test_check_lists_every_mistake_not_only_the_first(tmp_path: Path) -> None:
    path = write(tmp_path / "t.toml", """
        name = "t"
        colour = "red"
        [[fields]]
        key = "a"
        header = "A"
        type = "numbr"
        [output]
        phone = "intl"
    """)
    code, out, _ = run("check", str(path), "--format", "json")
    assert code == 1
    problems = json.loads(out)["problems"]
    assert [(p["line"], p["path"]) for p in problems] == [
        (2, "colour"), (6, "fields[0].type"), (8, "output.phone"),
    ]


def test_check_passes_the_shipped_templates() -> None:
    for name in ("dingtalk-external-contact", "dingtalk-crm-customer"):
        code, _, err = run("check", name)
        assert code == 0, err


def test_excel_writes_the_blank_workbook_and_will_not_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "blank.xlsx"
    assert run("excel", "dingtalk-external-contact", "-o", str(target))[0] == 0
    book = openpyxl.load_workbook(target)
    assert [c.value for c in book.worksheets[0][1]][:3] == ["姓名", "手机号码", "标签"]
    before = target.read_bytes()
    code, _, err = run("excel", "dingtalk-external-contact", "-o", str(target))
    assert code == 2 and "output.exists" in err
    assert target.read_bytes() == before


def test_diff_exits_1_only_for_changes_that_reject_rows(tmp_path: Path) -> None:
    old = write(tmp_path / "old.toml", DERIVED)
    looser = write(tmp_path / "looser.toml", DERIVED.replace('["A", "B"]', '["A", "B", "C"]'))
    stricter = write(tmp_path / "stricter.toml", DERIVED.replace('["A", "B"]', '["A"]'))
    code, out, _ = run("diff", str(old), str(looser), "--format", "json")
    assert code == 0
    assert [c["kind"] for c in json.loads(out)["changes"]] == ["option.added"]
    code, out, err = run("diff", str(old), str(stricter))
    assert code == 1 and "option.removed" in out and "不兼容" in err
    assert run("diff", str(old), str(old))[0] == 0


def test_template_commands_do_not_import_the_data_stack(tmp_path: Path) -> None:
    assert heavy_imports(["template", "show", "dingtalk-external-contact"], tmp_path) == []


def test_list_shows_a_checkout_s_templates_folder_once(tmp_path: Path) -> None:
    # In a checkout ./templates holds the shipped files: they are not listed twice.
    from crmkit.template import builtin_dir

    local = tmp_path / "templates"
    local.mkdir()
    for path in builtin_dir().glob("*.toml"):
        (local / path.name).write_bytes(path.read_bytes())
    code, out, _ = run("list", "--format", "json", cwd=tmp_path)
    names = [r["name"] for r in json.loads(out)]
    assert code == 0 and len(names) == len(set(names))


def test_new_refuses_the_name_of_a_shipped_template(tmp_path: Path) -> None:
    code, _, err = run("new", "dingtalk-external-contact", cwd=tmp_path)
    assert code == 2 and "内置模板" in err
    assert not (tmp_path / "templates").exists()


def test_quoted_keys_are_placed_on_their_own_line(tmp_path: Path) -> None:
    path = write(tmp_path / "t.toml", """
        "标题" = "x"
        name = "t"
        [[fields]]
        key = "a"
        header = "A"
        aliases = [
          "type = x",
        ]
        "帮助" = "y"
    """)
    out = run("check", str(path))[1]
    assert f"{path}:1: 标题: unknown key" in out
    assert f"{path}:9: fields[0].帮助: unknown key" in out
