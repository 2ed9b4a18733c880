"""Unaccompanied asylum-seeking children: numbers in care, arrivals, nationality, the
National Transfer Scheme threshold and UASC care leavers (UA-01 to UA-05; reports.md)."""

from __future__ import annotations

from typing import Any

from cpanalytics.publish import charts, headlines, tables
from cpanalytics.runtime import notebook as nb
from cpanalytics.runtime.sections.context import Context
from cpanalytics.runtime.sections.registry import notebook, section

NAME = "uasc_trends"
HEADLINE = ("UA-01", "UA-04", "UA-05", "UA-05T")
ARRIVALS = ("quarter", "age_at_arrival", "sex")
ABOUT = ("UA-01", "UA-02", "UA-03", "UA-03A", "UA-04", "UA-05", "UA-05T")


@notebook(NAME, title="Unaccompanied asylum-seeking children")
def headline_records(ctx: Context) -> list[dict[str, Any]]:
    """UA-01, UA-04, UA-05 and UA-05T as at the date, then UA-02's total (arrivals)."""
    return [*nb.records(ctx.kpis(HEADLINE), suppress=ctx.suppress),
            nb.table_record(ctx.compute("UA-02"), suppress=ctx.suppress)]


@section("txt-ua-headline", notebook=NAME, summary="UA-01, UA-02, UA-04, UA-05 sentences")
def headline(ctx: Context) -> None:
    """UASC in care, arrivals in the last 12 months, the NTS threshold and UASC care leavers."""
    on_date = f"on {nb.long_date(ctx.date)}"
    nb.show_text([
        headlines.kpi_sentence(ctx.compute("UA-01"), when=on_date, suppress=ctx.suppress),
        headlines.table_sentence(ctx.compute("UA-02"),
                                 when=f"from {nb.period_text(ctx.date, 'R12M')}",
                                 suppress=ctx.suppress),
        headlines.kpi_sentence(ctx.compute("UA-04"), suppress=ctx.suppress),
        headlines.kpi_sentence(ctx.compute("UA-05"), when=on_date, suppress=ctx.suppress),
        headlines.kpi_sentence(ctx.compute("UA-05T"), when=f"in {ctx.fy}", suppress=ctx.suppress),
    ])


@section(
    "fig-ua01-trend", notebook=NAME, summary="UA-01 monthly UASC in care and share of CiC",
    caption="Unaccompanied asylum-seeking children in care at each month end over two years",
    alt="Line chart of the number of unaccompanied asylum-seeking children in care at each "
        "month end over the last two years.",
)
def ua01_trend(ctx: Context) -> None:
    """UA-01's numerator (UASC in care) at each month end over two years."""
    nb.show_figure(charts.numerator_trend(ctx.series("UA-01", 23), la_name=ctx.la_name,
                                          suppress=ctx.suppress))


@section("tbl-ua02-arrivals", notebook=NAME, summary="UA-02 arrivals by quarter, age, sex",
         caption="UASC starting care in the last 12 months by quarter, age at arrival and sex")
def ua02_arrivals(ctx: Context) -> None:
    """UA-02 by quarter, age at arrival and sex: number and percentage."""
    arrivals = ctx.compute("UA-02")
    ctx.publish_table(tables.profile({c: arrivals for c in ARRIVALS}, suppress=ctx.suppress))


@section("tbl-ua03-nationality", notebook=NAME, summary="UA-03 nationalities",
         caption="Nationality of UASC in care")
def ua03_nationality(ctx: Context) -> None:
    """UA-03: UASC in care by nationality."""
    ua03 = ctx.compute("UA-03")
    if ua03["available"].all():
        ctx.publish_table(tables.marginal(ua03, "nationality", suppress=ctx.suppress))
    else:
        nb.show_note(ua03["note"].iloc[0])


@section("tbl-ua04-nts", notebook=NAME,
         summary="UA-04 against the National Transfer Scheme threshold",
         caption="UASC in care against the National Transfer Scheme threshold")
def ua04_nts(ctx: Context) -> None:
    """UA-01 and UA-04 against target and England."""
    ctx.publish_measures(("UA-01", "UA-04"))


@section("tbl-ua05-leavers", notebook=NAME, summary="UA-05 UASC care leavers and turning 18",
         caption="UASC care leavers and UASC turning 18 in care")
def ua05_leavers(ctx: Context) -> None:
    """UA-05 and UA-05T (no targets or comparators)."""
    ctx.publish_measures(("UA-05", "UA-05T"), compared=False)


@section("txt-ua-about", notebook=NAME, summary="period, definitions, source")
def about(ctx: Context) -> None:
    """Data period, the definitions of the measures and the source line."""
    nb.about(ABOUT, ctx.date)
