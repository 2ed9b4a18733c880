"""A catch-up of performance packs in one run (issue 17: ``cpanalytics pack --from --to --every``).

Each pack is an ordinary build (:func:`cpanalytics.pipeline.build` with ``document="pack"``: its
own lock, staging folder, cache, disclosure audit, render, privacy audit and publish), but
the packs share what does not depend on the date: the data are loaded and validated once,
one snapshot with the shared derived tables is written, and one pool of warm kernels runs
every month's notebook, each kernel reading the snapshot once for all the months it runs.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from cpanalytics.pipeline import Build, BuildOptions, BuildResult, checked, outputs, staging
from cpanalytics.pipeline.progress import PlainReporter, Reporter
from cpanalytics.pipeline.runner import NotebookJob


def pack_dates(start: pd.Timestamp, end: pd.Timestamp, every: int) -> list[pd.Timestamp]:
    """Every ``every``-th month-end from the month of ``start`` to ``end``: 30 April 2018 to
    31 March 2019 every 2 months gives April, June, August, October, December and February."""
    first = pd.Timestamp(start) + pd.offsets.MonthEnd(0)
    return list(pd.date_range(first, end, freq=f"{every}ME"))


def build_packs(options: Sequence[BuildOptions], reporter: Reporter | None = None) -> list[BuildResult]:
    """Build a pack for each of ``options`` (``document="pack"``), sharing the data load,
    validation, snapshot and kernels; each pack is published only if all its stages passed.
    Raises as :func:`cpanalytics.pipeline.build` does."""
    every = [checked(o) for o in options]
    reporter = reporter or PlainReporter()
    start = time.perf_counter()
    with contextlib.ExitStack() as stack:
        stack.enter_context(outputs.write_errors(every[0].out))
        for o in every:
            stack.enter_context(outputs.build_lock(o.home, o.slot, wait=o.wait))
        stack.enter_context(outputs.sigterm_as_interrupt())
        stack.callback(reporter.close)
        builds = []
        for o in every:
            root = staging(o)
            stack.callback(shutil.rmtree, root, ignore_errors=True)
            builds.append(Build(o, reporter, root / o.slot))
        try:
            results = _together(builds)
        finally:
            for one in builds:
                one.settle_cache()
        for one in builds:
            one.publish()
    for result in results:  # the whole run's, shared by every pack
        result.timings["total"] = time.perf_counter() - start
    return results


def _together(builds: list[Build]) -> list[BuildResult]:
    """Run every build's notebooks in one pool (the first build loads the data, validates
    it and hands the kernels its snapshot), then each build's remaining stages."""
    first = builds[0]
    plans = [one.notebook_jobs() for one in builds]
    owners = {f"{job.name}@{one.opts.slot}": (one, job) for one, (jobs, _) in zip(builds, plans, strict=True)
              for job in jobs}
    jobs: list[NotebookJob] = [replace(job, name=name) for name, (_, job) in owners.items()]
    with first.running(jobs) as pool:
        summary = first.check_inputs()
        if summary is None:
            return [first.result] + [replace(first.result, timings={}) for _ in builds[1:]]
        for one in builds:
            one.check_year(summary.years)
            one.data, one.ids = first.loaded(), first.identifiers()
            one.notebooks_started = first.notebooks_started or time.perf_counter()
        done = pool.wait() if pool is not None else {}
    results = []
    for one, (own_jobs, keys) in zip(builds, plans, strict=True):
        mine = {job.name: replace(done[f"{job.name}@{one.opts.slot}"], name=job.name) for job in own_jobs}
        one.finish_notebooks(own_jobs, keys, None, mine)
        results.append(one.complete(summary, keys))
    return results
