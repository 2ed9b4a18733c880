"""The build pipeline with tiny fake notebooks (tests/fixtures/notebooks), rendering off.

Data: ``builders.small_year`` for 2024 and 2025 with CHILD ids 001/002 renamed 100234 and
100567 (long enough for the privacy audit). Each year writes header, episodes and reviews:
6 CSV files, so the fake notebooks' "files" count is 6.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from builders import small_year, write_year

from cpanalytics import pipeline
from cpanalytics.cli.main import main
from cpanalytics.errors import UserError
from cpanalytics.pipeline import BuildOptions, build, outputs, rendering

pytestmark = pytest.mark.slow  # real builds (worker pool, kernels): not in `make test-fast`

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
IDS = {"001": "100234", "002": "100567"}


def write_data(root: Path, years: tuple[int, ...] = (2024, 2025), **changes) -> Path:
    """small_year for each year, CHILD ids renamed per IDS, some tables replaced for the last year."""
    for year in years:
        tables = {**small_year(year), **(changes if year == years[-1] else {})}
        for rows in tables.values():
            for row in rows:
                row["CHILD"] = IDS.get(row["CHILD"], row["CHILD"])
        write_year(root, year, tables)
    return root


def notebooks(tmp: Path, *names: str) -> Path:
    folder = tmp / "nb"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in names:
        shutil.copy(FIXTURES / f"{name}.ipynb", folder / f"{name}.ipynb")
    return folder


def options(tmp: Path, *names: str, **kw) -> BuildOptions:
    return BuildOptions(
        data_dir=tmp / "data", year=2025, out=tmp / "out", jobs=2,
        notebooks_dir=notebooks(tmp, *names), render=False, **kw,
    )


def tree(root: Path) -> dict[str, str]:
    """relative path -> sha256 of every file (hidden ones included)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture
def tmp(tmp_path: Path, monkeypatch) -> Path:
    # Fix the code version: other work on the package while the tests run must not bust the cache.
    monkeypatch.setattr(pipeline, "code_version", lambda analysis_only=False: "code-v1")
    write_data(tmp_path / "data")
    return tmp_path


def test_parallel_build_publishes_tables_manifest_and_leaves_inputs_alone(tmp):
    before = tree(tmp / "data")
    result = build(options(tmp, "alpha", "beta"))
    assert result.ok, result.messages
    assert tree(tmp / "data") == before  # inputs never modified
    year = tmp / "out" / "2025"
    assert result.year_dir == year
    # each notebook wrote "files" = 6 CSVs under data/ and the year
    assert (year / "tables" / "tbl-alpha.csv").read_text() == "measure,value\nfiles,6\nyear,2025\n"
    alpha, beta = (json.loads((year / "notebooks" / f"{n}.json").read_text()) for n in ("alpha", "beta"))
    assert {k: v for k, v in beta.items() if k != "kernel_pid"} == {
        "files": 6, "year": 2025, "as_at": "2025-03-31",
    }
    # two job slots: one kernel each
    assert alpha["kernel_pid"] != beta["kernel_pid"]
    # the spreadsheet: cover, contents, notes, then one sheet per table with the tbl-cap title
    sheets = pd.read_excel(year / "tables" / "cpanalytics-2025.xlsx", sheet_name=None, header=None)
    assert list(sheets) == ["Cover", "Contents", "Notes", "alpha", "beta"]
    assert sheets["alpha"].iloc[0, 0] == "Input files and year (alpha) [note 1]"
    assert sheets["alpha"].iloc[-2:].values.tolist() == [["files", 6], ["year", 2025]]
    # no staging or lock holder left behind, only the lock file and the cache
    assert sorted(p.name for p in (tmp / "out").iterdir()) == [".2025.lock", ".cache", "2025"]


