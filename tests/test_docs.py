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
    from cpanalytics.measures.indicators import REGISTRY

    text = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    for indicator in REGISTRY.values():
        assert f"## {indicator.id}: {indicator.title}" in text
        assert indicator.definition in text


def test_readme_links_resolve() -> None:
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(((?:docs|src)/[^)#]+)\)", readme):
        assert (ROOT / target).exists(), target


def test_every_indicator_links_to_assumptions_that_exist() -> None:
    """Each definition in indicators.md links to the assumptions log, and every anchor a
    registry entry names is an entry of docs/assumptions.md (issue 12, AQA assumptions log)."""
    import re

    from cpanalytics.measures.indicators import REGISTRY

    log = (ROOT / "docs" / "assumptions.md").read_text(encoding="utf-8")
    anchors = set(re.findall(r'<a id="([\w-]+)"></a>', log))
    named = {a for i in REGISTRY.values() for a in i.assumptions}
    assert named and named <= anchors, named - anchors
    text = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    sections = text.split("\n## ")[1:]
    assert len(sections) == len(REGISTRY)
    for section in sections:
        assert "[general](assumptions.md#general)" in section, section.splitlines()[0]
    adoption = next(s for s in sections if s.startswith("AD-01:"))
    assert "[period-start-unknown](assumptions.md#period-start-unknown)" in adoption
