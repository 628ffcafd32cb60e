"""The upload files written by rustpy-xlsxwriter, a Rust-backed xlsx writer, when it is installed.

Writing is what a large list spends its time on: xlsxwriter, a Python library, writes about
15,000 rows a second, so 200,000 rows take 12 s; rustpy-xlsxwriter (the `fast` extra:
`pip install 'crmkit[fast]'`) writes the same rows in 1.5 s. It is young, so crmkit uses it only
for what it is proven on (tests/test_fast_writer.py): one sheet of text cells, read back by
openpyxl and python-calamine exactly as xlsxwriter's file is, every cell a text cell (strings
starting with "=" are text, never formulas), with the same fonts, column formats and widths
on the header and the columns (the workbook's default font, for cells nobody wrote, stays
Calibri). Two differences, both xlsxwriter's: text shaped like OOXML escapes (_x005F_x0041_)
is kept where xlsxwriter garbles it, and a cell over Excel's 32,767 UTF-16 units is refused
where xlsxwriter cuts it.
Everything else (errors.xlsx with its fills and comments, the blank template) is xlsxwriter's.

`CRMKIT_WRITER=xlsxwriter` in the environment turns it off; crmkit then writes as without it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from crmkit.catalogue import Bilingual
from crmkit.errors import CrmkitError

#: the environment variable naming the writer of the upload files: "xlsxwriter" forces
#: xlsxwriter; anything else (or nothing) uses rustpy-xlsxwriter when it is installed
WRITER_ENV = "CRMKIT_WRITER"
FAST = "rustpy-xlsxwriter"
PLAIN = "xlsxwriter"


def _module() -> Any | None:
    if os.environ.get(WRITER_ENV, "").strip().lower() == PLAIN:
        return None
    try:
        import rustpy_xlsxwriter
    except ImportError:
        return None
    return rustpy_xlsxwriter


def writer_name() -> str:
    """Which library writes the upload files in this environment."""
    return FAST if _module() is not None else PLAIN


def write_fast(
    path: Path, sheet: str, headers: Sequence[str], frame: pl.DataFrame, widths: Sequence[int],
    font: dict[str, Any], *, shown: Path | None = None,
) -> bool:
    """Write `frame` under `headers` to `path` as xlsxwriter would (see writers.write_table)
    and return True; False, having written nothing, when rustpy-xlsxwriter is not installed
    or turned off (CRMKIT_WRITER=xlsxwriter), or the table is not one it is proven on (a
    column that is not text, two equal headers, headers and columns that do not pair up).
    `shown` is the file a failure names (`path` is often its temporary name)."""
    rx = _module()
    if (rx is None or len(set(headers)) != len(headers) or len(headers) != frame.width
            or any(dtype != pl.String for dtype in frame.dtypes)):
        return False

    def fmt() -> Any:
        return (rx.Format().set_font_name(font["font_name"]).set_font_size(font["font_size"])
                .set_font_charset(font["font_charset"]).set_font_scheme("None"))

    head = fmt().set_bold().set_background_color("#DDEBF7").set_border("Thin")
    text = fmt().set_num_format("@")
    # "" and null both mean an empty cell: no cell at all, as xlsxwriter's path writes it.
    rows = frame.rename(dict(zip(frame.columns, headers, strict=True))).with_columns(
        pl.when(pl.all() != "").then(pl.all())
    )
    try:
        (rx.FastExcel(path, output_format="xlsx").freeze(row=1)
         .sheet(sheet, rows, header_format=head, column_formats=[text] * len(headers),
                column_widths=list(widths))
         .save())
    except (RuntimeError, ValueError) as exc:
        raise CrmkitError("output.failed", path=str(shown or path), detail=Bilingual(
            f"rustpy-xlsxwriter 无法写出这个文件（{exc}）；设置环境变量 {WRITER_ENV}=xlsxwriter "
            "后再运行一次",
            f"rustpy-xlsxwriter could not write this file ({exc}); run again with "
            f"{WRITER_ENV}=xlsxwriter in the environment")) from None
    return True
