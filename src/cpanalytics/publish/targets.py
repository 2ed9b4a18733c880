"""Targets, floors, comparators, areas and the NTS threshold, per reporting year.

Packaged defaults (``cpanalytics/resources/config/targets.yaml``, ``comparators.csv``, ``areas.yaml``,
from the Kent scorecards in the seed packs) are overridden by the analyst's files under
``<data root>/config/`` (``targets-<YYYY>.yaml``, ``comparators.csv``, ``areas.yaml``) and
``<data root>/local/comparators.csv``, and those by the same files in the ``config/`` of the
council's project folder (``cpanalytics init``) (indicators.md, "RAG rating": targets live in config).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from cpanalytics.data.dates import parse_date
from cpanalytics.data.settings import (
    PACKAGED,
    Lined,
    Roots,
    config_roots,
    line,
    number,
    per_file_version,
    read_yaml,
)
from cpanalytics.errors import UserError
from cpanalytics.measures import reference
from cpanalytics.measures.indicators import REGISTRY
from cpanalytics.measures.indicators.registry import polarities as registry_polarities

#: Fields a target entry may set.
TARGET_FIELDS = ("target", "floor", "tolerance", "floor_tolerance", "note")

#: Comparator columns (data-contract.md, local extract ``comparators.csv``).
COMPARATOR_COLUMNS = ["INDICATOR", "YEAR", "AREA", "VALUE"]

#: A comparator more than this many years older than the report carries a visible note.
COMPARATOR_MAX_AGE = 2

#: The month from whose first day the DfE's figures for a year ending 31 March are taken as
#: published ("Children looked after in England" comes out each November or December, so a
#: pack for August 2018 cites 2016/17: assumptions.md, "comparators").
COMPARATORS_PUBLISHED_MONTH = 12

#: Local variants of DfE measures (indicators.md, care leavers: "of those in touch"): their
#: definition differs from the published one, so no comparator may be given for them.
LOCAL_VARIANTS = {"CL-02L": "CL-02", "CL-03L": "CL-03"}


@dataclass(frozen=True)
class Target:
    """Target and floor for one indicator, in the indicator's own unit (percent as 0-100).

    ``tolerance`` / ``floor_tolerance`` are the G / A half-widths for polarity T.
    """

    indicator: str
    target: float | None = None
    floor: float | None = None
    tolerance: float | None = None
    floor_tolerance: float | None = None
    note: str = ""
    source: str = ""


def period_label(year: int) -> str:
    """The year ending 31 March as printed: 2019 -> ``2018/19``."""
    return f"{year - 1}/{str(year)[-2:]}"


@dataclass(frozen=True)
class Comparator:
    """A published comparator figure with the year (ending 31 March) it describes and the
    reporting year it is shown beside: ``England 2016/17: 593``, with an age note when old."""

    value: float
    year: int
    report_year: int
    area: str = "England"

    @property
    def label(self) -> str:
        """``England 2016/17``."""
        return f"{self.area} {period_label(self.year)}"

    @property
    def age_note(self) -> str:
        """``latest available; 8 years older than this report`` when older than
        :data:`COMPARATOR_MAX_AGE` years, else empty."""
        age = self.report_year - self.year
        return f"latest available; {age} years older than this report" if age > COMPARATOR_MAX_AGE else ""

    def describe(self, shown: str, *, area: bool = True) -> str:
        """The figure as printed, ``shown`` already formatted for its unit:
        ``England 2016/17: 593 (latest available; 8 years older than this report)``
        (without the area name for a table column headed by it)."""
        head = self.label if area else period_label(self.year)
        return f"{head}: {shown}" + (f" ({self.age_note})" if self.age_note else "")


@dataclass(frozen=True)
class Config:
    """Everything configurable for one reporting year (year ending 31 March)."""

    year: int
    targets: dict[str, Target]
    comparators: pd.DataFrame
    areas: dict[str, str]
    nts_threshold: dict[pd.Timestamp, float]
    files: tuple[str, ...] = field(default=())
    _index: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def target(self, indicator_id: str) -> Target:
        """The target entry for an indicator (an empty one when none is configured)."""
        return self.targets.get(indicator_id, Target(indicator_id))

    def comparator(
        self, indicator_id: str, area: str = "England", year: int | None = None
    ) -> tuple[float, int] | None:
        """The latest comparator value for ``area`` published for ``year`` or before, with its year."""
        published = [(y, v) for y, v in self._comparator_index().get((indicator_id, area), [])
                     if y <= (year or self.year)]
        if not published:
            return None
        latest_year, value = max(published)
        return value, latest_year

    def latest(self, indicator_id: str, area: str = "England") -> Comparator | None:
        """The latest figure for ``area`` published for this reporting year or before, with
        its year (same indicator id: only like-for-like figures)."""
        found = self.comparator(indicator_id, area)
        return Comparator(found[0], found[1], self.year, area) if found else None

    def _comparator_index(self) -> dict[tuple[str, str], list[tuple[int, float]]]:
        """(indicator, area) -> [(year, value)], built once per Config."""
        if "comparators" not in self._index:
            c = self.comparators
            index: dict[tuple[str, str], list[tuple[int, float]]] = {}
            for ind, area, year, value in zip(c["INDICATOR"].astype(str), c["AREA"].astype(str),
                                              c["YEAR"], c["VALUE"], strict=True):
                index.setdefault((ind, area), []).append((int(year), float(value)))
            self._index["comparators"] = index
        return self._index["comparators"]

    def nts_rate(self, date: str | pd.Timestamp) -> float:
        """The National Transfer Scheme threshold (share of the under-18 population) on a date."""
        when = parse_date(date, "date")
        starts = sorted(self.nts_threshold)
        in_force = [s for s in starts if s <= when] or starts[:1]
        return self.nts_threshold[in_force[-1]]


def reporting_year(as_at: str | pd.Timestamp) -> int:
    """The year ending 31 March that contains ``as_at`` (2018-08-31 -> 2019)."""
    when = parse_date(as_at, "as_at")
    return when.year + (1 if when.month >= 4 else 0)


def published_year(as_at: str | pd.Timestamp) -> int:
    """The latest year ending 31 March whose comparators are published by ``as_at``: the
    figures for year Y count from 1 December Y (:data:`COMPARATORS_PUBLISHED_MONTH`), so
    2018-08-31 -> 2017 (2016/17) and 2018-12-31 -> 2018."""
    when = parse_date(as_at, "as_at")
    return when.year - (1 if when.month < COMPARATORS_PUBLISHED_MONTH else 0)


def indicator_polarities() -> dict[str, str | None]:
    """Indicator id -> polarity, from the indicator registry (the only polarity table)."""
    return registry_polarities(REGISTRY)


def load(
    root: Roots,
    year: int,
    polarities: Mapping[str, str | None] | None = None,
    local_comparators: pd.DataFrame | None = None,
) -> Config:
    """The configuration for reporting ``year``: packaged defaults, then the council's files.

    ``root`` is the data root, or the data root and the project folder
    (``CareData.config_roots``). Precedence (later wins): packaged ``targets.yaml``
    (``targets``, then ``years: {YYYY}``; ids the registry does not know are skipped there),
    each root's ``config/targets-<YYYY>.yaml`` (field by field); comparators: packaged
    ``comparators.csv``, ``<root>/local/comparators.csv`` (or ``local_comparators``), each
    root's ``config/comparators.csv``. ``polarities`` (id -> polarity,
    :func:`cpanalytics.measures.indicators.registry.polarities` of a registry) default to
    those of the indicator registry.
    """
    polarity = dict(polarities if polarities is not None else indicator_polarities())
    packaged = read_yaml(PACKAGED / "targets.yaml")
    year_defaults = (packaged.get("years") or {}).get(year) or {}
    targets: dict[str, Target] = {}
    for section in (packaged.get("targets") or {}, year_defaults):
        known = Lined({k: v for k, v in section.items() if k in polarity})
        known.lines = getattr(section, "lines", {})
        targets = _targets(known, PACKAGED / "targets.yaml", polarity, targets)
    files = [str(PACKAGED / "targets.yaml")]
    roots = config_roots(root)
    for folder in roots:
        override = folder / "config" / f"targets-{year}.yaml"
        if override.is_file():
            raw = read_yaml(override)
            unknown = set(raw) - {"targets", "nts_threshold"}
            if unknown:
                raise UserError(
                    f"unknown section {sorted(unknown)[0]!r}", file=override, code="E326",
                    fix="put indicator targets under 'targets:' (e.g. 'targets: {PS-01: "
                        "{target: 10, floor: 12}}') and NTS rates under 'nts_threshold:'",
                )
            targets = _targets(raw.get("targets") or {}, override, polarity, targets)
            files.append(str(override))
    extracts = [PACKAGED / "comparators.csv", *(r / "local" / "comparators.csv" for r in roots)]
    council = [r / "config" / "comparators.csv" for r in roots]
    frames = [_read_comparators(p) for p in extracts if p.is_file()]
    if local_comparators is not None:
        frames.append(_check_comparators(local_comparators.copy(), "local/comparators.csv"))
    frames += [_read_comparators(p) for p in council if p.is_file()]
    files += [str(p) for p in [*extracts, *council] if p.is_file()] + [str(reference.areas_file(root))]
    comparators = (
        pd.concat(frames, ignore_index=True)
        .drop_duplicates(["INDICATOR", "YEAR", "AREA"], keep="last")
        .reset_index(drop=True)
    )
    return Config(year=year, targets=targets, comparators=comparators,
                  areas=reference.areas(root), nts_threshold=reference.nts_thresholds(root, year),
                  files=tuple(files))


def packaged_defaults_in_use(root: Roots, year: int) -> list[str]:
    """Which configuration files come from the packaged defaults (the Kent seed packs)
    because neither the data root nor the project overrides them: ``targets-<YYYY>.yaml``,
    ``areas.yaml`` and ``comparators.csv``. The files ``cpanalytics init`` writes (every
    target and area commented out, comparators a header and comments) count as none."""
    targets = [p for r in config_roots(root) if (p := r / "config" / f"targets-{year}.yaml").is_file()]
    own_targets = any(read_yaml(p).get("targets") is not None for p in targets)
    comparators = [p for r in config_roots(root) for p in (r / "local" / "comparators.csv",
                                                          r / "config" / "comparators.csv") if p.is_file()]
    own = {f"targets-{year}.yaml": own_targets,
           "areas.yaml": reference.areas_file(root) != PACKAGED / "areas.yaml",
           "comparators.csv": any(len(_read_comparators(p)) for p in comparators)}
    return [name for name, theirs in own.items() if not theirs]





def _targets(
    raw: object, path: Path, polarity: Mapping[str, str | None], base: Mapping[str, Target]
) -> dict[str, Target]:
    """Merge the entries of one ``targets`` mapping over ``base``, field by field, and check them."""
    out = dict(base)
    if not isinstance(raw, dict):
        raise UserError("'targets' must be a mapping of indicator id to settings", file=path,
                        code="E326", fix="write e.g. 'targets:\\n  PS-01: {target: 10, floor: 12}'")
    for ind, entry in raw.items():
        row = line(raw, ind)
        if ind not in polarity:
            raise UserError(
                f"unknown indicator id {ind!r}", file=path, row=row, column=str(ind), code="E321",
                fix="use an id from indicators.md (e.g. PS-01, HE-02); run "
                    "`cpanalytics indicators --list`",
            )
        if not isinstance(entry, dict):
            entry = {"target": entry}
        extra = set(entry) - set(TARGET_FIELDS)
        if extra:
            key = sorted(extra, key=str)[0]
            raise UserError(
                f"unknown setting {key!r} for {ind}", file=path, row=line(entry, key) or row,
                column=f"{ind}.{key}", code="E326",
                fix=f"use only {', '.join(TARGET_FIELDS)}",
            )
        values: dict[str, Any] = {}  # Target field -> number, for replace()
        for name in TARGET_FIELDS[:-1]:
            if name in entry:
                values[name] = number(entry[name], path, line(entry, name) or row, f"{ind}.{name}")
        current = out.get(ind, Target(ind))
        merged = replace(current, **values, note=str(entry.get("note", current.note)),
                         source=str(path))
        _check_sides(merged, polarity[ind], path, row)
        out[ind] = merged
    return out


def _check_sides(t: Target, polarity: str | None, path: Path, row: int | None) -> None:
    """A floor must be below the target for H, above it for L (E323); T uses tolerances."""
    if t.target is None or t.floor is None or polarity not in ("H", "L"):
        return
    wrong = t.floor > t.target if polarity == "H" else t.floor < t.target
    if wrong:
        side = "at or below" if polarity == "H" else "at or above"
        better = "higher" if polarity == "H" else "lower"
        raise UserError(
            f"{t.indicator}: floor {t.floor:g} is on the wrong side of target {t.target:g} "
            f"({better} is better, so the floor must be {side} the target)",
            file=path, row=row, column=f"{t.indicator}.floor", code="E323",
            fix=f"set a floor {side} {t.target:g}, or correct the target",
        )


@per_file_version
def _read_comparators(path: Path) -> pd.DataFrame:
    """Read a comparators CSV (INDICATOR, YEAR, AREA, VALUE; optional NOTE) and check it.
    Lines starting with ``#`` are comments (``cpanalytics init`` writes its example as one);
    rows keep their line numbers for errors."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        comments = {i for i, text in enumerate(lines) if text.startswith("#")}
        frame = pd.read_csv(path, dtype="str", keep_default_na=False, skiprows=lambda i: i in comments)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise UserError(f"could not read the comparators file: {exc}", file=path, code="E324",
                        fix="save it as CSV UTF-8 with columns INDICATOR, YEAR, AREA, VALUE") from None
    data_lines = [i for i, text in enumerate(lines) if i not in comments and text.strip()][1:]
    if len(data_lines) == len(frame):  # else (a field over several lines) rows as read
        frame.index = pd.Index([i - 1 for i in data_lines], dtype="int64")
    return _check_comparators(frame, path)


