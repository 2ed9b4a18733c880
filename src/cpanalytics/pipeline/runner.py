"""Run notebooks with papermill on a pool of warm kernels, several at once.

A :class:`KernelPool` keeps one worker process per job slot (see ``workers``); each
worker forks one kernel from the forkserver's preloaded image (``kernels``), and then runs
notebook after notebook in it through ``papermill.execute_notebook``, with the user
namespace emptied and the working folder set before each (``cpanalytics.runtime.kernel``). A
kernel that dies is replaced before the worker's next notebook. Workers report cell progress on a queue. A
worker that is stopped (SIGTERM) kills its kernel first, so nothing keeps writing after
a cancel; so does a worker whose build process has died, even by ``kill -9``.
"""

from __future__ import annotations

import contextlib
import json
import math
import multiprocessing.popen_forkserver  # noqa: F401  (imported here, not first in the starter thread)
import os
import queue
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cpanalytics.pipeline import workers
from cpanalytics.pipeline.kernels import fork_kernel, kernel_pid

KERNEL_NAME = "python3"
ENGINE_NAME = "cpanalytics-progress"
#: Read in the kernel before and after each notebook: its seconds in the indicator engine.
INDICATOR_CLOCK = "__import__('cpanalytics.measures.indicators.engine', fromlist=['_']).seconds_computing()"
#: Seconds a kernel may take to start and import (``WARM_UP``).
STARTUP_TIMEOUT = 120
#: Run by each kernel as it starts (IPython ``exec_lines``).
#: Seconds to wait for the thread that starts the workers when the pool closes.
STARTER_TIMEOUT = 30.0
WARM_UP = "import cpanalytics.runtime.kernel; cpanalytics.runtime.kernel.warm()"


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

    def describe(self) -> str:
        """One line for the build summary: notebook, cell, error and where the copy is."""
        if self.ok:
            how = "from cache" if self.cached else f"in {self.seconds:.1f} s"
            return f"{self.name}: ok ({how})"
        cell = f"cell {self.cell_index}" if self.cell_index is not None else "the start"
        if self.cell_label:
            cell += f" ({self.cell_label})"
        return f"{self.name}: FAILED at {cell}: {self.ename}: {self.evalue}\n    executed copy: {self.output}"


@dataclass(frozen=True)
class Event:
    """A progress event from a worker: ``start``, ``cell``, ``done`` or ``failed``."""

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
    """Copy each chart's computed alt text into its cell's ``#| fig-alt:`` option.

    Run on each executed notebook before it is saved, so that ``fig-alt`` carries the key
    numbers the chart shows when Quarto embeds it.
    """
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


