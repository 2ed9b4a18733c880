"""Benchmarks B1-B6 (issues "Fast at any scale", "Ad hoc answers in a second", the
performance pack): one command, JSON + a markdown table.

    .venv/bin/python benchmarks/run.py                 # all of B1-B6
    .venv/bin/python benchmarks/run.py --only B3 --scales 1 10
    .venv/bin/python benchmarks/run.py --only B5

B1  full cold build of the default synthetic data (notebooks + both reports, HTML + PDF)
B2  warm rebuild with nothing changed, then after editing one narrative file
B3  indicators.series for every indicator over 120 month-ends at several scales,
    with peak memory (RSS) and the scaling exponent in episodes
B4  the notebook floor: an empty notebook through papermill, times notebooks / jobs
B5  ad hoc answers, side by side: the floor (a Python that imports pandas and pyarrow)
    against a warm `cpanalytics indicators --id PS-01` (runs paired and alternated, the
    ratio taken pair by pair), the same uncached, a warm `load_data` of the synthetic data
    in-process, and the national-scale data (`synth --las 150`) loaded cold and warm
B6  a year of performance packs, side by side: the catch-up `pack --from 2018-04-30
    --to 2019-03-31 --every 2` (six packs, one data load) against six single `pack --as-at`
    runs, all uncached, alternated round by round

Results go to benchmarks/results/latest.json and benchmarks/results/latest.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
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


def _run_timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, cpu) seconds of one process run to its end, its start-up included."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


_B5_LOAD = r"""
import json, sys, time
t0 = time.perf_counter()
from cpanalytics import load_data
from cpanalytics.measures.derive import derived
t1, c1 = time.perf_counter(), time.process_time()
data = load_data(sys.argv[1], cache=sys.argv[2])
t2, c2 = time.perf_counter(), time.process_time()
derived(data)
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "load_cpu_s": c2 - c1,
                  "derived_s": t3 - t2, "cached": data.stored is not None,
                  "episodes": int(len(data.episodes))}))
"""


def _load_child(data_dir: Path, cache: Path, env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run([PY, "-c", _B5_LOAD, str(data_dir), str(cache)], check=True, cwd=ROOT,
                          capture_output=True, text=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def b5(runs: int) -> dict[str, object]:
    """Warm CLI against the bare import, warm and cold loads; each in a fresh process."""
    cache = Path(tempfile.mkdtemp(prefix="cpa-b5-"))
    # as an installed package runs: bytecode cached (this variable makes every run compile)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["CPANALYTICS_CACHE"] = str(cache / "user")
    floor = [PY, "-c", "import pandas, pyarrow"]
    cli = [PY, "-m", "cpanalytics", "indicators", "--data", "data/synthetic", "--as-at",
           "2019-03-31", "--id", "PS-01"]
    try:
        _run_timed(cli, env)  # fills the cache: the runs below are warm
        _run_timed(floor, env)
        pairs = [(_run_timed(cli, env), _run_timed(floor, env)) for _ in range(runs)]
        uncached = [_run_timed(cli, {**env, "CPANALYTICS_CACHE": "off"}) for _ in range(3)]
        synthetic = ROOT / "data" / "synthetic"
        _load_child(synthetic, cache / "synthetic", env)
        warm = [_load_child(synthetic, cache / "synthetic", env) for _ in range(5)]
        national = _dataset("national")
        cold_national = _load_child(national, cache / "national", env)
        warm_national = _load_child(national, cache / "national", env)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    floor_s = _median([f[0] for _, f in pairs])
    cli_s = _median([c[0] for c, _ in pairs])
    return {
        "B5_floor_import_s": round(floor_s, 3),
        "B5_floor_import_cpu_s": round(_median([f[1] for _, f in pairs]), 3),
        "B5_cli_warm_s": round(cli_s, 3),
        "B5_cli_warm_cpu_s": round(_median([c[1] for c, _ in pairs]), 3),
        "B5_cli_over_floor": round(_median([c[0] / f[0] for c, f in pairs]), 2),
        "B5_cli_target_met": _median([c[0] / f[0] for c, f in pairs]) <= 2,
        "B5_cli_uncached_s": round(_median([u[0] for u in uncached]), 3),
        "B5_load_warm_s": round(_median([w["load_s"] for w in warm]), 3),
        "B5_derived_warm_s": round(_median([w["derived_s"] for w in warm]), 3),
        "B5_load_warm_target_met": _median([w["load_s"] for w in warm]) < 0.5,
        "B5_national_episodes": cold_national["episodes"],
        "B5_national_cold_s": round(cold_national["load_s"], 2),
        "B5_national_cold_cpu_s": round(cold_national["load_cpu_s"], 2),
        "B5_national_cold_target_met": cold_national["load_s"] < 20,
        "B5_national_warm_s": round(warm_national["load_s"], 2),
        "B5_national_warm_cpu_s": round(warm_national["load_cpu_s"], 2),
        "B5_national_warm_target_met": warm_national["load_s"] < 3 and bool(warm_national["cached"]),
        "B5_national_derived_cold_s": round(cold_national["derived_s"], 2),
        "B5_national_derived_warm_s": round(warm_national["derived_s"], 2),
    }


#: B6's packs: every second month-end of 2018/19 (April, June, ..., February).
B6_DATES = ("2018-04-30", "2018-06-30", "2018-08-31", "2018-10-31", "2018-12-31", "2019-02-28")


def b6(jobs: int, rounds: int) -> dict[str, object]:
    """Six packs by one catch-up run and by six single runs, each uncached into a new output
    folder; the rounds alternate the two, and the medians are reported."""
    catch_ups, singles = [], []
    for _ in range(rounds):
        out = Path(tempfile.mkdtemp(prefix="cpa-b6-"))
        try:
            common = ["--data", "data/synthetic", "--jobs", str(jobs), "--engine", "builtin", "--no-cache"]
            catch_ups.append(_timed([*CLI, "pack", *common, "--out", str(out / "together"), "--from",
                                     B6_DATES[0], "--to", "2019-03-31", "--every", "2"],
                                    capture_output=True))
            singles.append([_timed([*CLI, "pack", *common, "--out", str(out / "single"), "--as-at", d],
                                   capture_output=True) for d in B6_DATES])
        finally:
            shutil.rmtree(out, ignore_errors=True)
    together, apart = _median(catch_ups), _median([sum(s) for s in singles])
    return {"B6_packs": len(B6_DATES), "B6_catch_up_s": round(together, 2),
            "B6_catch_up_runs_s": [round(c, 2) for c in catch_ups],
            "B6_six_singles_s": round(apart, 2),
            "B6_single_runs_s": [[round(x, 2) for x in s] for s in singles],
            "B6_singles_over_catch_up": round(apart / together, 2),
            "B6_target_met": together <= apart / 2}


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
    parser.add_argument("--only", nargs="+", default=["B1", "B2", "B3", "B4", "B5", "B6"])
    parser.add_argument("--scales", nargs="+", default=["1", "10", "national"],
                        choices=list(SCALES))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repeats", type=int, default=3, help="cold builds for B1 (median)")
    parser.add_argument("--runs", type=int, default=9, help="paired CLI and floor runs for B5 (median)")
    parser.add_argument("--rounds", type=int, default=2, help="catch-up and single-pack rounds for B6")
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
    if "B5" in args.only:
        results.update(b5(args.runs))
    if "B6" in args.only:
        results.update(b6(args.jobs, args.rounds))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (RESULTS / "latest.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
