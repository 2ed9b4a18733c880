"""Run notebooks with papermill, several at once, each in its own worker process.

Each worker (see ``workers``) runs ``papermill.execute_notebook`` with its own kernel and
reports cell progress on a queue. A worker that is stopped (SIGTERM) kills its kernel
first, so nothing keeps writing after a cancel.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpanalytics.pipeline import workers

KERNEL_NAME = "python3"
ENGINE_NAME = "cpanalytics-progress"


@dataclass(frozen=True)
class NotebookJob:
    """One notebook to execute: source, executed copy, papermill parameters, working dir."""

    name: str
    source: Path
    output: Path
    work_dir: Path
    parameters: dict[str, Any]
    snapshot: Path | None = None


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
    extra: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """One line for the build summary: notebook, cell, error and where the copy is."""
        if self.ok:
            how = "from cache" if self.cached else f"in {self.seconds:.1f} s"
            return f"{self.name}: ok ({how})"
        cell = f"cell {self.cell_index}" if self.cell_index is not None else "before any cell"
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


def cell_label(source: str) -> str:
    """The cell's ``#| label:`` option, else its first non-option line (shortened)."""
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("#| label:"):
            return line.split(":", 1)[1].strip()
    code = [line for line in lines if not line.startswith("#|")]
    first = code[0] if code else ""
    return first if len(first) <= 60 else first[:57] + "..."


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


def _progress_engine(events: Any, name: str, state: dict[str, Any]) -> type:
    """A papermill engine that reports each cell start and keeps a handle on the kernel."""
    from jupyter_client.manager import AsyncKernelManager
    from papermill.engines import NBClientEngine

    class ProgressEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            cells = len(nb_man.nb.cells)
            original = nb_man.cell_start

            def cell_start(cell, cell_index=None, **kw):
                state["cell"] = cell_index
                events.put(Event("cell", name, cell=(cell_index or 0) + 1, cells=cells))
                return original(cell, cell_index, **kw)

            nb_man.cell_start = cell_start
            state["km"] = AsyncKernelManager(kernel_name=kernel_name)
            return super().execute_managed_notebook(nb_man, kernel_name, km=state["km"], **kwargs)

    return ProgressEngine


def _kill_kernel(state: dict[str, Any]) -> None:
    """Kill the worker's kernel process group (kernels run in their own session)."""
    km = state.get("km")
    provisioner = getattr(km, "provisioner", None)
    pid = getattr(provisioner, "pid", None)
    if pid:
        with contextlib.suppress(OSError):
            os.killpg(os.getpgid(pid), signal.SIGKILL)


def _execute(job: NotebookJob, events: Any) -> None:
    """Worker body: run one notebook, put ``done`` or ``failed`` on the queue."""
    import papermill
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillExecutionError

    state: dict[str, Any] = {"cell": None}

    def on_term(signum: int, frame: object) -> None:
        _kill_kernel(state)
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what a Ctrl-C means
    job.work_dir.mkdir(parents=True, exist_ok=True)
    if job.snapshot is not None:
        os.environ["CPANALYTICS_SNAPSHOT"] = str(job.snapshot)
    log = os.open(job.work_dir.parent / f"{job.name}.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(log, 1)
    os.dup2(log, 2)
    papermill_engines.register(ENGINE_NAME, _progress_engine(events, job.name, state))
    start = time.perf_counter()
    result = NotebookResult(job.name, ok=True, seconds=0.0, output=job.output)
    try:
        nb = papermill.execute_notebook(
            str(job.source), str(job.output), parameters=job.parameters,
            kernel_name=KERNEL_NAME, engine_name=ENGINE_NAME, progress_bar=False,
            cwd=str(job.work_dir),
        )
        result.cells = len(nb.cells)
    except PapermillExecutionError as exc:
        result.ok, result.cell_index, result.ename, result.evalue = (
            False, exc.cell_index, exc.ename, exc.evalue,
        )
    except Exception as exc:  # a dead kernel or a broken notebook: report, never hang
        lines = str(exc).strip().splitlines() or [""]
        result.ok, result.cell_index, result.ename, result.evalue = (
            False, state["cell"], type(exc).__name__, lines[0][:300],
        )
    result.seconds = time.perf_counter() - start
    if not result.ok:
        result.cell_label = _failure_cell(job.output, result.cell_index)
    events.put(Event("done" if result.ok else "failed", job.name, result=result))


def run_notebooks(
    jobs: list[NotebookJob],
    max_workers: int,
    on_event: Callable[[Event], None] = lambda event: None,
) -> dict[str, NotebookResult]:
    """Execute ``jobs`` with up to ``max_workers`` at once; a failure never stops the others.

    On an exception in the caller (Ctrl-C, SIGTERM turned into an exception) every worker
    and its kernel is stopped before this returns or raises.
    """
    ctx = workers.context()
    events = ctx.Queue()
    pending = list(jobs)
    running: dict[str, tuple[Any, NotebookJob]] = {}
    results: dict[str, NotebookResult] = {}

    def handle(event: Event) -> None:
        if event.result is not None:
            results[event.name] = event.result
        on_event(event)

    def drain(timeout: float) -> None:
        with contextlib.suppress(queue.Empty):
            handle(events.get(timeout=timeout))
            while True:
                handle(events.get_nowait())

    try:
        while pending or running:
            while pending and len(running) < max(1, max_workers):
                job = pending.pop(0)
                process = ctx.Process(target=_execute, args=(job, events), daemon=True)
                with workers.main_module_hidden():
                    process.start()
                running[job.name] = (process, job)
                on_event(Event("start", job.name))
            drain(0.1)
            for name, (process, job) in list(running.items()):
                if process.is_alive():
                    continue
                process.join()
                if name not in results:
                    drain(0.5)
                del running[name]
                if name not in results:
                    handle(Event("failed", name, result=NotebookResult(
                        name, ok=False, seconds=0.0, output=job.output,
                        ename="WorkerDied", evalue=f"worker exited with code {process.exitcode}",
                    )))
    finally:
        for process, _job in running.values():
            process.terminate()
        for process, _job in running.values():
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()
        events.close()
    return results
