"""The progress bar: the steps crmkit.validate reports, and a bar only on a terminal for
inputs large enough to take a moment."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from crmkit import validate
from crmkit.cli_progress import MIN_BYTES, progress_bar
from crmkit.pipeline import PROGRESS_STEPS

from conftest import HEADER, write_xlsx


def test_validate_reports_each_step_in_order(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", [HEADER, ["张三", "13800138000", "VIP"]])
    steps: list[str] = []
    validate(path, out=tmp_path / "o", progress=steps.append)
    assert steps == list(PROGRESS_STEPS)
    steps.clear()
    validate(path, write=False, progress=steps.append)
    assert steps == ["read", "check", "limit"]


def big_file(tmp_path: Path) -> Path:
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * (MIN_BYTES + 1))
    return path


def test_a_bar_only_on_a_terminal_for_a_large_input(tmp_path: Path) -> None:
    big, small = big_file(tmp_path), tmp_path / "small.csv"
    small.write_bytes(b"x")
    terminal = Console(file=io.StringIO(), force_terminal=True)
    pipe = Console(file=io.StringIO(), force_terminal=False)
    with progress_bar(terminal, [big], PROGRESS_STEPS, quiet=False) as tick:
        assert tick is not None
        for step in PROGRESS_STEPS:
            tick(step)
    for console, files, quiet in ((pipe, [big], False), (terminal, [small], False),
                                  (terminal, [big], True)):
        with progress_bar(console, files, PROGRESS_STEPS, quiet=quiet) as tick:
            assert tick is None
