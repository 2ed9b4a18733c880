"""Reference data the measures read: district -> area groupings and the National Transfer
Scheme thresholds. Packaged defaults, overridden by the council's ``config/`` folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from cpanalytics.data.dates import parse_date
from cpanalytics.data.settings import (
    PACKAGED,
    Roots,
    config_roots,
    line,
    number,
    read_yaml,
)
from cpanalytics.errors import UserError


def nts_thresholds(root: Roots, year: int) -> dict[pd.Timestamp, float]:
    """NTS threshold (start date -> share of the under-18 population) for reporting ``year``:
    the ``nts_threshold`` of the last ``<root>/config/targets-<YYYY>.yaml`` that sets one
    (project before data root), else the packaged ``targets.yaml``'s."""
    for folder in reversed(config_roots(root)):
        override = folder / "config" / f"targets-{year}.yaml"
        if override.is_file():
            raw = read_yaml(override).get("nts_threshold")
            if raw is not None:
                return _nts(raw, override)
    return _nts(read_yaml(PACKAGED / "targets.yaml").get("nts_threshold"), PACKAGED / "targets.yaml")


def areas_file(root: Roots) -> Path:
    """``config/areas.yaml`` of the project, else of the data root, else the packaged file;
    a file that sets no ``areas`` (every line commented out, as ``cpanalytics init`` writes
    it) counts as none."""
    own = [path for folder in config_roots(root)
           if (path := folder / "config" / "areas.yaml").is_file() and read_yaml(path).get("areas") is not None]
    return own[-1] if own else PACKAGED / "areas.yaml"


def areas(root: Roots = None) -> dict[str, str]:
    """District -> area, from :func:`areas_file`."""
    return _areas(areas_file(root))


def area_of(districts: pd.Series, areas: Mapping[str, str]) -> pd.Series:
    """The area (e.g. East Kent) of each district, matched ignoring case; unknown -> missing."""
    lookup = {k.casefold(): v for k, v in areas.items()}
    return districts.astype("str").str.strip().str.casefold().map(lookup)


def _nts(raw: object, path: Path) -> dict[pd.Timestamp, float]:
    """``nts_threshold``: a mapping start date -> rate (0.0007 = 0.07%), or one rate (E325)."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = {"2016-07-01": raw}
    if not isinstance(raw, dict) or not raw:
        raise UserError("nts_threshold must map start dates to rates", file=path, code="E325",
                        fix="write e.g. 'nts_threshold: {2016-07-01: 0.0007, 2022-08-24: 0.001}'")
    out = {}
    for start, rate in raw.items():
        row = line(raw, start)
        try:
            when = parse_date(start, "nts_threshold start")
        except UserError as exc:
            raise UserError(exc.problem, file=path, row=row, code="E325",
                            column="nts_threshold", fix=exc.fix) from None
        value = number(rate, path, row, "nts_threshold")
        if value is None or not 0 < value < 0.01:
            raise UserError(
                f"NTS rate {rate!r} is not a share of the population", file=path, row=row,
                column="nts_threshold", code="E325", fix="write 0.07% as 0.0007 and 0.1% as 0.001",
            )
        out[when] = value
    return out


def _areas(path: Path) -> dict[str, str]:
    """District -> area from ``areas.yaml`` (``areas: {East Kent: [Ashford, ...]}``), E327 if malformed."""
    raw = read_yaml(path).get("areas")
    if not isinstance(raw, dict) or not all(isinstance(v, list) for v in raw.values()):
        raise UserError("areas.yaml must map each area to a list of districts", file=path,
                        code="E327", fix="write e.g. 'areas:\\n  East Kent: [Ashford, Dover]'")
    return {str(d): str(area) for area, districts in raw.items() for d in districts}
