"""Every spreadsheet in the shared corpus, through the command a user runs: it is checked, or
refused with exit 2 and one line; never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crmkit.catalogue import CATALOGUE, Severity
from crmkit.cli import app

from conftest import CORPUS, sha256

FILES = sorted(p for p in (CORPUS / "sheets").rglob("*") if p.is_file())
runner = CliRunner(env={"COLUMNS": "120", "NO_COLOR": "1"})


@pytest.mark.skipif(not FILES, reason=f"shared corpus not found at {CORPUS}")
@pytest.mark.timeout(120)  # read or refused in bounded time: a hang fails, not stalls CI
@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_file_is_checked_or_refused_in_one_line(path: Path, tmp_path: Path) -> None:
    before = sha256(path)
    result = runner.invoke(app, ["validate", str(path), "--out", str(tmp_path),
                                 "--format", "json"])
    assert sha256(path) == before
    assert result.exception is None or isinstance(result.exception, SystemExit)
    data = json.loads(result.stdout)
    assert result.exit_code in (0, 1, 2)
    if result.exit_code == 2:
        code = data["error"]["code"]
        assert CATALOGUE[code].severity is Severity.FATAL
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("crmkit: 错误 [")
    else:
        rows = data["rows"]
        assert rows["read"] == rows["valid"] + rows["rejected"] + rows["overflow"]
    assert "Traceback" not in result.stderr


BROKEN = sorted(p for p in (CORPUS / "sheets" / "broken").glob("*") if p.is_file())
ENCRYPTED_MARKS = ("password", "pass_protected", "_pwd_")


@pytest.mark.skipif(not BROKEN, reason=f"shared corpus not found at {CORPUS}")
@pytest.mark.timeout(60)
@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.name)
def test_every_broken_file_is_refused_with_a_specific_reason(path: Path) -> None:
    result = runner.invoke(app, ["validate", str(path), "--no-write", "--format", "json"])
    assert result.exit_code == 2, result.stderr
    code = json.loads(result.stdout)["error"]["code"]
    assert code != "internal.error" and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    if any(mark in path.name for mark in ENCRYPTED_MARKS):
        assert code == "file.encrypted"
        assert "文件已加密，请先在 Excel/WPS 中取消密码后再导出" in result.stderr
