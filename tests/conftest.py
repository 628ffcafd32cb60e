"""Shared helpers: small workbooks written on the fly, and the shared corpus when present."""

from __future__ import annotations

import csv
import hashlib
import io
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from crmkit import catalogue

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DATA = Path(__file__).resolve().parent / "data"

HEADER = ["姓名", "手机号码", "标签", "公司", "邮箱", "备注"]


def write_xlsx(
    path: Path, rows: Sequence[Sequence[Any]], *, sheet: str = "Sheet1",
    hidden: Sequence[str] = (),
) -> Path:
    """A workbook whose cells hold exactly `rows`: numbers as numeric cells, text as text,
    None as an empty cell. Extra hidden sheets come first, as helper lists often do."""
    book = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                    "strings_to_urls": False},
    )
    for name in hidden:
        helper = book.add_worksheet(name)
        helper.write_string(0, 0, "helper")
        helper.hide()
    ws = book.add_worksheet(sheet)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(i, j, value)
            else:
                ws.write_string(i, j, str(value))
    if hidden:
        ws.activate()
    book.close()
    return path


def write_csv(
    path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8"
) -> Path:
    """A CSV file as Excel writes one (quoted where needed, CRLF), in `encoding`; None is an
    empty cell."""
    text = io.StringIO()
    csv.writer(text).writerows([["" if v is None else v for v in row] for row in rows])
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def heavy_imports(
    args: Sequence[str], cwd: Path, modules: Sequence[str] = ("polars", "pandera", "phonenumbers"),
) -> list[str]:
    """Which of `modules` (by default the data stack) `crmkit ARGS` imports, run in a fresh
    interpreter through the real entry point: commands that need none of it must start
    fast."""
    probe = (
        "import sys\n"
        "from crmkit.entry import main\n"
        f"sys.argv = ['crmkit', *{list(args)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"heavy = sorted({set(modules)!r} & set(sys.modules))\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=60, cwd=cwd)
    assert "HEAVY=" in result.stderr, result.stderr
    found = result.stderr.rsplit("HEAVY=", 1)[1]
    return found.split(",") if found else []


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def corpus(*parts: str) -> Path:
    """A path in the shared corpus, or skip the test when the corpus is not beside the repo."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared corpus not found at {CORPUS} (CI checks it out beside the repo)")
    return path


@pytest.fixture(autouse=True)
def chinese_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """crmkit speaks the environment's language; tests start from no locale (Chinese), so
    a CI runner's LANG=en_US.UTF-8 cannot change what they see."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def strict_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """A message parameter crmkit forgot to pass renders empty for users; in tests it fails."""

    def missing(self: dict[str, object], key: str) -> str:
        raise KeyError(f"message parameter {key!r} was not passed")

    monkeypatch.setattr(catalogue._Defaulting, "__missing__", missing)


@pytest.fixture
def customers(tmp_path: Path) -> Path:
    """A small list with one row of each common problem (rows are Excel row numbers)."""
    return write_xlsx(
        tmp_path / "customers.xlsx",
        [
            ["客户名单"],                                                    # 1 title
            HEADER,                                                          # 2
            ["张三", 13800138000, "VIP", "甲公司", "zs@example.com", "n3"],  # 3 valid (float)
            ["李四", "+86 139-0013-9000", "VIP", "", "", "n4"],              # 4 valid
            ["", "13700137000", "新客户", "", "", "n5"],                     # 5 name missing
            [None],                                                          # 6 blank
            ["王五", "1.38001E+10", "VIP", "", "", "n7"],                    # 7 digits lost
            ["赵六", "138 0013 8000", "VIP", "", "", "n8"],                  # 8 duplicate of 3
            ["钱七", "13600136000", "老客户", "", "bad@", "n9"],             # 9 bad email
        ],
    )


# --- Every CLI run in the suite proves that crmkit left its inputs unchanged. ---

_OUT_OPTIONS = ("--out", "-o")


def _input_files(args: Sequence[str]) -> dict[Path, str]:
    """Every file a command line names, or holds in a folder it names, except its outputs:
    the --out target and crmkit's own <name>.crmkit folders."""
    args = [str(a) for a in args]
    outs = {Path(args[i + 1]).resolve() for i, a in enumerate(args[:-1]) if a in _OUT_OPTIONS}
    outs |= {Path(a.split("=", 1)[1]).resolve() for a in args if a.startswith("--out=")}
    files: list[Path] = []
    for arg in args:
        value = arg.split("=", 1)[1] if arg.startswith("--") and "=" in arg else arg
        if len(value) > 4096 or "\n" in value:
            continue
        path = Path(value)
        try:
            if path.is_file():
                files.append(path)
            elif path.is_dir():
                files += [p for p in path.rglob("*") if p.is_file()]
        except OSError:
            continue
    hashed: dict[Path, str] = {}
    for path in files:
        resolved = path.resolve()
        if resolved in outs or any(parent in outs or parent.suffix == ".crmkit"
                                   for parent in resolved.parents):
            continue
        hashed[resolved] = sha256(resolved)
    return hashed


def _check_unchanged(before: dict[Path, str]) -> None:
    for path, digest in before.items():
        assert path.exists(), f"crmkit removed its input {path}"
        assert sha256(path) == digest, f"crmkit changed its input {path}"


@pytest.fixture(autouse=True)
def inputs_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash every input file of every `crmkit` command a test runs (through typer's
    CliRunner or a subprocess) before and after it: crmkit never changes a file it reads."""
    from typer.testing import CliRunner

    invoke = CliRunner.invoke

    def checked_invoke(self: CliRunner, cli: Any, args: Any = None, *a: Any, **kw: Any) -> Any:
        before = _input_files(list(args or []) if not isinstance(args, str) else args.split())
        result = invoke(self, cli, args, *a, **kw)
        _check_unchanged(before)
        return result

    monkeypatch.setattr(CliRunner, "invoke", checked_invoke)
    run = subprocess.run

    def checked_run(cmd: Any, *a: Any, **kw: Any) -> Any:
        words = [str(c) for c in cmd] if isinstance(cmd, (list, tuple)) else []
        is_crmkit = any(w == "crmkit" or w.endswith("/crmkit") for w in words)
        before = _input_files(words) if is_crmkit else {}
        result = run(cmd, *a, **kw)
        _check_unchanged(before)
        return result

    monkeypatch.setattr(subprocess, "run", checked_run)
