"""A progress bar for files large enough to take more than a moment, on a terminal only:
never in a pipe, a CI log or under --quiet, where it would only be noise."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

#: inputs at least this big (bytes, all files together) get a bar: about 10,000 rows of an
#: .xlsx, a couple of seconds of work
MIN_BYTES = 1 << 20
#: what each step of crmkit.validate is called on the bar
_LABELS = {
    "read": ("读取", "reading"), "check": ("检查", "checking"),
    "limit": ("核对上限", "applying the limit"), "write": ("写入结果", "writing"),
}


@contextlib.contextmanager
def progress_bar(
    console: Console, files: Sequence[Path], steps: Sequence[str], *, quiet: bool,
    lang: str = "zh",
) -> Iterator[Callable[[str], None] | None]:
    """A callback for crmkit.validate's `progress` that moves a bar on `console`, or None
    when no bar is wanted (not a terminal, --quiet, small input)."""
    if quiet or not console.is_terminal or _size(files) < MIN_BYTES:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("", total=len(steps) * max(len(files), 1))
        started = 0

        def tick(step: str) -> None:
            # A step starting means the one before it is done.
            nonlocal started
            zh, en = _LABELS.get(step, (step, step))
            bar.update(task, description=en if lang == "en" else zh, completed=started)
            started += 1

        yield tick


def _size(files: Sequence[Path]) -> int:
    total = 0
    for f in files:
        with contextlib.suppress(OSError):
            total += sum(p.stat().st_size for p in (f.iterdir() if f.is_dir() else [f])
                         if p.is_file())
    return total
