"""Stage a year's Quarto project: ``out/<year>/source/`` holds everything ``quarto render`` needs.

The project is ``_quarto.yml`` (with the LA, date and period filled in), ``_variables.yml``,
the two report sources and their styles, ``narrative/`` (placeholders for missing files),
``notebooks/`` (executed) and ``appendix/manifest.md``. The report sources, styles and
``_quarto.yml`` are the council's copies in ``<project>/reports/`` where it has them, else
the packaged ones (:func:`report_sources`).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from cpanalytics.about import RESOURCES
from cpanalytics.errors import UserError
from cpanalytics.publish import wording
from cpanalytics.publish.markup import markdown_text
from cpanalytics.render.sanitise import check_narrative, sanitise_narrative, sanitise_outputs

#: Report source (in ``reports/``) -> output file stem (``<stem>-<year>.html|.pdf``).
REPORTS = {"corporate_parenting": "corporate-parenting", "iro_annual": "iro-annual"}
#: The panel's performance pack (``cpanalytics pack``): its source and output file stem.
PACK = {"pack": "performance-pack"}
NARRATIVE_INCLUDE = re.compile(r"\{\{<\s*include\s+narrative/(?P<name>[\w.-]+\.md)\s*>\}\}")
#: The title of the box standing in for narrative not written yet (a file that still
#: holds it, as ``cpanalytics init`` writes them, counts as not supplied).
NOT_SUPPLIED = "Narrative not supplied: "


def sources_root() -> Path:
    """The packaged sources: ``_quarto.yml``, ``reports/`` and ``notebooks/``."""
    return RESOURCES


def default_narrative_dir(
    year: int, data_dir: str | Path | None = None, project: Path | None = None,
) -> Path:
    """The year's narrative: ``<project>/narrative/<year>/``, else ``<data root>/narrative/<year>/``
    (as the synthetic set carries), the first that exists; else the packaged (empty) folder."""
    for root in (project, data_dir):
        if root is not None and (Path(root) / "narrative" / str(year)).is_dir():
            return Path(root) / "narrative" / str(year)
    return sources_root() / "reports" / "narrative" / str(year)


def _tree(folder: Path) -> dict[str, Path]:
    """Path relative to ``folder`` -> file, for every file but hidden ones and ``narrative/``."""
    return {
        p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).parts[0] != "narrative"
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    } if folder.is_dir() else {}


def report_sources(project: Path | None = None, packaged: Path | None = None) -> dict[str, Path]:
    """Staged path -> file for ``_quarto.yml`` and everything in ``reports/`` but the
    narrative (each report's ``.qmd``, its styles and templates): the council's copy in
    ``<project>/reports/`` when it has one, else the packaged file."""
    packaged = packaged or sources_root()
    files = {"_quarto.yml": packaged / "_quarto.yml", **_tree(packaged / "reports")}
    return files | (_tree(project / "reports") if project is not None else {})


@dataclass(frozen=True)
class Document:
    """What one render makes: its report sources (stem -> output file stem), the folder
    under the output folder that also ends each output's name (``2019``; the pack's
    ``2018-08``), the Quarto variables and the subtitle after the LA's name; ``finish``
    stages what is particular to it (the pack's officers' explanations) and returns warnings."""

    reports: Mapping[str, str]
    folder: str
    variables: Mapping[str, Any]
    subtitle: str
    finish: Callable[[Path, Path, Path], list[str]] | None = None


def annual(year: int) -> Document:
    """The two annual reports for the collection year ending 31 March ``year``."""
    return Document(REPORTS, str(year), period(year),
                    f"{period(year)['year_label']}: {period(year)['period']}")


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


def expected_narrative(reports_dir: Path, stems: Iterable[str] = REPORTS) -> list[str]:
    """Narrative file names the report sources include, in order of first use."""
    names: list[str] = []
    for stem in stems:
        text = (reports_dir / f"{stem}.qmd").read_text(encoding="utf-8")
        names += [n for n in NARRATIVE_INCLUDE.findall(text) if n not in names]
    return names


def placeholder(name: str, folder: str) -> str:
    """The visible warning box written in place of a missing narrative file."""
    return (
        f'::: {{.callout-warning title="{NOT_SUPPLIED}{name}"}}\n'
        f"This section is written by officers each year. Add `{name}` to the narrative "
        f"folder (`{folder}`) and render the reports again.\n:::\n"
    )


def shown_folder(folder: Path) -> str:
    """A folder as the report may print it: relative to the working folder, else its name,
    so a published document never reveals where files live on the analyst's machine."""
    path = Path(folder).resolve()
    cwd = Path.cwd().resolve()
    return path.relative_to(cwd).as_posix() if path.is_relative_to(cwd) else path.name


def _cell(value: Any) -> str:
    return markdown_text(value) if value is not None else ""


def data_table(files: Iterable[Mapping[str, Any]]) -> list[str]:
    """The appendix's table of the data used: one row per kind of record (its plain name,
    the statutory return or the council's own records), the years it covers and the records
    read. File names and hashes stay in the manifest (issue 15)."""
    frame = pd.DataFrame(list(files), columns=["table", "year", "rows", "path"])
    if frame.empty:
        return ["No data files were recorded."]
    frame["local"] = frame["path"].astype(str).str.startswith("local/")
    frame["rows"] = pd.to_numeric(frame["rows"], errors="coerce").fillna(0)
    grouped = frame.groupby(["local", "table"], sort=False).agg(
        first=("year", "min"), last=("year", "max"), rows=("rows", "sum")).reset_index()
    lines = ["| Data | Source | Years | Records |",  # dashes: relative widths 5:3:2:2
             "|:-------------------------|:---------------|:----------|----------:|"]
    for row in grouped.sort_values("local", kind="stable").to_dict("records"):
        first, last = row["first"], row["last"]
        years = ("latest extract" if pd.isna(first) else f"{int(first)}" if first == last
                 else f"{int(first)} to {int(last)}")
        source = "Local extract" if row["local"] else "SSDA903 return"
        lines.append(f"| {_cell(wording.data_name(str(row['table'])))} | {source} | {years} "
                     f"| {int(row['rows']):,} |")
    return lines


