"""Benchmarks B1-B4 (issue "Fast at any scale"): one command, JSON + a markdown table.

    .venv/bin/python benchmarks/run.py                 # all of B1-B4
    .venv/bin/python benchmarks/run.py --only B3 --scales 1 10

B1  full cold build of the default synthetic data (notebooks + both reports, HTML + PDF)
B2  warm rebuild with nothing changed, then after editing one narrative file
B3  indicators.series for every indicator over 120 month-ends at several scales,
    with peak memory (RSS) and the scaling exponent in episodes
B4  the notebook floor: an empty notebook through papermill, times notebooks / jobs

Results go to benchmarks/results/latest.json and benchmarks/results/latest.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DATA_CACHE = ROOT / "benchmarks" / ".data"
PY = sys.executable
CLI = [PY, "-m", "cpanalytics"]
YEAR = 2025
SCALES = {"1": ["--scale", "1"], "10": ["--scale", "10"], "national": ["--las", "150"]}


def _timed(cmd: list[str], **kwargs: object) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - start


def b1_b2(jobs: int, repeats: int) -> dict[str, object]:
    """Cold builds (the median of ``repeats``, each into a new output folder, so with no
    timing history either), then a warm rebuild and a rebuild after a narrative edit."""
    narrative = Path(tempfile.mkdtemp(prefix="cpa-narr-"))
    shutil.copytree(ROOT / "data" / "synthetic" / "narrative" / str(YEAR), narrative / str(YEAR))
    outs = [Path(tempfile.mkdtemp(prefix="cpa-bench-")) for _ in range(repeats)]

    def build(out: Path) -> list[str]:
        return [*CLI, "build", "--data", "data/synthetic", "--year", str(YEAR), "--out", str(out),
                "--jobs", str(jobs), "--narrative", str(narrative / str(YEAR))]

    try:
        colds = sorted(
            (_timed([*build(out), "--no-cache"]), json.loads((out / str(YEAR) / "manifest.json").read_text()))
            for out in outs
        )
        cold, manifest = colds[len(colds) // 2]
        warm = _timed(build(outs[0]))
        first = sorted((narrative / str(YEAR)).glob("*.md"))[0]
        first.write_text(first.read_text() + "\n\nAn added sentence for the benchmark.\n")
        narrative_only = _timed(build(outs[0]))
    finally:
        for out in outs:
            shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(narrative, ignore_errors=True)
    return {
        "B1_cold_s": round(cold, 2),
        "B1_cold_runs_s": [round(c, 2) for c, _ in colds],
        "B1_stages_s": {k: round(v, 1) for k, v in manifest.get("timings", {}).items()},
        "B1_notebooks_s": {n["name"] if isinstance(n, dict) and "name" in n else k: round(
            (n.get("seconds") if isinstance(n, dict) else n) or 0, 1)
            for k, n in _notebook_items(manifest)},
        "B2_warm_s": round(warm, 2),
        "B2_narrative_only_s": round(narrative_only, 2),
    }


def b1_target(results: dict[str, object]) -> dict[str, object]:
    """B1 against its target: at most 3 x the B4 floor plus the build's own render time."""
    render = float(results["B1_stages_s"].get("render", 0.0))  # type: ignore[union-attr]
    target = 3 * float(results["B4_floor_s"]) + render  # type: ignore[arg-type]
    return {"B1_target_s": round(target, 2),
            "B1_target_met": float(results["B1_cold_s"]) <= target}  # type: ignore[arg-type]


def _notebook_items(manifest: dict) -> list[tuple[str, object]]:
    notebooks = manifest.get("notebooks", {})
    return list(notebooks.items()) if isinstance(notebooks, dict) else list(enumerate(notebooks))


def _dataset(scale: str) -> Path:
    """A synthetic data set for the scale, generated once and kept under benchmarks/.data."""
    path = DATA_CACHE / f"scale-{scale}"
    if not (path / "903").is_dir():
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run([*CLI, "synth", "--out", str(path), "--years", "2014-2025", "--seed", "2026",
                        *SCALES[scale]], check=True, cwd=ROOT)
    return path


