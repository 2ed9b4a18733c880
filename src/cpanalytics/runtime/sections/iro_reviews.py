"""The IRO service: reviews, participation, caseloads, dispute resolution and care plan
quality (IR-01 to IR-08; reports.md, IRO annual report)."""

from __future__ import annotations

from typing import Any

from cpanalytics.publish import charts, headlines, tables, wording
from cpanalytics.runtime import notebook as nb
from cpanalytics.runtime.sections.context import Context
from cpanalytics.runtime.sections.registry import notebook, section

NAME = "iro_reviews"
HEADLINE = ("IR-01", "IR-02", "IR-04", "IR-04a", "IR-05", "IR-06", "IR-07a", "IR-08")


@notebook(NAME, title="IRO service: reviews, participation, caseloads and dispute resolution")
def headline_records(ctx: Context) -> list[dict[str, Any]]:
    """IR-01 to IR-08 as at the date."""
    return nb.records(ctx.kpis(HEADLINE), suppress=ctx.suppress)


@section("txt-ir-headline", notebook=NAME, summary="IR-01, IR-02, IR-04, IR-05 sentences")
def headline(ctx: Context) -> None:
    """Reviews in time, participation, caseloads and continuity against target and England."""
    nb.show_text([ctx.sentence(i) for i in ("IR-01", "IR-02", "IR-04", "IR-05")])


@section("tbl-ir-caseload", notebook=NAME, summary="IR-04, IR-05, IR-06, with a year earlier",
         caption="Reviews held, IRO caseloads and continuity of IRO, with the year before")
def caseload(ctx: Context) -> None:
    """IR-04, IR-04a, IR-05 and IR-06 a year earlier, against target and England."""
    ctx.publish_measures(("IR-04", "IR-04a", "IR-05", "IR-06"), previous=True)


@section(
    "fig-ir01-trend", notebook=NAME, summary="IR-01 monthly trend",
    caption="Children in care reviewed within timescale, monthly",
    alt="Line chart of the percentage of children in care whose reviews were all held within "
        "timescale, at each month end over the last year.",
)
def ir01_trend(ctx: Context) -> None:
    """IR-01 monthly over the last year against its target and England."""
    nb.show_figure(charts.indicator_trend(
        ctx.series("IR-01", 12), la_name=ctx.la_name, target=ctx.refs.target.get("IR-01"),
        england=ctx.refs.england.get("IR-01"), suppress=ctx.suppress))


@section("tbl-ir02-participation", notebook=NAME,
         summary="IR-02 participation, with a year earlier",
         caption="Reviews in the last 12 months where the child participated, with the year "
                 "before")
def ir02_participation(ctx: Context) -> None:
    """IR-02 and its value a year earlier, against target and England."""
    ctx.publish_measures(("IR-02",), previous=True)


@section("tbl-ir03-method", notebook=NAME, summary="IR-03 PN code x age band",
         caption="Reviews in the year by how the child took part (participation code) and "
                 "age")
def ir03_method(ctx: Context) -> None:
    """IR-03: reviews by participation method and age band."""
    ctx.publish_table(tables.relabel(tables.crosstab(
        ctx.compute("IR-03"), "participation", "age_at_review", suppress=ctx.suppress),
        wording.PARTICIPATION))


@section("tbl-ir07-escalations", notebook=NAME,
         summary="IR-07 category x stage; totals and time to resolve, with a year earlier",
         caption="Dispute resolution: escalations raised in the year by topic and stage")
def ir07_escalations(ctx: Context) -> None:
    """IR-07 escalations by category and stage, then their number and IR-07a (time to
    resolve), each with the year before."""
    ir07 = ctx.compute("IR-07")
    if not ir07["available"].all():
        nb.show_note(ir07["note"].iloc[0])
        return
    ctx.publish_table(tables.relabel(tables.crosstab(ir07, "category", "stage",
                                                     suppress=ctx.suppress),
                                     wording.DISPUTE_STAGES))
    nb.show_text(headlines.table_sentence(ir07, previous=ctx.compute("IR-07", as_at=ctx.year_ago),
                                          suppress=ctx.suppress)
                 + " " + ctx.sentence("IR-07a"))


@section(
    "fig-ir08-trend", notebook=NAME, summary="IR-08 care plan grading trend",
    caption="Care plans graded good or better, rolling 12 months, monthly",
    alt="Line chart of the percentage of care plans quality-assured in the previous 12 months "
        "that were graded good or better, at each month end over the last year, with the "
        "target line.",
)
def ir08_trend(ctx: Context) -> None:
    """IR-08 monthly over the last year against its target."""
    ir08 = ctx.compute("IR-08")
    if not ir08["available"].all():
        nb.show_note(ir08["note"].iloc[0])
        return
    nb.show_figure(charts.indicator_trend(ctx.series("IR-08", 12), la_name=ctx.la_name,
                                          target=ctx.refs.target.get("IR-08"),
                                          suppress=ctx.suppress))


@section("tbl-ir08-grades", notebook=NAME, summary="IR-08 grading table, with a year earlier",
         caption="Care plans quality-assured in the last 12 months by grade, with the 12 "
                 "months before")
def ir08_grades(ctx: Context) -> None:
    """IR-08a: care plans by grade, in the last 12 months and the 12 months before."""
    ir08a = ctx.compute("IR-08a")
    if ir08a["available"].all():
        periods = {nb.twelve_months(d): ctx.compute("IR-08a", as_at=d)
                   for d in (ctx.date, ctx.year_ago)}
        ctx.publish_table(tables.relabel(tables.compare_periods(periods, "grade",
                                                                suppress=ctx.suppress),
                                         wording.GRADES))
    else:
        nb.show_note(ir08a["note"].iloc[0])


@section("txt-ir-about", notebook=NAME, summary="IR-08 definitions and source")
def about(ctx: Context) -> None:
    """Care plan quality: the measures in plain English and the source line."""
    nb.about(("IR-08", "IR-08a"), ctx.date, period=False)


@section("txt-ir-about-caseload", notebook=NAME, summary="IR-04 to IR-06 definitions and source")
def about_caseload(ctx: Context) -> None:
    """Reviews held, caseloads and continuity: the measures in plain English, the source."""
    nb.about(("IR-04", "IR-04a", "IR-05", "IR-06"), ctx.date, period=False)


@section("txt-ir-about-timeliness", notebook=NAME, summary="IR-01 definition and source")
def about_timeliness(ctx: Context) -> None:
    """Review timeliness: the measure in plain English and the source line."""
    nb.about(("IR-01",), ctx.date, period=False)


@section("txt-ir-about-participation", notebook=NAME,
         summary="IR-02, IR-03 definitions and source")
def about_participation(ctx: Context) -> None:
    """Participation: the measures in plain English and the source line."""
    nb.about(("IR-02", "IR-03"), ctx.date, period=False)


@section("txt-ir-about-disputes", notebook=NAME, summary="IR-07 definitions and source")
def about_disputes(ctx: Context) -> None:
    """Dispute resolution: the measures in plain English and the source line."""
    nb.about(("IR-07", "IR-07a"), ctx.date, period=False)