def test_manifest_records_inputs_parameters_versions_and_timings(tmp):
    result = build(options(tmp, "alpha", la_name="Test Council"))
    manifest = json.loads((tmp / "out" / "2025" / "manifest.json").read_text())
    header = tmp / "data" / "903" / "2025" / "header.csv"
    entry = next(f for f in manifest["files"] if f["path"] == "903/2025/header.csv")
    # header.csv has 2 children; hash is of the file bytes
    assert entry == {"path": "903/2025/header.csv", "table": "header", "year": 2025, "rows": 2,
                     "sha256": hashlib.sha256(header.read_bytes()).hexdigest()}
    assert len(manifest["files"]) == 6
    assert manifest["parameters"] | {"data_dir": None} == {
        "data_dir": None, "year": 2025, "as_at": "2025-03-31", "la_name": "Test Council",
        "suppress": True, "jobs": 2, "engine": "auto", "cache": True,
    }
    assert manifest["software"]["pandas"] == pd.__version__
    assert manifest["software"]["cpanalytics"] == "0.1.0"
    assert manifest["notebooks"]["alpha"]["ok"] is True
    assert manifest["notebooks"]["alpha"]["cached"] is False
    assert {"load", "validate", "notebooks", "indicators", "exports", "audit"} <= set(manifest["timings"])
    # the fixture notebooks compute no indicator: the kernel's engine clock did not move
    assert manifest["notebooks"]["alpha"]["indicator_seconds"] == 0.0
    assert manifest["timings"]["indicators"] == 0.0
    assert manifest["privacy_audit"]["identifiers_found"] == 0
    assert manifest == result.manifest


def test_validation_errors_stop_before_any_notebook(tmp):
    eps = small_year(2025)["episodes"]
    eps[1]["PLACE"] = "XX"  # episodes.csv row 3: not a placement code (V201 error)
    write_data(tmp / "data", episodes=eps)
    result = build(options(tmp, "alpha"))
    assert not result.ok
    assert result.notebooks == {}
    report = result.messages[0]
    assert "nothing was built" in report
    assert f"{tmp / 'data' / '903' / '2025' / 'episodes.csv'}:\n  V201: column PLACE, 1 row(s) (rows 3)" in report
    assert not (tmp / "out" / "2025").exists()


def good_build(tmp) -> dict[str, str]:
    assert build(options(tmp, "alpha")).ok
    return tree(tmp / "out" / "2025")


def test_failing_notebook_does_not_stop_the_others(tmp):
    previous = good_build(tmp)
    result = build(options(tmp, "alpha", "beta", "failing"))
    assert not result.ok
    assert result.notebooks["beta"].ok and not result.notebooks["beta"].cached
    failed = result.notebooks["failing"]
    # executed copy: 0 parameters, 1 injected parameters, 2 setup, 3 "x = 1", 4 raise
    assert (failed.cell_index, failed.cell_label, failed.ename, failed.evalue) == (
        4, "txt-boom", "ValueError", "planted failure")
    copy = tmp / "out" / ".failed-2025" / "failing.ipynb"
    assert copy.is_file()
    assert (f"failing: FAILED at cell 4 (txt-boom): ValueError: planted failure\n"
            f"    executed copy: {copy}") in result.messages[-1]
    assert tree(tmp / "out" / "2025") == previous
    assert not list((tmp / "out").glob(".tmp-*"))
    # the good one was cached: the next build after fixing the failure does not rerun beta
    retry = build(options(tmp, "alpha", "beta"))
    assert retry.ok and retry.executed == []
    assert not (tmp / "out" / ".failed-2025").exists()


def test_kernel_crash_mid_notebook_leaves_previous_outputs(tmp):
    previous = good_build(tmp)
    result = build(options(tmp, "crash"))
    crash = result.notebooks["crash"]
    assert not result.ok
    # 0 parameters, 1 injected, 2 setup, 3 "import os; os._exit(1)"
    assert (crash.ename, crash.cell_index, crash.cell_label) == ("DeadKernelError", 3, "import os")
    # run once more on a new kernel before the build gave up: the summary and the kernel's
    # log (kept beside the executed copy, for a crash's last words) say so
    assert crash.retried == "kernel died (exit status 1); retried on a new kernel"
    assert "; kernel died (exit status 1); retried on a new kernel\n" in crash.describe()
    log = (tmp / "out" / ".failed-2025" / "kernel-0.log").read_text()
    assert "cpanalytics: crash: kernel died (exit status 1); retried on a new kernel\n" in log
    assert tree(tmp / "out" / "2025") == previous
    assert not list((tmp / "out").glob(".tmp-*"))


