"""Print indicators as at a date, optionally split by a breakdown.

Output is suppressed for publication by default ([c] for small numbers); use
--no-suppress for internal use only. Dates are read YYYY-MM-DD or day first (DD/MM/YYYY),
never month first; an --as-at date outside the loaded collection years is an error.

examples:
  cpanalytics indicators --list
  cpanalytics indicators --data data/synthetic --as-at 2019-03-31
  cpanalytics indicators --data data/synthetic --as-at 31/03/2019 --id PS-01 HE-02 --by uasc
  cpanalytics indicators --data data/synthetic --as-at 2019-03-31 --id CIC-07 --format csv
"""

from __future__ import annotations

import argparse

HELP = "indicators as at a date, by any breakdown (suppressed by default)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("--data", help="data root (with 903/<YYYY>/ folders)")
    parser.add_argument("--as-at", dest="as_at",
                        help="date within the data, YYYY-MM-DD or DD/MM/YYYY (e.g. 2019-03-31)")
    parser.add_argument("--by", help="breakdown column, e.g. uasc, sex, age_band, district")
    parser.add_argument("--id", dest="ids", nargs="+", metavar="ID", help="indicator ids")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument("--no-suppress", dest="suppress", action="store_false",
                        help="show unsuppressed numbers (internal use only)")
    parser.add_argument("--threshold", type=int, default=5,
                        help="suppress counts below this (default 5)")
    parser.add_argument("--list", action="store_true",
                        help="list the indicators: ids and titles (all columns with --format csv)")


def run(args: argparse.Namespace) -> int:
    """Compute and print the chosen indicators."""
    import pandas as pd

    from cpanalytics.cli.console import print_frame
    from cpanalytics.cli.quick import date_option, load_for_cli, results_for_cli
    from cpanalytics.data.dates import check_within
    from cpanalytics.measures.indicators import catalogue
    from cpanalytics.measures.indicators.registry import lookup

    if args.list:
        listed = catalogue()[["id", "title", "kpi", "polarity", "period", "unit", "needs"]]
        if args.format == "table":
            width = listed["id"].str.len().max()
            print("\n".join(f"{row.id:<{width}}  {row.title}" + ("  [KPI]" if row.kpi else "")
                            for row in listed.itertuples()))
            print("\n[KPI]: a row of the scorecard. `cpanalytics explain ID` gives a definition, "
                  "target and caveats.")
        else:
            print_frame(listed, args.format)
        return 0
    for indicator_id in args.ids or []:
        lookup(indicator_id)
    as_at = date_option(args.as_at, "--as-at", "2019-03-31")
    data = load_for_cli(args.data)
    check_within(as_at, data.years, "--as-at")
    frames = results_for_cli(data, args.ids, by=args.by, suppress=args.suppress,
                             threshold=args.threshold, as_at=as_at)
    print_frame(pd.concat(frames, ignore_index=True), args.format)
    return 0
