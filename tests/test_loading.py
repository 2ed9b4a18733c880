"""load_data: folder layouts, types, bookkeeping columns, local extracts and speed."""

from __future__ import annotations

import hashlib
import time

import numpy as np
import pandas as pd
import pytest
from builders import small_year, write_csv, write_local, write_small_root, write_year

from cpanalytics.data.loading import collection_year, load_data
from cpanalytics.data.model import LOCAL_EXTRACTS, TABLES_903
from cpanalytics.errors import UserError


def test_types_and_bookkeeping(tmp_path):
    tables = small_year(2019)
    tables["oc2"] = [{"CHILD": "001", "DOB": "01/06/2010", "SDQ_SCORE": "12"}]
    folder = write_year(tmp_path, 2019, tables)
    data = load_data(tmp_path)
    eps = data.episodes
    assert eps["CHILD"].tolist() == ["001", "002"]  # leading zeros kept
    assert pd.api.types.is_string_dtype(eps["CHILD"])
    assert pd.api.types.is_datetime64_any_dtype(eps["DECOM"])
    assert eps["DEC"].tolist()[1] == pd.Timestamp("2019-02-01")
    assert isinstance(eps["PLACE"].dtype, pd.CategoricalDtype)
    assert data.oc2["SDQ_SCORE"].tolist() == [12]
    assert eps["YEAR"].tolist() == [2019, 2019]
    assert eps["SRC_ROW"].tolist() == [2, 3]  # header is line 1
    assert eps["SRC_FILE"].tolist() == [str(folder / "episodes.csv")] * 2
    assert eps["STITCH_RULE"].tolist() == ["kept", "kept"]
    assert data.years == [2019]
    assert data.root == tmp_path
    source = next(s for s in data.sources if s.table == "episodes")
    raw = (folder / "episodes.csv").read_bytes()
    assert (source.rows, source.year, source.sha256) == (2, 2019, hashlib.sha256(raw).hexdigest())


def test_absent_tables_are_empty_with_their_columns(tmp_path):
    write_small_root(tmp_path)
    data = load_data(tmp_path)
    assert set(data.tables) == set(TABLES_903)
    uasc = data.uasc
    assert uasc.empty
    assert list(uasc.columns[:4]) == TABLES_903["uasc"]
    assert pd.api.types.is_datetime64_any_dtype(uasc["DUC"])
    assert not data.has("uasc")
    assert data.has("episodes")


def test_header_only_file_is_an_empty_table(tmp_path):
    folder = write_small_root(tmp_path) / "903" / "2019"
    write_csv(folder / "missing.csv", [], TABLES_903["missing"])
    data = load_data(tmp_path)
    assert data.missing.empty
    assert next(s for s in data.sources if s.table == "missing").rows == 0


def test_blank_lines_are_skipped_but_row_numbers_kept(tmp_path):
    folder = write_small_root(tmp_path) / "903" / "2019"
    text = (folder / "episodes.csv").read_text().splitlines()
    (folder / "episodes.csv").write_text("\n".join([text[0], text[1], "", text[2]]) + "\n")
    assert load_data(tmp_path).episodes["SRC_ROW"].tolist() == [2, 4]


@pytest.mark.parametrize(("name", "year"), [("2019", 2019), ("2018-19", 2019),
                                            ("2018-2019", 2019), ("1999-00", 2000)])
def test_collection_year_from_folder_name(tmp_path, name, year):
    assert collection_year(tmp_path / name) == year


def test_path_may_be_the_903_folder_or_one_year(tmp_path):
    write_small_root(tmp_path, (2019, 2020))
    write_local(tmp_path, "population", [{"YEAR": "2019", "AGE_0_17": "1,000"}])
    assert load_data(tmp_path / "903").years == [2019, 2020]
    one = load_data(tmp_path / "903" / "2020")
    assert one.years == [2020]
    assert one.population["AGE_0_17"].tolist() == [1000]  # local extracts of the root


def test_years_filter(tmp_path):
    write_small_root(tmp_path, (2019, 2020, 2021))
    assert load_data(tmp_path, years=[2020, 2021]).years == [2020, 2021]
    with pytest.raises(UserError, match=r"collection year\(s\) 2018 not found") as err:
        load_data(tmp_path, years=[2018, 2019])
    assert err.value.code == "E116"