def test_notebooks_sharing_a_kernel_start_from_a_clean_slate(tmp):
    # one job slot: polluter then probe run in the same warm kernel
    result = build(replace(options(tmp, "polluter", "probe"), jobs=1))
    assert result.ok, result.messages
    notebooks_dir = tmp / "out" / "2025" / "notebooks"
    polluter = json.loads((notebooks_dir / "polluter.json").read_text())
    probe = json.loads((notebooks_dir / "probe.json").read_text())
    assert probe["kernel_pid"] == polluter["kernel_pid"]  # the kernel was reused...
    assert probe == {  # ...but the polluter's variable, rcParams and cwd did not carry over
        "leftover": False, "cwd_is_work_dir": True, "linewidth": 1.5, "warm": True,
        "kernel_pid": polluter["kernel_pid"],
    }


def test_a_dead_kernel_is_replaced_before_the_next_notebook(tmp):
    result = build(replace(options(tmp, "crash", "probe"), jobs=1))
    assert not result.ok
    assert result.notebooks["crash"].ename == "DeadKernelError"
    assert result.notebooks["probe"].ok  # ran after the crash, in a new kernel


def test_cache_hit_skips_execution_and_changes_invalidate(tmp):
    first = build(options(tmp, "alpha", "beta"))
    assert first.executed == ["alpha", "beta"]
    again = build(options(tmp, "alpha", "beta"))
    assert again.executed == []
    assert again.manifest["notebooks"]["alpha"]["cached"] is True
    assert again.manifest["privacy_audit"]["cached"] is True
    assert "load" not in again.timings  # nothing changed: the data was not even loaded
    assert (tmp / "out" / "2025" / "tables" / "tbl-beta.csv").read_text() == "measure,value\nfiles,6\nyear,2025\n"
    # a changed parameter reruns everything; --no-cache reruns everything
    assert build(options(tmp, "alpha", "beta", la_name="Other")).executed == ["alpha", "beta"]
    assert build(options(tmp, "alpha", "beta", la_name="Other", use_cache=False)).executed == ["alpha", "beta"]
    # a changed input file reruns everything
    with (tmp / "data" / "903" / "2025" / "reviews.csv").open("a") as f:
        f.write('100234,01/06/2010,01/12/2024,PN1\n')
    assert build(options(tmp, "alpha", "beta", la_name="Other")).executed == ["alpha", "beta"]


def test_render_runs_last_and_is_skipped_when_sources_unchanged(tmp, monkeypatch):
    calls = []

    def fake_render(year_dir, *, year, la_name, engine, narrative_dir, project=None, document=None):
        calls.append(json.loads((year_dir / "manifest.json").read_text())["la_name"])
        (year_dir / f"corporate-parenting-{year}.html").write_text(f"<p>{la_name}</p>")
        return ["narrative not supplied: services.md"]

    monkeypatch.setattr(rendering, "renderer_available", lambda: True)
    monkeypatch.setattr(rendering, "render", fake_render)
    narrative = tmp / "narrative"
    narrative.mkdir()
    (narrative / "foreword.md").write_text("Hello")
    opts = BuildOptions(**{**options(tmp, "alpha").__dict__, "render": True, "narrative_dir": narrative})
    assert build(opts).render_cached is False
    second = build(opts)
    assert (second.render_cached, second.executed, calls) == (True, [], ["Local authority"])
    assert second.manifest["render_warnings"] == ["narrative not supplied: services.md"]
    assert (tmp / "out" / "2025" / "corporate-parenting-2025.html").read_text() == "<p>Local authority</p>"
    (narrative / "foreword.md").write_text("Hello again")  # narrative only: render, no notebooks
    third = build(opts)
    assert (third.render_cached, third.executed, len(calls)) == (False, [], 2)


def test_render_error_fails_the_build_and_keeps_previous_outputs(tmp, monkeypatch):
    previous = good_build(tmp)

    def broken(year_dir, **kw):
        raise RuntimeError("typst fell over")

    monkeypatch.setattr(rendering, "renderer_available", lambda: True)
    monkeypatch.setattr(rendering, "render", broken)
    result = build(BuildOptions(**{**options(tmp, "alpha").__dict__, "render": True}))
    assert not result.ok
    assert result.messages[-1].startswith("render failed: RuntimeError: typst fell over")
    assert tree(tmp / "out" / "2025") == previous


