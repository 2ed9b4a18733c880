"""Placement stability: short-term and long-term stability, moves and their reasons
(PS-01 to PS-05; reports.md, corporate parenting and IRO reports)."""

from __future__ import annotations

from typing import Any

from cpanalytics.publish import charts, tables, wording
from cpanalytics.runtime import notebook as nb
from cpanalytics.runtime.sections.context import Context
from cpanalytics.runtime.sections.registry import notebook, section

NAME = "placement_stability"
HEADLINE = ("PS-01", "PS-02", "PS-05")
ABOUT = ("PS-01", "PS-02", "PS-03", "PS-04", "PS-05")


@notebook(NAME, title="Placement stability")
def headline_records(ctx: Context) -> list[dict[str, Any]]:
    """PS-01, PS-02 and PS-05 as at the date."""
    return nb.records(ctx.kpis(HEADLINE), suppress=ctx.suppress)


def _trend(ctx: Context, indicator_id: str) -> None:
    """The indicator monthly over the last year against its target and England."""
    nb.show_figure(charts.indicator_trend(
        ctx.series(indicator_id, 12), la_name=ctx.la_name,
        target=ctx.refs.target.get(indicator_id), england=ctx.refs.england.get(indicator_id),
        suppress=ctx.suppress))


@section("txt-ps-headline", notebook=NAME,
         summary="PS-01, PS-02 sentences against target and England")
def headline(ctx: Context) -> None:
    """PS-01 and PS-02 against target and England."""
    nb.show_text([ctx.sentence(i) for i in ("PS-01", "PS-02")])


@section(
    "fig-ps01-trend", notebook=NAME, summary="PS-01 monthly trend vs target and England",
    caption="Children in care with three or more placements in the last 12 months, monthly, "
            "against target and England",
    alt="Line chart of the percentage of children in care with three or more placements in "
        "the last 12 months at each month end over the last year, with the target and England "
        "shown as reference lines.",
)
def ps01_trend(ctx: Context) -> None:
    """PS-01 (short-term stability) monthly over the last year."""
    _trend(ctx, "PS-01")


@section(
    "fig-ps02-trend", notebook=NAME, summary="PS-02 monthly trend vs target and England",
    caption="Children in care long term who have been in the same placement for two years, "
            "monthly, against target and England",
    alt="Line chart of the percentage of children under 16 in care for two and a half years or "
        "more who have been in the same placement for two years, at each month end over the "
        "last year, with the target and England as reference lines.",
)
def ps02_trend(ctx: Context) -> None:
    """PS-02 (long-term stability) monthly over the last year."""
    _trend(ctx, "PS-02")


@section(
    "tbl-ps03-distribution", notebook=NAME,
    summary="PS-03 children with 3+ placements: age band x number of placements",
    caption="Children with three or more placements in the year, by age band and number of "
            "placements",
)
def ps03_distribution(ctx: Context) -> None:
    """PS-03: age band by number of placements."""
    ctx.publish_table(tables.crosstab(ctx.compute("PS-03"), "age_band", "placements",
                                      suppress=ctx.suppress))


@section("tbl-ps04-reasons", notebook=NAME, summary="PS-04 reasons for placement change",
         caption="Placement moves in the year by reason for the change")
def ps04_reasons(ctx: Context) -> None:
    """PS-04: placement moves by reason."""
    ctx.publish_table(tables.relabel(tables.marginal(ctx.compute("PS-04"), "reason",
                                                     suppress=ctx.suppress), wording.LABELS))


@section("txt-ps-about", notebook=NAME, summary="period, definitions, source")
def about(ctx: Context) -> None:
    """Data period, the definitions of the measures and the source line."""
    nb.about(ABOUT, ctx.date)


@section("txt-ps-about-summary", notebook=NAME,
         summary="PS-01 to PS-03 definitions and source (IRO report)")
def about_summary(ctx: Context) -> None:
    """The stability measures of the IRO executive summary in plain English, the source."""
    nb.about(("PS-01", "PS-02", "PS-03"), ctx.date, period=False)
