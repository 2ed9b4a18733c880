"""What a build's warm notebook kernel runs: the heavy imports once, a clean slate per notebook.

The build keeps one kernel per job slot and runs several notebooks in it one after
another (``cpanalytics.pipeline.runner``). :func:`serve` is the kernel's process, forked
from a forkserver that has imported :data:`WARM_MODULES`; :func:`warm` runs when the kernel
starts; :func:`fresh` runs before each notebook: it empties the user namespace (``%reset -f``),
closes pyplot figures, restores matplotlib's settings and moves to the notebook's working
folder. Imported modules, and the build's data snapshot (``cpanalytics.runtime.snapshot``), are
shared by the notebooks that run in one kernel.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

#: Modules every report notebook imports; imported once per kernel.
WARM_MODULES = (
    "cpanalytics.runtime.notebook", "cpanalytics.runtime.sections", "cpanalytics.publish.charts",
    "cpanalytics.publish.tables", "cpanalytics.publish.headlines", "cpanalytics.measures.indicators",
)

#: Run by each kernel as it starts (IPython ``exec_lines``).
WARM_UP = "import cpanalytics.runtime.kernel; cpanalytics.runtime.kernel.warm()"

_SETTINGS: dict[RcKeyType, Any] = {}


def serve(connection_file: str, log: str, cwd: str, env: dict[str, str], lifeline: Any) -> None:
    """Be a kernel on ``connection_file`` until killed, in a session of its own (so a
    terminal's Ctrl-C is the build's to handle), writing to ``log``. ``lifeline`` is the read
    end of a pipe only the build's process holds open: end of file, when the build closes it
    or dies (even by ``kill -9``), kills the kernel and anything it started."""
    os.setsid()
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    signal.pthread_sigmask(signal.SIG_SETMASK, set())  # the forkserver holds Ctrl-C blocked
    os.environ.update(env)
    os.chdir(cwd)

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            lifeline.recv_bytes()
        os.killpg(0, signal.SIGKILL)

    threading.Thread(target=watch, daemon=True).start()
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(["-f", connection_file, f"--IPKernelApp.exec_lines={WARM_UP}"])
    app.start()


def warm() -> None:
    """Import the notebooks' modules, remember matplotlib's settings as they start, and
    move what was imported out of the garbage collector's way (``gc.freeze``)."""
    for name in WARM_MODULES:
        importlib.import_module(name)
    import matplotlib

    _SETTINGS.update(matplotlib.rcParams.copy())
    gc.freeze()


def fresh(work_dir: str) -> None:
    """Empty the user namespace, close figures, restore matplotlib's settings, ``cd work_dir``."""
    import matplotlib
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=False)
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    matplotlib.rcParams.update(_SETTINGS)
    os.chdir(work_dir)
