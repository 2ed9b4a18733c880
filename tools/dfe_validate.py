"""Run the DfE SSDA903 validator (``lac_validator``) over every collection year of a data root.

Usage (under the validator's own environment, which pins pandas 1.5)::

    .venv-dfe/bin/python tools/dfe_validate.py DATA_ROOT [--la E10000016] [--years 2019-2025]

For each ``DATA_ROOT/903/<YYYY>/`` it runs the ruleset for that year (``lac2022_23`` for
years before 2023), with the previous year's CSVs as "Prev year", and prints the failing
rule codes with row counts. The validator has no ruleset before 2022/23, so codes that were
valid only in an older year (``ERA_CODES``: SGOs E43/E44, activity F3/P3) are first mapped
to their successors in a temporary copy; any other invalid code still fails. It exits 1 when a rule fails that is not allowed for that year
in ``tools/dfe_allowlist.csv`` (columns rule, years, reason; see docs/synthetic-data.md).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib
import io
import logging
import shutil
import sys
import tempfile
from pathlib import Path

ALLOWLIST = Path(__file__).with_name("dfe_allowlist.csv")


#: Codes of an older collection year -> a successor the 2022/23 ruleset accepts, with the
#: last collection year they were valid in (src/cpanalytics/codelists).
ERA_CODES: dict[str, tuple[int, dict[str, str]]] = {
    "REC": (2020, {"E43": "E45", "E44": "E47"}),
    "ACTIV": (2021, {"F3": "F4", "P3": "P4"}),
}


def ruleset_for(year: int) -> str:
    """The lac_validator ruleset module for a collection year (year ending 31 March)."""
    year = max(year, 2023)
    return f"lac_validator.rules.lac{year - 1}_{year % 100:02d}"


def parse_years(text: str) -> set[int]:
    """'2014-2025' or '2019,2021' -> the set of years."""
    years: set[int] = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        years.update(range(int(first), int(last or first) + 1))
    return years


def load_allowlist(path: Path = ALLOWLIST) -> dict[str, set[int] | None]:
    """Rule code -> the years it is allowed to fail in (None: every year)."""
    if not path.exists():
        return {}
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["rule"]: (parse_years(row["years"]) if row["years"].strip() not in ("", "*") else None)
        for row in rows
    }


def era_mapped(folder: Path, year: int, into: Path) -> list[str]:
    """The year's CSVs, copied into ``into`` with its era codes mapped to their successors."""
    import pandas as pd

    into.mkdir(parents=True, exist_ok=True)
    out = []
    for path in sorted(folder.glob("*.csv")):
        dest = into / path.name
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        mapped = [c for c, (last, _) in ERA_CODES.items() if c in frame.columns and year <= last]
        if mapped:
            for column in mapped:
                frame[column] = frame[column].replace(ERA_CODES[column][1])
            frame.to_csv(dest, index=False)
        else:
            shutil.copy2(path, dest)
        out.append(str(dest))
    return out


def validate_year(
    root: Path, year: int, la: str
) -> tuple[dict[str, tuple[int, str]], list[str]]:
    """Failing rule code -> (failing rows, message), and the rules that crashed, for one year."""
    with tempfile.TemporaryDirectory() as tmp:
        this = era_mapped(root / "903" / str(year), year, Path(tmp) / "this")
        prev = era_mapped(root / "903" / str(year - 1), year - 1, Path(tmp) / "prev")
        return _validate(this, prev, year, la)


def _validate(
    this: list[str], prev: list[str], year: int, la: str
) -> tuple[dict[str, tuple[int, str]], list[str]]:
    """Run the year's ruleset over the CSV paths of this year and the previous one."""
    from lac_validator.lac_validator import LacValidator
    from lac_validator.report import Report
    from lac_validator.utils import process_uploaded_files

    files = {"This year": this}
    if prev:
        files["Prev year"] = prev
    registry = importlib.import_module(ruleset_for(year)).registry
    with contextlib.redirect_stdout(io.StringIO()):  # some rules print debugging output
        validator = LacValidator(
            metadata={"collectionYear": str(year), "localAuthority": la},
            files=process_uploaded_files(files),
            registry=registry,
        )
    summary = Report(validator.ds_results, registry).error_summary
    summary = summary[summary["Error Count"] > 0].sort_values("Code")
    counts = {
        str(row["Code"]): (int(row["Error Count"]), str(row["Error Description"]))
        for _, row in summary.iterrows()
    }
    return counts, sorted(validator.fails)


def main(argv: list[str] | None = None) -> int:
    """Validate every year; print failures per rule; exit 1 on any failure not allowed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="data root holding 903/<YYYY>/*.csv")
    parser.add_argument("--la", default="E10000016", help="LA code (default E10000016)")
    parser.add_argument("--years", help="only these collection years, e.g. 2019-2025")
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)  # the tool reports crashed rules itself
    years = sorted(int(p.name) for p in (args.root / "903").iterdir() if p.name.isdigit())
    if args.years:
        years = [y for y in years if y in parse_years(args.years)]
    if not years:
        print(f"no collection years under {args.root / '903'}", file=sys.stderr)
        return 2
    allow = load_allowlist()
    blocking = 0
    for year in years:
        counts, crashed = validate_year(args.root, year, args.la)
        print(f"{year} ({ruleset_for(year).rsplit('.', 1)[1]}): "
              f"{sum(n for n, _ in counts.values())} failing rows in {len(counts)} rules")
        for code, (n, message) in counts.items():
            allowed = code in allow and (allow[code] is None or year in allow[code])
            blocking += not allowed
            print(f"  {code:>10} {n:7d}  {'allowed' if allowed else 'FAIL':7}  {message[:110]}")
        for code in crashed:
            print(f"  {code:>10}       -  rule crashed on this data (not counted)")
    print("DfE validation: " + ("clean apart from allowed rules" if not blocking
                                else f"{blocking} rule/year failures not allowed"))
    return 1 if blocking else 0


if __name__ == "__main__":
    sys.exit(main())
