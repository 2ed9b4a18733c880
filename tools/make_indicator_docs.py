"""Write docs/indicators.md from the indicator registry (one source of truth), and
docs/assumptions.md from the assumptions log the package ships
(src/cpanalytics/resources/assumptions.md: edit that one; `cpanalytics explain` prints it).

    .venv/bin/python tools/make_indicator_docs.py          # write
    .venv/bin/python tools/make_indicator_docs.py --check  # exit 1 if out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

from cpanalytics.measures.assumptions import LOG
from cpanalytics.measures.indicators import catalogue

DOC = Path(__file__).resolve().parents[1] / "docs" / "indicators.md"
ASSUMPTIONS = DOC.parent / "assumptions.md"
GENERATED = ("<!-- Generated from src/cpanalytics/resources/assumptions.md by "
             "tools/make_indicator_docs.py: edit that file. -->\n\n")
POLARITY = {"H": "higher is better", "L": "lower is better", "T": "close to target"}
PERIOD = {"SS": "snapshot on the date", "R12M": "rolling 12 months to the date",
          "YTD": "April to the date", "FY": "financial year to the date",
          "3Y": "three years to the date"}


def render() -> str:
    """The markdown page: a summary table, then each indicator's definition."""
    cat = catalogue()
    lines = [
        "# Indicators",
        "",
        "Generated from the registry (`cpanalytics.measures.indicators.REGISTRY`) by",
        "`tools/make_indicator_docs.py`; a test keeps it in step. Definitions follow",
        "`shared/spec/indicators.md` and the DfE SSDA903 guidance. Every indicator can be",
        "computed as at any date and split by any breakdown (`cpanalytics.measures.breakdowns`).",
        "Children looked after only under short breaks (LS V3/V4) are excluded throughout.",
        "",
        "| id | title | polarity | period | unit | needs |",
        "|---|---|---|---|---|---|",
    ]
    for row in cat.itertuples():
        pol = row.polarity if isinstance(row.polarity, str) else "–"
        needs = row.needs or "–"
        lines.append(f"| {row.id} | {row.title} | {pol} | {row.period} | {row.unit} | {needs} |")
    lines.append("")
    for row in cat.itertuples():
        pol = POLARITY.get(row.polarity, "no polarity (context or count)")
        lines += [
            f"## {row.id}: {row.title}",
            "",
            f"*{pol}; {PERIOD.get(row.period, row.period)}; unit {row.unit}; "
            f"sources: {row.sources}" + (f"; needs local/{row.needs}.csv" if row.needs else "")
            + "*",
            "",
            row.definition,
            "",
            "Assumptions and caveats: " + ", ".join(
                f"[{a}](assumptions.md#{a})" for a in ["general", *filter(None, row.assumptions.split(", "))]
            ) + ".",
            "",
        ]
    return "\n".join(lines)


def main() -> int:
    """Write the pages, or with --check report whether they are current."""
    pages = {DOC: render(), ASSUMPTIONS: GENERATED + LOG.read_text(encoding="utf-8")}
    if "--check" in sys.argv:
        stale = [p for p, text in pages.items()
                 if (p.read_text(encoding="utf-8") if p.exists() else "") != text]
        for page in stale:
            print(f"{page} is out of date: run tools/make_indicator_docs.py")
        return 1 if stale else 0
    for page, text in pages.items():
        page.write_text(text, encoding="utf-8")
        print(f"wrote {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
