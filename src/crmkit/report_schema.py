"""The JSON Schema of report.json and `--format json`, shipped in the package.

CI users validate crmkit's output against it; docs/report.schema.json is a copy kept identical
by a test, since a symlink does not survive every sdist and wheel.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

#: the schema's file name, in the crmkit package and in docs/
SCHEMA_FILE = "report.schema.json"


def load_schema() -> dict[str, Any]:
    """The report's JSON Schema (draft 2020-12), as a dict: a checked report or a refusal."""
    text = (resources.files("crmkit") / SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
