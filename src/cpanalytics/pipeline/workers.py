"""Worker processes for the build: a ``forkserver`` with the heavy imports done once.

Workers are forked from a server that has papermill, the pipeline, ipykernel and the
notebooks' modules imported, so each worker, and the kernel it forks, costs a fork rather
than an interpreter start. The caller's ``__main__`` is hidden while a
worker starts, so a script without an ``if __name__ == "__main__"`` guard is not re-run
(which would start a second build in every worker).
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import signal
import sys
from collections.abc import Iterator
from multiprocessing import forkserver
from typing import Any

from cpanalytics.runtime.kernel import WARM_MODULES

#: Imported once, in the forkserver: what the workers need, and what their kernels import
#: (``cpanalytics.runtime.kernel``), since each worker forks its first kernel (``kernels``).
PRELOAD = ["papermill", "nbformat", "jupyter_client.manager", "cpanalytics.pipeline.runner",
           "ipykernel.kernelapp", *WARM_MODULES]


def context() -> Any:
    """The multiprocessing context every build worker comes from."""
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def start_server() -> None:
    """Start the forkserver (if not running) with Ctrl-C blocked from its first instruction.

    Ctrl-C goes to every process of the terminal's group; the forkserver ignores it only
    once its imports are done, and one killed while importing fails the worker starting
    (a traceback). A blocked signal stays blocked through ``exec``, so the server, and the
    workers forked from it, hold a Ctrl-C pending until they ignore it (``runner._worker``
    then unblocks it). Here it is blocked in the calling thread only, and a Ctrl-C meanwhile
    is not lost: another thread takes it, or it waits for the unblock.
    """
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


@contextlib.contextmanager
def main_module_hidden() -> Iterator[None]:
    """Hide ``__main__``'s file and spec while workers start (see the module docstring)."""
    main = sys.modules["__main__"]
    saved_file = main.__dict__.pop("__file__", None)
    saved_spec = main.__dict__.get("__spec__")
    main.__spec__ = None
    try:
        yield
    finally:
        main.__spec__ = saved_spec
        if saved_file is not None:
            main.__file__ = saved_file
