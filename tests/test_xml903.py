"""The DfE EXPSSDA903 XML return reads into the same tables as the equivalent CSVs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from builders import small_year, write_xml, write_year

from cpanalytics.data.loading import load_data
from cpanalytics.data.model import TABLES_903
from cpanalytics.data.xml903 import read_xml
from cpanalytics.errors import UserError

HAND_WRITTEN = """<?xml version="1.0" encoding="utf-8"?>
<EXPSSDA903>
  <CHILD>
    <HEADER>
      <CHILDID>0042</CHILDID>
      <SEX>2</SEX>
      <DOB>03/03/2003</DOB>
      <ETHNIC>BAFR</ETHNIC>
      <UPN>A123456789012</UPN>
      <UASC>1</UASC>
      <DUC>03/03/2021</DUC>
      <MOTHER>0</MOTHER>
      <AREVIEW>
        <REVIEW>05/06/2018</REVIEW>
        <REVIEW_CODE>PN4</REVIEW_CODE>
      </AREVIEW>
    </HEADER>
    <EPISODE>
      <DECOM>01/05/2018</DECOM>
      <RNE>S</RNE>
      <LS>V2</LS>
      <CIN>N1</CIN>
      <PL>U4</PL>
      <PLACE_PROVIDER>PR1</PLACE_PROVIDER>
    </EPISODE>
  </CHILD>
</EXPSSDA903>
"""


def full_year() -> dict:
    """small_year(2019) plus one row in every other table."""
    tables = small_year(2019)
    dob = {"001": "01/06/2010", "002": "15/01/2008"}
    tables["uasc"] = [{"CHILD": "002", "SEX": "2", "DOB": dob["002"], "DUC": "15/01/2026"}]
    tables["oc2"] = [{"CHILD": "001", "DOB": dob["001"], "SDQ_SCORE": "12", "CONVICTED": "0",
                      "HEALTH_CHECK": "1", "IMMUNISATIONS": "1", "TEETH_CHECK": "1",
                      "HEALTH_ASSESSMENT": "1", "SUBSTANCE_MISUSE": "0"}]
    tables["oc3"] = [{"CHILD": "002", "DOB": dob["002"], "IN_TOUCH": "YES", "ACTIV": "F1",
                      "ACCOM": "B1"}]
    tables["missing"] = [{"CHILD": "001", "DOB": dob["001"], "MISSING": "M",
                          "MIS_START": "10/10/2018", "MIS_END": "11/10/2018"}]
    tables["previous_permanence"] = [{"CHILD": "002", "DOB": dob["002"], "PREV_PERM": "Z1"}]
    tables["placed_for_adoption"] = [{"CHILD": "001", "DOB": dob["001"],
                                      "DATE_PLACED": "01/09/2018"}]
    tables["ad1"] = [{"CHILD": "001", "DOB": dob["001"], "DATE_INT": "01/06/2018",
                      "DATE_MATCH": "01/08/2018", "FOSTER_CARE": "1", "NB_ADOPTR": "2",
                      "SEX_ADOPTR": "MF", "LS_ADOPTR": "L0"}]
    return tables


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop file bookkeeping, order by CHILD, plain index."""
    bookkeeping = ["SRC_FILE", "SRC_ROW", "SRC_XML"]
    out = frame.drop(columns=bookkeeping, errors="ignore").sort_values("CHILD", kind="stable")
    return out.reset_index(drop=True)


def test_xml_gives_the_same_tables_as_csv(tmp_path):
    write_year(tmp_path / "csv", 2019, full_year())
    write_xml(tmp_path / "xml" / "903" / "2019" / "return.xml", full_year())
    from_csv, from_xml = load_data(tmp_path / "csv"), load_data(tmp_path / "xml")
    for table in TABLES_903:
        assert len(from_xml.tables[table]) >= 1, table
        pd.testing.assert_frame_equal(
            comparable(from_xml.tables[table]), comparable(from_csv.tables[table]),
            check_categorical=False, obj=table)


