"""The quick-answer commands (`indicators`, `series`) as an analyst runs them."""

from __future__ import annotations

import json

import pytest

from cpanalytics.cli.main import main

DATA = "data/synthetic"


@pytest.fixture(autouse=True)
def _repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parents[1])


@pytest.mark.slow
def test_indicators_json_matches_compute(capsys: pytest.CaptureFixture[str]) -> None:
    import cpanalytics
    from cpanalytics.measures.indicators import compute

    assert main(["indicators", "--data", DATA, "--as-at", "2019-03-31", "--id", "PS-01",
                 "--format", "json", "--no-suppress"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    expected = compute("PS-01", cpanalytics.load_data(DATA), as_at="2019-03-31").iloc[0]
    assert row["numerator"] == expected["numerator"]
    assert row["denominator"] == expected["denominator"]
    assert row["value"] == pytest.approx(expected["value"])


@pytest.mark.slow
def test_indicators_are_suppressed_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    # PS-01 by age band on 31/03/2019: under-1s with 3+ placements are fewer than 5, so
    # [c]; a second band is suppressed too so the first cannot be recovered from the total.
    assert main(["indicators", "--data", DATA, "--as-at", "2019-03-31", "--id", "PS-01",
                 "--by", "age_band", "--format", "csv"]) == 0
    rows = [line.split(",") for line in capsys.readouterr().out.strip().splitlines()[1:]]
    suppressed = [row[2] for row in rows if row[3] == "[c]"]
    assert "Under 1" in suppressed and len(suppressed) >= 2


@pytest.mark.slow
def test_series_prints_each_month_and_saves_a_chart(tmp_path, capsys) -> None:
    chart = tmp_path / "ps01.svg"
    assert main(["series", "PS-01", "--data", DATA, "--from", "2018-04-30", "--to", "2019-03-31",
                 "--format", "csv", "--plot", str(chart)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("indicator,date")
    assert len([line for line in lines if line.startswith("PS-01,")]) == 12
    assert chart.read_text().lstrip().startswith(("<?xml", "<svg"))


@pytest.mark.slow
def test_unknown_indicator_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["indicators", "--data", DATA, "--as-at", "2019-03-31", "--id", "XX-99"]) == 2
    err = capsys.readouterr().err
    assert "unknown indicator 'XX-99'" in err and "how to fix" in err
    assert "Traceback" not in err


# --- Dates (issue 12, "UK dates" and "Dates outside the data") -------------------------
# A small root with collection years 2018 and 2019 (tests/builders.py ``small_year``): it
# covers 1 April 2017 to 31 March 2019.


@pytest.fixture
def small_root(tmp_path):
    from builders import write_small_root

    return str(write_small_root(tmp_path / "data", years=(2018, 2019)))


def _fails(capsys: pytest.CaptureFixture[str], argv: list[str], code: str) -> str:
    """Run a command that must fail with a user error: exit 2, the code, no traceback."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error {code}: ") and "how to fix" in err
    assert "Traceback" not in err
    return err


def test_as_at_is_read_day_first(small_root, capsys) -> None:
    # 01/06/2018 is 1 June 2018 (UK): child 002 (in care 1 May 2018 to 1 Feb 2019) and 001
    # are both in care, 2. Read month first it would be 6 January 2018 and give 1.
    assert main(["indicators", "--data", small_root, "--as-at", "01/06/2018", "--id", "CIC-01",
                 "--format", "json", "--no-suppress"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["date"] == "2018-06-01" and row["value"] == 2


def test_a_month_first_as_at_is_refused(small_root, capsys) -> None:
    err = _fails(capsys, ["indicators", "--data", small_root, "--as-at", "06/13/2018"], "E304")
    assert "--as-at '06/13/2018' is not a real date (day 6, month 13)" in err


def test_as_at_outside_the_data_is_an_error_not_a_number(small_root, capsys) -> None:
    err = _fails(capsys, ["indicators", "--data", small_root, "--as-at", "2019-04-01",
                          "--id", "CIC-01"], "E307")
    assert ("--as-at 2019-04-01 is after the loaded data, which covers 1 April 2017 to "
            "31 March 2019 (collection years 2018 to 2019)") in err
    _fails(capsys, ["compare", "PS-01", "--data", small_root, "--as-at", "31/03/2017"], "E307")


def test_series_from_after_to_is_a_clear_error(small_root, capsys) -> None:
    err = _fails(capsys, ["series", "CIC-01", "--data", small_root, "--from", "31/03/2019",
                          "--to", "2018-04-30"], "E308")
    assert "--from 2019-03-31 is after --to 2018-04-30" in err


def test_series_beyond_the_data_is_cut_with_a_warning(small_root, capsys) -> None:
    assert main(["series", "CIC-01", "--data", small_root, "--from", "31/01/2017",
                 "--to", "30/06/2019", "--format", "csv", "--no-suppress"]) == 0
    out, err = capsys.readouterr()
    dates = [line.split(",")[1] for line in out.strip().splitlines()[1:]]
    # Month ends from April 2017 (the data starts 1 April 2017) to March 2019: 24.
    assert dates[0] == "2017-04-30" and dates[-1] == "2019-03-31" and len(dates) == 24
    assert err.startswith("warning: --from/--to reach beyond the loaded data")
    _fails(capsys, ["series", "CIC-01", "--data", small_root, "--from", "2019-04-30",
                    "--to", "2019-06-30"], "E307")


def test_build_as_at_must_be_a_uk_or_iso_date_in_the_year(tmp_path, capsys) -> None:
    # Checked before anything is built: no data folder is read.
    base = ["build", "--data", str(tmp_path), "--year", "2019", "--out", str(tmp_path / "out")]
    _fails(capsys, [*base, "--as-at", "03/31/2019"], "E304")
    err = _fails(capsys, [*base, "--as-at", "01/04/2019"], "E307")
    assert "--as-at 2019-04-01 is after --year 2019, which covers 1 April 2018 to 31 March 2019" in err
    assert not (tmp_path / "out").exists()


# --- Comparators (issue 12, "Comparators and dates") -------------------------------------


def test_compare_shows_each_comparator_for_its_own_year(small_root, capsys) -> None:
    from pathlib import Path

    from builders import write_local

    write_local(Path(small_root), "comparators", [
        {"INDICATOR": "PS-01", "YEAR": "2019", "AREA": "England", "VALUE": "10.0"},
        {"INDICATOR": "PS-01", "YEAR": "2018", "AREA": "England", "VALUE": "11.0"}])
    assert main(["compare", "PS-01", "--data", small_root, "--as-at", "31/03/2019",
                 "--areas", "England", "--years", "3", "--format", "csv", "--no-suppress"]) == 0
    out, err = capsys.readouterr()
    assert "PS-01,2017/18,England,11.0%" in out and "PS-01,2018/19,England,10.0%" in out
    # 2016/17 is measured on 31 March 2017, before the data (from 1 April 2017): the
    # authority has no value there, said on stderr; 2017/18 and 2018/19 have one.
    assert "PS-01,2016/17,This authority" not in out
    assert "PS-01,2017/18,This authority" in out and "PS-01,2018/19,This authority" in out
    assert err.strip() == "warning: no value for This authority in 2016/17: before the loaded data"


def test_compare_without_a_same_year_comparator_names_the_latest(small_root, capsys) -> None:
    # The packaged England PS-01 figures end in 2016/17: none for 2018/19, like for like.
    err = _fails(capsys, ["compare", "PS-01", "--data", small_root, "--as-at", "2019-03-31",
                          "--areas", "England", "--years", "1"], "E331")
    assert "no comparator values for PS-01 in England for 2018/19 (latest England 2016/17)" in err
