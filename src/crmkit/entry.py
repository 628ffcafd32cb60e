"""The `crmkit` console script: `crmkit --version` answered before anything else is loaded.

A CI step that asks for the version (to log it, or to check crmkit is installed) should not
pay for the command-line machinery: typer, rich and crmkit's commands take three times as
long to import as Python takes to start. Everything else goes to crmkit.cli.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Print the version for `crmkit --version`; otherwise run the command line."""
    if sys.argv[1:] == ["--version"]:
        from crmkit import __version__

        try:
            sys.stdout.write(f"crmkit {__version__}\n")
            sys.stdout.flush()
        except (AttributeError, BrokenPipeError):
            # stdout closed (`crmkit --version >&-`) or a reader gone (`| true`): nobody
            # to tell, and nothing to fail. Python's exit flush must not complain either.
            if sys.stdout is not None:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    from crmkit.cli import main as run

    run()
