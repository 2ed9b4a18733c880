"""The build's papermill engine (issue 14): papermill finds it through its entry point."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill  # first: papermill imports the engine's module through its entry point
import pytest
from nbclient.exceptions import DeadKernelError
from papermill.engines import Engine, papermill_engines

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def test_papermill_finds_the_engine_through_its_entry_point():
    from cpanalytics.runtime.engine import Engine as BuildEngine

    assert papermill_engines.get_engine("cpanalytics") is BuildEngine
    assert issubclass(BuildEngine, Engine)


@pytest.mark.slow
def test_it_reports_each_cell_and_keeps_what_ran_when_the_kernel_dies(tmp_path):
    started: list[tuple[int, int]] = []
    with pytest.raises(DeadKernelError):
        papermill.execute_notebook(
            str(FIXTURES / "crash.ipynb"), str(tmp_path / "crash.ipynb"), kernel_name="python3",
            engine_name="cpanalytics", progress_bar=False, parameters={"output_dir": str(tmp_path)},
            on_cell=lambda index, cells: started.append((index, cells)),
            save_on_error=str(tmp_path / "kept.ipynb"),
        )
    # 0 parameters, 1 injected parameters, 2 setup, 3 "os._exit(1)"; cell 4 never starts
    assert started == [(0, 5), (1, 5), (2, 5), (3, 5)]
    kept = nbformat.read(tmp_path / "kept.ipynb", as_version=4)
    # papermill marks a cell complete once it stops, however it stopped; the last never ran
    assert [c.metadata.papermill.status for c in kept.cells] == ["completed"] * 4 + ["pending"]
