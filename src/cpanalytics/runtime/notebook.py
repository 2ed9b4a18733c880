"""What the report notebooks call: parameters, loading, and publishing outputs.

A notebook resolves its parameters (:func:`as_at_date`, :func:`output_path`), loads the
data and its targets once (:func:`load`, :func:`references`), and shows each labelled
output through :func:`publish_table` (Markdown plus ``<output_dir>/tables/<label>.csv`` and
its tidy numbers, ``tables/tidy/<label>.csv``),
:func:`show_figure` (SVG) or :func:`show_text`; :func:`write_headlines` writes
``<output_dir>/<name>.json`` (docs/report-labels.md).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import Markdown, display
from matplotlib.figure import Figure

from cpanalytics.data.dates import parse_date
from cpanalytics.data.model import IDENTIFIER_COLUMNS, CareData
from cpanalytics.errors import UserError
from cpanalytics.publish import charts, disclosure, markup, publication_audit, tables, tidy, wording
from cpanalytics.publish import targets as config


def as_at_date(year: int, as_at: str | None = None) -> pd.Timestamp:
    """The reporting date: ``as_at`` when given (any month end; ISO or UK day first, see
    :mod:`cpanalytics.data.dates`), else 31 March of ``year``."""
    return parse_date(as_at, "as_at") if as_at else pd.Timestamp(year=int(year), month=3, day=31)


def output_path(output_dir: str | None) -> Path:
    """The directory outputs go to (created), a fresh temporary one when ``None``; the
    counts later sentences and charts print are recorded there for the disclosure audit."""
    path = Path(output_dir) if output_dir else Path(tempfile.mkdtemp(prefix="cpanalytics-nb-"))
    (path / "tables").mkdir(parents=True, exist_ok=True)
    publication_audit.record_to(path)
    return path


def data_folder(data_dir: str | Path | None) -> Path:
    """``data_dir``, or the ``CPANALYTICS_DATA`` environment variable when it is None
    (a notebook's default: the build passes the folder, an analyst sets the variable)."""
    chosen = data_dir if data_dir is not None else os.environ.get("CPANALYTICS_DATA")
    if not chosen:
        raise UserError(
            "no data folder given", code="E121",
            fix="set data_dir to the folder holding 903/ (e.g. data_dir = \"data/synthetic\"), "
                "or set the CPANALYTICS_DATA environment variable",
        )
    return Path(chosen)


def load(data_dir: str | Path | None) -> CareData:
    """The data under ``data_dir`` (see :func:`data_folder`): the build's snapshot when there
    is one, else ``load_data``."""
    from cpanalytics.data.loading import load_data
    from cpanalytics.runtime import snapshot

    folder = data_folder(data_dir)
    return snapshot.load(folder) or load_data(folder)


def long_date(date: pd.Timestamp) -> str:
    """``31 March 2025``."""
    return f"{date.day} {date:%B %Y}"


def period_text(as_at: pd.Timestamp, period: str) -> str:
    """The window a measure covers as at a date, in words (indicators.md, "Period")."""
    from cpanalytics.measures.indicators import window_start

    if period == "SS":
        return f"on {long_date(as_at)}"
    start = window_start(pd.DatetimeIndex([as_at]), period).iloc[0]
    return f"{long_date(start)} to {long_date(as_at)}"


def fy_label(as_at: pd.Timestamp) -> str:
    """The financial year containing a date: ``2024-25``."""
    start = as_at.year - (as_at.month < 4)
    return f"{start}-{str(start + 1)[-2:]}"


def twelve_months(as_at: pd.Timestamp) -> str:
    """The 12 months ending on a month end, as a column heading: the financial year
    (``2024-25``) when it ends on 31 March, else ``12 months to 31 July 2025``."""
    if as_at.month == 3 and as_at.is_month_end:
        return fy_label(as_at)
    return f"12 months to {long_date(as_at)}"


def show_text(sentences: str | Iterable[str]) -> None:
    """Display sentences as one Markdown paragraph (or a bullet list, when several)."""
    items = [sentences] if isinstance(sentences, str) else list(sentences)
    text = items[0] if len(items) == 1 else "\n".join(f"- {s}" for s in items)
    display(Markdown(text))


def show_note(note: str) -> None:
    """Display a visible note in place of a missing table or chart, in plain words (the
    records it needs, not their file names: ``wording.unavailable``)."""
    show_text(f"*{wording.unavailable(note)}*")


def publish_table(
    label: str,
    frame: pd.DataFrame,
    output_dir: str | Path,
    *,
    suppressed: bool = True,
) -> None:
    """Display a display-string table as Markdown and write ``<output_dir>/tables/<label>.csv``,
    and its declared figures as numbers in ``tables/tidy/<label>.csv`` (:mod:`~cpanalytics.publish.tidy`).

    A note explaining the suppression symbols follows the table when any appears. In the
    CSV, text that a spreadsheet would read as a formula starts with ``'``. The disclosure
    audit's record of the table says which tidy row shows which cell, so that a cell it
    hides later is hidden in both.
    """
    leaked = IDENTIFIER_COLUMNS.intersection(map(str, frame.columns))
    if leaked:
        raise ValueError(f"table {label} has child-level columns: {sorted(leaked)}")
    path = Path(output_dir) / "tables" / f"{label}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.map(markup.csv_text).rename(columns=markup.csv_text).to_csv(path, index=False)
    text = tables.table_markdown(frame, suppressed=suppressed, label=label)
    numbers = tidy.frame(frame)
    if numbers is not None:
        tidy.write(numbers, path.parent / tidy.DIR / path.name)
    record = publication_audit.sidecar(label, frame, text, suppressed=suppressed)
    if record is not None and numbers is not None:
        record["tidy"] = list(zip(numbers["row"].tolist(), numbers["column"].tolist(), strict=True))
    _write_sidecar(output_dir, label, record)
    display(Markdown(text))


def _write_sidecar(output_dir: str | Path, name: str, record: Mapping[str, Any] | None) -> None:
    """Keep a table's cell definitions (unsuppressed) for the disclosure audit, in the
    private ``disclosure/`` folder of the output directory (never published)."""
    if record is not None:
        path = Path(output_dir) / publication_audit.SIDECAR_DIR / f"{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record, default=str) + "\n")


def publish_measures(
    label: str,
    results: Sequence[pd.DataFrame],
    output_dir: str | Path,
    *,
    refs: References | None = None,
    previous: Sequence[pd.DataFrame] | None = None,
    suppress: bool = True,
) -> None:
    """:func:`publish_table` of :func:`cpanalytics.publish.tables.measures` (with each value a
    year earlier when ``previous`` holds the same measures then), or, when none of the
    results is available (optional extracts missing), their notes instead of a table."""
    if not any(_available(r) for r in results):
        notes = dict.fromkeys(wording.unavailable(str(r["note"].iloc[0])) for r in results)
        show_note(" ".join(f"{n}." for n in notes))
        return
    refs = refs or References()
    publish_table(label, tables.measures(results, targets=refs.target, england=refs.england,
                                         previous=previous, suppress=suppress),
                  output_dir, suppressed=suppress)


def show_figure(fig: Figure) -> None:
    """Display a chart as SVG, its alt text (``fig.alt_text``) in the output metadata."""
    alt = getattr(fig, "alt_text", "")
    display({"image/svg+xml": charts.svg(fig)}, raw=True,
            metadata={"image/svg+xml": {"alt": alt}})


def kpi_record(result: pd.DataFrame, *, suppress: bool = True) -> dict[str, Any]:
    """A headline record: id, as_at, numerator, denominator, value (unsuppressed), display."""
    row = result.iloc[0]
    shown = tables.display_result(result.iloc[[0]], suppress=suppress).iloc[0]
    record = {
        "id": str(row["indicator"]),
        "as_at": pd.Timestamp(row["date"]).date().isoformat(),
        "numerator": _number(row.get("numerator")),
        "denominator": _number(row.get("denominator")),
        "value": _number(row.get("value")),
        "display": str(shown["value"]),
    }
    if "available" in result and not bool(row["available"]):
        record["note"] = str(row.get("note", ""))
    return record


def table_record(result: pd.DataFrame, *, suppress: bool = True) -> dict[str, Any]:
    """A headline record for a table-type result: its total (the sum of ``count``)."""
    row = result.iloc[0]
    available = "available" not in result or bool(row["available"])
    total = float(result["count"].sum()) if available and "count" in result else None
    hidden = suppress and total is not None and 0 < total < disclosure.DEFAULT_THRESHOLD
    return {
        "id": str(row["indicator"]),
        "as_at": pd.Timestamp(row["date"]).date().isoformat(),
        "numerator": total,
        "denominator": None,
        "value": total,
        "display": disclosure.CONFIDENTIAL if hidden else disclosure.format_number(total),
    }


def write_headlines(
    name: str,
    records: Sequence[Mapping[str, Any]],
    output_dir: str | Path,
) -> None:
    """Write ``<output_dir>/<name>.json``: ``{"notebook": name, "kpis": [records]}``."""
    from cpanalytics.measures.indicators import REGISTRY

    path = Path(output_dir) / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"notebook": name, "kpis": list(records)}
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    units = {i.id: "count" if i.kind in ("count", "table") else i.unit for i in REGISTRY.values()}
    _write_sidecar(output_dir, f"{name}.headlines", publication_audit.headline_sidecar(name, records, units))


