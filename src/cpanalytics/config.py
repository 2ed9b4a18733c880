"""Targets, floors, comparators, areas and the NTS threshold, per reporting year.

Packaged defaults (``cpanalytics/config/targets.yaml``, ``comparators.csv``, ``areas.yaml``,
from the Kent scorecards in the seed packs) are overridden by the analyst's files under
``<data root>/config/`` (``targets-<YYYY>.yaml``, ``comparators.csv``, ``areas.yaml``) and
``<data root>/local/comparators.csv`` (indicators.md, "RAG rating": targets live in config).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar, cast, overload

import pandas as pd
import yaml

from cpanalytics.dates import parse_date
from cpanalytics.errors import UserError

PACKAGED = Path(__file__).resolve().parent / "config"

#: Fields a target entry may set.
TARGET_FIELDS = ("target", "floor", "tolerance", "floor_tolerance", "note")

#: Comparator columns (data-contract.md, local extract ``comparators.csv``).
COMPARATOR_COLUMNS = ["INDICATOR", "YEAR", "AREA", "VALUE"]

#: Limits on a YAML configuration file: its size, and the values its aliases expand to.
MAX_YAML_BYTES = 1_000_000
MAX_YAML_VALUES = 100_000
#: Deepest nesting of lists and mappings a configuration file may have (E329).
MAX_YAML_DEPTH = 64

#: A comparator more than this many years older than the report carries a visible note.
COMPARATOR_MAX_AGE = 2

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


def indicator_polarities() -> dict[str, str | None]:
    """Indicator id -> polarity, from the indicator registry (the only polarity table)."""
    from cpanalytics.indicators import REGISTRY
    from cpanalytics.indicators.registry import polarities

    return polarities(REGISTRY)


def load(
    root: str | Path | None,
    year: int,
    polarities: Mapping[str, str | None] | None = None,
    local_comparators: pd.DataFrame | None = None,
) -> Config:
    """The configuration for reporting ``year``: packaged defaults, then the data root's files.

    Precedence (later wins): packaged ``targets.yaml`` (``targets``, then ``years: {YYYY}``;
    ids the registry does not know are skipped there),
    ``<root>/config/targets-<YYYY>.yaml``; comparators: packaged ``comparators.csv``,
    ``<root>/local/comparators.csv`` (or ``local_comparators``), ``<root>/config/comparators.csv``.
    ``polarities`` (id -> polarity, :func:`cpanalytics.indicators.registry.polarities` of a
    registry) default to those of the indicator registry.
    """
    polarity = dict(polarities if polarities is not None else indicator_polarities())
    packaged = _read_yaml(PACKAGED / "targets.yaml")
    year_defaults = (packaged.get("years") or {}).get(year) or {}
    targets: dict[str, Target] = {}
    for section in (packaged.get("targets") or {}, year_defaults):
        known = _Lined({k: v for k, v in section.items() if k in polarity})
        known.lines = getattr(section, "lines", {})
        targets = _targets(known, PACKAGED / "targets.yaml", polarity, targets)
    nts = _nts(packaged.get("nts_threshold"), PACKAGED / "targets.yaml")
    files = [str(PACKAGED / "targets.yaml")]
    comparator_files: list[Path] = [PACKAGED / "comparators.csv"]
    areas_file = PACKAGED / "areas.yaml"
    if root is not None:
        root = Path(root)
        override = root / "config" / f"targets-{year}.yaml"
        if override.is_file():
            raw = _read_yaml(override)
            unknown = set(raw) - {"targets", "nts_threshold"}
            if unknown:
                raise UserError(
                    f"unknown section {sorted(unknown)[0]!r}", file=override, code="E326",
                    fix="put indicator targets under 'targets:' (e.g. 'targets: {PS-01: "
                        "{target: 10, floor: 12}}') and NTS rates under 'nts_threshold:'",
                )
            targets = _targets(raw.get("targets") or {}, override, polarity, targets)
            if raw.get("nts_threshold") is not None:
                nts = _nts(raw["nts_threshold"], override)
            files.append(str(override))
        comparator_files += [root / "local" / "comparators.csv", root / "config" / "comparators.csv"]
        if (root / "config" / "areas.yaml").is_file():
            areas_file = root / "config" / "areas.yaml"
    frames = [_read_comparators(p) for p in comparator_files[:2] if p.is_file()]
    if local_comparators is not None:
        frames.append(_check_comparators(local_comparators.copy(), "local/comparators.csv"))
    frames += [_read_comparators(p) for p in comparator_files[2:] if p.is_file()]
    files += [str(p) for p in comparator_files if p.is_file()] + [str(areas_file)]
    comparators = (
        pd.concat(frames, ignore_index=True)
        .drop_duplicates(["INDICATOR", "YEAR", "AREA"], keep="last")
        .reset_index(drop=True)
    )
    return Config(year=year, targets=targets, comparators=comparators,
                  areas=_areas(areas_file), nts_threshold=nts, files=tuple(files))


def packaged_defaults_in_use(root: str | Path | None, year: int) -> list[str]:
    """Which configuration files come from the packaged defaults (the Kent seed packs)
    because the data root has no override: ``targets-<YYYY>.yaml`` and/or ``areas.yaml``."""
    folder = Path(root) / "config" if root is not None else None
    wanted = [f"targets-{year}.yaml", "areas.yaml"]
    return [name for name in wanted if folder is None or not (folder / name).is_file()]


def areas(root: str | Path | None = None) -> dict[str, str]:
    """District -> area: ``<root>/config/areas.yaml`` when present, else the packaged file."""
    override = Path(root) / "config" / "areas.yaml" if root is not None else None
    return _areas(override if override is not None and override.is_file() else PACKAGED / "areas.yaml")


def area_of(districts: pd.Series, areas: Mapping[str, str]) -> pd.Series:
    """The area (e.g. East Kent) of each district, matched ignoring case; unknown -> missing."""
    lookup = {k.casefold(): v for k, v in areas.items()}
    return districts.astype("str").str.strip().str.casefold().map(lookup)


_T = TypeVar("_T")


def _per_file_version(read: Callable[[Path], _T]) -> Callable[[Path], _T]:
    """``read`` once per version of a file (path, modification time and size); callers
    share the result and must not change it."""

    @functools.lru_cache(maxsize=32)
    def cached(path: Path, mtime_ns: int, size: int) -> _T:
        return read(path)

    @functools.wraps(read)
    def wrapper(path: Path) -> _T:
        stat = path.stat()
        return cached(path, stat.st_mtime_ns, stat.st_size)

    return wrapper


@_per_file_version
def _read_yaml(path: Path) -> dict:
    """Parse a YAML mapping, turning syntax errors into a located UserError (E320); files
    over ``MAX_YAML_BYTES`` or aliases that loop or expand too far are refused (E328, E329)."""
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise UserError(
            f"the file is {size:,} bytes; a configuration file may be at most {MAX_YAML_BYTES:,}",
            file=path, code="E329", fix="check that this is the right file: targets and areas take a few kB",
        )
    try:
        text = path.read_text(encoding="utf-8")
        _check_aliases(text, path)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise UserError(
            f"not valid YAML: {exc.problem}{where}",
            file=path, row=mark.line + 1 if mark else None, code="E320",
            fix="check indentation (spaces, not tabs) and the 'key: value' form near that line",
        ) from None
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise UserError("the file must be a mapping of sections", file=path,
                        row=node.start_mark.line + 1, code="E320",
                        fix="start with 'targets:' followed by indented indicator ids")
    return _with_lines(node)


def _check_aliases(text: str, path: Path) -> None:
    """Refuse an alias inside its own anchor (E328) and aliases that expand to more than
    ``MAX_YAML_VALUES`` values (E329, an "alias bomb"), from the events: nothing is expanded."""
    sizes: dict[str | None, int] = {}  # anchor -> values it expands to
    open_: list[list[Any]] = [[None, 0]]  # [anchor, values so far] of each open collection
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            open_.append([event.anchor, 1])
            if len(open_) > MAX_YAML_DEPTH:
                raise UserError(
                    f"the file nests lists or mappings more than {MAX_YAML_DEPTH} deep", file=path,
                    row=cast(yaml.error.Mark, event.start_mark).line + 1, code="E329",
                    fix="check that this is the right file: targets and areas nest three or four levels",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, count = open_.pop()
            sizes[anchor] = count
            open_[-1][1] += count
        elif isinstance(event, yaml.ScalarEvent):
            sizes[event.anchor] = 1
            open_[-1][1] += 1
        elif isinstance(event, yaml.AliasEvent) and event.anchor in sizes:
            open_[-1][1] += sizes[event.anchor]
        elif isinstance(event, yaml.AliasEvent) and any(a == event.anchor for a, _ in open_):
            raise UserError(
                f"the alias *{event.anchor} is inside its own anchor &{event.anchor}: "
                "the value would contain itself for ever", file=path,
                # the parser sets every event's start mark; the stubs allow None
                row=cast(yaml.error.Mark, event.start_mark).line + 1, code="E328",
                fix=f"write the value out instead of *{event.anchor}, or use an anchor defined "
                    "before and outside this entry",
            )  # an alias to no anchor at all: yaml.compose reports it (E320)
        if sum(values for _, values in open_) > MAX_YAML_VALUES:
            raise UserError(
                f"the aliases (*name) in this file expand to more than {MAX_YAML_VALUES:,} values "
                "(an alias bomb?)", file=path,
                row=cast(yaml.error.Mark, event.start_mark).line + 1, code="E329",
                fix="write the settings out; aliases are for sharing a few settings between entries",
            )


class _Lined(dict):
    """A mapping that remembers the 1-based line of each key."""

    lines: dict


@overload
def _with_lines(node: yaml.MappingNode) -> _Lined: ...
@overload
def _with_lines(node: yaml.Node) -> object: ...
def _with_lines(node: yaml.Node) -> object:
    """Construct plain Python values from a YAML node, keeping key lines on mappings."""
    if isinstance(node, yaml.MappingNode):
        out = _Lined()
        out.lines = {}
        for key_node, value_node in node.value:
            key = yaml.SafeLoader(" ").construct_object(key_node)
            out[key] = _with_lines(value_node)
            out.lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_with_lines(v) for v in node.value]
    return yaml.SafeLoader(" ").construct_object(node)


def _line(mapping: object, key: object) -> int | None:
    return getattr(mapping, "lines", {}).get(key)


def _targets(
    raw: object, path: Path, polarity: Mapping[str, str | None], base: Mapping[str, Target]
) -> dict[str, Target]:
    """Merge the entries of one ``targets`` mapping over ``base``, field by field, and check them."""
    out = dict(base)
    if not isinstance(raw, dict):
        raise UserError("'targets' must be a mapping of indicator id to settings", file=path,
                        code="E326", fix="write e.g. 'targets:\\n  PS-01: {target: 10, floor: 12}'")
    for ind, entry in raw.items():
        row = _line(raw, ind)
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
                f"unknown setting {key!r} for {ind}", file=path, row=_line(entry, key) or row,
                column=f"{ind}.{key}", code="E326",
                fix=f"use only {', '.join(TARGET_FIELDS)}",
            )
        values: dict[str, Any] = {}  # Target field -> number, for replace()
        for name in TARGET_FIELDS[:-1]:
            if name in entry:
                values[name] = _number(entry[name], path, _line(entry, name) or row, f"{ind}.{name}")
        current = out.get(ind, Target(ind))
        merged = replace(current, **values, note=str(entry.get("note", current.note)),
                         source=str(path))
        _check_sides(merged, polarity[ind], path, row)
        out[ind] = merged
    return out


def _number(value: object, path: Path, row: int | None, column: str) -> float | None:
    """A target value as a float (``10``, ``10%`` and ``"10.0"`` all read as 10.0); null -> None."""
    if value is None:
        return None
    text = str(value).strip().rstrip("%").replace(",", "")
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number):
        raise UserError(
            f"{value!r} is not a number", file=path, row=row, column=column, code="E322",
            fix="write a plain number in the indicator's unit, e.g. 'target: 85' for 85%",
        )
    return number


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


def _nts(raw: object, path: Path) -> dict[pd.Timestamp, float]:
    """``nts_threshold``: a mapping start date -> rate (0.0007 = 0.07%), or one rate (E325)."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = {"2016-07-01": raw}
    if not isinstance(raw, dict) or not raw:
        raise UserError("nts_threshold must map start dates to rates", file=path, code="E325",
                        fix="write e.g. 'nts_threshold: {2016-07-01: 0.0007, 2022-08-24: 0.001}'")
    out = {}
    for start, rate in raw.items():
        row = _line(raw, start)
        try:
            when = parse_date(start, "nts_threshold start")
        except UserError as exc:
            raise UserError(exc.problem, file=path, row=row, code="E325",
                            column="nts_threshold", fix=exc.fix) from None
        value = _number(rate, path, row, "nts_threshold")
        if value is None or not 0 < value < 0.01:
            raise UserError(
                f"NTS rate {rate!r} is not a share of the population", file=path, row=row,
                column="nts_threshold", code="E325", fix="write 0.07% as 0.0007 and 0.1% as 0.001",
            )
        out[when] = value
    return out


@_per_file_version
def _read_comparators(path: Path) -> pd.DataFrame:
    """Read a comparators CSV (INDICATOR, YEAR, AREA, VALUE; optional NOTE) and check it."""
    try:
        frame = pd.read_csv(path, dtype="str", keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise UserError(f"could not read the comparators file: {exc}", file=path, code="E324",
                        fix="save it as CSV UTF-8 with columns INDICATOR, YEAR, AREA, VALUE") from None
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


def _areas(path: Path) -> dict[str, str]:
    """District -> area from ``areas.yaml`` (``areas: {East Kent: [Ashford, ...]}``), E327 if malformed."""
    raw = _read_yaml(path).get("areas")
    if not isinstance(raw, dict) or not all(isinstance(v, list) for v in raw.values()):
        raise UserError("areas.yaml must map each area to a list of districts", file=path,
                        code="E327", fix="write e.g. 'areas:\\n  East Kent: [Ashford, Dover]'")
    return {str(d): str(area) for area, districts in raw.items() for d in districts}