def _check_comparators(frame: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    """Typed comparators: YEAR int, VALUE float; blank VALUE rows dropped (E324 on bad values)."""
    missing = [c for c in COMPARATOR_COLUMNS if c not in frame.columns]
    if missing:
        raise UserError(f"missing column(s) {', '.join(missing)}", file=path, row=1, code="E324",
                        fix="the header must be INDICATOR,YEAR,AREA,VALUE")
    frame = frame.assign(NOTE=frame["NOTE"] if "NOTE" in frame.columns else "")
    frame = frame[[*COMPARATOR_COLUMNS, "NOTE"]].astype("str")
    frame = frame[frame["VALUE"].str.strip().ne("") & frame["VALUE"].ne("nan")]
    local = frame["INDICATOR"].str.strip().isin(list(LOCAL_VARIANTS))
    if local.any():
        position = int(local.to_numpy().argmax())
        variant = frame["INDICATOR"].iloc[position].strip()
        raise UserError(
            f"{variant} is a local measure, not comparable with England or other areas",
            file=path, row=int(frame.index[position]) + 2, column="INDICATOR", code="E324",
            fix=f"remove the row; published figures compare with {LOCAL_VARIANTS[variant]} "
                "(the DfE cohort), like for like",
        )
    for column in ("YEAR", "VALUE"):
        parsed = pd.to_numeric(frame[column].str.strip().str.rstrip("%"), errors="coerce")
        bad = parsed.isna() | ((parsed % 1 != 0) if column == "YEAR" else False)
        if bad.any():
            position = int(bad.to_numpy().argmax())
            raise UserError(
                f"{frame[column].iloc[position]!r} is not a {'year' if column == 'YEAR' else 'number'}",
                file=path, row=int(frame.index[position]) + 2, column=column, code="E324",
                fix="YEAR is the year ending 31 March (2019 for 2018/19); VALUE a plain number",
            )
        frame[column] = parsed
    return frame.astype({"YEAR": "int64", "VALUE": "float64"}).reset_index(drop=True)
