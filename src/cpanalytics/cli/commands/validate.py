"""cpanalytics validate: check SSDA903 returns and local extracts before building reports.

Prints a report grouped by file and rule, with row numbers and offending values.
Exit status: 0 no errors (warnings allowed); 1 errors found; 2 the input could not be
read at all (the message says which file and how to fix it).

examples:
  cpanalytics validate data/synthetic
  cpanalytics validate /secure/903data --years 2024 2025 --format json
"""

from __future__ import annotations

import argparse

HELP = "check the input data and list problems by file, rule and row"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("path", help="data root (holding 903/<YYYY>/), or one year folder")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="report format (default: text)")
    parser.add_argument("--years", type=int, nargs="+", metavar="YYYY",
                        help="only these collection years (default: all found)")


def run(args: argparse.Namespace) -> int:
    """Load, validate and print the report; 1 when there are errors."""
    from cpanalytics.data.loading import load_data
    from cpanalytics.data.validation import has_errors, validate
    from cpanalytics.data.validation.report import checked, format_json, format_text

    data = load_data(args.path, years=args.years)
    findings = validate(data)
    fmt = format_json if args.format == "json" else format_text
    print(fmt(findings, checked(data)))
    return 1 if has_errors(findings) else 0
