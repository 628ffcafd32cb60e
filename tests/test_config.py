"""crmkit.toml and [tool.crmkit]: found from the working folder up, read strictly with file and
line in every mistake, paths relative to the file, the command line winning, `config show`."""

from __future__ import annotations

import inspect
import json
import re
import textwrap
from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from crmkit.cli_config import config_app, typed_options
from crmkit.cli_template import template_app
from crmkit.config import KEYS, load_config, read_config
from crmkit.errors import CrmkitError
from crmkit.template import find_template, load_template

from conftest import heavy_imports

runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})
DOC = Path(__file__).resolve().parents[1] / "docs" / "config.md"

DERIVED = """
    name = "acme"
    extends = "dingtalk-external-contact"
    [[fields]]
    key = "level"
    header = "客户级别"
    type = "choice"
    options = ["A", "B"]
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root (the search stops there) as the working folder, in Chinese."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def refusal(cwd: Path) -> str:
    with pytest.raises(CrmkitError) as caught:
        load_config(cwd)
    assert caught.value.code == "options.invalid"
    return caught.value.message("en")


def test_crmkit_toml_is_read_with_the_line_of_each_setting(repo: Path) -> None:
    write(repo / "crmkit.toml", """
        # CI settings
        template = "dingtalk-crm-customer"
        tier = "intermediate"
        strict = true
        ignore = ["duplicate.*", "tag.unknown"]
        lang = "en"
        batch-size = 5000
    """)
    config = load_config()
    assert config.path == repo / "crmkit.toml" and config.section is None
    got = {k: (s.value, s.source) for k, s in config.settings.items() if s.source != "default"}
    assert got == {
        "template": ("dingtalk-crm-customer", "crmkit.toml:2"),
        "tier": ("intermediate", "crmkit.toml:3"),
        "strict": (True, "crmkit.toml:4"),
        "ignore": (("duplicate.*", "tag.unknown"), "crmkit.toml:5"),
        "lang": ("en", "crmkit.toml:6"),
        "batch_size": (5000, "crmkit.toml:7"),
    }


def test_no_file_gives_the_defaults_and_the_language_of_the_environment(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    config = load_config()
    assert config.path is None
    assert config.settings["lang"].value == "en"
    assert config.settings["lang"].source == "environment (LANG)"
    assert config.value("keep") == "first" and config.value("template") is None
    assert {s.source for k, s in config.settings.items() if k != "lang"} == {"default"}


def test_pyproject_tool_crmkit_is_read_with_its_lines(repo: Path) -> None:
    write(repo / "pyproject.toml", """
        [project]
        name = "customer-lists"

        [tool.crmkit]
        tier = "primary"
        existing-count = 120
    """)
    config = load_config()
    assert (config.path, config.section) == (repo / "pyproject.toml", "tool.crmkit")
    assert config.settings["tier"].value == "primary"
    assert config.settings["tier"].source == "pyproject.toml:5"
    assert config.settings["existing_count"].source == "pyproject.toml:6"


def test_crmkit_toml_wins_over_pyproject_in_the_same_folder(repo: Path) -> None:
    write(repo / "pyproject.toml", '[tool.crmkit]\ntier = "advanced"\n')
    write(repo / "crmkit.toml", 'tier = "primary"\n')
    config = load_config()
    assert config.path == repo / "crmkit.toml" and config.value("tier") == "primary"


def test_the_nearest_folder_wins_and_a_pyproject_without_the_table_is_passed_over(
    repo: Path,
) -> None:
    write(repo / "crmkit.toml", 'tier = "primary"\n')
    write(repo / "a" / "pyproject.toml", '[tool.black]\nline-length = 100\n')
    write(repo / "a" / "b" / "pyproject.toml", "not = [valid toml\n")  # not ours: skipped
    assert load_config(repo / "a" / "b").path == repo / "crmkit.toml"
    write(repo / "a" / "crmkit.toml", 'tier = "advanced"\n')
    config = load_config(repo / "a" / "b")
    assert config.value("tier") == "advanced"
    assert config.settings["tier"].source == "../crmkit.toml:1"


def test_the_search_stops_at_the_repository_root(repo: Path) -> None:
    write(repo.parent / "crmkit.toml", "bogus = 1\n")
    try:
        assert load_config().path is None
    finally:
        (repo.parent / "crmkit.toml").unlink()


def test_relative_paths_are_relative_to_the_config_file_not_the_working_folder(
    repo: Path,
) -> None:
    write(repo / "crmkit.toml", """
        existing = "data/crm-export.xlsx"
        staff = "../shared/通讯录.xlsx"
        out = "build"
        templates = "my-templates"
        template = "my-templates/acme.toml"
    """)
    (repo / "sub").mkdir()
    config = load_config(repo / "sub")
    assert config.value("existing") == repo / "data" / "crm-export.xlsx"
    assert config.value("staff") == repo / "../shared/通讯录.xlsx"
    assert config.value("out") == repo / "build"
    assert config.templates == repo / "my-templates"
    assert config.value("template") == repo / "my-templates" / "acme.toml"


def test_a_template_name_stays_a_name(repo: Path) -> None:
    write(repo / "crmkit.toml", 'template = "acme"\n')
    assert load_config().value("template") == "acme"


@pytest.mark.parametrize(("written", "meant"), [
    ("teir", "tier"), ("ignor", "ignore"), ("fail-onn", "fail_on"), ("templat", "template"),
    ("existing_cout", "existing_count"),
])
def test_a_misspelt_setting_is_refused_with_the_one_meant(
    repo: Path, written: str, meant: str
) -> None:
    write(repo / "crmkit.toml", f'strict = true\n{written} = "x"\n')
    message = refusal(repo)
    assert f'crmkit.toml:2: unknown setting "{written}", did you mean "{meant}"?' in message


def test_a_setting_far_from_all_lists_the_settings(repo: Path) -> None:
    write(repo / "pyproject.toml", "[tool.crmkit]\n\nxyzzy = 1\n")
    message = refusal(repo)
    assert "pyproject.toml:3" in message and "the settings are template, tier" in message


@pytest.mark.parametrize(("line", "expected"), [
    ('strict = "yes"', '"strict" must be true or false, not "yes"'),
    ("limit = 0", '"limit" must be a whole number of at least 1, not 0'),
    ("batch_size = true", '"batch_size" must be a whole number of at least 1, not true'),
    ("existing_count = -3", '"existing_count" must be a whole number of at least 0'),
    ("ignore = [1, 2]", '"ignore" must be a list of issue codes'),
    ('keep = "most_complete"', 'did you mean "most-complete"?'),
    ('lang = "fr"', '"lang" must be one of zh, en, not "fr"'),
    ('region = "XX"', '"region" must be a region code'),
    ("existing = 3", '"existing" must be a path in quotes'),
    ('tier = ""', '"tier" must be a string in quotes'),
    ("template = { name = 'x' }", '"template" must be a template name or .toml path in '
     "quotes, not a table"),
])
def test_a_wrong_type_is_refused_with_file_line_and_what_is_expected(
    repo: Path, line: str, expected: str
) -> None:
    write(repo / "crmkit.toml", f"# settings\n{line}\n")
    message = refusal(repo)
    assert "crmkit.toml:2" in message and expected in message


def test_an_issue_code_that_names_nothing_is_refused_with_the_closest(repo: Path) -> None:
    write(repo / "crmkit.toml", 'fail_on = ["phone.invlid"]\n')
    message = refusal(repo)
    assert "crmkit.toml:1 fail_on" in message and "phone.invalid" in message


def test_a_region_is_taken_in_any_case(repo: Path) -> None:
    write(repo / "crmkit.toml", 'region = "hk"\n')
    assert load_config().value("region") == "HK"


def test_malformed_toml_is_refused_with_its_line(repo: Path) -> None:
    write(repo / "crmkit.toml", 'tier = "primary"\nstrict = yes\n')
    message = refusal(repo)
    assert "crmkit.toml:2: is not valid TOML" in message


def test_a_broken_pyproject_with_a_crmkit_table_is_refused(repo: Path) -> None:
    write(repo / "pyproject.toml", "[tool.crmkit]\ntier = \n")
    assert "pyproject.toml:2: is not valid TOML" in refusal(repo)


@pytest.mark.parametrize("pair", [("tier", "limit"), ("existing", "existing-count")])
def test_exclusive_settings_together_are_refused(repo: Path, pair: tuple[str, str]) -> None:
    values = {"tier": '"primary"', "limit": "100", "existing": '"crm.xlsx"',
              "existing-count": "3"}
    write(repo / "crmkit.toml", "".join(f"{k} = {values[k]}\n" for k in pair))
    assert f'crmkit.toml:2: give "{pair[0]}" or "{pair[1]}", not both' in refusal(repo)


def test_two_spellings_of_one_setting_are_refused(repo: Path) -> None:
    write(repo / "crmkit.toml", "merge_tags = true\nmerge-tags = false\n")
    assert '"merge_tags" and "merge-tags" are the same setting' in refusal(repo)


def test_read_config_wants_the_table_in_a_pyproject(repo: Path) -> None:
    path = write(repo / "pyproject.toml", "[project]\nname = 'x'\n")
    with pytest.raises(CrmkitError, match=r"has no \[tool.crmkit\]"):
        read_config(path)


def test_the_command_line_wins_over_the_file_over_the_defaults(repo: Path) -> None:
    write(repo / "crmkit.toml", """
        tier = "primary"
        existing = "crm.xlsx"
        ignore = ["duplicate.*"]
        strict = true
    """)
    options = load_config().merge({"strict": False, "ignore": ["tag.unknown"], "sheet": 2})
    assert options["strict"] is False and options["ignore"] == ["tag.unknown"]
    assert options["sheet"] == 2  # not a setting: passed through
    assert options["tier"] == "primary" and options["keep"] == "first"
    assert options["existing"] == repo / "crm.xlsx"
    # Typing one of two exclusive options drops the file's other.
    options = load_config().merge({"limit": 500, "existing_count": 10})
    assert (options["tier"], options["limit"]) == (None, 500)
    assert (options["existing"], options["existing_count"]) == (None, 10)


def test_merge_gives_exactly_keyword_arguments_of_validate(repo: Path) -> None:
    from crmkit.pipeline import validate

    options = load_config().merge({})
    parameters = inspect.signature(validate).parameters
    assert set(options) <= set(parameters)
    assert "templates" not in options
    assert {k for k in KEYS if k != "templates"} == set(options)


def test_typed_options_keeps_only_what_was_typed() -> None:
    app = typer.Typer()
    seen: dict[str, object] = {}

    @app.command()
    def run(
        ctx: typer.Context,
        tier: Annotated[str | None, typer.Option()] = None,
        strict: Annotated[bool, typer.Option()] = False,
        keep: Annotated[str, typer.Option()] = "first",
    ) -> None:
        seen.update(typed_options(ctx, {"tier": tier, "strict": strict, "keep": keep}))

    assert runner.invoke(app, ["--no-strict", "--keep", "first"]).exit_code == 0
    assert seen == {"strict": False, "keep": "first"}


def show(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(config_app, ["show", *args])
    return result.exit_code, result.stdout, result.stderr


def test_config_show_prints_each_setting_its_value_and_source(repo: Path) -> None:
    write(repo / "crmkit.toml", 'tier = "primary"\nexisting = "data/crm.xlsx"\n')
    code, out, err = show()
    assert code == 0 and "配置文件：crmkit.toml" in err
    cells = [[c.strip() for c in line.split("│")] for line in out.splitlines()[2:]]
    rows = {row[0]: row[1:] for row in cells}
    assert set(rows) == set(KEYS)
    assert rows["tier"] == ["primary", "crmkit.toml:1"]
    assert rows["existing"] == ["data/crm.xlsx", "crmkit.toml:2"]
    assert rows["keep"] == ["first", "默认"]
    assert rows["template"] == ["（dingtalk-external-contact）", "默认"]
    code, out, err = show("--lang", "en")
    assert "Settings file: crmkit.toml" in err and "Source" in out and "default" in out


def test_config_show_json_matches_the_library(repo: Path) -> None:
    write(repo / "pyproject.toml", '[tool.crmkit]\nignore = "duplicate.*"\n')
    code, out, _ = show("--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data == load_config().to_dict()
    assert data["file"] == str(repo / "pyproject.toml") and data["section"] == "tool.crmkit"
    assert data["settings"]["ignore"] == {"value": ["duplicate.*"], "source": "pyproject.toml:2"}
    assert data["settings"]["strict"] == {"value": False, "source": "default"}


def test_config_show_refuses_a_broken_file_in_one_line(repo: Path) -> None:
    write(repo / "crmkit.toml", 'teir = "primary"\n')
    code, out, err = show()
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "crmkit.toml:1" in err and "tier" in err
    code, out, _ = show("--format", "json")
    assert code == 2 and json.loads(out)["error"]["code"] == "options.invalid"


def test_config_show_does_not_import_the_data_stack(repo: Path) -> None:
    write(repo / "crmkit.toml", 'region = "HK"\nignore = ["duplicate.*"]\n')
    assert heavy_imports(["config", "show"], repo) == []


def test_a_configured_template_folder_is_where_names_are_looked_up(repo: Path) -> None:
    write(repo / "crmkit.toml", 'templates = "公司模板"\n')
    write(repo / "公司模板" / "acme.toml", DERIVED)
    write(repo / "templates" / "other.toml", DERIVED.replace('"acme"', '"other"'))
    (repo / "sub").mkdir()
    result = runner.invoke(template_app, ["list", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    local = {r["name"]: r["path"] for r in json.loads(result.stdout) if r["origin"] == "local"}
    assert local == {"acme": str(repo / "公司模板" / "acme.toml")}
    assert find_template("acme") == repo / "公司模板" / "acme.toml"
    assert load_template("acme").field("level") is not None
    with pytest.raises(CrmkitError, match="other"):
        find_template("other")  # ./templates/ is not looked in once another folder is set


def test_without_a_configured_folder_templates_are_looked_up_as_before(repo: Path) -> None:
    write(repo / "templates" / "acme.toml", DERIVED)
    assert find_template("acme") == Path("templates") / "acme.toml"


def test_the_docs_describe_every_setting() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [k for k in KEYS if f"`{k}`" not in text]
    assert missing == []


def test_the_docs_examples_are_settings_crmkit_accepts(repo: Path) -> None:
    blocks = re.findall(r"^```toml\n(.*?)^```", DOC.read_text(encoding="utf-8"),
                        re.MULTILINE | re.DOTALL)
    assert len(blocks) >= 2
    for block in blocks:
        name = "pyproject.toml" if "[tool.crmkit]" in block else "crmkit.toml"
        path = write(repo / name, block)
        assert load_config().path == path
        path.unlink()


def test_validate_takes_its_settings_from_crmkit_toml_and_the_command_line_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from crmkit.cli import app

    from conftest import HEADER, write_xlsx

    monkeypatch.chdir(tmp_path)
    write_xlsx(tmp_path / "list.xlsx", [HEADER] + [
        [f"客户{i}", f"1380013800{i}", "VIP", "", "", ""] for i in range(3)])
    (tmp_path / "crmkit.toml").write_text(
        'lang = "en"\nlimit = 2\nout = "results"\n', encoding="utf-8")
    runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})
    result = runner.invoke(app, ["validate", "list.xlsx"])
    assert result.exit_code == 1  # one row over the limit of 2
    assert "Rows: read 3" in result.stderr
    assert (tmp_path / "results" / "overflow.xlsx").exists()
    result = runner.invoke(app, ["validate", "list.xlsx", "--limit", "5", "--lang", "zh"])
    assert result.exit_code == 0 and "行数: 读取 3" in result.stderr
    (tmp_path / "crmkit.toml").write_text('limt = 2\n', encoding="utf-8")
    result = runner.invoke(app, ["validate", "list.xlsx"])
    assert result.exit_code == 2 and "limit" in result.stderr and "crmkit.toml" in result.stderr


def test_template_new_writes_into_the_configured_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from crmkit.cli import app

    monkeypatch.chdir(tmp_path)
    (tmp_path / "crmkit.toml").write_text('templates = "crm/templates"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["template", "new", "acme"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "crm" / "templates" / "acme.toml").exists()
