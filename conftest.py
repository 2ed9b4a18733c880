"""Pytest set-up for the whole checkout (tests/ and the packaged notebooks under nbval)."""

import os
from pathlib import Path

# The notebooks' default data folder when nbval runs them as stored (runtime.notebook.load).
os.environ.setdefault("CPANALYTICS_DATA", str(Path(__file__).resolve().parent / "data" / "synthetic"))