def test_second_concurrent_build_is_refused_by_the_lock(tmp):
    with outputs.build_lock(tmp / "out", 2025), pytest.raises(UserError) as err:
        build(options(tmp, "alpha"))
    assert err.value.code == "E403"
    assert str(tmp / "out" / ".2025.lock") in str(err.value)
    assert "--wait" in err.value.fix
    assert build(options(tmp, "alpha")).ok  # released


def test_wait_queues_behind_the_running_build(tmp):
    import threading

    held, release = threading.Event(), threading.Event()

    def other_build():
        with outputs.build_lock(tmp / "out", 2025):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=other_build)
    thread.start()
    held.wait(10)
    threading.Timer(1.0, release.set).start()
    started = time.monotonic()
    assert build(options(tmp, "alpha", wait=True)).ok
    assert time.monotonic() - started >= 1.0  # it waited for the release
    thread.join()


@pytest.mark.parametrize(("change", "code"), [
    ({"year": 1999}, "E401"),
    ({"data_dir": Path("/nonexistent/data")}, "E402"),
    ({"year": 2023}, "E404"),  # the data has 2024 and 2025 only
])
def test_user_errors(tmp, change, code):
    with pytest.raises(UserError) as err:
        build(BuildOptions(**{**options(tmp, "alpha").__dict__, **change}))
    assert err.value.code == code
    assert err.value.fix