def _progress_engine(events: Any, state: dict[str, Any]) -> type:
    """A papermill engine that runs in the worker's warm kernel (``state["km"]``): it gives
    the kernel a clean slate for the notebook (``state["job"]``) and reports each cell start."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.iorw import write_ipynb
    from papermill.utils import merge_kwargs, remove_args

    class PooledClient(PapermillNotebookClient):
        def papermill_execute_cells(self) -> None:
            job: NotebookJob = state["job"]
            before = self.indicator_clock(
                f"import cpanalytics.runtime.kernel; cpanalytics.runtime.kernel.fresh({str(job.work_dir)!r})")
            super().papermill_execute_cells()
            state["indicator_seconds"] = self.indicator_clock("") - before

        def indicator_clock(self, code: str) -> float:
            """Run ``code`` silently, then read the kernel's indicator-engine clock."""
            reply = self.wait_for_reply(self.kc.execute(
                code, silent=True, store_history=False, user_expressions={"clock": INDICATOR_CLOCK}))
            content = (reply or {}).get("content", {})
            clock = content.get("user_expressions", {}).get("clock", {})
            if content.get("status") != "ok" or clock.get("status") != "ok":
                problem = content if content.get("status") != "ok" else clock
                raise RuntimeError(f"could not prepare the kernel: {problem.get('ename')}: {problem.get('evalue')}")
            return float(clock["data"]["text/plain"])

        def __init__(self, nb_man: Any, **kwargs: Any) -> None:
            super().__init__(nb_man, **kwargs)
            self.kc = state["kc"]  # the worker's client, kept open between notebooks

    class ProgressEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls, nb_man: Any, kernel_name: str, log_output: bool = False, stdout_file: Any = None,
            stderr_file: Any = None, start_timeout: float = 60, execution_timeout: float | None = None,
            **kwargs: Any,
        ) -> Any:
            job: NotebookJob = state["job"]
            cells = len(nb_man.nb.cells)
            original = nb_man.cell_start

            def cell_start(cell, cell_index=None, **kw):
                state["cell"] = cell_index
                events.put(Event("cell", job.name, cell=(cell_index or 0) + 1, cells=cells))
                return original(cell, cell_index, **kw)

            nb_man.cell_start = cell_start
            kwargs = remove_args(["input_path", "timeout", "startup_timeout", "km"], **kwargs)
            final = merge_kwargs(
                kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                kernel_name=kernel_name, log_output=log_output, stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            try:
                return apply_alt_text(PooledClient(nb_man, km=state["km"], **final).execute())
            except Exception:  # a dead kernel: keep what ran, for the failure report
                write_ipynb(nb_man.nb, str(job.output))
                raise

    return ProgressEngine


def _start_kernel(state: dict[str, Any], work: Path, index: int) -> None:
    """Start the worker's kernel and its client; it warms up as it starts.

    The first is forked from the worker (``kernels``); a replacement for a dead one is
    launched by jupyter_client.
    """
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    if state.get("km") is None:  # SIGTERM waits until the kernel is in state["km"], to be stopped too
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        try:
            state["km"] = fork_kernel(work / f"kernel-{index}.json", work, WARM_UP)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    else:
        state["kc"].stop_channels()
        _kill_kernel(state)
        run_sync(state["km"].cleanup_resources)()
        state["km"] = AsyncKernelManager(kernel_name=KERNEL_NAME)
        run_sync(state["km"].start_kernel)(
            extra_arguments=[f"--IPKernelApp.exec_lines={WARM_UP}"], cwd=str(work))
    kc = state["kc"] = state["km"].client()
    kc.start_channels()
    run_sync(kc.wait_for_ready)(timeout=STARTUP_TIMEOUT)
    kc.allow_stdin = False


def _kernel_alive(state: dict[str, Any]) -> bool:
    from jupyter_core.utils import run_sync

    return bool(run_sync(state["km"].is_alive)())


def _kill_kernel(state: dict[str, Any]) -> None:
    """Kill the worker's kernel process group (kernels run in their own session); a kernel
    forked a moment ago may still be in the build's group: then the kernel alone."""
    pid = kernel_pid(state.get("km"))
    if pid:
        with contextlib.suppress(OSError):
            if os.getpgid(pid) == pid:
                os.killpg(pid, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)


def _execute(job: NotebookJob, state: dict[str, Any]) -> NotebookResult:
    """Run one notebook in the worker's kernel; the result says ok or where it failed."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    state["job"], state["cell"], state["indicator_seconds"] = job, None, None
    job.work_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    result = NotebookResult(job.name, ok=True, seconds=0.0, output=job.output)
    try:
        nb = papermill.execute_notebook(
            str(job.source), str(job.output), parameters=job.parameters,
            kernel_name=KERNEL_NAME, engine_name=ENGINE_NAME, progress_bar=False,
            request_save_on_cell_execute=False,  # saved once at the end; progress goes on the queue
            execution_timeout=None if job.cell_timeout is None else math.ceil(job.cell_timeout),
        )
        result.cells = len(nb.cells)
    except PapermillExecutionError as exc:
        result.ok, result.cell_index, result.ename, result.evalue = (
            False, exc.cell_index, exc.ename, exc.evalue,
        )
    except TimeoutError:  # nbclient's CellTimeoutError: the kernel is still busy, so it goes
        _kill_kernel(state)
        state["replace"] = True  # killed but maybe not reaped yet: never reuse it
        result.ok, result.cell_index, result.ename, result.evalue = (
            False, state["cell"], "CellTimeoutError",
            f"a cell ran for more than {job.cell_timeout:g} s (raise it with --cell-timeout)",
        )
    except Exception as exc:  # a dead kernel or a broken notebook: report, never hang
        lines = str(exc).strip().splitlines() or [""]
        result.ok, result.cell_index, result.ename, result.evalue = (
            False, state["cell"], type(exc).__name__, lines[0][:300],
        )
    result.seconds = time.perf_counter() - start
    result.indicator_seconds = state["indicator_seconds"]
    if not result.ok:
        result.cell_label = _failure_cell(job.output, result.cell_index)
    return result


def _worker(index: int, inbox: Any, events: Any, env: dict[str, str], work: Path, lifeline: Any) -> None:
    """Worker body: start a warm kernel, then run each job from ``inbox`` until ``None``.

    ``lifeline`` is the read end of a pipe only the build's process can write to: it reads
    end of file when that process dies, even by ``kill -9``, and the worker then goes too.
    """
    from jupyter_core.utils import run_sync
    from papermill.engines import papermill_engines

    state: dict[str, Any] = {"cell": None}

    def stop(status: int) -> None:
        _kill_kernel(state)
        with contextlib.suppress(Exception):
            state["km"].cleanup_connection_file()
        os._exit(status)

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            lifeline.recv_bytes()
        stop(1)

    def kernel_problem() -> Exception | None:
        try:
            if state.get("km") is None or state.pop("replace", False) or not _kernel_alive(state):
                _start_kernel(state, work, index)
        except Exception as exc:  # no kernel at all (e.g. no python3 kernelspec): each job says so
            return exc
        return None

    signal.signal(signal.SIGTERM, lambda signum, frame: stop(128 + signum))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what a Ctrl-C means
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked until now (workers.start_server)
    os.environ.update(env)
    work.mkdir(parents=True, exist_ok=True)
    log = os.open(work / f"kernel-{index}.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(log, 1)
    os.dup2(log, 2)
    papermill_engines.register(ENGINE_NAME, _progress_engine(events, state))
    kernel_problem()  # forks the first kernel: before the worker has any thread
    threading.Thread(target=watch, daemon=True).start()
    while (job := inbox.get()) is not None:
        events.put(Event("start", job.name, worker=index))
        problem = kernel_problem()
        result = _execute(job, state) if problem is None else NotebookResult(
            job.name, ok=False, seconds=0.0, output=job.output, ename=type(problem).__name__,
            evalue=(str(problem).strip().splitlines() or [""])[0][:300],
        )
        events.put(Event("done" if result.ok else "failed", job.name, result=result, worker=index))
    if state.get("km") is not None:
        run_sync(state["km"].shutdown_kernel)(now=True)


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block is done, then deliver them (in the main
    thread; elsewhere signals are not ours to handle)."""
    held: list[int] = []
    try:
        previous = {sig: signal.signal(sig, lambda signum, frame: held.append(signum))
                    for sig in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread
        previous = {}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for signum in held:
            signal.raise_signal(signum)


class KernelPool:
    """Worker processes with warm kernels that run the notebooks given to :meth:`start`.

    Enter it (``with KernelPool(...) as pool``) before the data are ready: the workers are
    started on a background thread and their kernels start and import while the build
    loads the data. :meth:`start` hands over the jobs and returns at once (the build
    validates meanwhile); :meth:`wait` returns the results. ``env`` is added to the
    kernels' environment (the data snapshot's path). Leaving the ``with`` block stops
    every worker and kernel, at once when jobs are still running (an error, Ctrl-C, or
    a build that stopped early).
    """

    def __init__(self, size: int, work: Path, env: dict[str, str] | None = None,
                 on_event: Callable[[Event], None] = lambda event: None) -> None:
        self.size = max(1, size)
        self.work = work
        self.env = dict(env or {})
        self.on_event = on_event
        self.ctx = workers.context()
        self.events = self.ctx.Queue()
        self.inboxes: list[Any] = []
        self.processes: list[Any] = []
        self.results: dict[str, NotebookResult] = {}
        self.stopping = threading.Event()
        #: Kept open until the pool is done: the workers stop when it closes (see ``_worker``).
        self.lifeline, self.lifeline_writer = self.ctx.Pipe(duplex=False)
        self.starter = threading.Thread(target=self._start_workers, daemon=True)
        self.dispatcher: threading.Thread | None = None
        self.error: BaseException | None = None

    def __enter__(self) -> KernelPool:
        with _interrupts_held():  # a Ctrl-C inside Thread.start would leave workers unstopped
            workers.start_server()
            self.starter.start()
        return self

    def _start_workers(self) -> None:
        for index in range(self.size):
            inbox = self.ctx.Queue()
            process = self.ctx.Process(
                target=_worker, args=(index, inbox, self.events, self.env, self.work, self.lifeline),
                daemon=True,
            )
            with workers.main_module_hidden():
                process.start()
            self.inboxes.append(inbox)
            self.processes.append(process)

    def __exit__(self, *exc: object) -> None:
        if self.starter.ident is None:  # never entered (stopped as it started): nothing runs
            return
        # Bounded: a Ctrl-C that lands inside an import can leave the import lock stuck and
        # the starter waiting on it for ever; its workers die with the lifeline anyway.
        self.starter.join(STARTER_TIMEOUT)
        finished = self.dispatcher is None or not self.dispatcher.is_alive()
        self.stopping.set()
        if exc[0] is None and finished:
            for inbox in self.inboxes:
                inbox.put(None)
            for process in self.processes:
                process.join(10)
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        if self.dispatcher is not None:
            self.dispatcher.join()
        for process in self.processes:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()
        self.events.close()
        self.lifeline.close()
        self.lifeline_writer.close()

    def start(self, jobs: list[NotebookJob]) -> None:
        """Begin executing ``jobs``, in order as kernels come free; :meth:`wait` for them."""
        self.dispatcher = threading.Thread(target=self._dispatch, args=(list(jobs),), daemon=True)
        self.dispatcher.start()

    def wait(self) -> dict[str, NotebookResult]:
        """The result of every job given to :meth:`start`; a failure never stops the others."""
        assert self.dispatcher is not None, "start() the jobs first"
        while self.dispatcher.is_alive():
            self.dispatcher.join(0.2)
        if self.error is not None:
            raise self.error
        return self.results

    def _dispatch(self, pending: list[NotebookJob]) -> None:
        try:
            self.starter.join()
            self._loop(pending)
        except BaseException as exc:  # handed to wait() in the caller's thread
            self.error = exc

    def _loop(self, pending: list[NotebookJob]) -> None:
        idle = list(range(self.size))
        busy: dict[int, NotebookJob] = {}

        def handle(event: Event) -> None:
            if event.result is not None:
                self.results[event.name] = event.result
                if busy.pop(event.worker, None) is not None:
                    idle.append(event.worker)
            self.on_event(event)

        def drain(timeout: float) -> None:
            with contextlib.suppress(queue.Empty):
                handle(self.events.get(timeout=timeout))
                while True:
                    handle(self.events.get_nowait())

        def lost(job: NotebookJob, why: str) -> None:
            handle(Event("failed", job.name, result=NotebookResult(
                job.name, ok=False, seconds=0.0, output=job.output, ename="WorkerDied", evalue=why,
            )))

        while (pending or busy) and not self.stopping.is_set():
            idle[:] = [w for w in idle if self.processes[w].is_alive()]
            while pending and idle:
                worker = idle.pop(0)
                busy[worker] = job = pending.pop(0)
                self.inboxes[worker].put(job)
            drain(0.1)
            for worker, job in list(busy.items()):
                process = self.processes[worker]
                if not process.is_alive():
                    drain(0.5)
                    if busy.get(worker) is job:
                        del busy[worker]
                        lost(job, f"worker exited with code {process.exitcode}")
            if pending and not idle and not busy:
                for job in pending:
                    lost(job, "no worker left to run it")
                pending = []
