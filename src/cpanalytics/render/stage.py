"""Stage a year's Quarto project: ``out/<year>/source/`` holds everything ``quarto render`` needs.

The project is ``_quarto.yml`` (with the LA, date and period filled in), ``_variables.yml``,
the two report sources, ``assets/``, ``narrative/`` (placeholders for missing files),
``notebooks/`` (executed) and ``appendix/manifest.md``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from cpanalytics.about import RESOURCES
from cpanalytics.errors import UserError
from cpanalytics.publish.markup import markdown_text
from cpanalytics.render.sanitise import check_narrative, sanitise_narrative, sanitise_outputs

#: Report source (in ``reports/``) -> output file stem (``<stem>-<year>.html|.pdf``).
REPORTS = {"corporate_parenting": "corporate-parenting", "iro_annual": "iro-annual"}
NARRATIVE_INCLUDE = re.compile(r"\{\{<\s*include\s+narrative/(?P<name>[\w.-]+\.md)\s*>\}\}")


def sources_root() -> Path:
    """The packaged sources: ``_quarto.yml``, ``reports/`` and ``notebooks/``."""
    return RESOURCES


def default_narrative_dir(year: int, data_dir: str | Path | None = None) -> Path:
    """The year's narrative: ``<data root>/narrative/<year>/`` when the data carry one (as
    the synthetic set does), else ``reports/narrative/<year>/`` in the checkout."""
    if data_dir is not None:
        with_data = Path(data_dir) / "narrative" / str(year)
        if with_data.is_dir():
            return with_data
    return sources_root() / "reports" / "narrative" / str(year)


@dataclass
class StagedProject:
    """A staged Quarto project and the warnings raised while staging it."""

    path: Path
    year: int
    documents: dict[str, str]
    warnings: list[str] = field(default_factory=list)


def period(year: int) -> dict[str, Any]:
    """Quarto variables for a collection year ending 31 March ``year`` (April to March)."""
    return {
        "year": year,
        "year_label": f"{year - 1}/{str(year)[-2:]}",
        "period_start": f"1 April {year - 1}",
        "period_end": f"31 March {year}",
        "period": f"1 April {year - 1} to 31 March {year}",
    }


def expected_narrative(reports_dir: Path) -> list[str]:
    """Narrative file names the report sources include, in order of first use."""
    names: list[str] = []
    for stem in REPORTS:
        text = (reports_dir / f"{stem}.qmd").read_text(encoding="utf-8")
        names += [n for n in NARRATIVE_INCLUDE.findall(text) if n not in names]
    return names


def placeholder(name: str, folder: str) -> str:
    """The visible warning box written in place of a missing narrative file."""
    return (
        f'::: {{.callout-warning title="Narrative not supplied: {name}"}}\n'
        f"This section is written by officers each year. Add `{name}` to the narrative "
        f"folder (`{folder}`) and render the reports again.\n:::\n"
    )


def _shown(folder: Path) -> str:
    """A folder as the report may print it: relative to the working folder, else its name,
    so a published document never reveals where files live on the analyst's machine."""
    path = Path(folder).resolve()
    cwd = Path.cwd().resolve()
    return path.relative_to(cwd).as_posix() if path.is_relative_to(cwd) else path.name


def _cell(value: Any) -> str:
    return markdown_text(value) if value is not None else ""


