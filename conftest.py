"""Pytest set-up for the whole checkout (tests/ and the packaged notebooks under nbval)."""

import os
from pathlib import Path

# The notebooks' default data folder when nbval runs them as stored (runtime.notebook.load).
os.environ.setdefault("CPANALYTICS_DATA", str(Path(__file__).resolve().parent / "data" / "synthetic"))
# Loads read the files, not ~/.cache (tests of the loaded-data cache give it a folder); set
# CPANALYTICS_CACHE to a folder to run the tests and notebooks through the cache instead.
os.environ.setdefault("CPANALYTICS_CACHE", "off")
