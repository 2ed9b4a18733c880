"""Run the DfE SSDA903 validator (``lac_validator``) over every collection year of a data root.

Usage (under the validator's own environment, which pins pandas 1.5)::

    .venv-dfe/bin/python tools/dfe_validate.py DATA_ROOT [--la E10000016] [--years 2019-2025]

For each ``DATA_ROOT/903/<YYYY>/`` it runs the ruleset for that year (``lac2022_23`` for
years before 2023), with the previous year's CSVs as "Prev year", and prints the failing
rule codes with row counts. It exits 1 when a rule fails that is not allowed for that year
in ``tools/dfe_allowlist.csv`` (columns rule, years, reason; see docs/synthetic-data.md).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib
import io
import logging
import sys
from pathlib import Path

ALLOWLIST = Path(__file__).with_name("dfe_allowlist.csv")


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


def validate_year(
    root: Path, year: int, la: str
) -> tuple[dict[str, tuple[int, str]], list[str]]:
    """Failing rule code -> (failing rows, message), and the rules that crashed, for one year."""
    from lac_validator.lac_validator import LacValidator
    from lac_validator.report import Report
    from lac_validator.utils import process_uploaded_files

    this = sorted(str(p) for p in (root / "903" / str(year)).glob("*.csv"))
    prev = sorted(str(p) for p in (root / "903" / str(year - 1)).glob("*.csv"))
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
