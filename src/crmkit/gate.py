"""What fails a run: errors by default, warnings too under --strict, or exactly the codes
--fail-on names; --ignore takes codes out. The gate decides the exit code only: a row an
ignored error rejects is still kept out of the upload (the CRM would refuse it)."""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass

from crmkit.catalogue import CATALOGUE, Bilingual, Severity
from crmkit.errors import CrmkitError


@dataclass(frozen=True)
class Gate:
    """--strict, --fail-on and --ignore: which issues fail a run."""

    strict: bool = False
    #: code patterns (fnmatch: duplicate.*) that fail the run; empty: the default rule
    fail_on: tuple[str, ...] = ()
    #: code patterns that never fail the run
    ignore: tuple[str, ...] = ()

    def fails(self, code: str, severity: Severity) -> bool:
        """Whether an issue of `code` (with `severity`, which --strict may have raised)
        fails the run."""
        if _matches(code, self.ignore):
            return False
        if self.fail_on:
            return _matches(code, self.fail_on)
        return severity is Severity.ERROR or (self.strict and severity is Severity.WARNING)


def parse_codes(values: Iterable[str], option: str) -> tuple[str, ...]:
    """--fail-on/--ignore values (repeatable, comma-separated) as patterns; options.invalid
    for a pattern that names no code, so a typo cannot silently change what fails CI."""
    patterns = tuple(p.strip() for v in values for p in v.split(",") if p.strip())
    for pattern in patterns:
        if not _matches_any(pattern):
            close = difflib.get_close_matches(pattern, list(CATALOGUE), n=3, cutoff=0.6)
            hint_zh = f"，是不是 {'、'.join(close)}？" if close else "；crmkit codes 列出全部代码"
            hint_en = f"; did you mean {', '.join(close)}?" if close else \
                "; crmkit codes lists them"
            raise CrmkitError("options.invalid", detail=Bilingual(
                f"{option} 的「{pattern}」不是问题代码{hint_zh}",
                f"{option} {pattern!r} names no issue code{hint_en}",
            ))
    return patterns


def _matches(code: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(code, p) for p in patterns)


def _matches_any(pattern: str) -> bool:
    return any(fnmatch.fnmatchcase(code, pattern) for code in CATALOGUE)
