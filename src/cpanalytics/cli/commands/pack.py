"""Build the Corporate Parenting Panel's performance pack for a month-end: the cover report
(summary of performance, RAG changes since the previous pack, a paragraph for each Amber
and Red indicator with the officer's explanation) and the performance report (guidance
notes, scorecard, sparklines, key activity), as HTML, PDF and Word.

It runs like `cpanalytics build` (the same notebooks -> papermill -> Quarto path, cache,
lock, staging, disclosure and privacy audits) into OUT/pack/YYYY-MM/. Every date is a
month-end. The previous pack is two month-ends earlier unless --previous says otherwise.
Officers' explanations go in narrative/pack/YYYY-MM/<ID>.md of the project (or data)
folder; the committee details in config/pack.yaml.

--from/--to/--every builds a pack for every --every-th month-end from --from to --to in one
run (a year's catch-up): the data are loaded, validated and their shared tables built once
for all of them.

Exit status: 0 built, 1 a pack failed (validation errors, a notebook, the render, the
disclosure or privacy audit), 2 a problem the message says how to fix, 130 interrupted.

examples:
  cpanalytics pack --data data/synthetic --as-at 2018-08-31
  cpanalytics pack --data data/synthetic --as-at 31/08/2018 --previous 30/06/2018
  cpanalytics pack --data data/synthetic --from 2018-04-30 --to 2019-03-31 --every 2
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cpanalytics.cli.commands.build import add_shared_arguments

HELP = "build the panel's performance pack (cover report and scorecard) for a month-end"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("--as-at", help="the scorecard's month-end, YYYY-MM-DD or DD/MM/YYYY")
    parser.add_argument("--previous", help="the month-end of the scorecard the panel saw last "
                        "(default: two month-ends before --as-at)")
    parser.add_argument("--from", dest="start", help="catch-up: the first pack's month-end")
    parser.add_argument("--to", dest="end", help="catch-up: the last month-end a pack may have")
    parser.add_argument("--every", type=int, default=2,
                        help="catch-up: months between packs (default: 2, the panel's cycle)")
    parser.add_argument("--narrative", type=Path, help="explanations folder (default: narrative/pack/"
                        "YYYY-MM/ of the project, else of the data folder)")
    add_shared_arguments(parser, "the pack", "another build of the month")


def run(args: argparse.Namespace) -> int:
    """Build the pack (or the catch-up's packs), print a summary; returns the exit status."""
    from dataclasses import replace

    import pandas as pd

    from cpanalytics.cli.commands.build import build_options, report
    from cpanalytics.data.dates import check_order, parse_date
    from cpanalytics.errors import UserError
    from cpanalytics.pipeline import build
    from cpanalytics.pipeline.packs import build_packs, pack_dates
    from cpanalytics.pipeline.progress import reporter_for
    from cpanalytics.publish import committee
    from cpanalytics.publish.pack import month_end
    from cpanalytics.publish.targets import reporting_year

    catch_up = args.start is not None or args.end is not None
    if catch_up == (args.as_at is not None) or (catch_up and None in (args.start, args.end)):
        raise UserError("give either --as-at, or both --from and --to", code="E343",
                        fix="e.g. --as-at 2018-08-31, or --from 2018-04-30 --to 2019-03-31 --every 2")
    if catch_up and args.previous is not None:
        raise UserError("--previous is for one pack; a catch-up compares each pack with the one "
                        "--every months before it", code="E343", fix="leave out --previous")
    if args.every < 1:
        raise UserError(f"--every {args.every} must be 1 or more months", code="E344",
                        fix="give the months between packs: 2 for a panel meeting every two months")
    if catch_up:
        start = month_end(parse_date(args.start, "--from"), "--from")
        end = month_end(parse_date(args.end, "--to"), "--to")
        check_order(start, end, "--from", "--to")
        dates = pack_dates(start, end, args.every)
    else:
        dates = [month_end(parse_date(args.as_at, "--as-at"), "--as-at")]
    previous = (month_end(parse_date(args.previous, "--previous"), "--previous")
                if args.previous is not None else None)
    if previous is not None and previous >= dates[0]:
        raise UserError(f"--previous {previous.date()} is not before --as-at {dates[0].date()}",
                        code="E344", fix="give the date of the scorecard the panel saw before this one")
    base = build_options(args, year=reporting_year(dates[0]), document="pack")
    every = [replace(base, year=reporting_year(d), as_at=pd.Timestamp(d).date(),
                     previous=previous.date() if previous is not None else (
                         (d - pd.DateOffset(months=args.every) + pd.offsets.MonthEnd(0)).date()
                         if catch_up else None))
             for d in dates]
    details = committee.load([base.data_dir, *([base.project] if base.project else [])])  # a bad pack.yaml: stop now
    if details.placeholders:
        print(f"warning: {details.file or 'the packaged config/pack.yaml'} still holds placeholders "
              f"(<...>) in: {', '.join(details.placeholders)}; the cover report shows them",
              file=sys.stderr)
    reporter = reporter_for(sys.stderr)
    results = build_packs(every, reporter) if catch_up else [build(every[0], reporter)]
    for result in results:
        report(result, timed=not catch_up)
    failed = sum(not r.ok for r in results)
    if catch_up:
        print(f"{len(results) - failed} of {len(results)} packs built in "
              f"{results[0].timings.get('total', 0):.1f} s (one data load; the notebooks run together)")
    return 1 if failed else 0