#: Which way is better, by polarity, after a measure's plain definition.
BETTER = {"H": " Higher is better.", "L": " Lower is better.",
          "T": " Closer to the target is better."}


def about(
    ids: Sequence[str],
    as_at: pd.Timestamp,
    *,
    extra_sources: Sequence[str] = (),
    period: bool = True,
) -> None:
    """The ``txt-*-about`` text, for a lay reader: the period (unless ``period`` is False:
    each measure still names its own), each measure in plain English (its registry entry's
    ``plain``, and which way is better) and the source line."""
    from cpanalytics.measures.indicators import REGISTRY

    chosen = [REGISTRY[i] for i in ids if i in REGISTRY]
    lines = [f"**Period.** Figures are for {long_date(as_at)}, or for the period ending on "
             "that date shown beside each measure (the financial year "
             f"{fy_label(as_at)} runs from 1 April to 31 March).", ""] if period else []
    lines += [f"- **{i.title}** ({i.id}, {period_text(as_at, i.period)}). {i.plain}"
              f"{BETTER.get(i.polarity or '', '')}" for i in chosen]
    sources = {s for i in chosen for s in i.sources} | set(extra_sources)
    lines += ["", wording.source_line(sources, sources & _local_names())]
    show_text("\n".join(lines))


def _available(result: pd.DataFrame) -> bool:
    return "available" not in result or bool(result["available"].fillna(True).all())


