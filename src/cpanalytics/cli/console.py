"""Printing results on the terminal for the quick-answer commands: table, CSV or JSON."""

from __future__ import annotations

import json
import sys
from typing import TextIO

import pandas as pd

FORMATS = ("table", "csv", "json")


def print_frame(frame: pd.DataFrame, fmt: str = "table", out: TextIO | None = None) -> None:
    """Write ``frame`` in the chosen format; dates as ISO dates, numbers right-aligned."""
    out = out or sys.stdout
    shown = frame.copy()
    for col in shown.columns:
        if pd.api.types.is_datetime64_any_dtype(shown[col]):
            shown[col] = shown[col].dt.strftime("%Y-%m-%d")
    if fmt == "csv":
        shown.to_csv(out, index=False)
    elif fmt == "json":
        records = json.loads(shown.to_json(orient="records", date_format="iso"))
        json.dump(records, out, indent=2)
        out.write("\n")
    else:
        out.write(shown.to_string(index=False, na_rep="") + "\n")
