"""Explain one indicator: its definition, sources, polarity, period, unit, target and
floor, whether it is a scorecard KPI, and the caveats from the assumptions log
(docs/assumptions.md) that its figures rest on.

The target and floor are those in force for --year: the council's
config/targets-<YEAR>.yaml under --data when there is one, else the packaged defaults.

examples:
  cpanalytics explain PS-01
  cpanalytics explain HE-02 --data data/synthetic --year 2025
  cpanalytics explain CIC-07 --format json
"""

from __future__ import annotations

import argparse
from typing import Any

HELP = "what an indicator measures, its target and the caveats behind it"

POLARITY = {"H": "higher is better", "L": "lower is better", "T": "close to the target"}
PERIOD = {"SS": "snapshot on the date", "R12M": "rolling 12 months to the date",
          "YTD": "1 April to the date", "FY": "financial year to the date",
          "3Y": "three years to the date"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments."""
    parser.add_argument("id", metavar="ID", help="indicator id, e.g. PS-01")
    parser.add_argument("--data", help="data root whose config/targets-<YEAR>.yaml sets targets")
    parser.add_argument("--year", type=int,
                        help="collection year of the targets (default: the latest in --data, "
                             "else the latest ended)")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    """Print the explanation of one indicator."""
    import json

    from cpanalytics.measures.indicators.registry import lookup

    indicator = lookup(args.id)
    facts = explain(indicator.id, args.data, args.year)
    if args.format == "json":
        print(json.dumps(facts, indent=2))
    else:
        print(as_text(facts))
    return 0


def explain(indicator_id: str, data: str | None, year: int | None) -> dict[str, Any]:
    """Everything ``explain`` prints about one indicator, as plain values."""
    from cpanalytics.measures import assumptions
    from cpanalytics.measures.indicators import REGISTRY
    from cpanalytics.publish import targets

    ind = REGISTRY[indicator_id]
    year = year or _latest_year(data)
    target = targets.load(data, year).target(ind.id)
    log = assumptions.entries()
    return {
        "id": ind.id, "title": ind.title, "kpi": ind.kpi, "plain": ind.plain,
        "definition": ind.definition,
        "sources": list(ind.sources), "needs": [f"local/{n}.csv" for n in ind.needs],
        "polarity": POLARITY.get(ind.polarity or "", "none (a count or context measure)"),
        "period": PERIOD.get(ind.period, ind.period), "unit": ind.unit, "kind": ind.kind,
        "year": year, "target": target.target, "floor": target.floor,
        "tolerance": target.tolerance,
        "target_source": "packaged defaults" if _packaged(target.source) else target.source,
        "caveats": [{"anchor": a, "heading": log[a].heading, "rows": list(log[a].rows)}
                    for a in ["general", *ind.assumptions] if a in log],
    }


def as_text(facts: dict[str, Any]) -> str:
    """The explanation as wrapped text for the terminal."""
    import textwrap

    def para(label: str, text: str) -> list[str]:
        return textwrap.wrap(text, 88, initial_indent=f"{label:<11}", subsequent_indent=" " * 11)

    unit = "%" if facts["unit"] == "%" else f" {facts['unit']}"
    target = ("none set" if facts["target"] is None else f"{facts['target']:g}{unit}"
              + ("" if facts["floor"] is None else f", floor {facts['floor']:g}{unit}")
              + ("" if facts["tolerance"] is None else f", tolerance {facts['tolerance']:g}"))
    lines = [f"{facts['id']}: {facts['title']}", ""]
    if facts["plain"]:
        lines += para("In short", facts["plain"])
    lines += para("Definition", facts["definition"])
    lines += para("Sources", ", ".join(facts["sources"]) or "none")
    if facts["needs"]:
        lines += para("Needs", ", ".join(facts["needs"]) + " (without it: not available)")
    lines += para("Polarity", facts["polarity"])
    lines += para("Period", facts["period"])
    lines += para("Unit", facts["unit"] if facts["unit"] == facts["kind"]
                  else f"{facts['unit']} ({facts['kind'].replace('_', ' ')})")
    lines += para("KPI", "yes: a row of the performance scorecard" if facts["kpi"] else "no")
    lines += para("Target", f"{target} for {facts['year'] - 1}/{facts['year'] % 100:02d}"
                  + (f" ({facts['target_source']})" if facts["target_source"] else ""))
    lines += ["", "Caveats (docs/assumptions.md):"]
    for caveat in facts["caveats"]:
        lines += ["", f"  {caveat['heading']}"]
        for row in caveat["rows"]:
            text = (f"{_plain(row.get('assumption', ''))} Basis: {_plain(row.get('basis', ''))} "
                    f"Quality: {row.get('quality', '')}. Effect: {_plain(row.get('effect', ''))}")
            lines += textwrap.wrap(text, 88, initial_indent="  - ", subsequent_indent="    ")
    return "\n".join(lines)


def _plain(text: str) -> str:
    """Markdown emphasis and code marks dropped; a sentence ends with a full stop."""
    text = text.replace("**", "").replace("`", "").replace("*", "").strip()
    return text if not text or text.endswith((".", "?", "!")) else text + "."


def _packaged(source: str) -> bool:
    from pathlib import Path

    from cpanalytics.data.settings import PACKAGED

    return bool(source) and Path(source).resolve().is_relative_to(PACKAGED.resolve())


def _latest_year(data: str | None) -> int:
    """The latest collection year folder under ``data``/903, else the latest year ended."""
    from pathlib import Path

    import pandas as pd

    from cpanalytics.publish.targets import reporting_year

    folders = [int(p.name) for p in (Path(data) / "903").glob("[0-9][0-9][0-9][0-9]")
               if p.is_dir()] if data else []
    return max(folders) if folders else reporting_year(pd.Timestamp.today()) - 1
