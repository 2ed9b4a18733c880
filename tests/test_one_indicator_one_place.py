"""One indicator, one place: a KPI declared only by its registry entry (and its target in
config) reaches the scorecard, the headline sentence and the chart titles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from cpanalytics.measures.indicators import REGISTRY
from cpanalytics.measures.indicators.registry import indicator, scorecard_ids
from cpanalytics.publish import charts, headlines, scorecard
from cpanalytics.publish import targets as config

FAKE = "ZZ-01"
AS_AT = pd.Timestamp("2019-07-31")


@pytest.fixture
def fake_kpi() -> Iterator[str]:
    """Register a fake KPI for the test, and remove it afterwards."""
    indicator(
        FAKE,
        title="Fake measure",
        polarity="H",
        period="SS",
        kind="rate",
        unit="%",
        phrase="{value} of fake children were fine",
        short="the share of fake children who were fine",
        kpi=True,
        definition="A measure registered by a test.",
        sources=("episodes",),
    )(lambda ctx, dates: pd.DataFrame())
    try:
        yield FAKE
    finally:
        REGISTRY.pop(FAKE)


def _result(indicator_id: str, as_at: pd.Timestamp) -> pd.DataFrame:
    """The fake KPI's one-row result: 45 of 50 (90%); other KPIs have no data."""
    if indicator_id != FAKE:
        return pd.DataFrame()
    return pd.DataFrame({"indicator": [FAKE], "date": [as_at], "numerator": [45],
                         "denominator": [50], "value": [90.0], "available": [True]})


def test_a_kpi_added_in_the_registry_reaches_the_scorecard_and_headline(
    fake_kpi: str, tmp_path: Path
) -> None:
    target_file = tmp_path / "config" / "targets-2020.yaml"
    target_file.parent.mkdir(parents=True)
    target_file.write_text(f"targets:\n  {fake_kpi}: {{target: 85, floor: 80}}\n",
                           encoding="utf-8")
    # The polarity config checks the target against comes from the registry entry.
    cfg = config.load(tmp_path, 2020)
    assert cfg.target(fake_kpi).target == 85.0

    assert fake_kpi in scorecard_ids(REGISTRY)
    card = scorecard.build(object(), AS_AT, config=cfg,
                           compute=lambda i, data, as_at: _result(i, pd.Timestamp(as_at)))
    row = card.set_index("indicator").loc[fake_kpi]
    assert (row["title"], row["value"], row["target"], row["rag"]) == (
        "Fake measure", 90.0, 85.0, "G")

    sentence = headlines.kpi_sentence(_result(fake_kpi, AS_AT), target=cfg.target(fake_kpi).target)
    assert sentence == "90.0% of fake children were fine, above the 85% target."
    assert charts.subject(fake_kpi, "fallback") == "the share of fake children who were fine"

