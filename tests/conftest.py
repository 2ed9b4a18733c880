"""Test configuration: make ``tests/`` importable for the shared case builders."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
# Loads in tests read the files, not ~/.cache (tests of the cache give it a folder); set
# CPANALYTICS_CACHE to a folder to run the suite through the loaded-data cache instead.
os.environ.setdefault("CPANALYTICS_CACHE", "off")