def _data_of(file: str) -> str:
    """A validation warning's file as the data it holds: ``Adoptions, 2025``."""
    parts = Path(file).parts
    name = wording.data_name(Path(file).stem) if file else ""
    year = next((p for p in parts if p.isdigit() and len(p) == 4), "")
    return f"{name}, {year}" if name and year else name


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
    rows = ["## Data used", "",
            "The figures are calculated from the records below: each kind of record, the "
            "collection years it covers (April to March, by the year they end) and the "
            "number of records read. The build also keeps a fingerprint (a SHA-256 hash) of "
            "every input file, so that each figure can be traced to the exact data used.", "",
            *data_table(manifest.get("files", [])),
            "", "## Validation warnings", ""]
    counts: dict[tuple[str, str, str], int] = {}
    for w in manifest.get("warnings", []):
        key = ("", "", w) if isinstance(w, str) else (
            str(w.get("rule") or ""), _data_of(str(w.get("file") or "")), str(w.get("message") or ""))
        n = 1 if isinstance(w, str) else int(w.get("count") or 1)
        counts[key] = counts.get(key, 0) + n
    if counts:
        rows += ["| Check | Data | Warning | Records |", "|:--|:--|:--|--:|"]
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


def _project_yaml(template: Path, la_name: str, document: Document, today: date) -> str:
    """The staged ``_quarto.yml``; metadata strings are markdown, so the LA name is escaped."""
    config = yaml.safe_load(template.read_text(encoding="utf-8")) or {}
    config["author"] = markdown_text(la_name)
    config["date"] = today
    config["subtitle"] = markdown_text(f"{la_name}, {document.subtitle}")
    config["subject"] = config["subtitle"]  # the DOCX document properties: council and period
    if isinstance(config.get("project"), dict):  # `quarto render <folder>`: this document's sources
        config["project"]["render"] = [f"{stem}.qmd" for stem in document.reports]
    header = (
        f"# Staged by cpanalytics for {document.folder}. Render with: quarto render <this folder>\n"
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
    project: Path | None = None,
    document: Document | None = None,
) -> StagedProject:
    """Build ``out_dir/<year>/source/`` from the report sources (``project``'s copies first,
    :func:`report_sources`), narrative and notebooks.

    The narrative is checked (E714) before anything is staged, then sanitised, as are
    the notebooks' markdown outputs. ``document`` (default: the annual reports of ``year``)
    says which report sources are staged, into ``out_dir/<document.folder>/source/``."""
    document = document or annual(year)
    others = (REPORTS | PACK).keys() - document.reports.keys()  # another document's sources
    sources = {name: path for name, path in report_sources(project, repo).items()
               if not (name.endswith(".qmd") and Path(name).stem in others)}
    if not notebooks_dir.is_dir():
        raise UserError(
            f"no executed notebooks for {year}: {notebooks_dir} does not exist",
            file=notebooks_dir, fix="run cpanalytics build first", code="E710",
        )
    if narrative_dir.is_dir():
        check_narrative(narrative_dir)
    source = out_dir / document.folder / "source"
    if source.exists():
        shutil.rmtree(source)
    source.mkdir(parents=True)
    (source / "_quarto.yml").write_text(
        _project_yaml(sources.pop("_quarto.yml"), la_name, document, today), encoding="utf-8"
    )
    variables = {"la": markdown_text(la_name), **document.variables}
    (source / "_variables.yml").write_text(
        yaml.safe_dump(variables, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    for name, path in sources.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, source / name)
    shutil.copytree(notebooks_dir, source / "notebooks",
                    ignore=shutil.ignore_patterns("*.json", "*.csv", "tables", ".*"))
    for notebook in sorted((source / "notebooks").rglob("*.ipynb")):
        sanitise_outputs(notebook)
    staged = StagedProject(source, year, dict(document.reports))
    narrative_out = source / "narrative"
    if narrative_dir.is_dir():
        shutil.copytree(narrative_dir, narrative_out, ignore=shutil.ignore_patterns(".*"))
        for path in sorted(narrative_out.rglob("*.md")) + sorted(narrative_out.rglob("*.qmd")):
            sanitise_narrative(narrative_dir / path.relative_to(narrative_out), path)
    narrative_out.mkdir(exist_ok=True)
    for name in expected_narrative(source, document.reports):
        if not (narrative_out / name).is_file():
            (narrative_out / name).write_text(placeholder(name, shown_folder(narrative_dir)),
                                              encoding="utf-8")
            staged.warnings.append(
                f"narrative not supplied: {name} (expected in {narrative_dir}); "
                "the report shows a placeholder box"
            )
        elif NOT_SUPPLIED in (narrative_dir / name).read_text(encoding="utf-8"):
            staged.warnings.append(
                f"narrative not written yet: {narrative_dir / name} still holds the "
                "placeholder box; the report shows it"
            )
    if document.finish is not None:
        staged.warnings += document.finish(source, notebooks_dir, narrative_dir)
    (source / "appendix").mkdir()
    (source / "appendix" / "manifest.md").write_text(appendix, encoding="utf-8")
    return staged
