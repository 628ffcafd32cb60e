"""Writing files all or nothing: each to a temporary name beside it, renamed into place when
done; and a run's outputs as one set, renamed together only when every one is complete."""

from __future__ import annotations

import contextlib
import contextvars
import glob
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crmkit.errors import CrmkitError

#: the temporary names: .<target name>.<random><suffix>, in the target's folder
TEMP_PREFIX = "."


class OutputSet:
    """Files written as one set: their temporary files, to be renamed onto their targets
    together, and earlier files to be removed at the same moment."""

    def __init__(self) -> None:
        self.staged: list[tuple[Path, Path]] = []
        self.removals: list[Path] = []

    def remove(self, path: Path) -> None:
        """Remove `path` when the set is committed (an earlier run's file this run replaces
        by nothing), not before: a failed run leaves it."""
        self.removals.append(path)

    def discard(self) -> None:
        for tmp, _ in self.staged:
            tmp.unlink(missing_ok=True)
        self.staged.clear()

    def commit(self) -> None:
        """Rename every staged file into place, in the order written (report.json, written
        last, lands last), then remove what was marked. Ctrl-C or a termination signal that
        arrives meanwhile is held until the set is in place: these are renames, microseconds
        each, and a run stopped halfway through them would leave a mixed folder."""
        with _signals_held():
            for i, (tmp, target) in enumerate(self.staged):
                try:
                    tmp.replace(target)
                except OSError as exc:
                    for later, _ in self.staged[i:]:
                        later.unlink(missing_ok=True)
                    raise CrmkitError("output.failed", path=str(target),
                                      detail=exc.strerror or str(exc)) from None
            for path in self.removals:
                path.unlink(missing_ok=True)
        self.staged.clear()


_active: contextvars.ContextVar[OutputSet | None] = contextvars.ContextVar(
    "crmkit_output_set", default=None)


@contextlib.contextmanager
def output_set() -> Iterator[OutputSet]:
    """Inside the block, every atomic_path joins one set; when the block completes, the set
    is committed; when it fails (an error, Ctrl-C), every temporary file is removed and the
    folder is as the earlier run left it."""
    staged = OutputSet()
    token = _active.set(staged)
    try:
        yield staged
    except BaseException:
        staged.discard()
        raise
    finally:
        _active.reset(token)
    staged.commit()


@contextlib.contextmanager
def atomic_path(target: Path, suffix: str = ".tmp") -> Iterator[Path]:
    """A temporary path beside `target`, renamed onto it only if the block completes (or,
    inside output_set, when the whole set does).

    The temporary file sits in the target's folder so the rename never crosses a file system,
    and an interrupted run leaves the previous file (or none), never a truncated one.
    """
    try:
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{target.name}.", suffix=suffix,
                                   dir=target.parent)
    except OSError as exc:
        raise CrmkitError("output.failed", path=str(target),
                          detail=exc.strerror or str(exc)) from None
    os.close(fd)
    tmp_path = Path(tmp)
    # mkstemp makes the file private (0600); the finished file gets the usual permissions,
    # so colleagues on a shared folder can open a blank workbook or an upload file.
    umask = os.umask(0)
    os.umask(umask)
    with contextlib.suppress(OSError):
        tmp_path.chmod(0o666 & ~umask)
    staged = _active.get()
    try:
        yield tmp_path
        if staged is not None:
            staged.staged.append((tmp_path, target))
        else:
            tmp_path.replace(target)
    except OSError as exc:
        tmp_path.unlink(missing_ok=True)
        raise CrmkitError("output.failed", path=str(target),
                          detail=exc.strerror or str(exc)) from None
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def leftover_temporaries(folder: Path, names: list[str]) -> list[Path]:
    """Temporary files an earlier run killed outright (kill -9, a power cut) left beside
    the outputs `names`: crmkit's own, safe to remove."""
    found: list[Path] = []
    for name in names:
        found += folder.glob(f"{TEMP_PREFIX}{glob.escape(name)}.*.tmp")
    return [p for p in found if p.is_file()]


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the duration, then deliver them."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, _frame: object) -> None:
        held.append(signum)

    wanted: list[int] = [signal.SIGINT, *([signal.SIGTERM] if hasattr(signal, "SIGTERM") else [])]
    previous: dict[int, Any] = {}
    for number in wanted:
        try:
            previous[number] = signal.signal(number, hold)
        except (ValueError, OSError):  # not settable here
            continue
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in held:
            signal.raise_signal(number)
