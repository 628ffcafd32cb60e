"""The `crmkit` console script: `crmkit --version` answered before anything else is loaded.

A CI step that asks for the version (to log it, or to check crmkit is installed) should not
pay for the command-line machinery: typer, rich and crmkit's commands take three times as
long to import as Python takes to start. Everything else goes to crmkit.cli.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Print the version for `crmkit --version`; otherwise run the command line."""
    if sys.argv[1:] == ["--version"]:
        from crmkit import __version__

        sys.stdout.write(f"crmkit {__version__}\n")
        return
    from crmkit.cli import main as run

    run()
