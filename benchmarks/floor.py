"""The floor crmkit is measured against: read a list and write its rows back as xlsx.

Run in its own process by the runner, so its imports and memory are counted like crmkit's:

    python -m benchmarks.floor FILE OUT.xlsx     # read + write (the floor)
    python -m benchmarks.floor FILE --read-only  # read only (the memory reference)

xlsx is read with python-calamine (CSV, which calamine does not read, with the csv module);
rows are written with xlsxwriter in constant_memory mode, write_string per cell, empty cells
skipped: the fastest sound way the issue measured to write text-typed cells.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # numeric phone cells, as a user would want them
    return str(value)


def read(path: Path) -> list[list[Any]]:
    """Every row of the first sheet (or the CSV), header included."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_index(0).to_python(skip_empty_area=False)


def write(rows: list[list[Any]], out: Path) -> None:
    """Write `rows` as text cells, skipping empty ones."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    sheet = book.add_worksheet()
    write_string = sheet.write_string
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            write_string(r, c, value if type(value) is str else _text(value))
    book.close()


def main(argv: list[str]) -> None:
    """Read, then write unless --read-only."""
    rows = read(Path(argv[0]))
    if argv[1] != "--read-only":
        write(rows, Path(argv[1]))


if __name__ == "__main__":
    main(sys.argv[1:])
