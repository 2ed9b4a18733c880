"""Report charts in the Analysis Function style (reports.md, "Quality bar: charts").

Each function takes indicator results and returns a matplotlib Figure (no pyplot state,
so nothing is displayed twice) with an active title computed from the data, a subtitle
naming the measure, geography and period, horizontal gridlines only, labelled axes and
the afcharts categorical palette. Its alt text (key numbers included) is ``fig.alt_text``.
The counts of children the indicator charts draw, and those they leave out as ``[c]``, are
recorded for the whole-publication disclosure audit (``publication_audit.printed``).
"""

from __future__ import annotations

import io
import itertools
import math
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import matplotlib
import matplotlib.dates as mdates
import matplotlib.rcsetup
import matplotlib.style
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from cpanalytics.publish.disclosure import (
    CONFIDENTIAL,
    NOT_AVAILABLE,
    UNIT_DECIMALS,
    format_reference,
    format_value,
    suppress_result,
)
from cpanalytics.publish.headlines import sentence_number, trend_phrase
from cpanalytics.publish.publication_audit import figure_key, origin, printed, rate
from cpanalytics.publish.targets import Comparator, period_label

#: The Analysis Function categorical palette (afcharts), in order of use.
PALETTE = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
#: Reference lines: target dashed dark grey, England dotted orange.
TARGET_COLOUR, ENGLAND_COLOUR = PALETTE[4], PALETTE[3]
#: RAG band tints (light, behind the data): red, amber, green.
BAND_COLOURS = {"R": "#F6D5D5", "A": "#FBE6C8", "G": "#D9EFE5"}
_BAND_LABELS = {"R": "Red: beyond the floor", "A": "Amber: short of target",
                "G": "Green: target met"}
#: A4 text width, 16 x 9 cm.
FIGSIZE = (16 / 2.54, 9 / 2.54)


def style_path() -> Path:
    """The afcharts matplotlib style file."""
    import afcharts

    return Path(afcharts.__file__).parent / "afcharts.mplstyle"


def set_alt_text(fig: Figure, text: str) -> None:
    """Attach a chart's alt text as ``fig.alt_text`` (read by :func:`cpanalytics.runtime.notebook.show_figure`)."""
    fig.alt_text = text  # type: ignore[attr-defined]  # our own attribute on matplotlib's Figure


@contextmanager
def report_style() -> Iterator[None]:
    """afcharts style at report size: 9 pt text, 11 pt title, y gridlines only."""
    overrides = {
        "font.size": 9, "axes.titlesize": 9, "axes.labelsize": 9, "xtick.labelsize": 9,
        "ytick.labelsize": 9, "legend.fontsize": 9, "figure.titlesize": 11,
        "figure.figsize": FIGSIZE,
        "axes.prop_cycle": matplotlib.rcsetup.cycler(color=list(PALETTE)),
        "axes.grid": True, "axes.grid.axis": "y",
        "text.parse_math": False,  # a $ in a name or label is text, never mathtext
    }
    with matplotlib.style.context([str(style_path()), overrides]):
        yield


