"""A council's project folder (``cpanalytics init``): its own config, narrative and report sources.

::

    <project>/
      cpanalytics.yaml          marks the folder as a project (MARKER)
      config/                   targets-<YYYY>.yaml, comparators.csv, areas.yaml, pack.yaml
      narrative/<YYYY>/*.md     the officers' sections of each year's reports
      reports/                  _quarto.yml, <report>.qmd, their styles and templates
      data/                     the SSDA903 returns (the build's default --data)

The build reads each of these from the project where it has a copy, else uses the packaged
one (docs/architecture.md, "Project folder").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cpanalytics.about import __version__
from cpanalytics.data.settings import PACKAGED
from cpanalytics.errors import UserError
from cpanalytics.measures.indicators import REGISTRY
from cpanalytics.measures.indicators.registry import scorecard_ids
from cpanalytics.publish import targets as config
from cpanalytics.render.stage import NARRATIVE_INCLUDE, NOT_SUPPLIED, REPORTS, report_sources

#: The file that makes a folder a project; ``build`` and ``render`` look for it in the
#: current folder when ``--project`` is not given.
MARKER = "cpanalytics.yaml"

#: Report sources ``init`` copies for the council to edit (fonts and the like stay packaged:
#: the build takes any file the project lacks from the package).
EDITABLE = frozenset({".qmd", ".yml", ".yaml", ".css", ".scss", ".html", ".typ", ".lua"})

HEADING = re.compile(r"^#\s+(?P<text>.+?)\s*$")
TITLE = re.compile(r"^title:\s*\"?(?P<text>[^\"\n]+)\"?\s*$", re.MULTILINE)


def check_project(folder: Path) -> Path:
    """``folder`` (resolved) when it holds :data:`MARKER`; ``UserError`` E901 otherwise."""
    if not (folder / MARKER).is_file():
        raise UserError(
            f"not a cpanalytics project folder: it has no {MARKER}",
            file=folder, code="E901",
            fix=f"give --project the folder `cpanalytics init` made, or make one with "
                f"`cpanalytics init {folder}`",
        )
    return folder.resolve()


def find_project(given: Path | None, cwd: Path | None = None) -> Path | None:
    """The project a command uses: ``--project`` (checked), else the current folder when it
    holds :data:`MARKER`, else ``None`` (packaged sources and the data root's config only)."""
    if given is not None:
        return check_project(given)
    here = cwd or Path.cwd()
    return here.resolve() if (here / MARKER).is_file() else None


def current_year(today: date) -> int:
    """The latest collection year ended by ``today`` (it ends 31 March)."""
    return today.year if (today.month, today.day) >= (3, 31) else today.year - 1


@dataclass(frozen=True)
class Section:
    """A narrative file a report includes, and where it goes."""

    name: str
    report: str
    heading: str


def narrative_sections(sources: dict[str, Path]) -> list[Section]:
    """The narrative files the report sources include, each with its report's title and
    the heading it sits under, in order of first use."""
    found: dict[str, Section] = {}
    for stem in REPORTS:
        text = sources[f"{stem}.qmd"].read_text(encoding="utf-8")
        title = TITLE.search(text)
        heading = ""
        for line in text.splitlines():
            if m := HEADING.match(line):
                heading = m["text"]
            for name in NARRATIVE_INCLUDE.findall(line):
                found.setdefault(name, Section(name, title["text"] if title else stem, heading))
    return list(found.values())


def narrative_placeholder(section: Section, year: int) -> str:
    """A scaffolded narrative file: the box the build shows (and warns about) until an
    officer replaces it with the section's text."""
    return (
        f'::: {{.callout-warning title="{NOT_SUPPLIED}{section.name}"}}\n'
        f'This section ("{section.heading}", {section.report}) is written by officers each '
        f"year. Replace this box with its text in `narrative/{year}/{section.name}` and "
        "build the reports again.\n:::\n"
    )


def _number(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


def targets_example(year: int) -> str:
    """``config/targets-<YYYY>.yaml`` as ``init`` writes it: every scorecard KPI with the
    packaged default, commented out, so nothing changes until a line is uncommented."""
    defaults = config.load(None, year)
    lines = [
        f"# Targets and floors for {config.period_label(year)} (the year ending 31 March {year}).",
        "# An entry here replaces the packaged default field by field; anything left out (or",
        "# commented out, as every line is to start with) keeps the default shown.",
        "# Values are in the indicator's own unit: percentages as 0-100 (85 = 85%), days,",
        "# children per FTE. Polarity: H higher is better (floor at or below the target),",
        "# L lower is better (floor at or above it), T close to the target (set tolerance and",
        "# floor_tolerance, the green and amber half-widths). Ids: `cpanalytics indicators --list`.",
        "# To set one, remove the '# ' before it and change the numbers, e.g.",
        "#   PS-01: {target: 9, floor: 11, note: \"panel decision, May\"}",
        "targets:",
    ]
    for ind_id in scorecard_ids(REGISTRY):
        ind, t = REGISTRY[ind_id], defaults.target(ind_id)
        fields = f"{{target: {_number(t.target)}, floor: {_number(t.floor)}}}"
        note = "" if t.target is not None or t.floor is not None else " (no default: write numbers)"
        lines.append(f"  # {ind_id + ':':<8}{fields:<26} # {ind.polarity or '-'} {ind.title}{note}")
    lines += [
        "",
        "# National Transfer Scheme threshold for UASC (UA-04): start date -> share of the",
        "# under-18 population (0.0007 = 0.07%). Uncomment to replace the packaged dates:",
        "# nts_threshold:",
        *(f"#   {start:%Y-%m-%d}: {rate:g}" for start, rate in sorted(defaults.nts_threshold.items())),
    ]
    return "\n".join(lines) + "\n"


AREAS_TEMPLATE = """\
# District -> area groups for the reports' area breakdowns. Until this file sets `areas:`,
# the build uses the packaged example districts and says so each time it runs.
# List your own districts under your own areas, spelt as in the child attributes extract
# (case does not matter), then remove the '# ' before each line, e.g.
# areas:
#   North Area: [First District, Second District]
#   South Area: [Third District]
"""

COMPARATORS_TEMPLATE = """\
INDICATOR,YEAR,AREA,VALUE,NOTE
# One row per published figure to compare with: INDICATOR an id (`cpanalytics indicators
# --list`), YEAR the year ending 31 March (2025 for 2024/25), AREA England, your region or a
# neighbour, VALUE in the indicator's unit (percentages as 0-100), NOTE where it is from.
# Lines starting with # are comments. Until this file has a row, the build uses the
# packaged example figures and says so each time it runs.
# To add one, remove the '# ' before this line and put the figure in place of the ?:
# PS-01,2025,England,?,DfE Children looked after in England 2024/25
"""

MARKER_TEXT = """\
# This folder is a cpanalytics project (made by `cpanalytics init`, cpanalytics {version}).
# `cpanalytics build` and `cpanalytics render` run here (or given --project with this
# folder) read config/, narrative/ and reports/ from it. See README.md.
cpanalytics: "{version}"
"""

GITIGNORE = """\
# Child-level data and build outputs never enter version control.
/data/*
!/data/README.md
/out/
"""

DATA_README = """\
# data

Put your council's SSDA903 returns here, one folder per collection year (the year ending
31 March), with the DfE column names, or the DfE XML return:

```
data/903/{previous}/header.csv episodes.csv uasc.csv reviews.csv oc2.csv oc3.csv ad1.csv ...
data/903/{year}/...               or data/903/{year}/*.xml
data/local/health_assessments.csv (optional local extracts, see the data contract)
```

`cpanalytics build` run in the project folder reads this folder unless `--data` names
another. Check it first with `cpanalytics validate data`.

These files hold children's personal data. Keep them on your council's secure storage
only; `.gitignore` keeps them out of version control. The reports never contain them.
"""


def readme(year: int, sections: list[Section]) -> str:
    """The project's README.md: what each part is for, and how to build."""
    rows = "\n".join(f"| `{s.name}` | {s.report} | {s.heading} |" for s in sections)
    return f"""\
# cpanalytics project

Your council's own copies of what the annual reports are made from. `cpanalytics build`
run in this folder (or given `--project` with it) uses them; a file you delete falls back
to the copy packaged with cpanalytics.

| what | where | edit it to |
|---|---|---|
| targets and floors | `config/targets-{year}.yaml` | set your council's targets (uncomment a line) |
| comparators | `config/comparators.csv` | add England, statistical-neighbour and regional figures (a header and a commented example to start with) |
| areas | `config/areas.yaml` | group your districts into your areas (commented out to start with) |
| performance pack | `config/pack.yaml` | the committee's From, To, contact, panel date and classification |
| narrative | `narrative/{year}/*.md` | write each section in place of its placeholder box |
| report sources | `reports/` (`*.qmd`, `_quarto.yml`, styles and templates) | change the reports' wording, order and styles |
| data | `data/` (see `data/README.md`) | put the SSDA903 returns there |

## Build

```bash
cpanalytics validate data
cpanalytics build --year {year} --la-name "Your Council"
```

The build reads `data/` unless `--data` names another folder and writes `out/{year}/`.
Settings in a data folder's own `config/` still apply where this project has none.

Until `config/targets-{year}.yaml` sets a target, `config/areas.yaml` sets `areas:` and
`config/comparators.csv` has a row, the build uses the example targets, districts and
comparator figures packaged with cpanalytics, and warns on every run that it does
(`config: using the packaged defaults ...`). Fill all three in before you publish.

## Narrative

Each file is markdown. Until it is written the report shows a warning box and the build
warns.

| file | report | section |
|---|---|---|
{rows}

For the next year, copy `narrative/{year}/` to `narrative/{year + 1}/` and
`config/targets-{year}.yaml` to `config/targets-{year + 1}.yaml`.
"""


def scaffold_files(year: int) -> dict[str, str | Path]:
    """Project path -> text (or the packaged file to copy) for a new project for ``year``."""
    sources = report_sources()
    sections = narrative_sections(sources)
    files: dict[str, str | Path] = {
        MARKER: MARKER_TEXT.format(version=__version__),
        "README.md": readme(year, sections),
        ".gitignore": GITIGNORE,
        f"config/targets-{year}.yaml": targets_example(year),
        "config/comparators.csv": COMPARATORS_TEMPLATE,
        "config/areas.yaml": AREAS_TEMPLATE,
        "config/pack.yaml": PACKAGED / "pack.yaml",
        "data/README.md": DATA_README.format(year=year, previous=year - 1),
    }
    files |= {f"narrative/{year}/{s.name}": narrative_placeholder(s, year) for s in sections}
    files |= {f"reports/{name}": path for name, path in sources.items() if path.suffix in EDITABLE}
    return files


def scaffold(folder: Path, year: int, *, force: bool = False) -> tuple[list[str], list[str]]:
    """Write a new project into ``folder``; returns the files (created, replaced).

    ``UserError`` E902 when ``folder`` is a file, or a folder with anything in it and not
    ``force``."""
    if folder.exists() and not folder.is_dir():
        raise UserError("this is a file, not a folder", file=folder, code="E902",
                        fix="choose a new folder name for the project")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise UserError(
            "the folder already exists and is not empty", file=folder, code="E902",
            fix="choose a new folder, or add --force to write the project's files into it "
                "(replacing any of the same name)",
        )
    created: list[str] = []
    replaced: list[str] = []
    for name, content in scaffold_files(year).items():
        target = folder / name
        (replaced if target.exists() else created).append(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            target.write_bytes(content.read_bytes())
        else:
            target.write_text(content, encoding="utf-8")
    return created, replaced