def appendix_markdown(manifest: Mapping[str, Any] | None) -> str:
    """The appendix text from the build manifest: input files, validation warnings, software.

    ``manifest`` keys: ``files`` (path, table, year, rows, sha256), ``warnings`` (strings, or
    dicts with rule/file/message and an optional ``count``; never rows or values) and
    ``software`` (name -> version).
    """
    if not manifest:
        return (
            "::: {.callout-note title=\"Build manifest not available\"}\n"
            "These documents were rendered without a build manifest. Run "
            "`cpanalytics build` to record the data files, row counts, hashes and "
            "validation warnings here.\n:::\n"
        )
    rows = ["## Data files used", "",
            "Each input file, its row count and the first 12 characters of its SHA-256 "
            "content hash (the full hashes are in the build's `manifest.json`).", "",
            "| File | Table | Year | Rows | SHA-256 (first 12) |", "|:--|:--|--:|--:|:--|"]
    for f in manifest.get("files", []):
        rows_n = f.get("rows")
        rows_txt = f"{rows_n:,}" if isinstance(rows_n, int) else _cell(rows_n)
        digest = str(f.get("sha256") or "")[:12]
        rows.append(
            f"| {_cell(f.get('path'))} | {_cell(f.get('table'))} | {_cell(f.get('year'))} "
            f"| {rows_txt} | `{digest}` |"
        )
    rows += ["", "## Validation warnings", ""]
    counts: dict[tuple[str, str, str], int] = {}
    for w in manifest.get("warnings", []):
        key = ("", "", w) if isinstance(w, str) else (
            str(w.get("rule") or ""), str(w.get("file") or ""), str(w.get("message") or ""))
        n = 1 if isinstance(w, str) else int(w.get("count") or 1)
        counts[key] = counts.get(key, 0) + n
    if counts:
        rows += ["| Rule | File | Warning | Records |", "|:--|:--|:--|--:|"]
        rows += [f"| {_cell(r)} | {_cell(f)} | {_cell(m)} | {n:,} |"
                 for (r, f, m), n in sorted(counts.items())]
    else:
        rows.append("There were no validation warnings.")
    rows += ["", "## Software", ""]
    software = manifest.get("software") or {}
    if isinstance(software, Mapping):
        rows += [f"- {markdown_text(name)} {markdown_text(version)}"
                 for name, version in software.items()]
    else:
        rows.append(f"- {markdown_text(software)}")
    return "\n".join(rows) + "\n"


def _project_yaml(template: Path, la_name: str, year: int, today: date) -> str:
    """The staged ``_quarto.yml``; metadata strings are markdown, so the LA name is escaped."""
    config = yaml.safe_load(template.read_text(encoding="utf-8")) or {}
    config["author"] = markdown_text(la_name)
    config["date"] = today
    config["subtitle"] = markdown_text(
        f"{la_name}, {period(year)['year_label']}: {period(year)['period']}")
    header = (
        f"# Staged by cpanalytics for {year}. Render with: quarto render <this folder>\n"
    )
    return header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def stage_project(
    year: int,
    out_dir: Path,
    *,
    notebooks_dir: Path,
    narrative_dir: Path,
    la_name: str,
    appendix: str,
    today: date,
    repo: Path | None = None,
) -> StagedProject:
    """Build ``out_dir/<year>/source/`` from the report sources, narrative and notebooks.

    The narrative is checked (E714) before anything is staged, then sanitised, as are
    the notebooks' markdown outputs."""
    repo = repo or sources_root()
    reports_dir = repo / "reports"
    if not notebooks_dir.is_dir():
        raise UserError(
            f"no executed notebooks for {year}: {notebooks_dir} does not exist",
            file=notebooks_dir, fix="run cpanalytics build first", code="E710",
        )
    if narrative_dir.is_dir():
        check_narrative(narrative_dir)
    source = out_dir / str(year) / "source"
    if source.exists():
        shutil.rmtree(source)
    source.mkdir(parents=True)
    (source / "_quarto.yml").write_text(
        _project_yaml(repo / "_quarto.yml", la_name, year, today), encoding="utf-8"
    )
    variables = {"la": markdown_text(la_name), **period(year)}
    (source / "_variables.yml").write_text(
        yaml.safe_dump(variables, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    for stem in REPORTS:
        shutil.copy2(reports_dir / f"{stem}.qmd", source / f"{stem}.qmd")
    shutil.copytree(reports_dir / "assets", source / "assets")
    shutil.copytree(notebooks_dir, source / "notebooks",
                    ignore=shutil.ignore_patterns("*.json", "*.csv", "tables", ".*"))
    for notebook in sorted((source / "notebooks").rglob("*.ipynb")):
        sanitise_outputs(notebook)
    staged = StagedProject(source, year, dict(REPORTS))
    narrative_out = source / "narrative"
    if narrative_dir.is_dir():
        shutil.copytree(narrative_dir, narrative_out, ignore=shutil.ignore_patterns(".*"))
        for path in sorted(narrative_out.rglob("*.md")) + sorted(narrative_out.rglob("*.qmd")):
            sanitise_narrative(narrative_dir / path.relative_to(narrative_out), path)
    narrative_out.mkdir(exist_ok=True)
    for name in expected_narrative(reports_dir):
        if not (narrative_out / name).is_file():
            (narrative_out / name).write_text(placeholder(name, _shown(narrative_dir)),
                                              encoding="utf-8")
            staged.warnings.append(
                f"narrative not supplied: {name} (expected in {narrative_dir}); "
                "the report shows a placeholder box"
            )
    (source / "appendix").mkdir()
    (source / "appendix" / "manifest.md").write_text(appendix, encoding="utf-8")
    return staged
