"""The indicator registry: one declarative entry per measure (``docs/indicators.md`` is made from it).

Each indicator is one function decorated with :func:`indicator`. The function receives
the shared tables and the period-end dates and returns *unit rows* (one per child or
event per date) that the engine aggregates, so every measure supports any breakdown.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from cpanalytics.errors import UserError

#: Unit rows: ``date``, ``CHILD``, optional ``ref_date`` (when attributes are taken for
#: breakdowns, default ``date``), ``numerator`` and ``denominator`` (rates and means) or
#: the category columns named in ``categories`` (tables, counted by the engine).
UnitFunction = Callable[..., pd.DataFrame]

KINDS = ("rate", "mean", "count", "table", "per_10000")
PERIODS = ("SS", "R12M", "YTD", "FY", "3Y")


@dataclass(frozen=True)
class Indicator:
    """A registry entry: what the measure is, how it reads, and the function computing it."""

    id: str
    title: str
    polarity: str | None  # "H" higher is better, "L" lower is better, "T" close to target
    period: str
    kind: str
    unit: str
    definition: str
    sources: tuple[str, ...]
    needs: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    #: What the measure says in a headline sentence, ``{value}`` where the number goes
    #: (``{numerator}`` and ``{denominator}`` may appear too); ``None``: "title: value".
    phrase: str | None = None
    #: Short name for chart titles ("the share of ..."); ``None``: the caller's fallback.
    short: str | None = None
    #: Whether the measure is a row of the performance scorecard.
    kpi: bool = False
    #: The measure in plain English for elected members (the reports' "About these
    #: figures"): no field names, codes or file names; ``definition`` is the analyst's.
    plain: str = ""
    #: Anchors in docs/assumptions.md: the judgements this measure makes where data is silent.
    assumptions: tuple[str, ...] = ()
    func: UnitFunction = field(default=lambda *a, **k: pd.DataFrame(), repr=False, compare=False)


REGISTRY: dict[str, Indicator] = {}


def indicator(
    id: str,
    *,
    title: str,
    polarity: str | None,
    period: str,
    kind: str,
    unit: str,
    definition: str,
    sources: tuple[str, ...],
    needs: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    phrase: str | None = None,
    short: str | None = None,
    kpi: bool = False,
    plain: str = "",
    assumptions: tuple[str, ...] = (),
) -> Callable[[UnitFunction], UnitFunction]:
    """Register the decorated unit function under ``id`` with its declarative metadata."""
    if kind not in KINDS:
        raise ValueError(f"{id}: unknown kind {kind!r}")
    if period not in PERIODS:
        raise ValueError(f"{id}: unknown period {period!r}")

    def register(func: UnitFunction) -> UnitFunction:
        if id in REGISTRY:
            raise ValueError(f"indicator {id} registered twice")
        REGISTRY[id] = Indicator(
            id=id, title=title, polarity=polarity, period=period, kind=kind, unit=unit,
            definition=definition, sources=sources, needs=needs, categories=categories,
            phrase=phrase, short=short, kpi=kpi, plain=plain, assumptions=assumptions, func=func,
        )
        return func

    return register


def catalogue() -> pd.DataFrame:
    """Every registered indicator as a table, in family order: ``id``, ``title``,
    ``polarity`` (H higher is better, L lower, T close to target), ``period`` (SS, R12M,
    YTD, FY, 3Y), ``kind``, ``unit``, ``kpi`` (a scorecard row), ``definition``,
    ``sources``, ``needs`` (optional local extracts) and ``assumptions`` (entries of
    ``docs/assumptions.md``).

    Examples:
        >>> catalogue()[["id", "title"]]
        >>> catalogue().set_index("id").loc["HE-02", "definition"]
    """
    rows = [
        {
            "id": i.id, "title": i.title, "polarity": i.polarity, "period": i.period,
            "kind": i.kind, "unit": i.unit, "kpi": i.kpi, "definition": i.definition,
            "sources": ", ".join(i.sources), "needs": ", ".join(i.needs),
            "assumptions": ", ".join(i.assumptions),
        }
        for i in sorted(REGISTRY.values(), key=lambda i: _sort_key(i.id))
    ]
    return pd.DataFrame(rows)


def close_ids(text: str, registry: Mapping[str, Indicator] | None = None) -> list[str]:
    """The registered ids nearest to a mistyped one (``ps01`` -> ``PS-01``), best first."""
    known = list(REGISTRY if registry is None else registry)
    typed = text.strip().upper()
    if typed in known:
        return [typed]
    score = {k: difflib.SequenceMatcher(None, typed, k).ratio() for k in known}
    best = max(score.values(), default=0.0)
    near = [k for k in sorted(known, key=lambda k: -score[k]) if score[k] >= max(0.6, best - 0.1)]
    return near[:3]


def lookup(indicator_id: str) -> Indicator:
    """The entry for ``indicator_id``, or E302 naming the nearest ids ("did you mean ...?")."""
    if indicator_id in REGISTRY:
        return REGISTRY[indicator_id]
    near = close_ids(indicator_id)
    hint = f"did you mean {' or '.join(near)}? " if near else ""
    raise UserError(f"unknown indicator {indicator_id!r}", code="E302",
                    fix=hint + "run `cpanalytics indicators --list` for the ids, e.g. PS-01")


def scorecard_ids(registry: Mapping[str, Indicator]) -> list[str]:
    """The scorecard KPIs (entries with ``kpi``), by family and number, each family's
    headline measures before their letter-suffixed variants (CL-03 before CL-02L)."""
    def key(indicator_id: str) -> tuple[int, bool, int, str]:
        family, number, suffix = _sort_key(indicator_id)
        return family, bool(suffix), number, suffix

    return sorted((i.id for i in registry.values() if i.kpi), key=key)


def polarities(registry: Mapping[str, Indicator]) -> dict[str, str | None]:
    """Indicator id -> polarity, as :func:`cpanalytics.publish.targets.load` takes them."""
    return {i.id: i.polarity for i in registry.values()}


def _sort_key(indicator_id: str) -> tuple[int, int, str]:
    """Family order, then number; a letter suffix (CIC-08D, a companion measure) sorts after."""
    families = ["CIC", "PS", "HE", "AD", "UA", "CL", "IR"]
    family, _, number = indicator_id.partition("-")
    digits = "".join(itertools.takewhile(str.isdigit, number))
    return (families.index(family) if family in families else 99, int(digits or 0),
            number[len(digits):])