def test_no_notebooks_is_a_user_error(tmp):
    with pytest.raises(UserError) as err:
        build(options(tmp))
    assert err.value.code == "E406"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_build_leaves_previous_outputs_and_no_temp_dir(tmp, sig):
    previous = good_build(tmp)
    nb = notebooks(tmp, "alpha", "slow")
    proc = subprocess.Popen(
        [sys.executable, "-m", "cpanalytics", "build", "--data", str(tmp / "data"), "--year", "2025",
         "--out", str(tmp / "out"), "--notebooks", str(nb), "--jobs", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while not list((tmp / "out").glob(".tmp-2025-*/2025/.work/slow/started")):
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    os.kill(proc.pid, sig)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted: nothing was changed" in err
    time.sleep(1.5)  # anything still writing (an orphaned kernel) would show up by now
    assert tree(tmp / "out" / "2025") == previous
    assert not list((tmp / "out").glob(".tmp-*"))
    with outputs.build_lock(tmp / "out", 2025):  # released
        pass


def test_unwritable_out_folder(tmp):
    (tmp / "out").write_text("a file, not a folder")
    with pytest.raises(UserError) as err:
        build(options(tmp, "alpha"))
    assert err.value.code == "E405"


def test_cli_build(tmp, monkeypatch, capsys):
    monkeypatch.setattr(rendering, "renderer_available", lambda: False)
    nb = notebooks(tmp, "alpha", "failing")
    base = ["build", "--data", str(tmp / "data"), "--year", "2025", "--out", str(tmp / "out"),
            "--notebooks", str(nb)]
    assert main([*base, "--jobs", "0"]) == 2
    assert "error E407: --jobs 0 must be 1 or more" in capsys.readouterr().err
    assert main(base) == 1
    err = capsys.readouterr().err
    assert "1 notebook(s) failed; nothing was published" in err
    assert "failing: FAILED at cell 4 (txt-boom): ValueError: planted failure" in err
    (nb / "failing.ipynb").unlink()
    assert main(base) == 0
    captured = capsys.readouterr()
    assert "render: skipped" in captured.err
    # alpha was cached by the failed build
    assert f"built {tmp / 'out' / '2025'} in " in captured.out
    assert "(0 notebook(s) run, 1 from cache)" in captured.out
    assert "\n  load " in captured.out and ", notebooks " in captured.out


def test_stage_times_line():
    from cpanalytics.cli.commands.build import stage_times

    timings = {"load": 2.34, "validate": 0.41, "notebooks": 4.2, "indicators": 2.96,
               "render": 2.0, "total": 9.9}
    assert stage_times(timings) == (
        "load 2.3 s, validate 0.4 s, notebooks 4.2 s (indicators 3.0 s, summed over kernels), "
        "render 2.0 s")
    assert stage_times({"load": 1.0, "notebooks": 0.0, "indicators": 0.0}) == "load 1.0 s, notebooks 0.0 s"


def test_notebook_selection(tmp_path):
    folder = tmp_path / "nb"
    folder.mkdir()
    for name in ("adhoc_template", "_scratch", "alpha", "beta"):
        (folder / f"{name}.ipynb").write_text("{}")
    assert [p.name for p in pipeline.report_notebooks(folder)] == ["alpha.ipynb", "beta.ipynb"]
    assert [p.name for p in pipeline.report_notebooks(folder, ("beta",))] == ["beta.ipynb"]
    with pytest.raises(UserError, match=r"not found in .*: gamma\.ipynb") as err:
        pipeline.report_notebooks(folder, ("beta", "gamma"))
    assert err.value.code == "E406"
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.qmd").write_text("{{< embed notebooks/beta.ipynb#tbl-x >}}\n{{< embed notebooks/alpha.ipynb#fig-y >}}")
    (reports / "b.qmd").write_text("{{<embed notebooks/beta.ipynb#txt-z >}}")
    assert pipeline.embedded_notebooks(reports) == ["alpha", "beta"]


def test_code_version_ignores_render_and_pipeline_for_notebooks(tmp_path, monkeypatch):
    from cpanalytics import about
    from cpanalytics.pipeline.fingerprint import code_version

    pkg = tmp_path / "cpanalytics"
    for rel in ("about.py", "render/stage.py", "measures/indicators/registry.py"):
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text("x = 1\n")
    monkeypatch.setattr(about, "__file__", str(pkg / "about.py"))
    full, analysis = code_version(), code_version(analysis_only=True)
    (pkg / "render" / "stage.py").write_text("x = 2\n")  # renderer only
    assert (code_version() != full, code_version(analysis_only=True) == analysis) == (True, True)
    (pkg / "measures" / "indicators" / "registry.py").write_text("x = 2\n")  # analysis code
    assert code_version(analysis_only=True) != analysis


def test_build_from_a_script_without_a_main_guard(tmp):
    # workers must not re-run the caller's script (that would start a build per worker)
    script = tmp / "script.py"
    script.write_text(
        "from pathlib import Path\n"
        "from cpanalytics.pipeline import BuildOptions, build\n"
        f"r = build(BuildOptions(data_dir=Path({str(tmp / 'data')!r}), year=2025, "
        f"out=Path({str(tmp / 'out')!r}), jobs=2, notebooks_dir=Path({str(notebooks(tmp, 'alpha', 'beta'))!r}), "
        "render=False))\n"
        "print('ok' if r.ok else r.messages)\n"
    )
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert run.stdout == "ok\n", run.stderr
    assert "E403" not in run.stderr


def test_progress_plain_lines_and_live_display():
    import io

    from rich.console import Console

    from cpanalytics.pipeline.progress import PlainReporter, RichReporter, reporter_for
    from cpanalytics.pipeline.runner import Event, NotebookResult

    events = [
        Event("start", "alpha"), Event("cell", "alpha", cell=2, cells=4),
        Event("done", "alpha", result=NotebookResult("alpha", ok=True, seconds=1.25, output=Path("a"))),
    ]
    stream = io.StringIO()
    plain = reporter_for(stream)  # not a terminal: plain lines, no per-cell noise
    assert isinstance(plain, PlainReporter)
    for event in events:
        plain.notebook(event)
    assert stream.getvalue() == "  alpha: started\n  alpha: ok (in 1.2 s)\n"
    screen = io.StringIO()
    live = RichReporter(Console(file=screen, force_terminal=True, width=100))
    live.notebook(events[0])
    live.notebook(events[1])
    live.progress.refresh()
    assert "cell 2/4" in screen.getvalue()
    live.notebook(events[2])
    live.close()
    assert "ok" in screen.getvalue()


def test_recover_after_a_killed_build(tmp_path):
    # killed between the two renames of a swap: the backup is the only copy of the outputs
    out = tmp_path / "out"
    (out / ".old-2025-abc").mkdir(parents=True)
    (out / ".old-2025-abc" / "manifest.json").write_text("{}")
    (out / ".tmp-2025-def" / "2025").mkdir(parents=True)
    (out / ".tmp-2024-ghi").mkdir()  # another year's build: not ours to touch
    outputs.recover(out, 2025)
    assert sorted(p.name for p in out.iterdir()) == [".tmp-2024-ghi", "2025"]
    assert (out / "2025" / "manifest.json").read_text() == "{}"


def test_publish_swaps_old_for_new(tmp_path):
    out = tmp_path / "out"
    (out / "2025").mkdir(parents=True)
    (out / "2025" / "old.txt").write_text("old")
    staging = outputs.new_staging(out, 2025)
    (staging / "new.txt").write_text("new")
    assert outputs.publish(staging, out, 2025) == out / "2025"
    assert [p.name for p in (out / "2025").iterdir()] == ["new.txt"]
    assert sorted(p.name for p in out.iterdir()) == ["2025"]


def test_cache_entries_replace_older_keys_and_no_cache_still_stores(tmp_path):
    from cpanalytics.pipeline.cache import Cache, copy_into, restore

    src = tmp_path / "a.txt"
    src.write_text("v1")
    cache = Cache(tmp_path / "cache")
    cache.put("notebooks", "alpha", "k1" * 20, copy_into({"a.txt": src}), {"seconds": 12.5})
    assert cache.last_seconds("notebooks", "alpha") == 12.5
    assert cache.last_seconds("notebooks", "beta") == 0.0
    cache.put("notebooks", "alpha", "k2" * 20, copy_into({"a.txt": src}), {"seconds": 3.0})
    assert cache.get("notebooks", "alpha", "k1" * 20) is None  # replaced by k2
    restore(cache.get("notebooks", "alpha", "k2" * 20), {"a.txt": tmp_path / "back.txt"})
    assert (tmp_path / "back.txt").read_text() == "v1"
    blind = Cache(tmp_path / "cache", read=False)  # --no-cache: never hits, still stores
    assert blind.get("notebooks", "alpha", "k2" * 20) is None
    blind.put("notebooks", "alpha", "k3" * 20, copy_into({}), {"seconds": 1.0})
    assert cache.meta("notebooks", "alpha", "k3" * 20)["seconds"] == 1.0


def test_validation_warnings_go_to_the_manifest_grouped_and_relative(tmp):
    from builders import write_csv

    from cpanalytics.data.model import TABLES_903

    # an extra column NOTES in the 2025 episodes.csv is warning W101 (header row 1)
    eps = small_year(2025)["episodes"]
    for row in eps:
        row["CHILD"] = IDS[row["CHILD"]]
    write_csv(tmp / "data" / "903" / "2025" / "episodes.csv", eps, [*TABLES_903["episodes"], "NOTES"])
    result = build(options(tmp, "alpha"))
    assert result.ok
    w101 = [w for w in result.manifest["warnings"] if w["rule"] == "W101"]
    assert [(w["severity"], w["file"], w["column"], w["count"], w["rows"]) for w in w101] == [
        ("warning", "903/2025/episodes.csv", "NOTES", 1, [1])]


def test_a_kernel_killed_mid_notebook_is_replaced_and_the_notebook_run_again(tmp):
    """Issue 14: a kernel that dies is replaced and its notebook run once more before the
    build gives up; the summary line and the manifest say what happened."""
    finished: dict[str, pipeline.BuildResult] = {}
    runner = threading.Thread(target=lambda: finished.update(result=build(replace(options(tmp, "victim"), jobs=1))))
    runner.start()
    deadline = time.monotonic() + 90
    while not (started := list((tmp / "out").glob(".tmp-2025-*/2025/.work/victim/started"))):
        assert time.monotonic() < deadline and runner.is_alive(), "the notebook never started"
        time.sleep(0.02)
    first = int(started[0].read_text())
    os.kill(first, signal.SIGKILL)  # as an outside process would
    runner.join(120)
    result = finished["result"]
    assert result.ok, result.messages
    victim = result.notebooks["victim"]
    assert victim.retried == "kernel died (signal 9); retried on a new kernel"
    assert victim.describe().startswith("victim: ok (in ") and victim.describe().endswith(
        " s; kernel died (signal 9); retried on a new kernel)")
    manifest = json.loads((tmp / "out" / "2025" / "manifest.json").read_text())
    assert manifest["notebooks"]["victim"]["retried"] == victim.retried
    table = (tmp / "out" / "2025" / "tables" / "tbl-victim.csv").read_text()
    assert table.startswith("measure,value\nkernel,") and table != f"measure,value\nkernel,{first}\n"
