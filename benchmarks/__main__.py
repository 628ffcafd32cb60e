"""Time crmkit against the read+write floor, frictionless and its own imports.

    python -m benchmarks [--sizes 20000,200000] [--runs 3] [--format xlsx,csv] [--out DIR]

Every measurement runs in its own process, so imports and memory are counted as a user pays
them; wall time is the median of --runs runs, peak RSS the largest of them.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from benchmarks.generate import HEADERS, cached

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGES = ["crmkit", "python-calamine", "xlsxwriter", "rustpy-xlsxwriter", "polars", "pandera",
            "phonenumbers", "typer", "frictionless"]
SKIPPED = "skipped: frictionless not installed"
# Large enough that every valid row goes to upload.xlsx: the benchmark measures the whole
# write, not a list cut short at the contact limit.
NO_LIMIT = "100000000"


def machine() -> dict[str, Any]:
    """The machine and the versions the numbers were measured with."""
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {"cpus": os.cpu_count(), "cpu_model": model, "python": platform.python_version(),
            "platform": platform.platform(), "packages": versions}


def timed(cmd: list[str], ok: tuple[int, ...] = (0,),
          env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one run of `cmd` in a fresh process (with `env`
    added to the environment)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})})
    # wait4 gives this child's own rusage; RUSAGE_CHILDREN would be the largest child so far.
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode not in ok:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{err[-2000:]}")
    return wall, usage.ru_maxrss / 1024  # ru_maxrss is in KB on Linux


def measure(cmd: list[str], runs: int, ok: tuple[int, ...] = (0,),
            before: Any = None, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Median wall time and peak RSS of `runs` runs of `cmd`."""
    walls, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        wall, peak = timed(cmd, ok, env)
        walls.append(wall)
        peaks.append(peak)
    return {"median_s": statistics.median(walls), "runs_s": walls, "peak_rss_mb": max(peaks),
            "cmd": cmd, **({"env": env} if env else {})}


def crmkit_cmd() -> list[str]:
    """The crmkit console script beside this Python, as a user runs it."""
    script = Path(sys.executable).parent / "crmkit"
    return [str(script)] if script.exists() else [sys.executable, "-m", "crmkit"]


def table_schema() -> dict[str, Any]:
    """A Table Schema checking what crmkit's dingtalk-external-contact template checks, as far
    as Table Schema can: required cells, a unique number, its shape, e-mail format, lengths."""
    lengths = {"姓名": 64, "公司": 128, "职位": 64, "邮箱": 254, "地址": 256, "备注": 1000}
    fields: list[dict[str, Any]] = []
    for header in HEADERS:
        constraints: dict[str, Any] = {}
        field: dict[str, Any] = {"name": header, "type": "string"}
        if header in lengths:
            constraints["maxLength"] = lengths[header]
        if header in ("姓名", "手机号码", "标签"):
            constraints["required"] = True
        if header == "手机号码":
            constraints["unique"] = True
            constraints["pattern"] = r"(\+86 ?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}"
        if header == "邮箱":
            field["format"] = "email"
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    return {"fields": fields}


def fast_writer_installed() -> bool:
    """Whether crmkit writes its uploads with rustpy-xlsxwriter here (the `fast` extra)."""
    return importlib.util.find_spec("rustpy_xlsxwriter") is not None


def frictionless_cmd(given: str | None = None) -> list[str] | None:
    """frictionless's CLI: `given` (a path, say in a venv of its own, as its dependencies
    are many), or the one installed beside this Python."""
    if given:
        return [given]
    if importlib.util.find_spec("frictionless") is None:
        return None
    script = Path(sys.executable).parent / "frictionless"
    return [str(script)] if script.exists() else [sys.executable, "-m", "frictionless"]


