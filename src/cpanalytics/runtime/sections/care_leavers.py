"""Care leavers: in touch, in education, employment or training, and in suitable
accommodation, by age group and for those in touch (CL-01 to CL-03; reports.md)."""

from __future__ import annotations

from typing import Any

from cpanalytics.publish import charts
from cpanalytics.runtime import notebook as nb
from cpanalytics.runtime.sections.context import Context
from cpanalytics.runtime.sections.registry import notebook, section

NAME = "care_leavers"
#: The DfE cohort measures (care leavers aged 17 to 21).
OUTCOMES = ("CL-01", "CL-02", "CL-03")
AGE_GROUPS = ("CL-02A", "CL-02B", "CL-03A", "CL-03B")
#: Local measures: outcomes of the care leavers in touch.
IN_TOUCH = ("CL-02L", "CL-03L")
ABOUT = ("CL-01", "CL-02", "CL-03", "CL-02A", "CL-02B", "CL-03A", "CL-03B", "CL-02L", "CL-03L")


@notebook(NAME, title="Care leavers")
def headline_records(ctx: Context) -> list[dict[str, Any]]:
    """Every care leaver measure as at the date."""
    return nb.records(ctx.kpis((*OUTCOMES, *AGE_GROUPS, *IN_TOUCH)), suppress=ctx.suppress)


@section("txt-cl-headline", notebook=NAME,
         summary="CL-01..03 (DfE cohort) and CL-02L/03L (in touch) sentences vs England or "
                 "target")
def headline(ctx: Context) -> None:
    """The outcomes and the in-touch measures against target and England."""
    nb.show_text([ctx.sentence(i) for i in (*OUTCOMES, *IN_TOUCH)])


@section(
    "fig-cl-outcomes", notebook=NAME, summary="CL-01..03 vs England",
    caption="Care leaver outcomes against target and England",
    alt="Bar chart of the percentage of care leavers in touch, in education, employment or "
        "training, and in suitable accommodation, beside the target and England where known.",
)
def outcomes_chart(ctx: Context) -> None:
    """CL-01 to CL-03 beside their targets and England."""
    nb.show_figure(charts.measures_bars(
        [ctx.compute(i) for i in OUTCOMES], la_name=ctx.la_name,
        period=f"care leavers aged 17 to 21, {ctx.fy}",
        measure="Care leaver outcomes (CL-01 to CL-03)", targets=ctx.refs.target,
        england=ctx.refs.england, suppress=ctx.suppress))


@section("tbl-cl-outcomes", notebook=NAME, summary="CL-01..03 with n, %, England",
         caption="Care leaver outcomes: number, percentage and England")
def outcomes(ctx: Context) -> None:
    """CL-01 to CL-03 against target and England."""
    ctx.publish_measures(OUTCOMES)


@section(
    "tbl-cl-age-groups", notebook=NAME,
    summary="CL-02A/B, CL-03A/B: EET and suitable accommodation, aged 17-18 and 19-21",
    caption="Care leaver outcomes by age group (17 to 18, 19 to 21)",
)
def age_groups(ctx: Context) -> None:
    """CL-02 and CL-03 for ages 17 to 18 and 19 to 21."""
    ctx.publish_measures(AGE_GROUPS)


@section(
    "tbl-cl-in-touch", notebook=NAME,
    summary="CL-02L/03L: local measures of those in touch, with n, %, target",
    caption="Local measures: outcomes of the care leavers in touch, against target (not "
            "comparable with England)",
)
def in_touch(ctx: Context) -> None:
    """CL-02L and CL-03L against target."""
    ctx.publish_measures(IN_TOUCH)


@section("txt-cl-about", notebook=NAME, summary="period, definitions, source")
def about(ctx: Context) -> None:
    """Data period, the definitions of the measures and the source line."""
    nb.about(ABOUT, ctx.date)
