"""Faults a build meets in real use (issue 13), each a coded message with no traceback and
the previous outputs intact: YAML alias bombs and loops, a full disk, a lock or cache of
another user's in a shared output folder, Ctrl-C while the notebooks start."""

from __future__ import annotations

import contextlib
import errno
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from test_no_orphans import _alive, _descendants
from test_pipeline import good_build, notebooks, options, tmp, tree  # noqa: F401  (the shared fixture)

from cpanalytics.cli.main import main
from cpanalytics.data import settings
from cpanalytics.errors import UserError
from cpanalytics.pipeline import build, outputs, rendering
from cpanalytics.publish import targets as config
from cpanalytics.runtime import snapshot

#: 10 values, then eight levels of ten aliases each: 10**9 values once expanded.
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8))


def _cli_build(tmp: Path, *names: str) -> list[str]:  # noqa: F811
    return ["build", "--data", str(tmp / "data"), "--year", "2025", "--out", str(tmp / "out"),
            "--notebooks", str(notebooks(tmp, *names))]


# -- YAML: aliases that loop or expand for ever -------------------------------------------------


@pytest.mark.parametrize(("text", "code", "row"), [
    ("targets:\n  PS-01: &t {target: 10, again: *t}\n", "E328", 2),  # was a RecursionError
    ("targets: {}\nbomb:\n" + "".join(f"  {line}\n" for line in ALIAS_BOMB.splitlines()), "E329", 7),
    ("targets: {}\ndeep: " + "[" * 20000 + "]" * 20000 + "\n", "E329", 2),  # was a RecursionError
])
def test_yaml_aliases_that_loop_or_explode_are_refused_at_once(tmp_path, text, code, row):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "targets-2025.yaml").write_text(text)
    started = time.monotonic()
    with pytest.raises(UserError) as err:
        config.load(tmp_path, 2025)
    assert time.monotonic() - started < 2  # the bomb hung compare and build
    assert (err.value.code, err.value.row) == (code, row)
    assert err.value.fix


def test_shared_settings_through_aliases_still_load(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "targets-2025.yaml").write_text(
        "targets:\n  PS-01: &usual {note: agreed by the board}\n  PS-02: *usual\n")
    targets = config.load(tmp_path, 2025).targets
    assert targets["PS-01"].note == targets["PS-02"].note == "agreed by the board"


def test_an_oversized_areas_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "MAX_YAML_BYTES", 100)
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "areas.yaml").write_text("areas:\n" + "  Kent: [Ashford, Dover]\n" * 10)
    with pytest.raises(UserError) as err:
        config.load(tmp_path, 2025)
    assert err.value.code == "E329" and err.value.file.endswith("areas.yaml")


def test_a_build_or_compare_with_an_alias_bomb_stops_at_once(tmp, capsys):  # noqa: F811
    (tmp / "data" / "config").mkdir()
    (tmp / "data" / "config" / "targets-2025.yaml").write_text(ALIAS_BOMB)
    assert main(_cli_build(tmp, "alpha")) == 2
    err = capsys.readouterr().err
    assert err.startswith("error E329: ") and "Traceback" not in err
    assert not (tmp / "out").exists()  # stopped before taking the lock
    assert main(["compare", "PS-01", "--data", str(tmp / "data"), "--as-at", "2025-03-31"]) == 2
    assert capsys.readouterr().err.startswith("error E329: ")


# -- a full disk --------------------------------------------------------------------------------