def run(sizes: list[int], runs: int, formats: list[str], out: Path,
        frictionless: str | None = None) -> dict[str, Any]:
    """Every measurement for every size and format, as one JSON-ready record."""
    out.mkdir(parents=True, exist_ok=True)
    work = out / "runs"
    schema = out / "schema.json"
    schema.write_text(json.dumps(table_schema(), ensure_ascii=False, indent=2), encoding="utf-8")
    friction = frictionless_cmd(frictionless)
    fast = fast_writer_installed()
    py = sys.executable

    def fresh() -> None:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()

    results: dict[str, Any] = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(), "runs": runs, "sizes": sizes, "formats": formats,
        "startup": {
            "crmkit_version": measure([*crmkit_cmd(), "--version"], runs),
            "crmkit_help": measure([*crmkit_cmd(), "--help"], runs),
            "crmkit_template_list": measure([*crmkit_cmd(), "template", "list"], runs),
            "import_typer": measure([py, "-c", "import typer"], runs),
        },
        "lists": [],
    }
    start = results["startup"]
    start["ratio_version_to_typer"] = (
        start["crmkit_version"]["median_s"] / start["import_typer"]["median_s"])
    for fmt in formats:
        for n in sizes:
            path, planted = cached(out, n, fmt)
            entry: dict[str, Any] = {"rows": n, "format": fmt, "file": str(path),
                                     "bytes": path.stat().st_size, "planted": vars(planted)}
            entry["read"] = measure([py, "-m", "benchmarks.floor", str(path), "--read-only"],
                                    runs)
            entry["floor"] = measure(
                [py, "-m", "benchmarks.floor", str(path), str(work / "floor.xlsx")], runs,
                before=fresh)
            # Exit 1 is expected: the list has planted defects.
            validate = [*crmkit_cmd(), "validate", str(path), "--out", str(work), "--limit",
                        NO_LIMIT, "--quiet"]
            entry["writer"] = "rustpy-xlsxwriter" if fast else "xlsxwriter"
            entry["crmkit"] = measure(validate, runs, ok=(0, 1), before=fresh)
            if fast:  # and as it runs without the fast extra
                entry["crmkit_xlsxwriter"] = measure(
                    validate, runs, ok=(0, 1), before=fresh, env={"CRMKIT_WRITER": "xlsxwriter"})
                entry["ratio_crmkit_xlsxwriter_to_floor"] = (
                    entry["crmkit_xlsxwriter"]["median_s"] / entry["floor"]["median_s"])
            if friction:
                entry["frictionless"] = measure(
                    # --trusted: it refuses absolute paths otherwise; --limit-errors: it
                    # stops at 1,000 errors otherwise, before the end of a large list
                    [*friction, "validate", str(path), "--schema", str(schema), "--trusted",
                     "--limit-errors", NO_LIMIT], runs,
                    ok=(0, 1))
            else:
                entry["frictionless"] = SKIPPED
            crm = entry["crmkit"]
            entry["ratio_crmkit_to_floor"] = crm["median_s"] / entry["floor"]["median_s"]
            entry["ratio_rss_crmkit_to_read"] = crm["peak_rss_mb"] / entry["read"]["peak_rss_mb"]
            entry["ratio_frictionless_to_crmkit"] = (
                entry["frictionless"]["median_s"] / crm["median_s"] if friction else None)
            results["lists"].append(entry)
    shutil.rmtree(work, ignore_errors=True)
    return results


def _fmt(value: float | None, spec: str = ".2f") -> str:
    return "-" if value is None else format(value, spec)


