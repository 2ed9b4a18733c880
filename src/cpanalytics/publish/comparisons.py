"""Ad hoc comparisons: the authority's value of one indicator against England, statistical
neighbours and the region, by reporting year (comparators from config, data-contract.md
``comparators.csv``).

Like for like only: a comparator is shown for the year (ending 31 March) it was published
for, beside the authority's value for that same year, under the same indicator id.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from cpanalytics.data.dates import coverage, parse_date
from cpanalytics.publish import disclosure
from cpanalytics.publish import targets as config_module
from cpanalytics.publish.targets import COMPARATOR_MAX_AGE, Config, period_label

if TYPE_CHECKING:
    from cpanalytics.measures.indicators.registry import Indicator

DEFAULT_AREAS = ("England", "Stat neighbours", "South East")

COLUMNS = ["indicator", "year", "period", "area", "value", "numerator", "denominator",
           "suppressed", "source"]


__all__ = ["DEFAULT_AREAS", "compare", "headline", "period_label", "plot_compare"]


def compare(
    indicator_id: str,
    data: object,
    as_at: str | pd.Timestamp | None = None,
    years: Iterable[int] | None = None,
    areas: Iterable[str] = DEFAULT_AREAS,
    config: Config | None = None,
    compute: Callable[..., pd.DataFrame] | None = None,
    registry: Mapping[str, Indicator] | None = None,
    la_name: str = "This authority",
    threshold: int = disclosure.DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """A tidy table of the authority's value by year beside each comparator area's.

    The authority's figure for year Y is computed at 31 March Y, or, with ``as_at``, at
    ``as_at`` and the same date in earlier years. ``years`` defaults to the five years up
    to ``as_at`` (or to the last loaded collection year). ``suppressed`` marks the
    authority's values that small-number suppression hides in publications. Years whose
    date falls before the loaded data have no value for the authority (no figure would be
    true there): they are listed in ``table.attrs["before_data"]``.
    """
    if compute is None or registry is None:
        from cpanalytics.measures import indicators as engine

        # kept as a plain callable: ``data`` is whatever the given ``compute`` accepts
        compute = compute or cast("Callable[..., pd.DataFrame]", engine.compute)
        registry = registry or engine.REGISTRY
    ind = registry[indicator_id]
    years = _years(data, as_at, years)
    dates = _dates(years, as_at)
    if config is None:
        local = getattr(data, "local", {}).get("comparators")
        config = config_module.load(getattr(data, "config_roots", None), max(years),
                                    local_comparators=local)
    loaded = list(getattr(data, "years", []) or [])
    first = coverage(loaded)[0] if loaded else pd.Timestamp.min
    known = [(y, d) for y, d in zip(years, dates, strict=True) if d >= first]
    own = pd.concat([compute(indicator_id, data, as_at=d).iloc[:1] for _, d in known]
                    or [pd.DataFrame(columns=["value", "numerator", "denominator"])],
                    ignore_index=True)
    own = own.assign(year=[y for y, _ in known], area=la_name, source="SSDA903 / local extracts")
    shown = disclosure.suppress_result(own, threshold, unit=ind.unit, totals_published=False)
    own["suppressed"] = shown["value"].isin([disclosure.CONFIDENTIAL, disclosure.NOT_AVAILABLE])
    comp = config.comparators
    comp = comp[(comp["INDICATOR"] == indicator_id) & comp["AREA"].isin(list(areas))
                & comp["YEAR"].isin(years)]
    comp = pd.DataFrame({
        "year": comp["YEAR"], "area": comp["AREA"], "value": comp["VALUE"],
        "source": comp["NOTE"].where(comp["NOTE"].ne(""), "comparators.csv"),
        "suppressed": False,
    })
    table = pd.concat([own, comp], ignore_index=True).assign(indicator=indicator_id)
    table["period"] = table["year"].map(period_label)
    order = {name: i for i, name in enumerate([la_name, *areas])}
    table = table.sort_values(["year", "area"], key=lambda s: s.map(order) if s.name == "area"
                              else s, kind="stable")
    table = table[COLUMNS].reset_index(drop=True)
    table.attrs.update(indicator=indicator_id, title=ind.title, unit=ind.unit,
                       polarity=ind.polarity, la_name=la_name,
                       before_data=[y for y in years if y not in dict(known)],
                       latest={a: c for a in areas
                               if (c := config.latest(indicator_id, a)) is not None})
    return table


def _years(data: object, as_at: str | pd.Timestamp | None, years: Iterable[int] | None) -> list[int]:
    """The reporting years compared: given, or the five up to ``as_at`` / the latest data."""
    if years is not None:
        return sorted(int(y) for y in years)
    if as_at is not None:
        last = config_module.reporting_year(as_at)
    else:
        loaded = list(getattr(data, "years", []) or [])
        last = max(loaded) if loaded else config_module.reporting_year(pd.Timestamp.today())
    return list(range(last - 4, last + 1))


def _dates(years: list[int], as_at: str | pd.Timestamp | None) -> list[pd.Timestamp]:
    """31 March of each year, or ``as_at`` stepped back a year at a time."""
    if as_at is None:
        return [pd.Timestamp(year=y, month=3, day=31) for y in years]
    end = parse_date(as_at, "as_at")
    last = config_module.reporting_year(end)
    return [end - pd.DateOffset(years=last - y) for y in years]


def headline(table: pd.DataFrame) -> str:
    """Active title: how the authority compares with England in the latest year both have
    (named), with a note when that year is more than
    :data:`~cpanalytics.publish.targets.COMPARATOR_MAX_AGE` years before the table's last year."""
    attrs = table.attrs
    la_name = attrs.get("la_name", "This authority")
    unit = attrs.get("unit", "")
    wide = table[~table["suppressed"]].pivot_table(index="year", columns="area", values="value")
    if la_name not in wide.columns or wide[la_name].dropna().empty:
        return f"{attrs.get('title', 'This measure')}: the figures are too small to show"
    both = wide.dropna(subset=[la_name, "England"]) if "England" in wide.columns else wide.iloc[:0]
    if both.empty:
        year = int(wide[la_name].dropna().index.max())
        value = disclosure.format_value(cast(float, wide.loc[year, la_name]), unit)  # a number
        return f"{la_name}: {value} in {period_label(year)}"
    year = int(both.index.max())
    # numbers: pandas-stubs types a .loc cell as any scalar
    ours, england = cast(float, both.loc[year, la_name]), cast(float, both.loc[year, "England"])
    shown = disclosure.format_value(ours, unit), disclosure.format_value(england, unit)
    last = int(table["year"].max())
    old = (f"; the latest year with both, {last - year} years before {period_label(last)}"
           if last - year > COMPARATOR_MAX_AGE else "")
    polarity = attrs.get("polarity")
    if shown[0] == shown[1]:
        verdict = "was in line with"
    elif polarity in ("H", "L"):
        verdict = "did better than" if (ours > england) == (polarity == "H") else "did worse than"
    else:
        verdict = "was above" if ours > england else "was below"
    return (f"{la_name} {verdict} England in {period_label(year)} ({shown[0]} against "
            f"{shown[1]}{old})")