def _number(value: Any) -> float | None:
    """A JSON number: ``None`` for missing."""
    return None if value is None or pd.isna(value) else float(value)


def _local_names() -> set[str]:
    from cpanalytics.data.model import LOCAL_EXTRACTS

    return set(LOCAL_EXTRACTS)


@dataclass(frozen=True)
class References:
    """Targets, RAG floors and England comparators by indicator id, for one reporting date."""

    target: dict[str, float] = field(default_factory=dict)
    floor: dict[str, float] = field(default_factory=dict)
    england: dict[str, config.Comparator] = field(default_factory=dict)


def references(data: CareData, as_at: pd.Timestamp) -> References:
    """Targets, floors and England comparators (with their year) for the reporting year of
    ``as_at`` (``cpanalytics.publish.targets``: packaged defaults, then the data root's config and comparators)."""
    year = config.reporting_year(as_at)
    cfg = config.load(data.config_roots, year, local_comparators=data.local.get("comparators"))
    england = {ind_id: found for ind_id in cfg.comparators["INDICATOR"].astype(str).unique()
               if (found := cfg.latest(ind_id)) is not None}
    return References(
        target={k: t.target for k, t in cfg.targets.items() if t.target is not None},
        floor={k: t.floor for k, t in cfg.targets.items() if t.floor is not None},
        england=england,
    )


def compute_all(ids: Sequence[str], data: CareData, as_at: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """Each indicator as at the date (no breakdown), by id."""
    from cpanalytics.measures.indicators import compute

    return {i: compute(i, data, as_at) for i in ids}


def months_back(as_at: pd.Timestamp, months: int) -> pd.Timestamp:
    """The month end ``months`` before the month of ``as_at``: a trend's first point."""
    return (as_at - pd.DateOffset(months=months)) + pd.offsets.MonthEnd(0)


def years_back(as_at: pd.Timestamp, years: int) -> pd.Timestamp:
    """The same day ``years`` earlier (month ends stay month ends: 29 Feb -> 28 Feb)."""
    back = as_at - pd.DateOffset(years=years)
    return back + pd.offsets.MonthEnd(0) if as_at.is_month_end else back


def records(results: Mapping[str, pd.DataFrame], *, suppress: bool = True) -> list[dict[str, Any]]:
    """A headline record (:func:`kpi_record`) for each one-row result."""
    return [kpi_record(r, suppress=suppress) for r in results.values()]


def scorecard_records(card: pd.DataFrame, published: pd.DataFrame) -> list[dict[str, Any]]:
    """Headline records for every scorecard KPI, with its RAG (``scorecard.build``/``publish``)."""
    return [
        {"id": str(row["indicator"]), "as_at": pd.Timestamp(row["date"]).date().isoformat(),
         "numerator": _number(row["numerator"]), "denominator": _number(row["denominator"]),
         "value": _number(row["value"]), "display": str(shown),
         "rag": None if pd.isna(row["rag"]) else str(row["rag"])}
        for (_, row), shown in zip(card.iterrows(), published["Value"], strict=True)
    ]


def scorecard_about() -> str:
    """The RAG rules, direction of travel and suppression symbols, for ``txt-sc-about``."""
    from cpanalytics.publish import scorecard

    rags = "; ".join(f"**{scorecard.RAG_WORDS[k]}**: {v.split(': ', 1)[1]}"
                     for k, v in scorecard.RAG_LABELS.items())
    return (
        f"**RAG rating.** {rags}. The floor is the level below which the council rates a "
        "measure Red; where a lower figure is better (such as the share of children with "
        "three or more placements), the floor is above the target. The council sets its "
        "targets and floors each year. There is no rating for counts of activity, for "
        f"measures without a target, or when fewer than {scorecard.MIN_DENOMINATOR} "
        "children (or events) are counted.\n\n"
        "**Direction of travel** (the \"Change since\" column) compares each value with the "
        "same date a year earlier, allowing for whether higher or lower is better: Better, "
        "Worse or Same, at the figures shown. No rating or change is shown beside a figure "
        "hidden as [c].\n\n"
        f"**Symbols.** {disclosure.symbols_note()}\n\n"
        f"Source: {wording.RETURN} and the council's own records, as listed under "
        "\"About these figures\" in each section."
    )