def render(results: dict[str, Any]) -> str:
    """The results as a Markdown table, with the machine above it."""
    m = results["machine"]
    pkgs = ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v)
    lines = [
        f"Machine: {m['cpus']} CPUs, {m['cpu_model']}, Python {m['python']}, {m['platform']}",
        f"Packages: {pkgs}",
        f"Run: {results['when']}, median of {results['runs']} runs",
        "",
        "| rows | format | read s | floor s | crmkit s | crmkit/floor "
        "| crmkit (xlsxwriter) s | crmkit (xlsxwriter)/floor | frictionless s "
        "| frictionless/crmkit | RSS MB read / floor / crmkit / frictionless |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for e in results["lists"]:
        fr = e["frictionless"]
        fr_s = fr["median_s"] if isinstance(fr, dict) else None
        fr_rss = fr["peak_rss_mb"] if isinstance(fr, dict) else None
        plain = e.get("crmkit_xlsxwriter")
        if plain is None and e.get("writer", "xlsxwriter") == "xlsxwriter":
            plain = e["crmkit"]
        lines.append(
            f"| {e['rows']:,} | {e['format']} | {_fmt(e['read']['median_s'])} "
            f"| {_fmt(e['floor']['median_s'])} | {_fmt(e['crmkit']['median_s'])} "
            f"| {_fmt(e['ratio_crmkit_to_floor'])} "
            f"| {_fmt(plain['median_s'] if plain else None)} "
            f"| {_fmt(plain['median_s'] / e['floor']['median_s'] if plain else None)} "
            f"| {_fmt(fr_s)} | {_fmt(e['ratio_frictionless_to_crmkit'])} "
            f"| {_fmt(e['read']['peak_rss_mb'], '.0f')} / {_fmt(e['floor']['peak_rss_mb'], '.0f')}"
            f" / {_fmt(e['crmkit']['peak_rss_mb'], '.0f')} / {_fmt(fr_rss, '.0f')} |")
    s = results["startup"]
    lines += [
        "",
        "| startup | s | RSS MB |",
        "|---|---:|---:|",
        f"| crmkit --version | {_fmt(s['crmkit_version']['median_s'], '.3f')} "
        f"| {_fmt(s['crmkit_version']['peak_rss_mb'], '.0f')} |",
        f"| crmkit --help | {_fmt(s['crmkit_help']['median_s'], '.3f')} "
        f"| {_fmt(s['crmkit_help']['peak_rss_mb'], '.0f')} |",
        f"| crmkit template list | {_fmt(s['crmkit_template_list']['median_s'], '.3f')} "
        f"| {_fmt(s['crmkit_template_list']['peak_rss_mb'], '.0f')} |",
        f"| python -c \"import typer\" | {_fmt(s['import_typer']['median_s'], '.3f')} "
        f"| {_fmt(s['import_typer']['peak_rss_mb'], '.0f')} |",
        f"| --version / import typer | {_fmt(s['ratio_version_to_typer'])} | |",
    ]
    by_format: dict[str, dict[int, float]] = {}
    for e in results["lists"]:
        by_format.setdefault(e["format"], {})[e["rows"]] = e["crmkit"]["median_s"]
    for fmt, times in by_format.items():
        if 200_000 in times and 1_000_000 in times:
            lines.append(f"\ncrmkit time(1M)/time(200k), {fmt}: "
                         f"{times[1_000_000] / times[200_000]:.2f} (target <= 5.5)")
    if any(not isinstance(e["frictionless"], dict) for e in results["lists"]):
        lines.append(f"\nfrictionless: {SKIPPED}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Parse the options, run, print the table and write the JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="20000,200000",
                        help="rows per list, comma-separated [default: 20000,200000]")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement [3]")
    parser.add_argument("--format", default="xlsx,csv", help="xlsx, csv or both [xlsx,csv]")
    parser.add_argument("--frictionless", default=None, metavar="PATH",
                        help="frictionless executable (e.g. in a venv of its own) "
                             "[the one beside this Python, if any]")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for generated lists and results.json "
                             "[benchmarks/.data/, results in benchmarks/results.json]")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    for fmt in formats:
        if fmt not in ("xlsx", "csv"):
            parser.error(f"unknown format {fmt!r}: use xlsx, csv or both")
    out = args.out or HERE / ".data"
    results = run(sizes, args.runs, formats, out, args.frictionless)
    target = (args.out / "results.json") if args.out else HERE / "results.json"
    target.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(render(results))
    print(f"\nJSON: {target}")


if __name__ == "__main__":
    main()
