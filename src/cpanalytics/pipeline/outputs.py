"""The output folder: one build per year at a time (lock), staged then swapped into place.

A build writes into ``<out>/.tmp-<year>-<random>/`` and only a complete, audited build is
moved to ``<out>/<year>/`` (old -> backup, new -> place, backup deleted). Anything that
stops a build earlier (an error, Ctrl-C, SIGTERM) deletes the staging folder and leaves
the previous outputs as they were.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from cpanalytics.errors import UserError


def lock_path(out: Path, year: int) -> Path:
    """The lock file guarding builds of ``year`` into ``out``."""
    return out / f".{year}.lock"


@contextlib.contextmanager
def build_lock(out: Path, year: int, *, wait: bool = False) -> Iterator[Path]:
    """Hold an exclusive ``flock`` on ``<out>/.<year>.lock`` for the whole build.

    Raises ``UserError`` E403 when another build holds it (unless ``wait``).
    """
    path = lock_path(out, year)
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise UserError(
            f"cannot create the output folder or its lock file: {exc.strerror}",
            file=path, code="E405",
            fix="choose an --out folder you can write to",
        ) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
            raise UserError(
                f"another build of {year} is running ({holder}); it holds the lock {path}",
                file=path, code="E403",
                fix="wait for it to finish, or run again with --wait to queue behind it",
            ) from exc
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}".encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def recover(out: Path, year: int) -> None:
    """Tidy up after a build that was killed outright (SIGKILL, power cut); needs the lock.

    Restores ``<out>/<year>`` from a backup left between the two renames of a swap, and
    deletes leftover staging folders.
    """
    target = out / str(year)
    for backup in sorted(out.glob(f".old-{year}-*")):
        if not target.exists():
            backup.rename(target)
        else:
            shutil.rmtree(backup, ignore_errors=True)
    for stale in out.glob(f".tmp-{year}-*"):
        shutil.rmtree(stale, ignore_errors=True)


def new_staging(out: Path, year: int) -> Path:
    """A fresh staging folder next to the target: ``<out>/.tmp-<year>-<random>/``."""
    return Path(tempfile.mkdtemp(prefix=f".tmp-{year}-", dir=out))


def publish(staging: Path, out: Path, year: int) -> Path:
    """Swap ``staging`` into ``<out>/<year>``: old -> backup, new -> place, delete backup."""
    target = out / str(year)
    backup = None
    if target.exists():
        backup = Path(tempfile.mkdtemp(prefix=f".old-{year}-", dir=out))
        backup.rmdir()
        target.rename(backup)
    try:
        staging.rename(target)
    except OSError:
        if backup is not None:
            backup.rename(target)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
    return target


class BuildInterrupted(KeyboardInterrupt):
    """Raised in the main thread when the build receives SIGTERM (SIGINT is KeyboardInterrupt)."""


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into ``BuildInterrupted`` so the same clean-up runs as for Ctrl-C."""

    def handler(signum: int, frame: object) -> None:
        raise BuildInterrupted(f"signal {signum}")

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
