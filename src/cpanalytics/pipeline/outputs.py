"""The output folder: one build per year at a time (lock), staged then swapped into place.

A build writes into ``<out>/.tmp-<year>-<random>/`` and only a complete, audited build is
moved to ``<out>/<year>/`` (old -> backup, new -> place, backup deleted). Anything that
stops a build earlier (an error, Ctrl-C, SIGTERM) deletes the staging folder and leaves
the previous outputs as they were. A full disk and a lock or cache of another user's are
coded messages (E408, E409), not tracebacks.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import pwd
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cpanalytics.errors import UserError


def lock_path(out: Path, year: int | str) -> Path:
    """The lock file guarding builds of ``year`` into ``out``."""
    return out / f".{year}.lock"


@contextlib.contextmanager
def build_lock(out: Path, year: int | str, *, wait: bool = False) -> Iterator[Path]:
    """Hold an exclusive ``flock`` on ``<out>/.<year>.lock`` for the whole build.

    Raises ``UserError`` E403 when another build holds it (unless ``wait``), E405 when it
    cannot be created, E409 when it is another user's.
    """
    path = lock_path(out, year)
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        if exc.errno in PERMISSION and path.exists():
            raise not_writable(path) from exc
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


@contextlib.contextmanager
def every_build_lock(out: Path) -> Iterator[list[Path]]:
    """Hold the lock of every build into ``out`` (``<out>/.<year>.lock``) and every pack
    (``<out>/pack/.<YYYY-MM>.lock``, :func:`build_lock` of ``pack`` builds), so none is
    running while ``<out>/.cache`` (all their caches and the shared loaded-data cache)
    changes. Only locks already made are taken: a build that has never run uses no cache.

    Raises ``UserError`` E403 when a build or pack holds its lock.
    """
    with contextlib.ExitStack() as stack:
        held = []
        for home in (out, out / "pack"):
            for path in sorted(home.glob(".*.lock")):
                try:
                    held.append(stack.enter_context(build_lock(home, path.name[1:-len(".lock")])))
                except UserError as exc:
                    if exc.code != "E403":
                        raise
                    raise UserError(f"{exc.problem}; its cache cannot be cleared while it runs",
                                    file=exc.file, code="E403",
                                    fix="wait for it to finish, then clear the cache again") from None
        yield held


#: Errors of a file the build may not write, and of a full disk (or quota).
PERMISSION = (errno.EACCES, errno.EPERM)
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


def _user(uid: int) -> str:
    """The login name of ``uid``, else ``uid N``."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def not_writable(path: Path) -> UserError:
    """E409 for ``path`` (or its nearest existing folder): whose it is, and who we are."""
    path = next(p for p in (path, *path.parents) if p.exists())
    info, me = path.stat(), os.geteuid()
    what, recursive = ("folder", "-R ") if path.is_dir() else ("file", "")
    if info.st_uid != me:
        problem = (f"the {what} belongs to user {_user(info.st_uid)}, and this build runs as "
                   f"{_user(me)}, who may not write to it")
        fix = (f"ask its owner ({_user(info.st_uid)}) to delete it, or to let your group write "
               f"to it (chmod {recursive}g+w {path}); or give --out a folder of your own")
    else:
        problem = f"the {what} is read-only (mode {info.st_mode & 0o777:o})"
        fix = f"make it writable (chmod {recursive}u+w {path}), or give --out another folder"
    return UserError(problem, file=path, code="E409", fix=fix)


def check_writable(folder: Path) -> None:
    """E409 for the first folder in ``folder``'s tree (e.g. the cache), or the nearest
    existing folder above it, that this build may not change: found before any work is
    done, not when the first entry is stored."""
    nearest = next(p for p in (folder, *folder.parents) if p.exists())
    for parent in (nearest, *(Path(d) for d, _, _ in os.walk(folder))):
        if not os.access(parent, os.W_OK | os.X_OK, effective_ids=True):
            raise not_writable(parent)


@contextlib.contextmanager
def write_errors(out: Path) -> Iterator[None]:
    """Turn a full disk (E408) and a file in ``out`` of another user's (E409) into messages."""
    try:
        yield
    except OSError as exc:
        if exc.errno in NO_SPACE:
            raise disk_full(out, exc.filename) from exc
        if exc.errno in PERMISSION and exc.filename and Path(exc.filename).is_relative_to(out):
            raise not_writable(Path(exc.filename)) from exc
        raise


def disk_full(out: Path, filename: object = None) -> UserError:
    """E408: no space left on the disk holding ``out`` (writing ``filename``, if known)."""
    return UserError(
        f"the disk is full (or your disk quota is used up): no space left"
        f"{f' to write {filename}' if filename else ''}; "
        "nothing was changed in the output folder", file=out, code="E408",
        fix=f"free some space on the disk holding {out} (a build stages a new copy of the year's "
            "outputs and a snapshot of the data beside the old ones), or give --out a folder on "
            "another disk",
    )


def check_space(failed: list[Any], out: Path) -> None:
    """E408 when a notebook failed because the disk is full (its kernel's ``OSError``)."""
    full = tuple(f"[Errno {number}]" for number in NO_SPACE)
    if any(r.ename == "OSError" and str(r.evalue).startswith(full) for r in failed):
        raise disk_full(out)


def recover(out: Path, year: int | str) -> None:
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


def new_staging(out: Path, year: int | str) -> Path:
    """A fresh staging folder next to the target: ``<out>/.tmp-<year>-<random>/``."""
    return Path(tempfile.mkdtemp(prefix=f".tmp-{year}-", dir=out))


def publish(staging: Path, out: Path, year: int | str) -> Path:
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
