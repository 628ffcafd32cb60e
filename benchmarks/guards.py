"""What the hostile-file guards (issue 7) cost on an honest list.

    python -m benchmarks.guards [--rows 200000] [--runs 5]

Before calamine reads an .xlsx, crmkit measures the zip (file_limits.check_archive: declared
sizes, and the members inflated once when their compressed sizes cannot prove them small) and
the checked sheet's used area (file_limits.check_xlsx_sheet: a regular-expression pass over
the sheet's XML). Both run in this process, `--runs` times each; the end-to-end
`crmkit validate` runs in its own process. The table gives medians and each guard's share of
the whole run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.__main__ import NO_LIMIT, crmkit_cmd, measure
from benchmarks.generate import cached
from crmkit import file_limits
from crmkit.workbook_scan import XlsxPackage

HERE = Path(__file__).resolve().parent


def median_seconds(call: Callable[[], object], runs: int) -> float:
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        walls.append(time.perf_counter() - start)
    return statistics.median(walls)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.guards", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000, help="rows in the list [200000]")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement [5]")
    args = parser.parse_args(argv)

    path, _ = cached(HERE / ".data", args.rows, "xlsx")
    package = XlsxPackage(path)
    sheet = package.sheets[0]

    def extent() -> None:
        file_limits.check_xlsx_sheet(path, lambda: package.open_part(sheet.part))

    archive = median_seconds(lambda: file_limits.check_archive(path), args.runs)
    area = median_seconds(extent, args.runs)
    out = HERE / ".data" / "guards-out"
    whole = measure([*crmkit_cmd(), "validate", str(path), "--out", str(out), "--limit",
                     NO_LIMIT, "--quiet"], args.runs, ok=(0, 1))["median_s"]
    print(f"{args.rows:,}-row xlsx ({path.stat().st_size / 2**20:.1f} MB), "
          f"median of {args.runs} runs")
    print(f"  check_archive      {archive:6.2f} s  {archive / whole:6.1%} of the run")
    print(f"  check_xlsx_sheet   {area:6.2f} s  {area / whole:6.1%} of the run")
    print(f"  crmkit validate    {whole:6.2f} s")


if __name__ == "__main__":
    main()
