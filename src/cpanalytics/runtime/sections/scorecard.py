"""The performance scorecard: every KPI with its target, RAG rating, direction of travel,
the value a year ago and England (reports.md §9; ``cpanalytics.publish.scorecard``)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from cpanalytics.publish import headlines, scorecard
from cpanalytics.runtime import notebook as nb
from cpanalytics.runtime.sections.context import Context
from cpanalytics.runtime.sections.registry import notebook, section

NAME = "scorecard"


def card(ctx: Context) -> pd.DataFrame:
    """The scorecard as at the date (``scorecard.build``), built once per run."""
    return ctx.once("scorecard", lambda: scorecard.build(ctx.data, ctx.date))


def published(ctx: Context) -> pd.DataFrame:
    """The scorecard as published (``scorecard.publish``): display strings, suppressed."""
    return ctx.once("scorecard published", lambda: scorecard.publish(card(ctx)))


@notebook(NAME, title="Performance scorecard")
def headline_records(ctx: Context) -> list[dict[str, Any]]:
    """Every scorecard KPI with its RAG."""
    return nb.scorecard_records(card(ctx), published(ctx))


@section("txt-sc-summary", notebook=NAME, summary="count of G/A/R")
def summary(ctx: Context) -> None:
    """How many KPIs are green, amber and red, and which ratings changed since a year ago."""
    nb.show_text(headlines.rag_summary(scorecard.summary(card(ctx)), when=nb.long_date(ctx.date))
                 + " " + headlines.rag_changes(scorecard.rag_changes(card(ctx)),
                                               since=nb.long_date(scorecard.year_ago(ctx.date))))


@section(
    "tbl-scorecard", notebook=NAME,
    summary="every KPI: value, n/d, target, RAG, direction, year ago, England",
    caption="Performance scorecard: every key performance indicator with its target, RAG "
            "rating, direction of travel, the value a year ago and England",
)
def table(ctx: Context) -> None:
    """The published scorecard (without the polarity column)."""
    ctx.publish_table(published(ctx).drop(columns=["Polarity"]))


@section("txt-sc-about", notebook=NAME, summary="RAG rules and suppression symbols")
def about(ctx: Context) -> None:
    """The RAG rules, direction of travel and suppression symbols."""
    nb.show_text(nb.scorecard_about())
