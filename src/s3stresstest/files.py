"""Writing one file all or nothing.

An import or export may fail halfway (a full disk, a bug in a writer); a reader of the target
must then still see the old file or none, never half a file. Folders of outputs have the same
guarantee through `results.staged_output_dir`; this is its single-file counterpart.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


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
