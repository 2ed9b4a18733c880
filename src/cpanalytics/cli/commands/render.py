"""Render the Corporate Parenting and IRO annual reports (HTML and PDF) for a year.

Uses the executed notebooks in OUT/YEAR/notebooks (written by `cpanalytics build`),
stages OUT/YEAR/source (a Quarto project) and writes
OUT/YEAR/corporate-parenting-YEAR.html|.pdf and OUT/YEAR/iro-annual-YEAR.html|.pdf.

Engines: quarto (the Quarto CLI), builtin (pandoc + Typst, no Quarto needed) or auto
(quarto when it is on PATH, else builtin).
"""

from __future__ import annotations

import argparse

HELP = "render the two annual reports (HTML and PDF) from built notebooks"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("--year", type=int, required=True,
                        help="collection year ending 31 March, e.g. 2025")
    parser.add_argument("--out", default="out", help="output folder (default: out)")
    parser.add_argument("--engine", choices=("auto", "quarto", "builtin"), default="auto",
                        help="rendering engine (default: auto)")
    parser.add_argument("--narrative", metavar="DIR", default=None,
                        help="folder of narrative .md files (default: reports/narrative/YEAR)")
    parser.add_argument("--la-name", default=None,
                        help="local authority name (default: from OUT/YEAR/manifest.json)")


def run(args: argparse.Namespace) -> int:
    """Stage and render both reports; warnings (e.g. missing narrative) are printed."""
    import warnings
    from pathlib import Path

    from cpanalytics.errors import UserError
    from cpanalytics.render import RenderWarning, render_reports

    notebooks = Path(args.out) / str(args.year) / "notebooks"
    if not notebooks.is_dir():
        raise UserError(
            f"no executed notebooks for {args.year} in {notebooks}",
            file=notebooks, fix="run cpanalytics build first", code="E710",
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RenderWarning)
        render_reports(args.year, args.out, engine=args.engine,
                       narrative_dir=args.narrative, la_name=args.la_name)
    return 0
