"""Run notebooks with papermill on warm kernels, several at once.

A :class:`KernelPool` has one thread per job slot in the build's process. Each starts a
:class:`Kernel` at once, forked from a forkserver that has imported ipykernel, pandas,
matplotlib and the package, so it is ready while the build loads the data; then it runs
notebook after notebook in it with ``papermill.execute_notebook`` and papermill's
``cpanalytics`` engine (``cpanalytics.runtime.engine``), after emptying the user namespace
and moving to the notebook's working folder (``cpanalytics.runtime.kernel.fresh``).

A kernel that dies is replaced, and the notebook it was running is run once more on the
new one before it counts as failed; the result and the kernel's log say what happened.
Kernels run in sessions of their own, and end with anything they started when the pool
closes or the build's process dies, even by ``kill -9`` (``cpanalytics.runtime.kernel.serve``);
the forkserver ends with the build's process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import multiprocessing as mp
import multiprocessing.forkserver
import multiprocessing.popen_forkserver  # imported here, not first in a slot's thread
import os
import queue
import re
import secrets
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient

from cpanalytics.runtime import kernel as runtime_kernel

KERNEL_NAME = "python3"
ENGINE_NAME = "cpanalytics"
#: Read in the kernel before and after each notebook: its seconds in the indicator engine.
INDICATOR_CLOCK = "__import__('cpanalytics.measures.indicators.engine', fromlist=['_']).seconds_computing()"
#: Seconds a kernel may take to start and import, or to get ready for a notebook.
STARTUP_TIMEOUT = 120
#: Seconds to wait for the slots' threads when the pool closes.
STOP_TIMEOUT = 10.0
#: Imported once, in the forkserver the kernels are forked from.
PRELOAD = ["ipykernel.kernelapp", "cpanalytics.runtime.kernel", *runtime_kernel.WARM_MODULES]
#: Held while a kernel process starts (``__main__`` is hidden meanwhile).
_STARTING = threading.Lock()
# papermill's and nbclient's own messages (e.g. "Timeout waiting for execute reply") repeat
# what the notebook's result says: not printed unless the application configures logging.
logging.getLogger("papermill").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class NotebookJob:
    """One notebook to execute: source, executed copy, papermill parameters, working dir."""

    name: str
    source: Path
    output: Path
    work_dir: Path
    parameters: dict[str, Any]
    #: Seconds one cell may run before the notebook fails (papermill ``execution_timeout``).
    cell_timeout: float | None = None


@dataclass
class NotebookResult:
    """What happened to one notebook: ok, or the failing cell and error."""

    name: str
    ok: bool
    seconds: float
    output: Path
    cells: int = 0
    cell_index: int | None = None
    cell_label: str | None = None
    ename: str | None = None
    evalue: str | None = None
    cached: bool = False
    indicator_seconds: float | None = None
    #: Why it ran a second time, e.g. "kernel died (signal 9); retried on a new kernel".
    retried: str | None = None

    def describe(self) -> str:
        """One line for the build summary: notebook, cell, error and where the copy is."""
        retried = f"; {self.retried}" if self.retried else ""
        if self.ok:
            how = "from cache" if self.cached else f"in {self.seconds:.1f} s"
            return f"{self.name}: ok ({how}{retried})"
        cell = f"cell {self.cell_index}" if self.cell_index is not None else "the start"
        if self.cell_label:
            cell += f" ({self.cell_label})"
        return (f"{self.name}: FAILED at {cell}: {self.ename}: {self.evalue}{retried}\n"
                f"    executed copy: {self.output}")


@dataclass(frozen=True)
class Event:
    """A progress event from a job slot: ``start``, ``cell``, ``done`` or ``failed``."""

    kind: str
    name: str
    cell: int = 0
    cells: int = 0
    result: NotebookResult | None = None
    worker: int = -1


def cell_label(source: str) -> str:
    """The cell's ``#| label:`` option, else its first non-option line (shortened)."""
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("#| label:"):
            return line.split(":", 1)[1].strip()
    code = [line for line in lines if not line.startswith("#|")]
    first = code[0] if code else ""
    return first if len(first) <= 60 else first[:57] + "..."


def apply_alt_text(nb: Any) -> Any:
    """Copy each chart's computed alt text into its cell's ``#| fig-alt:`` option, so that
    ``fig-alt`` carries the key numbers the chart shows when Quarto embeds it."""
    for cell in nb.cells:
        if cell.get("cell_type") != "code" or "#| fig-alt:" not in cell.source:
            continue
        alts = [o.get("metadata", {}).get("image/svg+xml", {}).get("alt")
                for o in cell.get("outputs", []) if o.get("output_type") == "display_data"]
        alts = [a for a in alts if a]
        if alts:
            line = "#| fig-alt: " + json.dumps(alts[0])

            def as_is(_: re.Match[str], line: str = line) -> str:  # no backslash escapes
                return line

            cell.source = re.sub(r"^#\| fig-alt:.*$", as_is, cell.source,
                                 count=1, flags=re.MULTILINE)
    return nb


