"""What a build's warm notebook kernel runs: the heavy imports once, a clean slate per notebook.

The build keeps one kernel per job slot and runs several notebooks in it one after
another (``cpanalytics.pipeline.runner``). :func:`warm` runs when the kernel starts, so
pandas, matplotlib and the package are imported while the data are still loading;
:func:`fresh` runs before each notebook: it empties the user namespace (``%reset -f``),
closes pyplot figures, restores matplotlib's settings and moves to the notebook's working
folder. Imported modules, and the build's data snapshot (``cpanalytics.runtime.snapshot``), are
shared by the notebooks that run in one kernel.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

#: Modules every report notebook imports; imported once per kernel.
WARM_MODULES = (
    "cpanalytics.runtime.notebook", "cpanalytics.publish.charts", "cpanalytics.publish.tables", "cpanalytics.publish.headlines",
    "cpanalytics.measures.indicators",
)

_SETTINGS: dict[RcKeyType, Any] = {}


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