def plot_compare(
    indicator_id: str | None = None,
    data: object = None,
    *,
    table: pd.DataFrame | None = None,
    **kwargs: Any,
) -> Figure:
    """Line chart of :func:`compare` (or a given ``table``) in the Analysis Function style:
    the authority first in dark blue, an active title and a subtitle with measure and period.
    Suppressed values are not drawn. The alt text is ``fig.alt_text``."""
    from cpanalytics.publish.charts import PALETTE, report_style, set_alt_text

    if table is None:
        # without a table, the caller names the indicator
        table = compare(cast(str, indicator_id), data, **kwargs)
    attrs = table.attrs
    la_name = attrs.get("la_name", "This authority")
    unit = attrs.get("unit", "")
    periods = sorted(table["year"].unique())
    labels = [period_label(y) for y in periods]
    visible = table[~table["suppressed"]]
    areas = list(dict.fromkeys(table["area"]))
    subtitle = (f"{attrs.get('title', table['indicator'].iloc[0])} ({unit}), "
                f"{labels[0]} to {labels[-1]} (years ending 31 March)")
    with report_style():
        fig = Figure(layout="constrained")
        ax = fig.subplots()
        for colour, area in zip(PALETTE, areas, strict=False):
            part = visible[visible["area"] == area].set_index("year")["value"].reindex(periods)
            ax.plot(labels, part.to_numpy(dtype=float), color=colour, marker="o",
                    linewidth=2.5 if area == la_name else 1.5, label=area)
        fig.suptitle("\n".join(textwrap.wrap(headline(table), 68)), x=0.02, ha="left",
                     fontweight="bold")
        ax.set_title("\n".join(textwrap.wrap(subtitle, 85)), loc="left", color="#3D3D3D")
        ax.set_xlabel("Year ending 31 March")
        ax.set_ylabel({"%": "Percentage", "days": "Days"}.get(unit, unit))
        ax.set_ylim(bottom=0)
        suffix = "%" if unit == "%" else ""
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}{suffix}"))
        ax.grid(axis="x", visible=False)
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower left",
                   ncol=min(4, len(areas)), frameon=False)
    set_alt_text(fig, _alt_text(visible, areas, unit, subtitle))
    return fig


def _alt_text(visible: pd.DataFrame, areas: list[str], unit: str, subtitle: str) -> str:
    """``Line chart of <measure>. <area>: 2018/19 9.7%, ...`` for screen readers."""
    parts = []
    for area in areas:
        rows = visible[visible["area"] == area].sort_values("year")
        values = ", ".join(f"{p} {disclosure.format_value(v, unit)}"
                           for p, v in zip(rows["period"], rows["value"], strict=True))
        parts.append(f"{area}: {values or 'not shown'}")
    return f"Line chart of {subtitle}. " + "; ".join(parts) + "."
