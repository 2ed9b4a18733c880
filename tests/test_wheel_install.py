"""A normal install builds the reports from any folder, and a council's project folder is
used (issue 14, item 4).

The wheel is built from a copy of the sources and installed, without its dependencies, into
a fresh venv; the dependencies come from this test's environment through a ``.pth`` file,
so nothing is downloaded. Every command then runs from folders outside the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC = ROOT / "data" / "synthetic"
YEAR = 2025
EDITED_FOREWORD = "Anyshire foreword, written by officers in the project folder."
EDITED_TITLE = "Annual Corporate Parenting Report of Anyshire"


def _run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of ``src/``, ``pyproject.toml`` and ``README.md``."""
    work = tmp_path_factory.mktemp("wheel")
    shutil.copytree(ROOT / "src", work / "tree" / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", ".*"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, work / "tree" / name)
    made = _run([sys.executable, "-m", "pip", "wheel", work / "tree", "--no-deps", "-q",
                 "-w", work / "dist"], work, dict(os.environ))
    assert made.returncode == 0, made.stderr
    return next((work / "dist").glob("cpanalytics-*.whl"))


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A fresh venv with the wheel installed (not editable), and the environment to run it in."""
    root = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", root], check=True, capture_output=True)
    python = root / "bin" / "python"
    installed = subprocess.run([python, "-m", "pip", "install", "--no-deps", "-q", wheel],
                               capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # After the install, so pip saw only the new venv: the dependencies, as links to this
    # environment's packages, leaving out its own (editable) cpanalytics and its hooks.
    deps = root.parent / "dependencies"
    deps.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.startswith(("cpanalytics", "__editable__", "_cpanalytics")) and entry.suffix != ".pth":
            (deps / entry.name).symlink_to(entry)
    (Path(purelib) / "zz_dependencies.pth").write_text(f"{deps}\n")
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME") and not k.startswith(("COVERAGE_", "CPANALYTICS_"))}
    env["PATH"] = f"{root / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return root, env


def test_the_wheel_holds_every_resource_and_no_data_or_tests(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    package = ROOT / "src" / "cpanalytics"
    shipped = [p for sub in ("resources", "data/codelists") for p in (package / sub).rglob("*")
               if p.is_file() and not any(part.startswith(".") or part == "__pycache__"
                                          for part in p.relative_to(package).parts)]
    missing = sorted(f"cpanalytics/{p.relative_to(package).as_posix()}" for p in shipped
                     if f"cpanalytics/{p.relative_to(package).as_posix()}" not in names)
    assert not missing
    assert "cpanalytics/resources/reports/narrative/README.md" in names
    assert not [n for n in names if n.startswith(("tests/", "data/", "benchmarks/", "tools/"))]
    # no child-level data: no returns, snapshots or extracts, and no CSV with a child's id
    assert not [n for n in names if n.endswith((".xml", ".pkl", ".parquet", ".xlsx", ".feather"))]
    for name in (n for n in names if n.endswith(".csv")):
        header = archive.read(name).decode("utf-8").splitlines()[0].upper().split(",")
        assert not {"CHILD", "DOB", "UPN", "HOME_POST"} & set(header), name
    assert "cpanalytics/resources/config/comparators.csv" in names


def test_a_wheel_install_builds_the_reports_from_any_folder(
    venv: tuple[Path, dict[str, str]], tmp_path: Path,
) -> None:
    root, env = venv
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = _run([root / "bin" / "python", "-c", "import cpanalytics; print(cpanalytics.__file__)"],
                 elsewhere, env)
    assert Path(where.stdout.strip()).is_relative_to(root), where.stdout  # the wheel, not the checkout
    data = shutil.copytree(SYNTHETIC, tmp_path / "data")
    built = _run([root / "bin" / "cpanalytics", "build", "--data", data, "--year", YEAR,
                  "--out", tmp_path / "out", "--engine", "builtin", "--la-name", "Anyshire Council"],
                 elsewhere, env)
    assert built.returncode == 0, built.stderr[-3000:]
    year_dir = tmp_path / "out" / str(YEAR)
    for stem in ("corporate-parenting", "iro-annual"):
        for fmt in ("html", "pdf"):
            assert (year_dir / f"{stem}-{YEAR}.{fmt}").stat().st_size > 10_000
    manifest = json.loads((year_dir / "manifest.json").read_text())
    assert manifest["notebooks"] and all(nb["ok"] for nb in manifest["notebooks"].values())
    assert manifest["privacy_audit"]["identifiers_found"] == 0
    # the synthetic set's own narrative (in the data root) was used
    html = (year_dir / f"corporate-parenting-{YEAR}.html").read_text(encoding="utf-8")
    assert "Narrative not supplied" not in html


def test_a_project_folder_from_init_is_what_the_build_uses(
    venv: tuple[Path, dict[str, str]], tmp_path: Path,
) -> None:
    root, env = venv
    made = _run([root / "bin" / "cpanalytics", "init", "mycouncil", "--year", YEAR], tmp_path, env)
    assert made.returncode == 0, made.stderr
    project = tmp_path / "mycouncil"
    assert f"narrative/{YEAR}/foreword.md" in made.stdout
    shutil.copytree(SYNTHETIC / "903", project / "data" / "903")
    shutil.copytree(SYNTHETIC / "local", project / "data" / "local")
    # the council edits one narrative file, one target and the report's title
    (project / "narrative" / str(YEAR) / "foreword.md").write_text(EDITED_FOREWORD + "\n")
    targets = project / "config" / f"targets-{YEAR}.yaml"
    targets.write_text(targets.read_text().replace("  # PS-01:  {target: 10, floor: 12}",
                                                   "  PS-01: {target: 9.5, floor: 12}"))
    qmd = project / "reports" / "corporate_parenting.qmd"
    qmd.write_text(qmd.read_text().replace('title: "Annual Corporate Parenting Report"',
                                           f'title: "{EDITED_TITLE}"'))
    # areas.yaml and comparators.csv are templates (no Kent districts or figures copied in)
    assert "Ashford" not in (project / "config" / "areas.yaml").read_text()
    assert (project / "config" / "comparators.csv").read_text().splitlines()[0] == (
        "INDICATOR,YEAR,AREA,VALUE,NOTE")
    built = _run([root / "bin" / "cpanalytics", "build", "--year", YEAR, "--engine", "builtin"],
                 project, env)  # no --data: the project's data/
    assert built.returncode == 0, built.stderr[-3000:]
    # so the build says the packaged areas are in use (the comparators come from the data's
    # local extract, the targets from the project)
    assert "config: using the packaged defaults from the Kent seed packs for areas.yaml;" in built.stderr
    year_dir = project / "out" / str(YEAR)
    html = (year_dir / f"corporate-parenting-{YEAR}.html").read_text(encoding="utf-8")
    assert EDITED_FOREWORD in html and EDITED_TITLE in html
    # the seven sections still holding init's placeholder show it, and the build says so
    assert html.count("Narrative not supplied") >= 3  # introduction, services, get_involved
    warned = json.loads((year_dir / "manifest.json").read_text())["render_warnings"]
    assert len([w for w in warned if "still holds the placeholder box" in w]) == 7
    # the project's target for PS-01 (the packaged default is 10%)
    scorecard = pd.read_csv(year_dir / "tables" / "tbl-scorecard.csv").set_index("Indicator")
    assert scorecard.loc["PS-01", "Target"] == "9.5%"