_B3_CHILD = r"""
import json, resource, sys, time
import cpanalytics
from cpanalytics.measures.indicators import REGISTRY, series
t0 = time.perf_counter()
data = cpanalytics.load_data(sys.argv[1])
load_s = time.perf_counter() - t0
per = {}
t1 = time.perf_counter()
for indicator_id in REGISTRY:
    t = time.perf_counter()
    series(indicator_id, data, "2015-04-30", "2025-03-31", freq="M")
    per[indicator_id] = round(time.perf_counter() - t, 3)
total = time.perf_counter() - t1
print(json.dumps({"load_s": round(load_s, 2), "series_s": round(total, 2), "per_indicator_s": per,
                  "episodes": int(len(data.episodes)),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def b3(scales: list[str]) -> dict[str, object]:
    """Every indicator's 120-month series at each scale, in a fresh process (peak RSS is its own)."""
    rows = {}
    for scale in scales:
        path = _dataset(scale)
        done = subprocess.run([PY, "-c", _B3_CHILD, str(path)], check=True, cwd=ROOT,
                              capture_output=True, text=True)
        rows[scale] = json.loads(done.stdout.strip().splitlines()[-1])
    points = [(r["episodes"], r["series_s"]) for r in rows.values() if r["series_s"] > 0]
    exponent = None
    if len(points) >= 2:
        (x0, y0), (x1, y1) = points[0], points[-1]
        exponent = round(math.log(y1 / y0) / math.log(x1 / x0), 2)
    return {"B3": rows, "B3_scaling_exponent": exponent}


def b4(jobs: int) -> dict[str, object]:
    """The bare cost of one empty notebook through papermill, and the floor for all notebooks."""
    import nbformat
    import papermill

    tmp = Path(tempfile.mkdtemp(prefix="cpa-b4-"))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("pass")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    src = tmp / "empty.ipynb"
    nbformat.write(nb, src)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        papermill.execute_notebook(str(src), str(tmp / "out.ipynb"), kernel_name="python3",
                                   progress_bar=False)
        times.append(time.perf_counter() - start)
    shutil.rmtree(tmp, ignore_errors=True)
    median = sorted(times)[len(times) // 2]
    notebooks = len([p for p in (ROOT / "notebooks").glob("*.ipynb")
                     if p.stem not in ("adhoc_template", "cookbook")])
    return {"B4_empty_notebook_s": round(median, 2), "B4_notebooks": notebooks, "B4_jobs": jobs,
            "B4_floor_s": round(median * math.ceil(notebooks / jobs), 2)}


def markdown(results: dict[str, object]) -> str:
    """The results as a markdown table."""
    lines = ["| benchmark | figure |", "|---|---:|"]
    for key, value in results.items():
        if key == "B3":
            for scale, row in value.items():  # type: ignore[union-attr]
                lines.append(f"| B3 series, scale {scale} ({row['episodes']:,} episodes) | "
                             f"{row['series_s']} s, peak {row['peak_rss_mb']:,} MB "
                             f"(load {row['load_s']} s) |")
        elif isinstance(value, dict):
            inner = ", ".join(f"{k} {v}" for k, v in value.items())
            lines.append(f"| {key} | {inner} |")
        else:
            lines.append(f"| {key} | {value} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    """Run the chosen benchmarks and write the results."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", default=["B1", "B2", "B3", "B4"])
    parser.add_argument("--scales", nargs="+", default=["1", "10", "national"],
                        choices=list(SCALES))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repeats", type=int, default=3, help="cold builds for B1 (median)")
    args = parser.parse_args()
    results: dict[str, object] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores",
                                  "python": platform.python_version()}
    if "B4" in args.only:
        results.update(b4(args.jobs))
    if {"B1", "B2"} & set(args.only):
        results.update(b1_b2(args.jobs, args.repeats))
        if "B4_floor_s" in results:
            results.update(b1_target(results))
    if "B3" in args.only:
        results.update(b3(args.scales))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (RESULTS / "latest.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
