"""The Corporate Parenting Panel's performance pack (issue 17), for the month of the date: the
cover report (committee details, summary of performance, RAG changes since the last pack, a
paragraph for each Amber and Red KPI, contacts) and the performance report (guidance notes,
the scorecard with its sparklines, key activity). ``cpanalytics.publish.pack`` writes the
sentences. One section shows every Amber and Red KPI's paragraph, each a display output
marked with its KPI (:data:`PARAGRAPH_KEY`), so adding a KPI needs no new cell;
``cpanalytics.render.pack`` splits it by KPI and puts each officer's explanation after its
paragraph.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import pandas as pd
from IPython.display import Markdown, display

from cpanalytics.about import DEFAULT_LA_NAME
from cpanalytics.data.dates import parse_date
from cpanalytics.data.model import CareData
from cpanalytics.measures.indicators import REGISTRY, compute
from cpanalytics.measures.indicators import compute_at as engine_compute_at
from cpanalytics.publish import charts, committee, pack, scorecard
from cpanalytics.publish import targets as config
from cpanalytics.publish.markup import markdown_text
from cpanalytics.runtime import notebook as nb
from cpanalytics.runtime.sections.context import Context
from cpanalytics.runtime.sections.registry import notebook, section

NAME = "pack"
#: The section showing every Amber and Red KPI's paragraph, one display output each.
PARAGRAPHS = "txt-pack-paragraphs"
#: The display metadata naming the KPI of a paragraph output (``render.pack`` splits by it).
PARAGRAPH_KEY = "cpanalytics_pack_indicator"
#: The rows of the key activity table: label, measure, the group counted (none: all): a column
#: of the measure's result (its registry ``categories``), else a breakdown.
ACTIVITY: tuple[tuple[str, str, dict[str, str] | None], ...] = (
    ("Children starting care", "CIC-03S", None),
    ("of whom unaccompanied asylum-seeking children", "CIC-03S", {"uasc": "UASC"}),
    ("Children leaving care", "CIC-03", None),
    ("of whom adopted", "CIC-03", {"reason": "Adopted"}),
    ("of whom made subject to a special guardianship order", "CIC-03",
     {"reason": "Special guardianship order"}),
    ("Adoption: decisions that adoption is in the child's best interests", "AD-04",
     {"stage": "ADM decision"}),
    ("Adoption: placement orders", "AD-04", {"stage": "Placement order"}),
    ("Adoption: matches with adopters", "AD-04", {"stage": "Match"}),
    ("Adoption: children placed for adoption", "AD-04", {"stage": "Placed for adoption"}),
    ("Adoption: adoption orders", "AD-04", {"stage": "Adoption order"}),
)


def previous(ctx: Context) -> pd.Timestamp:
    """The date of the scorecard the panel saw last: the ``previous`` parameter, else two
    month-ends before the date (``pack.previous_date``)."""
    given = ctx.options.get("previous")
    return parse_date(given, "previous") if given else pack.previous_date(ctx.date)


def compute_at(indicator_id: str, data: CareData, dates: Iterable[pd.Timestamp]) -> pd.DataFrame:
    """``indicators.compute_at``, each (indicator, date) computed once per data set: the
    packs a kernel runs in a catch-up share their month-ends (August's previous month is
    July, October's previous pack is August) through the data's own cache."""
    memo = cast("dict[tuple[str, pd.Timestamp], pd.DataFrame]",
                data.cache.setdefault("pack results", {}))
    wanted = [pd.Timestamp(d) for d in dates]
    missing = [d for d in dict.fromkeys(wanted) if (indicator_id, d) not in memo]
    if missing:
        found = engine_compute_at(indicator_id, data, missing)
        on = pd.to_datetime(found["date"])
        memo.update({(indicator_id, d): found[on == d] for d in missing})
    return pd.concat([memo[(indicator_id, d)] for d in sorted(set(wanted))], ignore_index=True)


def scorecard_at(ctx: Context, when: pd.Timestamp) -> pd.DataFrame:
    """The scorecard as at ``when`` (``scorecard.build``), its results shared
    (:func:`compute_at`), England as published by then (``targets.published_year``)."""
    return scorecard.build(ctx.data, when, compute=compute, registry=REGISTRY, compute_at=compute_at,
                           comparator_year=config.published_year(when))


def card(ctx: Context) -> pd.DataFrame:
    """The scorecard as at the date, built once per run."""
    return ctx.once("pack card", lambda: scorecard_at(ctx, ctx.date))


def compared(ctx: Context) -> pd.DataFrame:
    """Each KPI now beside the scorecard the panel saw last (``pack.compare``)."""
    return ctx.once("pack compared", lambda: pack.compare(card(ctx), scorecard_at(ctx, previous(ctx))))


def details(ctx: Context) -> committee.Committee:
    """The committee details (``config/pack.yaml`` of the project or data root)."""
    return ctx.once("pack committee", lambda: committee.load(ctx.data.config_roots))


def comparators(ctx: Context) -> dict[str, list[Any]]:
    """Each KPI's England, statistical-neighbour and regional comparators with their year
    (the areas named in ``pack.yaml``): the latest published by the date
    (``targets.published_year``: the August 2018 pack cites 2016/17)."""
    def find() -> dict[str, list[Any]]:
        year = config.reporting_year(ctx.date)
        cfg = config.load(ctx.data.config_roots, year, local_comparators=ctx.data.local.get("comparators"))
        return pack.comparators(cfg, list(card(ctx)["indicator"]), details(ctx).comparators,
                                year=config.published_year(ctx.date))

    return ctx.once("pack comparators", find)


def flagged(ctx: Context) -> pd.DataFrame:
    """The KPIs rated Amber or Red, in the order their paragraphs are printed."""
    return ctx.once("pack flagged", lambda: pack.attention(compared(ctx)))


@notebook(NAME, title="Performance pack", parameters={"previous": None})
def headline_records(ctx: Context) -> list[dict[str, Any]]:
    """Every scorecard KPI with its RAG, its RAG in the last pack and, for an Amber or Red
    one, the place of its paragraph (``paragraph``: 1, 2, ...; ``render.pack`` reads it)."""
    order = {i: n for n, i in enumerate(flagged(ctx)["indicator"], start=1)}
    before = compared(ctx).set_index("indicator")["before_rag"]
    records = nb.scorecard_records(card(ctx), scorecard.publish(card(ctx)))
    return [r | {"previous_rag": None if pd.isna(before[r["id"]]) else str(before[r["id"]]),
                 "paragraph": order.get(r["id"])} for r in records]


@section("txt-pack-header", notebook=NAME,
         summary="committee details: from, to (panel and date), subject, classification, summary")
def header(ctx: Context) -> None:
    """The committee format's header lines, the summary and the recommendation."""
    who = details(ctx)
    meeting = who.meeting(ctx.date)
    when = nb.long_date(pd.Timestamp(meeting)) if meeting else "date to be confirmed"
    lines = [
        "**From:** " + "  \n".join(markdown_text(s) for s in who.sender),
        f"**To:** {markdown_text(who.to)} – {when}",
        f"**Subject:** {markdown_text(who.subject)}",
        f"**Classification:** {markdown_text(who.classification)}",
        f"**Electoral Divisions:** {markdown_text(who.electoral_divisions)}",
        f"**Summary:** The performance scorecard for children in care identifies the key "
        f"performance data and targets to be monitored to promote the best outcomes for the "
        f"children and young people looked after by {_council(ctx.la_name)}. The latest "
        f"scorecard, for {pack.month(ctx.date)}, is attached to this report.",
        f"**Recommendation:** Members of the {markdown_text(who.to)} are asked to NOTE and "
        "COMMENT on the performance data in the children in care scorecard.",
    ]
    nb.show_text("\n\n".join(lines))


@section("txt-pack-summary", notebook=NAME,
         summary="summary of performance: how many KPIs are rated Green, Amber and Red")
def summary(ctx: Context) -> None:
    """The RAG counts, and the YTD caution in the first months of the financial year."""
    caution = pack.ytd_caution(compared(ctx))
    nb.show_text(pack.rag_summary(compared(ctx)) + (f"\n\n{caution}" if caution else ""))


@section("txt-pack-changes", notebook=NAME,
         summary="the KPIs whose RAG changed since the last pack, with the movement in numbers")
def changes(ctx: Context) -> None:
    """Each RAG change since the scorecard the panel saw last."""
    meeting = details(ctx).meeting(previous(ctx))
    nb.show_text(pack.changes_text(compared(ctx), REGISTRY,
                                   panel=nb.long_date(pd.Timestamp(meeting)) if meeting else None))


@section("txt-pack-attention", notebook=NAME,
         summary="how many Amber and Red KPIs improved or declined since the last pack")
def attention(ctx: Context) -> None:
    """The count of Amber and Red KPIs that improved and declined."""
    nb.show_text(pack.attention_intro(compared(ctx)))


@section(PARAGRAPHS, notebook=NAME,
         summary="a paragraph for each Amber and Red KPI (split by KPI and embedded by the staging)")
def paragraphs(ctx: Context) -> None:
    """Each Amber and Red KPI's paragraph, in print order, as its own output marked with
    its id (:data:`PARAGRAPH_KEY`)."""
    for indicator_id, text in pack.paragraphs(flagged(ctx), REGISTRY, comparators(ctx)):
        display(Markdown(text), metadata={PARAGRAPH_KEY: indicator_id})


@section("txt-pack-contacts", notebook=NAME, summary="contact details: lead officer, lead director")
def contacts(ctx: Context) -> None:
    """The lead officer and lead director, each with title, phone and email."""
    nb.show_text("\n\n".join(
        f"**{c.role}**  \n" + "  \n".join(markdown_text(v) for v in (c.name, c.title, c.phone, c.email))
        for c in details(ctx).contacts))


@section("txt-pack-guidance", notebook=NAME,
         summary="guidance notes: polarity, RAG, floor standards, direction of travel, periods")
def guidance(ctx: Context) -> None:
    """The performance report's guidance notes."""
    nb.show_text(pack.guidance())


@section(
    "tbl-pack-scorecard", notebook=NAME,
    summary="every KPI: value, n/d, target, floor, RAG, direction since last month, year ago, England",
    caption="Performance scorecard: every key performance indicator with its target, floor "
            "standard, RAG rating, direction of travel since the previous month, the value a "
            "year earlier and England",
)
def scorecard_table(ctx: Context) -> None:
    """The pack's scorecard (``pack.scorecard_table``)."""
    ctx.publish_table(pack.scorecard_table(card(ctx)))


@section(
    "fig-pack-sparklines", notebook=NAME,
    summary="a 12-month sparkline of every KPI, its last point coloured by its RAG",
    caption="Sparklines: each key performance indicator at every month end over the last 12 "
            "months, each on its own scale, the last point coloured by its RAG rating",
    alt="Small line charts, one per key performance indicator in scorecard order, of its value "
        "at each month end over the last 12 months, each on its own scale.",
)
def sparklines(ctx: Context) -> None:
    """Each KPI's last 12 month-ends, in scorecard order."""
    rows = card(ctx)
    months = pd.date_range(nb.months_back(ctx.date, 12), ctx.date, freq="ME")
    nb.show_figure(charts.kpi_sparklines(
        {i: compute_at(i, ctx.data, months) for i in rows["indicator"]}, la_name=ctx.la_name,
        ratings=dict(zip(rows["indicator"], scorecard.published_ratings(rows)["rag"], strict=True)),
        suppress=ctx.suppress))


@section(
    "tbl-pack-activity", notebook=NAME,
    summary="key activity: starters, UASC arrivals, leavers, adoption journey in the month",
    caption="Key activity: children starting and leaving care and the adoption journey in the "
            "month, the year to date and the same months a year earlier",
)
def activity(ctx: Context) -> None:
    """Starters (and UASC), leavers (adopted, SGO) and each adoption stage."""
    dates = {"now": ctx.date, "before": scorecard.previous_month(ctx.date),
             "year_ago": scorecard.year_ago(ctx.date)}
    counts = pd.DataFrame([
        {"activity": label, "measure": measure, "where": where}
        | {k: _count(ctx, measure, where, d) for k, d in dates.items()}
        for label, measure, where in ACTIVITY])
    ctx.publish_table(pack.activity(counts, ctx.date))


def _count(ctx: Context, measure: str, where: dict[str, str] | None, when: pd.Timestamp) -> float:
    """The year-to-date count of ``measure`` as at ``when``, of the ``where`` group only: a
    column of the measure's own result (its registry ``categories``), else a breakdown."""
    key = next(iter(where)) if where else None
    by = None if key is None or key in REGISTRY[measure].categories else key
    result = ctx.compute(measure, by=by, as_at=when)
    column = "count" if "count" in result else "value"
    if where:
        key, group = next(iter(where.items()))
        result = result[result[key].astype(str) == group]
    return float(result[column].sum())


def _council(la_name: str) -> str:
    """The council as the summary names it: its name, or "the local authority" when none
    was given (``--la-name``)."""
    return "the local authority" if la_name == DEFAULT_LA_NAME else markdown_text(la_name)
