"""Bad-input catalogue: each case is a small data root that breaks one thing.

Every case checks the message names the file, the row and the column (where they apply),
what is wrong and how to fix it, and that the CLI exits non-zero without a traceback.
Base data: ``builders.small_year(2019)``: header rows 2 (child 001) and 3 (child 002);
episodes row 2 (001, DECOM 01/01/2018, open) and row 3 (002, 01/05/2018 to 01/02/2019).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from builders import small_year, write_csv, write_small_root, write_year

from cpanalytics.cli.main import main
from cpanalytics.data.loading import load_data
from cpanalytics.data.model import TABLES_903
from cpanalytics.data.validation import validate
from cpanalytics.errors import UserError

REPO = Path(__file__).resolve().parents[1]


def expect_error(capsys, root: Path, code: str, *, file: Path | None = None,
                 row: int | None = None, column: str | None = None, words: tuple = ()) -> str:
    """Run ``cpanalytics validate root``; assert exit 2, no traceback, and a full message."""
    status = main(["validate", str(root)])
    err = capsys.readouterr().err
    assert status == 2
    assert "Traceback" not in err
    assert err.startswith(f"error {code}: ")
    if file is not None:
        assert str(file) in err
    if row is not None:
        assert f"row {row}" in err
    if column is not None:
        assert f"column {column}" in err
    assert "how to fix: " in err
    for word in words:
        assert word in err
    return err


def expect_finding(capsys, root: Path, code: str, *, file: Path, row: int, column: str,
                   value: str | None, status: int = 1) -> None:
    """Validate ``root``; assert exactly one ``code`` finding at file/row/column, and the CLI status."""
    hits = [f for f in validate(load_data(root)) if f.rule == code]
    assert [(f.file, f.row, f.column, f.value) for f in hits] == [(str(file), row, column, value)]
    assert hits[0].fix
    assert main(["validate", str(root)]) == status
    out = capsys.readouterr().out
    assert str(file) in out
    assert f"row {row}, column {column}" in out
    assert "how to fix: " in out
    assert "Traceback" not in out


def year_with(**changes) -> dict:
    """small_year(2019) with some tables replaced."""
    return {**small_year(2019), **changes}


# --- required files, empty, wrong file types -------------------------------------------


@pytest.mark.parametrize("table", ["header", "episodes"])
def test_required_file_missing(tmp_path, capsys, table):
    tables = small_year(2019)
    del tables[table]
    folder = write_year(tmp_path, 2019, tables)
    expect_error(capsys, tmp_path, "E103", file=folder, words=("2019", f"{table}.csv"))


def test_empty_file(tmp_path, capsys):
    folder = write_small_root(tmp_path) / "903" / "2019"
    (folder / "episodes.csv").write_bytes(b"")
    expect_error(capsys, tmp_path, "E106", file=folder / "episodes.csv", words=("empty",))


def test_xlsx_in_csv_slot(tmp_path, capsys):
    folder = write_small_root(tmp_path) / "903" / "2019"
    frame = pd.DataFrame(small_year(2019)["header"], columns=TABLES_903["header"])
    frame.to_excel(folder / "book.xlsx", index=False)
    (folder / "book.xlsx").rename(folder / "header.csv")
    expect_error(capsys, tmp_path, "E107", file=folder / "header.csv",
                 words=("Excel workbook", "CSV UTF-8"))


def test_xlsx_file_in_year_folder(tmp_path, capsys):
    folder = write_small_root(tmp_path) / "903" / "2019"
    pd.DataFrame({"CHILD": ["001"]}).to_excel(folder / "missing.xlsx", index=False)
    expect_error(capsys, tmp_path, "E107", file=folder / "missing.xlsx")


def test_wrong_table_type(tmp_path, capsys):
    folder = write_year(tmp_path, 2019, small_year(2019))
    write_csv(folder / "episodes.csv", small_year(2019)["header"], TABLES_903["header"])
    expect_error(capsys, tmp_path, "E109", file=folder / "episodes.csv", row=1,
                 words=("named as the episodes table", "columns are those of the header table"))


def test_unrecognised_table(tmp_path, capsys):
    folder = write_small_root(tmp_path) / "903" / "2019"
    write_csv(folder / "notes.csv", [{"A": "1"}], ["A", "B", "C"])
    expect_error(capsys, tmp_path, "E110", file=folder / "notes.csv", row=1,
                 words=("do not match any SSDA903 table",))


def test_duplicate_column(tmp_path, capsys):
    folder = write_small_root(tmp_path) / "903" / "2019"
    (folder / "header.csv").write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,child\n")
    expect_error(capsys, tmp_path, "E110", file=folder / "header.csv", row=1, column="CHILD")


def test_undecodable_text(tmp_path, capsys):
    folder = write_small_root(tmp_path) / "903" / "2019"
    # 0x81 and 0x8D are invalid in both UTF-8 and cp1252
    (folder / "header.csv").write_bytes(b"CHILD,SEX\n\x81\x8d,1\n")
    expect_error(capsys, tmp_path, "E108", file=folder / "header.csv")


# --- columns --------------------------------------------------------------------------


def test_missing_columns(tmp_path, capsys):
    folder = write_year(tmp_path, 2019, small_year(2019))
    columns = [c for c in TABLES_903["episodes"] if c != "LS"]
    write_csv(folder / "episodes.csv", small_year(2019)["episodes"], columns)
    expect_error(capsys, tmp_path, "E111", file=folder / "episodes.csv", row=1, column="LS",
                 words=("missing the column(s) LS",))


def test_extra_columns_warn(tmp_path, capsys):
    folder = write_year(tmp_path, 2019, small_year(2019))
    write_csv(folder / "episodes.csv", small_year(2019)["episodes"],
              [*TABLES_903["episodes"], "NOTES"])
    expect_finding(capsys, tmp_path, "W101", file=folder / "episodes.csv", row=1,
                   column="NOTES", value=None, status=0)
    assert "NOTES" not in load_data(tmp_path).episodes.columns


def test_lower_case_and_spaced_column_names_accepted(tmp_path):
    folder = write_year(tmp_path, 2019, small_year(2019))
    def messy(column: str) -> str:  # PLACE_PROVIDER -> " place provider"
        return " " + column.lower().replace("_", " ")

    rows = [{messy(c): v for c, v in r.items()} for r in small_year(2019)["episodes"]]
    write_csv(folder / "episodes.csv", rows, [messy(c) for c in TABLES_903["episodes"]])
    data = load_data(tmp_path)
    assert list(data.episodes.columns[:13]) == TABLES_903["episodes"]
    assert data.episodes["PLACE_PROVIDER"].tolist() == ["PR1", "PR4"]
    assert data.findings == []


# --- dates ------------------------------------------------------------------------------


def test_impossible_date(tmp_path, capsys):
    eps = small_year(2019)["episodes"]
    eps[1]["DECOM"] = "31/02/2019"  # row 3: February has no 31st
    folder = write_year(tmp_path, 2019, year_with(episodes=eps))
    expect_error(capsys, tmp_path, "E112", file=folder / "episodes.csv", row=3,
                 column="DECOM", words=("'31/02/2019' is not a real date",))


def test_mixed_iso_dates_warn(tmp_path, capsys):
    eps = small_year(2019)["episodes"]
    eps[1]["DECOM"] = "2018-05-01"  # row 3, same day as the dd/mm/YYYY it replaces
    folder = write_year(tmp_path, 2019, year_with(episodes=eps))
    expect_finding(capsys, tmp_path, "W102", file=folder / "episodes.csv", row=3,
                   column="DECOM", value="2018-05-01", status=0)
    assert load_data(tmp_path).episodes["DECOM"].tolist() == [
        pd.Timestamp("2018-01-01"), pd.Timestamp("2018-05-01")]


def test_two_digit_year(tmp_path, capsys):
    # row 3: 01/02/19 in the 2019 return can only be 2019 (1919 is 100 years too early):
    # read, with warning W105 naming the file and column
    eps = small_year(2019)["episodes"]
    eps[1]["DEC"] = "01/02/19"
    folder = write_year(tmp_path, 2019, year_with(episodes=eps))
    expect_finding(capsys, tmp_path, "W105", file=folder / "episodes.csv", row=3, column="DEC",
                   value="01/02/19 read as 01/02/2019", status=0)
    assert load_data(tmp_path).episodes["DEC"].tolist()[1] == pd.Timestamp("2019-02-01")


def test_ambiguous_two_digit_year(tmp_path, capsys):
    # DOB 01/06/50 in the 2019 return: 1950 (aged 68) or 2050 (not yet born): refused
    header = small_year(2019)["header"]
    header[1]["DOB"] = "01/06/50"
    folder = write_year(tmp_path, 2019, year_with(header=header))
    err = expect_error(capsys, tmp_path, "E113", file=folder / "header.csv", row=3,
                       column="DOB", words=("two-digit year", "neither 19yy nor 20yy", "dd/mm/YYYY"))
    assert "01/06/50" not in err  # a DOB is never printed


def test_unrecognised_date(tmp_path, capsys):
    header = small_year(2019)["header"]
    header[0]["DOB"] = "1st June 2010"
    folder = write_year(tmp_path, 2019, year_with(header=header))
    err = expect_error(capsys, tmp_path, "E114", file=folder / "header.csv", row=2, column="DOB")
    assert "1st June" not in err  # a date of birth is child-level data: never printed


def test_non_numeric_value(tmp_path, capsys):
    folder = write_year(tmp_path, 2019, year_with(
        oc2=[{"CHILD": "001", "DOB": "01/06/2010", "SDQ_SCORE": "high"}]))
    expect_error(capsys, tmp_path, "E115", file=folder / "oc2.csv", row=2, column="SDQ_SCORE")


# --- codes ------------------------------------------------------------------------------


@pytest.mark.parametrize(("column", "bad"), [("PLACE", "XX"), ("LS", "Q9"), ("REC", "E99")])
def test_invalid_codes(tmp_path, capsys, column, bad):
    eps = small_year(2019)["episodes"]
    eps[1][column] = bad  # row 3
    folder = write_year(tmp_path, 2019, year_with(episodes=eps))
    expect_finding(capsys, tmp_path, "V201", file=folder / "episodes.csv", row=3,
                   column=column, value=bad)


@pytest.mark.parametrize(("year", "table", "column", "code"), [
    (2019, "header", "SEX", "M"),  # M/F/U only from 2025
    (2019, "episodes", "PLACE", "K3"),  # K3 only from 2025
    (2025, "header", "SEX", "1"),  # 1/2 only up to 2024
])
def test_code_from_another_year(tmp_path, capsys, year, table, column, code):
    tables = small_year(year)
    tables[table][0][column] = code  # row 2
    folder = write_year(tmp_path, year, tables)
    expect_finding(capsys, tmp_path, "V202", file=folder / f"{table}.csv", row=2,
                   column=column, value=code)
    message = next(f.message for f in validate(load_data(tmp_path)) if f.rule == "V202")
    assert f"not for collection year {year}" in message


# --- cross-table rules ----------------------------------------------------------------------


def test_dec_before_decom(tmp_path, capsys):
    eps = small_year(2019)["episodes"]
    eps[1]["DEC"] = "01/04/2018"  # row 3: before DECOM 01/05/2018
    folder = write_year(tmp_path, 2019, year_with(episodes=eps))
    expect_finding(capsys, tmp_path, "V211", file=folder / "episodes.csv", row=3,
                   column="DEC", value="01/04/2018")


def test_overlapping_episodes(tmp_path, capsys):
    eps = small_year(2019)["episodes"]
    # child 002: row 3 runs to 01/02/2019 but row 4 starts 01/01/2019
    eps.append({**eps[1], "DECOM": "01/01/2019", "RNE": "P", "DEC": "", "REC": ""})
    folder = write_year(tmp_path, 2019, year_with(episodes=eps))
    expect_finding(capsys, tmp_path, "V212", file=folder / "episodes.csv", row=3,
                   column="DEC", value="01/02/2019")


def test_duplicate_header_rows(tmp_path, capsys):
    header = small_year(2019)["header"]
    header.append(dict(header[0]))  # row 4 repeats child 001
    folder = write_year(tmp_path, 2019, year_with(header=header))
    expect_finding(capsys, tmp_path, "V217", file=folder / "header.csv", row=4,
                   column="CHILD", value=None)


def test_episode_for_unknown_child(tmp_path, capsys):
    eps = small_year(2019)["episodes"]
    eps.append({**eps[1], "CHILD": "999"})  # row 4, child 999 has no header row
    folder = write_year(tmp_path, 2019, year_with(episodes=eps))
    expect_finding(capsys, tmp_path, "V210", file=folder / "episodes.csv", row=4,
                   column="CHILD", value=None)  # the CHILD id itself is never printed
    assert "999" not in capsys.readouterr().out


def test_dob_after_decom(tmp_path, capsys):
    header = small_year(2019)["header"]
    header[1]["DOB"] = "01/06/2018"  # child 002 "born" after DECOM 01/05/2018
    folder = write_year(tmp_path, 2019, year_with(header=header))
    expect_finding(capsys, tmp_path, "V215", file=folder / "episodes.csv", row=3,
                   column="DECOM", value="01/05/2018")


def test_aged_18_at_decom(tmp_path, capsys):
    header = small_year(2019)["header"]
    header[1]["DOB"] = "01/05/2000"  # 18th birthday 01/05/2018 = DECOM: 18 at DECOM
    folder = write_year(tmp_path, 2019, year_with(header=header))
    expect_finding(capsys, tmp_path, "V216", file=folder / "episodes.csv", row=3,
                   column="DECOM", value="01/05/2018")


# --- identifiers and encodings ------------------------------------------------------------


def test_leading_zeros_and_numeric_looking_ids_kept(tmp_path):
    tables = small_year(2019)
    tables["header"][1]["CHILD"] = "1E5"  # would parse as 100000.0
    tables["episodes"][1]["CHILD"] = "1E5"
    write_year(tmp_path, 2019, tables)
    data = load_data(tmp_path)
    assert data.header["CHILD"].tolist() == ["001", "1E5"]
    assert data.episodes["CHILD"].tolist() == ["001", "1E5"]
    assert data.header["UPN"].tolist()[0] == "A123456789012"


@pytest.mark.parametrize(("encoding", "sep", "newline"), [
    ("utf-16", ",", "\n"),  # UTF-16 with BOM
    ("utf-8", ";", "\n"),  # semicolons
    ("utf-8-sig", ",", "\r\n"),  # Excel's UTF-8 with BOM and CRLF
    ("cp1252", ",", "\r\n"),  # Windows code page
])
def test_encodings_and_separators_read_the_same(tmp_path, encoding, sep, newline):
    plain = write_small_root(tmp_path / "plain")
    odd = tmp_path / "odd"
    for name, rows in small_year(2019).items():
        write_csv(odd / "903" / "2019" / f"{name}.csv", rows, TABLES_903[name],
                  sep=sep, encoding=encoding, newline=newline)
    expected, got = load_data(plain), load_data(odd)
    for name in ("header", "episodes", "reviews"):
        pd.testing.assert_frame_equal(
            got.tables[name].drop(columns="SRC_FILE"), expected.tables[name].drop(columns="SRC_FILE"))


def test_cp1252_accents_survive(tmp_path):
    rows = small_year(2019)["episodes"]
    rows[0]["PL_POST"] = "CT1 2AA é"  # é is 0xE9 in cp1252, invalid as UTF-8 on its own
    folder = write_year(tmp_path, 2019, small_year(2019))
    write_csv(folder / "episodes.csv", rows, TABLES_903["episodes"], encoding="cp1252")
    assert load_data(tmp_path).episodes["PL_POST"].iloc[0] == "CT1 2AA é"


# --- folders ----------------------------------------------------------------------------------


def test_empty_year_folder(tmp_path, capsys):
    write_small_root(tmp_path)
    (tmp_path / "903" / "2020").mkdir()
    expect_error(capsys, tmp_path, "E102", file=tmp_path / "903" / "2020", words=("2020",))


def test_two_folders_same_year(tmp_path, capsys):
    write_small_root(tmp_path)
    write_year(tmp_path, 2019, small_year(2019)).rename(tmp_path / "903" / "2018-19")
    write_small_root(tmp_path)
    expect_error(capsys, tmp_path, "E104", words=("two folders claim collection year 2019",))


def test_two_files_same_table(tmp_path, capsys):
    folder = write_small_root(tmp_path) / "903" / "2019"
    write_csv(folder / "episodes_copy.csv", small_year(2019)["episodes"], TABLES_903["episodes"])
    expect_error(capsys, tmp_path, "E104", file=folder / "episodes_copy.csv",
                 words=("two files hold the episodes table",))


@pytest.mark.parametrize("name", ["old", "2018-20"])
def test_bad_year_folder_name(tmp_path, capsys, name):
    write_small_root(tmp_path)
    (tmp_path / "903" / name).mkdir()
    expect_error(capsys, tmp_path, "E105", file=tmp_path / "903" / name)


def test_missing_root(tmp_path, capsys):
    expect_error(capsys, tmp_path / "nowhere", "E101", file=tmp_path / "nowhere")


def test_no_903_folder(tmp_path, capsys):
    expect_error(capsys, tmp_path, "E101", file=tmp_path, words=("no 903 folder",))


# --- CLI behaviour ------------------------------------------------------------------------------


def test_debug_shows_traceback(tmp_path):
    folder = write_small_root(tmp_path) / "903" / "2019"
    (folder / "episodes.csv").write_bytes(b"")
    with pytest.raises(UserError, match="empty"):
        main(["validate", "--debug", str(tmp_path)])


@pytest.mark.slow
def test_subprocess_exit_code_and_no_traceback(tmp_path):
    folder = write_small_root(tmp_path) / "903" / "2019"
    (folder / "episodes.csv").write_bytes(b"")
    done = subprocess.run([sys.executable, "-m", "cpanalytics", "validate", str(tmp_path)],
                          capture_output=True, text=True, cwd=REPO, check=False)
    assert done.returncode == 2
    assert "error E106" in done.stderr
    assert "Traceback" not in done.stderr
    debug = subprocess.run([sys.executable, "-m", "cpanalytics", "validate", "--debug",
                            str(tmp_path)], capture_output=True, text=True, cwd=REPO, check=False)
    assert "Traceback" in debug.stderr


def test_every_documented_code_is_tested():
    doc = (REPO / "docs" / "errors.md").read_text()
    codes = set(re.findall(r"^\|\s*([A-Z]\d{3})\s*\|", doc, flags=re.MULTILINE))
    assert codes, "docs/errors.md lists no codes"
    tests = "\n".join(p.read_text() for p in (REPO / "tests").rglob("test_*.py"))
    assert sorted(c for c in codes if c not in tests) == []


def test_trailing_separators_and_blank_rows_ignored(tmp_path):
    folder = write_small_root(tmp_path) / "903" / "2019"
    lines = (folder / "header.csv").read_text().splitlines()
    # every line ends with a separator (an empty, unnamed 8th column) and a blank row follows
    (folder / "header.csv").write_text("\n".join(line + "," for line in lines) + "\n,,,,,,,\n")
    data = load_data(tmp_path)
    assert data.header["CHILD"].tolist() == ["001", "002"]
    assert data.findings == []


def test_ragged_row(tmp_path, capsys):
    folder = write_small_root(tmp_path) / "903" / "2019"
    with (folder / "episodes.csv").open("a") as f:
        f.write("003,01/01/2019,S,C2,N1,U1,PR1,,,,ME1 1AA,CT1 2AA,,extra,fields\n")  # line 4
    expect_error(capsys, tmp_path, "E118", file=folder / "episodes.csv", row=4,
                 words=("different number of fields",))


@pytest.mark.parametrize("seed", range(6))
def test_mangled_files_never_crash(tmp_path, seed):
    # Truncate the episodes file at a random point and overwrite a few random bytes: the
    # loader and validator either work or raise a UserError - never another exception.
    rng = np.random.default_rng(seed)
    folder = write_small_root(tmp_path) / "903" / "2019"
    raw = bytearray((folder / "episodes.csv").read_bytes())
    raw = raw[: int(rng.integers(1, len(raw)))]
    for at in rng.integers(0, len(raw), 3):
        raw[at] = int(rng.integers(0, 256))
    (folder / "episodes.csv").write_bytes(bytes(raw))
    try:
        validate(load_data(tmp_path))
    except UserError as exc:
        assert exc.code.startswith("E")
        assert exc.fix


def test_two_digit_years_on_several_rows_name_them(tmp_path, capsys):
    # rows 2 and 3 both hold two-digit DECOMs: the warning counts both and names the second
    eps = small_year(2019)["episodes"]
    eps[0]["DECOM"] = "01/01/18"
    eps[1]["DECOM"] = "01/05/18"
    folder = write_year(tmp_path, 2019, year_with(episodes=eps))
    expect_finding(capsys, tmp_path, "W105", file=folder / "episodes.csv", row=2, column="DECOM",
                   value="01/01/18 read as 01/01/2018", status=0)
    [finding] = [f for f in load_data(tmp_path).findings if f.rule == "W105"]
    assert "2 date(s) have a two-digit year" in finding.message
    assert "(1 more row like this, e.g. row 3)" in finding.message
