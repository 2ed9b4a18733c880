"""Quick answers for the command line: load with clear errors, compute, suppress, tidy."""

from __future__ import annotations

from typing import cast

import pandas as pd

from cpanalytics.data.dates import check_within, coverage, describe_coverage, parse_date
from cpanalytics.data.model import CareData
from cpanalytics.errors import UserError

_SHOWN = ("indicator", "date", "numerator", "denominator", "value", "note")


def load_for_cli(path: str | None) -> CareData:
    """Load the data root given with --data, or say how to give one. Run inside a project
    folder (``cpanalytics init``), its ``config/`` applies, as it does to the build."""
    if not path:
        raise UserError("--data is required", fix="add --data DIR, e.g. --data data/synthetic",
                        code="E305")
    from dataclasses import replace

    from cpanalytics import load_data
    from cpanalytics.render.project import find_project

    project = find_project(None)
    data = load_data(path)
    return replace(data, project=project, cache={}) if project is not None else data


def date_option(text: str | None, option: str, example: str = "2025-03-31") -> pd.Timestamp:
    """A required date option read ISO or UK day first (never US), or E304 saying how to give it."""
    if not text:
        raise UserError(f"{option} is required", fix=f"add e.g. {option} {example}", code="E304")
    return parse_date(text, option)


def range_in_data(start: pd.Timestamp, end: pd.Timestamp, data: CareData
                  ) -> tuple[pd.Timestamp, pd.Timestamp, str | None]:
    """``--from``/``--to`` cut to the loaded years, with a warning, when they reach beyond
    them; refused (E307) when the whole range lies outside."""
    first, last = coverage(data.years)
    if end < first:
        check_within(end, data.years, "--to")
    if start > last:
        check_within(start, data.years, "--from")
    cut = max(start, first), min(end, last)
    if cut == (start, end):
        return start, end, None
    warning = (f"warning: --from/--to reach beyond the loaded data ({describe_coverage(data.years)});"
               f" shown from {cut[0].date().isoformat()} to {cut[1].date().isoformat()} only")
    return *cut, warning


def present(result: pd.DataFrame, suppress: bool = True, threshold: int = 5) -> pd.DataFrame:
    """An indicator result as published: suppressed display strings unless ``suppress`` is off."""
    from cpanalytics.measures.indicators import REGISTRY
    from cpanalytics.publish.disclosure import suppress_result

    ind = REGISTRY[str(result["indicator"].iloc[0])]
    extra = [c for c in result.columns if c not in _SHOWN and c not in ("available", "count")]
    columns = [c for c in ("indicator", "date", *extra, "numerator", "denominator", "value",
                           "note") if c in result.columns]
    shown = suppress_result(result, threshold=threshold, unit=ind.unit) if suppress else result
    return shown[columns]


def results_for_cli(
    data: CareData,
    ids: list[str] | None,
    *,
    by: str | None,
    suppress: bool,
    threshold: int,
    as_at: pd.Timestamp | None = None,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    freq: str = "M",
) -> list[pd.DataFrame]:
    """Each chosen indicator as at ``as_at`` (or as a series from start to end), presented."""
    from cpanalytics.measures.indicators import REGISTRY, compute, series

    chosen = ids or [i for i, ind in REGISTRY.items() if ind.kind != "table"]
    frames = []
    for indicator_id in chosen:
        if as_at is not None:
            result = compute(indicator_id, data, as_at=as_at, by=by)
        else:
            # without as_at, the CLI gives start and end
            result = series(indicator_id, data, cast(pd.Timestamp, start),
                            cast(pd.Timestamp, end), freq=freq, by=by)
        if not result.empty:
            frames.append(present(result, suppress, threshold))
    if not frames:
        raise UserError("no results for the chosen indicators and dates",
                        fix="check the dates fall within the data's collection years",
                        code="E306")
    return frames
