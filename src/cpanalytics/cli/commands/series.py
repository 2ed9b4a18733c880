"""Print one indicator at each period end between two dates, optionally by a breakdown,
and optionally save a chart. Suppressed by default (--no-suppress for internal use).

Dates are read YYYY-MM-DD or day first (DD/MM/YYYY), never month first. --from after --to
is an error; a range reaching beyond the loaded collection years is cut to them with a
warning, and one wholly outside them is an error.

examples:
  cpanalytics series PS-01 --data data/synthetic --from 2018-04-30 --to 2019-03-31
  cpanalytics series HE-02 --data data/synthetic --from 2016-04-30 --to 2019-03-31 \\
      --freq Q --by uasc --plot he02.png
"""

from __future__ import annotations

import argparse

from cpanalytics.about import DEFAULT_LA_NAME

HELP = "one indicator over time (month, quarter or year ends), with an optional chart"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("id", help="indicator id, e.g. PS-01")
    parser.add_argument("--data", help="data root (with 903/<YYYY>/ folders)")
    parser.add_argument("--from", dest="start", required=True, help="first period end, YYYY-MM-DD or DD/MM/YYYY")
    parser.add_argument("--to", dest="end", required=True, help="last period end, YYYY-MM-DD or DD/MM/YYYY")
    parser.add_argument("--freq", choices=("M", "Q", "Y"), default="M",
                        help="month ends (M), quarter ends (Q) or 31 March (Y)")
    parser.add_argument("--by", help="breakdown column, e.g. uasc, district")
    parser.add_argument("--plot", metavar="FILE", help="save a chart (PNG or SVG)")
    parser.add_argument("--la-name", default=DEFAULT_LA_NAME, help="name shown on the chart")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument("--no-suppress", dest="suppress", action="store_false",
                        help="show unsuppressed numbers (internal use only)")
    parser.add_argument("--threshold", type=int, default=5,
                        help="suppress counts below this (default 5)")


def run(args: argparse.Namespace) -> int:
    """Compute, print and optionally plot the series."""
    import sys

    from cpanalytics.cli.console import print_frame
    from cpanalytics.cli.quick import date_option, load_for_cli, range_in_data, results_for_cli
    from cpanalytics.data.dates import check_order
    from cpanalytics.measures.indicators.registry import lookup

    lookup(args.id)
    start = date_option(args.start, "--from", "2018-04-30")
    end = date_option(args.end, "--to", "2019-03-31")
    check_order(start, end)
    data = load_for_cli(args.data)
    start, end, warning = range_in_data(start, end, data)
    if warning:
        print(warning, file=sys.stderr)
    [shown] = results_for_cli(data, [args.id], by=args.by, suppress=args.suppress,
                              threshold=args.threshold, start=start, end=end, freq=args.freq)
    print_frame(shown, args.format)
    if args.plot:
        from cpanalytics.measures.indicators import series
        from cpanalytics.publish.charts import indicator_trend

        result = series(args.id, data, start, end, freq=args.freq, by=args.by)
        figure = indicator_trend(result, la_name=args.la_name, group=args.by,
                                 suppress=args.suppress)
        figure.savefig(args.plot, bbox_inches="tight")
        print(f"chart saved to {args.plot}")
    return 0
