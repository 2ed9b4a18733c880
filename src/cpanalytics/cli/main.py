"""The ``cpanalytics`` command line: one sub-command per module in ``cpanalytics.cli.commands``.

User errors print a clear message and exit non-zero without a traceback (``--debug``
shows one).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from types import ModuleType

from cpanalytics.about import __version__
from cpanalytics.cli.parser import Parser
from cpanalytics.errors import UserError

COMMANDS = ("init", "synth", "validate", "indicators", "explain", "series", "compare", "build",
            "pack", "render", "cache")

EXAMPLES = """\
examples:
  cpanalytics indicators --list
  cpanalytics explain PS-01
  cpanalytics indicators --data data/synthetic --as-at 31/03/2019 --id PS-01 HE-02 --by uasc
  cpanalytics build --data data/synthetic --year 2025

Run `cpanalytics COMMAND --help` for a command's options and examples.
"""


def _parser() -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    common = Parser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show Python tracebacks for errors")
    parser = Parser(
        prog="cpanalytics",
        description="Corporate Parenting and IRO annual reports from SSDA903 data.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cpanalytics {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules: dict[str, ModuleType] = {}
    for name in COMMANDS:
        module = importlib.import_module(f"cpanalytics.cli.commands.{name}")
        sp = sub.add_parser(
            name,
            parents=[common],
            help=module.HELP,
            description=module.__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sp)
        modules[name] = module
    return parser, modules


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the process exit status."""
    parser, modules = _parser()
    args = parser.parse_args(argv)
    try:
        return int(modules[args.command].run(args) or 0)
    except UserError as exc:
        if args.debug:
            raise
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        if args.debug:
            raise
        print("interrupted: nothing was changed in the output folder", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
