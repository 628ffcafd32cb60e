"""crmkit: get customer spreadsheets ready for batch import into a CRM.

`crmkit.validate(path, ...)` checks a list against an import template and returns a Report;
the `crmkit` command is a thin layer over it. Heavy modules (polars, pandera, phonenumbers)
load on first use, so `import crmkit` and `crmkit --version` stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from crmkit.errors import CrmkitError
    from crmkit.pipeline import validate
    from crmkit.report import Issue, Report
    from crmkit.template import Template, load_template

__all__ = ["CrmkitError", "Issue", "Report", "Template", "__version__", "load_template",
           "validate"]

_LAZY = {
    "CrmkitError": "crmkit.errors",
    "validate": "crmkit.pipeline",
    "Issue": "crmkit.report",
    "Report": "crmkit.report",
    "Template": "crmkit.template",
    "load_template": "crmkit.template",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'crmkit' has no attribute {name!r}")
