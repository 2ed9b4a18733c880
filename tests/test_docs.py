"""Documentation generated from code stays in step with it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_indicator_docs_are_current() -> None:
    done = subprocess.run([sys.executable, "tools/make_indicator_docs.py", "--check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_every_registered_indicator_is_documented_with_its_definition() -> None:
    from cpanalytics.indicators import REGISTRY

    text = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    for indicator in REGISTRY.values():
        assert f"## {indicator.id}: {indicator.title}" in text
        assert indicator.definition in text


def test_readme_links_resolve() -> None:
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(((?:docs|notebooks)/[^)#]+)\)", readme):
        assert (ROOT / target).exists(), target
