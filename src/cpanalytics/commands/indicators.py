"""Print indicators as at a date, optionally split by a breakdown.

Output is suppressed for publication by default ([c] for small numbers); use
--no-suppress for internal use only.

examples:
  cpanalytics indicators --data data/synthetic --as-at 2019-03-31
  cpanalytics indicators --data data/synthetic --as-at 2019-03-31 --id PS-01 HE-02 --by uasc
  cpanalytics indicators --list
"""

from __future__ import annotations

import argparse

HELP = "indicators as at a date, by any breakdown (suppressed by default)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("--data", help="data root (with 903/<YYYY>/ folders)")
    parser.add_argument("--as-at", dest="as_at", help="date, YYYY-MM-DD (e.g. 2019-03-31)")
    parser.add_argument("--by", help="breakdown column, e.g. uasc, sex, age_band, district")
    parser.add_argument("--id", dest="ids", nargs="+", metavar="ID", help="indicator ids")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument("--no-suppress", dest="suppress", action="store_false",
                        help="show unsuppressed numbers (internal use only)")
    parser.add_argument("--threshold", type=int, default=5,
                        help="suppress counts below this (default 5)")
    parser.add_argument("--list", action="store_true", help="list the indicator catalogue")


def run(args: argparse.Namespace) -> int:
    """Compute and print the chosen indicators."""
    import pandas as pd

    from cpanalytics.console import print_frame
    from cpanalytics.indicators import catalogue
    from cpanalytics.quick import load_for_cli, results_for_cli

    if args.list:
        print_frame(catalogue()[["id", "title", "polarity", "period", "unit", "needs"]],
                    args.format)
        return 0
    data = load_for_cli(args.data)
    as_at = _as_at(args.as_at)
    frames = results_for_cli(data, args.ids, by=args.by, suppress=args.suppress,
                             threshold=args.threshold, as_at=as_at)
    print_frame(pd.concat(frames, ignore_index=True), args.format)
    return 0


def _as_at(text: str | None):
    """Parse --as-at (required for indicators)."""
    import pandas as pd

    from cpanalytics.errors import UserError

    if not text:
        raise UserError("--as-at is required", fix="add e.g. --as-at 2019-03-31", code="E304")
    try:
        return pd.Timestamp(text)
    except ValueError:
        raise UserError(f"--as-at {text!r} is not a date", fix="write it as YYYY-MM-DD",
                        code="E304") from None
