"""The shipped example: crmkit finds exactly the planted problems, and its outputs are sound."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import openpyxl

from crmkit import validate

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXPECTED = json.loads((EXAMPLES / "customers.expected.json").read_text(encoding="utf-8"))


def test_every_planted_problem_is_found_at_its_row_and_nothing_else(tmp_path: Path) -> None:
    report = validate(EXAMPLES / "customers.xlsx", out=tmp_path)
    found = Counter((i.row, i.header, i.code) for i in report.issues if i.code != "limit.exceeded")
    expected = Counter((e["row"], e["column"], e["code"]) for e in EXPECTED["issues"])
    assert found == expected
    assert report.input.sheet == EXPECTED["sheet"]
    assert report.input.header_row == EXPECTED["header_row"]
    assert report.rows.read == EXPECTED["data_rows"]
    assert report.rows.blank == EXPECTED["blank_rows"]


def test_rows_in_unusual_but_valid_forms_are_accepted(tmp_path: Path) -> None:
    report = validate(EXAMPLES / "customers.xlsx", out=tmp_path)
    flagged = {i.row for i in report.issues}
    assert not flagged & {e["row"] for e in EXPECTED["must_pass"]}


def test_upload_file_has_text_cells_only_and_no_formula(tmp_path: Path) -> None:
    report = validate(EXAMPLES / "customers.xlsx", out=tmp_path)
    sheet = openpyxl.load_workbook(report.outputs["upload"]).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert {c.data_type for c in cells} == {"s"}
    phones = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert len(phones) == report.rows.valid and all(p.isdigit() and len(p) == 11 for p in phones)
    notes = [row[7].value for row in sheet.iter_rows(min_row=2) if row[7].value]
    assert any(n.startswith("=") for n in notes)  # kept as the text the user typed


def test_the_limit_example_in_the_readme(tmp_path: Path) -> None:
    report = validate(EXAMPLES / "customers.xlsx", out=tmp_path, limit=300, existing_count=100)
    assert (report.rows.valid, report.rows.overflow) == (200, 53)
    assert any(i.code == "limit.exceeded" for i in report.issues)


def test_example_input_is_unchanged_by_a_run(tmp_path: Path) -> None:
    path = EXAMPLES / "customers.xlsx"
    before = path.read_bytes()
    validate(path, out=tmp_path)
    assert path.read_bytes() == before
