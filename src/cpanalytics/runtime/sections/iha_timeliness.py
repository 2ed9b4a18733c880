"""Health of children in care: initial health assessment timeliness, review health
assessments, dental checks and OC2 outcomes (HE-01 to HE-06; reports.md)."""

from __future__ import annotations

from typing import Any

from cpanalytics.publish import charts, headlines, tables, wording
from cpanalytics.runtime import notebook as nb
from cpanalytics.runtime.sections.context import Context
from cpanalytics.runtime.sections.registry import notebook, section

NAME = "iha_timeliness"
#: The OC2 health outcomes, in table order.
OC2 = ("HE-06a", "HE-06b", "HE-06c", "HE-06d", "HE-06e", "HE-06", "HE-06f")
HEADLINE = ("HE-01", "HE-02", "HE-04", "HE-05", *OC2)
ABOUT = ("HE-01", "HE-02", "HE-03", "HE-03a", "HE-04", "HE-05", "HE-06a", "HE-06b", "HE-06c",
         "HE-06d", "HE-06e", "HE-06", "HE-06f")


@notebook(NAME, title="Health of children in care")
def headline_records(ctx: Context) -> list[dict[str, Any]]:
    """HE-01, HE-02, HE-04, HE-05 and the OC2 outcomes as at the date."""
    return nb.records(ctx.kpis(HEADLINE), suppress=ctx.suppress)


@section("txt-he-headline", notebook=NAME,
         summary="HE-01, HE-02 (and citizen vs UASC) sentences")
def headline(ctx: Context) -> None:
    """HE-01 and HE-02 against target and England, with the citizen and UASC rates."""
    nb.show_text([ctx.sentence(i) + headlines.split_rates(ctx.compute(i, by="uasc"), "uasc",
                                                          suppress=ctx.suppress)
                  for i in ("HE-01", "HE-02")])


@section(
    "fig-he-trend", notebook=NAME,
    summary="HE-01 and HE-02 12-month trends, each with its own target and RAG bands",
    caption="Initial health assessment timeliness over the last 12 months: requests sent "
            "within 5 working days and assessments within 20 working days, each against its "
            "own target and bands",
    alt="Two line charts, one above the other, over the last 12 months: the percentage of "
        "health assessment requests sent within 5 working days (HE-01) and of initial health "
        "assessments done within 20 working days (HE-02), each for all children, citizen "
        "children and UASC, over its own red, amber and green bands and target line.",
)
def trend(ctx: Context) -> None:
    """HE-01 and HE-02 monthly, all children, citizen children and UASC, each over its own bands."""
    he02 = ctx.compute("HE-02")
    if not he02["available"].all():
        nb.show_note(he02["note"].iloc[0])
        return
    ids = ("HE-01", "HE-02")
    nb.show_figure(charts.indicator_panels(
        {i: ctx.series(i, 12, by="uasc") for i in ids}, la_name=ctx.la_name, group="uasc",
        headlines={i: ctx.series(i, 12) for i in ids},
        targets={i: ctx.refs.target.get(i) for i in ids},
        floors={i: ctx.refs.floor.get(i) for i in ids}, title_from="HE-02", suppress=ctx.suppress))


@section(
    "tbl-he03-breaches", notebook=NAME, summary="HE-03 breaches by responsibility x quarter",
    caption="Initial health assessments by quarter: in time, and breaches by responsibility",
)
def he03_breaches(ctx: Context) -> None:
    """HE-03: assessments by quarter and outcome (in time, or whose breach)."""
    he03 = ctx.compute("HE-03")
    if he03["available"].all():
        ctx.publish_table(tables.relabel(tables.crosstab(he03, "quarter", "outcome",
                                                         suppress=ctx.suppress),
                                         wording.LABELS))
    else:
        nb.show_note(he03["note"].iloc[0])


@section("tbl-he03-reasons", notebook=NAME, summary="HE-03 reasons for delay",
         caption="Initial health assessment breaches by reason for delay")
def he03_reasons(ctx: Context) -> None:
    """HE-03a: breaches by reason for delay."""
    he03a = ctx.compute("HE-03a")
    if he03a["available"].all():
        ctx.publish_table(tables.marginal(he03a, "delay_reason", suppress=ctx.suppress))
    else:
        nb.show_note(he03a["note"].iloc[0])


@section("tbl-he-rha-dental", notebook=NAME, summary="HE-04, HE-05",
         caption="Review health assessments and dental checks")
def rha_dental(ctx: Context) -> None:
    """HE-04 and HE-05 against target and England."""
    ctx.publish_measures(("HE-04", "HE-05"))


@section("tbl-he06-oc2", notebook=NAME, summary="HE-06 OC2 outcomes",
         caption="Health outcomes (OC2) of children in care for 12 months or more at 31 March")
def oc2(ctx: Context) -> None:
    """The OC2 outcomes against target and England."""
    ctx.publish_measures(OC2)


@section("txt-he-about", notebook=NAME, summary="period, definitions, source")
def about(ctx: Context) -> None:
    """Data period, the definitions of the measures and the source line."""
    nb.about(ABOUT, ctx.date)
