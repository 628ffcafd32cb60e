"""--lang: the terminal, stdout and report.json speak Chinese or English; errors.xlsx stays
Chinese (its sheets and columns are what a re-run reads)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from crmkit.cli import app

from conftest import HEADER, write_xlsx

runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "bad.xlsx", [HEADER, ["张三", "12345", "VIP", "", "", ""]])


def test_english_everywhere_people_and_scripts_read(bad: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(bad), "--out", str(tmp_path / "o"),
                                 "--lang", "en", "--format", "json"])
    assert result.exit_code == 1
    assert "Rows: read 1 · valid 0 · rejected 1" in result.stderr
    assert "1 row to fix" in result.stderr and "行需要修正" not in result.stderr
    (issue,) = json.loads(result.stdout)["issues"]
    # stdout hides the bad number; report.json, written for the user, keeps it.
    assert issue["message"].startswith('"手机号码" ****45 is not a valid phone number')
    saved = json.loads((tmp_path / "o" / "report.json").read_text(encoding="utf-8"))
    assert saved["issues"][0]["message"].startswith('"手机号码" 12345 is not a valid phone')
    book = openpyxl.load_workbook(tmp_path / "o" / "errors.xlsx")
    assert "不是有效的电话号码" in str(book["问题明细"]["H2"].value)


def test_the_environment_chooses_when_lang_is_not_given(bad: Path, tmp_path: Path) -> None:
    english = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1", "LANG": "en_US.UTF-8"})
    result = english.invoke(app, ["validate", str(bad), "--out", str(tmp_path / "o")])
    assert "Rows: read 1" in result.stderr
    result = runner.invoke(app, ["validate", str(bad), "--out", str(tmp_path / "o")])
    assert "行数: 读取 1" in result.stderr


def test_a_refusal_speaks_the_language_too(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.xlsx"), "--lang", "en"])
    assert result.exit_code == 2
    assert result.stderr.startswith("crmkit: error [file.not_found] File ")


def test_the_tier_bar_shows_existing_and_new_contacts(bad: Path, tmp_path: Path) -> None:
    ok = write_xlsx(tmp_path / "ok.xlsx", [HEADER, ["张三", "13800138000", "VIP", "", "", ""]])
    result = runner.invoke(app, ["validate", str(ok), "--out", str(tmp_path / "o"),
                                 "--existing-count", "1000", "--lang", "en"])
    bar = next(line for line in result.stderr.splitlines() if "░" in line)
    assert bar.strip() == "█" * 16 + "░" * 14  # 1000 of 2000 existing, and one new row
