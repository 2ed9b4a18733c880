"""Pre-commit hook: refuse to commit child-level files (SSDA903-shaped CSV, XML or XLSX).

A file is child-level when its header (CSV first line, any XLSX sheet's first rows, XML
element names) has a ``CHILD`` column, or two or more other SSDA903 identifier columns
(UPN, DOB, MC_DOB, HOME_POST, PL_POST). Only ``data/synthetic/`` is allowed by default;
``--allow PREFIX`` adds a folder of fabricated data (e.g. ``tests/fixtures/``).

Usage: ``python tools/check_no_child_data.py [--allow PREFIX ...] FILE ...`` (exit 1 if refused).
Standard library only (openpyxl for .xlsx when installed), so it runs in any environment.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

IDENTIFIERS = {"UPN", "DOB", "MC_DOB", "HOME_POST", "PL_POST"}
CHILD_NAMES = {"CHILD", "CHILDID"}  # CHILDID is the XML return's element name
DEFAULT_ALLOW = ("data/synthetic/",)


def _normalise(names: set[str]) -> set[str]:
    return {re.sub(r"[\s-]+", "_", n.strip().strip('"').upper()) for n in names if n}


def header_names(path: Path) -> set[str]:
    """Column (or XML element) names that could hold child-level data."""
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv", ".txt"}:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            first = handle.readline()
        delimiter = max(",\t;|", key=first.count)
        return _normalise(set(next(csv.reader([first], delimiter=delimiter), [])))
    if suffix == ".xml":
        text = path.read_text(encoding="utf-8", errors="replace")[:200_000]
        return _normalise(set(re.findall(r"<([A-Za-z_][\w-]*)[\s>/]", text)))
    if suffix in {".xlsx", ".xlsm"}:
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        names: set[str] = set()
        for ws in wb.worksheets:
            for row in ws.iter_rows(max_row=20, values_only=True):
                names |= {str(v) for v in row if isinstance(v, str)}
        wb.close()
        return _normalise(names)
    return set()


def is_child_level(path: Path) -> bool:
    """True when the file's header has CHILD, or two or more other identifier columns."""
    names = header_names(path)
    return bool(names & CHILD_NAMES) or len(names & IDENTIFIERS) >= 2


def refused(files: list[str], allow: tuple[str, ...] = DEFAULT_ALLOW) -> list[str]:
    """The files (as given) that are child-level and outside every allowed prefix."""
    return [
        f for f in files
        if not Path(f).as_posix().startswith(allow) and Path(f).is_file() and is_child_level(Path(f))
    ]


def main(argv: list[str] | None = None) -> int:
    """Print each refused file with the reason; exit 1 if any."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allow", action="append", default=[], help="allowed folder prefix")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args(argv)
    bad = refused(args.files, DEFAULT_ALLOW + tuple(args.allow))
    for f in bad:
        print(
            f"{f}: looks like child-level SSDA903 data (a CHILD or identifier column). Real data "
            "must never be committed: keep it outside the repository (data/ is git-ignored); "
            "only fabricated data may live under data/synthetic/.",
            file=sys.stderr,
        )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
