"""Writing a file all or nothing: a temporary name beside it, renamed into place when done."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from crmkit.errors import CrmkitError


@contextlib.contextmanager
def atomic_path(target: Path, suffix: str = ".tmp") -> Iterator[Path]:
    """A temporary path beside `target`, renamed onto it only if the block completes.

    The temporary file sits in the target's folder so the rename never crosses a file system,
    and an interrupted run leaves the previous file (or none), never a truncated one.
    """
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
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
    try:
        yield tmp_path
        tmp_path.replace(target)
    except OSError as exc:
        tmp_path.unlink(missing_ok=True)
        raise CrmkitError("output.failed", path=str(target),
                          detail=exc.strerror or str(exc)) from None
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
