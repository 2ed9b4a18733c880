"""Build progress: a live rich display on a terminal, plain lines otherwise (CI logs)."""

from __future__ import annotations

import sys
from typing import Any, Protocol

from cpanalytics.pipeline.runner import Event


class Reporter(Protocol):
    """What the build tells the user as it goes."""

    def stage(self, text: str) -> None:
        """A stage started, finished or was skipped."""

    def notebook(self, event: Event) -> None:
        """A notebook started, moved to a cell, finished or failed."""

    def close(self) -> None:
        """Stop any live display."""


class PlainReporter:
    """One line per stage and per notebook start/finish: readable in a CI log."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr

    def _print(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def stage(self, text: str) -> None:
        """Print the stage line."""
        self._print(text)

    def notebook(self, event: Event) -> None:
        """Print starts and ends (not every cell)."""
        if event.kind == "start":
            self._print(f"  {event.name}: started")
        elif event.result is not None:
            self._print("  " + event.result.describe().splitlines()[0])

    def close(self) -> None:
        """Nothing to stop."""


class RichReporter:
    """A live table of the running notebooks: name, bar, cell i/n, elapsed time."""

    def __init__(self, console: Any) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.console = console
        self.progress = Progress(
            TextColumn("{task.fields[mark]}"), TextColumn("{task.description:<22}"), BarColumn(),
            TextColumn("{task.fields[status]}"), TimeElapsedColumn(),
            console=console, transient=False,
        )
        self.tasks: dict[str, Any] = {}
        self.live = False

    def stage(self, text: str) -> None:
        """Print the stage line; a new stage ends the live notebook display."""
        self.close()
        self.console.print(text, highlight=False)

    def notebook(self, event: Event) -> None:
        """Update the notebook's row: cell i/n while running, then ok or FAILED."""
        if not self.live:
            self.progress.start()
            self.live = True
        if event.kind == "start":
            self.tasks[event.name] = self.progress.add_task(
                event.name, total=None, status="starting kernel", mark="[yellow]…[/]",
            )
            return
        task = self.tasks.get(event.name)
        if task is None:
            return
        if event.kind == "cell":
            self.progress.update(task, total=event.cells, completed=event.cell - 1,
                                 status=f"cell {event.cell}/{event.cells}")
        elif event.result is not None:
            ok = event.result.ok
            total = self.progress.tasks[task].total or 1
            self.progress.update(task, total=total, completed=total if ok else self.progress.tasks[task].completed,
                                 status="[green]ok[/]" if ok else "[red]FAILED[/]",
                                 mark="[green]✓[/]" if ok else "[red]✗[/]")
            self.progress.stop_task(task)

    def close(self) -> None:
        """Stop the live display, leaving the final state on screen."""
        if self.live:
            self.progress.stop()
            self.live = False


def reporter_for(stream: Any = None) -> Reporter:
    """A rich live display when ``stream`` (default stderr) is a terminal, plain lines otherwise."""
    from rich.console import Console

    console = Console(file=stream or sys.stderr)
    return RichReporter(console) if console.is_terminal else PlainReporter(stream)
