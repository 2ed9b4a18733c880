"""Adoption: timeliness against the DfE thresholds, the adoption journey over five years
and the children waiting (AD-01 to AD-07; reports.md, corporate parenting report)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from cpanalytics.publish import charts, tables, wording
from cpanalytics.runtime import notebook as nb
from cpanalytics.runtime.sections.context import Context
from cpanalytics.runtime.sections.registry import notebook, section

NAME = "adoption_timescales"
#: A1, A2 and A10: rolling 12 months, then the 3-year average.
TIMELINESS = ("AD-01", "AD-01-3Y", "AD-02", "AD-02-3Y", "AD-03", "AD-03-3Y")
STAGES = ("AD-05a", "AD-05b", "AD-05c", "AD-05d", "AD-05")
HEADLINE = (*TIMELINESS, *STAGES, "AD-06", "AD-07a")
ABOUT = ("AD-01", "AD-01-3Y", "AD-02", "AD-02-3Y", "AD-03", "AD-03-3Y", "AD-04", "AD-05a",
         "AD-05b", "AD-05c", "AD-05d", "AD-05", "AD-06", "AD-07", "AD-07a")
PROVISIONAL_JOURNEY = (
    "[p] provisional: matches come from the adoption return (AD1), which lists a child only "
    "in the year they are adopted, so the latest year's matches will rise as the children "
    "matched in it are adopted.")
PROVISIONAL_WAITING = (
    "[p] provisional: matches come from the adoption return (AD1), which lists a child only "
    "in the year they are adopted, so in the last 12 months of the data a child matched but "
    "not yet adopted shows as 'placement order, not matched'. These rows will move from "
    "'not matched' to 'matched' as later returns are loaded; the number waiting is not "
    "affected.")


@notebook(NAME, title="Adoption")
def headline_records(ctx: Context) -> list[dict[str, Any]]:
    """Timeliness, stage timings, AD-06 and AD-07a as at the date."""
    return nb.records(ctx.kpis(HEADLINE), suppress=ctx.suppress)


def journey(ctx: Context) -> dict[str, pd.DataFrame]:
    """AD-04 (the adoption journey) in each of the last five financial years, oldest first."""
    dates = reversed([nb.years_back(ctx.date, n) for n in range(5)])
    return {nb.fy_label(d): ctx.compute("AD-04", as_at=d) for d in dates}


@section("txt-ad-headline", notebook=NAME,
         summary="AD-01, AD-02, AD-03, AD-06 sentences vs thresholds")
def headline(ctx: Context) -> None:
    """A1, A2 and A10 against their thresholds, AD-06 against its target, and England."""
    nb.show_text([ctx.sentence(i, target_name="threshold" if i != "AD-06" else "target")
                  for i in ("AD-01", "AD-02", "AD-03", "AD-06")])


@section(
    "tbl-ad04-journey", notebook=NAME, summary="AD-04 five-year journey table",
    caption="Adoption journey: decisions, placement orders, matches, placements and adoption "
            "orders in each of the last five years",
)
def ad04_journey(ctx: Context) -> None:
    """AD-04 counts by stage in each of the last five years, then the provisional note."""
    years = journey(ctx)
    ctx.publish_table(tables.relabel(tables.counts_by_period(years, "stage", suppress=ctx.suppress),
                                     wording.LABELS))
    if tables.has_provisional(years):
        nb.show_note(PROVISIONAL_JOURNEY)


@section(
    "fig-ad-orders", notebook=NAME, summary="adoption orders by year",
    caption="Adoption orders in each of the last five years",
    alt="Bar chart of the number of adoption orders made in each of the last five financial "
        "years.",
)
def orders(ctx: Context) -> None:
    """Adoption orders (AD-04) in each of the last five years."""
    nb.show_figure(charts.period_counts(journey(ctx), "stage", "Adoption order",
                                        la_name=ctx.la_name, measure="Adoption orders",
                                        suppress=ctx.suppress))


@section(
    "tbl-ad-timeliness", notebook=NAME,
    summary="A1, A2, A10 (R12M and 3-year) vs thresholds and England",
    caption="Adoption timeliness (A1, A2, A10): rolling 12 months and 3-year averages against "
            "thresholds and England",
)
def timeliness(ctx: Context) -> None:
    """A1, A2 and A10, rolling 12 months and 3-year averages."""
    ctx.publish_measures(TIMELINESS)


@section("tbl-ad05-stages", notebook=NAME, summary="AD-05 stage timeliness",
         caption="Average days taken at each stage of the adoption journey")
def ad05_stages(ctx: Context) -> None:
    """AD-05: average days at each stage."""
    ctx.publish_measures(STAGES)


@section("tbl-ad07-waiting", notebook=NAME, summary="AD-07 children waiting",
         caption="Children waiting for adoption by stage and time waiting")
def ad07_waiting(ctx: Context) -> None:
    """AD-07: children waiting by stage and time waiting, then the provisional note."""
    waiting = ctx.compute("AD-07")
    ctx.publish_table(tables.crosstab(waiting, "status", "waiting", suppress=ctx.suppress))
    if tables.has_provisional({"AD-07": waiting}):
        nb.show_note(PROVISIONAL_WAITING)


@section("txt-ad-about", notebook=NAME, summary="period, definitions, source")
def about(ctx: Context) -> None:
    """Data period, the definitions of the measures and the source line."""
    nb.about(ABOUT, ctx.date)


@section("txt-ad-about-permanence", notebook=NAME,
         summary="AD-01 to AD-04, AD-06 definitions and source (IRO report)")
def about_permanence(ctx: Context) -> None:
    """The adoption headline measures in plain English and the source line."""
    nb.about(("AD-01", "AD-02", "AD-03", "AD-04", "AD-06"), ctx.date, period=False)
