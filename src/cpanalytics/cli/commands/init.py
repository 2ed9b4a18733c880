"""Make a council's project folder: its own config, narrative and report sources.

DIR gets config/ (targets-YEAR.yaml with every KPI's default commented out,
comparators.csv and areas.yaml as commented templates, pack.yaml; until they are filled in
the build warns that the packaged defaults are in use), narrative/YEAR/ (a placeholder for each section
the reports include), reports/ (the report sources, styles and templates, to edit),
data/ (where the SSDA903 returns go), cpanalytics.yaml (marks the folder) and a README.md
saying what to edit. `cpanalytics build` run inside DIR, or given --project DIR, uses
these copies.

An existing folder with anything in it is refused unless --force, which writes the
project's files into it, replacing any of the same name.

examples:
  cpanalytics init anyshire
  cpanalytics init anyshire --year 2025 --force
"""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "make a council's project folder (config, narrative, report sources) to edit"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("dir", type=Path, metavar="DIR", help="the folder to make")
    parser.add_argument("--year", type=int, help="collection year (ending 31 March) of the "
                        "narrative and targets files (default: the latest ended)")
    parser.add_argument("--force", action="store_true",
                        help="write into a folder that is not empty, replacing files of the same name")


def run(args: argparse.Namespace) -> int:
    """Write the project and list what was made."""
    from datetime import date

    from cpanalytics.errors import UserError
    from cpanalytics.render.project import current_year, scaffold

    year = args.year or current_year(date.today())
    if not 2000 <= year <= date.today().year + 1:
        raise UserError(f"--year {year} is not a collection year", code="E401",
                        fix=f"give the year the collection ends (31 March), between 2000 and "
                            f"{date.today().year + 1}")
    created, replaced = scaffold(args.dir, year, force=args.force)
    print(f"made the cpanalytics project {args.dir} for {year}:")
    for name in sorted(created + replaced):
        print(f"  {name}{' (replaced)' if name in replaced else ''}")
    print(
        f"\nNext: put the SSDA903 returns in {args.dir / 'data'} (see data/README.md), edit "
        f"config/ and narrative/{year}/, then\n"
        f"  cd {args.dir} && cpanalytics build --year {year} --la-name \"Your Council\""
    )
    return 0