def svg(fig: Figure) -> str:
    """The figure as SVG text (reproducible: no date stamp, fixed ids)."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "cpanalytics"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def kpi_trend(
    series: pd.DataFrame,
    *,
    title_subject: str,
    measure: str,
    la_name: str,
    unit: str,
    group: str | None = None,
    target: float | None = None,
    england: Comparator | None = None,
    floor: float | None = None,
    polarity: str = "H",
    stacked: bool = False,
    headline: pd.DataFrame | None = None,
    headline_label: str = "All children",
) -> Figure:
    """Monthly trend of an indicator series (one line per ``group``), with reference lines.

    The title says how ``headline`` (drawn as a line named ``headline_label``; default:
    the line, or the groups' sum for counts) moved over the last 12 months; ``floor`` and
    ``target`` shade red/amber/green bands. England is a dotted line labelled with its year
    (``England 2016/17: 10.7%``). Every line is in the legend, the authority's own (named
    ``la_name``) included; the y axis runs from 0 to a labelled tick above the data.
    """
    data = series.sort_values("date")
    known = data.dropna(subset=["value"])
    groups = _groups(data, group)
    start, end = data["date"].min(), data["date"].max()
    title = _trend_title(_headline_values(known, group, unit, headline), title_subject, unit)
    subtitle = f"{measure}, {la_name}, {_month(start)} to {_month(end)}"
    with report_style():
        fig = Figure(layout="constrained")
        ax = fig.subplots()
        highest = _draw_trend(ax, data, group, groups, own=la_name, stacked=stacked,
                              headline=headline, headline_label=headline_label)
        _reference_lines(ax, target, england, unit)
        _finish(fig, ax, title, subtitle, xlabel="Month end", ylabel=_ylabel(measure, unit))
        _y_axis(ax, _highest(highest, target, floor, england), unit)
        if floor is not None and target is not None:
            _rag_bands(ax, floor, target, polarity)
        _month_axis(ax, data["date"])
        _legend(ax)
    kind = "Stacked area chart" if stacked else "Line chart"
    set_alt_text(fig, _trend_alt(known, group, groups, measure, unit, target, england, start,
                                 end, kind, headline, headline_label))
    return fig


def _draw_trend(ax: Axes, data: pd.DataFrame, group: str | None, groups: list[str], *,
                own: str, stacked: bool = False, headline: pd.DataFrame | None = None,
                headline_label: str = "All children") -> float:
    """Draw the series (the ``headline`` line first, then one line or stacked area per group;
    an ungrouped line is named ``own``) and return the highest value drawn."""
    colours = iter(PALETTE)
    drawn = [data["value"]]
    if headline is not None:
        line = headline.sort_values("date")
        ax.plot(line["date"], line["value"], color=next(colours), linewidth=2, label=headline_label)
        drawn.append(line["value"])
    if stacked:
        wide = data.pivot_table(index="date", columns=group, values="value",
                                aggfunc="sum", observed=True).reindex(columns=groups)
        ax.stackplot(wide.index, [wide[g].fillna(0) for g in groups], labels=groups,
                     colors=[next(colours) for _ in groups])
        drawn.append(wide.fillna(0).sum(axis=1))
    else:
        for colour, (name, part) in zip(colours, _parts(data, group, groups), strict=False):
            ax.plot(part["date"], part["value"], color=colour, label=name or own)
    return max((float(v.max()) for v in drawn if v.notna().any()), default=0.0)


def _highest(drawn: float, target: float | None, floor: float | None,
             england: Comparator | None) -> float:
    """The highest value a chart must show: the data and its reference lines."""
    references = [v for v in (target, floor, england.value if england else None) if v is not None]
    return max([drawn, *references])


def indicator_panels(
    series: Mapping[str, pd.DataFrame],
    *,
    la_name: str,
    group: str | None = None,
    headlines: Mapping[str, pd.DataFrame] | None = None,
    targets: Mapping[str, float | None] | None = None,
    floors: Mapping[str, float | None] | None = None,
    title_from: str | None = None,
    headline_label: str = "All children",
    suppress: bool = True,
) -> Figure:
    """Registered indicators' monthly series one above the other (``series``: id -> series
    split by ``group``), each panel with its own lines (its ``headlines`` series first, as
    ``headline_label``), its own target and its own RAG bands (``floors``), so every band
    belongs to the measure drawn over it (issue 15: HE-01 was drawn in HE-02's bands).

    The title says how the headline of ``title_from`` (default: the first) moved; each
    panel's title names its measure and how its headline moved. Points a published table
    would show as ``[c]`` are left out when ``suppress``.
    """
    from cpanalytics.measures.indicators import REGISTRY

    ids = list(series)
    shown = {i: _shown(i, s, group, suppress) for i, s in series.items()}
    tops = {i: _shown(i, h, None, suppress) for i, h in (headlines or {}).items()}
    first = title_from or ids[0]
    unit = REGISTRY[first].unit
    dates = pd.concat([s["date"] for s in shown.values()])
    start, end = dates.min(), dates.max()
    title = _trend_title(_headline_values(shown[first].dropna(subset=["value"]), group, unit,
                                          tops.get(first)), subject(first, REGISTRY[first].title), unit)
    with report_style():
        fig = Figure(layout="constrained", figsize=(FIGSIZE[0], FIGSIZE[1] * (0.2 + 0.8 * len(ids))))
        axes = fig.subplots(len(ids), 1, sharex=True, squeeze=False)[:, 0]
        for n, (ax, ind_id) in enumerate(zip(axes, ids, strict=True)):
            ind, data = REGISTRY[ind_id], shown[ind_id].sort_values("date")
            target, floor = (targets or {}).get(ind_id), (floors or {}).get(ind_id)
            highest = _draw_trend(ax, data, group, _groups(data, group), own=la_name,
                                  headline=tops.get(ind_id), headline_label=headline_label)
            if target is not None:
                ax.axhline(target, color=TARGET_COLOUR, linestyle="--", linewidth=1.2, label="Target")
                ax.annotate(f"Target {format_reference(target, ind.unit)}", (1, target),
                            xycoords=("axes fraction", "data"), xytext=(-2, 3),
                            textcoords="offset points", ha="right", va="bottom", color=TARGET_COLOUR)
            moved = _headline_values(data.dropna(subset=["value"]), group, ind.unit, tops.get(ind_id))
            heading = f"{ind.title} ({ind.id}): {_moved(moved, ind.unit)}"
            if n == 0:
                heading = f"{la_name}, {_month(start)} to {_month(end)}\n{heading}"
            ax.set_title("\n".join(line for part in heading.split("\n")
                                   for line in textwrap.wrap(part, 85)), loc="left", color="#3D3D3D")
            ax.set_ylabel(_ylabel(ind.title, ind.unit))
            ax.grid(axis="x", visible=False)
            ax.grid(axis="y", visible=True)
            _y_axis(ax, _highest(highest, target, floor, None), ind.unit)
            if floor is not None and target is not None:
                _rag_bands(ax, floor, target, ind.polarity or "H")
        fig.suptitle("\n".join(textwrap.wrap(title, 68)), x=0.02, ha="left", fontweight="bold")
        axes[-1].set_xlabel("Month end")
        _month_axis(axes[-1], dates)
        _legend(axes[0], list(axes))
    set_alt_text(fig, " ".join(
        _trend_alt(shown[i].dropna(subset=["value"]), group, _groups(shown[i], group), REGISTRY[i].title,
                   REGISTRY[i].unit, (targets or {}).get(i), None, start, end, "Line chart",
                   tops.get(i), headline_label)
        for i in ids))
    return fig


def _shown(ind_id: str, series: pd.DataFrame, group: str | None, suppress: bool) -> pd.DataFrame:
    """A registered indicator's series as drawn: ``[c]`` points left out when ``suppress``,
    and the points recorded for the disclosure audit."""
    from cpanalytics.measures.indicators import REGISTRY

    unit = REGISTRY[ind_id].unit
    shown = hide_small(series, unit) if suppress else series
    if unit == "count":
        _record_points(ind_id, series, shown["value"], group)
    elif unit.startswith("%"):
        _record_rates(ind_id, series, shown["value"], group)
    return shown


def _bar_values(frame: pd.DataFrame, labels: list[str], series: Sequence[str], unit: str
                ) -> list[str]:
    """``label: value`` (or ``label: series value, ...``) for each bar group, for alt text."""
    out = []
    for i, label in enumerate(labels):
        values = [(name, frame[name].iloc[i]) for name in series if pd.notna(frame[name].iloc[i])]
        if len(series) == 1:
            text = sentence_number(values[0][1], unit) if values else "not shown"
        else:
            text = ", ".join(f"{name} {sentence_number(v, unit)}" for name, v in values)
        out.append(f"{label}: {text}")
    return out


def indicator_trend(
    series: pd.DataFrame,
    *,
    la_name: str,
    group: str | None = None,
    target: float | None = None,
    england: Comparator | None = None,
    floor: float | None = None,
    stacked: bool = False,
    headline: pd.DataFrame | None = None,
    measure: str | None = None,
    suppress: bool = True,
) -> Figure:
    """:func:`kpi_trend` for a registered indicator's series: measure (unless given), unit
    and polarity from the registry, the title subject from its ``short`` label. Points a
    published table would show as ``[c]`` are left out when ``suppress`` (``headline``'s
    too: it is drawn)."""
    from cpanalytics.measures.indicators import REGISTRY

    ind = REGISTRY[str(series["indicator"].iloc[0])]
    shown = _shown(ind.id, series, group, suppress)
    top = _shown(ind.id, headline, None, suppress) if headline is not None else None
    return kpi_trend(
        shown, title_subject=subject(ind.id, ind.title), measure=measure or ind.title,
        la_name=la_name, unit=ind.unit, group=group, target=target, england=england,
        floor=floor, polarity=ind.polarity or "H", stacked=stacked, headline=top,
    )


def _record_points(measure: str, series: pd.DataFrame, drawn: pd.Series, group: str | None,
                   part: str = "count") -> None:
    """Record a count chart's points (``[c]`` where ``drawn`` is NaN), by date and ``group``,
    with each date's total as the sum of its groups."""
    groups = series[group].astype(str) if group else pd.Series("", index=series.index)
    keys = [figure_key(measure, d, part, {group: g} if group else None) for d, g in zip(series["date"], groups,
                                                                                       strict=True)]
    shown = [sentence_number(v, "count") if pd.notna(v) else CONFIDENTIAL for v in drawn]
    by_date = pd.Series(keys, index=series.index).groupby(series["date"], sort=False)
    sums = [(figure_key(measure, d, part), list(k)) for d, k in by_date] if group else []
    printed("chart", [{"key": k, "value": v, "shown": t} for k, v, t in zip(keys, series["value"], shown,
                                                                           strict=True)], sums)


def _record_rates(measure: str, series: pd.DataFrame, drawn: pd.Series, group: str | None) -> None:
    """Record a percentage chart's drawn points (``drawn`` not NaN) by date and ``group``: each
    bounds its numerator by its denominator, to the rounding of the percentage shown."""
    if not {"numerator", "denominator"} <= set(series.columns):
        return
    points = series.assign(value=drawn.to_numpy(dtype=float)).dropna(subset=["value", "numerator", "denominator"])
    printed("chart", [], rates=[rate(measure, r["date"], r, UNIT_DECIMALS["%"], {group: str(r[group])} if group else None)
                                for r in points.to_dict("records")])


def hide_small(series: pd.DataFrame, unit: str, threshold: int = 5) -> pd.DataFrame:
    """``value`` set to NaN (not drawn) where suppression would show ``[c]``, row by row."""
    columns = [c for c in ("numerator", "denominator", "value") if c in series]
    shown = suppress_result(series[columns], threshold, unit=unit, totals_published=False)
    return series.assign(value=series["value"].where(shown["value"] != CONFIDENTIAL))


def combine(named: dict[str, pd.DataFrame], column: str = "line") -> pd.DataFrame:
    """Several series as one frame with a ``column`` naming each (the legend labels)."""
    parts = [frame.assign(**{column: name}) for name, frame in named.items()]
    out = pd.concat(parts, ignore_index=True)
    out[column] = pd.Categorical(out[column], categories=list(named))
    return out


def bars(
    frame: pd.DataFrame,
    *,
    x: str,
    title: str,
    measure: str,
    la_name: str,
    period: str,
    unit: str,
    series: Sequence[str] = ("value",),
    target: float | None = None,
) -> Figure:
    """Vertical bars of ``series`` columns by category ``x`` (grouped when several)."""
    labels = frame[x].astype(str).tolist()
    width = 0.8 / len(series)
    with report_style():
        fig = Figure(layout="constrained")
        ax = fig.subplots()
        for i, (name, colour) in enumerate(zip(series, PALETTE, strict=False)):
            positions = [p - 0.4 + width * (i + 0.5) for p in range(len(labels))]
            ax.bar(positions, frame[name].astype(float), width=width, color=colour,
                   label=name if len(series) > 1 else la_name)
        ax.set_xticks(range(len(labels)), labels)
        _reference_lines(ax, target, None, unit)
        _finish(fig, ax, title, f"{measure}, {la_name}, {period}", xlabel=x,
                ylabel=_ylabel(measure, unit))
        values = frame[list(series)].astype(float).max().max()
        _y_axis(ax, _highest(0.0 if pd.isna(values) else float(values), target, None, None), unit)
        _legend(ax)
    labels = [label.replace("\n", " ") for label in labels]
    set_alt_text(fig, f"Bar chart of {_lower(measure)} by {x.lower()} for {la_name}, {period}. "
                 + "; ".join(_bar_values(frame, labels, series, unit)) + "."
                 + (f" The target is {format_reference(target, unit)}." if target is not None
                    else ""))
    return fig


def period_counts(
    results: dict[str, pd.DataFrame],
    category: str,
    stage: str,
    *,
    la_name: str,
    measure: str,
    suppress: bool = True,
    threshold: int = 5,
) -> Figure:
    """Bars of one category's count in each period (the keys, e.g. ``2024-25``).

    A count of 1 to ``threshold - 1`` is not drawn when ``suppress`` (its label reads [c]).
    """
    counts = [float(r.loc[r[category].astype(str) == stage, "count"].sum()) for r in
              results.values()]
    periods = list(results)
    shown = [c if not (suppress and 0 < c < threshold) else float("nan") for c in counts]
    printed("chart", [{"key": figure_key(str(r["indicator"].iloc[0]), r["date"].iloc[0], "count", {category: stage}),
                       "value": c, "shown": sentence_number(v, "count") if pd.notna(v) else CONFIDENTIAL}
                      for r, c, v in zip(results.values(), counts, shown, strict=True)
                      if origin(r) is not None])
    frame = pd.DataFrame({"Year": [p if pd.notna(v) else f"{p} [c]" for p, v in
                                   zip(periods, shown, strict=True)], "value": shown})
    first, last = counts[0], counts[-1]
    if pd.isna(shown[0]) or pd.isna(shown[-1]):
        title = f"{measure} in each of the last {len(periods)} years"
    else:
        title = f"{measure} {trend_phrase(first, last, 'count')} between {periods[0]} and {periods[-1]}"
    return bars(frame, x="Year", title=title, measure=measure, la_name=la_name,
                period=f"{periods[0]} to {periods[-1]}", unit="count")


def numerator_trend(series: pd.DataFrame, *, la_name: str, suppress: bool = True) -> Figure:
    """Monthly trend of a rate indicator's numerator as a count (e.g. UASC in care, UA-01),
    small counts left out when ``suppress``."""
    from cpanalytics.measures.indicators import REGISTRY

    ind = REGISTRY[str(series["indicator"].iloc[0])]
    counts = series[["date", "numerator"]].assign(value=series["numerator"].astype(float))
    counts = hide_small(counts, "count") if suppress else counts
    _record_points(ind.id, series.assign(value=series["numerator"]), counts["value"], None, "numerator")
    measure = ind.title.split(" and ")[0]  # "UASC in care and their share of ..." -> the count
    return kpi_trend(counts, title_subject=subject(ind.id, measure), measure=measure,
                     la_name=la_name, unit="count")


def measures_bars(
    results: Sequence[pd.DataFrame],
    *,
    la_name: str,
    period: str,
    measure: str = "Outcomes",
    targets: dict[str, float] | None = None,
    england: dict[str, Comparator] | None = None,
    suppress: bool = True,
    threshold: int = 5,
) -> Figure:
    """Grouped bars: each measure's value beside its target and England (where known),
    England's legend entry naming the year(s) of its figures.

    A suppressed value is not drawn. The title counts the targets met, or names the highest.
    """
    from cpanalytics.measures.indicators import REGISTRY
    from cpanalytics.publish.tables import display_result

    rows: list[dict[str, Any]] = []
    shown: list[Comparator] = []
    for result in results:
        ind = REGISTRY[str(result["indicator"].iloc[0])]
        hidden = display_result(result, suppress=suppress, threshold=threshold)["value"].iloc[0]
        value = result["value"].iloc[0] if not str(hidden).startswith("[") else float("nan")
        comparator = (england or {}).get(ind.id)
        shown += [comparator] if comparator is not None else []
        if ind.unit == "count":
            _record_points(ind.id, result.iloc[[0]], pd.Series([value]), None)
        elif ind.unit.startswith("%"):
            _record_rates(ind.id, result.iloc[[0]], pd.Series([value]), None)
        rows.append({"Measure": "\n".join(textwrap.wrap(ind.title, 24)), "id": ind.id,
                     la_name: value, "Target": (targets or {}).get(ind.id),
                     "England": comparator.value if comparator is not None else None,
                     "polarity": ind.polarity})
    frame = pd.DataFrame(rows)
    england_label = _comparators_label(shown)
    frame = frame.rename(columns={"England": england_label})
    columns = [la_name] + [c for c in ("Target", england_label) if frame[c].notna().any()]
    unit = REGISTRY[rows[0]["id"]].unit
    title = _measures_title(frame, la_name, unit)
    return bars(frame.assign(**{c: frame[c].astype(float) for c in columns}), x="Measure",
                title=title, measure=measure, la_name=la_name, period=period, unit=unit,
                series=columns)


def _comparators_label(comparators: list[Comparator]) -> str:
    """``England 2016/17`` (or ``England 2016/17 and 2017/18``), with the age note of the
    oldest when it is more than two years older than the report."""
    if not comparators:
        return "England"
    years = sorted({c.year for c in comparators})
    oldest = min(comparators, key=lambda c: c.year)
    label = oldest.area + " " + " and ".join(period_label(y) for y in years)
    return label + (f" ({oldest.age_note})" if oldest.age_note else "")


def _measures_title(frame: pd.DataFrame, la_name: str, unit: str) -> str:
    """``2 of 3 measures met their target``, else ``<measure> was highest at 93.1%``."""
    known = frame.dropna(subset=[la_name])
    with_target = known.dropna(subset=["Target"])
    if len(with_target):
        met = ((with_target[la_name] >= with_target["Target"]) == (with_target["polarity"] != "L")).sum()
        return f"{met} of {len(with_target)} measures met their target"
    if known.empty:
        return "Figures are too small to show"
    # one row (a label of a unique index); pandas-stubs' .loc refuses idxmax's Hashable
    top = known.loc[cast(Any, known[la_name].idxmax())]
    name = top["Measure"].replace("\n", " ")
    return f"{name} was highest at {sentence_number(top[la_name], unit)}"


def trend_title(subject: str, start: float, end: float, unit: str, months: int) -> str:
    """Active title: ``The share of ... fell from 11.2% to 9.7% over the last 12 months``."""
    text = f"{subject} {trend_phrase(start, end, unit)} over the last {months} months"
    return text[:1].upper() + text[1:]


def subject(indicator_id: str, fallback: str) -> str:
    """The short name of a measure for titles (its registry entry's ``short``), else
    ``fallback``."""
    from cpanalytics.measures.indicators import REGISTRY

    ind = REGISTRY.get(indicator_id)
    return ind.short if ind is not None and ind.short is not None else fallback


def _groups(data: pd.DataFrame, group: str | None) -> list[str]:
    if group is None:
        return []
    column = data[group]
    if isinstance(column.dtype, pd.CategoricalDtype):
        present = set(column.astype(str))
        return [str(c) for c in column.cat.categories if str(c) in present]
    return sorted(column.astype(str).unique())


def _parts(data: pd.DataFrame, group: str | None, groups: list[str]) -> Iterator[tuple[str | None, pd.DataFrame]]:
    if group is None:
        yield None, data
        return
    labels = data[group].astype(str)
    for name in groups:
        yield name, data[labels == name]


def _headline_values(data: pd.DataFrame, group: str | None, unit: str,
                     headline: pd.DataFrame | None) -> pd.Series:
    """The value per date the title describes: ``headline``, the line, or the groups' total."""
    if headline is not None:
        return headline.dropna(subset=["value"]).sort_values("date").set_index("date")["value"]
    if group is None:
        return data.set_index("date")["value"]
    if unit == "count":
        return data.groupby("date")["value"].sum()
    first = data[data[group].astype(str) == _groups(data, group)[0]]
    return first.set_index("date")["value"]


def _trend_title(totals: pd.Series, subject_text: str, unit: str) -> str:
    end_date = totals.index.max()
    year_ago = end_date - pd.DateOffset(months=12)
    earlier = totals[totals.index <= year_ago + pd.Timedelta(days=3)]
    start_value = earlier.iloc[-1] if len(earlier) else totals.iloc[0]
    start_date = earlier.index[-1] if len(earlier) else totals.index.min()
    months = max(1, round((end_date - start_date).days / 30.44))
    return trend_title(subject_text, start_value, totals.iloc[-1], unit, months)


def _trend_alt(data: pd.DataFrame, group: str | None, groups: list[str], measure: str, unit: str,
               target: float | None, england: Comparator | None, start: pd.Timestamp,
               end: pd.Timestamp, kind: str, headline: pd.DataFrame | None = None,
               headline_label: str = "All children") -> str:
    parts = list(_parts(data, group, groups))
    if headline is not None:
        parts.insert(0, (headline_label, headline.dropna(subset=["value"]).sort_values("date")))
    lines = []
    for name, part in parts:
        label = f"{name}: " if name else "It "
        if part.empty:
            lines.append(f"{label}not shown (small numbers)")
            continue
        lines.append(f"{label}{trend_phrase(part['value'].iloc[0], part['value'].iloc[-1], unit)}")
    text = (f"{kind} of {_lower(measure)} at each month end from {_month(start)} to "
            f"{_month(end)}. " + "; ".join(lines) + ".")
    if target is not None:
        text += f" The target is {format_reference(target, unit)}."
    if england is not None:
        text += f" {england.describe(format_reference(england.value, unit))}."
    return text


def _moved(values: pd.Series, unit: str) -> str:
    """How a headline series moved over (up to) the last 12 months: ``fell from 9% to 8%``."""
    if values.empty:
        return "not shown (small numbers)"
    end = values.index.max()
    earlier = values[values.index <= end - pd.DateOffset(months=12) + pd.Timedelta(days=3)]
    return trend_phrase(earlier.iloc[-1] if len(earlier) else values.iloc[0], values.iloc[-1], unit)


def _rag_bands(ax: Axes, floor: float, target: float, polarity: str) -> None:
    """Shade red/amber/green from 0 to the top of the axis: beyond the floor, between floor
    and target, target met."""
    top = ax.get_ylim()[1]
    low, high = ("R", "G") if polarity == "H" else ("G", "R")
    edges = [0.0, min(floor, target), max(floor, target), top]
    for (bottom, upper), rag in zip(itertools.pairwise(edges), (low, "A", high), strict=True):
        ax.axhspan(bottom, upper, color=BAND_COLOURS[rag], zorder=0, label=_BAND_LABELS[rag])
    ax.set_ylim(0, top)


def _reference_lines(ax: Axes, target: float | None, england: Comparator | None, unit: str) -> None:
    if target is not None:
        ax.axhline(target, color=TARGET_COLOUR, linestyle="--", linewidth=1.2,
                   label=f"Target ({format_reference(target, unit)})")
    if england is not None:
        label = england.describe(format_reference(england.value, unit))
        ax.axhline(england.value, color=ENGLAND_COLOUR, linestyle=":", linewidth=1.5,
                   label="\n".join(textwrap.wrap(label, 40)))


def _finish(fig: Figure, ax: Axes, title: str, subtitle: str, *, xlabel: str, ylabel: str) -> None:
    fig.suptitle("\n".join(textwrap.wrap(title, 68)), x=0.02, ha="left", fontweight="bold")
    ax.set_title("\n".join(textwrap.wrap(subtitle, 85)), loc="left", color="#3D3D3D")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(axis="x", visible=False)
    ax.grid(axis="y", visible=True)


def y_ticks(highest: float, unit: str) -> list[float]:
    """The y ticks from 0 to the first tick above ``highest`` (with 2% headroom, so a line
    never rides the top edge); percentages stop at 100%."""
    reach = max(highest, 0.0) * 1.02 or 1.0
    locator = MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], integer=unit == "count")
    ticks = [float(t) for t in locator.tick_values(0, reach) if t >= 0]
    top = next((i for i, t in enumerate(ticks) if t >= reach), len(ticks) - 1)
    ticks = ticks[:top + 1]
    return [t for t in ticks if t <= 100] if unit == "%" and highest <= 100 else ticks


