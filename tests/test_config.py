"""Config: packaged defaults, override precedence, comparators, NTS threshold, areas, errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cpanalytics.errors import UserError
from cpanalytics.measures.indicators import REGISTRY
from cpanalytics.measures.indicators.registry import polarities
from cpanalytics.measures.reference import area_of
from cpanalytics.publish import targets as config
from cpanalytics.publish.targets import load, reporting_year

#: The registry's polarities, handed to config as the pipeline's default does.
POL = polarities(REGISTRY)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_packaged_defaults_and_year_sections():
    c2019 = load(None, 2019, polarities=POL)
    ps01 = c2019.target("PS-01")
    assert (ps01.target, ps01.floor) == (10.0, 12.0)
    # HE-04: 85% for 2018/19 (Aug 2018 scorecard), 90% from 2019/20 (July 2019 scorecard).
    assert c2019.target("HE-04").target == 85.0
    assert load(None, 2020, polarities=POL).target("HE-04").target == 90.0
    # An indicator with no target configured gives an empty entry, not an error.
    assert c2019.target("CIC-01").target is None
    assert c2019.comparator("PS-01", "South East") == (12.0, 2017)


def test_packaged_targets_valid_against_registry():
    # The packaged file only names indicators the registry knows (default polarity source).
    assert set(load(None, 2019).targets) <= set(config.indicator_polarities())


def test_override_precedence(tmp_path):
    _write(tmp_path / "config" / "targets-2019.yaml",
           "targets:\n  PS-01:\n    target: 9.5\n  HE-02: {floor: 70}\n")
    _write(tmp_path / "local" / "comparators.csv",
           "INDICATOR,YEAR,AREA,VALUE\nPS-01,2017,England,10.5\nPS-01,2019,England,9.9\n")
    _write(tmp_path / "config" / "comparators.csv",
           "INDICATOR,YEAR,AREA,VALUE\nPS-01,2017,England,11\n")
    c = load(tmp_path, 2019, polarities=POL)
    # Field by field: PS-01 target from the override (9.5), floor kept from defaults (12).
    assert (c.target("PS-01").target, c.target("PS-01").floor) == (9.5, 12.0)
    assert (c.target("HE-02").target, c.target("HE-02").floor) == (85.0, 70.0)
    assert c.target("PS-01").source.endswith("targets-2019.yaml")
    # Comparators: packaged 10 < local 10.5 < config 11 for 2017; local adds 2019.
    england = c.comparators.query("INDICATOR == 'PS-01' and AREA == 'England'")
    assert england.set_index("YEAR")["VALUE"].to_dict() == {2015: 10.0, 2017: 11.0, 2019: 9.9}
    assert c.comparator("PS-01") == (9.9, 2019)
    # The override for another year is not read.
    assert load(tmp_path, 2020, polarities=POL).target("PS-01").target == 10.0


def test_local_comparators_frame_from_loaded_data():
    frame = pd.DataFrame({"INDICATOR": ["CL-02"], "YEAR": [2019], "AREA": ["England"],
                          "VALUE": [52.0]})
    assert load(None, 2019, polarities=POL, local_comparators=frame).comparator("CL-02") == \
        (52.0, 2019)


def test_nts_threshold_by_date(tmp_path):
    c = load(None, 2019, polarities=POL)
    # 0.07% of 340,140 under-18s = 238.1 (indicators.md UA-04); 0.1% from the Home Office's
    # increase of 24 August 2022 (the mandatory scheme of 14 December 2021 kept 0.07%).
    assert c.nts_rate("2019-07-31") * 340140 == pytest.approx(238.098)
    assert c.nts_rate("2021-12-14") == 0.0007
    assert c.nts_rate("2022-08-23") == 0.0007
    assert c.nts_rate("2022-08-24") == 0.001
    _write(tmp_path / "config" / "targets-2023.yaml", "nts_threshold: 0.0012\n")
    assert load(tmp_path, 2023, polarities=POL).nts_rate("2023-01-01") == 0.0012


def test_areas_and_reporting_year():
    areas = load(None, 2019, polarities=POL).areas
    districts = pd.Series(["Thanet", "sevenoaks ", "Swale", "Medway"])
    assert area_of(districts, areas).tolist()[:3] == ["East Kent", "West Kent", "North Kent"]
    assert pd.isna(area_of(districts, areas).iloc[3])
    assert len({d for d in areas if d != "Shepway"}) == 12
    assert reporting_year("2018-08-31") == 2019
    assert reporting_year("2019-03-31") == 2019
    assert reporting_year("2019-04-01") == 2020


def _error(tmp_path: Path, text: str, name: str = "targets-2019.yaml") -> UserError:
    _write(tmp_path / "config" / name, text)
    with pytest.raises(UserError) as info:
        load(tmp_path, 2019, polarities=POL)
    return info.value


def test_yaml_syntax_error_has_line(tmp_path):
    err = _error(tmp_path, "targets:\n  PS-01: {target: 10\n  HE-01: 90\n")
    assert err.code == "E320"
    assert err.file.endswith("targets-2019.yaml")
    assert err.row == 3
    assert "how to fix" in str(err)


def test_unknown_indicator_id(tmp_path):
    err = _error(tmp_path, "targets:\n  PS-01: {target: 10}\n  PS-99: {target: 5}\n")
    assert (err.code, err.row, err.column) == ("E321", 3, "PS-99")


def test_non_numeric_target(tmp_path):
    err = _error(tmp_path, "targets:\n  HE-02:\n    target: high\n")
    assert (err.code, err.row, err.column) == ("E322", 3, "HE-02.target")
    # "85%" is accepted and read as 85.
    _write(tmp_path / "config" / "targets-2019.yaml", "targets:\n  HE-02: {target: 85%}\n")
    assert load(tmp_path, 2019, polarities=POL).target("HE-02").target == 85.0


def test_floor_on_wrong_side(tmp_path):
    # H: floor 95 above target 90.
    err = _error(tmp_path, "targets:\n  HE-01: {target: 90, floor: 95}\n")
    assert (err.code, err.row, err.column) == ("E323", 2, "HE-01.floor")
    # L: floor 8 below target 10.
    err = _error(tmp_path, "targets:\n  PS-01: {target: 10, floor: 8}\n")
    assert err.code == "E323" and "at or above" in err.problem
    # Moving only the target past the default floor is caught too (PS-01 floor 12).
    err = _error(tmp_path, "targets:\n  PS-01: {target: 13}\n")
    assert err.code == "E323"


def test_bad_comparators(tmp_path):
    err = _error(tmp_path, "INDICATOR,YEAR,AREA,VALUE\nPS-01,2017,England,10\nPS-02,2017,England,n/a\n",
                 name="comparators.csv")
    # Data line 2 of the file is row 3 (header = row 1).
    assert (err.code, err.row, err.column) == ("E324", 3, "VALUE")
    err = _error(tmp_path, "INDICATOR,AREA,VALUE\nPS-01,England,10\n", name="comparators.csv")
    assert err.code == "E324" and "YEAR" in err.problem


def test_bad_nts_and_sections_and_settings(tmp_path):
    assert _error(tmp_path, "nts_threshold: {2016-07-01: 7}\n").code == "E325"
    assert _error(tmp_path, "tagets:\n  PS-01: 10\n").code == "E326"
    err = _error(tmp_path, "targets:\n  PS-01:\n    taget: 10\n")
    assert (err.code, err.row, err.column) == ("E326", 3, "PS-01.taget")


def test_bad_areas(tmp_path):
    assert _error(tmp_path, "areas:\n  East Kent: Ashford\n", name="areas.yaml").code == "E327"


def test_packaged_ids_unknown_to_the_registry_are_skipped():
    # A registry without PS-05 (its extract-based measure not built) still loads the
    # packaged defaults; an analyst's file naming PS-05 would be E321.
    polarities = {k: v for k, v in POL.items() if k != "PS-05"}
    c = load(None, 2019, polarities=polarities)
    assert "PS-05" not in c.targets and c.target("PS-01").target == 10.0


def test_packaged_defaults_in_use_names_the_files_without_an_override(tmp_path) -> None:
    from cpanalytics.publish.targets import packaged_defaults_in_use

    assert packaged_defaults_in_use(tmp_path, 2025) == ["targets-2025.yaml", "areas.yaml", "comparators.csv"]
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "areas.yaml").write_text("areas:\n  North: [Alpha]\n")
    assert packaged_defaults_in_use(tmp_path, 2025) == ["targets-2025.yaml", "comparators.csv"]
    (tmp_path / "config" / "targets-2025.yaml").write_text("targets: {}\n")
    # comparators: a header and comment lines are none; a local extract's row counts
    (tmp_path / "config" / "comparators.csv").write_text("INDICATOR,YEAR,AREA,VALUE\n# PS-01,2025,England,?\n")
    assert packaged_defaults_in_use(tmp_path, 2025) == ["comparators.csv"]
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "comparators.csv").write_text("INDICATOR,YEAR,AREA,VALUE\nPS-01,2025,England,11\n")
    assert packaged_defaults_in_use(tmp_path, 2025) == []
