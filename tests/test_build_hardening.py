"""Build hardening (issue 13): the cache cannot lie (every entry is hashed and checked on
read; nothing enters it before passing the privacy audit) and no cell runs for ever."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_pipeline import options, tmp  # noqa: F401  (the shared fixture)

from cpanalytics.pipeline import BuildOptions, build, rendering
from cpanalytics.pipeline.cache import Cache, copy_into

KEY = "k1" * 20


def stored(tmp_path: Path, notices: list[str]) -> tuple[Cache, Path]:
    src = tmp_path / "report.html"
    src.write_text("<html>" + "x" * 100 + "</html>")
    cache = Cache(tmp_path / "cache", notice=notices.append)
    cache.put("render", "reports", KEY, copy_into({"report.html": src}), {"seconds": 2.0})
    return cache, cache.entry("render", "reports", KEY)


def test_intact_entry_hits_and_lists_its_hashes(tmp_path):
    notices: list[str] = []
    cache, entry = stored(tmp_path, notices)
    assert cache.get("render", "reports", KEY) == entry
    assert set(json.loads((entry / "meta.json").read_text())["files"]) == {"report.html"}
    assert notices == []


@pytest.mark.parametrize("damage", [
    lambda e: (e / "report.html").write_text("<html>"),          # truncated
    lambda e: (e / "report.html").unlink(),                      # missing
    lambda e: (e / "extra.csv").write_text("a\n"),               # a file the entry never had
    lambda e: (e / "meta.json").write_text("\x00garbage{"),      # garbage metadata
    lambda e: (e / "meta.json").write_text("[1, 2]"),            # JSON, but not an entry's
])
def test_damaged_entry_is_a_miss_with_one_notice_and_is_removed(tmp_path, damage):
    notices: list[str] = []
    cache, entry = stored(tmp_path, notices)
    damage(entry)
    assert cache.get("render", "reports", KEY) is None
    assert cache.meta("render", "reports", KEY) == {}
    assert notices == ["cache: the stored render entry for reports was damaged; rebuilding it"]
    assert not entry.exists()
    assert cache.last_seconds("render", "reports") == 0.0


def test_held_entries_wait_for_commit_and_admit_filters(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("child 100234")
    cache = Cache(tmp_path / "cache", hold=True)
    cache.put("notebooks", "alpha", KEY, copy_into({"a.txt": src}), {})
    cache.put("notebooks", "beta", KEY, copy_into({"a.txt": src}), {})
    assert cache.get("notebooks", "alpha", KEY) is None  # pending: not visible yet
    cache.commit(admit=lambda entry: entry.parent.name == "alpha")
    assert cache.get("notebooks", "alpha", KEY) is not None
    assert cache.get("notebooks", "beta", KEY) is None
    assert list((tmp_path / "cache" / "notebooks" / "beta").iterdir()) == []


def fake_renderer(monkeypatch, text: str) -> None:
    def fake_render(year_dir, *, year, la_name, engine, narrative_dir, project=None, document=None):
        (year_dir / f"corporate-parenting-{year}.html").write_text(text)
        return []

    monkeypatch.setattr(rendering, "renderer_available", lambda: True)
    monkeypatch.setattr(rendering, "render", fake_render)


def rendering_options(root: Path) -> BuildOptions:
    return BuildOptions(**{**options(root, "alpha").__dict__, "render": True})


@pytest.mark.slow
def test_truncated_cached_report_and_table_are_rebuilt_not_published(tmp, monkeypatch, capsys):  # noqa: F811
    fake_renderer(monkeypatch, "<html><p>" + "All the report. " * 20 + "</p></html>")
    opts = rendering_options(tmp)
    assert build(opts).ok
    published = (tmp / "out" / "2025" / "corporate-parenting-2025.html").read_text()
    cache = tmp / "out" / ".cache" / "2025"
    [html] = cache.glob("render/reports/*/corporate-parenting-2025.html")
    html.write_text(published[:20])
    [table] = cache.glob("notebooks/alpha/*/work/tables/tbl-alpha.csv")
    table.write_text("measure,value\n")
    capsys.readouterr()
    again = build(opts)
    assert again.ok and again.executed == ["alpha"] and not again.render_cached
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "cache: the stored render entry for reports was damaged; rebuilding it" in out
    assert "cache: the stored notebooks entry for alpha was damaged; rebuilding it" in out
    year = tmp / "out" / "2025"
    assert (year / "corporate-parenting-2025.html").read_text() == published
    assert (year / "tables" / "tbl-alpha.csv").read_text() == "measure,value\nfiles,6\nyear,2025\n"


@pytest.mark.slow
def test_a_failed_privacy_audit_leaves_no_child_id_in_the_cache(tmp, monkeypatch):  # noqa: F811
    fake_renderer(monkeypatch, "<html><p>Child 100234 moved</p></html>")
    result = build(rendering_options(tmp))
    assert not result.ok and result.leaks
    # the build cache; out/.cache/data is the loaded-data cache, a private copy of the inputs
    # (folders 700, files 600: tests/test_data_store.py, docs/data-protection.md)
    cached = [p for p in (tmp / "out" / ".cache").rglob("*")
              if p.is_file() and "data" not in p.relative_to(tmp / "out" / ".cache").parts[:1]]
    assert not [p for p in cached if "100234" in p.read_text(errors="replace")]
    assert not list((tmp / "out" / ".cache" / "2025").glob("render/reports/*"))
    # the audited, clean notebook entry was kept: the next build reuses it
    assert list((tmp / "out" / ".cache" / "2025").glob("notebooks/alpha/*/meta.json"))


@pytest.mark.slow
def test_a_cell_that_runs_too_long_fails_its_notebook_by_name_and_cell(tmp):  # noqa: F811
    """papermill's ``execution_timeout`` per cell (issue 13, "No hangs"); the next notebook
    still runs, in a fresh kernel."""
    opts = BuildOptions(**{**options(tmp, "slow", "probe").__dict__, "jobs": 1, "cell_timeout": 2.5})
    # one kernel, run in name order: probe, slow, then z_after on the kernel slow timed out in
    shutil.copy(opts.notebooks_dir / "probe.ipynb", opts.notebooks_dir / "z_after.ipynb")
    result = build(opts)
    assert not result.ok
    slow = result.notebooks["slow"]
    assert (slow.ename, slow.cell_index) == ("CellTimeoutError", 4)  # after the injected parameters
    assert "more than 2.5 s (raise it with --cell-timeout)" in slow.describe()
    assert result.notebooks["probe"].ok and result.notebooks["z_after"].ok
    assert result.notebooks["z_after"].retried is None  # a new kernel, not the killed one first


@pytest.mark.slow
def test_the_cell_timeout_option(tmp, monkeypatch, capsys):  # noqa: F811
    """``build --cell-timeout S`` reaches papermill; 0 or less is refused (E411)."""
    from test_pipeline import notebooks

    from cpanalytics.cli.main import main

    monkeypatch.setattr(rendering, "renderer_available", lambda: False)
    base = ["build", "--data", str(tmp / "data"), "--year", "2025", "--out", str(tmp / "out"),
            "--notebooks", str(notebooks(tmp, "slow")), "--jobs", "1"]
    assert main([*base, "--cell-timeout", "0"]) == 2
    assert "error E411: --cell-timeout 0 must be a number of seconds above 0" in capsys.readouterr().err
    assert main([*base, "--cell-timeout", "inf"]) == 2
    assert "error E411" in capsys.readouterr().err
    assert main([*base, "--cell-timeout", "2"]) == 1
    err = capsys.readouterr().err
    assert "slow: FAILED at cell 4" in err
    assert "CellTimeoutError: a cell ran for more than 2 s (raise it with --cell-timeout)" in err
