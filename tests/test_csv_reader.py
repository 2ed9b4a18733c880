"""ingest.read_csv reads with Arrow's parser where it can; what it reads equals what pandas'
parser reads (the reference), and what Arrow cannot read as pandas would goes to pandas."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cpanalytics.data import ingest

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"

#: name -> (file bytes, read by Arrow?)
CASES = {
    "plain": (f"{HEADER}\n001,1,01/06/2010,WBRI,A123456789012,,\n002,2,15/01/2008,BAFR,,,\n", True),
    "crlf and no final newline": (f"{HEADER}\r\n001,1,01/06/2010,WBRI,,,\r\n002,2,,BAFR,,,", True),
    "quoted separator, quote and newline": (
        f'{HEADER}\n"001","1","01/06/2010","W,BRI","say ""hi""",,\n002,2,,"two\nlines",,,\n', True),
    "quoted blank is missing": (f'{HEADER}\n001,"",01/06/2010,WBRI,,,\n', True),
    "padded values": (f"{HEADER}\n 001 ,1, 01/06/2010,WBRI ,,,\n", True),
    "a row of separators only": (f"{HEADER}\n001,1,01/06/2010,WBRI,,,\n,,,,,,\n", True),
    "NA and NULL stay text": (f"{HEADER}\n001,NA,NULL,nan,,,\n", True),
    "semicolons, BOM": (("\ufeff" + HEADER.replace(",", ";") + "\n001;1;01/06/2010;WBRI;;;\n"), True),
    "cp1252": ((HEADER + "\n001,1,01/06/2010,WBRI,,,\n").replace("WBRI", "W\u00e9RI"), True),
    "header only": (f"{HEADER}\n", True),
    "blank lines (rows of missing values, numbered)": (
        f"{HEADER}\n001,1,01/06/2010,WBRI,,,\n\n002,2,,BAFR,,,\n\n", True),
    "short row": (f"{HEADER}\n001,1,01/06/2010\n", False),
    "blank header name (trailing separator)": (f"{HEADER},\n001,1,01/06/2010,WBRI,,,,\n", False),
    "repeated header name": (f"{HEADER},SEX\n001,1,01/06/2010,WBRI,,,,2\n", False),
    "header name over two lines": (f'{HEADER},"NOTE\nTWO"\n001,1,01/06/2010,WBRI,,,,x\n', False),
}


@pytest.mark.parametrize("name", CASES)
def test_arrow_reads_as_pandas_does(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    text, by_arrow = CASES[name]
    path = tmp_path / "header.csv"
    path.write_bytes(text.encode("cp1252" if name == "cp1252" else "utf-8"))
    used: list[bool] = []
    real = ingest._arrow_csv
    monkeypatch.setattr(ingest, "_arrow_csv",
                        lambda data, sep: used.append((r := real(data, sep)) is not None) or r)
    fast = ingest.read_csv(path)
    monkeypatch.setattr(ingest, "_arrow_csv", lambda data, sep: None)
    reference = ingest.read_csv(path)
    assert used == [by_arrow]
    pd.testing.assert_frame_equal(fast.frame, reference.frame, check_exact=True)
    assert fast.findings == reference.findings


def test_values_as_pandas_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text(f'{HEADER}\n"001","","01/06/2010", WBRI ,NA,,\n')
    row = ingest.read_csv(path).frame.iloc[0]
    # the leading zero kept; "" missing; padding stripped (a space beside a separator)
    assert row["CHILD"] == "001" and pd.isna(row["SEX"]) and row["ETHNIC"] == "WBRI"
    assert row["UPN"] == "NA" and row["SRC_ROW"] == 2


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_padding_is_found_as_the_text_search_found_it(sep: str) -> None:
    # the seven patterns the text was searched for, each alone, and text with none of them
    patterns = [f"{sep} ", f" {sep}", "\n ", " \n", " \r", f"{sep}\t", f"\t{sep}"]
    for pattern in patterns:
        text = f"a{pattern}b"
        assert ingest._padded(text, text.encode(), sep), repr(text)
    for text in ["a b", f"a{sep}b\nc", "a\tb", f"x{sep}y \u00e9", "ab "]:
        assert not ingest._padded(text, text.encode(), sep), repr(text)
    assert ingest._padded(" a", b" a", sep)  # blank first character