def _failure_cell(output: Path, index: int | None) -> str | None:
    """Label of the failed cell in the executed notebook (papermill marks it), else cell ``index``."""
    import nbformat

    try:
        cells = nbformat.read(output, as_version=4).cells
    except (OSError, ValueError):
        return None
    failed = [c for c in cells if c.get("metadata", {}).get("papermill", {}).get("status") == "failed"]
    if failed:
        return cell_label(failed[0].source)
    return cell_label(cells[index].source) if index is not None and index < len(cells) else None


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Hide ``__main__``'s file and spec while a kernel process starts, so that a script
    without an ``if __name__ == "__main__"`` guard is not run again in it."""
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


class _Client(AsyncKernelClient):
    """A kernel's one client, kept open from notebook to notebook: started and made ready
    once (nbclient asks again before each notebook, and its wait for readiness takes a fifth
    of a second), and the kernel is alive while its process runs (no heartbeat: on a busy
    machine a missed one is not a death)."""

    process: Any = None
    ready = False

    def start_channels(self, *args: Any, **kwargs: Any) -> None:
        if not self.channels_running:
            super().start_channels(*args, **{**kwargs, "hb": False})

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        if not self.ready:
            await super().wait_for_ready(timeout)
            self.ready = True

    async def _async_is_alive(self) -> bool:
        return bool(self.process.is_alive())

    is_alive = _async_is_alive


class Kernel:
    """A warm kernel for one job slot, and the kernel manager nbclient is given (``km``)."""

    has_kernel = True

    def __init__(self, ctx: Any, work: Path, slot: int, env: dict[str, str], lifeline: Any) -> None:
        from jupyter_client.connect import write_connection_file
        from jupyter_core.utils import run_sync

        self.connection_file = work / f"kernel-{slot}.json"
        write_connection_file(str(self.connection_file), ip="127.0.0.1", key=secrets.token_hex(32).encode())
        self.process = ctx.Process(target=runtime_kernel.serve, daemon=True, args=(
            str(self.connection_file), str(work / f"kernel-{slot}.log"), str(work), env, lifeline))
        with _STARTING, _main_module_hidden():
            self.process.start()
        # One zmq context for every client: a lost client's sockets then close when it is
        # garbage, never with a context that waits for ever for them (pyzmq's Context.term).
        self.kc = _Client(connection_file=str(self.connection_file), context=zmq.asyncio.Context.instance())
        self.kc.load_connection_file()
        self.kc.process = self.process
        self.kc.start_channels()
        try:
            run_sync(self.kc.wait_for_ready)(timeout=STARTUP_TIMEOUT)
        except BaseException:
            self.stop()
            raise
        self.kc.allow_stdin = False

    def client(self) -> _Client:
        """The kernel's client (nbclient asks for one per notebook)."""
        return self.kc

    def alive(self) -> bool:
        """True while the kernel's process runs."""
        return bool(self.process.is_alive())

    def run(self, code: str) -> float:
        """Run ``code`` silently, then read the kernel's indicator-engine clock."""
        from jupyter_core.utils import run_sync

        content = run_sync(self._reply)(self.kc.execute(
            code, silent=True, store_history=False, user_expressions={"clock": INDICATOR_CLOCK}))
        clock = content.get("user_expressions", {}).get("clock", {})
        if content.get("status") != "ok" or clock.get("status") != "ok":
            problem = content if content.get("status") != "ok" else clock
            raise RuntimeError(f"could not prepare the kernel: {problem.get('ename')}: {problem.get('evalue')}")
        return float(clock["data"]["text/plain"])

    async def _reply(self, msg_id: str) -> dict[str, Any]:
        """The content of the kernel's reply to ``msg_id``; an error if the kernel dies first."""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while self.alive() and time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                reply = await self.kc.get_shell_msg(timeout=1)
                if reply["parent_header"].get("msg_id") == msg_id:
                    return dict(reply["content"])
        raise RuntimeError("the kernel died or did not answer as the notebook was to start")

    def death(self) -> str:
        """How the kernel ended: ``kernel died (signal 9)`` or ``(exit status 1)``."""
        self.process.join(5)
        code = self.process.exitcode
        return f"kernel died ({f'signal {-code}' if code is not None and code < 0 else f'exit status {code}'})"

    def kill(self) -> None:
        """Kill the kernel and its session (anything it started); the kernel alone if it
        has not made its session yet."""
        if self.process.exitcode is None:  # not yet reaped: the pid is still the kernel's
            for kill in (os.killpg, os.kill):
                with contextlib.suppress(OSError):
                    kill(self.process.pid, signal.SIGKILL)

    def stop(self) -> None:
        """Kill the kernel, close its client, delete the connection file (it holds the key)."""
        self.kill()
        self.process.join(5)
        self.kc.stop_channels()
        self.connection_file.unlink(missing_ok=True)


