"""Compare one indicator with England, statistical neighbours and the region, by year.

The authority's value is computed as at --as-at and on the same date in each earlier year
shown (--years, default 5); comparator values come from comparators.csv (config or local
extract), each shown for the year it was published for, beside the authority's value for
that same year (like for like).
Small numbers are suppressed ([c]) by default; use --no-suppress for internal use only.
Dates are read YYYY-MM-DD or day first (DD/MM/YYYY), never month first. An --as-at date
outside the loaded collection years is an error; earlier years shown that fall before the
loaded data get no value for the authority, with a warning.

examples:
  cpanalytics compare PS-01 --data data/synthetic --as-at 2025-03-31
  cpanalytics compare AD-01 --data data/synthetic --as-at 2025-03-31 --areas England
  cpanalytics compare PS-01 --data data/synthetic --as-at 2025-03-31 --plot ps01.png
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

HELP = "one indicator against England, statistical neighbours and region (suppressed)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("id", metavar="ID", help="indicator id, e.g. PS-01")
    parser.add_argument("--data", help="data root (with 903/<YYYY>/ folders)")
    parser.add_argument("--as-at", dest="as_at", help="date within the data, YYYY-MM-DD or DD/MM/YYYY (e.g. 2025-03-31)")
    parser.add_argument("--areas", nargs="+", metavar="AREA",
                        help='comparator areas (default: England "Stat neighbours" "South East")')
    parser.add_argument("--la-name", dest="la_name", default="This authority",
                        help="how the authority is named in the table and chart")
    parser.add_argument("--years", type=_positive, default=5, help="years to show (default 5)")
    parser.add_argument("--plot", metavar="FILE", help="also save a line chart (.png, .svg, .pdf)")
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument("--no-suppress", dest="suppress", action="store_false",
                        help="show unsuppressed numbers (internal use only)")
    parser.add_argument("--threshold", type=int, default=5,
                        help="suppress counts below this (default 5)")


def run(args: argparse.Namespace) -> int:
    """Compute the comparison table, print it and optionally save the chart."""
    import sys

    from cpanalytics.cli.console import print_frame
    from cpanalytics.cli.quick import date_option, load_for_cli
    from cpanalytics.data.dates import check_within
    from cpanalytics.errors import UserError
    from cpanalytics.measures.indicators import REGISTRY
    from cpanalytics.measures.indicators.registry import close_ids
    from cpanalytics.publish import comparisons
    from cpanalytics.publish.targets import period_label, reporting_year

    if args.id not in REGISTRY:
        near = close_ids(args.id)
        raise UserError(f"unknown indicator {args.id!r}", code="E330",
                        fix=(f"did you mean {' or '.join(near)}? " if near else "")
                        + "see `cpanalytics indicators --list` for the ids")
    if REGISTRY[args.id].kind == "table":
        raise UserError(f"{args.id} is a table of counts, not a single figure to compare",
                        fix="choose a rate or mean, e.g. PS-01 or AD-01", code="E330")
    as_at = date_option(args.as_at, "--as-at")
    data = load_for_cli(args.data)
    check_within(as_at, data.years, "--as-at")
    areas = tuple(args.areas) if args.areas else comparisons.DEFAULT_AREAS
    last = reporting_year(as_at)
    years = range(last - args.years + 1, last + 1)
    table = comparisons.compare(args.id, data, as_at=as_at, years=years, areas=areas,
                                la_name=args.la_name, threshold=args.threshold)
    if not table["area"].isin(areas).any():
        latest = "; ".join(f"latest {c.label}" for c in table.attrs["latest"].values())
        span = " to ".join(dict.fromkeys(map(period_label, (years[0], years[-1]))))
        raise UserError(f"no comparator values for {args.id} in {', '.join(areas)} for {span}"
                        + (f" ({latest})" if latest else ""),
                        fix="check the area names in comparators.csv, add values for these "
                            "years there, or show more years with --years",
                        code="E331")
    if table.attrs["before_data"]:
        print(f"warning: no value for {args.la_name} in "
              f"{', '.join(map(period_label, table.attrs['before_data']))}: before the loaded data",
              file=sys.stderr)
    visible = table if args.suppress else table.assign(suppressed=False)
    if args.plot:
        fig = comparisons.plot_compare(table=visible)
        fig.savefig(args.plot, dpi=150, metadata=_plot_metadata(args.plot))
    print_frame(shown_table(table, suppress=args.suppress), args.format)
    if args.format == "table":
        print(comparisons.headline(visible))
    return 0


def shown_table(table: pd.DataFrame, *, suppress: bool = True) -> pd.DataFrame:
    """The comparison as printed: values formatted for the unit; suppressed ones ``[c]``."""
    import pandas as pd

    from cpanalytics.publish import disclosure

    unit = table.attrs.get("unit")
    shown = table[["indicator", "period", "area", "value", "numerator", "denominator",
                   "source"]].copy()
    shown["value"] = table["value"].map(lambda v: disclosure.format_value(v, unit))
    for column in ("numerator", "denominator"):
        shown[column] = table[column].map(
            lambda v: "" if pd.isna(v) else disclosure.format_number(v, 0))
    if suppress:
        hidden = table["suppressed"].to_numpy(dtype=bool)
        shown.loc[hidden, ["value", "numerator", "denominator"]] = disclosure.CONFIDENTIAL
    return shown


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _plot_metadata(path: str) -> dict | None:
    """Reproducible files: no creation date in SVG/PDF metadata."""
    suffix = path.rsplit(".", 1)[-1].lower()
    return {"Date": None} if suffix in ("svg", "pdf") else None
