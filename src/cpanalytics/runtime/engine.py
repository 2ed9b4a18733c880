"""The papermill engine the build runs its notebooks with: ``engine_name="cpanalytics"``.

papermill finds it through its entry point group ``papermill.engine`` (pyproject.toml) and
imports this module itself as ``papermill.engines`` loads, so import ``papermill``, never this
module, first. It is papermill's nbclient engine with two more keywords of
``papermill.execute_notebook``, beside nbclient's ``km`` (a running kernel, used as it is and
left running):

- ``on_cell(index, cells)``, called as each cell starts, for the build's progress display;
- ``save_on_error``, where to write what ran when execution stops without a cell error (a dead
  kernel, a cell timeout), for the failure report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from papermill.engines import NBClientEngine
from papermill.iorw import write_ipynb


class Engine(NBClientEngine):
    """nbclient's engine, reporting each cell as it starts and keeping what ran on a crash."""

    @classmethod
    def execute_managed_notebook(
        cls, nb_man: Any, kernel_name: str, on_cell: Callable[[int, int], None] | None = None,
        save_on_error: str | None = None, **kwargs: Any,
    ) -> Any:
        """Run the notebook (papermill's ``Engine.execute_notebook`` calls this)."""
        if on_cell is not None:
            started = nb_man.cell_start

            def cell_start(cell: Any, cell_index: int | None = None, **kw: Any) -> Any:
                on_cell(cell_index or 0, len(nb_man.nb.cells))
                return started(cell, cell_index, **kw)

            nb_man.cell_start = cell_start
        try:
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
        except Exception:
            if save_on_error is not None:
                write_ipynb(nb_man.nb, save_on_error)
            raise
