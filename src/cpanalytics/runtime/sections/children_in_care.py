"""Children in care at a glance: numbers, profile, where they live, who started and who
left care (CIC-01 to CIC-09; reports.md, corporate parenting and IRO reports)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from cpanalytics.publish import charts, headlines, tables
from cpanalytics.runtime import notebook as nb
from cpanalytics.runtime.sections.context import Context
from cpanalytics.runtime.sections.registry import notebook, section

NAME = "children_in_care"
HEADLINE = ("CIC-01", "CIC-02", "CIC-03S", "CIC-04", "CIC-06", "CIC-07", "CIC-08", "CIC-08D",
            "CIC-09")
LOCATION = ("CIC-06", "CIC-07", "CIC-08", "CIC-08D", "CIC-09")
PROFILE = ("age_band", "sex", "ethnicity_group", "legal_status", "placement_type")
STARTS = ("sex", "ethnicity_group", "age_band", "legal_status")
ABOUT = ("CIC-01", "CIC-02", "CIC-03", "CIC-03S", "CIC-04", "CIC-05", "CIC-06", "CIC-07",
         "CIC-08", "CIC-08D", "CIC-09")


@notebook(NAME, title="Our children in care at a glance")
def headline_records(ctx: Context) -> list[dict[str, Any]]:
    """CIC-01 to CIC-09 as at the date."""
    return nb.records(ctx.kpis(HEADLINE), suppress=ctx.suppress)


def starts(ctx: Context, as_at: pd.Timestamp | None = None) -> dict[str, pd.DataFrame]:
    """Children who started care in the year (CIC-03S, to ``as_at`` or the reporting date)
    by each entry characteristic."""
    return {by: ctx.compute("CIC-03S", by=by, as_at=as_at) for by in STARTS}


@section("txt-cic-headline", notebook=NAME, summary="CIC-01, CIC-02 sentences")
def headline(ctx: Context) -> None:
    """Children in care (citizen and UASC), the rate per 10,000 and the year's starters."""
    nb.show_text([
        headlines.split_sentence(
            ctx.compute("CIC-01"), ctx.compute("CIC-01", by="uasc"), "uasc",
            when=f"on {nb.long_date(ctx.date)}", suppress=ctx.suppress,
            labels={"Citizen": "citizen children",
                    "UASC": "unaccompanied asylum-seeking children"},
            previous=ctx.compute("CIC-01", as_at=ctx.year_ago)),
        headlines.kpi_sentence(ctx.compute("CIC-02"), england=ctx.refs.england.get("CIC-02"),
                               previous=ctx.compute("CIC-02", as_at=ctx.year_ago),
                               suppress=ctx.suppress),
        headlines.kpi_sentence(ctx.compute("CIC-03S"), when=f"in {ctx.fy}",
                               previous=ctx.compute("CIC-03S", as_at=ctx.year_ago),
                               suppress=ctx.suppress),
    ])


@section(
    "fig-cic-trend", notebook=NAME,
    summary="5-year monthly CiC, citizen vs UASC (stacked or two lines)",
    caption="Children in care at each month end over five years, citizen children and UASC",
    alt="Stacked area chart of the number of children in care at each month end over the last "
        "five years, split into citizen children and unaccompanied asylum-seeking children.",
)
def trend(ctx: Context) -> None:
    """CIC-01 at each month end over five years, citizen children and UASC stacked."""
    nb.show_figure(charts.indicator_trend(ctx.series("CIC-01", 59, by="uasc"),
                                          la_name=ctx.la_name, group="uasc", stacked=True,
                                          suppress=ctx.suppress))


@section(
    "tbl-cic-profile", notebook=NAME,
    summary="CIC-05: age band, sex, ethnicity group, legal status, placement type (n and %)",
    caption="Children in care by age band, sex, ethnic group, legal status and placement type",
)
def profile(ctx: Context) -> None:
    """CIC-05 by each characteristic: number and percentage."""
    result = ctx.compute("CIC-05")
    ctx.publish_table(tables.profile({c: result for c in PROFILE}, suppress=ctx.suppress))


