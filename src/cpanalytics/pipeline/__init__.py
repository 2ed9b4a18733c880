"""The build: validate, run the notebooks, export tables, render, audit, publish.

:func:`build` runs every stage into a staging folder next to the target and moves it to
``<out>/<year>/`` only when every stage passed, the privacy audit included.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, cast

from cpanalytics.about import DEFAULT_LA_NAME
from cpanalytics.errors import Finding, UserError
from cpanalytics.pipeline import cache as cache_mod
from cpanalytics.pipeline import disclosure_audit, inputs, outputs, privacy, rendering
from cpanalytics.pipeline.exports import table_captions, write_spreadsheet
from cpanalytics.pipeline.fingerprint import code_version, digest, file_sha256, tree_hashes
from cpanalytics.pipeline.manifest import build_manifest, notebook_record, write_manifest
from cpanalytics.pipeline.progress import PlainReporter, Reporter
from cpanalytics.pipeline.runner import KernelPool, NotebookJob, NotebookResult
from cpanalytics.publish import targets as config
from cpanalytics.publish import tidy
from cpanalytics.publish.pack import month_end
from cpanalytics.publish.pack import previous_date as pack_previous
from cpanalytics.publish.targets import packaged_defaults_in_use
from cpanalytics.publish.wording import listing
from cpanalytics.render.pack import narrative_dir as pack_narrative_dir
from cpanalytics.render.project import check_project
from cpanalytics.render.stage import (
    PACK,
    REPORTS,
    default_narrative_dir,
    report_sources,
    sources_root,
)
from cpanalytics.runtime import snapshot

__all__ = ["Build", "BuildOptions", "BuildResult", "build", "checked", "embedded_notebooks",
           "report_notebooks", "staging"]

#: Notebooks whose names start with these are analysts' templates, never built.
NOT_BUILT = ("adhoc", "_")
EMBED = re.compile(r"\{\{<\s*embed\s+notebooks/([\w-]+)\.ipynb")


def embedded_notebooks(sources: Path | dict[str, Path]) -> list[str]:
    """Names of the notebooks the report sources embed, sorted: every ``*.qmd`` in a
    folder, or those of :func:`~cpanalytics.render.stage.report_sources`."""
    qmds = sources.glob("*.qmd") if isinstance(sources, Path) else (
        p for name, p in sources.items() if name.endswith(".qmd"))
    return sorted({n for q in qmds for n in EMBED.findall(q.read_text(encoding="utf-8"))})


def report_notebooks(folder: Path, names: tuple[str, ...] | None = None) -> list[Path]:
    """The notebooks a build runs: ``names`` from ``folder``, else every ``*.ipynb`` in it
    except ``NOT_BUILT`` ones. ``UserError`` E406 when one is missing or there are none."""
    paths = (
        [folder / f"{n}.ipynb" for n in names] if names is not None
        else sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith(NOT_BUILT))
    )
    missing = [p.name for p in paths if not p.is_file()]
    if missing or not paths:
        raise UserError(
            f"notebook(s) not found in {folder}: {', '.join(missing)}" if missing
            else f"no notebooks (*.ipynb) in {folder}",
            file=folder, code="E406",
            fix="give --notebooks the folder of notebooks, correct the report source's embed, or "
                "reinstall cpanalytics (its packaged notebooks are missing)",
        )
    return paths


@dataclass(frozen=True)
class BuildOptions:
    """Everything ``cpanalytics build`` takes (see the command's ``--help``)."""

    data_dir: Path
    year: int
    out: Path = Path("out")
    as_at: date | None = None
    jobs: int | None = None
    la_name: str | None = None
    engine: str = "auto"
    use_cache: bool = True
    wait: bool = False
    notebooks_dir: Path | None = None
    notebooks: tuple[str, ...] | None = None
    narrative_dir: Path | None = None
    #: The council's project folder (``cpanalytics init``): its config, narrative and
    #: report sources are used where it has them (``--project``).
    project: Path | None = None
    render: bool = True
    debug: bool = False
    #: Seconds one notebook cell may run before the build fails (``--cell-timeout``).
    cell_timeout: float | None = 600.0
    #: How far either side of a suppressed small count the disclosure audit requires the
    #: range an intruder can work out to reach (``--protection-margin``).
    protection_margin: float = 1.0
    #: What is built: ``annual`` (both annual reports, into ``<out>/<year>/``) or ``pack``
    #: (the panel's performance pack for the month of ``as_at``, into ``<out>/pack/<YYYY-MM>/``).
    document: str = "annual"
    #: The pack's previous scorecard date (default: two month-ends before ``as_at``).
    previous: date | None = None

    @property
    def home(self) -> Path:
        """The folder the build publishes into (and holds its lock and staging in)."""
        return self.out / "pack" if self.document == "pack" else self.out

    @property
    def slot(self) -> str:
        """The build's own folder in :attr:`home`: ``2025``, or the pack's ``2018-08``."""
        return f"{self.as_at:%Y-%m}" if self.document == "pack" else str(self.year)

    @property
    def cache_name(self) -> str:
        """The build's cache, ``<out>/.cache/<name>/``: ``2025``, or ``pack-2018-08``."""
        return f"pack-{self.slot}" if self.document == "pack" else self.slot


@dataclass
class BuildResult:
    """The outcome: ``ok``, what ran or came from cache, and why a failed build failed."""

    ok: bool
    year_dir: Path | None = None
    notebooks: dict[str, NotebookResult] = field(default_factory=dict)
    validation_errors: list[Finding] = field(default_factory=list)
    leaks: list[privacy.Leak] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    render_cached: bool = False
    manifest: dict[str, Any] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    @property
    def executed(self) -> list[str]:
        """Notebooks actually run in this build (not taken from the cache)."""
        return sorted(n for n, r in self.notebooks.items() if not r.cached)


def checked(options: BuildOptions) -> BuildOptions:
    """Options with defaults filled in; ``UserError`` E401/E402/E406 for bad ones, E345 for
    a pack's date that is not a month-end, E32x for a bad configuration file."""
    this_year = date.today().year
    if not 2000 <= options.year <= this_year + 1:
        raise UserError(
            f"--year {options.year} is not a collection year", code="E401",
            fix=f"give the year the collection ends (31 March), between 2000 and {this_year + 1}",
        )
    if not options.data_dir.is_dir():
        raise UserError(
            f"data folder not found: {options.data_dir}", file=options.data_dir, code="E402",
            fix="give --data the folder holding 903/<YYYY>/ (and optionally local/, config/)",
        )
    project = check_project(options.project) if options.project is not None else None
    config.load([options.data_dir, *([project] if project else [])], options.year)  # a bad targets or areas file: one message, no lock held
    notebooks_dir, names = options.notebooks_dir, options.notebooks
    if notebooks_dir is None:  # the packaged notebooks: those the document's sources embed
        notebooks_dir = sources_root() / "notebooks"
        stems = PACK if options.document == "pack" else REPORTS
        sources = {k: v for k, v in report_sources(project).items() if Path(k).stem in stems}
        names = names or tuple(embedded_notebooks(sources)) or None
    report_notebooks(notebooks_dir, names)
    as_at = options.as_at or date(options.year, 3, 31)
    if options.document == "pack":
        month_end(as_at, "--as-at")
        if options.previous is not None:
            month_end(options.previous, "--previous")
    narrative = options.narrative_dir or (
        pack_narrative_dir(as_at, options.data_dir, project) if options.document == "pack"
        else default_narrative_dir(options.year, options.data_dir, project))
    return replace(
        options, data_dir=options.data_dir.resolve(), out=options.out.resolve(), as_at=as_at,
        jobs=options.jobs or os.cpu_count() or 1, notebooks_dir=notebooks_dir.resolve(), notebooks=names,
        narrative_dir=narrative.resolve(), project=project,
    )


def build(options: BuildOptions, reporter: Reporter | None = None) -> BuildResult:
    """Run the whole build for one year; the previous outputs change only if it succeeds.

    Raises ``UserError`` for bad options, a held lock, a full disk or an output file of
    another user's, ``KeyboardInterrupt`` on Ctrl-C or SIGTERM (after cleaning up).
    Returns a failed ``BuildResult`` for validation errors, notebook failures, a
    disclosure audit that cannot protect a count, and privacy-audit findings.
    """
    opts = checked(options)
    reporter = reporter or PlainReporter()
    start = time.perf_counter()
    with (outputs.write_errors(opts.out), outputs.build_lock(opts.home, opts.slot, wait=opts.wait),
          outputs.sigterm_as_interrupt()):
        root = staging(opts)
        try:
            one = Build(opts, reporter, root / opts.slot)
            try:
                result = one.run()
            finally:
                one.settle_cache()
            one.publish()
        finally:
            shutil.rmtree(root, ignore_errors=True)
            reporter.close()
    result.timings["total"] = time.perf_counter() - start
    return result


def staging(opts: BuildOptions) -> Path:
    """A new staging folder for a build of ``opts`` (:func:`checked`, its lock held), after
    recovering what a crashed build left and checking the cache can be written."""
    outputs.recover(opts.home, opts.slot)
    outputs.check_writable(opts.out / ".cache" / opts.cache_name)
    return outputs.new_staging(opts.home, opts.slot)


class Build:
    """One build's state while its stages run (a staging folder, the cache, timings):
    :func:`build` runs one with :meth:`run`; ``pipeline.packs`` runs several with one pool."""

    def __init__(self, opts: BuildOptions, reporter: Reporter, year_dir: Path) -> None:
        self.opts = opts
        self.reporter = reporter
        self.dir = year_dir
        self.cache = cache_mod.Cache(opts.out / ".cache" / opts.cache_name, read=opts.use_cache,
                                     hold=True, notice=reporter.stage)
        self.result = BuildResult(ok=False)
        self.timings = self.result.timings
        self.code = code_version()
        self.analysis_code = code_version(analysis_only=True)
        self.input_hashes = inputs.hashes(opts.data_dir, opts.project)
        self.data: Any = None
        self.ids: privacy.Identifiers | None = None
        self.la_name = opts.la_name or DEFAULT_LA_NAME
        self.render_warnings: list[str] = []
        self.notebooks_started = 0.0
        self.restored: dict[str, NotebookResult] = {}
        self.disclosure: dict[str, Any] = {}

    def timed(self, stage: str, started: float) -> None:
        self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - started

    def parameters(self) -> dict[str, Any]:
        """The papermill parameters every notebook gets (``output_dir`` is added per notebook)."""
        o = self.opts
        previous = {"previous": (o.previous or pack_previous(cast(date, o.as_at).isoformat()).date()).isoformat()}
        return {  # as_at, like notebooks_dir and narrative_dir, is filled in by checked
            "data_dir": str(o.data_dir), "year": o.year, "as_at": cast(date, o.as_at).isoformat(),
            "la_name": self.la_name, "suppress": True, **(previous if o.document == "pack" else {}),
        }

    # -- stages ---------------------------------------------------------------------------

    def loaded(self) -> Any:
        """The loaded data (loaded once, only when a stage needs it)."""
        if self.data is None:
            self.reporter.stage("load: reading the data")
            started = time.perf_counter()
            self.data = inputs.load(self.opts.data_dir, self.opts.project,  # --no-cache: no data cache
                                    cache=self.opts.use_cache and self.opts.out / ".cache" / "data")
            self.timed("load", started)
        return self.data

    def identifiers(self) -> privacy.Identifiers:
        """The child identifiers in the data, for redaction and the privacy audit."""
        if self.ids is None:
            self.ids = privacy.Identifiers.from_data(self.loaded())
        return self.ids

    def settle_cache(self) -> None:
        """Admit the pending cache entries: all of them after a passed audit; otherwise
        only those that pass the privacy audit themselves (nothing unaudited is kept)."""
        if self.result.ok:
            self.cache.commit()
        elif self.data is None or not self.cache.pending:
            self.cache.discard()
        else:
            ids = self.identifiers()
            self.cache.commit(admit=lambda entry: not privacy.audit(entry, ids))

    def publish(self) -> None:
        """Move the staged build into place (``<out>/<year>/``, the pack's
        ``<out>/pack/<YYYY-MM>/``) when every stage passed."""
        o = self.opts
        if self.result.ok:
            self.result.year_dir = outputs.publish(self.dir, o.home, o.slot)
            shutil.rmtree(o.home / f".failed-{o.slot}", ignore_errors=True)

    def check_inputs(self) -> inputs.InputSummary | None:
        """Validate (or reuse the validation of identical inputs); ``None`` on errors."""
        key = digest(["inputs", self.input_hashes, self.analysis_code])
        hit = self.cache.meta("inputs", "validation", key)
        if hit:
            self.reporter.stage("validate: inputs unchanged since the last build (cached)")
            return inputs.InputSummary(**hit["summary"])
        data = self.loaded()
        self.reporter.stage("validate: checking the data")
        started = time.perf_counter()
        findings = inputs.validate(data)
        self.timed("validate", started)
        errors = [f for f in findings if f.severity == "error"]
        if errors:
            self.result.validation_errors = errors
            self.result.messages.append(inputs.validation_report(findings))
            return None
        warnings = inputs.group_findings(
            [f for f in findings if f.severity != "error"],
            redact=lambda text: privacy.redact(text, self.identifiers()), root=self.opts.data_dir,
        )
        summary = inputs.summarise(data, self.opts.data_dir, warnings)
        self.cache.put("inputs", "validation", key, lambda folder: None, {"summary": summary.__dict__})
        return summary

    def notebook_jobs(self) -> tuple[list[NotebookJob], dict[str, str]]:
        """A job per notebook, slowest last time first, and each notebook's cache key.

        Cache hits are restored into ``self.restored``, not queued.
        """
        params = self.parameters()
        (self.dir / "notebooks").mkdir(parents=True, exist_ok=True)
        jobs, keys = [], {}
        for source in report_notebooks(cast(Path, self.opts.notebooks_dir), self.opts.notebooks):
            name = source.stem
            key = keys[name] = digest(
                ["notebook", file_sha256(source), params, self.input_hashes, self.analysis_code],
            )
            executed = self.dir / "notebooks" / f"{name}.ipynb"
            work = self.dir / ".work" / name
            entry = self.cache.get("notebooks", name, key)
            if entry is not None:
                cache_mod.restore(entry, {"executed.ipynb": executed, "work": work})
                meta = self.cache.meta("notebooks", name, key)
                self.restored[name] = NotebookResult(
                    name, ok=True, seconds=meta.get("seconds", 0.0), output=executed,
                    cells=meta.get("cells", 0), cached=True,
                )
                continue
            jobs.append(NotebookJob(name, source, executed, work, {**params, "output_dir": str(work)},
                                    cell_timeout=self.opts.cell_timeout))
        return sorted(jobs, key=lambda job: -self.cache.last_seconds("notebooks", job.name)), keys

    def kernel_pool(self, jobs: list[NotebookJob]) -> KernelPool:
        """Kernels for ``jobs``, started now so they warm up while the data load."""
        return KernelPool(
            min(self.opts.jobs or 1, len(jobs)), self.dir / ".work",
            {snapshot.ENV: str(self.snapshot_path)}, self.reporter.notebook,
        )

    @contextlib.contextmanager
    def running(self, jobs: list[NotebookJob]) -> Iterator[KernelPool | None]:
        """A pool of kernels running ``jobs`` on this build's data (:meth:`start_notebooks`),
        ``None`` when there are none; the kernels stop on leaving, a Ctrl-C while they
        start included."""
        if not jobs:
            yield None
            return
        pool = self.kernel_pool(jobs)
        with contextlib.ExitStack() as stack:
            stack.push(pool)  # its exit before its start: a Ctrl-C while it starts still stops it
            pool.__enter__()
            self.start_notebooks(pool, jobs)
            yield pool

    @property
    def snapshot_path(self) -> Path:
        return self.dir / ".work" / "_snapshot.pkl"

    def start_notebooks(self, pool: KernelPool, jobs: list[NotebookJob]) -> None:
        """Load the data, hand the notebooks a snapshot and start them (validation runs
        meanwhile; its errors stop the build and discard the notebooks' work)."""
        data = self.loaded()
        self.check_year(data.years)
        cached = sorted(self.restored)
        self.reporter.stage(
            f"notebooks: running {len(jobs)} with up to {pool.size} at once"
            + (f"; {len(cached)} unchanged, from cache ({', '.join(cached)})" if cached else "")
        )
        self.notebooks_started = time.perf_counter()
        snapshot.save(data, self.snapshot_path)
        pool.start(jobs)

    def check_year(self, years: list[int] | set[int]) -> None:
        """``UserError`` E404 when the data have no return for the build's year."""
        o = self.opts
        if o.year not in years:
            raise UserError(
                f"the data has no SSDA903 return for {o.year} (years found: "
                f"{', '.join(map(str, sorted(years))) or 'none'})", file=o.data_dir, code="E404",
                fix=f"add the {o.year} return under {o.data_dir / '903' / str(o.year)}, or choose another --year",
            )

    def finish_notebooks(self, jobs: list[NotebookJob], keys: dict[str, str], pool: KernelPool | None,
                         results: dict[str, NotebookResult] | None = None) -> None:
        """Wait for the notebooks (or take their ``results``, run in a pool shared with other
        builds: ``pipeline.packs``); collect their JSON and tables; cache successes."""
        if pool is None and results is None:
            self.reporter.stage(f"notebooks: all {len(self.restored)} unchanged, from cache")
            self.notebooks_started = time.perf_counter()
        if results is None:
            results = pool.wait() if pool is not None else {}
        self.result.notebooks.update({**self.restored, **results})
        self.timings["indicators"] = sum(r.indicator_seconds or 0.0 for r in results.values())
        for job in jobs:
            r = results[job.name]
            if r.ok:
                self.cache.put(
                    "notebooks", job.name, keys[job.name],
                    cache_mod.copy_into({"executed.ipynb": job.output, "work": job.work_dir}),
                    {"seconds": r.seconds, "cells": r.cells},
                )
        self.collect_work()
        self.timed("notebooks", self.notebooks_started)

    def collect_work(self) -> None:
        """Move what each notebook wrote: ``<name>.json`` to notebooks/, tables to tables/
        (their tidy numbers to tables/tidy/)."""
        work = self.dir / ".work"
        tables = self.dir / "tables"
        (tables / tidy.DIR).mkdir(parents=True, exist_ok=True)
        for folder in sorted(p for p in work.iterdir() if p.is_dir()) if work.exists() else []:
            for csv in sorted((folder / "tables").glob("*.csv")):
                shutil.copy2(csv, tables / csv.name)
            for csv in sorted((folder / "tables" / tidy.DIR).glob("*.csv")):
                shutil.copy2(csv, tables / tidy.DIR / csv.name)
            for item in folder.iterdir():
                if item.name != "tables" and item.is_file():
                    shutil.copy2(item, self.dir / "notebooks" / item.name)

    def failed_notebooks(self) -> list[NotebookResult]:
        """Failures, with their executed copies and the kernels' logs (a crashed kernel's
        last words) kept in ``<out>/.failed-<year>/``; then the work folder goes."""
        failed = [r for r in self.result.notebooks.values() if not r.ok]
        work = self.dir / ".work"
        if failed:
            keep = self.opts.home / f".failed-{self.opts.slot}"
            shutil.rmtree(keep, ignore_errors=True)
            keep.mkdir(parents=True)
            for r in failed:
                if r.output.exists():
                    shutil.copy2(r.output, keep / r.output.name)
                r.output = keep / r.output.name
            for log in sorted(work.glob("kernel-*.log")):
                shutil.copy2(log, keep / log.name)
        shutil.rmtree(work, ignore_errors=True)
        return failed

    def export_tables(self) -> None:
        """Write the accessible spreadsheet of every published CSV (reused if the CSVs are
        unchanged); each table's tidy numbers are already in ``tables/tidy/``."""
        started = time.perf_counter()
        tables = self.dir / "tables"
        csvs = sorted(tables.glob("*.csv"))
        xlsx = f"cpanalytics-{self.opts.cache_name}.xlsx"
        captions = table_captions(sorted((self.dir / "notebooks").glob("*.ipynb")))
        key = digest(["tables", tree_hashes(tables), captions, self.la_name, self.opts.year, self.code])
        entry = self.cache.get("tables", "xlsx", key)
        if csvs and entry is not None:
            cache_mod.restore(entry, {xlsx: tables / xlsx})
        elif csvs:
            self.reporter.stage(f"tables: {len(csvs)} CSV files and {xlsx}")
            write_spreadsheet(csvs, tables / xlsx, year=self.opts.year, la_name=self.la_name, captions=captions)
            self.cache.put("tables", "xlsx", key, cache_mod.copy_into({xlsx: tables / xlsx}), {})
        self.timed("exports", started)

    def render(self, keys: dict[str, str]) -> None:
        """Render the reports, or reuse the last render when none of its inputs changed."""
        o = self.opts
        if not o.render:
            return
        if not rendering.renderer_available():
            self.reporter.stage("render: skipped (cpanalytics.render.render_reports is not available)")
            return
        started = time.perf_counter()
        key = digest(["render", keys, self.input_hashes, self.code, self.la_name, o.engine,
                      rendering.render_sources_hash(cast(Path, o.narrative_dir), o.project),
                      self.disclosure.get("extra_suppressions")])  # they depend on the margin too
        entry = self.cache.get("render", "reports", key)
        if entry is not None:
            meta = self.cache.meta("render", "reports", key)
            cache_mod.restore(entry, {f: self.dir / f for f in meta["files"]})
            self.render_warnings = meta.get("warnings", [])
            self.result.render_cached = True
            self.reporter.stage("render: report sources unchanged (cached)")
        else:
            self.reporter.stage(f"render: HTML, PDF and Word ({o.engine} engine)")
            before = {p for p in self.dir.rglob("*") if p.is_file()}
            self.render_warnings = rendering.render(
                self.dir, year=o.year, la_name=self.la_name, engine=o.engine,
                narrative_dir=cast(Path, o.narrative_dir), project=o.project,
                document=rendering.document(o.document, o.year, o.as_at, self.parameters().get("previous")),
            )
            made = sorted(  # tables/ is the spreadsheet's, written meanwhile (export_tables)
                p.relative_to(self.dir).as_posix() for p in self.dir.rglob("*")
                if p.is_file() and p not in before and not p.is_relative_to(self.dir / "tables"))
            self.cache.put("render", "reports", key, cache_mod.copy_into({f: self.dir / f for f in made}),
                           {"files": made, "warnings": self.render_warnings})
        self.timed("render", started)

    def audit(self) -> dict[str, Any]:
        """Privacy audit of every staged file (skipped when these exact files passed before)."""
        staged = {k: v for k, v in tree_hashes(self.dir).items() if k != "manifest.json"}
        key = digest(["audit", self.input_hashes, self.code, staged])
        hit = self.cache.meta("audit", "outputs", key)
        if hit:
            self.reporter.stage("privacy audit: outputs identical to an audited build (cached)")
            return {**hit["summary"], "cached": True}
        ids = self.identifiers()
        self.reporter.stage("privacy audit: checking every output for child identifiers")
        started = time.perf_counter()
        self.result.leaks = privacy.audit(self.dir, ids)
        summary = {
            "files_checked": sum(1 for p in self.dir.rglob("*") if p.is_file()),
            "identifiers_found": len(self.result.leaks),
            "short_ids_not_checked": ids.skipped_short_ids,
            "min_id_length": privacy.MIN_ID_LENGTH,
        }
        if not self.result.leaks:
            self.cache.put("audit", "outputs", key, lambda folder: None, {"summary": summary})
        self.timed("audit", started)
        return {**summary, "cached": False}

    # -- whole-publication disclosure audit (cpanalytics.publish.publication_audit) -------------------

    def audit_disclosure(self) -> bool:
        """Audit every figure the notebooks published, hiding more cells where a suppressed
        count could be worked out; False (with the message) when that cannot protect it.
        Skipped when a notebook failed. Reads the sidecars in ``.work`` (never published)."""
        if any(not r.ok for r in self.result.notebooks.values()):
            return True
        started = time.perf_counter()
        self.reporter.stage("disclosure audit: checking what the published figures reveal")
        self.disclosure, message = disclosure_audit.run(
            self.dir, self.dir / ".work", disclosure_audit.Protection(margin=self.opts.protection_margin))
        self.timed("disclosure_audit", started)
        if message:
            self.result.messages.append(message)
        return message is None

    # -- the whole build --------------------------------------------------------------------

    def run(self) -> BuildResult:
        """Run the stages in order; stop at the first that fails.

        The notebooks' kernels start first, and the notebooks run while the data are
        validated; their results count only when validation passes.
        """
        o = self.opts
        defaults = packaged_defaults_in_use([o.data_dir, *([o.project] if o.project else [])], o.year)
        if defaults:
            self.reporter.stage(
                "config: using the packaged defaults from the Kent seed packs for "
                + listing(defaults) + f"; put your council's own in {(o.project or o.data_dir) / 'config'}/"
            )
        jobs, keys = self.notebook_jobs()
        with self.running(jobs) as pool:
            summary = self.check_inputs()
            if summary is None:
                return self.result
            self.check_year(summary.years)
            if pool is not None:
                self.identifiers()  # for the audit, while the notebooks run
            self.finish_notebooks(jobs, keys, pool)
        return self.complete(summary, keys)

    def complete(self, summary: inputs.InputSummary, keys: dict[str, str]) -> BuildResult:
        """The stages after the notebooks: the disclosure audit, exports, render and the
        privacy audit; ``ok`` when every one passed."""
        o = self.opts
        if not self.audit_disclosure():
            self.failed_notebooks()
            return self.result
        failed = self.failed_notebooks()
        outputs.check_space(failed, self.opts.out)
        if failed:
            self.result.messages.append(
                f"{len(failed)} notebook(s) failed; nothing was published and the previous "
                f"outputs are unchanged:\n" + "\n".join("  " + r.describe() for r in failed)
            )
            return self.result
        tables = sorted(p.name for p in (self.dir / "tables").glob("*.csv"))
        parameters = {**self.parameters(), "jobs": o.jobs, "engine": o.engine, "cache": o.use_cache}
        records = {n: notebook_record(r, keys[n]) for n, r in sorted(self.result.notebooks.items())}

        def manifest(extra: dict[str, Any] | None = None) -> dict[str, Any]:
            return build_manifest(
                parameters=parameters, inputs=summary, code_version=self.code,
                notebooks=records, timings=self.timings, tables=tables, extra=extra,
            )

        write_manifest(self.dir / "manifest.json", manifest())
        with ThreadPoolExecutor(max_workers=1) as side:
            beside = side.submit(self.export_tables)  # the spreadsheet, while the reports render
            try:
                self.render(keys)
            except UserError:
                raise
            except Exception as exc:  # a renderer crash fails the build like a notebook error
                self.result.messages.append(
                    f"render failed: {type(exc).__name__}: {exc}; nothing was published and the "
                    "previous outputs are unchanged (run with --debug for the traceback)"
                )
                if self.opts.debug:
                    raise
                return self.result
            beside.result()
        write_manifest(self.dir / "manifest.json", manifest())
        audit = self.audit()
        if self.result.leaks:
            shown = "\n".join(f"  {leak}" for leak in self.result.leaks[:20])
            more = len(self.result.leaks) - 20
            self.result.messages.append(
                f"privacy audit FAILED: {len(self.result.leaks)} child identifier(s) in the outputs; "
                "nothing was published:\n" + shown + (f"\n  ... and {more} more" if more > 0 else "")
            )
            return self.result
        reports = {p.name: file_sha256(p) for p in sorted(self.dir.glob("*"))
                   if p.suffix in (".html", ".pdf", ".docx")}  # the published documents
        self.result.manifest = manifest({"privacy_audit": audit, "disclosure_audit": self.disclosure,
                                         "render_warnings": self.render_warnings,
                                         "reports": reports})
        write_manifest(self.dir / "manifest.json", self.result.manifest)
        self.result.ok = True
        return self.result

