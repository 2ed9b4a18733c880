"""Engine choice, the Quarto engine (with a stand-in quarto) and the render command."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest
from render_fakes import write_notebooks

from cpanalytics.cli import main as cli
from cpanalytics.errors import UserError
from cpanalytics.render import render_reports
from cpanalytics.render.stage import sources_root

REPO = sources_root()

#: A stand-in for the Quarto CLI: logs its arguments and writes the file it would write.
FAKE_QUARTO = """#!/bin/sh
echo "$@" >> "$QUARTO_LOG"
stem=$(basename "$2" .qmd)
case "$4" in *-typst) ext=pdf ;; *-docx) ext=docx ;; *) ext=html ;; esac
echo "quarto $4 output" > "$stem.$ext"
"""


@pytest.fixture
def year_out(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    write_notebooks(REPO / "reports", out / "2025" / "notebooks")
    return out


def _path_with_quarto(tmp_path: Path) -> str:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    script = bindir / "quarto"
    script.write_text(FAKE_QUARTO, encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return f"{bindir}{os.pathsep}{os.environ['PATH']}"


def test_quarto_engine_without_quarto_is_a_user_error(
    year_out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(UserError, match="quarto is not on PATH") as err:
        render_reports(2025, year_out, engine="quarto", la_name="X")
    assert err.value.code == "E712"


@pytest.mark.slow
def test_quarto_engine_renders_staged_project(
    year_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "quarto.log"
    monkeypatch.setenv("PATH", _path_with_quarto(tmp_path))
    monkeypatch.setenv("QUARTO_LOG", str(log))
    result = render_reports(2025, year_out, engine="auto", la_name="X", today=date(2025, 7, 1))
    assert result.engine == "quarto"  # auto picks quarto when it is on PATH
    # the house formats of the project's _extensions/cpanalytics
    assert log.read_text().splitlines() == [
        f"render {stem}.qmd --to cpanalytics-{fmt}"
        for stem in ("corporate_parenting", "iro_annual") for fmt in ("html", "typst", "docx")
    ]
    pdf = year_out / "2025" / "iro-annual-2025.pdf"
    assert pdf.read_text() == "quarto cpanalytics-typst output\n"
    docx = year_out / "2025" / "iro-annual-2025.docx"
    assert docx.read_text() == "quarto cpanalytics-docx output\n"
    assert not (result.source / "iro_annual.pdf").exists()  # moved, not copied


@pytest.mark.slow
def test_auto_without_quarto_uses_builtin(
    year_out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    result = render_reports(2025, year_out, la_name="X", formats=("html",))
    assert result.engine == "builtin"
    assert sorted(p.name for p in result.outputs.values()) == [
        "corporate-parenting-2025.html", "iro-annual-2025.html"]


def test_unknown_engine(year_out: Path) -> None:
    with pytest.raises(UserError, match="unknown engine 'latex'"):
        render_reports(2025, year_out, engine="latex")


def test_render_command_needs_built_notebooks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(["render", "--year", "2025", "--out", str(tmp_path)])
    assert status == 2
    err = capsys.readouterr().err
    assert "error E710" in err and "run cpanalytics build first" in err


@pytest.mark.slow
def test_render_command_builtin(year_out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(["render", "--year", "2025", "--out", str(year_out),
                       "--engine", "builtin", "--la-name", "Synthetic County Council"])
    assert status == 0
    err = capsys.readouterr().err
    # one progress line per document and format (HTML, PDF, DOCX)
    assert err.count("rendered ") == 6
    assert (year_out / "2025" / "corporate-parenting-2025.pdf").stat().st_size > 10_000


@pytest.mark.slow
def test_quarto_failure_is_a_user_error(
    year_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bindir = tmp_path / "failbin"
    bindir.mkdir()
    script = bindir / "quarto"
    script.write_text("#!/bin/sh\necho 'ERROR: unknown format' >&2\nexit 1\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(UserError, match="unknown format") as err:
        render_reports(2025, year_out, engine="quarto", la_name="X")
    assert err.value.code == "E713"


def test_invalid_manifest_is_a_user_error(year_out: Path) -> None:
    (year_out / "2025" / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(UserError, match="manifest is not valid JSON") as err:
        render_reports(2025, year_out, engine="builtin")
    assert err.value.code == "E710"
