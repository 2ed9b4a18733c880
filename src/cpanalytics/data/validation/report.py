"""Readable validation reports: findings grouped by file and rule, with row numbers and values."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict
from typing import Any

from cpanalytics.data.model import CareData
from cpanalytics.errors import Finding

#: Rows listed per file and rule before the rest are summarised.
MAX_ROWS_SHOWN = 20


def summary(findings: list[Finding]) -> str:
    """'2 errors, 1 warning in 2 files' (or '0 errors, 0 warnings: no problems found')."""
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    files = len({f.file for f in findings})

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    counts = f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"
    return f"{counts} in {plural(files, 'file')}" if files else f"{counts}: no problems found"


def checked(data: CareData) -> dict[str, object]:
    """What was checked: collection years, files and rows per table (no child-level data)."""
    return {
        "years": data.years,
        "files": len(data.sources),
        "rows": {name: len(frame) for name, frame in {**data.tables, **data.local}.items()},
    }


def format_text(findings: list[Finding], context: dict[str, Any] | None = None) -> str:
    """The report as text: per file (in the order given: see ``validation.in_file_order``),
    per rule, the rows affected in file order and the offending values."""
    groups: dict[str, dict[tuple[str, str, str], list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in findings:
        groups[f.file][(f.severity, f.rule, f.message)].append(f)
    lines = []
    if context:
        years = context["years"]
        span = f"years {years[0]}-{years[-1]}" if len(years) > 1 else f"year {years[0]}"
        lines.append(f"checked {context['files']} files, collection {span}")
    for file, rules in groups.items():
        lines.append(file)
        for (severity, rule, message), found in sorted(rules.items(), key=lambda kv: (kv[0][0], kv[0][1])):
            items = sorted(found, key=lambda f: (f.row or 0, f.position or 0))
            lines.append(f"  {severity} {rule}: {message} ({len(items)} row{'s' * (len(items) != 1)})")
            for f in items[:MAX_ROWS_SHOWN]:
                val = f": {f.value!r}" if f.value not in (None, "") else ""
                lines.append(f"    {f.location() or 'file'}{val}")
            if len(items) > MAX_ROWS_SHOWN:
                lines.append(f"    ... and {len(items) - MAX_ROWS_SHOWN} more rows")
            if items[0].fix:
                lines.append(f"    how to fix: {items[0].fix}")
    lines.append(summary(findings))
    return "\n".join(lines)


def format_json(findings: list[Finding], context: dict[str, Any] | None = None) -> str:
    """The findings as a JSON document: what was checked, the counts and every finding."""
    return json.dumps(
        {
            **(context or {}),
            "errors": sum(f.severity == "error" for f in findings),
            "warnings": sum(f.severity == "warning" for f in findings),
            "findings": [asdict(f) for f in findings],
        },
        indent=2,
    )