def test_local_extracts_typed(tmp_path):
    write_small_root(tmp_path)
    write_local(tmp_path, "health_assessments", [
        {"CHILD": "001", "TYPE": "iha", "DATE_REQUESTED": "02/01/2018",
         "DATE_COMPLETED": "20/01/2018", "BREACH_BY": ""}])
    write_local(tmp_path, "iro_staff", [{"IRO_ID": "007", "FTE": "0.8", "START": "01/04/2017"}])
    write_local(tmp_path, "comparators", [
        {"INDICATOR": "x", "YEAR": "2019", "AREA": "England", "VALUE": "[c]"},
        {"INDICATOR": "x", "YEAR": "2019", "AREA": "South East", "VALUE": "65"}])
    data = load_data(tmp_path)
    assert data.has("health_assessments")
    assert not data.has("iro_allocations")
    ha = data.health_assessments
    assert ha["TYPE"].tolist() == ["IHA"]  # codes upper-cased, category
    assert isinstance(ha["TYPE"].dtype, pd.CategoricalDtype)
    assert ha["DATE_COMPLETED"].tolist() == [pd.Timestamp("2018-01-20")]
    assert list(ha.columns[:7]) == LOCAL_EXTRACTS["health_assessments"]
    assert data.iro_staff[["IRO_ID", "FTE"]].values.tolist() == [["007", 0.8]]
    assert data.comparators["VALUE"].isna().tolist() == [True, False]  # [c] is "no value"


def test_local_extract_missing_column(tmp_path):
    write_small_root(tmp_path)
    write_csv(tmp_path / "local" / "iro_staff.csv", [{"IRO_ID": "1"}], ["IRO_ID", "FTE"])
    with pytest.raises(UserError, match="missing the column") as err:
        load_data(tmp_path)
    assert (err.value.code, err.value.column) == ("E111", "START")


def test_unknown_files_ignored_with_warning(tmp_path):
    folder = write_small_root(tmp_path) / "903" / "2019"
    (folder / "README.txt").write_text("notes")
    write_csv(tmp_path / "local" / "staff_list.csv", [], ["A"])
    data = load_data(tmp_path)
    assert [(f.rule, f.severity, f.file) for f in data.findings] == [
        ("W103", "warning", str(folder / "README.txt")),
        ("W103", "warning", str(tmp_path / "local" / "staff_list.csv")),
    ]


def test_table_identified_from_columns_when_file_name_is_not_a_table(tmp_path):
    folder = write_year(tmp_path, 2019, {"header": small_year(2019)["header"]})
    write_csv(folder / "SSDA903_2019_Episodes_export.csv", small_year(2019)["episodes"],
              TABLES_903["episodes"])
    write_csv(folder / "extract7.csv", small_year(2019)["reviews"], TABLES_903["reviews"])
    data = load_data(tmp_path)
    assert data.episodes["CHILD"].tolist() == ["001", "002"]
    assert len(data.reviews) == 1


def test_twelve_years_load_in_seconds(tmp_path):
    # 12 returns x 4,200 episodes = 50,400 episode rows (about the synthetic data's size)
    rng = np.random.default_rng(1)
    for year in range(2014, 2026):
        n = 4200
        child = pd.Series(rng.integers(0, 3000, n)).map("{:06d}".format)
        decom = pd.Timestamp(f"{year - 1}-04-01") + pd.to_timedelta(rng.integers(0, 360, n), "D")
        eps = pd.DataFrame({"CHILD": child, "DECOM": decom.strftime("%d/%m/%Y"), "RNE": "P",
                            "LS": "C2", "CIN": "N1", "PLACE": "U1", "PLACE_PROVIDER": "PR1"})
        folder = tmp_path / "903" / str(year)
        folder.mkdir(parents=True)
        eps.reindex(columns=TABLES_903["episodes"]).to_csv(folder / "episodes.csv", index=False)
        header = pd.DataFrame({"CHILD": child.unique(), "SEX": "1" if year < 2025 else "M",
                               "DOB": "01/01/2010", "ETHNIC": "WBRI"})
        header.reindex(columns=TABLES_903["header"]).to_csv(folder / "header.csv", index=False)
    start = time.perf_counter()
    data = load_data(tmp_path)
    elapsed = time.perf_counter() - start
    assert len(data.episodes) > 40_000
    assert elapsed < 10
