"""Small hand-built data sets for indicator tests, written as readable text tables.

    data = care_data(episodes='''
        CHILD DECOM      RNE LS PLACE DEC        REC
        A     01/04/2018 S   C2 U1    01/06/2018 X1
    ''')

Columns are whitespace separated; ``-`` means blank. Dates are dd/mm/YYYY. Missing 903
columns are filled with blanks; headers default to a boy born 01/01/2010 per child.
"""

from __future__ import annotations

import pandas as pd

from cpanalytics.data.model import DATE_COLUMNS, LOCAL_EXTRACTS, TABLES_903, CareData

_NUMERIC = {"SDQ_SCORE", "FTE", "AGE_0_17", "VALUE", "YEAR", "FOSTER_CARE", "NB_ADOPTR"}


def table(text: str, columns: list[str] | None = None) -> pd.DataFrame:
    """Parse a whitespace-separated text table (``-`` = blank) into typed columns."""
    lines = [line.split() for line in text.strip().splitlines() if line.strip()]
    frame = pd.DataFrame(lines[1:], columns=lines[0]) if lines else pd.DataFrame()
    frame = frame.replace("-", None)
    if columns is not None:
        frame = frame.reindex(columns=list(dict.fromkeys([*columns, *frame.columns])))
    for col in frame.columns:
        if col in DATE_COLUMNS:
            frame[col] = pd.to_datetime(frame[col], format="%d/%m/%Y")
        elif col in _NUMERIC:
            frame[col] = pd.to_numeric(frame[col])
        else:
            frame[col] = frame[col].astype("str")
    return frame


def care_data(episodes: str, header: str | None = None, **others: str) -> CareData:
    """A CareData from text tables: 903 tables by name, local extracts by name."""
    ep = table(episodes, TABLES_903["episodes"])
    if header is None:
        children = ep["CHILD"].dropna().unique()
        head = pd.DataFrame({"CHILD": children, "SEX": "1", "DOB": pd.Timestamp("2010-01-01"),
                             "ETHNIC": "WBRI"})
        head = head.reindex(columns=TABLES_903["header"])
    else:
        head = table(header, TABLES_903["header"])
    tables = {name: table("", cols) if name not in others else table(others[name], cols)
              for name, cols in TABLES_903.items()}
    tables["episodes"] = ep
    tables["header"] = head
    local = {name: table(others[name], cols) for name, cols in LOCAL_EXTRACTS.items() if name in others}
    return CareData(tables=tables, local=local, years=[])
