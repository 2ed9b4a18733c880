"""cpanalytics series (not built yet)."""

from __future__ import annotations

import argparse

HELP = "series (not built yet)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""


def run(args: argparse.Namespace) -> int:
    """Run the command."""
    raise NotImplementedError("series")
