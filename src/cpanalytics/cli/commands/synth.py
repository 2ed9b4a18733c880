"""Generate deterministic synthetic SSDA903 returns and local extracts.

Writes DIR/903/<YYYY>/*.csv (one return per collection year ending 31 March) and
DIR/local/*.csv for "Synthetic County Council" (LA E10000016, Kent geography). The same
seed gives byte-identical files. The data describes no real child.

examples:
  cpanalytics synth --out data/synthetic --years 2014-2025 --seed 2026
  cpanalytics synth --out /tmp/national --years 2019-2025 --seed 1 --las 150
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from cpanalytics.errors import UserError

HELP = "generate deterministic synthetic SSDA903 returns and local extracts"

#: Collection years the code lists are known for (SEX 1/2 to 2024, M/F/U from 2025).
FIRST_YEAR, LAST_YEAR = 2010, 2026


def parse_years(text: str) -> tuple[int, int]:
    """'2014-2025' (or '2019') -> (first, last) collection years."""
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4}))?\s*", text)
    if not match:
        raise UserError(f"--years {text!r} is not a year range", column="--years",
                        fix="give collection years as YYYY-YYYY, e.g. --years 2014-2025",
                        code="E801")
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    if not FIRST_YEAR <= first <= last <= LAST_YEAR:
        raise UserError(f"--years {text!r} is outside {FIRST_YEAR}-{LAST_YEAR} or reversed",
                        column="--years", code="E801",
                        fix=f"use years from {FIRST_YEAR} to {LAST_YEAR}, first <= last")
    return first, last


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("--out", required=True, type=Path, help="output data root")
    parser.add_argument("--years", default="2014-2025",
                        help="collection years YYYY-YYYY (default 2014-2025)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="population multiplier (default 1: ~1,400 citizen CiC + UASC)")
    parser.add_argument("--las", type=int, default=1,
                        help="pool N authorities of varied size (mean ~530 CiC each)")


def run(args: argparse.Namespace) -> int:
    """Generate the data set and print what was written."""
    first, last = parse_years(args.years)
    if not 0 < args.scale <= 100:
        raise UserError(f"--scale {args.scale} must be above 0 and at most 100",
                        column="--scale", fix="use e.g. --scale 0.1 or --scale 2", code="E802")
    if not 1 <= args.las <= 1000:
        raise UserError(f"--las {args.las} must be between 1 and 1000", column="--las",
                        fix="use e.g. --las 150 for a national-size pool", code="E802")
    if args.out.exists() and not args.out.is_dir():
        raise UserError(f"{args.out} exists and is not a folder", file=args.out,
                        fix="choose a folder for --out", code="E803")
    from cpanalytics.synth import generate

    summary = generate(args.out, first, last, args.seed, args.scale, args.las)
    total = sum(summary.seconds.values())
    print(f"synthetic data (about no real child) written to {args.out}: "
          f"{summary.children:,} children, {summary.rows['episodes']:,} episode rows, "
          f"years {first}-{last}, seed {args.seed}, {total:.1f}s")
    for stage, seconds in summary.seconds.items():
        print(f"  {stage:<15} {seconds:6.2f}s")
    return 0