def _y_axis(ax: Axes, highest: float, unit: str) -> None:
    """0 to the labelled top tick of :func:`y_ticks`, every tick labelled (``%`` after
    percentages, as many decimals as the ticks need)."""
    ticks = y_ticks(highest, unit)
    places = next(d for d in range(6) if all(abs(round(t, d) - t) < 1e-9 for t in ticks))
    suffix = "%" if unit == "%" else ""
    ax.set_ylim(0, ticks[-1])
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.{places}f}{suffix}"))


def month_ticks(dates: pd.Series) -> tuple[list[pd.Timestamp], list[str]]:
    """Ticks at the data's own dates (every 1, 2, 3, 4, 6 or 12 months, counting back from
    the last, at most 7), each labelled with its own month (31 March is ``Mar``), the year
    under the first and each change of year."""
    days = pd.DatetimeIndex(sorted(pd.unique(pd.to_datetime(dates))))
    step = next((s for s in (1, 2, 3, 4, 6, 12) if math.ceil(len(days) / s) <= 7),
                math.ceil(len(days) / 7))
    ticks = list(days[::-1][::step][::-1])
    labels = [f"{d:%b}\n{d:%Y}" if i == 0 or d.year != ticks[i - 1].year else f"{d:%b}"
              for i, d in enumerate(ticks)]
    return ticks, labels


