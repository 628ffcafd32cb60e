"""The one catalogue of issue codes: stable names, severities, Chinese and English messages,
and what each code means, why it matters and how to fix it.

A code, once shipped, is never renamed: reports, CI gates (`--fail-on`, `--ignore`) and
people's notes refer to it. Messages say what is wrong and what to do; they are
`str.format` templates filled from an issue's parameters (`header`, `value`, ...).
The entries live in topic modules, in the order reports list them; docs/codes.md is
generated from here (`python -m crmkit.codes_doc --write docs/codes.md`).
"""

from __future__ import annotations

from crmkit import (
    catalogue_cells,
    catalogue_file,
    catalogue_output,
    catalogue_rows,
    catalogue_sheet,
    catalogue_values,
)
from crmkit.catalogue_model import (
    SEVERITY_EFFECTS,
    SEVERITY_LABELS,
    Bilingual,
    Code,
    Severity,
    effect,
)

# tests/conftest.py reaches the message parameters' dict through here, to make a missing
# parameter fail in tests.
from crmkit.catalogue_model import _Defaulting as _Defaulting

__all__ = ["CATALOGUE", "SEVERITY_EFFECTS", "SEVERITY_LABELS", "TOPICS", "Bilingual", "Code",
           "Severity", "effect", "lookup"]

#: the codes by topic, each topic's title with its codes, in catalogue order
TOPICS: tuple[tuple[Bilingual, tuple[Code, ...]], ...] = tuple(
    (module.TOPIC, module.CODES)
    for module in (catalogue_file, catalogue_output, catalogue_sheet, catalogue_cells,
                   catalogue_values, catalogue_rows)
)

CATALOGUE: dict[str, Code] = {c.code: c for _, codes in TOPICS for c in codes}


def lookup(code: str) -> Code:
    """The catalogue entry for `code`; a KeyError for an unknown code is a bug in crmkit."""
    return CATALOGUE[code]
