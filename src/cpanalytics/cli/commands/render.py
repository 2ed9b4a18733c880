"""Render the Corporate Parenting and IRO annual reports (HTML, PDF and Word) for a year.

Uses the executed notebooks in OUT/YEAR/notebooks (written by `cpanalytics build`),
stages OUT/YEAR/source (a Quarto project) and writes
OUT/YEAR/corporate-parenting-YEAR.html|.pdf|.docx and OUT/YEAR/iro-annual-YEAR.html|.pdf|.docx.

In a council's project folder (cpanalytics init; the current folder when it holds
cpanalytics.yaml, or --project DIR) its narrative/YEAR/ and reports/ copies are used.

Engines: quarto (the Quarto CLI), builtin (pandoc + Typst, no Quarto needed) or auto
(quarto when it is on PATH, else builtin).

examples:
  cpanalytics render --year 2025
  cpanalytics render --year 2025 --out out --engine builtin --narrative my-narrative/2025
"""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "render the two annual reports (HTML, PDF and Word) from built notebooks"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("--year", type=int, required=True,
                        help="collection year ending 31 March, e.g. 2025")
    parser.add_argument("--out", default="out", help="output folder (default: out)")
    parser.add_argument("--engine", choices=("auto", "quarto", "builtin"), default="auto",
                        help="rendering engine (default: auto)")
    parser.add_argument("--narrative", metavar="DIR", default=None,
                        help="folder of narrative .md files (default: narrative/YEAR of the project, "
                             "else of the data folder)")
    parser.add_argument("--project", metavar="DIR", type=Path, default=None,
                        help="the council's project folder (default: the current folder when it "
                             "holds cpanalytics.yaml)")
    parser.add_argument("--la-name", default=None,
                        help="local authority name (default: from OUT/YEAR/manifest.json)")


def run(args: argparse.Namespace) -> int:
    """Stage and render both reports; warnings (e.g. missing narrative) are printed."""
    import warnings

    from cpanalytics.errors import UserError
    from cpanalytics.render import RenderWarning, render_reports
    from cpanalytics.render.project import find_project

    notebooks = Path(args.out) / str(args.year) / "notebooks"
    if not notebooks.is_dir():
        raise UserError(
            f"no executed notebooks for {args.year} in {notebooks}",
            file=notebooks, fix="run cpanalytics build first", code="E710",
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RenderWarning)
        render_reports(args.year, args.out, engine=args.engine, narrative_dir=args.narrative,
                       la_name=args.la_name, project=find_project(args.project))
    return 0
