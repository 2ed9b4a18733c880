"""No process outlives the build (issues 13 and 14): after ``kill -9`` of a build, its
forkserver and kernels are gone within seconds. Processes are read from ``/proc``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_pipeline import notebooks, tmp  # noqa: F401  (the shared fixture)


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process from /proc/<pid>/stat; ``None`` once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    state, ppid = text.rsplit(")", 1)[1].split()[:2]
    return state, int(ppid)


def _alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def _descendants(root: int) -> set[int]:
    """Every live process below ``root`` (children, their children, ...)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) and stat[0] not in ("Z", "X"):
            parents[int(entry.name)] = stat[1]
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= frontier
    return found


@pytest.mark.slow
def test_kill_9_of_the_build_leaves_no_worker_forkserver_or_kernel(tmp):  # noqa: F811
    nb = notebooks(tmp, "alpha", "spawner")
    build = subprocess.Popen(
        [sys.executable, "-m", "cpanalytics", "build", "--data", str(tmp / "data"), "--year", "2025",
         "--out", str(tmp / "out"), "--notebooks", str(nb), "--jobs", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 90
    while not (started := list((tmp / "out").glob(".tmp-2025-*/2025/.work/spawner/started"))):
        assert time.monotonic() < deadline and build.poll() is None, build.communicate()
        time.sleep(0.1)
    below = _descendants(build.pid)
    # the forkserver, two kernels (in sessions of their own) and the process one started
    assert len(below) >= 4 and int(started[0].read_text()) in below
    os.kill(build.pid, signal.SIGKILL)
    build.wait(10)
    deadline = time.monotonic() + 10
    while survivors := {pid for pid in below if _alive(pid)}:
        assert time.monotonic() < deadline, f"still running after kill -9 of the build: {survivors}"
        time.sleep(0.1)
