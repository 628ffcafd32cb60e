"""Several inputs in one run: `crmkit validate a.xlsx b.csv` or a folder.

The files are checked in order as one import: a number already in an earlier file is
`duplicate.other_file` in a later one (it would be imported once), and the rows earlier
files upload count toward the limit of the later ones. A file that cannot be checked does
not stop the others; its error takes its place in the results.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from crmkit.errors import CrmkitError
from crmkit.pipeline import load_references, validate
from crmkit.reference import Existing
from crmkit.report import Report
from crmkit.template import Template, load_template

#: a folder's files that are checked: lists, not templates or notes (a .txt beside the
#: lists is more often a README than a table; name it to check it)
_READABLE = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".et", ".ods", ".csv", ".tsv"})


def expand(paths: Sequence[str | Path]) -> list[Path]:
    """The files to check: each path as given, a folder as the readable files directly in it
    (not its subfolders, where crmkit's own outputs live), sorted by name. A folder without
    one is an error: a CI step pointed at the wrong folder must not pass."""
    files: list[Path] = []
    for given in map(Path, paths):
        if given.is_dir():
            found = sorted(p for p in given.iterdir()
                           if p.is_file() and p.suffix.lower() in _READABLE
                           and not p.name.startswith(("~$", ".")))
            if not found:
                raise CrmkitError("file.not_found", path=f"{given}/*.xlsx|*.csv|...")
            files += found
        else:
            files.append(given)
    return list(dict.fromkeys(files))


def out_dirs(
    files: Sequence[Path], out: str | Path | None, *, per_file: bool | None = None
) -> list[Path | None]:
    """Each file's output folder: beside it by default; with `out`, one subfolder of `out`
    per file, named after it (a.xlsx and a.csv get a and a-2), whenever the run is over
    several files or a folder (`per_file`; by default: more than one file), so a script
    finds `out/<name>/report.json` however many files the folder holds."""
    if out is None:
        return [None] * len(files)
    if not (len(files) > 1 if per_file is None else per_file):
        return [Path(out)] * len(files)
    taken: dict[str, int] = {}
    dirs: list[Path | None] = []
    for f in files:
        taken[f.stem] = taken.get(f.stem, 0) + 1
        name = f.stem if taken[f.stem] == 1 else f"{f.stem}-{taken[f.stem]}"
        dirs.append(Path(out) / name)
    return dirs


def validate_many(
    paths: Sequence[str | Path], *, out: str | Path | None = None,
    template: str | Path | Template | None = None, **options: Any,
) -> list[tuple[Path, Report | CrmkitError]]:
    """Check `paths` (files or folders) as one import; `options` are `crmkit.validate`'s.
    The --existing and --staff files are left out of `paths` if they are among them.
    Returns each file with its Report, or the CrmkitError that stopped it, in order. An error in
    the template or the reference files stops the run: it would stop every file."""
    tpl = template if isinstance(template, Template) else load_template(template)
    existing, staff = load_references(tpl, existing=options.pop("existing", None),
                                      staff=options.pop("staff", None))
    # A reference file matched by the same pattern (a pre-commit hook passes every changed
    # spreadsheet) is not a customer list: it is not checked as one.
    references = [r.path.resolve() for r in (existing, staff) if r is not None]
    files = [f for f in expand(paths) if f.resolve() not in references]
    per_file = len(paths) > 1 or any(Path(p).is_dir() for p in paths)
    results: list[tuple[Path, Report | CrmkitError]] = []
    earlier: list[Existing] = []
    for path, folder in zip(files, out_dirs(files, out, per_file=per_file), strict=True):
        try:
            report = validate(path, out=folder, template=tpl, existing=existing, staff=staff,
                              earlier=tuple(earlier), **options)
        except CrmkitError as exc:
            if exc.code in ("options.invalid", "template.invalid", "template.not_found"):
                raise
            results.append((path, exc))
            continue
        results.append((path, report))
        if report.tables is not None:
            earlier.append(Existing(path=path, count=report.rows.valid,
                                    phones=report.tables.numbers))
    return results
