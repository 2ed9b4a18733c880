"""The build's first stage: load the data, validate it, summarise it for the manifest.

Validation errors stop the build before any notebook runs; warnings are kept, grouped by
file and rule, with any child identifier redacted from the messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cpanalytics.data.model import CareData
from cpanalytics.errors import Finding
from cpanalytics.pipeline.fingerprint import tree_hashes


@dataclass
class InputSummary:
    """What the manifest and appendix say about the inputs (no child-level values)."""

    sources: list[dict[str, Any]]
    years: list[int]
    la_code: str | None = None
    warnings: list[dict[str, Any]] = field(default_factory=list)


def load(data_dir: Path, project: Path | None = None, cache: Path | bool = False) -> CareData:
    """Load every collection year under ``data_dir`` (``cpanalytics.load_data``, through the
    loaded-data cache folder ``cache`` unless False), with the project folder whose
    ``config/`` the notebooks then read."""
    from cpanalytics import load_data

    return replace(load_data(data_dir, cache=cache), project=project, cache={})


def hashes(data_dir: Path, project: Path | None) -> dict[str, str]:
    """Content hashes of every input: the data root's files, then the project's ``config/``
    (prefixed ``project/``); a change to either reruns what depends on the inputs."""
    own = tree_hashes(project / "config") if project is not None else {}
    return tree_hashes(data_dir) | {f"project/config/{name}": h for name, h in own.items()}


def validate(data: CareData) -> list[Finding]:
    """The loader's findings plus ``cpanalytics.data.validation.validate`` (duplicates dropped)."""
    from cpanalytics.data.validation import validate as run_rules

    return list(dict.fromkeys([*data.findings, *run_rules(data)]))


def _relative(file: str, root: Path | None) -> str:
    path = Path(file)
    return path.relative_to(root).as_posix() if root and path.is_relative_to(root) else file


def group_findings(
    findings: list[Finding], redact: Callable[[str], str] = str, root: Path | None = None,
) -> list[dict[str, Any]]:
    """One record per (severity, file, rule): count, first rows, column, message and fix.

    File paths are made relative to ``root`` when given (the manifest never shows where
    the data lives on disk).
    """
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for f in findings:
        key = (f.severity, f.file, f.rule)
        group = groups.setdefault(key, {
            "severity": f.severity, "file": _relative(f.file, root), "rule": f.rule, "column": f.column,
            "message": redact(f.message), "fix": redact(f.fix) if f.fix else None,
            "count": 0, "rows": [],
        })
        group["count"] += 1
        if f.row is not None and len(group["rows"]) < 10:
            group["rows"].append(f.row)
    return sorted(groups.values(), key=lambda g: (g["file"], g["rule"]))


def validation_report(findings: list[Finding]) -> str:
    """The validation errors as text for the terminal, grouped by file and then rule."""
    groups = group_findings([f for f in findings if f.severity == "error"])
    files = sorted({g["file"] for g in groups})
    lines = [
        f"validation found {sum(g['count'] for g in groups)} error(s) in {len(files)} file(s); "
        "nothing was built and the previous outputs are unchanged."
    ]
    for file in files:
        lines.append(f"{file}:")
        for g in (g for g in groups if g["file"] == file):
            rows = ", ".join(map(str, g["rows"])) + (", ..." if g["count"] > len(g["rows"]) else "")
            where = f" column {g['column']}," if g["column"] else ""
            lines.append(f"  {g['rule']}:{where} {g['count']} row(s){f' (rows {rows})' if rows else ''}: {g['message']}")
            if g["fix"]:
                lines.append(f"    how to fix: {g['fix']}")
    lines.append("Run `cpanalytics validate` for every finding row by row.")
    return "\n".join(lines)


def summarise(data: CareData, data_dir: Path, warnings: list[dict[str, Any]]) -> InputSummary:
    """The input files (path relative to ``data_dir``, table, year, rows, SHA-256) and years."""
    root = data_dir.resolve()

    def rel(path: Path) -> str:
        p = Path(path).resolve()
        return p.relative_to(root).as_posix() if p.is_relative_to(root) else p.name

    sources = [
        {"path": rel(s.path), "table": s.table, "year": s.year, "rows": s.rows, "sha256": s.sha256}
        for s in data.sources
    ]
    return InputSummary(sorted(sources, key=lambda s: s["path"]), sorted(data.years), data.la_code, warnings)