def _month_axis(ax: Axes, dates: pd.Series) -> None:
    ticks, labels = month_ticks(dates)
    ax.set_xticks(mdates.date2num([t.to_pydatetime() for t in ticks]), labels)


def _legend(ax: Axes, axes: Sequence[Axes] | None = None) -> None:
    """Legend under the plot, in one or two rows: every line, area and band of ``axes``
    (default ``ax``) once; none when only one thing is drawn (the subtitle names it)."""
    found: dict[str, Any] = {}
    for each in axes or [ax]:
        for handle, label in zip(*each.get_legend_handles_labels(), strict=True):
            found.setdefault(label, handle)
    if len(found) > 1:
        ax.figure.legend(list(found.values()), list(found), loc="outside lower left",
                         ncol=min(3, len(found)), frameon=False)


def _ylabel(measure: str, unit: str) -> str:
    return {"%": "Percentage", "count": "Number of children", "days": "Days"}.get(unit, measure)


def _lower(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym (``IHA``, ``UASC``)."""
    first = text.split(" ", 1)[0]
    return text if first.isupper() or any(c.isdigit() for c in first) else text[:1].lower() + text[1:]


def _month(date: pd.Timestamp) -> str:
    return pd.Timestamp(date).strftime("%B %Y")


#: The colour of a sparkline's last point by its RAG rating (the word is in the scorecard).
RAG_POINTS = {"G": PALETTE[1], "A": PALETTE[3], "R": PALETTE[2]}


def kpi_sparklines(
    series: Mapping[str, pd.DataFrame],
    *,
    la_name: str,
    ratings: Mapping[str, str | None] | None = None,
    columns: int = 4,
    suppress: bool = True,
) -> Figure:
    """The performance pack's sparklines (issue 17): a small line of each KPI's monthly values
    (``series``: id -> its series), in the order given, headed by its short label (:func:`subject`,
    else its title), id and latest value as the scorecard prints it, its last point coloured
    by its rating (``ratings``); each on its own scale, as a sparkline is. Points a published
    table would show as ``[c]`` are left out when ``suppress``."""
    from cpanalytics.measures.indicators import REGISTRY

    ids = list(series)
    shown = {i: _shown(i, s, None, suppress).sort_values("date") for i, s in series.items()}
    dates = pd.concat([s["date"] for s in shown.values()])
    start, end = dates.min(), dates.max()
    labels = {i: subject(i, REGISTRY[i].title) for i in ids}
    heads = {i: textwrap.wrap(labels[i][:1].upper() + labels[i][1:], 32) for i in ids}
    lines = [max(len(heads[i]) for i in ids[r:r + columns]) for r in range(0, len(ids), columns)]
    with report_style():
        fig = Figure(layout="constrained", figsize=(FIGSIZE[0], 0.3 + sum(0.5 + 0.12 * n for n in lines)))
        rows = len(lines)
        axes = fig.subplots(rows, columns, squeeze=False).ravel()
        for ax, ind_id in zip(axes, ids, strict=False):
            data, unit = shown[ind_id].dropna(subset=["value"]), REGISTRY[ind_id].unit
            latest = shown[ind_id]["value"].iloc[-1] if len(shown[ind_id]) else float("nan")
            ax.plot(data["date"], data["value"], color=PALETTE[0], linewidth=1.2)
            if len(data) and pd.notna(latest):
                ax.plot(data["date"].iloc[-1:], data["value"].iloc[-1:], marker="o", markersize=3.5,
                        color=RAG_POINTS.get(str((ratings or {}).get(ind_id)), PALETTE[0]))
            raw = series[ind_id].sort_values("date")["value"]
            value = (  # as the scorecard prints it
                f"{format_value(latest, unit)}{' days' if unit == 'days' else ''}" if pd.notna(latest)
                else NOT_AVAILABLE if raw.empty or pd.isna(raw.iloc[-1]) else CONFIDENTIAL)
            ax.set_title("\n".join([*heads[ind_id], f"{ind_id}: {value}"]), loc="left", fontsize=6.5,
                         color="#3D3D3D", pad=2)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(visible=False)
            for spine in ax.spines.values():
                spine.set_visible(False)
        for ax in axes[len(ids):]:
            ax.set_visible(False)
        fig.suptitle(f"Each KPI at every month end, {la_name}, {_month(start)} to {_month(end)}",
                     x=0.02, ha="left", fontsize=9)
    moves = [f"{labels[i]} ({i}) "
             f"{_moved(shown[i].dropna(subset=['value']).set_index('date')['value'], REGISTRY[i].unit)}"
             for i in ids]
    set_alt_text(fig, f"Small line charts, one per key performance indicator, of its value at each "
                      f"month end from {_month(start)} to {_month(end)}, each on its own scale: "
                      + "; ".join(moves) + ".")
    return fig
