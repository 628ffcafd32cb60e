"""Every spreadsheet in the shared corpus is checked or refused with a clear reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmkit import validate
from crmkit.catalogue import Severity, lookup
from crmkit.errors import CrmkitError

from conftest import CORPUS

FILES = sorted(p for p in (CORPUS / "sheets").rglob("*") if p.is_file())


@pytest.mark.skipif(not FILES, reason=f"shared corpus not found at {CORPUS}")
@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_file_is_checked_or_refused_in_one_line(path: Path) -> None:
    try:
        report = validate(path, write=False)
    except CrmkitError as exc:
        assert lookup(exc.code).severity is Severity.FATAL
        message = exc.message()
        assert message and "\n" not in message and "Traceback" not in message
        return
    assert report.rows.read == report.rows.valid + report.rows.rejected + report.rows.overflow
