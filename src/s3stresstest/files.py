"""Writing files and folders all or nothing.

An import, an export or a command may fail halfway (a full disk, a bug in a writer); a reader of
the target must then still see the old file or folder or none, never half of one. A file goes
through `write_atomically`; a folder of outputs is written into a temporary sibling that replaces
the target only when complete (`staged_output_dir`). The run folder itself is `run.folder`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import InputError


def write_atomically(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Call `write(tmp)` on a temporary file beside `path`, then rename it to `path`; return `path`.

    The parent folder is created when missing. The temporary file is removed when `write` raises
    (the exception propagates, an existing `path` is left as it was). The file gets the permissions
    of a plainly created file (0666 less the umask), not `mkstemp`'s 0600.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def prepare_out_dir(out: str | Path, overwrite: bool) -> Path:
    """Refuse a non-empty target unless overwriting; checked before any work is done."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not overwrite:
        raise InputError(f"output folder '{out}' exists and is not empty (use --overwrite to replace it)")
    return out


def replace_dir(tmp: Path, out: Path) -> None:
    """Put the finished folder `tmp` in place of `out`; the old one goes only once the new one is there."""
    if out.exists():
        old = out.with_name(f".{out.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out)


@contextmanager
def staged_output_dir(out: str | Path, overwrite: bool = False) -> Iterator[Path]:
    """A temporary sibling of `out` to write into: it replaces `out` on success and vanishes on failure."""
    out = prepare_out_dir(out, overwrite)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        yield tmp
        replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
