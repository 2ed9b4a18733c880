"""Build the Corporate Parenting Panel's performance pack for a month-end: the cover report
(summary of performance, RAG changes since the previous pack, a paragraph for each Amber
and Red indicator with the officer's explanation) and the performance report (guidance
notes, scorecard, sparklines, key activity), as HTML, PDF and Word.

It runs like `cpanalytics build` (the same notebooks -> papermill -> Quarto path, cache,
lock, staging, disclosure and privacy audits) into OUT/pack/YYYY-MM/. The previous pack is
two month-ends earlier unless --previous says otherwise. Officers' explanations go in
narrative/pack/YYYY-MM/<ID>.md of the project (or data) folder; the committee details in
config/pack.yaml.

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
import math
import sys
from pathlib import Path

from cpanalytics.errors import UserError

HELP = "build the panel's performance pack (cover report and scorecard) for a month-end"
ENGINES = ("auto", "quarto", "builtin")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("--data", type=Path, help="data folder (holding 903/<YYYY>/); "
                        "default: the project's data/")
    parser.add_argument("--project", type=Path, help="the council's project folder (cpanalytics init); "
                        "default: the current folder when it holds cpanalytics.yaml")
    parser.add_argument("--as-at", help="the scorecard's date, YYYY-MM-DD or DD/MM/YYYY (a month-end)")
    parser.add_argument("--previous", help="the date of the scorecard the panel saw last "
                        "(default: two month-ends before --as-at)")
    parser.add_argument("--from", dest="start", help="catch-up: the first pack's date")
    parser.add_argument("--to", dest="end", help="catch-up: the last date a pack may have")
    parser.add_argument("--every", type=int, default=2,
                        help="catch-up: months between packs (default: 2, the panel's cycle)")
    parser.add_argument("--jobs", type=int, help="notebooks to run at once (default: number of cores)")
    parser.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out)")
    parser.add_argument("--la-name", help="local authority name shown in the pack")
    parser.add_argument("--engine", choices=ENGINES, default="auto", help="renderer (default: auto)")
    parser.add_argument("--no-cache", action="store_true", help="run every notebook and render again")
    parser.add_argument("--wait", action="store_true", help="wait for another build of the month to finish")
    parser.add_argument("--narrative", type=Path, help="explanations folder (default: narrative/pack/"
                        "YYYY-MM/ of the project, else of the data folder)")
    parser.add_argument("--protection-margin", type=float, default=1.0,
                        help="the disclosure audit's protection interval (default: 1; see build --help)")
    parser.add_argument("--cell-timeout", type=float, default=600.0,
                        help="seconds one notebook cell may run before the pack fails (default: 600)")


def run(args: argparse.Namespace) -> int:
    """Build the pack (or the catch-up's packs), print a summary; returns the exit status."""
    from dataclasses import replace

    import pandas as pd

    from cpanalytics.cli.commands.build import stage_times
    from cpanalytics.data.dates import check_order, parse_date
    from cpanalytics.pipeline import BuildOptions, build
    from cpanalytics.pipeline.packs import build_packs, pack_dates
    from cpanalytics.pipeline.progress import reporter_for
    from cpanalytics.publish import committee
    from cpanalytics.publish.targets import reporting_year
    from cpanalytics.render.project import find_project

    if args.jobs is not None and args.jobs < 1:
        raise UserError(f"--jobs {args.jobs} must be 1 or more", code="E407",
                        fix="give --jobs a positive number, or leave it out to use every core")
    if not args.protection_margin > 0:
        raise UserError(f"--protection-margin {args.protection_margin:g} must be more than 0", code="E410",
                        fix="give a positive number of children (1 by default)")
    if not 0 < args.cell_timeout < math.inf:
        raise UserError(f"--cell-timeout {args.cell_timeout:g} must be a number of seconds above 0",
                        code="E411", fix="give the seconds a cell may run (600 by default)")
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
        start, end = parse_date(args.start, "--from"), parse_date(args.end, "--to")
        check_order(start, end, "--from", "--to")
        dates = pack_dates(start, end, args.every)
    else:
        dates = [parse_date(args.as_at, "--as-at")]
    previous = parse_date(args.previous, "--previous") if args.previous is not None else None
    if previous is not None and previous >= dates[0]:
        raise UserError(f"--previous {previous.date()} is not before --as-at {dates[0].date()}",
                        code="E344", fix="give the date of the scorecard the panel saw before this one")
    project = find_project(args.project)
    if args.data is None and project is None:
        raise UserError("--data is required outside a project folder", code="E402",
                        fix="give --data the folder holding 903/<YYYY>/, or run in a folder made "
                            "by `cpanalytics init`")
    base = BuildOptions(
        data_dir=args.data if project is None else args.data or project / "data",
        year=reporting_year(dates[0]), out=args.out, project=project, jobs=args.jobs,
        la_name=args.la_name, engine=args.engine, use_cache=not args.no_cache, wait=args.wait,
        narrative_dir=args.narrative, debug=args.debug, protection_margin=args.protection_margin,
        cell_timeout=args.cell_timeout, document="pack",
    )
    every = [replace(base, year=reporting_year(d), as_at=pd.Timestamp(d).date(),
                     previous=previous.date() if previous is not None else (
                         (d - pd.DateOffset(months=args.every) + pd.offsets.MonthEnd(0)).date()
                         if catch_up else None))
             for d in dates]
    details = committee.load([base.data_dir, *([project] if project else [])])  # a bad pack.yaml: stop now
    if details.placeholders:
        print(f"warning: {details.file or 'the packaged config/pack.yaml'} still holds placeholders "
              f"(<...>) in: {', '.join(details.placeholders)}; the cover report shows them",
              file=sys.stderr)
    reporter = reporter_for(sys.stderr)
    results = build_packs(every, reporter) if catch_up else [build(every[0], reporter)]
    for result in results:
        for message in result.messages:
            print(message, file=sys.stderr)
        if result.ok and not catch_up:
            t = result.timings
            print(f"built {result.year_dir} in {t.get('total', 0):.1f} s "
                  f"({len(result.executed)} notebook(s) run, "
                  f"{len(result.notebooks) - len(result.executed)} from cache"
                  f"{', render from cache' if result.render_cached else ''})")
            print("  " + stage_times(t))
        elif result.ok:
            print(f"built {result.year_dir}{' (render from cache)' if result.render_cached else ''}")
    failed = sum(not r.ok for r in results)
    if catch_up:
        print(f"{len(results) - failed} of {len(results)} packs built in "
              f"{results[0].timings.get('total', 0):.1f} s (one data load; the notebooks run together)")
    return 1 if failed else 0