@section("txt-cic-location", notebook=NAME, summary="CIC-06 to CIC-09 sentences")
def location_text(ctx: Context) -> None:
    """Where children live (CIC-06 to CIC-09) against target and England."""
    nb.show_text([ctx.sentence(i) for i in LOCATION])


@section(
    "tbl-cic-location", notebook=NAME, summary="CIC-06 to CIC-09 with targets",
    caption="Where children in care live: placement location and provider measures",
)
def location(ctx: Context) -> None:
    """CIC-06 to CIC-09 with targets and England."""
    ctx.publish_measures(LOCATION)


@section(
    "tbl-cic-entry-profile", notebook=NAME,
    summary="children starting care in the year by gender, ethnicity, age band, legal status "
            "at entry, this year and last (IRO report)",
    caption="Children who started to be looked after in the year, by sex, ethnic group, age "
            "band and legal status at entry, this year and last year",
)
def entry_profile(ctx: Context) -> None:
    """CIC-03S by each entry characteristic: number and percentage, this year and last."""
    periods = {ctx.fy: starts(ctx), nb.fy_label(ctx.year_ago): starts(ctx, ctx.year_ago)}
    ctx.publish_table(tables.profile_periods(periods, count="value", suppress=ctx.suppress))


@section("txt-cic-s20", notebook=NAME,
         summary="Section 20 (V2) numbers, this year and last (IRO report)")
def section_20(ctx: Context) -> None:
    """Children in care, and children starting care, under Section 20 (legal status V2),
    then the same a year earlier."""
    before = headlines.share_sentence(
        ctx.compute("CIC-05", as_at=ctx.year_ago), "legal_status", "Section 20", count="count",
        suppress=ctx.suppress,
        template=f"A year earlier, on {nb.long_date(ctx.year_ago)}, {{n}} children in care "
                 "({pct}) were looked after under Section 20")
    started_before = headlines.share_sentence(
        ctx.compute("CIC-03S", by="legal_status", as_at=ctx.year_ago), "legal_status",
        "Section 20", count="value", suppress=ctx.suppress,
        template="{n} of the {total} children who started care in "
                 + nb.fy_label(ctx.year_ago) + " ({pct}) started under Section 20")
    in_care = headlines.share_sentence(
        ctx.compute("CIC-05"), "legal_status", "Section 20", count="count",
        suppress=ctx.suppress,
        template="{n} children in care ({pct} of all) were looked after under Section 20 "
                 f"(voluntary accommodation) on {nb.long_date(ctx.date)}")
    started = headlines.share_sentence(
        ctx.compute("CIC-03S", by="legal_status"), "legal_status", "Section 20", count="value",
        suppress=ctx.suppress,
        template="{n} of the {total} children who started care in " + ctx.fy
                 + " ({pct}) started under Section 20")
    nb.show_text(" ".join((in_care, started, before, started_before)))


@section(
    "tbl-cic03-ceased", notebook=NAME,
    summary="CIC-03 reasons ceased, n and %, this year vs previous",
    caption="Children who ceased to be looked after by reason, this year and last year (number "
            "and percentage)",
)
def ceased(ctx: Context) -> None:
    """CIC-03 by reason, this financial year and the one before."""
    previous = nb.years_back(ctx.date, 1)
    periods = {ctx.fy: ctx.compute("CIC-03"),
               nb.fy_label(previous): ctx.compute("CIC-03", as_at=previous)}
    ctx.publish_table(tables.compare_periods(periods, "reason", suppress=ctx.suppress))


@section("txt-cic-about", notebook=NAME, summary="period, definitions, source")
def about(ctx: Context) -> None:
    """Data period, the definitions of the measures and the source line."""
    nb.about(ABOUT, ctx.date)


@section("txt-cic-about-starts", notebook=NAME,
         summary="CIC-03S, CIC-05 definitions and source (IRO report)")
def about_starts(ctx: Context) -> None:
    """Children starting care and the legal statuses: plain English, the source line."""
    nb.about(("CIC-03S", "CIC-05"), ctx.date, period=False)


@section("txt-cic-about-ceased", notebook=NAME,
         summary="CIC-03 definition and source (IRO report)")
def about_ceased(ctx: Context) -> None:
    """Children leaving care: the measure in plain English and the source line."""
    nb.about(("CIC-03",), ctx.date, period=False)
