"""Build both annual reports for one year: validate, run the notebooks, export, render.

Outputs go to OUT/YEAR/ only when every stage passed (the privacy audit included); a
failed or interrupted build leaves the previous outputs as they were. Unchanged
notebooks and renders are reused from OUT/.cache/ (--no-cache runs everything).

--as-at is read YYYY-MM-DD or day first (DD/MM/YYYY), never month first, and must fall
within the collection year --year (1 April to 31 March).

In a council's project folder (made by `cpanalytics init`; the current folder when it holds
cpanalytics.yaml, or --project DIR) the build uses the project's config/, narrative/YEAR/
and reports/ where it has them, and reads --data from its data/ folder unless given.

Exit status: 0 built, 1 build failed (validation errors, a notebook, the render, the
disclosure audit or the privacy audit), 2 a problem the message says how to fix (the options, a configuration
file, a full disk, a lock or cache of another user's), 130 interrupted (Ctrl-C, SIGTERM).

examples:
  cpanalytics build --data data/synthetic --year 2025
  cpanalytics build --data /secure/903data --year 2025 --la-name "Anyshire County Council"
  cpanalytics build --data data/synthetic --year 2025 --as-at 30/09/2024 --engine builtin
  cpanalytics build --year 2025 --project anyshire   # a folder made by cpanalytics init
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cpanalytics.errors import UserError

if TYPE_CHECKING:
    from cpanalytics.pipeline import BuildOptions, BuildResult

HELP = "build both annual reports (HTML, PDF, tables) for one year"
ENGINES = ("auto", "quarto", "builtin")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("--year", required=True, type=int, help="collection year, ending 31 March")
    parser.add_argument("--as-at", help="as-at date within --year, YYYY-MM-DD or DD/MM/YYYY "
                        "(default 31 March of --year)")
    parser.add_argument("--notebooks", type=Path, help="run every notebook in this folder (default: the notebooks the "
                        "report sources embed, from the packaged notebooks)")
    parser.add_argument("--narrative", type=Path, help="narrative folder (default: narrative/<year>/ of the "
                        "project, else of the data folder)")
    add_shared_arguments(parser, "the reports", "another build of the year")


def add_shared_arguments(parser: argparse.ArgumentParser, made: str, other: str) -> None:
    """The options ``build`` and ``pack`` share (``made``: what they build, ``other``: the
    build they may wait for, as their help names them)."""
    parser.add_argument("--data", type=Path, help="data folder (holding 903/<YYYY>/); "
                        "default: the project's data/")
    parser.add_argument("--project", type=Path, help="the council's project folder (cpanalytics init); "
                        "default: the current folder when it holds cpanalytics.yaml")
    parser.add_argument("--jobs", type=int, help="notebooks to run at once (default: number of cores)")
    parser.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out)")
    parser.add_argument("--la-name", help=f"local authority name shown in {made}")
    parser.add_argument("--engine", choices=ENGINES, default="auto", help="renderer (default: auto)")
    parser.add_argument("--no-cache", action="store_true", help="run every notebook and render again")
    parser.add_argument("--wait", action="store_true", help=f"wait for {other} to finish")
    parser.add_argument("--protection-margin", type=float, default=1.0,
                        help="how far either side of a suppressed count of 1-4 the disclosure audit requires "
                             "the range that can be worked out from the publication to reach (default: 1)")
    parser.add_argument("--cell-timeout", type=float, default=600.0,
                        help="seconds one notebook cell may run before the build fails (default: 600)")


def run(args: argparse.Namespace) -> int:
    """Run the build, print a summary; returns the exit status."""
    from cpanalytics.data.dates import check_within, parse_date
    from cpanalytics.pipeline import build
    from cpanalytics.pipeline.progress import reporter_for

    as_at = None
    if args.as_at is not None:
        as_at = parse_date(args.as_at, "--as-at")
        check_within(as_at, [args.year], "--as-at", what=f"--year {args.year}")
    options = build_options(args, year=args.year, as_at=as_at.date() if as_at is not None else None,
                            notebooks_dir=args.notebooks)
    result = build(options, reporter_for(sys.stderr))
    report(result)
    return 0 if result.ok else 1


def build_options(args: argparse.Namespace, **fields: Any) -> BuildOptions:
    """The ``BuildOptions`` of :func:`add_shared_arguments`' options (``UserError`` E407,
    E410, E411 for bad ones; E402 for no data folder outside a project) and ``fields``."""
    from cpanalytics.pipeline import BuildOptions
    from cpanalytics.render.project import find_project

    if args.jobs is not None and args.jobs < 1:
        raise UserError(f"--jobs {args.jobs} must be 1 or more", code="E407",
                        fix="give --jobs a positive number, or leave it out to use every core")
    if not args.protection_margin > 0:
        raise UserError(f"--protection-margin {args.protection_margin:g} must be more than 0", code="E410",
                        fix="give a positive number of children (1 by default; 2 for wider intervals)")
    if not 0 < args.cell_timeout < math.inf:
        raise UserError(f"--cell-timeout {args.cell_timeout:g} must be a number of seconds above 0",
                        code="E411", fix="give the seconds a cell may run (600 by default)")
    project = find_project(args.project)
    if project is not None:
        print(f"project: {project} (its config/, narrative/ and reports/ are used where it has them)",
              file=sys.stderr)
    if args.data is None and project is None:
        raise UserError("--data is required outside a project folder", code="E402",
                        fix="give --data the folder holding 903/<YYYY>/, or run in a folder made "
                            "by `cpanalytics init`")
    return BuildOptions(
        data_dir=args.data if project is None else args.data or project / "data", out=args.out,
        project=project, jobs=args.jobs, la_name=args.la_name, engine=args.engine,
        use_cache=not args.no_cache, wait=args.wait, narrative_dir=args.narrative, debug=args.debug,
        protection_margin=args.protection_margin, cell_timeout=args.cell_timeout, **fields,
    )


def report(result: BuildResult, *, timed: bool = True) -> None:
    """Print a build's messages (to stderr) and, when it passed, where it was published:
    with the time, the notebooks run and from cache, and each stage's time when ``timed``."""
    for message in result.messages:
        print(message, file=sys.stderr)
    if not result.ok:
        return
    cached = ", render from cache" if result.render_cached else ""
    if not timed:
        print(f"built {result.year_dir}{f' ({cached[2:]})' if cached else ''}")
        return
    t = result.timings
    ran = len(result.executed)
    print(f"built {result.year_dir} in {t.get('total', 0):.1f} s "
          f"({ran} notebook(s) run, {len(result.notebooks) - ran} from cache{cached})")
    print("  " + stage_times(t))


def stage_times(timings: dict[str, float]) -> str:
    """``load 2.3 s, validate 0.4 s, notebooks 4.2 s (indicators 2.9 s), ...`` (stages run)."""
    parts = []
    for stage in ("load", "validate", "notebooks", "exports", "render", "audit"):
        if stage in timings:
            part = f"{stage} {timings[stage]:.1f} s"
            if stage == "notebooks" and timings.get("indicators"):
                part += f" (indicators {timings['indicators']:.1f} s, summed over kernels)"
            parts.append(part)
    return ", ".join(parts)