def _execute(job: NotebookJob, kernel: Kernel, on_event: Callable[[Event], None]) -> NotebookResult:
    """Run one notebook in ``kernel``; the result says ok or where it failed."""
    import papermill
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError
    from papermill.iorw import write_ipynb

    cell: list[int | None] = [None]

    def on_cell(index: int, cells: int) -> None:
        cell[0] = index
        on_event(Event("cell", job.name, cell=index + 1, cells=cells))

    job.work_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    result = NotebookResult(job.name, ok=True, seconds=0.0, output=job.output)
    try:
        before = kernel.run(f"import cpanalytics.runtime.kernel; cpanalytics.runtime.kernel.fresh({str(job.work_dir)!r})")
        nb = papermill.execute_notebook(
            str(job.source), str(job.output), parameters=job.parameters,
            kernel_name=KERNEL_NAME, engine_name=ENGINE_NAME, progress_bar=False,
            request_save_on_cell_execute=False,  # saved once at the end; progress goes to on_event
            execution_timeout=None if job.cell_timeout is None else math.ceil(job.cell_timeout),
            km=kernel, on_cell=on_cell, save_on_error=str(job.output),
        )
        write_ipynb(apply_alt_text(nb), str(job.output))
        result.cells = len(nb.cells)
        result.indicator_seconds = kernel.run("") - before
    except PapermillExecutionError as exc:
        result.ok, result.cell_index, result.ename, result.evalue = (
            False, exc.cell_index, exc.ename, exc.evalue,
        )
    except CellTimeoutError:  # the kernel is still busy: it goes (see KernelPool._attempt)
        result.ok, result.cell_index, result.ename, result.evalue = (
            False, cell[0], "CellTimeoutError",
            f"a cell ran for more than {job.cell_timeout:g} s (raise it with --cell-timeout)",
        )
    except Exception as exc:  # a dead kernel or a broken notebook: report, never hang
        lines = str(exc).strip().splitlines() or [""]
        result.ok, result.cell_index, result.ename, result.evalue = (
            False, cell[0], type(exc).__name__, lines[0][:300],
        )
    result.seconds = time.perf_counter() - start
    _settle_loop()
    if not result.ok:
        result.cell_label = _failure_cell(job.output, result.cell_index)
    return result


def _settle_loop(close: bool = False) -> None:
    """Cancel what nbclient left waiting in this thread's event loop (after a cell timeout,
    its reader of the kernel's output), so that nothing of it runs with the next notebook."""
    from jupyter_core.utils import ensure_event_loop

    loop = ensure_event_loop()
    tasks = asyncio.all_tasks(loop)
    for task in tasks:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    if close:
        loop.close()


