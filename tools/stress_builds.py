"""Cold builds in a row while other processes keep every core busy (issue 14: "20 cold
builds in a row while another process keeps both cores busy: all 20 pass").

Each build is ``cpanalytics build --no-cache`` into a new output folder, with a time limit;
it passes when it exits 0 and its manifest says every notebook ran ok. Busy loops (one per
core by default, at normal priority) run for the whole time.

Usage: ``python tools/stress_builds.py [--builds 20] [--busy N] [--data data/synthetic]
[--year 2025] [--jobs N] [--json FILE]``. Prints one line per build and a summary; exit 1
unless every build passed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BUSY_LOOP = "while True: pass"


def one_build(data: Path, year: int, jobs: int | None, timeout: float) -> dict[str, Any]:
    """One cold build into a new folder: passed or not, seconds, and why it failed."""
    out = Path(tempfile.mkdtemp(prefix="cpa-stress-"))
    command = [sys.executable, "-m", "cpanalytics", "build", "--data", str(data), "--year", str(year),
               "--out", str(out), "--no-cache", *(["--jobs", str(jobs)] if jobs else [])]
    start = time.perf_counter()
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        seconds = time.perf_counter() - start
        manifest = out / str(year) / "manifest.json"
        notebooks = json.loads(manifest.read_text())["notebooks"] if manifest.is_file() else {}
        ok = run.returncode == 0 and bool(notebooks) and all(n["ok"] for n in notebooks.values())
        retried = {name: n["retried"] for name, n in notebooks.items() if n.get("retried")}
        problem = "" if ok else f"exit {run.returncode}: " + " | ".join(run.stderr.strip().splitlines()[-6:])
    except subprocess.TimeoutExpired:
        seconds, ok, retried, problem = time.perf_counter() - start, False, {}, f"over {timeout:g} s"
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {"ok": ok, "seconds": round(seconds, 2), "retried": retried, "problem": problem}


def main(argv: list[str] | None = None) -> int:
    """Run the builds with the cores kept busy; print each and the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builds", type=int, default=20)
    parser.add_argument("--busy", type=int, default=os.cpu_count() or 1, help="busy loops (default: one per core)")
    parser.add_argument("--data", type=Path, default=Path("data/synthetic"))
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--jobs", type=int, help="passed to build --jobs")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds one build may take")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    loops = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(args.busy)]
    results: list[dict[str, Any]] = []
    try:
        for number in range(1, args.builds + 1):
            result = one_build(args.data.resolve(), args.year, args.jobs, args.timeout)
            results.append(result)
            note = "passed" if result["ok"] else f"FAILED ({result['problem']})"
            extra = f"; retried: {result['retried']}" if result["retried"] else ""
            print(f"build {number}/{args.builds}: {note} in {result['seconds']} s{extra}", flush=True)
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()
    times = [r["seconds"] for r in results]
    passed = sum(1 for r in results if r["ok"])
    summary = {"builds": len(results), "passed": passed, "busy_loops": args.busy,
               "median_s": round(statistics.median(times), 2), "min_s": min(times), "max_s": max(times),
               "results": results}
    print(f"{passed}/{len(results)} builds passed with {args.busy} busy loop(s); seconds: median "
          f"{summary['median_s']}, min {summary['min_s']}, max {summary['max_s']}")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
