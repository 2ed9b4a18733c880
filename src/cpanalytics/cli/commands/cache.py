"""Show or clear the caches.

The loaded-data cache keeps each data folder's stitched tables as Parquet, so the next load
of the same unchanged files takes a fraction of a second. It holds child-level data,
readable by you only (files 600, folders 700). The CLI and notebooks keep it in
$CPANALYTICS_CACHE, else $XDG_CACHE_HOME/cpanalytics/data, else ~/.cache/cpanalytics/data
(CPANALYTICS_CACHE=off loads without it); a build keeps it in OUT/.cache/data, beside the
build cache (OUT/.cache/YEAR: executed notebooks and renders).

`clear` deletes the loaded-data cache, and with --out that folder's .cache too: the build
and pack caches and the builds' loaded-data cache (refused while any build or pack into
OUT is running: it takes each one's lock). Published outputs (OUT/YEAR, OUT/pack) are never
touched.

examples:
  cpanalytics cache show
  cpanalytics cache clear
  cpanalytics cache clear --out out
"""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "show or clear the loaded-data and build caches"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("action", choices=("show", "clear"), help="show where the caches are, or clear them")
    parser.add_argument("--out", type=Path, help="a build's output folder: its .cache too")


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def run(args: argparse.Namespace) -> int:
    """Print the cache folders and their sizes, or delete them."""
    import contextlib

    from cpanalytics.data import store
    from cpanalytics.pipeline import outputs

    user = store.default_root()
    folders = [("loaded data (CLI and notebooks)", user)] if user is not None else []
    if args.out is not None:
        folders.append(("build (loaded data, notebooks, renders)", args.out / ".cache"))
    if user is None:
        print(f"loaded data (CLI and notebooks): not cached ({store.ENV}=off)")
    for label, folder in folders:
        if args.action == "show":
            print(f"{label}: {folder} ({_size(folder) / 1e6:.1f} MB)")
            continue
        with outputs.every_build_lock(args.out) if folder == args.out / ".cache" else contextlib.nullcontext():
            freed = store.clear(folder)
        print(f"cleared {label}: {folder} ({freed / 1e6:.1f} MB)")
    return 0
