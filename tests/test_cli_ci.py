"""The CLI as a CI step: masked phone numbers on stdout, --quiet, GitHub annotations and
the options that decide the exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmkit.cli import app

from conftest import HEADER, write_xlsx

runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})


@pytest.fixture
def dups(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "dups.xlsx", [
        HEADER,
        ["张三", "13800138000", "VIP", "", "", ""],
        ["张三", "13800138000", "VIP", "", "", ""],     # row 3: a copy
    ])


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_json_on_stdout_masks_phone_numbers_but_report_json_keeps_them(
    dups: Path, tmp_path: Path
) -> None:
    code, out, _ = run("validate", str(dups), "--out", str(tmp_path / "o"), "--format", "json")
    assert code == 1
    printed = json.loads(out)["issues"][0]
    assert printed["value"] == "138****8000" and "13800138000" not in out
    saved = json.loads((tmp_path / "o" / "report.json").read_text(encoding="utf-8"))
    assert saved["issues"][0]["value"] == "13800138000"
    _, unmasked, _ = run("validate", str(dups), "--out", str(tmp_path / "o"), "--format",
                         "json", "--no-mask")
    assert json.loads(unmasked)["issues"][0]["value"] == "13800138000"


def test_quiet_prints_nothing_but_a_failure(dups: Path, tmp_path: Path) -> None:
    code, out, err = run("validate", str(dups), "--out", str(tmp_path / "o"), "--quiet")
    assert (code, out, err) == (1, "", "")
    code, _, err = run("validate", str(tmp_path / "missing.xlsx"), "-q")
    assert code == 2 and err.startswith("crmkit: 错误 [file.not_found]")


def test_github_format_annotates_each_issue_with_file_and_row(
    dups: Path, tmp_path: Path
) -> None:
    code, out, _ = run("validate", str(dups), "--out", str(tmp_path / "o"), "--format",
                       "github", "-q")
    assert code == 1
    (line,) = out.splitlines()
    assert line.startswith(f"::error file={dups},line=3,title=crmkit duplicate.in_file B::")
    assert "138****8000" in line and "13800138000" not in line


def test_github_format_reports_a_refusal_as_one_error(tmp_path: Path) -> None:
    code, out, _ = run("validate", str(tmp_path / "missing.xlsx"), "--format", "github")
    assert code == 2 and out.startswith("::error title=crmkit file.not_found::")


def test_ignore_and_fail_on_decide_the_exit_code(dups: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "o")
    assert run("validate", str(dups), "--out", out, "--ignore", "duplicate.*")[0] == 0
    assert run("validate", str(dups), "--out", out, "--fail-on", "phone.invalid")[0] == 0
    assert run("validate", str(dups), "--out", out, "--fail-on", "duplicate.in_file")[0] == 1
    code, _, err = run("validate", str(dups), "--out", out, "--ignore", "duplicat.in_file")
    assert code == 2 and "duplicate.in_file" in err  # the closest code is suggested
