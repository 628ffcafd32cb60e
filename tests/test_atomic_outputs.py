"""Outputs as one set: a run that fails, is interrupted or killed leaves the earlier run's
files or none, never a truncated or mixed folder; files crmkit did not write are never
written over."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import python_calamine
from typer.testing import CliRunner

from crmkit import atomic, writers
from crmkit.cli import app
from crmkit.errors import CrmkitError

from conftest import HEADER, ROOT, sha256, write_xlsx

runner = CliRunner(env={"COLUMNS": "120", "NO_COLOR": "1"})


def customers(path: Path, rows: int, *, seed: int = 0) -> Path:
    body = [[f"客户{seed}-{i}", f"13{seed % 10}{i:08d}", "VIP", "", "", ""] for i in range(rows)]
    body.append(["坏号码", "12345", "VIP", "", "", ""])  # one rejected row: errors.xlsx has rows
    return write_xlsx(path, [HEADER, *body])


def folder_state(folder: Path) -> dict[str, str]:
    return {p.name: sha256(p) for p in sorted(folder.iterdir()) if p.is_file()}


def upload_rows(path: Path) -> list[list[object]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_index(0).to_python()


@pytest.mark.parametrize("failing", ["write_errors", "write_json", "write_table"])
@pytest.mark.parametrize("interrupt", [False, True])
def test_a_failure_or_ctrl_c_midway_leaves_the_earlier_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str, interrupt: bool
) -> None:
    out = tmp_path / "out"
    first = customers(tmp_path / "a.xlsx", 5)
    assert runner.invoke(app, ["validate", str(first), "--out", str(out),
                               "--batch-size", "2"]).exit_code == 1
    earlier = folder_state(out)
    assert {"upload-001.xlsx", "upload-003.xlsx", "errors.xlsx", "report.json"} <= set(earlier)

    real = getattr(writers, failing)
    calls = {"n": 0}

    def broken(path: Path, *args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2 or failing != "write_table":
            # Part-way through: the temporary file exists and holds something.
            with atomic.atomic_path(path) as tmp:
                tmp.write_bytes(b"half a file")
                if interrupt:
                    raise KeyboardInterrupt
                raise OSError(28, "No space left on device")
        real(path, *args, **kwargs)

    monkeypatch.setattr(writers, failing, broken)
    second = customers(tmp_path / "b.xlsx", 3, seed=1)
    result = runner.invoke(app, ["validate", str(second), "--out", str(out),
                                 "--batch-size", "2"])
    assert result.exit_code == (130 if interrupt else 2)
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    # The earlier run's files, byte for byte, and nothing else (no temporary file left).
    assert folder_state(out) == earlier


def test_a_completed_run_replaces_the_whole_set_and_removes_stale_batches(
    tmp_path: Path
) -> None:
    out = tmp_path / "out"
    runner.invoke(app, ["validate", str(customers(tmp_path / "a.xlsx", 5)), "--out", str(out),
                        "--batch-size", "2"])
    result = runner.invoke(app, ["validate", str(customers(tmp_path / "b.xlsx", 2, seed=1)),
                                 "--out", str(out), "--batch-size", "2"])
    assert result.exit_code == 1
    names = {p.name for p in out.iterdir()}
    assert names == {"upload-001.xlsx", "errors.xlsx", "report.json"}
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["input"]["path"].endswith("b.xlsx")
    assert upload_rows(out / "upload-001.xlsx")[1][0] == "客户1-0"


def test_signals_during_the_renames_are_held_until_the_set_is_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    targets = [tmp_path / f"f{i}.txt" for i in range(3)]
    staged = atomic.OutputSet()
    for i, target in enumerate(targets):
        tmp = tmp_path / f".{target.name}.x.tmp"
        tmp.write_text(str(i))
        staged.staged.append((tmp, target))
    real_replace = Path.replace

    def replace_then_ctrl_c(self: Path, target: Path) -> Path:
        done = real_replace(self, target)
        if target == targets[0]:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C after the first rename
        return done

    monkeypatch.setattr(Path, "replace", replace_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        staged.commit()
    assert [t.read_text() for t in targets] == ["0", "1", "2"]


def test_leftovers_of_a_killed_run_are_cleared_by_the_next(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    leftover = out / ".upload.xlsx.k3j2h1.tmp"
    leftover.write_bytes(b"half")
    mine = out / ".notes.txt.tmp"
    mine.write_text("the user's")
    runner.invoke(app, ["validate", str(customers(tmp_path / "a.xlsx", 2)), "--out", str(out)])
    assert not leftover.exists() and mine.exists()


@pytest.mark.parametrize("name", ["upload.xlsx", "errors.xlsx", "report.json"])
def test_a_file_crmkit_did_not_write_is_never_written_over(tmp_path: Path, name: str) -> None:
    desk = tmp_path / "desktop"
    desk.mkdir()
    theirs = desk / name
    theirs.write_bytes(b"the user's own file")
    result = runner.invoke(app, ["validate", str(customers(tmp_path / "a.xlsx", 2)),
                                 "--out", str(desk)])
    assert result.exit_code == 2 and "[output.not_ours]" in result.stderr
    assert name in result.stderr and result.stderr.count("\n") == 1
    assert theirs.read_bytes() == b"the user's own file"
    assert {p.name for p in desk.iterdir()} == {name}


def test_files_an_earlier_run_wrote_are_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    source = customers(tmp_path / "a.xlsx", 2)
    for _ in range(2):
        assert runner.invoke(app, ["validate", str(source), "--out", str(out)]).exit_code == 1


def test_a_report_json_that_is_not_crmkits_protects_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.json").write_text('{"outputs": {"x": "upload.xlsx"}}', encoding="utf-8")
    (out / "upload.xlsx").write_bytes(b"mine")
    result = runner.invoke(app, ["validate", str(customers(tmp_path / "a.xlsx", 2)),
                                 "--out", str(out)])
    assert result.exit_code == 2 and "[output.not_ours]" in result.stderr
    assert (out / "upload.xlsx").read_bytes() == b"mine"


def test_ctrl_c_prints_one_line_and_exits_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("crmkit.pipeline.read_table", interrupted)
    result = runner.invoke(app, ["validate", str(customers(tmp_path / "a.xlsx", 2))])
    assert result.exit_code == 130 and result.stderr.count("\n") == 1
    assert "已中断" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM])
def test_a_run_killed_at_any_moment_leaves_a_whole_set(tmp_path: Path, how: int) -> None:
    """A real process, stopped at several moments of its run: the folder always holds one
    whole set, the earlier run's or the new one, and every file in it opens."""
    out = tmp_path / "out"
    sources = [customers(tmp_path / "old.xlsx", 1500),
               customers(tmp_path / "new.xlsx", 1500, seed=1)]
    command = [sys.executable, "-m", "crmkit", "validate", "--out", str(out), "--quiet"]
    expected, took = {}, []
    for source in sources:
        started = time.monotonic()
        subprocess.run([*command, str(source)], check=False, timeout=120, cwd=ROOT)
        took.append(time.monotonic() - started)
        expected[str(source)] = upload_rows(out / "upload.xlsx")
    for fraction in (0.6, 0.8, 0.9, 1.0):
        there = json.loads((out / "report.json").read_text(encoding="utf-8"))["input"]["path"]
        other = next(str(s) for s in sources if str(s) != there)
        process = subprocess.Popen([*command, other], cwd=ROOT, stderr=subprocess.DEVNULL)
        time.sleep(min(took) * fraction)
        process.send_signal(how)
        process.wait(timeout=120)
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert upload_rows(out / "upload.xlsx") == expected[report["input"]["path"]]
        for path in out.glob("*.xlsx"):
            python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        if how != signal.SIGKILL:
            assert not list(out.glob(".*.tmp"))


def test_output_set_discards_on_error(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    with pytest.raises(CrmkitError), atomic.output_set():
        with atomic.atomic_path(target) as tmp:
            tmp.write_text("complete")
        raise CrmkitError("output.failed", path=str(target), detail="x")
    assert list(tmp_path.iterdir()) == []
