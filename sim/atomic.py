"""The one way this project writes a file: to a temporary name beside it, then renamed.

A reader (or a killed process) never sees a half-written file: ``os.replace`` is atomic on one
file system. The temporary name is ``.<name>.tmp-<pid><suffix>`` in the target's folder: hidden,
unique per process, and keeping the suffix so writers that go by the extension (Excel,
Matplotlib, Parquet) still work. ``remove_stale_temporaries`` in ``sim.store`` recognises it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

TMP_MARK = ".tmp-"


def temporary_path(path: Path | str) -> Path:
    """The temporary sibling of ``path`` that this process writes before renaming."""
    path = Path(path)
    return path.parent / f".{path.stem}{TMP_MARK}{os.getpid()}{path.suffix}"


@contextmanager
def atomic_path(path: Path | str, fsync: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``path``, on error it is removed.

    ``fsync`` flushes the file to disk before the rename (for records that must survive a
    power cut, such as run manifests and failure records).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_path(path)
    try:
        yield tmp
        if fsync:
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_with(path: Path | str, writer: Callable[[Path], object], fsync: bool = False) -> Path:
    """``writer(tmp)`` writes the file; then it atomically becomes ``path``."""
    with atomic_path(path, fsync=fsync) as tmp:
        writer(tmp)
    return Path(path)


def write_text(path: Path | str, text: str, fsync: bool = False) -> Path:
    return write_with(path, lambda tmp: tmp.write_text(text), fsync=fsync)