@pytest.mark.slow
def test_disk_full_while_staging_is_a_message_and_keeps_previous_outputs(tmp, monkeypatch, capsys):  # noqa: F811
    previous = good_build(tmp)

    def full(data: object, path: Path) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(snapshot, "save", full)
    assert main([*_cli_build(tmp, "alpha"), "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert f"error E408: {tmp / 'out'}: the disk is full" in err
    assert "nothing was changed in the output folder" in err and "Traceback" not in err
    assert tree(tmp / "out" / "2025") == previous
    assert not list((tmp / "out").glob(".tmp-*"))


@pytest.mark.slow
def test_a_notebook_that_fills_the_disk_fails_the_build_as_disk_full(tmp):  # noqa: F811
    opts = options(tmp, "alpha")
    nb = nbformat.read(opts.notebooks_dir / "alpha.ipynb", as_version=4)
    nb.cells[1:] = [nbformat.v4.new_code_cell("raise OSError(28, 'No space left on device')")]
    nbformat.write(nb, opts.notebooks_dir / "full.ipynb")
    with pytest.raises(UserError) as err:
        build(opts)
    assert err.value.code == "E408"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs (root only; skipped where it cannot be mounted), unmounted afterwards."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("needs root and permission to mount a tmpfs")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


@pytest.mark.slow
def test_a_really_full_disk(tmp, small_disk, monkeypatch, capsys):  # noqa: F811
    monkeypatch.setattr(rendering, "renderer_available", lambda: False)
    base = ["build", "--data", str(tmp / "data"), "--year", "2025", "--out", str(small_disk),
            "--notebooks", str(notebooks(tmp, "alpha"))]
    assert main(base) == 0
    capsys.readouterr()
    previous = tree(small_disk / "2025")
    with open(small_disk / "filler", "wb") as filler:  # fill the disk to the last byte
        with pytest.raises(OSError) as full:
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
        assert full.value.errno == errno.ENOSPC
    assert main([*base, "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert "error E408: " in err and "Traceback" not in err
    assert tree(small_disk / "2025") == previous
    assert not list(small_disk.glob(".tmp-*"))


# -- a shared output folder: a lock file or cache of another user's --------------------------------


@pytest.fixture
def shared(tmp: Path) -> Iterator[Path]:  # noqa: F811
    """A folder open to every user, holding the data, the notebooks and an ``out`` folder."""
    if os.geteuid() != 0:
        pytest.skip("needs root to own files as another user and to run the build as one")
    folder = Path(tempfile.mkdtemp(prefix="cpa-shared-"))
    try:
        shutil.copytree(tmp / "data", folder / "data")
        shutil.copytree(notebooks(tmp, "alpha"), folder / "nb")
        (folder / "out").mkdir()
        for path in (folder, *folder.rglob("*")):
            path.chmod(0o777 if path.is_dir() else 0o666)
        yield folder
    finally:
        shutil.rmtree(folder)


@contextlib.contextmanager
def running_as(uid: int) -> Iterator[None]:
    """Run the block with the effective user and group ``uid`` (from root), then back."""
    os.setegid(uid)
    os.seteuid(uid)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.mark.slow
@pytest.mark.parametrize("owned", [".2025.lock", ".cache/2025"])
def test_a_lock_or_cache_of_another_user_names_its_owner(shared, owned, monkeypatch, capsys):
    monkeypatch.setattr(rendering, "renderer_available", lambda: False)
    out = shared / "out"
    base = ["build", "--data", str(shared / "data"), "--year", "2025", "--out", str(out),
            "--notebooks", str(shared / "nb")]
    assert main(base) == 0  # a colleague's build leaves its lock and cache
    for path in (out / ".2025.lock", out / ".cache", *(out / ".cache").rglob("*")):
        path.chmod(0o777 if path.is_dir() else 0o666)
    for path in (out / owned, *(out / owned).rglob("*")):  # ... one of them not writable by others
        os.chown(path, 65534, 65534)
        path.chmod(0o755 if path.is_dir() else 0o644)
    previous = tree(out / "2025")
    capsys.readouterr()
    with running_as(1000):
        assert main(base) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error E409: {out / owned}: the ")
    assert f"belongs to user {pwd.getpwuid(65534).pw_name}, and this build runs as " in err
    assert "Traceback" not in err
    assert tree(out / "2025") == previous


def test_lock_message_for_an_unwritable_folder_is_unchanged(tmp):  # noqa: F811
    (tmp / "out").write_text("a file, not a folder")
    with pytest.raises(UserError) as err:
        outputs.build_lock(tmp / "out", 2025).__enter__()
    assert err.value.code == "E405"


# -- Ctrl-C while the notebooks start ---------------------------------------------------------------


def _started(pid: int, what: str) -> bool:
    """True once the build ``pid`` has started its forkserver (``what="forkserver"``), or a
    worker (a process below the forkserver)."""
    servers = []
    for below in _descendants(pid):
        with contextlib.suppress(OSError):
            if b"forkserver" in Path(f"/proc/{below}/cmdline").read_bytes():
                servers.append(below)
    return bool(servers) if what == "forkserver" else any(_descendants(s) for s in servers)


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["forkserver", "worker"])
def test_ctrl_c_while_the_notebooks_start(tmp, moment):  # noqa: F811
    previous = good_build(tmp)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cpanalytics", *_cli_build(tmp, "alpha", "slow"), "--no-cache"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    seen: set[int] = set()
    deadline = time.monotonic() + 60
    while not _started(proc.pid, moment):
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        seen |= _descendants(proc.pid)
        time.sleep(0.005)
    seen |= _descendants(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)  # what the terminal does: the whole foreground group
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted: nothing was changed" in err and "Traceback" not in err, err
    assert tree(tmp / "out" / "2025") == previous
    assert not list((tmp / "out").glob(".tmp-*"))
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in seen):
        assert time.monotonic() < deadline, "a process of the build outlived it"
        time.sleep(0.1)
