"""``manifest.json``: what a build used and did, for the appendix and for audit.

Records the input files (path, table, year, rows, SHA-256), parameters, software
versions, timings per stage and per notebook, and validation warnings grouped by file and
rule (counts and row numbers, never values).
"""

from __future__ import annotations

import json
import platform
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from cpanalytics import about
from cpanalytics.pipeline.inputs import InputSummary
from cpanalytics.pipeline.runner import NotebookResult

#: Distributions whose versions the manifest records (missing ones are left out).
SOFTWARE = (
    "pandas", "numpy", "papermill", "nbclient", "ipykernel", "matplotlib", "pandera",
    "gptables", "openpyxl", "pypandoc-binary", "typst",
)


def software_versions() -> dict[str, str]:
    """``name -> version`` for cpanalytics, Python and the main libraries."""
    versions = {"cpanalytics": about.__version__, "python": platform.python_version()}
    for name in SOFTWARE:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def notebook_record(result: NotebookResult, key: str) -> dict[str, Any]:
    """The manifest entry for one notebook."""
    record: dict[str, Any] = {
        "ok": result.ok, "cached": result.cached, "seconds": round(result.seconds, 3),
        "cells": result.cells, "cache_key": key[:16],
    }
    if result.indicator_seconds is not None:
        record["indicator_seconds"] = round(result.indicator_seconds, 3)
    if result.retried:
        record["retried"] = result.retried
    if not result.ok:
        record |= {"cell": result.cell_index, "cell_label": result.cell_label,
                   "error": f"{result.ename}: {result.evalue}"}
    return record


def build_manifest(
    *,
    parameters: dict[str, Any],
    inputs: InputSummary,
    code_version: str,
    notebooks: dict[str, dict[str, Any]],
    timings: dict[str, float],
    tables: list[str],
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest as a JSON-ready dict (the keys ``render.appendix_markdown`` reads included)."""
    return {
        "cpanalytics": about.__version__,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "la_name": parameters.get("la_name"),
        "parameters": parameters,
        "files": inputs.sources,
        "years": inputs.years,
        "la_code": inputs.la_code,
        "warnings": inputs.warnings,
        "software": software_versions(),
        "code_version": code_version[:16],
        "notebooks": notebooks,
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "tables": tables,
        **(extra or {}),
    }


def write_manifest(path: Path, manifest: dict[str, Any]) -> Path:
    """Write ``manifest`` as indented JSON."""
    path.write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
    return path