def test_hand_written_return(tmp_path):
    path = tmp_path / "return.xml"
    path.write_text(HAND_WRITTEN)
    tables, sha = read_xml(path)
    assert len(sha) == 64
    header = tables["header"].iloc[0]
    assert (header["CHILD"], header["SEX"], header["MOTHER"]) == ("0042", "2", "0")
    assert pd.isna(header["MC_DOB"])
    assert tables["uasc"][["CHILD", "SEX", "DUC"]].values.tolist() == [["0042", "2", "03/03/2021"]]
    assert tables["reviews"][["CHILD", "DOB", "REVIEW", "REVIEW_CODE"]].values.tolist() == [
        ["0042", "03/03/2003", "05/06/2018", "PN4"]]
    episode = tables["episodes"].iloc[0]
    assert (episode["CHILD"], episode["DECOM"], episode["PLACE"]) == ("0042", "01/05/2018", "U4")
    # SRC_ROW is the line the record starts on: <CHILD> line 3, <AREVIEW> 13, <EPISODE> 18
    assert (tables["header"]["SRC_ROW"].tolist(), tables["reviews"]["SRC_ROW"].tolist(),
            tables["episodes"]["SRC_ROW"].tolist()) == ([3], [13], [18])
    assert all(tables[t].empty for t in ("oc2", "oc3", "ad1", "missing"))


def test_malformed_xml(tmp_path):
    path = tmp_path / "return.xml"
    path.write_text(HAND_WRITTEN.replace("</EPISODE>", ""))
    with pytest.raises(UserError) as err:
        read_xml(path)
    assert err.value.code == "E117"
    assert err.value.row == 26  # </CHILD> (line 26) meets the unclosed <EPISODE> (line 18)
    assert "mismatched tag" in err.value.problem


def test_not_a_903_return(tmp_path):
    path = tmp_path / "return.xml"
    path.write_text("<?xml version='1.0'?><Message><Header/></Message>")
    with pytest.raises(UserError, match="not an SSDA903 XML return") as err:
        read_xml(path)
    assert err.value.code == "E117"


def test_xml_beside_csv_is_two_files_for_one_table(tmp_path):
    folder = write_year(tmp_path, 2019, small_year(2019))
    write_xml(folder / "return.xml", small_year(2019))
    with pytest.raises(UserError, match="two files hold the") as err:
        load_data(tmp_path)
    assert err.value.code == "E104"


DFE_PYTHON = Path(__file__).resolve().parents[1] / ".venv-dfe" / "bin" / "python"
DFE_READ = """
import json, sys
from lac_validator.ingress import read_xml_from_text
tables = read_xml_from_text(open(sys.argv[1], "rb").read())
print(json.dumps({k: v.astype(object).where(v.notna(), None).to_dict("records")
                  for k, v in tables.items()}))
"""
DFE_NAMES = {"Header": "header", "Episodes": "episodes", "UASC": "uasc", "Reviews": "reviews",
             "OC2": "oc2", "OC3": "oc3", "AD1": "ad1", "PlacedAdoption": "placed_for_adoption",
             "PrevPerm": "previous_permanence", "Missing": "missing"}


@pytest.mark.dfe
@pytest.mark.skipif(not DFE_PYTHON.exists(), reason="needs the DfE validator environment")
def test_same_tables_as_the_dfe_validators_xml_reader(tmp_path):
    path = write_xml(tmp_path / "return.xml", full_year())
    done = subprocess.run([str(DFE_PYTHON), "-c", DFE_READ, str(path)], capture_output=True,
                          text=True, check=True)
    theirs = json.loads(done.stdout)
    ours, _ = read_xml(path)
    for dfe_name, table in DFE_NAMES.items():
        columns = TABLES_903[table]
        expected = [[row.get(c) for c in columns] for row in theirs[dfe_name]]
        got = ours[table][columns].astype(object).where(ours[table][columns].notna(), None)
        assert got.values.tolist() == expected, table
