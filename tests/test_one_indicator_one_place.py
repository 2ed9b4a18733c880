"""One indicator, one place: a KPI declared only by its registry entry (and its target in
config) reaches the scorecard, the headline sentence, the chart titles and the performance
pack's paragraphs, with no notebook to regenerate."""

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



def test_a_kpi_added_in_the_registry_reaches_the_pack_without_a_new_cell(
    fake_kpi: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util
    import json

    from cpanalytics.publish import pack
    from cpanalytics.render import pack as render_pack
    from cpanalytics.runtime.sections import SECTIONS
    from cpanalytics.runtime.sections import pack as pack_sections
    from cpanalytics.runtime.sections.context import Context

    # The pack notebook has one paragraphs cell for every KPI: generated with the fake KPI
    # registered, it is the packaged notebook, byte for byte (no tools/make_notebooks.py run).
    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("make_notebooks", root / "tools" / "make_notebooks.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    packaged = root / "src" / "cpanalytics" / "resources" / "notebooks" / "pack.ipynb"
    assert generator.outputs()[packaged] == packaged.read_text(encoding="utf-8")
    assert not any(fake_kpi.lower() in label for label in SECTIONS)

    # 45 of 50 (90%, Green) on 31 May 2019, 40 of 50 (80%: below the 85% target, at the 80%
    # floor: Amber) on 31 July 2019: the pack's paragraph for the fake KPI, from its phrase.
    cfg = config.Config(year=2020, targets={fake_kpi: config.Target(fake_kpi, 85, 80)},
                        comparators=pd.DataFrame(columns=config.COMPARATOR_COLUMNS), areas={},
                        nts_threshold={})

    def compute(i: str, data: object, as_at: pd.Timestamp) -> pd.DataFrame:
        result = _result(i, pd.Timestamp(as_at))
        return result.assign(numerator=40, value=80.0) if pd.Timestamp(as_at) == AS_AT else result

    cards = [scorecard.build(object(), when, config=cfg, compute=compute, indicators=[fake_kpi])
             for when in (AS_AT, pd.Timestamp("2019-05-31"))]
    flagged = pack.attention(pack.compare(*cards))
    ctx = Context(notebook="pack", data=None, date=AS_AT, out=tmp_path, refs=None,
                  results={"pack flagged": flagged, "pack comparators": {fake_kpi: []}})
    shown: list[tuple[str, dict[str, str]]] = []
    monkeypatch.setattr(pack_sections, "display",
                        lambda md, metadata: shown.append((md.data, metadata)))
    SECTIONS[pack_sections.PARAGRAPHS].func(ctx)
    assert shown == [(
        "**Fake measure (ZZ-01): Amber.** 80.0% of fake children were fine on 31 July 2019. "
        "Performance declined from 90.0% in May 2019 to 80.0% in July 2019. It is 5.0 "
        "percentage points below the target of 85% and at the floor standard of 80%. No "
        "England, statistical neighbour or regional figure is published for this measure.",
        {pack_sections.PARAGRAPH_KEY: fake_kpi})]

    # ... and the staging gives it its own cell and its explanation slot.
    output = {"output_type": "display_data", "metadata": shown[0][1],
              "data": {"text/markdown": shown[0][0]}}
    notebooks = tmp_path / "source" / "notebooks"
    notebooks.mkdir(parents=True)
    (tmp_path / "source" / "narrative").mkdir()
    cell = {"cell_type": "code", "id": "p", "metadata": {}, "execution_count": 1,
            "source": f"#| label: {pack_sections.PARAGRAPHS}\n", "outputs": [output]}
    (notebooks / "pack.ipynb").write_text(json.dumps({"cells": [cell], "metadata": {},
                                                      "nbformat": 4, "nbformat_minor": 5}))
    warnings = render_pack.stage_explanations(tmp_path / "source", notebooks, tmp_path / "none")
    assert warnings[0].startswith("explanation not supplied: ZZ-01.md")
    assert (tmp_path / "source" / render_pack.PARAGRAPHS_FILE).read_text() == (
        "{{< embed notebooks/pack.ipynb#txt-pack-paragraph-zz-01 >}}\n\n"
        "{{< include narrative/ZZ-01.md >}}\n")
