"""The quick-answer commands (`indicators`, `series`) as an analyst runs them."""

from __future__ import annotations

import json

import pytest

from cpanalytics.cli import main

DATA = "data/synthetic"


@pytest.fixture(autouse=True)
def _repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parents[1])


def test_indicators_json_matches_compute(capsys: pytest.CaptureFixture[str]) -> None:
    import cpanalytics
    from cpanalytics.indicators import compute

    assert main(["indicators", "--data", DATA, "--as-at", "2019-03-31", "--id", "PS-01",
                 "--format", "json", "--no-suppress"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    expected = compute("PS-01", cpanalytics.load_data(DATA), as_at="2019-03-31").iloc[0]
    assert row["numerator"] == expected["numerator"]
    assert row["denominator"] == expected["denominator"]
    assert row["value"] == pytest.approx(expected["value"])


def test_indicators_are_suppressed_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    # PS-01 by age band on 31/03/2019: under-1s with 3+ placements are fewer than 5, so
    # [c]; a second band is suppressed too so the first cannot be recovered from the total.
    assert main(["indicators", "--data", DATA, "--as-at", "2019-03-31", "--id", "PS-01",
                 "--by", "age_band", "--format", "csv"]) == 0
    rows = [line.split(",") for line in capsys.readouterr().out.strip().splitlines()[1:]]
    suppressed = [row[2] for row in rows if row[3] == "[c]"]
    assert "Under 1" in suppressed and len(suppressed) >= 2


def test_series_prints_each_month_and_saves_a_chart(tmp_path, capsys) -> None:
    chart = tmp_path / "ps01.svg"
    assert main(["series", "PS-01", "--data", DATA, "--from", "2018-04-30", "--to", "2019-03-31",
                 "--format", "csv", "--plot", str(chart)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("indicator,date")
    assert len([line for line in lines if line.startswith("PS-01,")]) == 12
    assert chart.read_text().lstrip().startswith(("<?xml", "<svg"))


def test_unknown_indicator_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["indicators", "--data", DATA, "--as-at", "2019-03-31", "--id", "XX-99"]) == 2
    err = capsys.readouterr().err
    assert "unknown indicator 'XX-99'" in err and "how to fix" in err
    assert "Traceback" not in err