def _start_forkserver(log: Path) -> None:
    """Start the forkserver with SIGINT blocked and its output going to ``log``: a Ctrl-C
    while it imports then prints nothing on the user's terminal, and stays pending for the
    build until unblocked; nor does the forkserver hold the build's output pipes open."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        with log.open("ab") as sink:
            os.dup2(sink.fileno(), 1)
            os.dup2(sink.fileno(), 2)
            multiprocessing.forkserver.ensure_running()
    finally:
        for fd, copy in ((1, saved[0]), (2, saved[1])):
            os.dup2(copy, fd)
            os.close(copy)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


class KernelPool:
    """Job slots with warm kernels that run the notebooks given to :meth:`start`.

    Enter it (``with KernelPool(...) as pool``) before the data are ready: the kernels start
    and import while the build loads the data. :meth:`start` hands over the jobs and returns
    at once (the build validates meanwhile); :meth:`wait` returns the results. ``env`` is
    added to the kernels' environment (the data snapshot's path). Leaving the ``with`` block
    stops every kernel, at once when jobs are still running (an error, Ctrl-C, or a build
    that stopped early).
    """

    def __init__(self, size: int, work: Path, env: dict[str, str] | None = None,
                 on_event: Callable[[Event], None] = lambda event: None) -> None:
        self.size = max(1, size)
        self.work = work
        self.env = dict(env or {})
        self.on_event = on_event
        self.ctx = mp.get_context("forkserver")
        self.ctx.set_forkserver_preload(PRELOAD)
        #: Kept open until the pool is done: the kernels end when it closes (see ``serve``).
        self.lifeline, self.lifeline_writer = self.ctx.Pipe(duplex=False)
        self.jobs: queue.Queue[NotebookJob | None] = queue.Queue()
        self.expected: dict[str, NotebookJob] = {}
        self.results: dict[str, NotebookResult] = {}
        self.kernels: dict[int, Kernel] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.slots = [threading.Thread(target=self._slot, args=(i,), daemon=True) for i in range(self.size)]

    def __enter__(self) -> KernelPool:
        self.work.mkdir(parents=True, exist_ok=True)
        _start_forkserver(self.work / "forkserver.log")
        for slot in self.slots:
            slot.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self.lock:
            self.stopping.set()
            for kernel in self.kernels.values():
                kernel.kill()
        self.lifeline_writer.close()  # and any kernel still starting ends as it starts
        for _ in self.slots:
            self.jobs.put(None)
        deadline = time.monotonic() + STOP_TIMEOUT
        for slot in self.slots:
            if slot.ident is not None:
                slot.join(max(0.0, deadline - time.monotonic()))
        self.lifeline.close()

    def start(self, jobs: list[NotebookJob]) -> None:
        """Begin executing ``jobs``, in order as kernels come free; :meth:`wait` for them."""
        self.expected = {job.name: job for job in jobs}
        for job in jobs:
            self.jobs.put(job)

    def wait(self) -> dict[str, NotebookResult]:
        """The result of every job given to :meth:`start`; a failure never stops the others."""
        while not self.expected.keys() <= self.results.keys() and any(t.is_alive() for t in self.slots):
            time.sleep(0.05)
        for name in self.expected.keys() - self.results.keys():  # every slot has gone (a bug)
            self.results[name] = NotebookResult(name, ok=False, seconds=0.0, output=self.expected[name].output,
                                                ename="RuntimeError", evalue="no job slot left to run it")
        return self.results

    def _emit(self, event: Event) -> None:
        """Keep a result, and pass the event on (not once the pool is stopping)."""
        with self.lock:
            if event.result is not None:
                self.results[event.name] = event.result
            if not self.stopping.is_set():
                self.on_event(event)

    def _slot(self, index: int) -> None:
        """One job slot: a warm kernel, then each job from the queue until ``None``."""
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # a forkserver started here ignores Ctrl-C
        with contextlib.suppress(Exception):  # a kernel that cannot start: each job says why
            self._new_kernel(index)
        while (job := self.jobs.get()) is not None and not self.stopping.is_set():
            self._emit(Event("start", job.name, worker=index))
            result = self._run(job, index)
            self._emit(Event("done" if result.ok else "failed", job.name, result=result, worker=index))
        with self.lock:
            kernel = self.kernels.pop(index, None)
        if kernel is not None:
            kernel.stop()
        _settle_loop(close=True)

    def _run(self, job: NotebookJob, index: int) -> NotebookResult:
        """Run ``job``, and once more on a new kernel if the slot's kernel was lost meanwhile."""
        result = self._attempt(job, index)
        kernel = self.kernels.get(index)
        if result.ok or result.ename == "CellTimeoutError" or self.stopping.is_set() or (
                kernel is not None and kernel.alive()):
            return result
        retried = f"{kernel.death() if kernel is not None else 'kernel did not start'}; retried on a new kernel"
        with open(self.work / f"kernel-{index}.log", "a", encoding="utf-8") as log:
            print(f"cpanalytics: {job.name}: {retried}", file=log)
        shutil.rmtree(job.work_dir, ignore_errors=True)  # nothing of the lost run is kept
        result = self._attempt(job, index)
        result.retried = retried
        return result

    def _attempt(self, job: NotebookJob, index: int) -> NotebookResult:
        """Run ``job`` in the slot's kernel (a new one if it has none or it died)."""
        kernel = self.kernels.get(index)
        try:
            if kernel is None or not kernel.alive():
                kernel = self._new_kernel(index)
        except Exception as exc:  # no kernel at all (e.g. no python3 kernelspec)
            return NotebookResult(job.name, ok=False, seconds=0.0, output=job.output,
                                  ename=type(exc).__name__, evalue=(str(exc).strip().splitlines() or [""])[0][:300])
        result = _execute(job, kernel, self._emit)
        if result.ename == "CellTimeoutError":  # still busy: never reuse it
            with self.lock:
                self.kernels.pop(index, None)
            kernel.stop()
        return result

    def _new_kernel(self, index: int) -> Kernel:
        """Start the slot's kernel, replacing (and stopping) any it had."""
        with self.lock:
            old = self.kernels.pop(index, None)
        if old is not None:
            old.stop()
        kernel = Kernel(self.ctx, self.work, index, self.env, self.lifeline)
        with self.lock:
            self.kernels[index] = kernel
            if self.stopping.is_set():
                kernel.kill()
        return kernel
